"""The SQLite store: articles, signatures, LSH bands and story clusters.

One file, WAL journal, one transaction per input: an input is stored whole or
not at all. The fingerprint parameters live in the ``meta`` table and are
checked on open, because signatures made with other parameters cannot be
compared. The LSH bands are an indexed table, so a run queries them without
loading any stored signature it does not need.

This is the only module that imports ``sqlite3``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from normalizer.canonical import CanonicalRule, Member, choose_canonical, cluster_member, superseded
from normalizer.dedup import Candidate
from normalizer.errors import StoreError
from normalizer.fingerprint import compare
from normalizer.link_type import LinkType, link_type
from normalizer.model import (
    Article,
    Dateline,
    Decision,
    Fingerprint,
    FingerprintParams,
    Origin,
    Removal,
    Similarity,
)
from normalizer.store_bodies import BodyCodec
from normalizer.store_log import LOG_SCHEMA, StoreLog

__all__ = ["RECENT_BANDS_LIMIT", "SCHEMA_VERSION", "Store", "StoredArticle"]

SCHEMA_VERSION = "6"
# Versions a store can be brought to this one from by the statements of _SCHEMA alone
# (each added only tables): opening such a store migrates it. (The superseded table
# of version 4 is filled by the re-pick that a store without a stored rule gets; the
# change log of version 5 is seeded with one row per stored article; version 6 writes
# bodies as Zstandard frames, still reads the deflate rows of version 5, and drops the
# signature column, which the shingle set makes redundant.)
_ADDITIVE_UPGRADES = frozenset({"2", "3", "4", "5"})
# The meta row holding the canonical rule the clusters were picked under.
_RULE_KEY = "canonical_rule"
# Band rows wait in a small table until there are this many (about 8,500 articles).
RECENT_BANDS_LIMIT = 500_000
_BUSY_TIMEOUT_MS = 60_000
# An entry's atom:updated: its own updated time, else published, else first seen.
# A change in a later run than the one that stored it moves it on (see store_log).
_ENTRY_TIME = "MAX(COALESCE(a.updated, a.published, a.first_seen), COALESCE(t.at, ''))"

# Every stored article with its cluster standing, superseding version and last change.
_FEED_FROM = """
FROM articles a
JOIN members m ON m.article = a.id
JOIN clusters c ON c.key = m.cluster
JOIN articles canonical ON canonical.id = c.canonical
LEFT JOIN superseded sup ON sup.article = a.id
LEFT JOIN touched t ON t.article = a.id
"""

_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    input_id TEXT NOT NULL,
    origin_kind TEXT NOT NULL,
    origin_name TEXT NOT NULL,
    feed_id TEXT,
    feed_title TEXT,
    feed_link TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,  -- a compressed BLOB: see store_bodies.py
    dateline TEXT,
    agency TEXT,
    byline TEXT,
    published TEXT,
    updated TEXT,
    first_seen TEXT NOT NULL,
    url TEXT,
    language TEXT,
    removed TEXT NOT NULL,
    word_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS signatures (
    article INTEGER PRIMARY KEY REFERENCES articles(id),
    digest TEXT NOT NULL,
    shingles INTEGER NOT NULL,
    shingle_set BLOB NOT NULL,
    figures TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS signatures_digest ON signatures(digest);
CREATE TABLE IF NOT EXISTS recent_bands (
    band_key INTEGER NOT NULL,
    article INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (band_key, article)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bands (
    band_key INTEGER NOT NULL,
    article INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (band_key, article)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS members (
    article INTEGER PRIMARY KEY REFERENCES articles(id),
    cluster TEXT NOT NULL,
    linked_to TEXT NOT NULL,
    rule TEXT NOT NULL,
    jaccard REAL,
    containment_new REAL,
    containment_old REAL,
    canonical_jaccard REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS members_cluster ON members(cluster);
CREATE TABLE IF NOT EXISTS clusters (
    key TEXT PRIMARY KEY,
    canonical INTEGER NOT NULL REFERENCES articles(id)
);
CREATE TABLE IF NOT EXISTS superseded (
    article INTEGER PRIMARY KEY REFERENCES articles(id),
    by_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS source_lines (
    source TEXT NOT NULL,
    line BLOB NOT NULL,
    stories INTEGER NOT NULL,
    PRIMARY KEY (source, line)
) WITHOUT ROWID;
"""
    + LOG_SCHEMA
)


