"""The order of the stages, and nothing else: one input's entries into the store.

For each entry of an input, inside the input's one transaction (or, on a store many
workers write at once, the entry's own):

1. **seen?** an entry stored before exactly as it is now (the same digest of what
   its reader gave, under the same cleaning) is unchanged, and goes no further;
2. **clean**: the lines its source is known to repeat, then :class:`Cleaner`
   (repair, paragraphs, chrome, headline, byline, dateline);
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from normalizer.clean import Cleaner
from normalizer.clusters import changed_members, join_cluster, resettle_cluster, settle_cluster
from normalizer.dedup import Match, Thresholds, candidate_for, decide
from normalizer.errors import InputError
from normalizer.fingerprint import Sketcher, band_keys
from normalizer.identity import article_key, raw_digest
from normalizer.learned import chrome_lines, chrome_source
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
    lines = frozenset[bytes]()
    if learned is not None and learn_after > 0:
        lines = learned.learned_lines(chrome_source(raw.link, raw.origin.name), learn_after)
    try:
        return cleaner.clean(raw, lines)
    except InputError as error:
        if raw.origin.kind != "feed":
            raise
        return Skipped(raw.origin.name, error.problem, raw.input_id)


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
        self.now = now
        self._at = utc_text(now) or ""

    def ingest(self, entries: Iterable[RawEntry | LeftOut]) -> InputResult:
        """Store the entries of one input, all or nothing.

        ``entries`` may be a generator that reads as it goes: anything it raises
        rolls the whole input back.
        """
        counts = Counts()
        left_out: list[LeftOut] = []
        if self.store.stores_per_entry:
            # Read it all first: an input its reader fails on is rejected before any
            # of it is stored, though each entry is then stored on its own.
            entries = list(entries)
        with self.store.storing():
            for entry in entries:
                if isinstance(entry, Rejected | Skipped):
                    left_out.append(entry)
                    continue
                outcome = self.store.entry(functools.partial(self._entry, entry))
                if isinstance(outcome, Counts):
                    counts += outcome
                else:
                    left_out.append(outcome)
        self.store.settle()
        return InputResult(counts, tuple(left_out))

    def _entry(self, entry: RawEntry) -> Counts | LeftOut:
        """One entry through the stages: what it did to the counts, or why it was left out."""
        digest = raw_digest(entry, self.cleaner.version)
        stored = self.store.version_of(article_key(entry))
        if stored is not None and stored.raw_digest == digest:
            # Seen before exactly as it is: unchanged, whatever was learned since.
            return Counts(unchanged=1)
        article = clean_one(entry, self.cleaner, self.store, self.learn_after)
        if isinstance(article, Article):
            return self._store_one(article, digest, stored)
        return article

    def _store_one(self, article: Article, digest: str, stored: StoredVersion | None) -> Counts:
        article = self._no_later_than_now(article)
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
        member (``joined``) of a story without versions is decided from the canonical
        member and itself alone (see :func:`normalizer.clusters.join_cluster`).
        """
        if merged:
            state = settle_cluster(self.store.cluster_texts(cluster), self.rule)
            self.store.write_cluster(cluster, state)
            self.store.log_changes([i for i in state.member_ids if i != changed], self._at, "cluster")
            return
        if joined and (pair := self.store.join_standing(cluster, changed)) is not None:
            quick = join_cluster(*pair, self.rule, self.store.texts_of)
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


def _older(incoming: datetime | None, stored: datetime | None) -> bool:
    """Whether a version dated ``incoming`` is older than the stored one."""
    return incoming is not None and stored is not None and incoming < stored
