"""Four processes ingest overlapping inputs into one SQLite store at once."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from .limits import ROOT, child_environment, newsnorm_command
from .story_corpus import make_items, overlapping_shares, write_feeds

WORKERS = 4


def _partition(db: Path) -> set[frozenset[str]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT m.cluster, a.key FROM members m JOIN articles a ON a.id = m.article"
        )
        clusters: dict[int, set[str]] = {}
        for cluster, key in rows:
            clusters.setdefault(cluster, set()).add(key)
    return {frozenset(members) for members in clusters.values()}


def _start(inputs: list[Path], db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        newsnorm_command("ingest", *map(str, inputs), "--db", str(db)),
        cwd=ROOT,
        env=child_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_four_writers_equal_one(tmp_path: Path) -> None:
    items = make_items(1600, seed=21)
    feeds = write_feeds(tmp_path / "feeds", items, per_feed=40)
    serial_db = tmp_path / "serial.db"
    serial = _start(feeds, serial_db)
    assert serial.wait(timeout=300) == 0

    shared_db = tmp_path / "shared.db"
    jobs = overlapping_shares(feeds, WORKERS)
    processes = [_start(job, shared_db) for job in jobs]
    for process in processes:
        assert process.wait(timeout=300) == 0
        stderr = process.stderr.read().decode() if process.stderr else ""
        assert "locked" not in stderr and "Traceback" not in stderr, stderr

    with sqlite3.connect(shared_db) as connection:
        keys = [row[0] for row in connection.execute("SELECT key FROM articles")]
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert len(keys) == len(set(keys)) == len(items)
    assert _partition(shared_db) == _partition(serial_db)
    stories = {item.story for item in items}
    assert len(_partition(serial_db)) == len(stories)
