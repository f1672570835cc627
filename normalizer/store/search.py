"""Full-text search over the stored articles, in every script.

The store keeps article text as plain text (anyone can read it in datasette or
the sqlite3 shell) and indexes each article's title and body folded as duplicate
detection folds them (:func:`normalizer.tokens.spaced_text`): NFKC, case-folded,
digits of every script as ASCII, Arabic lightly normalised, and each character of
the scripts written without spaces set apart. A Chinese or Japanese word is then
found as the phrase of its characters, which a word tokenizer alone cannot do
(SQLite's unicode61 reads a whole unspaced clause as one token).

SQLite indexes that folded text in an FTS5 table whose content is the
``articles`` table (``content='articles'``), so the index holds no second copy of
the text and datasette offers its search box on ``articles`` (it knows the index by
``content="articles"``, written so); PostgreSQL keeps a
``tsvector`` of it in ``article_words``. A query is folded the same way: each word
of it (or each "quoted phrase") must appear, as a phrase of its tokens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Protocol

from normalizer.errors import NewsnormError
from normalizer.store.database import Database
from normalizer.tokens import spaced_text, tokens

__all__ = [
    "FTS5_TOKENIZER",
    "Fts5Index",
    "SearchQueryError",
    "TextIndex",
    "TsvectorIndex",
    "fts5_match",
    "indexed_text",
    "query_phrases",
    "snippet",
]

# unicode61 splits at anything that is not a letter, number, mark or private-use
# character: the folded tokens are runs of those already, so both sides agree.
# remove_diacritics finds an accented word folded by another path (datasette's box).
FTS5_TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"

_DIACRITIC = re.compile("[\u0300-\u036f]")

# A query's parts: "a quoted phrase", or a run of other characters.
_QUERY_PART = re.compile(r'"([^"]*)"|([^\s"]+)')


class SearchQueryError(NewsnormError):
    """A search query that has nothing to look for (no letters or digits in it)."""


def indexed_text(text: str) -> str:
    """What the index reads for a text (the same folding as a query's): folded as
    duplicate detection folds it, and without the accents of Latin, Greek and
    Cyrillic letters (the combining diacritics; a Devanagari vowel sign is part of its
    word and stays), so that "geneve" finds "Genève" on both backends."""
    folded = spaced_text(text)
    if folded.isascii():
        return folded
    return unicodedata.normalize("NFC", _DIACRITIC.sub("", unicodedata.normalize("NFD", folded)))


def query_phrases(query: str) -> tuple[str, ...]:
    """The phrases a query asks for, folded as the index is (every one must be found):
    each "quoted phrase" and each other word; a query with nothing to look for is refused."""
    phrases: list[str] = []
    for match in _QUERY_PART.finditer(query):
        part = match.group(1) if match.group(1) is not None else match.group(2)
        folded = indexed_text(part)
        if tokens(folded) and folded not in phrases:
            phrases.append(folded)
    if not phrases:
        raise SearchQueryError(f"search: {query!r} has no word to look for")
    return tuple(phrases)


def fts5_match(phrases: Sequence[str]) -> str:
    """An FTS5 MATCH expression finding every phrase (each quoted: no query syntax
    gets through from the user's words)."""
    return " AND ".join('"' + phrase.replace('"', '""') + '"' for phrase in phrases)


def snippet(paragraphs: Sequence[str], phrases: Sequence[str], width: int = 160) -> str:
    """About ``width`` characters of the first paragraph that holds a phrase's first
    word (else of the first paragraph), around it, for a person to see why it matched."""
    if not paragraphs:
        return ""
    firsts = [words[0] for words in map(tokens, phrases) if words]
    for paragraph in paragraphs:
        folded = paragraph.casefold()
        for first in firsts:
            at = folded.find(first)
            if at >= 0:
                return _window(paragraph, at, width)
    return _window(paragraphs[0], 0, width)


def _window(paragraph: str, at: int, width: int) -> str:
    start = max(0, min(at - width // 3, len(paragraph) - width))
    end = start + width
    if start > 0 and " " in paragraph[start:at]:
        start = paragraph.index(" ", start) + 1  # from a word's start
    if end < len(paragraph) and " " in paragraph[max(at, start) : end]:
        end = paragraph.rindex(" ", max(at, start), end)  # to a word's end
    piece = paragraph[start:end].strip()
    return ("…" if start > 0 else "") + piece + ("…" if end < len(paragraph) else "")


class TextIndex(Protocol):
    """A backend's full-text index over the articles' titles and bodies."""

    def write(self, article_id: int, title: str, body: str) -> None:
        """Index an article's text (a new article, or the new version of one)."""

    def forget(self, article_id: int) -> None:
        """Take an article's stored text out of the index (before it is replaced)."""

    def clear(self) -> None:
        """Empty the index (before every article is indexed again)."""

    def matching(self, phrases: Sequence[str]) -> tuple[str, tuple[object, ...], str]:
        """A join onto ``articles a`` keeping the articles that hold every phrase, its
        parameters, and the ORDER BY term that puts the best match first."""


class Fts5Index:
    """SQLite's index: FTS5 over the folded text, its content the articles table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def write(self, article_id: int, title: str, body: str) -> None:
        self._db.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            (article_id, indexed_text(title), indexed_text(body)),
        )

    def forget(self, article_id: int) -> None:
        # An external-content index is told what it indexed to take it out again.
        row = self._db.execute("SELECT title, body FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is not None:
            self._db.execute(
                "INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                (article_id, indexed_text(row[0]), indexed_text(row[1])),
            )

    def clear(self) -> None:
        self._db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")

    def matching(self, phrases: Sequence[str]) -> tuple[str, tuple[object, ...], str]:
        join = (
            "JOIN (SELECT rowid AS id, rank FROM articles_fts WHERE articles_fts MATCH ?) found "
            "ON found.id = a.id"
        )
        return join, (fts5_match(phrases),), "found.rank"


class TsvectorIndex:
    """PostgreSQL's index: a tsvector of the folded text per article, under GIN."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def write(self, article_id: int, title: str, body: str) -> None:
        self._db.execute(
            "INSERT INTO article_words (article, words) VALUES (?, "
            "setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'B'))",
            (article_id, indexed_text(title), indexed_text(body)),
        )

    def forget(self, article_id: int) -> None:
        self._db.execute("DELETE FROM article_words WHERE article = ?", (article_id,))

    def clear(self) -> None:
        self._db.execute("DELETE FROM article_words")

    def matching(self, phrases: Sequence[str]) -> tuple[str, tuple[object, ...], str]:
        query = " && ".join(["phraseto_tsquery('simple', ?)"] * len(phrases))
        join = (
            f"JOIN (SELECT w.article AS id, ts_rank(w.words, q.query) AS rank "
            f"FROM article_words w, (SELECT {query} AS query) q WHERE w.words @@ q.query) found "
            "ON found.id = a.id"
        )
        return join, tuple(phrases), "found.rank DESC"
