"""The SQLite backend: opening reads, a store one may only read is served, migrations."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feeds.jobs import emit_feed, ingest_inputs
from normalizer.errors import StoreError
from normalizer.settings import Settings
from normalizer.store import SqliteStore, open_store

NOW = datetime(2024, 5, 1, tzinfo=UTC)

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
# Far below the store's 60 s busy timeout: a command that waited for the write lock
# would still be waiting when this guard ends it.
HANG_GUARD = 45


def _demo_store(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    with open_store(Settings(db=str(db))) as store:
        ingest_inputs([str(DEMO)], store, Settings(db=str(db)), NOW)
    return db


@pytest.mark.parametrize("command", [["emit", "-o", "out.atom"], ["dups"]])
def test_reading_commands_do_not_wait_behind_a_writer(tmp_path: Path, command: list[str]) -> None:
    db = _demo_store(tmp_path)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # an ingest holding its transaction
    writer.execute("INSERT INTO meta VALUES ('held', 'by a writer')")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cli", *command, "--db", str(db)],
            check=False,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=HANG_GUARD,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        )
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert done.returncode == 0, done.stderr
    assert "locked" not in done.stderr


def test_a_read_only_store_is_emitted_and_refuses_writes_in_one_line(tmp_path: Path) -> None:
    db = _demo_store(tmp_path)
    settings = Settings(db=str(db))
    with open_store(settings, create=False) as store:
        expected = io.BytesIO()
        emit_feed(store, settings, expected, now=NOW)
    before = db.read_bytes()
    with SqliteStore(str(db), settings.fingerprint_params, read_only=True) as store:
        assert store.read_only
        emitted = io.BytesIO()
        emit_feed(store, settings, emitted, now=NOW)
        # An archive page is served as rendered, and nothing is kept of it.
        assert store.save_archive_page("50/all", 1, b"<feed/>", "2024-01-01T00:00:00+00:00") == (
            b"<feed/>",
            "2024-01-01T00:00:00+00:00",
        )
        assert store.archive_page("50/all", 1) is None
        with pytest.raises(StoreError, match=r"s\.db: the store is read-only here"):
            store.save_emit_cursor("out.atom", 1)
    assert emitted.getvalue() == expected.getvalue()
    assert db.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file: the permission cannot be taken away")
def test_a_store_the_user_may_only_read_is_opened_read_only(tmp_path: Path) -> None:
    db = _demo_store(tmp_path)
    db.chmod(0o444)
    try:
        with open_store(Settings(db=str(db)), create=False) as store:
            assert store.read_only and store.article_count() == 35
    finally:
        db.chmod(0o644)


def test_a_missing_store_is_not_created_by_a_reader(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        open_store(Settings(db=str(tmp_path / "typo.db")), create=False)
    assert list(tmp_path.iterdir()) == []


def test_a_store_newer_than_this_code_is_refused_untouched(tmp_path: Path) -> None:
    db = _demo_store(tmp_path)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    before = db.read_bytes()
    with pytest.raises(StoreError, match="schema version 99, which this version"):
        open_store(Settings(db=str(db)))
    assert db.read_bytes() == before
