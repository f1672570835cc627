"""The PostgreSQL store: one database that a fleet of workers writes at once.

The queries are :class:`RelationalStore`'s, the same as SQLite's; what differs is
how many writers there are. SQLite has one at a time, an input per transaction.
Here any number of ``ingest``/``run`` processes write together, so:

- **An entry is a transaction.** An input is read whole first (an input its reader
  fails on is rejected before any of it is stored), then each entry's look-up,
  decision and writes are one transaction. A worker killed mid-input leaves the
  entries it stored, each whole; the input's fetch validators are kept only once
  it is all stored, so the next poll brings the rest.
- **Locks, taken in one order.** Before it looks up its candidates, an entry takes a
  transaction-scoped advisory lock on each of its band keys, in key order; before
  it joins, merges or re-settles clusters, it locks their rows (``FOR UPDATE``), in
  key order. Two workers seeing copies of one story at the same moment share a band
  key, so the second waits for the first's commit, then sees its copy: one cluster.
  Writers of unrelated stories never wait for each other.
- **Retried, not failed.** A deadlock (two new versions crossing), a unique key
  taken by another worker a moment earlier, or a cluster merged away while an entry
  waited for it rolls that entry back, and it is decided again on what is now
  stored.
- **A change log in commit order.** ``emit --changed`` and the archive pages cut the
  log by sequence number, so a number must never commit after a higher one: an
  entry's changes are appended at its end, under one short advisory lock held from
  the append to the commit (a millisecond, not the entry's work).

Band look-ups are one ``= ANY(...)`` query; band rows one multi-row insert.

This module is the only one that imports ``psycopg`` (``pip install 'newsnorm[postgres]'``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors

from normalizer.canonical import CanonicalRule
from normalizer.errors import StoreError
from normalizer.model import Article, Fingerprint, FingerprintParams
from normalizer.store.bands import ARTICLES_PER_BAND, BandIndex
from normalizer.store.log import ChangeLog
from normalizer.store.migrations import migrate, plan
from normalizer.store.postgres_schema import MIGRATIONS
from normalizer.store.protocol import StoredVersion
from normalizer.store.relational import RelationalStore
from normalizer.store.search import TsvectorIndex

__all__ = ["PostgresStore", "safe_name"]

T = TypeVar("T")

# Advisory locks of two int4 keys (a key space apart from the band keys' int8 ones).
_LOCK_CLASS = 0x6E6E  # "nn"
_SCHEMA_LOCK = 1
_LOG_LOCK = 2
# How often one entry is decided again after a conflict with another worker.
_ATTEMPTS = 20
_CONNECT_TIMEOUT_S = 10


def safe_name(url: str) -> str:
    """A database URL as messages may show it: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit((parts.scheme, f"{user}@{netloc}" if user else netloc, parts.path, parts.query, ""))


class _MovedError(Exception):
    """A cluster an entry was joining was merged away while it waited: decide again."""


@lru_cache(maxsize=512)
def _dialect(sql: str) -> str:
    # The store's SQL has no literal "?" or "%": psycopg's placeholders are %s.
    return sql.replace("%", "%%").replace("?", "%s")


class _Row(dict[Any, Any]):
    """A row read by column name or position, as ``sqlite3.Row`` is."""


def _row_factory(cursor: psycopg.Cursor[Any]) -> Callable[[Sequence[Any]], _Row]:
    names = [column.name for column in cursor.description or ()]

    def make(values: Sequence[Any]) -> _Row:
        row = _Row(zip(names, values, strict=True))
        row.update(enumerate(values))
        return row

    return make


