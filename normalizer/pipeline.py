"""The order of the stages, and nothing else: one input's entries into the store.

An input is read, cleaned and fingerprinted first, outside any write transaction
(so that no cleaning, however slow a page or a rule, holds the store's write lock);
what that gave waits in a spool (in memory, in a temporary file past :data:`SPOOL_BYTES`). Then,
inside the input's one transaction (or, on a store many workers write at once, the
entry's own), each entry is stored, checked again against what was true when it was
cleaned:

1. **seen?** an entry stored before exactly as it is now (the same digest of what
   its reader gave, under the same cleaning) is unchanged, and goes no further;
2. **clean**: the lines its source is known to repeat, then :class:`Cleaner`
   (repair, paragraphs, chrome, headline, byline, dateline) - done before the
   transaction, and done again only if its source taught a line since (a story
   stored after it was prepared) that it holds, or it was not cleaned then (it
   looked unchanged and no longer does);
3. **fingerprint**: canonical text -> digest, shingle set, MinHash signatures, band keys;
4. **version**: the same article already stored? the same text changes nothing,
   another text is a new version of it (it keeps its cluster);
5. **match**: the duplicate index proposes candidates, :func:`decide` verifies them,
   and the index remembers which cluster the new text joins;
6. **store** the article in its cluster, and log the change;
7. **recluster**: a cluster that gained or changed a member gets its canonical
   member, superseded versions and similarities again (:mod:`normalizer.clusters`);
8. **learn**: a new story's short lines count towards its source's chrome.

Whatever goes wrong with one entry is a value (:class:`Skipped`); anything an
input's reading raises rolls the whole input back.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from normalizer.clean import Body, Cleaner
from normalizer.clusters import changed_members, join_cluster, resettle_cluster, settle_cluster
from normalizer.dedup import Match, Thresholds, candidate_for, decide
from normalizer.errors import InputError
from normalizer.fingerprint import Sketcher, band_keys
from normalizer.identity import article_key, raw_digest
from normalizer.learned import chrome_keys, chrome_lines, chrome_source
from normalizer.model import Article, Decision, Fingerprint, LeftOut, RawEntry, Rejected, Skipped
from normalizer.settings import Settings
from normalizer.store.protocol import Store, StoredVersion
from normalizer.store.rows import utc_text

__all__ = ["Counts", "InputResult", "Pipeline", "clean_entries", "clean_one"]

log = logging.getLogger("newsnorm.pipeline")


@dataclass(frozen=True)
class Counts:
    """What storing some inputs did: entries read, and what became of them.

    ``read`` counts every entry a reader gave, stored or not (the pipeline counts
    what it stores; whoever reads counts what was read, rolled-back inputs included).
    """

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            *(a + b for a, b in zip(dataclasses.astuple(self), dataclasses.astuple(other), strict=True))
        )


@dataclass(frozen=True)
class InputResult:
    """What storing one input did: its counts, and what its reader or the cleaner left
    out, with reasons (entries skipped; a whole one-article input rejected)."""

    counts: Counts
    left_out: tuple[LeftOut, ...] = ()


def clean_entries(
    entries: Iterable[RawEntry | LeftOut],
    cleaner: Cleaner,
    learned: Store | None = None,
    learn_after: int = 0,
) -> Iterator[Article | LeftOut]:
    """Stage 1 over a reader's entries: each clean article, or why an entry was left out.

    With ``learned`` (a store) and ``learn_after`` > 0, the lines an entry's source
    has repeated in that many stories are stripped as its chrome.
    """
    for raw in entries:
        yield raw if isinstance(raw, Rejected | Skipped) else clean_one(raw, cleaner, learned, learn_after)


def clean_one(
    raw: RawEntry, cleaner: Cleaner, learned: Store | None = None, learn_after: int = 0
) -> Article | LeftOut:
    """Stage 1 for one entry (see :func:`clean_entries`); a feed entry the cleaner
    cannot read is skipped, any other input's problem raises."""
    return _cleaned(raw, cleaner, _learned_lines(raw, learned, learn_after))


def _learned_lines(raw: RawEntry, learned: Store | None, learn_after: int) -> frozenset[bytes]:
    if learned is None or learn_after <= 0:
        return frozenset()
    return learned.learned_lines(chrome_source(raw.link, raw.origin.name), learn_after)


def _cleaned(
    raw: RawEntry, cleaner: Cleaner, lines: frozenset[bytes], body: Body | None = None
) -> Article | LeftOut:
    try:
        return cleaner.finish(raw, body or cleaner.body(raw), lines)
    except InputError as error:
        if raw.origin.kind != "feed":
            raise
        return Skipped(raw.origin.name, error.problem, raw.input_id)


