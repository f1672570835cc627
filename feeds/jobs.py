"""The jobs the commands run: ingest, emit, clean. The top layer of ``feeds``.

Each job takes its inputs, an open store and resolved settings, and returns
values; printing and exit codes are the command line's business. Reading is
``feeds.readers``', fetching ``feeds.intake``', writing ``feeds.publish``';
the stages between are ``normalizer.pipeline``'s.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Future
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import islice
from typing import BinaryIO

from feeds.intake.fetched import FetchPolicy, Validators, is_url
from feeds.intake.opml import opml_feeds
from feeds.intake.polling import after_failure, after_fetch, fetch_address, not_due
from feeds.intake.sources import Document, Inputs, Loader, expand_inputs, own_files
from feeds.publish.atom import EXT_NS, FeedPart, Tally, feed_info, write_atom
from feeds.readers import read_entries
from feeds.readers.sniff import Format, sniff
from feeds.workers import MAX_POOLED_BYTES, PreparedInput, PreparePool
from normalizer.clean import Cleaner
from normalizer.errors import InputError, InterruptedRunError, SettingsError, StoreError
from normalizer.model import Article, LeftOut, PassedOver, RawEntry, Rejected, Skipped
from normalizer.pipeline import Counts, Pipeline, clean_entries
from normalizer.settings import Settings, parse_since
from normalizer.store import Store
from normalizer.store.protocol import FeedState
from normalizer.values import in_shard, parse_shard

__all__ = [
    "IngestSummary",
    "clean_inputs",
    "emit_changes",
    "emit_feed",
    "feed_is_current",
    "ingest_inputs",
    "remember_feed",
]


@dataclass(frozen=True)
class IngestSummary:
    """What an ingest did, for the one-screen summary."""

    documents: int
    counts: Counts
    rejected: tuple[Rejected, ...]
    skipped: tuple[Skipped, ...]
    stored: int
    not_modified: int = 0
    passed_over: tuple[PassedOver, ...] = ()
    # Feeds passed over because the server asked to wait, or said they are gone.
    not_due: int = 0


@dataclass
class _Progress:
    """What an ingest has done so far."""

    documents: int = 0
    counts: Counts = field(default_factory=Counts)
    not_modified: int = 0
    not_due: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    passed_over: list[PassedOver] = field(default_factory=list)

    def left_out(self, problems: Sequence[LeftOut]) -> None:
        """File whole inputs under rejected, single entries under skipped."""
        for problem in problems:
            if isinstance(problem, Skipped):
                self.skipped.append(problem)
            else:
                self.rejected.append(problem)


def _fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy(
        user_agent=settings.user_agent_header,
        timeout=settings.fetch_timeout,
        max_bytes=settings.max_input_bytes,
        allow_private_networks=settings.allow_private_networks,
        allowed_addresses=settings.allowed_addresses,
    )


def _validators(store: Store, name: str) -> Validators | None:
    stored = store.fetch_validators(name) if is_url(name) else None
    return Validators(*stored) if stored else None


# Feeds all the OPML lists of one run may add, together.
MAX_LISTED_FEEDS = 10_000


def _is_listing(data: bytes, format_in: Format | None) -> bool:
    """Whether a document is read as an OPML list (forced, or sniffed so)."""
    return format_in == "opml" or (format_in is None and sniff(data) == "opml")


def _listed_feeds(
    document: Document, format_in: Format | None, progress: _Progress, operators: frozenset[str]
) -> list[str] | None:
    """The feeds an OPML document lists (``None`` if it is not one); a bad list is rejected.

    Only a list the operator gave (an INPUT) adds feeds: a fetched feed that answers
    with OPML would otherwise subscribe the run to whatever its server likes.
    """
    data = document.data or b""
    if not _is_listing(data, format_in):
        return None
    if document.name not in operators:
        progress.rejected.append(
            Rejected(document.name, "an OPML list where a feed was listed: lists are not followed from lists")
        )
        return []
    try:
        feeds, others = opml_feeds(data, document.name)
    except InputError as error:
        progress.rejected.append(Rejected(document.name, error.problem))
        return []
    progress.skipped.extend(Skipped(document.name, "not a web address: not fetched", o) for o in others)
    return feeds


class _Share:
    """The URLs this worker of a fleet polls (``--shard I/N``); the others are passed
    over, on the record. Files and folders are everyone's: only URLs are shared out."""

    def __init__(self, shard: str, progress: _Progress) -> None:
        self._shard = parse_shard(shard) if shard else None
        self._reason = f"another worker's share (--shard {shard})"
        self._progress = progress

    def mine(self, names: Iterable[str]) -> list[str]:
        kept = []
        for name in names:
            if self._shard is None or not is_url(name) or in_shard(name, self._shard):
                kept.append(name)
            else:
                self._progress.passed_over.append(PassedOver(name, self._reason))
        return kept


