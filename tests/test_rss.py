"""RSS items read straight from the hardened parse equal feedparser's reading."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from feeds.readers.feed import items_read_directly, read_feed
from feeds.readers.sniff import sniff
from normalizer.clean import Cleaner
from normalizer.errors import NewsnormError
from normalizer.model import RawEntry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CLEANER = Cleaner.default()

# feedparser's sanitiser test cases where the cleaned text differs, and why. The
# direct reading leaves sanitising to the cleaner, which drops more.
KNOWN_DIFFERENCES = {
    # feedparser keeps the page's <title> and leaks script source as text.
    "item_description_crazy.xml",
    "item_content_encoded_crazy.xml",
    # An unclosed <object>: the cleaner drops its fallback content, feedparser the tag.
    "item_description_object.xml",
    "item_content_encoded_object.xml",
    # A CDATA end inside CDATA: "]]>" against "<![CDATA[]]>", junk either way.
    "item_content_encoded_script_nested_cdata.xml",
}


def _comparable(entry: RawEntry) -> tuple[object, object]:
    """The entry without its raw body (feedparser's copy was sanitised), and the
    article the cleaner makes of it."""
    try:
        cleaned: object = CLEANER.clean(entry)
    except NewsnormError as error:
        cleaned = str(error)
    return dataclasses.replace(entry, content=""), cleaned


def _taken(data: bytes) -> int:
    return items_read_directly(data, "test")


def _rss(
    items: str, channel: str = "<title>T</title><link>http://example.org/</link>", root: str = ""
) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" '
        f'xmlns:atom="http://www.w3.org/2005/Atom" {root}><channel>{channel}{items}</channel></rss>'
    ).encode()


def _both(data: bytes, chunk_items: int = 250) -> list[RawEntry]:
    """The direct reading, after checking it equals feedparser's."""
    direct = list(read_feed(data, "test", chunk_items))
    reference = list(read_feed(data, "test", chunk_items, direct=False))
    assert [_comparable(e) for e in direct] == [_comparable(e) for e in reference]
    return direct


def _fixture_feeds() -> list[Path]:
    paths = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and not path.name.startswith("README"):
            data = path.read_bytes()
            if data.strip() and sniff(data) == "rss":
                paths.append(path)
    return paths


def test_direct_reading_equals_feedparser_over_every_fixture_feed() -> None:
    taken = 0
    differing = set()
    for path in _fixture_feeds():
        data = path.read_bytes()
        # feedparser's own test items have no guid or link; give them one, so the
        # direct reading takes them and is held to feedparser's sanitised reading.
        data = re.sub(rb"<item>", b"<item><guid>urn:test:1</guid>", data, count=1)
        try:
            reference = list(read_feed(data, str(path), direct=False))
        except NewsnormError:
            continue
        direct = list(read_feed(data, str(path)))
        taken += _taken(data)
        if [_comparable(e) for e in direct] != [_comparable(e) for e in reference]:
            differing.add(path.name)
    assert differing == KNOWN_DIFFERENCES
    assert taken >= 150  # the fixtures do exercise the direct reading


def test_a_plain_item_is_read_directly_with_feedparser_field_rules() -> None:
    data = _rss(
        "<item><title> Talks resume </title><guid>http://example.org/a</guid>"
        "<pubDate>Tue, 02 Oct 2018 08:00:00 GMT</pubDate><dc:date>2018-10-02T09:30:00Z</dc:date>"
        "<author>desk@example.org (Wire Desk)</author><description>&lt;p&gt;Body&lt;/p&gt;</description>"
        '<category domain="x">World</category>'
        '<enclosure url="http://example.org/i.jpg" length="1" type="image/jpeg"/>'
        '<media:thumbnail url="http://example.org/t.jpg"/><atom:link rel="self" href="http://example.org/a"/>'
        "</item>"
    )
    assert _taken(data) == 1
    (entry,) = _both(data)
    assert entry.title == "Talks resume"
    assert entry.link == entry.guid == "http://example.org/a"  # a permalink guid stands in for the link
    assert entry.published is not None and entry.published.hour == 8
    assert entry.updated is not None and entry.updated.minute == 30
    assert entry.author == "desk@example.org (Wire Desk)"
    assert entry.content == "<p>Body</p>" and entry.content_type == "html"
    assert entry.origin.feed_title == "T" and entry.origin.feed_link == "http://example.org/"


@pytest.mark.parametrize(
    ("item", "field", "expected"),
    [
        (
            '<guid isPermaLink="false">tag:x,2024:1</guid><title>t</title><description>b</description>',
            "link",
            None,
        ),
        (
            "<guid>http://example.org/g</guid><link>http://example.org/l</link><description>b</description>",
            "link",
            "http://example.org/l",
        ),
        (
            "<link>http://example.org/l?a=1&amp;amp;b=2</link><description>b</description>",
            "link",
            "http://example.org/l?a=1&b=2",
        ),
        ("<link>http:////example.org/x</link><description>b</description>", "link", "http://example.org/x"),
        (
            "<guid>urn:a</guid><title>Caf\u00c3\u00a9</title><description>b</description>",
            "title",
            "Caf\u00e9",
        ),
        (
            "<guid>urn:a</guid><title>\u0093Quoted\u0094</title><description>b</description>",
            "title",
            "\u201cQuoted\u201d",
        ),
        (
            "<guid>urn:a</guid><description>short</description>"
            "<content:encoded>the long body</content:encoded>",
            "content",
            "the long body",
        ),
        (
            "<guid>urn:a</guid><content:encoded>short</content:encoded>"
            "<description>the long teaser</description>",
            "content",
            "the long teaser",
        ),
        (
            "<guid>urn:a</guid><dc:creator>Jane Roe</dc:creator><description>b</description>",
            "author",
            "Jane Roe",
        ),
    ],
)
def test_direct_fields_match_feedparser(item: str, field: str, expected: object) -> None:
    data = _rss(f"<item>{item}</item>")
    assert _taken(data) == 1
    (entry,) = _both(data)
    assert getattr(entry, field) == expected


@pytest.mark.parametrize(
    "item",
    [
        # No guid and no link: the id would be a hash of feedparser's sanitised body.
        "<title>t</title><description>b</description>",
        # Fields another vocabulary maps onto title, description or link.
        "<guid>urn:a</guid><media:title>m</media:title><description>b</description>",
        "<guid>urn:a</guid><description>b</description><media:description>caption</media:description>",
        '<guid>urn:a</guid><media:content url="u"><media:title>m</media:title></media:content>',
        '<guid>urn:a</guid><atom:link href="http://example.org/alt"/><description>b</description>',
        # A repeated field, a type attribute, markup inside a field, an HTML title.
        "<guid>urn:a</guid><title>one</title><title>two</title><description>b</description>",
        '<guid>urn:a</guid><description type="text/plain">b</description>',
        "<guid>urn:a</guid><description>b <b>bold</b></description>",
        "<guid>urn:a</guid><title>A &amp;amp; B</title><description>b</description>",
        # An unknown namespace under a prefix feedparser knows.
        '<guid>urn:a</guid><media:x xmlns:media="http://other.example/">x</media:x><description>b</description>',
    ],
)
def test_items_feedparser_must_read_go_to_feedparser(item: str) -> None:
    data = _rss(f"<item>{item}</item>")
    assert _taken(data) == 0
    _both(data)


def test_unknown_vocabularies_under_their_own_prefix_are_read_directly() -> None:
    item = '<guid>urn:a</guid><jto:credit xmlns:jto="http://example.org/jto">AP</jto:credit><description>b</description>'
    assert _taken(_rss(f"<item>{item}</item>")) == 1
    _both(_rss(f"<item>{item}</item>"))


def test_xml_base_sends_the_feed_to_feedparser() -> None:
    data = _rss(
        "<item><link>a/b</link><description>b</description></item>", root='xml:base="http://example.org/"'
    )
    assert _taken(data) == 0
    (entry,) = _both(data)
    assert entry.link == "http://example.org/a/b"


def test_a_chunk_with_one_complex_item_keeps_the_feed_order() -> None:
    items = "".join(
        f"<item><guid>urn:{n}</guid><description>body {n}</description></item>" for n in range(5)
    ).replace("<description>body 3", "<media:title>m</media:title><description>body 3")
    entries = _both(_rss(items), chunk_items=2)
    assert [e.guid for e in entries] == [f"urn:{n}" for n in range(5)]


def test_a_photo_caption_is_not_the_story() -> None:
    # feedparser files a media:description after the description as content.
    data = _rss(
        "<item><guid>urn:a</guid><description>The story, longer than its photo caption.</description>"
        "<media:description>A caption.</media:description></item>"
    )
    (entry,) = list(read_feed(data, "test"))
    assert entry.content == "The story, longer than its photo caption."
