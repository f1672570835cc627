"""The emitted Atom: valid, deterministic, readable back, carrying provenance and flags."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
import pytest
from lxml import etree

from feeds.jobs import ingest_inputs
from feeds.publish.atom import ATOM_NS, EXT_NS, FeedInfo, atom_bytes, atom_id
from feeds.publish.validate import validate_atom
from normalizer.identity import identity_url
from normalizer.settings import Settings
from normalizer.store import SqliteStore, open_store

from .conftest import DEMO, FIXTURES

NOW = datetime(2024, 10, 2, 12, tzinfo=UTC)
SETTINGS = Settings()
NS = {"a": ATOM_NS, "nn": EXT_NS}


def _emit(store: SqliteStore, collapse: bool = False) -> bytes:
    info = FeedInfo(SETTINGS.feed_id, SETTINGS.feed_title, "test")
    return atom_bytes(store, info, collapse=collapse)


def _demo_feed(tmp_path: Path, collapse: bool = False) -> bytes:
    with open_store(SETTINGS, path=str(tmp_path / "s.db")) as store:
        ingest_inputs([str(DEMO)], store, SETTINGS, NOW)
        return _emit(store, collapse)


def test_passes_the_rfc_4287_schema(tmp_path: Path) -> None:
    assert validate_atom(_demo_feed(tmp_path), "demo.atom") == []
    assert validate_atom(_demo_feed(tmp_path, collapse=True), "collapsed.atom") == []


def test_reads_back_through_feedparser(tmp_path: Path) -> None:
    data = _demo_feed(tmp_path)
    root = etree.fromstring(data)
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    ours = {
        e.findtext("a:id", namespaces=NS): (
            e.findtext("a:title", namespaces=NS),
            e.findtext("a:updated", namespaces=NS),
        )
        for e in root.findall("a:entry", NS)
    }
    theirs = {e.id: (e.title, e.updated) for e in parsed.entries}
    assert theirs == ours
    assert len(ours) == 35


def test_byte_identical_from_the_same_store(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    with open_store(SETTINGS, path=path) as store:
        ingest_inputs([str(DEMO)], store, SETTINGS, NOW)
        first = _emit(store)
    with open_store(SETTINGS, path=path) as store:
        assert _emit(store) == first


def test_ids_are_stable_across_stores(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    assert _demo_feed(tmp_path / "one") == _demo_feed(tmp_path / "two")


def test_duplicate_flags_and_provenance(tmp_path: Path) -> None:
    root = etree.fromstring(_demo_feed(tmp_path))
    entries = {e.findtext("nn:original-id", namespaces=NS): e for e in root.findall("a:entry", NS)}
    original = entries["scraped-article-agencies-dateline"]
    copy = entries["scraped-article-near-duplicate"]
    original_story = original.find("nn:story", NS)
    copy_story = copy.find("nn:story", NS)
    assert original_story is not None and copy_story is not None
    assert original_story.get("cluster") == copy_story.get("cluster")
    assert {original_story.get("canonical"), copy_story.get("canonical")} == {"true", "false"}
    flagged = copy_story if copy_story.get("canonical") == "false" else original_story
    assert 0.7 <= float(flagged.get("similarity", "0")) < 1.0
    source = copy.find("a:source", NS)
    assert source is not None
    # The file's name with a digest of its folder: no local path is published.
    title = source.findtext("a:title", namespaces=NS) or ""
    assert title.startswith("scraped-article-near-duplicate.txt@") and str(DEMO) not in title
    seed = entries["agencies-dateline-seed"]
    assert seed.findtext("nn:agency", namespaces=NS) == "Agencies"
    dateline = seed.find("nn:dateline", NS)
    assert dateline is not None and dateline.get("place") == "PARIS" and dateline.get("month") == "10"
    heise_key = f"file:{os.path.normpath(str(DEMO))}\x1f{identity_url('http://heise.de/-3088438')}"
    heise = root.find(f"a:entry[a:id='{atom_id(heise_key)}']", NS)
    assert heise is not None
    assert heise.findtext("a:source/a:id", namespaces=NS) == "http://www.heise.de/developer/"


def test_collapse_keeps_one_entry_per_story(tmp_path: Path) -> None:
    root = etree.fromstring(_demo_feed(tmp_path, collapse=True))
    entries = root.findall("a:entry", NS)
    assert len(entries) == 34
    members = root.findall("a:entry/nn:story/nn:member", NS)
    assert len(members) == 1


def test_control_characters_never_reach_the_output(tmp_path: Path) -> None:
    feed = tmp_path / "ctl.rss"
    feed.write_bytes(
        b"<rss version='2.0'><channel><title>t\x0c</title><item><guid>g1</guid>"
        b"<title>Form\x0cfeed</title><description>Body text with ESC \x1b inside.</description>"
        b"</item></channel></rss>"
    )
    with open_store(SETTINGS, path=str(tmp_path / "s.db")) as store:
        ingest_inputs([str(feed)], store, SETTINGS, NOW)
        data = _emit(store)
    assert b"\x0c" not in data and b"\x1b" not in data
    assert validate_atom(data, "ctl.atom") == []


def test_golden_demo_feed(
    cli: Callable[..., object], check_golden: Callable[[str, bytes], None], tmp_path: Path
) -> None:
    out = tmp_path / "demo.atom"
    result = cli("run", "fixtures/demo", "-o", str(out), "--db", str(tmp_path / "g.db"))
    assert result.exit_code == 0
    check_golden("demo.atom", out.read_bytes())


@pytest.mark.parametrize("folder", ["demo", "agency", "real", "pages", "hostile", "dedup/docs", "ftfy"])
def test_everything_written_from_every_fixture_folder_validates(folder: str, tmp_path: Path) -> None:
    # Whatever the sources give (locale language tags, relative ids and links, hostile
    # bytes), what newsnorm writes passes its own validator; both collapsed and whole.
    settings = Settings(db=str(tmp_path / "s.db"))
    with open_store(settings) as store:
        ingest_inputs([str(FIXTURES / folder)], store, settings, NOW)
        for collapse in (False, True):
            data = atom_bytes(
                store, FeedInfo(settings.feed_id, settings.feed_title, "test"), collapse=collapse
            )
            assert validate_atom(data, f"{folder}.atom") == [], folder


def test_no_credential_or_local_folder_is_published(tmp_path: Path) -> None:
    feed = tmp_path / "private" / "desk.rss"
    feed.parent.mkdir()
    feed.write_text(
        "<rss version='2.0'><channel><title>Desk</title><item><guid>urn:desk:1</guid><title>Budget vote"
        "</title><description>The parliament voted on the budget on Tuesday after a long debate about"
        " spending on schools and roads.</description></item></channel></rss>",
        "utf-8",
    )
    settings = Settings(db=str(tmp_path / "s.db"))
    with open_store(settings) as store:
        ingest_inputs([str(feed.resolve())], store, settings, NOW)
        data = atom_bytes(store, FeedInfo(settings.feed_id, settings.feed_title, "test"))
    assert str(tmp_path).encode() not in data
    assert b"urn:newsnorm:feed:desk.rss%40" in data  # the file's name, and a digest of where it was


def test_a_feed_url_is_published_without_its_credentials() -> None:
    from normalizer.values import public_location

    given = "https://ann:hunter2@wire.example.com/feed.xml?api_key=S3CRET&token=t&section=world"
    assert public_location(given) == "https://wire.example.com/feed.xml?section=world"