@dataclass(frozen=True)
class StoredArticle:
    """An article as the store gives it back, with its cluster standing."""

    article: Article
    first_seen: datetime
    cluster_key: str
    canonical: bool
    canonical_key: str
    similarity: float
    rule: str
    linked_to: str
    link_similarity: Similarity | None
    cluster_size: int
    superseded_by: str | None = None
    touched: datetime | None = None

    @property
    def link_type(self) -> LinkType | None:
        """copy, rewrite, excerpt or update (see :mod:`normalizer.link_type`); None for a founder."""
        return link_type(self.rule, self.link_similarity, self.article.title)


def _member(row: tuple[object, ...]) -> Member:
    """A cluster member as the canonical rule sees it, from a row of ``_refresh_cluster``."""
    (rowid, key, published, words, _digest, _shingles, _figures, title, agency, url, feed_link,
     feed_id, origin, rule, linked_to, jaccard, containment_new, containment_old) = row  # fmt: skip
    figures = (
        Similarity(float(jaccard), float(containment_new), float(containment_old))  # type: ignore[arg-type]
        if jaccard is not None
        else None
    )
    return cluster_member(
        str(key),
        _parse_time(published),  # type: ignore[arg-type]
        int(words),  # type: ignore[call-overload]
        int(rowid),  # type: ignore[call-overload]
        source=(agency, url, feed_link, feed_id, str(origin)),  # type: ignore[arg-type]
        link=(link_type(str(rule), figures, str(title)), str(linked_to)),
    )


def _candidate(key: str, digest: str, shingle_set: bytes, words: int, figures: str) -> Candidate:
    return Candidate(key, digest, bytes(shingle_set), words, frozenset(figures.split()))


def _time(value: datetime | None) -> str | None:
    # Stored in UTC, so that the text sorts as the time does.
    return value.astimezone(UTC).isoformat() if value else None


