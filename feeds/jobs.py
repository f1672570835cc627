"""The jobs the commands run: ingest, emit, clean, report clusters.

Each job takes its inputs, an open store and resolved settings, and returns
values; printing and exit codes are the command line's business.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import islice
from typing import BinaryIO

from feeds.atom import FeedInfo, FeedPart, write_atom
from feeds.fetch import FetchPolicy, Validators, is_url
from feeds.opml import opml_feeds
from feeds.read import read_entries
from feeds.sniff import Format, sniff
from feeds.sources import Document, Loader, expand_inputs
from normalizer import __version__
from normalizer.canonical import CanonicalRule, Member, cluster_member, explain_canonical
from normalizer.dedup import DuplicateMemory
from normalizer.errors import InputError, SettingsError
from normalizer.model import Article, RawEntry, Rejected
from normalizer.pipeline import Cleaner, Ingester
from normalizer.settings import Settings
from normalizer.store import Store, StoredArticle

__all__ = [
    "Cluster",
    "IngestSummary",
    "clean_inputs",
    "emit_changes",
    "emit_feed",
    "feed_info",
    "ingest_inputs",
    "open_memory",
    "story_clusters",
]


@dataclass(frozen=True)
class IngestSummary:
    """What an ingest did, for the one-screen summary."""

    documents: int
    read: int
    new: int
    updated: int
    unchanged: int
    duplicates: int
    rejected: tuple[Rejected, ...]
    skipped: tuple[Rejected, ...]
    stored: int
    not_modified: int = 0


@dataclass
class _Tally:
    """What reading one input met besides its articles."""

    read: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def split(self) -> tuple[list[Rejected], list[Rejected]]:
        """Whole inputs rejected, and single feed entries skipped."""
        return [r for r in self.rejected if r.entry is None], [r for r in self.rejected if r.entry]


def _articles(
    data: bytes,
    name: str,
    cleaner: Cleaner,
    format_in: Format | None,
    tally: _Tally,
    *,
    learned: Callable[[RawEntry], frozenset[bytes]] | None = None,
) -> Iterator[Article]:
    """The clean articles of one document, streamed; rejected entries go to the tally.

    ``learned`` gives the lines each entry's source is known to repeat.
    """
    for raw in read_entries(data, name, format_in):
        tally.read += 1
        if isinstance(raw, Rejected):
            tally.rejected.append(raw)
            continue
        try:
            cleaned = cleaner.clean(raw, learned(raw) if learned else frozenset())
        except InputError as error:
            if raw.origin.kind != "feed":
                raise
            cleaned = Rejected(name, error.problem, raw.input_id)
        if isinstance(cleaned, Rejected):
            tally.rejected.append(cleaned)
        else:
            yield cleaned


def open_memory(settings: Settings) -> DuplicateMemory | None:
    """The shared duplicate index the settings name, or ``None`` for the store's own."""
    if not settings.index:
        return None
    if settings.index.startswith("redis://"):
        # Imported when asked for: datasketch's LSH brings scipy, half a second of
        # start-up that a run without a shared index need not pay.
        from feeds.redis_memory import RedisMemory  # noqa: PLC0415

        return RedisMemory(settings.index, settings.fingerprint_params)
    raise SettingsError(f"index {settings.index!r}: give a redis://host:port/db URL, or nothing")


@dataclass
class _Counts:
    """What an ingest has done so far."""

    documents: int = 0
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    not_modified: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    skipped: list[Rejected] = field(default_factory=list)


def _fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy(
        user_agent=settings.user_agent_header,
        timeout=settings.fetch_timeout,
        max_bytes=settings.max_input_bytes,
    )


def _validators(store: Store, name: str) -> Validators | None:
    stored = store.fetch_validators(name) if is_url(name) else None
    return Validators(*stored) if stored else None


def _listed_feeds(document: Document, format_in: Format | None, counts: _Counts) -> list[str] | None:
    """The feeds an OPML document lists (``None`` if it is not one); a bad list is rejected."""
    data = document.data or b""
    if format_in not in (None, "opml") or (format_in is None and sniff(data) != "opml"):
        return None
    try:
        feeds, others = opml_feeds(data, document.name)
    except InputError as error:
        counts.rejected.append(Rejected(document.name, error.problem))
        return []
    counts.skipped.extend(Rejected(document.name, "not a web address: not fetched", o) for o in others)
    return feeds


def ingest_inputs(
    inputs: Sequence[str],
    store: Store,
    settings: Settings,
    now: datetime,
    *,
    format_in: Format | None = None,
    on_document: Callable[[str], None] | None = None,
) -> IngestSummary:
    """Read, clean, fingerprint, link and store every input (one transaction each).

    An input whose reading fails part-way is rolled back whole and rejected. A
    URL is fetched conditionally; its validators are stored only once its
    document is, so a failed run never turns the next fetch into a 304 that
    hides what it failed to store. An OPML list adds the feeds it lists. The
    next URLs are fetched ahead, a few at once; documents are still stored in
    input order, so the store does not depend on which server answered first.
    """
    cleaner = Cleaner.default()
    ingester = Ingester(store, settings, now, open_memory(settings))
    queue = deque(expand_inputs(list(inputs)))
    seen = set(queue)
    counts = _Counts()
    policy = _fetch_policy(settings)
    with Loader(
        settings.max_input_bytes, policy, partial(_validators, store), settings.fetch_workers
    ) as loader:
        while queue:
            name = queue.popleft()
            counts.documents += 1
            loader.ahead(islice(queue, loader.workers))
            document = loader.load(name)
            if document.problem is not None:
                counts.rejected.append(Rejected(name, document.problem.problem))
            elif document.fetched is not None and document.fetched.not_modified:
                counts.not_modified += 1
            elif (listed := _listed_feeds(document, format_in, counts)) is not None:
                queue.extend(feed for feed in listed if feed not in seen)
                seen.update(listed)
            elif _ingest_document(document, ingester, cleaner, format_in, counts):
                _remember_fetch(store, document, now)
            if on_document is not None:
                on_document(name)
    return IngestSummary(
        documents=counts.documents,
        read=counts.read,
        new=counts.new,
        updated=counts.updated,
        unchanged=counts.unchanged,
        duplicates=counts.duplicates,
        rejected=tuple(counts.rejected),
        skipped=tuple(counts.skipped),
        stored=store.article_count(),
        not_modified=counts.not_modified,
    )


