"""Real feeds and broken ones, through the sniffer and feedparser."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feeds.readers import read_entries
from feeds.readers.feed import read_feed
from feeds.readers.sniff import sniff
from normalizer.errors import InputError

from .conftest import DEMO, FIXTURES, HOSTILE


def test_bbc_rss() -> None:
    path = DEMO / "bbc.rss.xml"
    entries = list(read_entries(path.read_bytes(), str(path)))
    assert len(entries) == 16
    first = entries[0]
    assert first.title == "Firm in data scandal 'made election boasts'"
    assert first.link is not None and first.link.startswith("https://www.bbc.co.uk/news/uk-politics-43532916")
    assert first.published == datetime(2018, 3, 25, 11, 52, 46, tzinfo=UTC)
    assert first.origin.feed_title == "BBC News - News front page"
    assert first.origin.kind == "feed"


def test_heise_atom() -> None:
    path = DEMO / "heise.atom"
    entries = list(read_entries(path.read_bytes(), str(path)))
    assert len(entries) == 15
    assert entries[0].guid == "http://heise.de/-3088438"
    assert entries[0].content_type == "html"
    assert entries[0].origin.feed_id == "http://www.heise.de/developer/"


def test_cp1252_bytes_declared_utf8_read_with_the_right_characters() -> None:
    path = HOSTILE / "cp1252-declared-utf8.rss"
    (entry,) = list(read_entries(path.read_bytes(), str(path)))
    assert entry.title.startswith("\u201cTalks resume\u201d in Paris \u2026")


def test_bom_wins_over_a_contradicting_declaration() -> None:
    path = HOSTILE / "bom-utf8-declared-latin1.rss"
    assert list(read_entries(path.read_bytes(), str(path))) == []  # a channel without items
    # The channel title is read right, which the re-serialised bytes prove.
    from feeds.readers.feed import _chunks

    ((chunker, items),) = _chunks(path.read_bytes(), str(path), 10)
    assert "Café – naïve".encode() in chunker.document(items)


def test_truncated_feed_recovers_the_complete_items() -> None:
    path = HOSTILE / "truncated-guardian.rss"
    assert len(list(read_entries(path.read_bytes(), str(path)))) == 22


@pytest.mark.parametrize(
    ("name", "problem"),
    [("html-instead-of-feed.xml", "no article text"), ("empty.xml", "empty document")],
)
def test_non_feeds_are_one_line_errors(name: str, problem: str) -> None:
    path = HOSTILE / name
    with pytest.raises(InputError) as caught:
        list(read_entries(path.read_bytes(), str(path)))
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<?xml version='1.0'?>\n<rss version='2.0'/>", "rss"),
        (b"\xef\xbb\xbf<feed xmlns='http://www.w3.org/2005/Atom'/>", "atom"),
        (b"<rdf:RDF xmlns:rdf='x'/>", "rdf"),
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        (b"PARIS, Oct 2 (AFP) - x", "text"),
        (b"<nitf><body/></nitf>", "nitf"),
        (b"<newsItem xmlns='http://iptc.org/std/nar/2006-10-01/'/>", "newsml-g2"),
        (b"<newsItem xmlns='urn:other'/>", "xml"),
        (b"<?xml version='1.0' encoding='iso-8859-1'?><NewsML Version='1.2'/>", "newsml"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "jsonfeed"),
        (b'{"uri": "urn:x", "type": "text", "headline": "h"}', "ninjs"),
        (b"\x16\x16\x01W2870\x1fasian\n\x02^BC-x<\n\x03", "anpa"),
        (b"\x01eca062 4 i 211 ccccb dpa 061\r\n\x02Headline =\r\n\x03", "iptc7901"),
        (b"<inventory><x/></inventory>", "xml"),
        ("<feed/>".encode("utf-16"), "atom"),
    ],
)
def test_sniff(data: bytes, expected: str) -> None:
    assert sniff(data) == expected


def test_relative_links_and_ids_resolve_against_the_feeds_own_address() -> None:
    feed = FIXTURES / "real" / "relative-links.atom"
    entries = list(read_feed(feed.read_bytes(), str(feed)))
    assert [e.link for e in entries] == [
        "https://news.example.com/livewire/2024/10/02/storm-closes-ports",
        "https://news.example.com/livewire/2024/10/02/central-bank-holds-rates",
    ]
    assert entries[0].origin.feed_id == "https://news.example.com/livewire/feed.atom"
    rust = FIXTURES / "real" / "locale-language.rss"
    (entry,) = read_feed(rust.read_bytes(), str(rust))
    # A relative channel link with nothing to resolve it against is left out, not copied.
    assert entry.origin.feed_link is None and entry.origin.feed_id is None
    assert entry.link == "https://forum.example.org/r/rust/comments/1/new-release/"


@pytest.mark.parametrize("direct", [True, False])
def test_a_full_text_the_feed_carries_wins_over_its_teaser(direct: bool) -> None:
    feed = FIXTURES / "real" / "yandex-full-text.rss"
    (entry,) = read_feed(feed.read_bytes(), str(feed), direct=direct)
    assert entry.content_type == "text"
    assert entry.content.startswith(
        "Правительство в среду обсудило новые меры поддержки экономики, в том числе"
    )
    assert "несколько сотен миллиардов рублей." in entry.content