def ingest_inputs(
    inputs: Sequence[str] | Inputs,
    store: Store,
    settings: Settings,
    now: datetime,
    *,
    format_in: Format | None = None,
    on_progress: Callable[[str, str], None] | None = None,
    output: str | None = None,
) -> IngestSummary:
    """Read, clean, fingerprint, link and store every input (one transaction each).

    An input whose reading fails part-way is rolled back whole and rejected. A
    URL is fetched conditionally; its validators are stored only once its
    document is, so a failed run never turns the next fetch into a 304 that
    hides what it failed to store. An OPML list adds the feeds it lists. The
    next URLs are fetched ahead, a few at once; documents are still stored in
    input order, so the store does not depend on which server answered first.

    A folder walk passes over the run's own store and ``output``; an Atom feed
    this newsnorm wrote (its own feed id) is passed over wherever it is given.

    ``on_progress(phase, name)`` hears of each step: ``("fetch", url)`` or
    ``("read", path)`` as a document is loaded, ``("store", name)`` as it is
    stored, ``("entry", name)`` for each of its entries, ``("done", name)``.

    Raises:
        InterruptedRunError: Ctrl-C: what was stored so far is in it (the input being
            stored then is rolled back whole).
    """
    tell = on_progress or _silent
    pipeline = Pipeline(store, settings, now)
    workers = settings.workers or _cores()
    # Worker processes read the store through a connection of their own: a store in
    # memory has none to give.
    pool = _pool(workers, settings, now) if workers > 1 and store.name != ":memory:" else None
    try:
        return _ingest_with(
            inputs,
            store,
            settings,
            now,
            pipeline=pipeline,
            pool=pool,
            format_in=format_in,
            tell=tell,
            output=output,
        )
    finally:
        if pool is not None:
            pool.close()


def _pool(workers: int, settings: Settings, now: datetime) -> PreparePool | None:
    """The run's worker processes; ``None`` where the platform gives none (no
    semaphores, say): the storing process then does all the work."""
    try:
        return PreparePool(workers, settings, now)
    except (OSError, ImportError, ValueError) as error:
        log.warning("no worker processes (%s): inputs are read by the storing process", error)
        return None