def _ingest_document(
    document: Document, ingester: Ingester, cleaner: Cleaner, format_in: Format | None, counts: _Counts
) -> bool:
    """Store one document's articles, all or nothing; whether it was stored."""
    tally = _Tally()
    try:
        articles = _articles(
            document.data or b"", document.name, cleaner, format_in, tally, learned=ingester.learned_lines
        )
        result = ingester.ingest(articles)
    except InputError as error:
        counts.rejected.append(Rejected(document.name, error.problem))
        counts.read += tally.read
        return False
    counts.read += tally.read
    counts.new += result.new
    counts.updated += result.updated
    counts.unchanged += result.unchanged
    counts.duplicates += result.duplicates
    whole, entries = tally.split()
    counts.rejected.extend(whole)
    counts.skipped.extend(entries)
    return True


def _remember_fetch(store: Store, document: Document, now: datetime) -> None:
    fetched = document.fetched
    if fetched is not None and (fetched.validators.etag or fetched.validators.last_modified):
        validators = fetched.validators
        store.save_fetch(fetched.url, validators.etag, validators.last_modified, now.isoformat())


def feed_info(settings: Settings) -> FeedInfo:
    """What the emitted feed says about itself."""
    return FeedInfo(id=settings.feed_id, title=settings.feed_title, generator_version=__version__)


def emit_feed(store: Store, settings: Settings, out: BinaryIO, collapse: bool = False) -> None:
    """Write the Atom document for everything the store holds."""
    write_atom(out, store, feed_info(settings), collapse=collapse)


def emit_changes(
    store: Store, settings: Settings, out: BinaryIO, output_name: str, collapse: bool = False
) -> int:
    """Write the entries that changed since the last such emit to ``output_name``.

    Returns the change-log position to save as that output's cursor once the
    document is safely written (a failed write leaves the cursor, and the next
    run emits the same changes again).
    """
    last = store.last_change()
    upto = last.seq if last else 0
    after = min(store.emit_cursor(output_name), upto)
    write_atom(out, store, feed_info(settings), collapse=collapse, part=FeedPart(changes=(after, upto)))
    return upto


def clean_inputs(
    inputs: Sequence[str], settings: Settings, format_in: Format | None = None
) -> tuple[list[Article], list[Rejected]]:
    """Clean inputs (files, standard input or URLs) without storing anything."""
    cleaner = Cleaner.default()
    articles: list[Article] = []
    rejected: list[Rejected] = []
    with Loader(settings.max_input_bytes, _fetch_policy(settings), workers=1) as loader:
        for name in expand_inputs(list(inputs)):
            document = loader.load(name)
            if document.problem is not None:
                rejected.append(Rejected(name, document.problem.problem))
                continue
            tally = _Tally()
            try:
                articles.extend(_articles(document.data or b"", name, cleaner, format_in, tally))
            except InputError as error:
                rejected.append(Rejected(name, error.problem))
            rejected.extend(tally.rejected)
    return articles, rejected


@dataclass(frozen=True)
class Cluster:
    """A story cluster for reports: canonical member first, then by similarity.

    ``why`` says, per member key, why it is or is not the canonical member.
    """

    key: str
    members: tuple[StoredArticle, ...]
    why: dict[str, str] = field(default_factory=dict)


def _member(stored: StoredArticle, order: int) -> Member:
    article, origin = stored.article, stored.article.origin
    return cluster_member(
        article.key,
        article.published,
        article.word_count,
        order,
        source=(article.agency, article.url, origin.feed_link, origin.feed_id, origin.name),
        link=(stored.link_type, stored.linked_to),
    )


def story_clusters(store: Store, rule: CanonicalRule | None = None) -> list[Cluster]:
    """Every cluster of the store, singletons included, in a stable order.

    ``rule`` is the canonical rule the store was opened with, for the reasons.
    """
    grouped: dict[str, list[tuple[int, StoredArticle]]] = {}
    for order, stored in enumerate(store.stored_articles()):
        grouped.setdefault(stored.cluster_key, []).append((order, stored))
    clusters = []
    for key, entries in grouped.items():
        ranked = [_member(stored, order) for order, stored in entries]
        members = sorted(
            (s for _, s in entries), key=lambda s: (not s.canonical, -s.similarity, s.article.input_id)
        )
        clusters.append(Cluster(key=key, members=tuple(members), why=explain_canonical(ranked, rule)))
    clusters.sort(key=lambda c: (-len(c.members), c.members[0].article.input_id))
    return clusters
