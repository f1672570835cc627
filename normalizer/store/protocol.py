"""What every store backend offers: the one interface the pipeline, the jobs and the
publishers talk to, so none of them knows which backend it has.

A backend keeps articles with their fingerprints, the story clusters the pipeline
decided, the change log, fetch validators, archive pages and emit cursors. It
decides nothing: which cluster an article joins, which member is canonical and
which versions are superseded come from :mod:`normalizer.dedup` and
:mod:`normalizer.clusters`, and the store writes what it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from normalizer.canonical import CanonicalRule, Member
from normalizer.clusters import ClusterState, ClusterText, JoinStanding
from normalizer.dedup import Candidate, DuplicateIndex
from normalizer.link_type import LinkType, link_type
from normalizer.model import Article, Decision, Fingerprint, FingerprintParams, Similarity

__all__ = ["LastChange", "Store", "StoredArticle", "StoredVersion"]

T = TypeVar("T")


@dataclass(frozen=True)
class StoredArticle:
    """An article as the store gives it back, with its cluster standing.

    ``entry_time`` is the entry's atom:updated, which the feed is ordered by: the
    article's own updated time, else published, else first seen, moved on by a change
    in a later run than the one that stored it (a new version, its cluster changed).
    """

    article: Article
    first_seen: datetime
    entry_time: datetime
    cluster_key: str
    canonical: bool
    canonical_key: str
    similarity: float
    rule: str
    linked_to: str
    link_similarity: Similarity | None
    cluster_size: int
    superseded_by: str | None = None
    # The body's words as stored, when the body itself was not read (see
    # :meth:`Store.shared_members`); else they are counted from the paragraphs.
    words: int | None = None

    @property
    def word_count(self) -> int:
        """The words of the body (stored, or counted)."""
        return self.words if self.words is not None else self.article.word_count

    @property
    def link_type(self) -> LinkType | None:
        """copy, rewrite, excerpt or update (see :mod:`normalizer.link_type`); None for a founder."""
        return link_type(self.rule, self.link_similarity, self.article.title)


@dataclass(frozen=True)
class StoredVersion:
    """What the store knows of an article's current version: its id, text digest,
    updated time and cluster, and the digest of the entry it was cleaned from."""

    article_id: int
    digest: str
    updated: datetime | None
    cluster: str
    raw_digest: str | None = None


@dataclass(frozen=True)
class FeedState:
    """What the store remembers of polling one feed (times ISO 8601, UTC).

    Attributes:
        url: the feed's address as the operator gave it (or as an OPML list named it).
        status: the last answer's HTTP status (``None``: no answer, a network error).
        checked_at: when it was last fetched.
        changed_at: when it last gave a new document (an answer of 200).
        next_at: the earliest time it may be fetched again (``None``: any time).
        failures: failed fetches in a row.
        gone: the server said 410: it is not polled again without ``--force``.
        moved_to: where the feed lives now, after a permanent redirect.
        problem: the last failure, one line.
    """

    url: str
    status: int | None = None
    checked_at: str | None = None
    changed_at: str | None = None
    next_at: str | None = None
    failures: int = 0
    gone: bool = False
    moved_to: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class LastChange:
    """The newest row of the change log: its number and its time (ISO 8601, UTC)."""

    seq: int
    at: str


class Store(Protocol):
    """An open newsnorm store (SQLite or PostgreSQL; any backend that keeps these promises)."""

    # Whether each entry of an input is stored in a transaction of its own (a store
    # many workers write at once) rather than the whole input in one.
    stores_per_entry: bool

    @property
    def name(self) -> str:
        """How the user named the store (a path or a URL), for messages."""
        ...

    @property
    def read_only(self) -> bool:
        """Whether nothing can be written to the store here."""
        ...

    @property
    def params(self) -> FingerprintParams:
        """The fingerprint parameters the store was made with."""
        ...

    @property
    def canonical(self) -> CanonicalRule:
        """The rule its clusters' canonical members were picked under."""
        ...

    @property
    def rule_is_current(self) -> bool:
        """Whether the clusters were picked under the rule this run's settings ask for."""
        ...

    @property
    def index(self) -> DuplicateIndex:
        """The store's own duplicate index (its LSH bands)."""
        ...

    def close(self) -> None:
        """Close the store (committed work is already kept)."""

    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing: commit on success, roll back on any exception."""
        ...

    def storing(self) -> AbstractContextManager[None]:
        """The scope of one input's entries: one transaction (all or nothing), or
        nothing where each entry is its own (:attr:`stores_per_entry`)."""
        ...

    def entry(self, work: Callable[[], T]) -> T:
        """One entry's look-up, decision and writes as one step that no other writer
        interleaves with: inside the input's transaction, or as a transaction of its
        own, decided again if another writer's conflicted with it."""
        ...

    def meta(self) -> dict[str, str]:
        """Schema version and fingerprint parameters."""
        ...

    # -- the pipeline's side --------------------------------------------------

    def version_of(self, key: str) -> StoredVersion | None:
        """The stored version of an article, if it is stored (an article stored under
        the key's own id alone, before keys were scoped, if it came from its source)."""

    def add(
        self, article: Article, fingerprint: Fingerprint, band_keys: Sequence[int], decision: Decision,
        first_seen: datetime, *, cluster: str, raw_digest: str,
    ) -> int:  # fmt: skip
        """Store a new article as a member of ``cluster``; returns its id."""
        ...

    def replace(
        self, article_id: int, article: Article, fingerprint: Fingerprint, band_keys: Sequence[int],
        *, raw_digest: str,
    ) -> None:  # fmt: skip
        """Replace a stored article's text with a new version; it keeps its cluster."""

    def remember_raw(self, article_id: int, raw_digest: str) -> None:
        """Note that an entry seen in another form gave the same text (nothing else moves)."""

    def cluster_texts(self, cluster: str) -> list[ClusterText]:
        """The members of a cluster as :mod:`normalizer.clusters` decides over them."""
        ...

    def cluster_standing(self, cluster: str) -> tuple[list[Member], ClusterState]:
        """The members of a cluster as the rule sees them (no texts), and the state
        written for it last."""
        ...

    def join_standing(self, cluster: str, joining: int) -> JoinStanding | None:
        """What deciding a new member's join needs: the cluster's canonical member,
        the new member and the cluster's updates, without reading every member."""
        ...

    def texts_of(self, ids: Sequence[int]) -> dict[int, Candidate]:
        """The texts of some articles, by id."""
        ...

    def merge_clusters(self, into: str, others: Sequence[str]) -> list[int]:
        """Fold clusters into one; returns the ids of the members that moved."""
        ...

    def write_cluster(self, cluster: str, state: ClusterState, before: ClusterState | None = None) -> None:
        """Write a cluster's canonical member, superseded versions and similarities
        (given the state written ``before``, only what differs from it)."""

    def shared_clusters(self) -> list[str]:
        """The clusters of two or more members, in key order."""
        ...

    def refusals(self) -> list[tuple[str, str, str]]:
        """(article, candidate, reason) of each refused candidate, by input id, sorted."""
        ...

    def save_rule(self, rule: CanonicalRule) -> None:
        """Record the rule the clusters are now picked under."""

    def log_changes(self, article_ids: Iterable[int], at: str, reason: str) -> None:
        """Append one change per article: ``new``, ``updated`` or ``cluster``."""

    def learned_lines(self, source: str, min_stories: int) -> frozenset[bytes]:
        """The line keys ``source`` has repeated in at least ``min_stories`` stories."""
        ...

    def count_source_lines(self, source: str, lines: Mapping[bytes, str]) -> None:
        """Count one more story of ``source`` carrying each of these lines (by key)."""

    def settle(self) -> None:
        """Housekeeping after an input is stored (outside its transaction)."""

    # -- intake ---------------------------------------------------------------

    def fetch_validators(self, url: str) -> tuple[str | None, str | None] | None:
        """The ETag and Last-Modified of the last stored fetch of ``url``."""

    def save_fetch(self, url: str, etag: str | None, last_modified: str | None, at: str) -> None:
        """Remember the validators of a fetch whose document is now stored."""

    def feed_state(self, url: str) -> FeedState | None:
        """What is known of polling ``url``, if it was ever polled."""

    def save_feed_state(self, state: FeedState) -> None:
        """Remember how a poll went (its own transaction; the validators stay as stored)."""

    def feed_states(self) -> list[FeedState]:
        """Every polled feed, by URL."""

    # -- the publishers' side -------------------------------------------------

    def article_count(self) -> int:
        """How many articles the store holds."""
        ...

    def stored_articles(self) -> list[StoredArticle]:
        """Every stored article with its cluster standing, in storing order."""
        ...

    def cluster_members(self, cluster_key: str) -> list[StoredArticle]:
        """The members of one cluster, in storing order."""
        ...

    def shared_members(self) -> list[StoredArticle]:
        """Every member of the clusters of two or more, in storing order, without their
        bodies (``paragraphs`` empty, ``words`` set): what a view of the stories reads."""
        ...

    def story_keys(self) -> list[tuple[str, str]]:
        """(article key, cluster key) of every stored article."""
        ...

    def search(self, phrases: Sequence[str], *, limit: int = 20) -> list[StoredArticle]:
        """The current versions holding every phrase (see ``store/search.py``), best first."""
        ...

    def iter_feed_order(
        self,
        canonical_only: bool = False,
        changes: tuple[int, int] | None = None,
        *,
        limit: int = 0,
        since: datetime | None = None,
    ) -> Iterator[StoredArticle]:
        """Current versions newest first (then by key); ``changes=(after, upto)``
        keeps those changed in those rows of the change log; at most ``limit`` of
        them (0: all), none whose entry time is before ``since``."""
        ...

    def newest_entry_time(
        self, canonical_only: bool = False, changes: tuple[int, int] | None = None
    ) -> datetime | None:
        """The latest entry time of what :meth:`iter_feed_order` gives for the same arguments."""

    def last_change(self) -> LastChange | None:
        """The newest change, or ``None`` for a store with nothing in it."""

    def change_at(self, seq: int) -> str | None:
        """When change ``seq`` was logged."""

    def archive_page(self, series: str, page: int) -> tuple[bytes, str] | None:
        """A published archive page and its atom:updated, if it was published."""

    def save_archive_page(self, series: str, page: int, body: bytes, at: str) -> tuple[bytes, str]:
        """Keep a page as first published; if another process got there first, theirs wins."""
        ...

    def emit_cursor(self, name: str) -> int:
        """The last change an ``emit --changed`` to ``name`` covered (0: none yet)."""
        ...

    def save_emit_cursor(self, name: str, seq: int) -> None:
        """Move an output's cursor, once its feed is written."""
