"""The jobs the commands run: ingest, emit, clean, report clusters.

Each job takes its inputs, an open store and resolved settings, and returns
values; printing and exit codes are the command line's business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from feeds.atom import FeedInfo, write_atom
from feeds.read import read_entries
from feeds.redis_memory import RedisMemory
from feeds.sniff import Format
from feeds.sources import expand_inputs, read_document
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
    "emit_feed",
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
        return RedisMemory(settings.index, settings.fingerprint_params)
    raise SettingsError(f"index {settings.index!r}: give a redis://host:port/db URL, or nothing")


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

    An input whose reading fails part-way is rolled back whole and rejected.
    """
    cleaner = Cleaner.default()
    ingester = Ingester(store, settings, now, open_memory(settings))
    names = expand_inputs(list(inputs))
    read = new = updated = unchanged = duplicates = 0
    rejected: list[Rejected] = []
    skipped: list[Rejected] = []
    for name in names:
        document = read_document(name, settings.max_input_bytes)
        tally = _Tally()
        if document.problem is not None:
            rejected.append(Rejected(name, document.problem.problem))
        else:
            try:
                articles = _articles(
                    document.data or b"", name, cleaner, format_in, tally, learned=ingester.learned_lines
                )
                result = ingester.ingest(articles)
            except InputError as error:
                rejected.append(Rejected(name, error.problem))
            else:
                new += result.new
                updated += result.updated
                unchanged += result.unchanged
                duplicates += result.duplicates
                whole, entries = tally.split()
                rejected.extend(whole)
                skipped.extend(entries)
        read += tally.read
        if on_document is not None:
            on_document(name)
    return IngestSummary(
        documents=len(names),
        read=read,
        new=new,
        updated=updated,
        unchanged=unchanged,
        duplicates=duplicates,
        rejected=tuple(rejected),
        skipped=tuple(skipped),
        stored=store.article_count(),
    )


def emit_feed(store: Store, settings: Settings, out: BinaryIO, collapse: bool = False) -> None:
    """Write the Atom document for everything the store holds."""
    info = FeedInfo(id=settings.feed_id, title=settings.feed_title, generator_version=__version__)
    write_atom(out, store, info, collapse=collapse)


def clean_inputs(
    inputs: Sequence[str], settings: Settings, format_in: Format | None = None
) -> tuple[list[Article], list[Rejected]]:
    """Clean inputs without storing anything."""
    cleaner = Cleaner.default()
    articles: list[Article] = []
    rejected: list[Rejected] = []
    for name in expand_inputs(list(inputs)):
        document = read_document(name, settings.max_input_bytes)
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
