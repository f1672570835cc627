"""Rows of the SQLite store to values and back, by column name.

Every query that gives articles back names its columns as :data:`STORED_COLUMNS`
does; the functions here read a row (of either backend) by those names, so a column
added or moved cannot shift another's meaning.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from normalizer.canonical import Member, cluster_member
from normalizer.clusters import ClusterText
from normalizer.dedup import Candidate, evidence_day
from normalizer.learned import chrome_source
from normalizer.link_type import link_type
from normalizer.model import Article, Dateline, Origin, OriginKind, Removal, Similarity
from normalizer.store.database import Row
from normalizer.store.protocol import StoredArticle
from normalizer.text import storable_values

__all__ = [
    "ARTICLE_COLUMNS",
    "CANDIDATE_COLUMNS",
    "CLUSTER_STANDING_COLUMNS",
    "CLUSTER_TEXT_COLUMNS",
    "ENTRY_TIME",
    "STORED_COLUMNS",
    "VALUES_PER_QUERY",
    "article_values",
    "candidate",
    "cluster_text",
    "in_chunks",
    "member",
    "parse_time",
    "stored_article",
    "utc_text",
]

T = TypeVar("T")

# The columns of ``articles`` an Article fills, in the order article_values gives them.
ARTICLE_COLUMNS = (
    "input_id", "origin_kind", "origin_name", "feed_id", "feed_title", "feed_link", "title", "body",
    "dateline", "agency", "byline", "published", "updated", "url", "language", "removed", "word_count",
)  # fmt: skip

# An entry's atom:updated (see StoredArticle.entry_time), in SQL so the feed is
# ordered by it: its own updated time, else published, else first seen; a change
# in a later run than the one that stored it (``touched``) moves it on.
# (CASE, not SQLite's two-argument MAX, so that both backends run it.)
_OWN_TIME = "COALESCE(a.updated, a.published, a.first_seen)"
ENTRY_TIME = f"CASE WHEN t.at > {_OWN_TIME} THEN t.at ELSE {_OWN_TIME} END"

# A stored article with its cluster standing (over the joins of sqlite.FEED_FROM).
STORED_COLUMNS = f"""
    a.key, a.input_id, a.origin_kind, a.origin_name, a.feed_id, a.feed_title, a.feed_link,
    a.title, a.body, a.dateline, a.agency, a.byline, a.published, a.updated, a.first_seen,
    a.url, a.language, a.removed,
    m.cluster AS cluster_key, c.canonical = a.id AS is_canonical, canonical.key AS canonical_key,
    m.canonical_jaccard, m.rule, m.linked_to, m.jaccard, m.containment_new, m.containment_old,
    (SELECT COUNT(*) FROM members peers WHERE peers.cluster = m.cluster) AS cluster_size,
    sup.by_key AS superseded_by, {ENTRY_TIME} AS entry_time
"""

# The same without the body, and with its words as stored instead.
LIGHT_STORED_COLUMNS = STORED_COLUMNS.replace("a.body,", "'' AS body, a.word_count AS stored_words,", 1)

# A stored text as exact verification compares it (see :func:`candidate`).
CANDIDATE_COLUMNS = (
    "a.key, s.digest, s.shingle_set, a.word_count, s.figures, a.title, a.url, a.origin_name, "
    "a.dateline, a.published"
)

# Values bound in one IN (...) list, well under SQLite's limit on variables.
VALUES_PER_QUERY = 500


def in_chunks(values: Sequence[T]) -> Iterator[list[T]]:
    """``values`` in lists of at most :data:`VALUES_PER_QUERY`, one IN (...) query each."""
    for start in range(0, len(values), VALUES_PER_QUERY):
        yield list(values[start : start + VALUES_PER_QUERY])


# A cluster member with its text, for the cluster decisions.
CLUSTER_TEXT_COLUMNS = """
    a.id, a.key, a.published, a.word_count, s.digest, s.shingle_set, s.figures,
    a.title, a.agency, a.url, a.feed_link, a.feed_id, a.origin_name, a.dateline,
    m.rule, m.linked_to, m.jaccard, m.containment_new, m.containment_old
"""

# A cluster member's standing without its text (no shingle set: a cluster of
# thousands is read on every join), with what is stored of its place in the cluster.
CLUSTER_STANDING_COLUMNS = """
    a.id, a.key, a.published, a.word_count, a.title, a.agency, a.url, a.feed_link, a.feed_id,
    a.origin_name, m.rule, m.linked_to, m.jaccard, m.containment_new, m.containment_old,
    m.canonical_jaccard, sup.by_key AS superseded_by