class _Connection:
    """A psycopg connection that runs the store's SQL (see :mod:`normalizer.store.database`)."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.raw = connection

    def execute(self, sql: str, parameters: Any = (), /) -> psycopg.Cursor[Any]:
        return self.raw.execute(_dialect(sql), parameters or None)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> None:
        rows = list(parameters)
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(_dialect(sql), rows)


class _Bands(BandIndex):
    """The band table in PostgreSQL, with the locks that make one decision at a time
    for any one story across all workers."""

    def _articles_under(self, band_keys: Sequence[int]) -> tuple[str, list[object]]:
        # One table; each key read through its index, at most ARTICLES_PER_BAND rows.
        return (
            "SELECT b.article FROM unnest(?::bigint[]) AS k(band_key) CROSS JOIN LATERAL "
            "(SELECT article FROM bands WHERE band_key = k.band_key ORDER BY article LIMIT ?) AS b",
            [list(band_keys), ARTICLES_PER_BAND],
        )

    def hold_bands(self, band_keys: Sequence[int]) -> None:
        if band_keys:
            self._db.execute(
                "SELECT pg_advisory_xact_lock(k) FROM "
                "(SELECT DISTINCT unnest(?::bigint[]) AS k ORDER BY 1) AS keys",
                (list(band_keys),),
            ).fetchall()

    def _hold_clusters(self, keys: Sequence[str], clusters: dict[str, str]) -> dict[str, str]:
        self.hold_clusters(sorted(set(clusters.values())))
        if self._clusters_of(keys) != clusters:
            raise _MovedError
        return clusters

    def hold_clusters(self, clusters: Sequence[str]) -> None:
        """Lock these clusters' rows, in key order, until the transaction ends."""
        if clusters:
            self._db.execute(
                "SELECT key FROM clusters WHERE key = ANY(?) ORDER BY key FOR UPDATE", (list(clusters),)
            ).fetchall()

    def forget(self, article_id: int) -> None:
        self._db.execute("DELETE FROM bands WHERE article = ?", (article_id,))

    def write(self, article_id: int, band_keys: Sequence[int]) -> None:
        if band_keys:
            self._db.execute(
                "INSERT INTO bands (band_key, article) SELECT DISTINCT unnest(?::bigint[]), ? "
                "ON CONFLICT DO NOTHING",
                (list(band_keys), article_id),
            )


class _OrderedLog(ChangeLog):
    """The change log, appended at the end of a transaction under the log lock (so
    that sequence numbers commit in order)."""

    def __init__(self, db: _Connection, transaction: Callable[[], AbstractContextManager[None]]) -> None:
        super().__init__(db, transaction)
        self._waiting: list[tuple[list[int], str, str]] = []

    def append(self, ids: list[int], at: str, reason: str) -> None:
        self._waiting.append((ids, at, reason))

    def discard(self) -> None:
        """Forget what a rolled-back transaction would have logged."""
        self._waiting.clear()

    def flush(self, db: _Connection) -> None:
        """Append what the transaction logged, under the log lock (held to its commit)."""
        if not self._waiting:
            return
        db.execute("SELECT pg_advisory_xact_lock(?, ?)", (_LOCK_CLASS, _LOG_LOCK)).fetchall()
        waiting, self._waiting = self._waiting, []
        for ids, at, reason in waiting:
            super().append(ids, at, reason)


