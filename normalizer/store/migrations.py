"""The store's schema, as ordered, named migrations (sqlite-utils' way): SQLite's here,
PostgreSQL's in ``postgres_schema.py``, both at the same version with the same tables.

Each migration brings a store from the version before it to its own version; the
version a store is at is ``schema_version`` in its ``meta`` table. Opening a store
applies, in order, every migration after its version, inside one write transaction,
so a store is migrated whole or not at all. A store newer than this code, or of a
version no migration starts from, is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from normalizer.errors import StoreError
from normalizer.link_type import is_resend
from normalizer.model import FingerprintParams
from normalizer.store.database import Database, article_batches
from normalizer.store.readable import readable_text
from normalizer.store.refingerprint import current_meta, refingerprint

__all__ = [
    "MIGRATIONS",
    "POLL_COLUMNS",
    "SCHEMA_VERSION",
    "Migration",
    "check_params",
    "mark_resends",
    "migrate",
    "pending",
    "plan",
    "script",
]


@dataclass(frozen=True)
class Migration:
    """One step of the schema: the version it makes, its name, and what it does."""

    version: int
    name: str
    apply: Callable[[Database], None]


def script(sql: str) -> Callable[[Database], None]:
    """A migration that runs these statements, in order."""

    def apply(db: Database) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                db.execute(statement)

    return apply


_ARTICLES_AND_CLUSTERS = """
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
    body TEXT NOT NULL,  -- text from schema 10 on (readable.py), compressed before it
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
"""

_SOURCE_LINES = """
CREATE TABLE IF NOT EXISTS source_lines (
    source TEXT NOT NULL,
    line BLOB NOT NULL,
    stories INTEGER NOT NULL,
    PRIMARY KEY (source, line)
) WITHOUT ROWID;
"""

_SUPERSEDED = """
CREATE TABLE IF NOT EXISTS superseded (
    article INTEGER PRIMARY KEY REFERENCES articles(id),
    by_key TEXT NOT NULL
);
"""

_CHANGE_LOG = """
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY,
    article INTEGER NOT NULL REFERENCES articles(id),
    at TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS touched (
    article INTEGER PRIMARY KEY REFERENCES articles(id),
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fetch_state (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    stored_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS archive_pages (
    series TEXT NOT NULL,
    page INTEGER NOT NULL,
    body BLOB NOT NULL,
    published_at TEXT NOT NULL,
    PRIMARY KEY (series, page)
);
CREATE TABLE IF NOT EXISTS cursors (
    name TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
);
"""


def _change_log(db: Database) -> None:
    """The change log, seeded with one 'new' row per article already stored."""
    script(_CHANGE_LOG)(db)
    if db.execute("SELECT 1 FROM changes LIMIT 1").fetchone() is None:
        db.execute(
            "INSERT INTO changes (article, at, reason) SELECT id, first_seen, 'new' FROM articles ORDER BY id"
        )


def _drop_kept_signatures(db: Database) -> None:
    """Stores before version 6 kept each MinHash signature (512 bytes an article),
    which nothing reads: the shingle set gives it again. Bodies written as deflate
    by version 5 are still read as they are (see bodies.py)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(signatures)")}
    if "signature" in columns:
        db.execute("ALTER TABLE signatures DROP COLUMN signature")


def _add_raw_digest(db: Database) -> None:
    """The digest of the entry each article was cleaned from (NULL for older rows:
    they are cleaned once more when next seen, and get one)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
    if "raw_digest" not in columns:
        db.execute("ALTER TABLE articles ADD COLUMN raw_digest TEXT")


# How polling each feed went (feeds/intake/polling.py), beside its validators.
POLL_COLUMNS = (
    ("status", "INTEGER"), ("checked_at", "TEXT"), ("changed_at", "TEXT"), ("next_at", "TEXT"),
    ("failures", "INTEGER NOT NULL DEFAULT 0"), ("gone", "INTEGER NOT NULL DEFAULT 0"),
    ("moved_to", "TEXT"), ("problem", "TEXT"),
)  # fmt: skip


def _add_poll_state(db: Database) -> None:
    """The polling columns of ``fetch_state`` (empty for the feeds fetched before)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(fetch_state)")}
    for name, kind in POLL_COLUMNS:
        if name not in columns:
            db.execute(f"ALTER TABLE fetch_state ADD COLUMN {name} {kind}")


def mark_resends(*, postgres: bool = False) -> Callable[[Database], None]:
    """Schema 11: each member says whether its headline carries a wire service's
    re-send mark (``members.resend``), with an index of the marked members by cluster.

    A story's updates are then found without reading every member, so a copy
    joining a story with versions is decided from its updates, its canonical member
    and itself (:func:`normalizer.clusters.join_cluster`). The mark is what
    :func:`normalizer.link_type.is_resend` says of the stored headline: a change of
    those marks is a migration that marks the members again.
    """

    def apply(db: Database) -> None:
        if postgres:
            db.execute("ALTER TABLE members ADD COLUMN IF NOT EXISTS resend SMALLINT NOT NULL DEFAULT 0")
        elif "resend" not in {row[1] for row in db.execute("PRAGMA table_info(members)")}:
            db.execute("ALTER TABLE members ADD COLUMN resend INTEGER NOT NULL DEFAULT 0")
        for rows in article_batches(db, "id, title"):
            marked = [(int(row[0]),) for row in rows if is_resend(str(row[1] or ""))]
            db.executemany("UPDATE members SET resend = 1 WHERE article = ?", marked)
        db.execute("CREATE INDEX IF NOT EXISTS members_resends ON members(cluster) WHERE resend = 1")

    return apply


MIGRATIONS: tuple[Migration, ...] = (
    Migration(2, "articles-and-clusters", script(_ARTICLES_AND_CLUSTERS)),
    Migration(3, "learned-source-lines", script(_SOURCE_LINES)),
    # The superseded rows of an older store are filled by the canonical re-pick that
    # a store without a stored rule gets on opening.
    Migration(4, "superseded-versions", script(_SUPERSEDED)),
    Migration(5, "change-log", _change_log),
    Migration(6, "drop-kept-signatures", _drop_kept_signatures),
    # What the reader gave, hashed with the cleaning rules' version: an entry seen
    # again as it was is unchanged before it is cleaned (learned chrome lines that
    # arrived since cannot make it look new; a re-poll skips the work).
    Migration(7, "raw-digest", _add_raw_digest),
    # Tokens by script, figures as numbers in their words, headline band keys; the
    # candidates refused by figures, template or dates (see refingerprint.py).
    Migration(8, "script-aware-fingerprints", refingerprint(("bands", "recent_bands"), "recent_bands")),
    Migration(9, "polling-state", _add_poll_state),
    # Bodies as text, a full-text index, learned lines with their text (readable.py).
    Migration(10, "readable-text", readable_text()),
    Migration(11, "resend-marks", mark_resends()),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def pending(
    stored_version: str | None, migrations: tuple[Migration, ...] = MIGRATIONS
) -> tuple[Migration, ...] | None:
    """The migrations (of ``migrations``, SQLite's by default) a store at
    ``stored_version`` needs, in order (a new store, whose version is ``None``, needs
    them all); ``None`` if no path leads from that version."""
    if stored_version is None:
        return migrations
    try:
        version = int(stored_version)
    except ValueError:
        return None
    if version < migrations[0].version or version > migrations[-1].version:
        return None
    return tuple(m for m in migrations if m.version > version)


def check_params(name: str, stored: dict[str, str], params: FingerprintParams) -> None:
    """Refuse to open a store made with other fingerprint parameters (a store not
    made yet, ``stored`` empty, takes these)."""
    if not stored:
        return
    expected = params.as_dict()
    mismatched = sorted(k for k in expected if stored.get(k) != expected[k])
    if mismatched:
        details = ", ".join(f"{k} {stored.get(k)} (store) vs {expected[k]} (run)" for k in mismatched)
        raise StoreError(
            f"{name}: the store was made with other parameters: {details}; "
            "use the store's parameters or a new store"
        )


def plan(
    name: str, stored: dict[str, str], params: FingerprintParams | None, migrations: tuple[Migration, ...]
) -> tuple[FingerprintParams, tuple[Migration, ...]]:
    """What opening a store whose meta table holds ``stored`` means, before anything is
    written: the parameters it is at (``params`` checked against its own, or adopted
    when ``None``), and the migrations due (none: it is current)."""
    stored = current_meta(stored)
    if params is None:
        params = FingerprintParams.from_meta(stored)
    check_params(name, stored, params)
    steps = pending(stored.get("schema_version"), migrations)
    if steps is None:
        raise StoreError(
            f"{name}: a store of schema version {stored.get('schema_version')}, which this "
            f"version (schema {migrations[-1].version}) cannot read or migrate"
        )
    return params, steps


def migrate(
    db: Database,
    name: str,
    stored: dict[str, str],
    params: FingerprintParams,
    migrations: tuple[Migration, ...],
) -> None:
    """Inside the write transaction, with the meta table read again (``stored``: another
    process may have made or migrated the store meanwhile): apply the migrations still
    due and record the version, with the parameters for a store made now."""
    check_params(name, current_meta(stored), params)
    for step in pending(stored.get("schema_version"), migrations) or ():
        step.apply(db)
    version = {"schema_version": str(migrations[-1].version)}
    values = version if stored else {**params.as_dict(), **version}
    db.executemany(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        sorted(values.items()),
    )
