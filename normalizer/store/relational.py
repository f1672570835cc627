"""What the two SQL backends share: every query of the store, written once.

:class:`RelationalStore` keeps the store protocol's promises over a
:class:`normalizer.store.database.Database`; a backend (``sqlite.py``,
``postgres.py``) opens its connection and schema, and brings its band index,
its transactions and what its engine needs for many writers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol, Self, TypeVar

from normalizer.canonical import CanonicalRule, Member
from normalizer.clusters import ClusterState, ClusterText, JoinStanding
from normalizer.dedup import Candidate, DuplicateIndex
from normalizer.identity import key_scope, local_key, source_scope
from normalizer.link_type import is_resend
from normalizer.model import Article, Decision, Fingerprint, FingerprintParams, Origin
from normalizer.store.database import Database
from normalizer.store.log import ChangeLog
from normalizer.store.protocol import FeedState, LastChange, StoredArticle, StoredVersion
from normalizer.store.rows import (
    ARTICLE_COLUMNS,
    CANDIDATE_COLUMNS,
    CLUSTER_STANDING_COLUMNS,
    CLUSTER_TEXT_COLUMNS,
    ENTRY_TIME,
    LIGHT_STORED_COLUMNS,
    STORED_COLUMNS,
    article_values,
    candidate,
    cluster_text,
    in_chunks,
    member,
    parse_time,
    stored_article,
    utc_text,
)
from normalizer.store.search import TextIndex

__all__ = ["RULE_KEY", "BandTable", "RelationalStore"]

T = TypeVar("T")

# The meta row holding the canonical rule the clusters were picked under.
RULE_KEY = "canonical_rule"

# Where an article's title and body are in the values of ARTICLE_COLUMNS.
_TITLE, _BODY = ARTICLE_COLUMNS.index("title"), ARTICLE_COLUMNS.index("body")

# Every stored article with its cluster standing, superseding version and last change.
_FEED_FROM = """
FROM articles a
JOIN members m ON m.article = a.id
JOIN clusters c ON c.key = m.cluster
JOIN articles canonical ON canonical.id = c.canonical
LEFT JOIN superseded sup ON sup.article = a.id
LEFT JOIN touched t ON t.article = a.id
"""


def _feed_filter(canonical_only: bool, changes: tuple[int, int] | None) -> tuple[str, tuple[object, ...]]:
    """The WHERE clause (over :data:`_FEED_FROM`) of a feed's entries, and its parameters:
    every current version, or each cluster's canonical member; with ``changes=(after,
    upto)``, only those changed in those rows of the change log."""
    where = "WHERE c.canonical = a.id" if canonical_only else "WHERE sup.article IS NULL"
    if changes is None:
        return where, ()
    return f"{where} AND a.id IN (SELECT article FROM changes WHERE seq > ? AND seq <= ?)", changes


class BandTable(DuplicateIndex, Protocol):
    """A backend's band index: the duplicate index, and the rows it keeps per article."""

    def write(self, article_id: int, band_keys: Sequence[int]) -> None:
        """Index a stored article under its band keys."""

    def forget(self, article_id: int) -> None:
        """Drop an article's band rows (its text is being replaced)."""