class PostgresStore(RelationalStore):
    """An open PostgreSQL store.

    Args:
        url: ``postgresql://user@host:port/dbname`` (libpq's URL; a password may be in
            it or in ``PGPASSWORD``/``~/.pgpass``).
        params: the fingerprint parameters of this run; they must match the store's.
        canonical: the rule this run picks canonical members by.
        create: make the store's tables in an empty database (else it is an error).
    """

    stores_per_entry = True

    def __init__(
        self,
        url: str,
        params: FingerprintParams | None,
        canonical: CanonicalRule | None = None,
        *,
        create: bool = True,
    ) -> None:
        name = safe_name(url)
        try:
            raw = psycopg.connect(
                url, autocommit=True, row_factory=_row_factory, connect_timeout=_CONNECT_TIMEOUT_S,
                application_name="newsnorm",
            )  # fmt: skip
        except psycopg.Error as error:
            raise StoreError(f"{name}: cannot connect to the store: {_one_line(error)}") from None
        self._raw = raw
        # A commit does not wait for its WAL flush: a server crash may lose the last
        # fraction of a second of entries, never half of one, and never an entry without
        # the ones committed before it (the WAL is replayed in order). The fetch
        # validators commit after their input's entries, so what is lost is fetched
        # again. Waiting for each entry's flush made a worker spend half its time idle.
        raw.execute("SET synchronous_commit = off")
        db = _Connection(raw)
        self._pg = db
        self._depth = 0
        self._versions: dict[int, str] = {}
        self._ordered_log = _OrderedLog(db, self.transaction)
        try:
            params = self._open_schema(db, name, params, create=create)
        except BaseException:
            raw.close()
            raise
        self._bands = _Bands(db)
        super().__init__(
            name, db, index=self._bands, text_index=TsvectorIndex(db), log=self._ordered_log,
            params=params, canonical=canonical,
        )  # fmt: skip

    def _open_schema(
        self, db: _Connection, name: str, params: FingerprintParams | None, *, create: bool
    ) -> FingerprintParams:
        stored = _stored_meta(db)
        if not stored and not create:
            raise StoreError(f"{name}: no newsnorm store in this database (run ingest first)")
        params, steps = plan(name, stored, params, MIGRATIONS)
        if not steps:
            return params
        try:
            with self.transaction():
                # Workers started together: the first makes the tables, the rest wait.
                db.execute("SELECT pg_advisory_xact_lock(?, ?)", (_LOCK_CLASS, _SCHEMA_LOCK)).fetchall()
                migrate(db, name, _stored_meta(db), params, MIGRATIONS)
        except psycopg.Error as error:
            raise StoreError(f"{name}: cannot make the store's tables: {_one_line(error)}") from None
        return params

    def close(self) -> None:
        """Close the connection (committed work is already kept)."""
        self._raw.close()

    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing: commit on success, roll back on any exception (inside a
        transaction already open, it is part of that one)."""
        return self._transaction() if self._depth == 0 else nullcontext()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._depth += 1
        try:
            # Pipeline mode: the writes whose results nothing reads go out without
            # waiting for each answer; a read that needs its rows waits for them.
            with self._raw.pipeline(), self._raw.transaction():
                yield
                self._ordered_log.flush(self._pg)
        except BaseException:
            self._ordered_log.discard()
            raise
        finally:
            self._depth -= 1
            self._versions.clear()

    def storing(self) -> AbstractContextManager[None]:
        """An input's entries are stored one transaction each (see :meth:`entry`)."""
        return nullcontext()

    def entry(self, work: Callable[[], T]) -> T:
        """One entry's look-up, decision and writes as one transaction, decided again
        if another worker's entry conflicted with it."""
        for attempt in range(_ATTEMPTS):
            try:
                with self.transaction():
                    return work()
            except (_MovedError, pg_errors.DeadlockDetected, pg_errors.SerializationFailure,
                    pg_errors.UniqueViolation):  # fmt: skip
                # Back off a little, more each time, so that two workers part.
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
            except psycopg.Error as error:
                raise StoreError(f"{self.name}: {_one_line(error)}") from None
        raise StoreError(f"{self.name}: an entry conflicted with other workers {_ATTEMPTS} times; gave up")

    # -- what differs with many writers ----------------------------------------

    def version_of(self, key: str) -> StoredVersion | None:
        """The stored version of an article; its cluster is remembered, so that a new
        version finds it moved if another worker merged it meanwhile."""
        version = super().version_of(key)
        if version is not None:
            self._versions[version.article_id] = version.cluster
        return version

    def replace(
        self, article_id: int, article: Article, fingerprint: Fingerprint, band_keys: Sequence[int],
        *, raw_digest: str,
    ) -> None:  # fmt: skip
        """Replace a stored article's text, its new band keys and its cluster held."""
        self._bands.hold_bands(band_keys)
        seen = self._versions.get(article_id)
        if seen is not None:
            self._bands.hold_clusters([seen])
            row = self._pg.execute("SELECT cluster FROM members WHERE article = ?", (article_id,)).fetchone()
            if row is None or row[0] != seen:
                raise _MovedError
        super().replace(article_id, article, fingerprint, band_keys, raw_digest=raw_digest)


def _stored_meta(db: _Connection) -> dict[str, str]:
    row = db.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return {}
    return {str(r[0]): str(r[1]) for r in db.execute("SELECT key, value FROM meta")}


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