def _cores() -> int:
    """The cores this process may run on (its affinity: ``taskset -c 0`` gives one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _ingest_with(
    inputs: Sequence[str] | Inputs,
    store: Store,
    settings: Settings,
    now: datetime,
    *,
    pipeline: Pipeline,
    pool: PreparePool | None,
    format_in: Format | None,
    tell: Callable[[str, str], None],
    output: str | None,
) -> IngestSummary:
    found = inputs if isinstance(inputs, Inputs) else expand_inputs(inputs, own_files(store.name, output))
    progress = _Progress(rejected=list(found.unreadable), passed_over=list(found.passed_over))
    share = _Share(settings.shard, progress)
    operators = frozenset(found.names)
    run = _IngestRun(pipeline, store, settings, now, format_in, progress, share, tell, operators, pool)
    run.queue.extend(run.due(share.mine(found.names)))
    run.seen.update(found.names)
    try:
        with Loader(
            settings.max_input_bytes,
            _fetch_policy(settings),
            partial(_validators, store),
            settings.fetch_workers,
        ) as loader:
            run.drain(loader)
    except KeyboardInterrupt:
        raise InterruptedRunError(run.summary()) from None
    return run.summary()


def _silent(phase: str, name: str) -> None:
    del phase, name


@dataclass
class _IngestRun:
    """One ingest's state: what is left to load, what was seen, what became of it."""

    pipeline: Pipeline
    store: Store
    settings: Settings
    now: datetime
    format_in: Format | None
    progress: _Progress
    share: _Share
    tell: Callable[[str, str], None]
    operators: frozenset[str]
    pool: PreparePool | None = None
    # Bytes of input stored without the pool: a run hands inputs to its pool only past
    # POOL_AFTER_BYTES (starting the processes costs more than a small run takes).
    stored_here: int = 0
    queue: deque[str] = field(default_factory=deque)
    seen: set[str] = field(default_factory=set)
    # The feeds being polled, by the address fetched: the feed's own URL and state.
    polled: dict[str, tuple[str, FeedState | None]] = field(default_factory=dict)

    def due(self, names: Iterable[str]) -> list[str]:
        """What to load of ``names``: files, and the feeds due now, each at the address
        it lives at (after permanent moves); the rest are passed over and counted."""
        kept = []
        for name in names:
            if not is_url(name):
                kept.append(name)
                continue
            state = self.store.feed_state(name)
            reason = not_due(state, self.now, self.settings.force)
            if reason is not None:
                self.progress.not_due += 1
                self.progress.passed_over.append(PassedOver(name, reason))
                continue
            address = fetch_address(name, state, self.store.feed_state)
            self.polled[address] = (name, state)
            kept.append(address)
        return kept

    def _note_poll(self, document: Document, failure: InputError | None) -> None:
        """Remember how polling a feed went (nothing for a file)."""
        polled = self.polled.pop(document.name, None)
        if polled is None:
            return
        name, state = polled
        if failure is None and document.fetched is not None:
            self.store.save_feed_state(after_fetch(name, state, document.fetched, self.now))
        elif failure is not None:
            self.store.save_feed_state(after_failure(name, state, failure, self.now))

    def summary(self) -> IngestSummary:
        progress = self.progress
        return IngestSummary(
            documents=progress.documents,
            counts=progress.counts,
            rejected=tuple(progress.rejected),
            skipped=tuple(progress.skipped),
            stored=self.store.article_count(),
            not_modified=progress.not_modified,
            passed_over=tuple(progress.passed_over),
            not_due=progress.not_due,
        )

    def drain(self, loader: Loader) -> None:
        """Load and store every queued input, in order (the next URLs fetched ahead;
        with a pool, the next inputs read, cleaned and fingerprinted ahead)."""
        progress = self.progress
        ahead: deque[tuple[str, Document, _Handed | None]] = deque()
        window = 1 + (self.pool.workers if self.pool is not None else 0)
        while self.queue or ahead:
            while self.queue and len(ahead) < window:
                name = self.queue.popleft()
                progress.documents += 1
                loader.ahead(islice(self.queue, loader.workers))
                self.tell("fetch" if is_url(name) else "read", name)
                document = loader.load(name)
                ahead.append((name, document, self._hand_over(document)))
            name, document, handed = ahead.popleft()
            failure: InputError | None = document.problem
            if document.problem is not None:
                progress.rejected.append(Rejected(name, document.problem.problem))
            elif document.fetched is not None and document.fetched.not_modified:
                progress.not_modified += 1
            elif (listed := _listed_feeds(document, self.format_in, progress, self.operators)) is not None:
                self._subscribe(document.name, listed)
            elif _is_own_feed(document.data or b"", self.settings.feed_id):
                progress.passed_over.append(PassedOver(name, _OWN_FEED))
            else:
                self.tell("store", name)
                rejected = _ingest_document(
                    document, self.pipeline, self.format_in, progress, self.tell, handed=handed
                )
                if rejected is None:
                    _remember_fetch(self.store, document, self.now)
                else:
                    failure = InputError(name, rejected.reason)
                if handed is None:
                    self.stored_here += len(document.data or b"")
            if handed is not None:
                handed.future.cancel()  # a list or the run's own feed: what it was read as is not wanted
            self._note_poll(document, failure)
            self.tell("done", name)

    def _hand_over(self, document: Document) -> _Handed | None:
        """Give an input to the pool to prepare, if there is one and it is a feed or
        article to store (a list, a 304, a failed fetch, the run's own feed are not)."""
        data = document.data
        if (
            self.pool is None
            or self.stored_here < POOL_AFTER_BYTES
            or document.problem is not None
            or (document.fetched is not None and document.fetched.not_modified)
            or not data
            or len(data) > MAX_POOLED_BYTES
            or _is_listing(data, self.format_in)
            or _is_own_feed(data, self.settings.feed_id)
        ):
            return None
        # The moment it is prepared at: nothing stored after now was there to see.
        prepared_at = self.pipeline.committed
        future = self.pool.submit(data, document.name, self.format_in, document.charset)
        return _Handed(future, prepared_at) if future is not None else None

    def _subscribe(self, listing: str, listed: list[str]) -> None:
        """Queue the feeds an operator's list names, up to the run's cap."""
        new = [feed for feed in dict.fromkeys(listed) if feed not in self.seen]
        room = max(0, MAX_LISTED_FEEDS - (len(self.seen) - len(self.operators)))
        self.progress.skipped.extend(
            Skipped(listing, f"more than {MAX_LISTED_FEEDS:,} listed feeds in one run", f) for f in new[room:]
        )
        self.queue.extend(self.due(self.share.mine(new[:room])))
        self.seen.update(new[:room])


