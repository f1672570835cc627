"""The one interface the store's SQL is written against, whichever engine runs it.

The store's queries are written once, in the SQL that SQLite and PostgreSQL both
speak (``?`` placeholders, ``ON CONFLICT`` upserts, ``RETURNING``, ``CASE`` where
SQLite's two-argument ``MAX`` would be), and run on a :class:`Database`: a
``sqlite3.Connection`` is one as it is; :class:`normalizer.store.postgres` wraps a
psycopg connection in one. Rows are read by column name (``rows.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

__all__ = ["Cursor", "Database", "Row", "article_batches"]


class Row(Protocol):
    """A result row, read by column name (or position)."""

    def __getitem__(self, key: Any, /) -> Any: ...


class Cursor(Protocol):
    """The result of one statement."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """A connection that runs the store's SQL (``?`` placeholders)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any: ...


def article_batches(db: Database, columns: str, size: int = 500) -> Iterator[list[Any]]:
    """Every row of ``articles`` (``columns``, the first of them ``id``), in id order,
    a batch of ``size`` at a time: a migration's walk over a store of any size.
    Each batch is read whole before it is given, so its rows may be updated."""
    last = 0
    while True:
        rows = db.execute(
            f"SELECT {columns} FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, size)
        ).fetchall()
        if not rows:
            return
        yield rows
        last = int(rows[-1][0])