def _feed_filter(canonical_only: bool, changes: tuple[int, int] | None) -> tuple[str, tuple[object, ...]]:
    """The WHERE clause (over :data:`_FEED_FROM`) of a feed's entries, and its parameters:
    every current version, or each cluster's canonical member; with ``changes=(after,
    upto)``, only those changed in those rows of the change log."""
    where = "WHERE c.canonical = a.id" if canonical_only else "WHERE sup.article IS NULL"
    if changes is None:
        return where, ()
    return f"{where} AND a.id IN (SELECT article FROM changes WHERE seq > ? AND seq <= ?)", changes


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Store(StoreLog):
    """An open newsnorm store.

    Args:
        path: the SQLite file (``:memory:`` for a throw-away store).
        params: the fingerprint parameters of this run; they must match the store's.
        canonical: the rule that picks each cluster's canonical member; a store
            picked under another rule is re-picked on opening.
    """

    def __init__(self, path: str, params: FingerprintParams, canonical: CanonicalRule | None = None) -> None:
        self.path = path
        self._bodies = BodyCodec()
        self.params = params
        self.canonical = canonical or CanonicalRule()
        try:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            # Rows of 2-3 KB waste a third of 4 KB pages; 16 KB pages pack them. Only a
            # new file takes it (an existing store keeps its page size).
            self._db.execute("PRAGMA page_size = 16384")
            # 16 MB of page cache (SQLite's default is 2 MB): one input of many thousand
            # entries is one transaction, and its random band-key inserts would otherwise
            # spill pages to the WAL before the commit (a 30,000-entry feed: 20.6 s
            # against 26.9 s).
            self._db.execute("PRAGMA cache_size = -16384")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            with self.transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._check_meta()
                self._apply_canonical_rule()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: cannot open the store: {error}") from None

    def close(self) -> None:
        """Close the connection (committed work is already on disk)."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: commit on success, roll back on any exception."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _check_meta(self) -> None:
        expected = {"schema_version": SCHEMA_VERSION, **self.params.as_dict()}
        stored = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if not stored:
            self._db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(expected.items()))
            return
        if stored.get("schema_version") in _ADDITIVE_UPGRADES:
            # The new tables were created above; the store is now of this version.
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))
            stored["schema_version"] = SCHEMA_VERSION
            self._seed_change_log()
            self._drop_kept_signatures()
        mismatched = sorted(k for k in expected if stored.get(k) != expected[k])
        if mismatched:
            details = ", ".join(f"{k} {stored.get(k)} (store) vs {expected[k]} (run)" for k in mismatched)
            raise StoreError(
                f"{self.path}: the store was made with other parameters: {details}; "
                "use the store's parameters or a new store"
            )

    def _drop_kept_signatures(self) -> None:
        """Stores before version 6 kept each MinHash signature (512 bytes an article),
        which nothing reads: the shingle set gives it again."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(signatures)")}
        if "signature" in columns:
            self._db.execute("ALTER TABLE signatures DROP COLUMN signature")

    def _apply_canonical_rule(self) -> None:
        """Re-pick every cluster's canonical member if it was picked under another rule."""
        rule = self.canonical.as_json()
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (_RULE_KEY,)).fetchone()
        if row is not None and row[0] == rule:
            return
        shared = self._db.execute(
            "SELECT cluster FROM members GROUP BY cluster HAVING COUNT(*) > 1 ORDER BY 1"
        )
        last = self.last_change()
        for (cluster,) in shared.fetchall():
            before = self._canonical_of(str(cluster))
            members = self._refresh_cluster(str(cluster))
            if last is not None and self._canonical_of(str(cluster)) != before:
                # A rule is not news: the re-picked entries are logged as changed, at
                # the time of the last change, so feed/updated does not move for it.
                self._log_changes(members, last.at, "cluster")
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_RULE_KEY, rule))

    def _canonical_of(self, cluster: str) -> int:
        return int(self._db.execute("SELECT canonical FROM clusters WHERE key = ?", (cluster,)).fetchone()[0])

    def meta(self) -> dict[str, str]:
        """The store's meta table: schema version and fingerprint parameters."""
        return dict(self._db.execute("SELECT key, value FROM meta ORDER BY key").fetchall())

    # -- reading -------------------------------------------------------------

    def version_of(self, key: str) -> tuple[str, datetime | None] | None:
        """The stored text digest of an article and its updated time, if it is stored."""
        row = self._db.execute(
            "SELECT s.digest, a.updated FROM articles a JOIN signatures s ON s.article = a.id "
            "WHERE a.key = ?",
            (key,),
        ).fetchone()
        return (str(row[0]), _parse_time(row[1])) if row else None

    def lock(self) -> AbstractContextManager[object]:
        """Nothing to hold: the store's write transaction already serialises writers."""
        return nullcontext()

    def remember(self, text: Candidate, fingerprint: Fingerprint, cluster: str) -> None:
        """Nothing to do: the store remembers a text when it stores the article."""

    def candidates(
        self, fingerprint: Fingerprint | None, band_keys: Sequence[int], exclude: str | None = None
    ) -> list[Candidate]:
        """Stored articles sharing at least one LSH band, with their shingle sets."""
        del fingerprint  # the band keys say all the band table needs
        placeholders = ",".join("?" * len(band_keys))
        rows = self._db.execute(
            f"""
            SELECT a.key, s.digest, s.shingle_set, a.word_count, s.figures
            FROM articles a JOIN signatures s ON s.article = a.id
            WHERE a.id IN (
                SELECT article FROM bands WHERE band_key IN ({placeholders})
                UNION ALL SELECT article FROM recent_bands WHERE band_key IN ({placeholders})
            )
            ORDER BY a.id
            """,
            [*band_keys, *band_keys],
        ).fetchall()
        return [_candidate(*row) for row in rows if row[0] != exclude]

    def stored_articles(self) -> list[StoredArticle]:
        """Every stored article with its cluster standing, in storing order."""
        return list(self._select_stored("ORDER BY a.id"))

    def iter_feed_order(
        self, canonical_only: bool = False, changes: tuple[int, int] | None = None
    ) -> Iterator[StoredArticle]:
        """Stored articles newest first (then by key), streamed: the order of the feed.

        Versions an update superseded are left out: the update replaces them.
        ``changes=(after, upto)`` keeps only the articles changed in those rows of
        the change log.
        """
        where, parameters = _feed_filter(canonical_only, changes)
        return self._select_stored(f"{where} ORDER BY {_ENTRY_TIME} DESC, a.key", parameters)

    def cluster_members(self, cluster_key: str) -> list[StoredArticle]:
        """The members of the cluster founded by ``cluster_key``, in storing order."""
        return list(self._select_stored("WHERE m.cluster = ? ORDER BY a.id", (cluster_key,)))

    def newest_entry_time(
        self, canonical_only: bool = False, changes: tuple[int, int] | None = None
    ) -> datetime | None:
        """The latest entry time (see :data:`_ENTRY_TIME`) of the entries
        :meth:`iter_feed_order` gives for the same arguments, if any."""
        where, parameters = _feed_filter(canonical_only, changes)
        row = self._db.execute(f"SELECT MAX({_ENTRY_TIME}) {_FEED_FROM} {where}", parameters).fetchone()
        return _parse_time(row[0]) if row and row[0] else None

    def _select_stored(self, tail: str, parameters: tuple[object, ...] = ()) -> Iterator[StoredArticle]:
        cursor = self._db.execute(
            """
            SELECT a.key, a.input_id, a.origin_kind, a.origin_name, a.feed_id, a.feed_title,
                   a.feed_link, a.title, a.body, a.dateline, a.agency, a.byline, a.published,
                   a.updated, a.first_seen, a.url, a.language, a.removed,
                   m.cluster, c.canonical = a.id, canonical.key, m.canonical_jaccard, m.rule,
                   m.linked_to, m.jaccard, m.containment_new, m.containment_old,
                   (SELECT COUNT(*) FROM members peers WHERE peers.cluster = m.cluster), sup.by_key, t.at
            """
            + _FEED_FROM
            + tail,
            parameters,
        )
        for row in cursor:
            yield self._stored(row)

    def _stored(self, row: tuple[object, ...]) -> StoredArticle:
        (key, input_id, kind, name, feed_id, feed_title, feed_link, title, body, dateline,
         agency, byline, published, updated, first_seen, url, language, removed,
         cluster_key, is_canonical, canonical_key, similarity, rule, linked_key,
         jaccard, containment_new, containment_old, cluster_size, superseded_by, touched) = row  # fmt: skip
        article = Article(
            key=str(key),
            input_id=str(input_id),
            origin=Origin(kind, str(name), feed_id, feed_title, feed_link),  # type: ignore[arg-type]
            title=str(title),
            paragraphs=tuple(self._bodies.unpack(body).split("\n\n")) if body else (),
            dateline=Dateline(**json.loads(str(dateline))) if dateline else None,
            agency=agency,  # type: ignore[arg-type]
            byline=byline,  # type: ignore[arg-type]
            published=_parse_time(published),  # type: ignore[arg-type]
            updated=_parse_time(updated),  # type: ignore[arg-type]
            url=url,  # type: ignore[arg-type]
            language=language,  # type: ignore[arg-type]
            removed=tuple(Removal(r["rule"], r["text"]) for r in json.loads(str(removed))),
        )
        link = (
            Similarity(float(jaccard), float(containment_new), float(containment_old))  # type: ignore[arg-type]
            if jaccard is not None
            else None
        )
        return StoredArticle(
            article=article,
            first_seen=datetime.fromisoformat(str(first_seen)),
            cluster_key=str(cluster_key),
            canonical=bool(is_canonical),
            canonical_key=str(canonical_key),
            similarity=float(similarity),  # type: ignore[arg-type]
            rule=str(rule),
            linked_to=str(linked_key),
            link_similarity=link,
            cluster_size=int(cluster_size),  # type: ignore[call-overload]
            superseded_by=str(superseded_by) if superseded_by else None,
            touched=_parse_time(touched),  # type: ignore[arg-type]
        )

    def article_count(self) -> int:
        """How many articles the store holds."""
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    # -- writing -------------------------------------------------------------

    def add(
        self,
        article: Article,
        fingerprint: Fingerprint,
        band_keys: Sequence[int],
        decision: Decision,
        first_seen: datetime,
        *,
        cluster: str,
    ) -> None:
        """Store a new article and join it to ``cluster`` (inside a transaction).

        A cluster is named by its founder's key: the ingester decides which, from
        the store or from a shared index.
        """
        columns = self._article_columns(article)
        cursor = self._db.execute(
            """INSERT INTO articles (key, input_id, origin_kind, origin_name, feed_id, feed_title,
               feed_link, title, body, dateline, agency, byline, published, updated, first_seen,
               url, language, removed, word_count)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            (article.key, *columns[:13], _time(first_seen), *columns[13:]),
        )
        article_id = int(cursor.lastrowid or 0)
        self._write_signature(article_id, fingerprint, band_keys)
        linked = decision.linked_to or article.key
        self._db.execute(
            "INSERT INTO clusters (key, canonical) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (cluster, article_id),
        )
        similarity = decision.similarity
        self._db.execute(
            "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, 1.0)",
            (
                article_id,
                cluster,
                linked,
                decision.rule,
                similarity.jaccard if similarity else None,
                similarity.containment_new if similarity else None,
                similarity.containment_old if similarity else None,
            ),
        )
        at = _time(first_seen) or ""
        self._log_changes([article_id], at, "new")
        if decision.linked_to is not None:
            # A founder is its own canonical member at similarity 1, as inserted.
            peers = [i for i in self._refresh_cluster(cluster) if i != article_id]
            self._log_changes(peers, at, "cluster")

    def count_source_lines(self, source: str, lines: Iterable[bytes]) -> None:
        """Count one more story of ``source`` carrying each of these line keys."""
        self._db.executemany(
            """INSERT INTO source_lines (source, line, stories) VALUES (?, ?, 1)
               ON CONFLICT (source, line) DO UPDATE SET stories = stories + 1""",
            ((source, line) for line in sorted(lines)),
        )

    def learned_lines(self, source: str, min_stories: int) -> frozenset[bytes]:
        """The line keys ``source`` has repeated in at least ``min_stories`` stories."""
        rows = self._db.execute(
            "SELECT line FROM source_lines WHERE source = ? AND stories >= ?", (source, min_stories)
        )
        return frozenset(bytes(row[0]) for row in rows)

    def fold_recent_bands(self, limit: int = RECENT_BANDS_LIMIT) -> int:
        """Move the recent band rows into the main band table once there are ``limit``.

        New rows go to a small table first: inserted one by one into a table of
        millions of rows, each would dirty a page of its own. Folded in key order,
        in one transaction, each page of the large table is written once per fold.
        Returns how many rows were moved (0 below the limit).
        """
        waiting = int(self._db.execute("SELECT COUNT(*) FROM recent_bands").fetchone()[0])
        if waiting < limit:
            return 0
        with self.transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO bands SELECT band_key, article FROM recent_bands ORDER BY 1, 2"
            )
            self._db.execute("DELETE FROM recent_bands")
        return waiting

    def cluster_of(self, key: str) -> str | None:
        """The cluster (its founder's key) of a stored article, or ``None``."""
        row = self._db.execute(
            "SELECT m.cluster FROM members m JOIN articles a ON a.id = m.article WHERE a.key = ?", (key,)
        ).fetchone()
        return str(row[0]) if row else None

    def replace(
        self, article: Article, fingerprint: Fingerprint, band_keys: Sequence[int], at: datetime
    ) -> None:
        """Replace a stored article's text with a new version of it (found at ``at``);
        it keeps its cluster."""
        article_id = self._id_of(article.key)
        columns = self._article_columns(article)
        self._db.execute(
            """UPDATE articles SET input_id=?, origin_kind=?, origin_name=?, feed_id=?,
               feed_title=?, feed_link=?, title=?, body=?, dateline=?, agency=?, byline=?,
               published=?, updated=?, url=?, language=?, removed=?, word_count=? WHERE id=?""",
            (*columns, article_id),
        )
        self._db.execute("DELETE FROM bands WHERE article = ?", (article_id,))
        self._db.execute("DELETE FROM recent_bands WHERE article = ?", (article_id,))
        self._db.execute("DELETE FROM signatures WHERE article = ?", (article_id,))
        self._write_signature(article_id, fingerprint, band_keys)
        cluster = self._db.execute("SELECT cluster FROM members WHERE article = ?", (article_id,)).fetchone()
        peers = [i for i in self._refresh_cluster(str(cluster[0])) if i != article_id]
        self._log_changes([article_id], _time(at) or "", "updated")
        self._log_changes(peers, _time(at) or "", "cluster")

    def _article_columns(self, article: Article) -> tuple[object, ...]:
        dateline = json.dumps(article.dateline.__dict__, sort_keys=True) if article.dateline else None
        removed = json.dumps([{"rule": r.rule, "text": r.text} for r in article.removed], ensure_ascii=False)
        origin = article.origin
        return (
            article.input_id,
            origin.kind,
            origin.name,
            origin.feed_id,
            origin.feed_title,
            origin.feed_link,
            article.title,
            self._bodies.pack(article.body),
            dateline,
            article.agency,
            article.byline,
            _time(article.published),
            _time(article.updated),
            article.url,
            article.language,
            removed,
            article.word_count,
        )

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
        self._db.executemany(
            "INSERT OR IGNORE INTO recent_bands VALUES (?, ?)", [(key, article_id) for key in band_keys]
        )

    def _id_of(self, key: str) -> int:
        row = self._db.execute("SELECT id FROM articles WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: article {key!r} is not stored")
        return int(row[0])

    def _refresh_cluster(self, cluster: str) -> list[int]:
        """Re-pick the canonical member, the superseded versions, and every member's
        similarity to the canonical one; returns the members' ids."""
        rows = self._db.execute(
            """SELECT a.id, a.key, a.published, a.word_count, s.digest, s.shingle_set, s.figures,
                      a.title, a.agency, a.url, a.feed_link, a.feed_id, a.origin_name,
                      m.rule, m.linked_to, m.jaccard, m.containment_new, m.containment_old
               FROM members m JOIN articles a ON a.id = m.article JOIN signatures s ON s.article = a.id
               WHERE m.cluster = ? ORDER BY a.id""",
            (cluster,),
        ).fetchall()
        members = [_member(row) for row in rows]
        canonical = choose_canonical(members, self.canonical)
        texts = {row[0]: _candidate(row[1], row[4], row[5], row[3], row[6]) for row in rows}
        canonical_text = texts[canonical.order]
        self._db.execute("UPDATE clusters SET canonical = ? WHERE key = ?", (canonical.order, cluster))
        ids = {member.key: member.order for member in members}
        self._db.executemany("DELETE FROM superseded WHERE article = ?", [(m.order,) for m in members])
        self._db.executemany(
            "INSERT INTO superseded VALUES (?, ?)",
            sorted((ids[old], new) for old, new in superseded(members).items()),
        )

        def similarity(member: Member) -> float:
            text = texts[member.order]
            if text.digest == canonical_text.digest:
                return 1.0
            return compare(text.shingles, canonical_text.shingles).jaccard

        self._db.executemany(
            "UPDATE members SET canonical_jaccard = ? WHERE article = ?",
            [(similarity(m), m.order) for m in members],
        )
        return [member.order for member in members]
