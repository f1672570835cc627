"""Crash safety: SIGKILL an ingest at many moments; the store stays whole and a re-run completes it."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import dump_store
from .limits import ROOT, child_environment, newsnorm_command
from .story_corpus import make_items, write_feeds

KILL_POINTS = 24


def _ingest(feeds: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        newsnorm_command("ingest", str(feeds), "--db", str(db)),
        cwd=ROOT,
        env=child_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _committed_articles(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not created yet


def _check_whole(db: Path, per_feed: dict[str, int]) -> int:
    """Integrity, all-or-nothing per input, and no orphan rows; returns the stored count."""
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = dict(connection.execute("SELECT origin_name, COUNT(*) FROM articles GROUP BY origin_name"))
        for name, count in stored.items():
            assert count == per_feed[name], f"{name}: {count} of {per_feed[name]} stored"
        articles = connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        for table in ("signatures", "members"):
            assert connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == articles
        orphans = connection.execute(
            "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM bands b WHERE b.article = a.id)"
            " AND NOT EXISTS (SELECT 1 FROM recent_bands r WHERE r.article = a.id)"
        ).fetchone()[0]
        assert orphans == 0
        dangling = connection.execute(
            "SELECT COUNT(*) FROM members m"
            " WHERE NOT EXISTS (SELECT 1 FROM clusters c WHERE c.key = m.cluster)"
        ).fetchone()[0]
        assert dangling == 0
        return int(articles)


@pytest.fixture(scope="module")
def corpus(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, int], dict[str, list[tuple[object, ...]]]]:
    base = tmp_path_factory.mktemp("crash")
    feeds = base / "feeds"
    paths = write_feeds(feeds, make_items(1500), per_feed=50)
    per_feed = {str(path): 50 for path in paths}
    reference = base / "reference.db"
    process = _ingest(feeds, reference)
    assert process.wait(timeout=300) == 0, process.stderr.read() if process.stderr else ""
    return feeds, per_feed, dump_store(reference)


@pytest.mark.slow
def test_kill_at_many_moments(
    corpus: tuple[Path, dict[str, int], dict[str, list[tuple[object, ...]]]], tmp_path: Path
) -> None:
    feeds, per_feed, reference = corpus
    total = len(reference["articles"])
    rng = random.Random(3)
    partial_kills = 0
    for point in range(1, KILL_POINTS + 1):
        db = tmp_path / f"kill-{point}.db"
        target = total * point // (KILL_POINTS + 1)
        process = _ingest(feeds, db)
        deadline = time.monotonic() + 120
        while _committed_articles(db) < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.03))  # land inside a transaction, not just after a commit
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        stored = _check_whole(db, per_feed)
        partial_kills += 0 < stored < total
        rerun = _ingest(feeds, db)
        assert rerun.wait(timeout=300) == 0
        assert dump_store(db) == reference, (
            f"kill point {point}: the re-run differs from an uninterrupted run"
        )
    assert partial_kills >= KILL_POINTS - 4, f"only {partial_kills} kills landed mid-run"
