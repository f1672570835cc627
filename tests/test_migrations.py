"""The schema's migrations: ordered, named, and the path from every older store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from normalizer.model import FingerprintParams
from normalizer.store import SCHEMA_VERSION
from normalizer.store.connection import connect, open_schema, stored_meta
from normalizer.store.migrations import MIGRATIONS, pending


def test_migrations_are_ordered_named_and_lead_to_this_schema() -> None:
    versions = [m.version for m in MIGRATIONS]
    assert versions == list(range(versions[0], versions[0] + len(versions)))
    assert len({m.name for m in MIGRATIONS}) == len(MIGRATIONS)
    assert versions[-1] == SCHEMA_VERSION
    assert pending(None) == MIGRATIONS
    assert pending(str(SCHEMA_VERSION)) == ()
    assert [m.version for m in pending("4") or ()] == list(range(5, SCHEMA_VERSION + 1))
    assert pending("1") is None and pending(str(SCHEMA_VERSION + 1)) is None and pending("x") is None


def _tables(db: sqlite3.Connection) -> dict[str, str]:
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
    return {str(row[0]): str(row[1]) for row in rows}


def test_a_store_of_each_older_version_migrates_to_the_schema_of_a_new_one(tmp_path: Path) -> None:
    params = FingerprintParams()
    fresh = connect(str(tmp_path / "new.db"), exists=False, read_only=False)
    open_schema(fresh, "new.db", params, read_only=False)
    for start in range(MIGRATIONS[0].version, SCHEMA_VERSION):
        path = tmp_path / f"v{start}.db"
        old = connect(str(path), exists=False, read_only=False)
        for step in MIGRATIONS:
            if step.version <= start:
                step.apply(old)
        old.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            sorted({**params.as_dict(), "schema_version": str(start)}.items()),
        )
        open_schema(old, str(path), params, read_only=False)
        assert stored_meta(old) == stored_meta(fresh)
        assert _tables(old).keys() == _tables(fresh).keys(), start