log = logging.getLogger("newsnorm.jobs")

# A run stores this much itself before it hands inputs to its worker processes.
POOL_AFTER_BYTES = 1024 * 1024

_OWN_FEED = (
    "an Atom feed this newsnorm wrote (its id is --feed-id's): its entries are the store's, not a new source"
)
_FEED_ID = re.compile(rb"<id>\s*([^<\s]+)\s*</id>")


def _is_own_feed(data: bytes, feed_id: str) -> bool:
    """Whether a document is an Atom feed written by newsnorm under this feed id."""
    head = data[:8192]
    if EXT_NS.encode() not in head or b"<feed" not in head:
        return False
    found = _FEED_ID.search(head)
    return found is not None and found.group(1).decode("utf-8", "replace") == feed_id


def _ingest_document(
    document: Document,
    pipeline: Pipeline,
    format_in: Format | None,
    progress: _Progress,
    tell: Callable[[str, str], None] = _silent,
    *,
    handed: _Handed | None = None,
) -> Rejected | None:
    """Store one document's articles, all or nothing; ``None`` once stored, else why
    it was rejected (also noted in ``progress``). ``handed``: the document as a worker
    prepared it (what it raised is raised here, as if read here)."""
    read = _Counter(lambda: tell("entry", document.name))
    started = time.perf_counter()
    data = document.data or b""
    try:
        prepared = _prepared_by_worker(handed.future) if handed is not None else None
        if handed is not None and prepared is not None:
            read.took(prepared.read)
            result = pipeline.store_prepared(prepared.items, handed.prepared_at)
        else:
            entries = read_entries(data, document.name, format_in, document.charset)
            result = pipeline.ingest(read.count(entries))
    except InputError as error:
        log.info("%s: rejected: %s", document.name, error.problem)
        rejected = Rejected(document.name, error.problem)
        progress.rejected.append(rejected)
        return rejected
    except (StoreError, SettingsError):
        raise  # the run's problem, not this input's
    except Exception as error:
        # Its transaction was rolled back; the run goes on with the next input.
        # The traceback, for a bug report, at -vv only: the summary names the input anyway.
        log.debug("%s: could not be read", document.name, exc_info=True)
        rejected = Rejected(document.name, f"could not be read: {type(error).__name__}: {error}")
        progress.rejected.append(rejected)
        return rejected
    finally:
        progress.counts += Counts(read=read.entries)
    progress.counts += result.counts
    progress.left_out(result.left_out)
    if log.isEnabledFor(logging.INFO):
        counts = result.counts
        log.info(
            "%s: %s, %d bytes, %d entries: %d new (%d duplicates), %d updated, %d unchanged, %d left out, "
            "%.3f s",
            document.name, format_in or sniff(data), len(data), read.entries, counts.new, counts.duplicates,
            counts.updated, counts.unchanged, len(result.left_out), time.perf_counter() - started,
        )  # fmt: skip
    if read.entries == 0:
        progress.passed_over.append(PassedOver(document.name, "a feed with no entries"))
    return None


@dataclass(frozen=True)
class _Handed:
    """An input handed to the pool: what it will give, and the pipeline's moment then."""

    future: Future[PreparedInput]
    prepared_at: int


def _prepared_by_worker(handed: Future[PreparedInput]) -> PreparedInput | None:
    """What a worker made of an input; ``None`` if the pool broke (a worker was
    killed), and it is to be read here. What the reading raised is raised."""
    try:
        return handed.result()
    except BrokenExecutor:
        log.warning("a worker process stopped: inputs are read by the storing process")
        return None


@dataclass
class _Counter:
    """Counts a reader's entries as they are taken (a failed input's too)."""

    on_entry: Callable[[], None] | None = None
    entries: int = 0

    def count(self, entries: Iterable[RawEntry | LeftOut]) -> Iterator[RawEntry | LeftOut]:
        for entry in entries:
            self.took(1)
            yield entry

    def took(self, number: int) -> None:
        """Count ``number`` entries taken (a worker's reader took them all at once)."""
        for _ in range(number):
            self.entries += 1
            if self.on_entry is not None:
                self.on_entry()