# About how much text a spool keeps in memory before the rest goes to a temporary file:
# a small feed pays no pickling, and a large one stays as small in memory as when
# each entry was cleaned inside the transaction (tests/test_hostile.py holds that).
SPOOL_BYTES = 256 * 1024


@dataclass(frozen=True)
class _Prepared:
    """An entry as it was read, cleaned and fingerprinted before its input's
    transaction, with what that cleaning assumed (the learned lines it stripped)."""

    entry: RawEntry
    digest: str
    lines: frozenset[bytes]
    # None: it looked unchanged (stored as it is), and was not cleaned.
    body: Body | None
    article: Article | LeftOut | None
    fingerprint: Fingerprint | None


class _Spool:
    """Prepared entries in order: in memory, and in a temporary file past
    :data:`SPOOL_BYTES` of text, so a feed of a million entries does not live in
    memory twice; given back in order once all are in."""

    def __init__(self) -> None:
        self._kept: list[object] = []
        self._size = 0
        self._file: IO[bytes] | None = None
        self._spilled = 0

    def append(self, item: _Prepared | LeftOut) -> None:
        if self._file is None:
            self._kept.append(item)
            # About what it holds: the entry's text, and the article's made from it.
            self._size += 2 * len(item.entry.content) + 1024 if isinstance(item, _Prepared) else 1024
            if self._size > SPOOL_BYTES:
                self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed on the spool's exit
            return
        pickle.dump(item, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._spilled += 1

    def __iter__(self) -> Iterator[object]:
        yield from self._kept
        if self._file is not None:
            self._file.seek(0)
            for _ in range(self._spilled):
                yield pickle.load(self._file)

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()


class Pipeline:
    """Stores inputs, one transaction each, through the stages in order.

    Args:
        store: the open store.
        settings: thresholds, fingerprint parameters, learning and the canonical rule.
        now: the time to record as "first seen" (passed in, so runs can be reproduced).
        cleaner: the cleaner (default: the shipped rules).
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        now: datetime,
        cleaner: Cleaner | None = None,
    ) -> None:
        self.store = store
        self.index = store.index
        self.cleaner = cleaner or Cleaner.default()
        self.sketcher = Sketcher(settings.fingerprint_params)
        self.thresholds = Thresholds(
            jaccard=settings.jaccard_threshold,
            containment=settings.containment_threshold,
            min_containment_words=settings.min_containment_words,
        )
        self.rule = settings.canonical_rule
        self.learn_after = settings.learn_chrome_stories
        # When each source last taught a line (a count of teachings), and the count when
        # the last input was committed: an entry prepared then, here or in another
        # process that reads the store, saw every line taught before it and none after.
        self._taught_at: dict[str, int] = {}
        self._teachings = 0
        self._committed = 0
        # The learned lines of each source, as they stood when this input was read
        # (nothing is taught before its transaction).
        self._lines: dict[str, frozenset[bytes]] = {}
        self.now = now
        self._at = utc_text(now) or ""

    def ingest(self, entries: Iterable[RawEntry | LeftOut]) -> InputResult:
        """Store the entries of one input, all or nothing.

        ``entries`` may be a generator that reads as it goes: anything it raises
        rolls the whole input back.
        """
        # Read, cleaned and fingerprinted whole before the transaction: an input its
        # reader fails on is rejected before any of it is stored, and the write lock
        # is held only while storing.
        with _Spool() as spool:
            prepared_at = self.prepare(entries, spool)
            return self.store_prepared(spool, prepared_at)

    def prepare(self, entries: Iterable[RawEntry | LeftOut], into: _Spool | list[object]) -> int:
        """Stages 1 to 3 for an input's entries, in order, into ``into``; the moment
        they were prepared at, for :meth:`store_prepared` (the store is only read).

        Another process may prepare an input with a pipeline of its own over the same
        store (a worker, ``feeds/workers.py``): it is stored as if prepared here, at the
        moment this pipeline's :attr:`committed` said when the input was handed over.
        """
        self._lines.clear()
        prepared_at = self._committed
        for entry in entries:
            into.append(self._prepare(entry))
        return prepared_at

    @property
    def committed(self) -> int:
        """The moment the last input was committed at (see :meth:`prepare`)."""
        return self._committed

    def store_prepared(self, items: Iterable[object], prepared_at: int) -> InputResult:
        """Stages 4 to 8 for an input's prepared entries: one transaction."""
        counts = Counts()
        left_out: list[LeftOut] = []
        with self.store.storing():
            for item in items:
                if not isinstance(item, _Prepared):
                    left_out.append(item)  # type: ignore[arg-type]
                    continue
                outcome = self.store.entry(functools.partial(self._entry, item, prepared_at))
                if isinstance(outcome, Counts):
                    counts += outcome
                else:
                    left_out.append(outcome)
        self._committed = self._teachings
        self.store.settle()
        return InputResult(counts, tuple(left_out))

    def _prepare(self, entry: RawEntry | LeftOut) -> _Prepared | LeftOut:
        """Stages 1 to 3 for one entry, before the transaction (the store only read)."""
        if isinstance(entry, Rejected | Skipped):
            return entry
        digest = raw_digest(entry, self.cleaner.version)
        stored = self.store.version_of(article_key(entry))
        if stored is not None and stored.raw_digest == digest:
            return _Prepared(entry, digest, frozenset(), None, None, None)
        lines = self._learned(entry)
        try:
            body: Body | None = self.cleaner.body(entry)
        except InputError:
            body = None  # the cleaning's problem, met again (and reported) when stored
        article = _cleaned(entry, self.cleaner, lines, body)
        fingerprint = (
            self.sketcher.fingerprint(article.paragraphs, article.title)
            if isinstance(article, Article)
            else None
        )
        return _Prepared(entry, digest, lines, body, article, fingerprint)

    def _learned(self, entry: RawEntry) -> frozenset[bytes]:
        """The learned lines of an entry's source, looked up once per source per input."""
        if self.learn_after <= 0:
            return frozenset()
        source = chrome_source(entry.link, entry.origin.name)
        if source not in self._lines:
            self._lines[source] = self.store.learned_lines(source, self.learn_after)
        return self._lines[source]

    def _entry(self, prepared: _Prepared, prepared_at: int) -> Counts | LeftOut:
        """One entry through the stages: what it did to the counts, or why it was left out."""
        entry, digest = prepared.entry, prepared.digest
        stored = self.store.version_of(article_key(entry))
        if stored is not None and stored.raw_digest == digest:
            # Seen before exactly as it is: unchanged, whatever was learned since.
            return Counts(unchanged=1)
        article, fingerprint = prepared.article, prepared.fingerprint
        lines = prepared.lines
        if (
            article is None
            or self._taught_at.get(chrome_source(entry.link, entry.origin.name), -1) > prepared_at
        ):
            # Its source taught a line since it was prepared: its lines are read again.
            lines = _learned_lines(entry, self.store, self.learn_after)
        if article is None or (lines != prepared.lines and _touched(prepared.body, lines ^ prepared.lines)):
            # Not cleaned before, or cleaned with lines that are no longer the source's
            # and that it holds: the body made before stands, the rest is done again.
            before = article
            article = _cleaned(entry, self.cleaner, lines, prepared.body)
            same_text = (
                isinstance(before, Article)
                and isinstance(article, Article)
                and (before.paragraphs, before.title) == (article.paragraphs, article.title)
            )
            fingerprint = fingerprint if same_text else None
        if isinstance(article, Article):
            return self._store_one(article, digest, stored, fingerprint)
        return article

    def _store_one(
        self,
        article: Article,
        digest: str,
        stored: StoredVersion | None,
        fingerprint: Fingerprint | None = None,
    ) -> Counts:
        article = self._no_later_than_now(article)
        if fingerprint is None:
            fingerprint = self.sketcher.fingerprint(article.paragraphs, article.title)
        keys = band_keys(fingerprint, self.sketcher.params)
        if stored is not None:
            return self._new_version(article, fingerprint, keys, stored, digest)
        new = candidate_for(article, fingerprint, utc_text(article.published))
        if not keys:
            # Nothing to look up by: a headline-only article whose headline is too
            # short to mean a story founds its own (the same link or guid is the same
            # article all the same).
            match = Match(Decision(linked_to=None, rule="founder"), article.key)
        else:
            match = self.index.match(
                new, fingerprint, keys, lambda found: decide(new, found, self.thresholds)
            )
        decision = match.decision
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s: %s", article.key,
                f"joins {match.cluster} ({decision.rule}, linked to {decision.linked_to}"
                + (f", Jaccard {decision.similarity.jaccard:.2f})" if decision.similarity else ")")
                if decision.linked_to else "a new story",
            )  # fmt: skip
            if article.removed:
                log.debug("%s: removed %s", article.key, ", ".join(sorted({r.rule for r in article.removed})))
        article_id = self.store.add(
            article, fingerprint, keys, decision, self.now, cluster=match.cluster, raw_digest=digest
        )
        self.store.log_changes([article_id], self._at, "new")
        if match.merged:
            # Its members' change is logged by the recluster below, with the rest.
            self.store.merge_clusters(match.cluster, match.merged)
        if decision.linked_to is not None:
            self._recluster(match.cluster, article_id, merged=bool(match.merged), joined=True)
            return Counts(new=1, duplicates=1)
        if self.learn_after > 0:
            # Only a new story teaches: copies of one story would make its own
            # lines look like the source's chrome.
            source = chrome_source(article.url, article.origin.name)
            self.store.count_source_lines(source, chrome_lines(article.paragraphs))
            self._teachings += 1
            self._taught_at[source] = self._teachings
        return Counts(new=1)

    def _new_version(
        self, article: Article, fingerprint: Fingerprint, keys: list[int], stored: StoredVersion, digest: str
    ) -> Counts:
        if stored.digest == fingerprint.digest:
            # Another form of the same text (a new date, tracking in its link...).
            self.store.remember_raw(stored.article_id, digest)
            return Counts(unchanged=1)
        if _older(article.updated, stored.updated):
            # An older version arriving after a newer one.
            return Counts(unchanged=1)
        # A new version: its updated time moves, to its own if that is later than the
        # stored one, else to now (a feed that re-sends an item with new text and no
        # new date still changed it).
        if article.updated is None or (stored.updated is not None and article.updated <= stored.updated):
            article = dataclasses.replace(article, updated=self.now)
        self.store.replace(stored.article_id, article, fingerprint, keys, raw_digest=digest)
        self.store.log_changes([stored.article_id], self._at, "updated")
        self._recluster(stored.cluster, stored.article_id)
        return Counts(updated=1)

    def _no_later_than_now(self, article: Article) -> Article:
        """An article dated after the run (plus a day of clock skew) is dated now: an
        entry dated 9999 would pin the feed's updated time and Last-Modified for good."""
        latest = self.now + _CLOCK_SKEW
        published = (
            article.published if article.published is None or article.published <= latest else self.now
        )
        updated = article.updated if article.updated is None or article.updated <= latest else self.now
        if (published, updated) == (article.published, article.updated):
            return article
        return dataclasses.replace(article, published=published, updated=updated)

    def _recluster(self, cluster: str, changed: int, merged: bool = False, joined: bool = False) -> None:
        """Settle a cluster one of whose members (``changed``) is new or new again.

        Its other members' changes are logged only where their entries show something
        new (canonical or not, similarity, superseded; the canonical entry lists the
        cluster): a copy joining a story of two thousand copies logs two changes, not
        two thousand. After a merge every member is settled and logged again. A new
        member (``joined``) is decided from the canonical member, the story's updates
        and itself alone, unless it changes the versions or the canonical member (see
        :func:`normalizer.clusters.join_cluster`).
        """
        if merged:
            state = settle_cluster(self.store.cluster_texts(cluster), self.rule)
            self.store.write_cluster(cluster, state)
            self.store.log_changes([i for i in state.member_ids if i != changed], self._at, "cluster")
            return
        if joined and (join := self.store.join_standing(cluster, changed)) is not None:
            quick = join_cluster(join, self.rule, self.store.texts_of)
            if quick is not None:
                before, state = quick
                self.store.write_cluster(cluster, state, before)
                self.store.log_changes({state.canonical} - {changed}, self._at, "cluster")
                return
        standing, before = self.store.cluster_standing(cluster)
        state = resettle_cluster(standing, self.rule, before, changed, self.store.texts_of)
        self.store.write_cluster(cluster, state, before)
        self.store.log_changes(changed_members(before, state) - {changed}, self._at, "cluster")


_CLOCK_SKEW = timedelta(days=1)


def _touched(body: Body | None, changed: frozenset[bytes]) -> bool:
    """Whether lines learned (or unlearned) since an entry was cleaned are lines of its
    body that the learned stripping looks at (all but the lead): if none are, cleaning
    it again gives what it gave (:func:`normalizer.learned.strip_learned`)."""
    if body is None:
        return True
    return not changed.isdisjoint(chrome_keys(body.paragraphs[1:]))


def _older(incoming: datetime | None, stored: datetime | None) -> bool:
    """Whether a version dated ``incoming`` is older than the stored one."""
    return incoming is not None and stored is not None and incoming < stored