class RelationalStore:
    """The store protocol over one connection; a backend sets the connection up.

    Args:
        name: how the user named the store (a path or a URL), for messages.
        db: the open connection, its schema checked and current.
        index: the backend's band index over the same connection.
        text_index: the backend's full-text index over the same connection.
        log: the change log over the same connection.
        params: the fingerprint parameters (checked equal to the store's on opening).
        canonical: the rule this run picks canonical members by; the store's own
            stays as it was until :meth:`save_rule` (see ``normalizer.store.open_store``).
    """

    read_only = False
    # Whether each entry is stored in a transaction of its own (many writers at once)
    # rather than an input in one (see :meth:`storing` and :meth:`entry`).
    stores_per_entry = False

    def __init__(
        self,
        name: str,
        db: Database,
        *,
        index: BandTable,
        text_index: TextIndex,
        log: ChangeLog,
        params: FingerprintParams,
        canonical: CanonicalRule | None,
    ) -> None:
        self.path = name
        self._db = db
        self._index = index
        self._log = log
        self._params = params
        self._text = text_index
        stored_rule = self._meta_value(RULE_KEY)
        self._canonical = CanonicalRule.from_json(stored_rule) if stored_rule else None
        self.requested_rule = canonical or CanonicalRule()

    def _meta_value(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    # -- the protocol's properties ---------------------------------------------

    @property
    def name(self) -> str:
        """The store, as the user named it."""
        return self.path

    @property
    def params(self) -> FingerprintParams:
        """The fingerprint parameters (checked equal to the store's on opening)."""
        return self._params

    @property
    def canonical(self) -> CanonicalRule:
        """The rule the clusters were picked under (the requested one until one is saved)."""
        return self._canonical or self.requested_rule

    @property
    def rule_is_current(self) -> bool:
        """Whether the clusters were picked under the rule this run asked for."""
        return self._canonical == self.requested_rule

    @property
    def index(self) -> BandTable:
        """The store's own band index."""
        return self._index

    def close(self) -> None:
        """Close the connection (committed work is already kept)."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing: commit on success, roll back on any exception."""
        raise NotImplementedError

    def storing(self) -> AbstractContextManager[None]:
        """The scope of one input's entries: one transaction, all or nothing."""
        return self.transaction()

    def entry(self, work: Callable[[], T]) -> T:
        """One entry's look-up, decision and writes, inside the input's transaction."""
        return work()

    def meta(self) -> dict[str, str]:
        """The store's meta table: schema version and fingerprint parameters."""
        rows = self._db.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
        return {str(row[0]): str(row[1]) for row in rows}

    # -- the pipeline's side -----------------------------------------------------

    def version_of(self, key: str) -> StoredVersion | None:
        """The stored version of an article: id, text digest, updated time, cluster.

        An article stored before keys were scoped to their source is stored under its
        own id alone: it is this article too if it came from the key's source (one
        query for both keys)."""
        legacy = local_key(key)
        rows = self._db.execute(
            "SELECT a.key, a.id, s.digest, a.updated, m.cluster, a.raw_digest, a.origin_kind, a.origin_name "
            "FROM articles a JOIN signatures s ON s.article = a.id JOIN members m ON m.article = a.id "
            "WHERE a.key IN (?, ?)",
            (key, legacy),
        ).fetchall()
        found = {row["key"]: row for row in rows}
        row = found.get(key)
        if row is None and legacy in found:
            old = found[legacy]
            if source_scope(Origin(old["origin_kind"], old["origin_name"])) == key_scope(key):
                row = old
        if row is None:
            return None
        return StoredVersion(
            int(row["id"]), row["digest"], parse_time(row["updated"]), row["cluster"], row["raw_digest"]
        )

    def add(
        self, article: Article, fingerprint: Fingerprint, band_keys: Sequence[int], decision: Decision,
        first_seen: datetime, *, cluster: str, raw_digest: str,
    ) -> int:  # fmt: skip
        """Store a new article as a member of ``cluster`` (inside a transaction); its id.

        A cluster is named by its founder's key; a founder is its own canonical
        member at similarity 1, as inserted.
        """
        columns = ", ".join(("key", *ARTICLE_COLUMNS, "first_seen", "raw_digest"))
        placeholders = ",".join("?" * (len(ARTICLE_COLUMNS) + 3))
        values = article_values(article)
        article_id = int(
            self._db.execute(
                f"INSERT INTO articles ({columns}) VALUES ({placeholders}) RETURNING id",
                (article.key, *values, utc_text(first_seen), raw_digest),
            ).fetchone()[0]
        )
        self._text.write(article_id, str(values[_TITLE]), str(values[_BODY]))
        self._write_signature(article_id, fingerprint, band_keys)
        self._db.execute(
            "INSERT INTO clusters (key, canonical) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (cluster, article_id),
        )
        similarity = decision.similarity
        self._db.execute(
            "INSERT INTO members (article, cluster, linked_to, rule, jaccard, containment_new, "
            "containment_old, canonical_jaccard, resend) VALUES (?, ?, ?, ?, ?, ?, ?, 1.0, ?)",
            (
                article_id,
                cluster,
                decision.linked_to or article.key,
                decision.rule,
                similarity.jaccard if similarity else None,
                similarity.containment_new if similarity else None,
                similarity.containment_old if similarity else None,
                int(is_resend(str(values[_TITLE]))),
            ),
        )
        if decision.refused:
            self._db.executemany(
                "INSERT INTO refusals (article, candidate, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [(article_id, key, reason) for key, reason in decision.refused],
            )
        return article_id

    def replace(
        self, article_id: int, article: Article, fingerprint: Fingerprint, band_keys: Sequence[int],
        *, raw_digest: str,
    ) -> None:  # fmt: skip
        """Replace a stored article's text with a new version of it; it keeps its cluster."""
        assignments = ", ".join(f"{column} = ?" for column in (*ARTICLE_COLUMNS, "raw_digest"))
        values = article_values(article)
        self._text.forget(article_id)
        self._db.execute(f"UPDATE articles SET {assignments} WHERE id = ?", (*values, raw_digest, article_id))
        self._text.write(article_id, str(values[_TITLE]), str(values[_BODY]))
        resend = int(is_resend(str(values[_TITLE])))
        self._db.execute("UPDATE members SET resend = ? WHERE article = ?", (resend, article_id))
        self._index.forget(article_id)
        self._db.execute("DELETE FROM signatures WHERE article = ?", (article_id,))
        self._write_signature(article_id, fingerprint, band_keys)

    def remember_raw(self, article_id: int, raw_digest: str) -> None:
        """Note that an entry seen in another form gave the same text."""
        self._db.execute("UPDATE articles SET raw_digest = ? WHERE id = ?", (raw_digest, article_id))

    def _write_signature(self, article_id: int, fingerprint: Fingerprint, band_keys: Sequence[int]) -> None:
        # The MinHash signature itself is not kept: it is the shingle set's, under the
        # parameters in meta, and the bands already index it.
        self._db.execute(
            "INSERT INTO signatures (article, digest, shingles, shingle_set, figures) VALUES (?, ?, ?, ?, ?)",
            (
                article_id,
                fingerprint.digest,
                fingerprint.shingles,
                fingerprint.shingle_set,
                " ".join(fingerprint.figures),
            ),
        )
        self._index.write(article_id, band_keys)

    def cluster_texts(self, cluster: str) -> list[ClusterText]:
        """The members of a cluster with their texts, in storing order."""
        rows = self._db.execute(
            f"""SELECT {CLUSTER_TEXT_COLUMNS}
                FROM members m JOIN articles a ON a.id = m.article JOIN signatures s ON s.article = a.id
                WHERE m.cluster = ? ORDER BY a.id""",
            (cluster,),
        )
        return [cluster_text(row) for row in rows]

    def cluster_standing(self, cluster: str) -> tuple[list[Member], ClusterState]:
        """The members of a cluster as the rule sees them (no texts), and the state
        written for it last, in one query."""
        rows = self._db.execute(
            f"""SELECT {CLUSTER_STANDING_COLUMNS}, c.canonical
                FROM members m JOIN articles a ON a.id = m.article JOIN clusters c ON c.key = m.cluster
                LEFT JOIN superseded sup ON sup.article = a.id
                WHERE m.cluster = ? ORDER BY a.id""",
            (cluster,),
        ).fetchall()
        standing = [member(row) for row in rows]
        state = ClusterState(
            canonical=int(rows[0]["canonical"]) if rows else 0,
            superseded=tuple((int(r["id"]), str(r["superseded_by"])) for r in rows if r["superseded_by"]),
            similarities=tuple((int(r["id"]), float(r["canonical_jaccard"])) for r in rows),
        )
        return standing, state

    def join_standing(self, cluster: str, joining: int) -> JoinStanding | None:
        """A cluster's canonical member, a member joining it and the cluster's updates,
        as the rule sees them, in two indexed look-ups (the updates are among the
        members whose headline carries a re-send mark: ``members_resends``)."""
        rows = self._db.execute(
            f"""SELECT {CLUSTER_STANDING_COLUMNS}, c.canonical
                FROM clusters c JOIN members m ON m.cluster = c.key JOIN articles a ON a.id = m.article
                LEFT JOIN superseded sup ON sup.article = a.id
                WHERE c.key = ? AND a.id IN (c.canonical, ?)""",
            (cluster, joining),
        ).fetchall()
        found = {int(row["id"]): member(row) for row in rows}
        canonical = int(rows[0]["canonical"]) if rows else -1
        if canonical not in found or joining not in found or canonical == joining:
            return None
        marked = self._db.execute(
            f"""SELECT {CLUSTER_STANDING_COLUMNS}
                FROM members m JOIN articles a ON a.id = m.article
                LEFT JOIN superseded sup ON sup.article = a.id
                WHERE m.cluster = ? AND m.resend = 1 AND a.id != ?""",
            (cluster, joining),
        ).fetchall()
        updates = [(m, row["superseded_by"]) for row in marked if (m := member(row)).link_type == "update"]
        return JoinStanding(
            canonical=found[canonical],
            joining=found[joining],
            updates=tuple(update for update, _ in updates),
            replaced=frozenset(update.key for update, by in updates if by),
        )

    def texts_of(self, ids: Sequence[int]) -> dict[int, Candidate]:
        """The texts of some articles, by id, as exact comparison reads them."""
        found: dict[int, Candidate] = {}
        for chunk in in_chunks(ids):
            rows = self._db.execute(
                f"SELECT a.id, {CANDIDATE_COLUMNS} FROM articles a "
                f"JOIN signatures s ON s.article = a.id WHERE a.id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update((int(row["id"]), candidate(row)) for row in rows)
        return found

    def merge_clusters(self, into: str, others: Sequence[str]) -> list[int]:
        """Fold clusters into ``into`` (inside a transaction); the ids of the members that moved."""
        marks = ",".join("?" * len(others))
        moved = [
            int(row[0])
            for row in self._db.execute(f"SELECT article FROM members WHERE cluster IN ({marks})", [*others])
        ]
        self._db.execute(f"UPDATE members SET cluster = ? WHERE cluster IN ({marks})", [into, *others])
        self._db.execute(f"DELETE FROM clusters WHERE key IN ({marks})", [*others])
        return moved

    def write_cluster(self, cluster: str, state: ClusterState, before: ClusterState | None = None) -> None:
        """Write a cluster's canonical member, superseded versions and similarities
        (given the state written ``before``, only what differs from it)."""
        if before is None or before.canonical != state.canonical:
            self._db.execute("UPDATE clusters SET canonical = ? WHERE key = ?", (state.canonical, cluster))
        old_superseded = set(before.superseded) if before else None
        if old_superseded is None or old_superseded != set(state.superseded):
            self._db.executemany("DELETE FROM superseded WHERE article = ?", [(i,) for i in state.member_ids])
            self._db.executemany("INSERT INTO superseded VALUES (?, ?)", state.superseded)
        old_similarities = set(before.similarities) if before else set()
        self._db.executemany(
            "UPDATE members SET canonical_jaccard = ? WHERE article = ?",
            [(similarity, member_id) for member_id, similarity in state.similarities
             if (member_id, similarity) not in old_similarities],
        )  # fmt: skip

    def canonical_of(self, cluster: str) -> int:
        """The id of a cluster's canonical member."""
        row = self._db.execute("SELECT canonical FROM clusters WHERE key = ?", (cluster,)).fetchone()
        return int(row[0])

    def shared_clusters(self) -> list[str]:
        """The clusters of two or more members, in key order."""
        rows = self._db.execute("SELECT cluster FROM members GROUP BY cluster HAVING COUNT(*) > 1 ORDER BY 1")
        return [str(row[0]) for row in rows]

    def refusals(self) -> list[tuple[str, str, str]]:
        """(article, candidate, reason) for each candidate a stored article's text matched
        and other evidence refused, by the articles' input ids, sorted."""
        rows = self._db.execute(
            "SELECT a.input_id, c.input_id, r.reason FROM refusals r "
            "JOIN articles a ON a.id = r.article JOIN articles c ON c.key = r.candidate ORDER BY 1, 2, 3"
        )
        return [(str(row[0]), str(row[1]), str(row[2])) for row in rows]

    def save_rule(self, rule: CanonicalRule) -> None:
        """Record the rule the clusters are now picked under (inside a transaction)."""
        self._db.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (RULE_KEY, rule.as_json()),
        )
        self._canonical = rule

    def log_changes(self, article_ids: Iterable[int], at: str, reason: str) -> None:
        """Append one change per article (see :class:`ChangeLog`)."""
        self._log.log_changes(article_ids, at, reason)

    def count_source_lines(self, source: str, lines: Mapping[bytes, str]) -> None:
        """Count one more story of ``source`` carrying each of these lines (by key).
        A line's text is kept from its second story on: most lines are seen once."""
        self._db.executemany(
            """INSERT INTO source_lines (source, line, stories) VALUES (?, ?, 1)
               ON CONFLICT (source, line) DO UPDATE SET stories = source_lines.stories + 1,
               text = COALESCE(source_lines.text, ?)""",
            ((source, key, lines[key]) for key in sorted(lines)),
        )

    def learned_lines(self, source: str, min_stories: int) -> frozenset[bytes]:
        """The line keys ``source`` has repeated in at least ``min_stories`` stories."""
        rows = self._db.execute(
            "SELECT line FROM source_lines WHERE source = ? AND stories >= ?", (source, min_stories)
        )
        return frozenset(bytes(row[0]) for row in rows)

    def settle(self) -> None:
        """Housekeeping after an input is stored (outside its transaction)."""

    # -- intake ------------------------------------------------------------------

    def fetch_validators(self, url: str) -> tuple[str | None, str | None] | None:
        """The ETag and Last-Modified of the last stored fetch of ``url``."""
        return self._log.fetch_validators(url)

    def save_fetch(self, url: str, etag: str | None, last_modified: str | None, at: str) -> None:
        """Remember the validators of a fetch whose document is now stored."""
        self._log.save_fetch(url, etag, last_modified, at)

    def feed_state(self, url: str) -> FeedState | None:
        """What is known of polling ``url``, if it was ever polled."""
        return self._log.feed_state(url)

    def save_feed_state(self, state: FeedState) -> None:
        """Remember how a poll went (its own transaction; the validators stay as stored)."""
        self._log.save_feed_state(state)

    def feed_states(self) -> list[FeedState]:
        """Every polled feed, by URL."""
        return self._log.feed_states()

    # -- the publishers' side ------------------------------------------------------

    def article_count(self) -> int:
        """How many articles the store holds."""
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def stored_articles(self) -> list[StoredArticle]:
        """Every stored article with its cluster standing, in storing order."""
        return list(self._select_stored("ORDER BY a.id"))

    def cluster_members(self, cluster_key: str) -> list[StoredArticle]:
        """The members of the cluster founded by ``cluster_key``, in storing order."""
        return list(self._select_stored("WHERE m.cluster = ? ORDER BY a.id", (cluster_key,)))

    def iter_feed_order(
        self,
        canonical_only: bool = False,
        changes: tuple[int, int] | None = None,
        *,
        limit: int = 0,
        since: datetime | None = None,
    ) -> Iterator[StoredArticle]:
        """Stored articles newest first (then by key), streamed: the order of the feed.

        Versions an update superseded are left out: the update replaces them.
        ``changes=(after, upto)`` keeps only the articles changed in those rows of
        the change log; ``limit`` keeps the newest so many (0: all), ``since`` those
        whose entry time is not before it.
        """
        where, parameters = _feed_filter(canonical_only, changes)
        if since is not None:
            where += f" AND {ENTRY_TIME} >= ?"
            parameters = (*parameters, utc_text(since))
        tail = f"{where} ORDER BY {ENTRY_TIME} DESC, a.key"
        if limit > 0:
            tail += " LIMIT ?"
            parameters = (*parameters, limit)
        return self._select_stored(tail, parameters)

    def newest_entry_time(
        self, canonical_only: bool = False, changes: tuple[int, int] | None = None
    ) -> datetime | None:
        """The latest entry time (see :data:`ENTRY_TIME`) of the entries
        :meth:`iter_feed_order` gives for the same arguments, if any."""
        where, parameters = _feed_filter(canonical_only, changes)
        row = self._db.execute(f"SELECT MAX({ENTRY_TIME}) {_FEED_FROM} {where}", parameters).fetchone()
        return parse_time(row[0]) if row and row[0] else None

    def shared_members(self) -> list[StoredArticle]:
        """Every member of the clusters of two or more, in storing order, bodies not read."""
        tail = (
            "WHERE m.cluster IN (SELECT cluster FROM members GROUP BY cluster HAVING COUNT(*) > 1) "
            "ORDER BY a.id"
        )
        return list(self._select_stored(tail, light=True))

    def story_keys(self) -> list[tuple[str, str]]:
        """(article key, cluster key) of every stored article, in storing order."""
        rows = self._db.execute(
            "SELECT a.key, m.cluster FROM articles a JOIN members m ON m.article = a.id ORDER BY a.id"
        )
        return [(str(row[0]), str(row[1])) for row in rows]

    def search(self, phrases: Sequence[str], *, limit: int = 20) -> list[StoredArticle]:
        """The current versions that hold every phrase (folded as the index is, see
        :func:`normalizer.store.search.query_phrases`), best match first, then newest."""
        join, parameters, best = self._text.matching(phrases)
        tail = f"WHERE sup.article IS NULL ORDER BY {best}, {ENTRY_TIME} DESC, a.key LIMIT ?"
        return list(self._select_stored(tail, (*parameters, limit), join=join))

    def _select_stored(
        self, tail: str, parameters: tuple[object, ...] = (), *, join: str = "", light: bool = False
    ) -> Iterator[StoredArticle]:
        columns = LIGHT_STORED_COLUMNS if light else STORED_COLUMNS
        cursor = self._db.execute(f"SELECT {columns} {_FEED_FROM} {join} {tail}", parameters)
        for row in cursor:
            yield stored_article(row, light=light)

    def last_change(self) -> LastChange | None:
        """The newest change, or ``None`` for a store with nothing in it."""
        return self._log.last_change()

    def change_at(self, seq: int) -> str | None:
        """When change ``seq`` was logged."""
        return self._log.change_at(seq)

    def archive_page(self, series: str, page: int) -> tuple[bytes, str] | None:
        """A published archive page and its atom:updated, if it was published."""
        return self._log.archive_page(series, page)

    def save_archive_page(self, series: str, page: int, body: bytes, at: str) -> tuple[bytes, str]:
        """Keep a page as first published (a read-only store keeps nothing: the page
        is served as rendered)."""
        if self.read_only:
            return body, at
        return self._log.save_archive_page(series, page, body, at)

    def emit_cursor(self, name: str) -> int:
        """The last change an ``emit --changed`` to ``name`` covered (0: none yet)."""
        return self._log.emit_cursor(name)

    def save_emit_cursor(self, name: str, seq: int) -> None:
        """Move an output's cursor, once its feed is written."""
        self._log.save_emit_cursor(name, seq)