def _remember_fetch(store: Store, document: Document, now: datetime) -> None:
    fetched = document.fetched
    if fetched is not None and (fetched.validators.etag or fetched.validators.last_modified):
        validators = fetched.validators
        # A feed moved for good is asked for at its new address next time.
        address = fetched.moved_to or fetched.url
        store.save_fetch(address, validators.etag, validators.last_modified, now.isoformat())


def emit_feed(
    store: Store,
    settings: Settings,
    out: BinaryIO,
    collapse: bool = False,
    *,
    now: datetime,
    tally: Tally | None = None,
) -> None:
    """Write the Atom document of the store's newest entries (``settings.limit`` and
    ``settings.since``); ``tally`` counts the entries written and notes any that could
    not be (the rest are written)."""
    part = FeedPart(limit=settings.limit, since=parse_since(settings.since, now) if settings.since else None)
    write_atom(out, store, feed_info(settings), collapse=collapse, part=part, tally=tally)


def _written_name(settings: Settings, output: str, collapse: bool) -> str:
    """The cursor a whole feed written to ``output`` is remembered under: its path and
    everything else its bytes depend on (feed id and title, collapse, canonical rule,
    limit and since: a feed cut otherwise is another feed)."""
    facts = json.dumps(
        [settings.feed_id, settings.feed_title, collapse, settings.canonical_rule.as_json(), settings.limit,
         settings.since]
    )  # fmt: skip
    digest = hashlib.sha256(facts.encode()).hexdigest()[:12]
    return f"written:{os.path.realpath(output)}:{digest}"


def feed_is_current(store: Store, settings: Settings, output: str, collapse: bool = False) -> bool:
    """Whether ``output`` holds the feed the store would write now: it exists, and it was
    written by this store after its last change, with the same settings."""
    if not os.path.isfile(output) or settings.since:
        # A feed cut by age ("7d") moves with the clock: it is written every time.
        return False
    last = store.last_change()
    return store.emit_cursor(_written_name(settings, output, collapse)) == (last.seq if last else 0) > 0


def remember_feed(store: Store, settings: Settings, output: str, collapse: bool = False) -> None:
    """Note that ``output`` now holds the store's feed as of its last change (a store
    that is read-only here notes nothing: the feed is written again next time)."""
    last = store.last_change()
    if last is not None and not store.read_only:
        store.save_emit_cursor(_written_name(settings, output, collapse), last.seq)


def emit_changes(
    store: Store,
    settings: Settings,
    out: BinaryIO,
    output_name: str,
    collapse: bool = False,
    *,
    tally: Tally | None = None,
) -> int:
    """Write the entries that changed since the last such emit to ``output_name``.

    Returns the change-log position to save as that output's cursor once the
    document is safely written (a failed write leaves the cursor, and the next
    run emits the same changes again).
    """
    last = store.last_change()
    upto = last.seq if last else 0
    after = min(store.emit_cursor(output_name), upto)
    part = FeedPart(changes=(after, upto))
    write_atom(out, store, feed_info(settings), collapse=collapse, part=part, tally=tally)
    return upto


def clean_inputs(
    inputs: Sequence[str], settings: Settings, format_in: Format | None = None
) -> tuple[list[Article], list[LeftOut | PassedOver]]:
    """Clean inputs (files, standard input or URLs) without storing anything; the
    articles, and what was left out or passed over, with reasons."""
    cleaner = Cleaner.default()
    articles: list[Article] = []
    rejected: list[LeftOut | PassedOver] = []
    found = expand_inputs(inputs)
    rejected.extend(found.unreadable)
    with Loader(settings.max_input_bytes, _fetch_policy(settings), workers=1) as loader:
        for name in found.names:
            document = loader.load(name)
            if document.problem is not None:
                rejected.append(Rejected(name, document.problem.problem))
                continue
            read = _Counter()
            try:
                entries = read.count(read_entries(document.data or b"", name, format_in, document.charset))
                for cleaned in clean_entries(entries, cleaner):
                    if isinstance(cleaned, Article):
                        articles.append(cleaned)
                    else:
                        rejected.append(cleaned)
            except InputError as error:
                rejected.append(Rejected(name, error.problem))
                continue
            if read.entries == 0:
                rejected.append(PassedOver(name, "a feed with no entries"))
    return articles, rejected
