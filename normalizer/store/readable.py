"""Schema 10: a store people can read and search without newsnorm.

Before it, bodies were Zstandard frames (or deflate, or text, by age) and learned
chrome lines were 8-byte hashes: datasette showed ``<Binary: 2,046 bytes>``,
``body__contains`` found nothing and no one could see what was learned. The
migration writes every body back as plain text, indexes every article's title and
body for full-text search (see :mod:`normalizer.store.search`), gives the learned
lines a column for their text (filled from the second story that carries a line
on, so lines seen once cost nothing) and a view, ``learned_chrome``, of them.

It runs inside the opening write transaction, like every migration: a store is
migrated whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable

from normalizer.store.bodies import BodyCodec
from normalizer.store.database import Database, article_batches
from normalizer.store.search import FTS5_TOKENIZER, Fts5Index, TextIndex, TsvectorIndex

__all__ = ["LEARNED_CHROME_VIEW", "readable_text"]

_SQLITE_INDEX = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, body, content="articles", content_rowid="id", tokenize="{FTS5_TOKENIZER}"
)
"""

_POSTGRES_INDEX = """
CREATE TABLE IF NOT EXISTS article_words (
    article BIGINT PRIMARY KEY REFERENCES articles(id),
    words tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS article_words_search ON article_words USING GIN (words)
"""

# What each source repeats, most repeated first: the lines learned as its chrome
# are those at or above the run's learn_after.
LEARNED_CHROME_VIEW = """
learned_chrome AS SELECT source, text, stories FROM source_lines WHERE text IS NOT NULL
"""


def _bodies_as_text(db: Database, *, postgres: bool) -> None:
    codec = BodyCodec()
    if postgres:
        kind = db.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'articles' AND column_name = 'body'"
        ).fetchone()
        if kind is not None and kind[0] == "text":
            return  # a store whose version was set back by hand
        # BYTEA cannot hold text: a text column takes its place (it is then the last).
        db.execute("ALTER TABLE articles ADD COLUMN body_text TEXT")
        target = "body_text"
    else:
        target = "body"
    for rows in article_batches(db, "id, body"):
        db.executemany(
            f"UPDATE articles SET {target} = ? WHERE id = ?",
            [(codec.unpack(bytes(row[1]) if postgres else row[1]), int(row[0])) for row in rows],
        )
    if postgres:
        db.execute("ALTER TABLE articles DROP COLUMN body")
        db.execute("ALTER TABLE articles RENAME COLUMN body_text TO body")
        db.execute("ALTER TABLE articles ALTER COLUMN body SET NOT NULL")


def _index_every_article(db: Database, index: TextIndex) -> None:
    # Whatever an index already held (a store whose version was set back by hand) goes.
    index.clear()
    for rows in article_batches(db, "id, title, body"):
        for row in rows:
            index.write(int(row[0]), str(row[1]), str(row[2]))


def readable_text(*, postgres: bool = False) -> Callable[[Database], None]:
    """The migration for one backend."""

    def apply(db: Database) -> None:
        _bodies_as_text(db, postgres=postgres)
        index: TextIndex
        if postgres:
            for statement in _POSTGRES_INDEX.split(";"):
                db.execute(statement)
            index = TsvectorIndex(db)
        else:
            db.execute(_SQLITE_INDEX)
            index = Fts5Index(db)
        _index_every_article(db, index)
        if postgres:
            db.execute("ALTER TABLE source_lines ADD COLUMN IF NOT EXISTS text TEXT")
            db.execute(f"CREATE OR REPLACE VIEW {LEARNED_CHROME_VIEW}")
        else:
            if "text" not in {row[1] for row in db.execute("PRAGMA table_info(source_lines)")}:
                db.execute("ALTER TABLE source_lines ADD COLUMN text TEXT")
            db.execute(f"CREATE VIEW IF NOT EXISTS {LEARNED_CHROME_VIEW}")

    return apply
