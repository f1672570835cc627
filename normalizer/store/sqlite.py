"""The embedded SQLite store: one file, WAL journal, one transaction per input.

An input is stored whole or not at all. Opening a store reads (``connection.py``):
it takes the write lock only when a migration or the creation of a new store is
due, so ``emit``, ``dups`` and ``serve`` never wait behind an ingest; a store the
user may only read is opened read-only. The fingerprint parameters live in the
``meta`` table and are checked on opening, before anything is written, because
signatures made with other parameters cannot be compared.

The queries are :class:`RelationalStore`'s; this module opens the file and keeps
SQLite's one writer at a time. This package is the only place that imports ``sqlite3``.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path

from normalizer.canonical import CanonicalRule
from normalizer.errors import StoreError
from normalizer.model import FingerprintParams
from normalizer.store.bands import RECENT_BANDS_LIMIT, BandIndex
from normalizer.store.connection import connect, may_write, open_schema, transaction
from normalizer.store.log import ChangeLog
from normalizer.store.relational import RelationalStore
from normalizer.store.search import Fts5Index

__all__ = ["SqliteStore"]


class SqliteStore(RelationalStore):
    """An open SQLite store.

    Args:
        path: the SQLite file (``:memory:`` for a throw-away store).
        params: the fingerprint parameters of this run; they must match the store's
            (``None``: the store's own, for a reader).
        canonical: the rule this run picks canonical members by; the store's own
            stays as it was until :meth:`save_rule` (see ``normalizer.store.open_store``).
        create: make a new store if there is none (else a missing file is an error).
        read_only: open without ever writing (a store the user may only read is
            opened so in any case).
    """

    def __init__(
        self,
        path: str,
        params: FingerprintParams | None,
        canonical: CanonicalRule | None = None,
        *,
        create: bool = True,
        read_only: bool = False,
    ) -> None:
        memory = path == ":memory:"
        exists = memory or Path(path).exists()
        if not exists and not create:
            raise StoreError(f"{path}: no such store (run ingest first, or give --db)")
        self.read_only = exists and not memory and (read_only or not may_write(path))
        try:
            db = connect(path, exists=exists, read_only=self.read_only)
            params = open_schema(db, path, params, read_only=self.read_only)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: cannot open the store: {error}") from None
        self._sqlite = db
        self._bands = BandIndex(db)
        super().__init__(
            path,
            db,
            index=self._bands,
            text_index=Fts5Index(db),
            log=ChangeLog(db, self.transaction),
            params=params,
            canonical=canonical,
        )

    def close(self) -> None:
        """Close the connection (committed work is already on disk)."""
        self._sqlite.close()

    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing: commit on success, roll back on any exception."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is read-only here: nothing can be written to it")
        return transaction(self._sqlite)

    def settle(self) -> None:
        """After an input: fold the waiting band rows once there are enough of them."""
        self.fold_recent_bands()

    def fold_recent_bands(self, limit: int = RECENT_BANDS_LIMIT) -> int:
        """Fold the waiting band rows into the main table once there are ``limit``, in
        one transaction; how many were moved (0 below the limit)."""
        waiting = self._bands.waiting()
        if waiting < limit:
            return 0
        with self.transaction():
            self._bands.fold()
        return waiting
