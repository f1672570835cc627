"""The store's memory of what changed, what was fetched and what was published.

- ``changes``: an append-only log, one row each time an article is stored, gets
  a new version, or sees its story cluster change. Feeds of "what changed" and
  the RFC 5005 archive pages are cut from it, so a page of it never changes.
  Rows are never deleted, so a plain rowid key grows monotonically without
  AUTOINCREMENT's bookkeeping.
- ``touched``: per article, its last change after the run that first stored
  it; that change moves the entry's atom:updated (a change in the same run
  does not: no one has seen the entry yet).
- ``fetch_state``: per feed URL, the validators (ETag, Last-Modified) of the
  last fetch whose document was stored, for conditional GET; and how polling it
  went (last status, times, failures, gone, moved: see feeds/intake/polling.py).
- ``archive_pages``: archive documents as first published, kept so that they
  stay byte-identical whatever happens to their entries later.
- ``cursors``: how far each ``emit --changed`` output has emitted.

Each store holds one :class:`ChangeLog` over its own connection; the schema is
made by the backend's migrations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager

from normalizer.store.database import Database, Row
from normalizer.store.protocol import FeedState, LastChange

__all__ = ["ChangeLog"]


class ChangeLog:
    """Change log, fetch validators, archive pages and emit cursors of a store.

    Args:
        db: the store's connection.
        transaction: the store's transaction, for the writes made outside an input's.
    """

    def __init__(self, db: Database, transaction: Callable[[], AbstractContextManager[None]]) -> None:
        self._db = db
        self.transaction = transaction

    def log_changes(self, article_ids: Iterable[int], at: str, reason: str) -> None:
        """Append one change per article (in id order) and move later-run changes' times."""
        self.append(sorted(set(article_ids)), at, reason)

    def append(self, ids: list[int], at: str, reason: str) -> None:
        """Write the rows of :meth:`log_changes` (ids in order)."""
        self._db.executemany(
            "INSERT INTO changes (article, at, reason) VALUES (?, ?, ?)", [(i, at, reason) for i in ids]
        )
        if reason == "new":
            return  # the run that stores an article is its first_seen: nothing to move
        self._db.executemany(
            """INSERT INTO touched (article, at)
               SELECT id, ? FROM articles WHERE id = ? AND first_seen < ?
               ON CONFLICT (article) DO UPDATE
               SET at = CASE WHEN excluded.at > touched.at THEN excluded.at ELSE touched.at END""",
            [(at, i, at) for i in ids],
        )

    def last_change(self) -> LastChange | None:
        """The newest change, or ``None`` for a store with nothing in it."""
        row = self._db.execute("SELECT seq, at FROM changes ORDER BY seq DESC LIMIT 1").fetchone()
        return LastChange(int(row[0]), str(row[1])) if row else None

    def change_at(self, seq: int) -> str | None:
        """When change ``seq`` was logged."""
        row = self._db.execute("SELECT at FROM changes WHERE seq = ?", (seq,)).fetchone()
        return str(row[0]) if row else None

    # -- fetching -------------------------------------------------------------

    def fetch_validators(self, url: str) -> tuple[str | None, str | None] | None:
        """The ETag and Last-Modified of the last stored fetch of ``url``."""
        row = self._db.execute("SELECT etag, last_modified FROM fetch_state WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else None

    def save_fetch(self, url: str, etag: str | None, last_modified: str | None, at: str) -> None:
        """Remember the validators of a fetch whose document is now stored."""
        with self.transaction():
            self._db.execute(
                """INSERT INTO fetch_state (url, etag, last_modified, stored_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE
                   SET etag = excluded.etag, last_modified = excluded.last_modified,
                   stored_at = excluded.stored_at""",
                (url, etag, last_modified, at),
            )

    def feed_state(self, url: str) -> FeedState | None:
        """What is known of polling ``url`` (``None``: never polled)."""
        row = self._db.execute(f"SELECT {_POLL_COLUMNS} FROM fetch_state WHERE url = ?", (url,)).fetchone()
        return _feed_state(row) if row is not None and row[2] is not None else None

    def save_feed_state(self, state: FeedState) -> None:
        """Remember a poll's outcome; a new row gets no validators (they come with a
        stored document only)."""
        values = (
            state.status, state.checked_at, state.changed_at, state.next_at, state.failures,
            int(state.gone), state.moved_to, state.problem,
        )  # fmt: skip
        with self.transaction():
            self._db.execute(
                """INSERT INTO fetch_state (url, stored_at, status, checked_at, changed_at, next_at,
                       failures, gone, moved_to, problem)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE
                   SET status = excluded.status, checked_at = excluded.checked_at,
                       changed_at = excluded.changed_at, next_at = excluded.next_at,
                       failures = excluded.failures, gone = excluded.gone,
                       moved_to = excluded.moved_to, problem = excluded.problem""",
                (state.url, state.checked_at or "", *values),
            )

    def feed_states(self) -> list[FeedState]:
        """Every polled feed, by URL."""
        rows = self._db.execute(
            f"SELECT {_POLL_COLUMNS} FROM fetch_state WHERE checked_at IS NOT NULL ORDER BY url"
        )
        return [_feed_state(row) for row in rows]

    # -- publishing -----------------------------------------------------------

    def archive_page(self, series: str, page: int) -> tuple[bytes, str] | None:
        """A published archive page of a series (its page size and view) and its
        atom:updated, if it was published."""
        row = self._db.execute(
            "SELECT body, published_at FROM archive_pages WHERE series = ? AND page = ?", (series, page)
        ).fetchone()
        return (bytes(row[0]), str(row[1])) if row else None

    def save_archive_page(self, series: str, page: int, body: bytes, at: str) -> tuple[bytes, str]:
        """Keep a page as first published; if another process got there first, theirs wins."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO archive_pages VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (series, page, body, at),
            )
        saved = self.archive_page(series, page)
        assert saved is not None  # inserted above or by the process that won
        return saved

    def emit_cursor(self, name: str) -> int:
        """The last change an ``emit --changed`` to ``name`` covered (0: none yet)."""
        row = self._db.execute("SELECT seq FROM cursors WHERE name = ?", (name,)).fetchone()
        return int(row[0]) if row else 0

    def save_emit_cursor(self, name: str, seq: int) -> None:
        """Move an output's cursor, once its feed is written."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO cursors VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq",
                (name, seq),
            )


_POLL_COLUMNS = "url, status, checked_at, changed_at, next_at, failures, gone, moved_to, problem"


def _feed_state(row: Row) -> FeedState:
    return FeedState(
        url=str(row[0]),
        status=int(row[1]) if row[1] is not None else None,
        checked_at=row[2],
        changed_at=row[3],
        next_at=row[4],
        failures=int(row[5] or 0),
        gone=bool(row[6]),
        moved_to=row[7],
        problem=row[8],
    )