"""


def utc_text(value: datetime | None) -> str | None:
    """A time as stored: ISO 8601 in UTC, so that the text sorts as the time does."""
    return value.astimezone(UTC).isoformat() if value else None


def parse_time(value: str | None) -> datetime | None:
    """A stored time back (``None`` stays ``None``)."""
    return datetime.fromisoformat(value) if value else None


def _similarity(row: Row) -> Similarity | None:
    if row["jaccard"] is None:
        return None
    return Similarity(float(row["jaccard"]), float(row["containment_new"]), float(row["containment_old"]))


def _paragraphs(body: str) -> tuple[str, ...]:
    # A headline-only article's body is empty: no paragraphs, not one empty one.
    return tuple(body.split("\n\n")) if body else ()


def article_values(article: Article) -> tuple[object, ...]:
    """The values of :data:`ARTICLE_COLUMNS` for an article, every text in it one every
    backend and document can hold (whatever reader or rule made it)."""
    article = storable_values(article)
    dateline = json.dumps(article.dateline.__dict__, sort_keys=True) if article.dateline else None
    removed = json.dumps([{"rule": r.rule, "text": r.text} for r in article.removed], ensure_ascii=False)
    origin = article.origin
    return (
        article.input_id, origin.kind, origin.name, origin.feed_id, origin.feed_title, origin.feed_link,
        article.title, article.body, dateline, article.agency, article.byline,
        utc_text(article.published), utc_text(article.updated), article.url, article.language, removed,
        article.word_count,
    )  # fmt: skip


def stored_article(row: Row, *, light: bool = False) -> StoredArticle:
    """A row of :data:`STORED_COLUMNS` (``light``: of :data:`LIGHT_STORED_COLUMNS`) as a
    stored article."""
    kind: OriginKind = row["origin_kind"]
    article = Article(
        key=row["key"],
        input_id=row["input_id"],
        origin=Origin(kind, row["origin_name"], row["feed_id"], row["feed_title"], row["feed_link"]),
        title=row["title"],
        paragraphs=_paragraphs(row["body"] or ""),
        dateline=Dateline(**json.loads(row["dateline"])) if row["dateline"] else None,
        agency=row["agency"],
        byline=row["byline"],
        published=parse_time(row["published"]),
        updated=parse_time(row["updated"]),
        url=row["url"],
        language=row["language"],
        removed=tuple(Removal(r["rule"], r["text"]) for r in json.loads(row["removed"])),
    )
    return StoredArticle(
        article=article,
        first_seen=datetime.fromisoformat(row["first_seen"]),
        entry_time=datetime.fromisoformat(row["entry_time"]),
        cluster_key=row["cluster_key"],
        canonical=bool(row["is_canonical"]),
        canonical_key=row["canonical_key"],
        similarity=float(row["canonical_jaccard"]),
        rule=row["rule"],
        linked_to=row["linked_to"],
        link_similarity=_similarity(row),
        cluster_size=int(row["cluster_size"]),
        superseded_by=row["superseded_by"],
        words=int(row["stored_words"]) if light else None,
    )


def candidate(row: Row) -> Candidate:
    """A stored text as exact verification compares it (:data:`CANDIDATE_COLUMNS`)."""
    dateline = Dateline(**json.loads(row["dateline"])) if row["dateline"] else None
    return Candidate(
        row["key"], row["digest"], bytes(row["shingle_set"]), int(row["word_count"]),
        frozenset(row["figures"].split()), title=row["title"],
        source=chrome_source(row["url"], row["origin_name"]),
        day=evidence_day(dateline, row["published"]), published=row["published"],
    )  # fmt: skip


def member(row: Row) -> Member:
    """A row of :data:`CLUSTER_STANDING_COLUMNS` (or the text columns) as the rule sees it."""
    return cluster_member(
        row["key"],
        parse_time(row["published"]),
        int(row["word_count"]),
        int(row["id"]),
        source=(row["agency"], row["url"], row["feed_link"], row["feed_id"], row["origin_name"]),
        link=(link_type(row["rule"], _similarity(row), row["title"]), row["linked_to"]),
    )


def cluster_text(row: Row) -> ClusterText:
    """A row of :data:`CLUSTER_TEXT_COLUMNS` as the cluster decisions see it."""
    return ClusterText(member=member(row), text=candidate(row))
