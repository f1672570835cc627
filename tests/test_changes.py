"""Runs on a schedule: a feed of what changed, and feed/updated that moves only then."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from lxml import etree

from feeds.publish.atom import ATOM_NS, EXT_NS
from feeds.publish.validate import validate_atom
from normalizer.settings import Settings
from normalizer.store import SCHEMA_VERSION, open_store

from .conftest import DEMO, FIXED_EPOCH, Cli

ORIGINAL = str(DEMO / "scraped-article-agencies-dateline.txt")
NEAR_DUPLICATE = str(DEMO / "scraped-article-near-duplicate.txt")
UNRELATED = str(DEMO / "scraped-article-unrelated.txt")
LATER = str(int(FIXED_EPOCH) + 3600)  # 2023-11-14T23:13:20Z
NS = {"a": ATOM_NS, "nn": EXT_NS}


def _feed(path: Path) -> etree._Element:
    """The document, after checking that it is valid Atom (empty or not)."""
    data = path.read_bytes()
    assert validate_atom(data, str(path)) == []
    return etree.fromstring(data)


def _entries(feed: etree._Element) -> dict[str, str]:
    """original-id -> atom:updated of each entry."""
    return {
        str(entry.findtext("nn:original-id", namespaces=NS)): str(entry.findtext("a:updated", namespaces=NS))
        for entry in feed.findall("a:entry", NS)
    }


def test_changed_emits_new_entries_then_only_what_changed(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, out = str(tmp_path / "s.db"), tmp_path / "changes.atom"
    assert cli("ingest", ORIGINAL, UNRELATED, "--db", db).exit_code == 0
    assert cli("emit", "--changed", "-o", str(out), "--db", db).exit_code == 0
    first = _feed(out)
    assert set(_entries(first)) == {"scraped-article-agencies-dateline", "scraped-article-unrelated"}
    first_updated = first.findtext("a:updated", namespaces=NS)

    # Nothing new: an empty feed whose updated has not moved.
    assert cli("ingest", ORIGINAL, UNRELATED, "--db", db).exit_code == 0
    assert cli("emit", "--changed", "-o", str(out), "--db", db).exit_code == 0
    idle = _feed(out)
    assert _entries(idle) == {}
    assert idle.findtext("a:updated", namespaces=NS) == first_updated

    # An hour later a copy arrives: it is new, and its original's cluster changed.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    assert cli("ingest", NEAR_DUPLICATE, "--db", db).exit_code == 0
    assert cli("emit", "--changed", "-o", str(out), "--db", db).exit_code == 0
    later = _feed(out)
    entries = _entries(later)
    assert set(entries) == {"scraped-article-agencies-dateline", "scraped-article-near-duplicate"}
    assert entries["scraped-article-agencies-dateline"] == "2023-11-14T23:13:20Z"
    assert later.findtext("a:updated", namespaces=NS) == "2023-11-14T23:13:20Z"
    assert first_updated is not None and first_updated < "2023-11-14T23:13:20Z"


def test_each_output_keeps_its_own_place(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    one, two = tmp_path / "one.atom", tmp_path / "two.atom"
    assert cli("run", ORIGINAL, "--changed", "-o", str(one), "--db", db).exit_code == 0
    assert cli("emit", "--changed", "-o", str(two), "--db", db).exit_code == 0
    assert set(_entries(_feed(two))) == {"scraped-article-agencies-dateline"}
    assert cli("emit", "--changed", "-o", str(one), "--db", db).exit_code == 0
    assert _entries(_feed(one)) == {}


def test_the_whole_feed_is_byte_identical_until_something_changes(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, out = str(tmp_path / "s.db"), tmp_path / "feed.atom"
    assert cli("run", ORIGINAL, UNRELATED, "-o", str(out), "--db", db).exit_code == 0
    before = out.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    assert cli("run", ORIGINAL, UNRELATED, "-o", str(out), "--db", db).exit_code == 0
    assert out.read_bytes() == before
    assert cli("run", NEAR_DUPLICATE, "-o", str(out), "--db", db).exit_code == 0
    after = _feed(out)
    assert after.findtext("a:updated", namespaces=NS) == "2023-11-14T23:13:20Z"
    # The unrelated story did not change, and neither did its entry.
    assert (
        _entries(after)["scraped-article-unrelated"]
        == _entries(etree.fromstring(before))["scraped-article-unrelated"]
    )


def test_a_schema_4_store_gets_a_change_log_in_storing_order(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert cli("ingest", ORIGINAL, UNRELATED, "--db", str(db)).exit_code == 0
    # What a store of schema 4 looked like: none of the log's tables.
    with sqlite3.connect(db) as connection:
        for table in ("changes", "touched", "fetch_state", "archive_pages", "cursors"):
            connection.execute(f"DROP TABLE {table}")
        connection.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with open_store(Settings(), path=str(db)) as store:
        assert store.meta()["schema_version"] == str(SCHEMA_VERSION)
        last = store.last_change()
        assert last is not None and last.seq == 2
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT c.seq, a.input_id, c.reason FROM changes c JOIN articles a ON a.id = c.article ORDER BY 1"
        ).fetchall()
    assert rows == [(1, "scraped-article-agencies-dateline", "new"), (2, "scraped-article-unrelated", "new")]


def test_copies_joining_a_story_log_their_own_changes_not_one_per_peer(tmp_path: Path) -> None:
    import random
    import sqlite3
    from dataclasses import replace as replaced

    from .limits import ROOT, child_environment, newsnorm_command
    from .story_corpus import _variant, make_items, write_feeds

    rng = random.Random(3)
    story = make_items(1, seed=4)[0]
    copies = [replaced(story, guid=f"urn:copy:{n}", body=_variant(story.body, rng)) for n in range(120)]
    feeds = write_feeds(tmp_path / "feeds", copies, per_feed=40)
    db = tmp_path / "s.db"
    import subprocess

    done = subprocess.run(
        newsnorm_command("ingest", *map(str, feeds), "--db", str(db)),
        cwd=ROOT, env=child_environment(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as connection:
        (clusters,) = connection.execute("SELECT COUNT(DISTINCT cluster) FROM members").fetchone()
        (changes,) = connection.execute("SELECT COUNT(*) FROM changes").fetchone()
    assert clusters == 1
    # Each join: the copy itself, the canonical member (its entry lists the cluster) and
    # what moved when the canonical member changed; before, one row per peer (7,260).
    assert changes < 4 * len(copies)
