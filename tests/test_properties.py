"""Invariants over generated input (Hypothesis): idempotent cleaning, a closed error
surface for the readers, and Atom that reads back the same."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import feedparser
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.publish.atom import FeedInfo, atom_bytes, atom_id
from normalizer.boilerplate import load_rules, strip_chrome
from normalizer.clean import Cleaner
from normalizer.model import Article, Origin, RawEntry
from normalizer.pipeline import Pipeline
from normalizer.settings import Settings
from normalizer.store import open_store
from normalizer.text import repair, split_paragraphs

from .hostile_inputs import read_and_clean

_ATOM_NS = "{http://www.w3.org/2005/Atom}"

RULES = load_rules()
CLEANER = Cleaner.default()
CHROME = [
    "Translate »",
    "Check Also",
    "Related Posts",
    "Share this:",
    "Facebook",
    "-----------",
    "© 2024 X. All rights reserved.",
]
# Text a feed could carry: any characters but surrogates (not encodable as UTF-8).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
PARAGRAPHS = st.lists(st.one_of(TEXT, st.sampled_from(CHROME)), max_size=12)


def _text_clean(text: str) -> list[str]:
    kept, _ = strip_chrome(split_paragraphs(repair(text)), RULES)
    return kept


@given(PARAGRAPHS)
@example(["á\x86\t0"])  # mojibake that only a folded tab reveals
def test_text_cleaning_is_idempotent(paragraphs: list[str]) -> None:
    once = _text_clean("\n\n".join(paragraphs))
    assert _text_clean("\n\n".join(once)) == once


@given(st.binary(max_size=2000))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_any_bytes_raise_only_our_errors(data: bytes) -> None:
    read_and_clean(data)


_RSS = "<rss version='2.0'><channel><title>t</title><item><title>{a}</title><description>{b}</description>"
_ATOM = (
    "<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title><entry><id>urn:x</id>"
    "<title type='html'>{a}</title><content type='html'>{b}</content></entry></feed>"
)
_LATIN1 = "<?xml version='1.0' encoding='iso-8859-1'?><rss version='0.92'><channel><item><title>{a}</title>"
FEED_SHAPES = st.sampled_from(
    [
        _RSS + "</item></channel></rss>",
        _ATOM,
        _LATIN1 + "<description>{b}</description></item></channel></rss>",
        "<html><head><title>{a}</title></head><body><article><p>{b}</p></article></body></html>",
        "{a}\n\n{b}",
    ]
)


@given(FEED_SHAPES, TEXT, TEXT, st.sampled_from(["utf-8", "latin-1", "utf-16"]))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_feed_shaped_input_raises_only_our_errors(shape: str, a: str, b: str, encoding: str) -> None:
    read_and_clean(shape.format(a=a, b=b).encode(encoding, errors="replace"))


WORD = st.text(st.characters(exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1, max_size=12)
_ARTICLES = st.lists(
    st.tuples(
        st.lists(WORD, min_size=1, max_size=8).map(" ".join),
        st.lists(WORD, min_size=3, max_size=60).map(" ".join),
    ),
    min_size=1,
    max_size=5,
)


@given(_ARTICLES, st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_atom_reads_back_the_same(tmp_path: Path, pairs: list[tuple[str, str]], when: datetime) -> None:
    published = when.replace(microsecond=0, tzinfo=UTC)
    origin = Origin("feed", "generated.rss", "urn:feed", "Generated", None)
    entries = [
        RawEntry(f"urn:{i}", origin, title, body, "text", guid=f"urn:{i}", published=published)
        for i, (title, body) in enumerate(pairs)
    ]
    articles = [a for a in map(CLEANER.clean, entries) if isinstance(a, Article)]
    settings_ = Settings()
    db = tmp_path / f"{abs(hash((tuple(pairs), when)))}.db"
    with open_store(settings_, path=str(db)) as store:
        Pipeline(store, settings_, published).ingest(entries)
        data = atom_bytes(store, FeedInfo("urn:feed", "Feed", "0"))
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.bozo_exception
    assert {e.updated_parsed[:6] for e in parsed.entries} <= {published.timetuple()[:6]}
    # The titles are compared as XML reads them: feedparser re-decodes a title that
    # looks like UTF-8 read as Latin-1 ("Ä¡" comes back as "ġ"), which is its own
    # guess, not what the feed says.
    root = etree.fromstring(data)
    written = {
        entry.findtext(f"{_ATOM_NS}id"): entry.findtext(f"{_ATOM_NS}title")
        for entry in root.iter(f"{_ATOM_NS}entry")
    }
    assert written == {atom_id(a.key): a.title for a in articles}
