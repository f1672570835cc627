"""The order of the stages, and nothing else.

``clean``: RawEntry -> Article (or Rejected): repair, paragraphs, chrome, byline,
dateline, headline. ``Ingester``: Articles of one input -> fingerprints -> LSH
candidates -> verified decision -> store, in one transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from normalizer.boilerplate import ChromeRule, load_rules, strip_chrome
from normalizer.dateline import (
    DatelineRules,
    find_byline,
    load_dateline_rules,
    read_given_dateline,
    split_dateline,
)
from normalizer.dedup import Candidate, DuplicateMemory, Thresholds, decide
from normalizer.fingerprint import Sketcher, band_keys
from normalizer.html import html_to_paragraphs
from normalizer.identity import identity_url
from normalizer.learned import chrome_keys, chrome_source, strip_learned
from normalizer.model import Article, Dateline, Decision, RawEntry, Rejected, Similarity
from normalizer.settings import Settings
from normalizer.store import Store
from normalizer.text import repair, settle_paragraph, split_paragraphs

__all__ = ["Cleaner", "IngestResult", "Ingester", "article_key", "content_id"]

_HEADLINE_MAX_WORDS = 25
_DERIVED_TITLE_WORDS = 12
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def article_key(raw: RawEntry) -> str:
    """The store's identity for an entry: its guid, else its link, else where it came from.

    Web addresses are compared in one spelling (see :mod:`normalizer.identity`), so an
    item re-listed with ``?utm_source=...``, ``#0`` or ``http://`` is the same article.
    """
    if raw.guid:
        return identity_url(raw.guid)
    if raw.link:
        return identity_url(raw.link)
    return f"{raw.origin.kind}:{raw.input_id}"


@dataclass(frozen=True)
class Cleaner:
    """Turns what a reader found into a clean article, by rules loaded once."""

    chrome_rules: tuple[ChromeRule, ...]
    dateline_rules: DatelineRules

    @classmethod
    def default(cls) -> Cleaner:
        """A cleaner with the rules shipped in ``normalizer/rules``."""
        return cls(chrome_rules=load_rules(), dateline_rules=load_dateline_rules())

    def clean(self, raw: RawEntry, learned: frozenset[bytes] = frozenset()) -> Article | Rejected:
        """Clean one entry; an entry with no text left is rejected with the reason.

        ``learned`` holds the keys of the lines its source is known to repeat
        (see :mod:`normalizer.learned`).
        """
        content = repair(raw.content)
        if raw.content_type == "html":
            paragraphs = html_to_paragraphs(content, raw.origin.name)
        else:
            paragraphs = split_paragraphs(content)
        paragraphs, removed = strip_chrome(paragraphs, self.chrome_rules)
        if learned:
            paragraphs, learned_removals = strip_learned(
                paragraphs, learned, chrome_source(raw.link, raw.origin.name)
            )
            removed.extend(learned_removals)
        title = settle_paragraph(repair(raw.title))
        # A plain-text article file opens with its headline; a feed entry without a
        # title does not, and its first paragraph is story text.
        if not title and raw.origin.kind != "feed" and self._opens_with_headline(paragraphs):
            title, paragraphs = paragraphs[0], paragraphs[1:]
        elif title and len(paragraphs) > 1 and paragraphs[0].casefold() == title.casefold():
            # The body repeats the headline as its first line (an <h1> in the HTML).
            paragraphs = paragraphs[1:]
        byline = settle_paragraph(repair(raw.author)) if raw.author else None
        if paragraphs and (found := find_byline(paragraphs[0])):
            byline, paragraphs = byline or found, paragraphs[1:]
        dateline: Dateline | None = None
        agency: str | None = None
        if paragraphs:
            match = split_dateline(paragraphs[0], self.dateline_rules, raw.published or raw.updated)
            if match is not None:
                dateline, agency = match.dateline, match.agency
                paragraphs = [match.rest, *paragraphs[1:]] if match.rest else paragraphs[1:]
        if dateline is None and raw.dateline:
            dateline, agency = read_given_dateline(
                str(raw.dateline), self.dateline_rules, raw.published or raw.updated
            )
        agency = agency or raw.credit
        if not paragraphs:
            entry = raw.input_id if raw.origin.kind == "feed" else None
            return Rejected(raw.origin.name, "no article text left after cleaning", entry)
        return Article(
            key=article_key(raw),
            input_id=raw.input_id,
            origin=raw.origin,
            title=title or _derived_title(paragraphs),
            paragraphs=tuple(paragraphs),
            dateline=dateline,
            agency=agency,
            byline=byline or None,
            published=raw.published,
            updated=raw.updated,
            url=raw.link,
            language=raw.language,
            removed=tuple(removed),
        )

    def _opens_with_headline(self, paragraphs: Sequence[str]) -> bool:
        """Whether the first paragraph is a headline: short, not a dateline, and either
        unpunctuated or followed by a dateline ("... N.Y.C." then "PARIS (AFP) -")."""
        if len(paragraphs) < 2 or not 0 < len(paragraphs[0].split()) <= _HEADLINE_MAX_WORDS:
            return False
        first, second = paragraphs[0], paragraphs[1]
        second_is_dateline = split_dateline(second, self.dateline_rules) is not None
        if split_dateline(first, self.dateline_rules) is not None:
            # "CAIRO — Gunmen opened fire" over "BERLIN (AFP) - ...": a story has one
            # dateline, so a short unpunctuated line above another is its headline.
            return second_is_dateline and not first.endswith((".", ":", ";", ","))
        return not first.endswith((".", ":", ";", ",")) or second_is_dateline


def _derived_title(paragraphs: Sequence[str]) -> str:
    """A headline for a story that came without one: its first sentence, shortened."""
    first = _SENTENCE_END.split(paragraphs[0], maxsplit=1)[0]
    words = first.split()
    if len(words) <= _DERIVED_TITLE_WORDS:
        return first
    return " ".join(words[:_DERIVED_TITLE_WORDS]) + " …"


@dataclass
class IngestResult:
    """What storing one input did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)


class Ingester:
    """Fingerprints, links and stores articles, one input per transaction.

    Args:
        store: the open store.
        settings: thresholds and fingerprint parameters.
        now: the time to record as "first seen" (the clock is passed in, so runs
            can be reproduced).
    """

    def __init__(
        self, store: Store, settings: Settings, now: datetime, memory: DuplicateMemory | None = None
    ) -> None:
        self.store = store
        self.memory: DuplicateMemory = memory or store
        self.sketcher = Sketcher(settings.fingerprint_params)
        self.thresholds = Thresholds(
            jaccard=settings.jaccard_threshold,
            containment=settings.containment_threshold,
            min_containment_words=settings.min_containment_words,
        )
        self.now = now
        self.learn_chrome_stories = settings.learn_chrome_stories

    def learned_lines(self, raw: RawEntry) -> frozenset[bytes]:
        """The lines the entry's source is known to repeat, to be stripped from it."""
        if self.learn_chrome_stories <= 0:
            return frozenset()
        source = chrome_source(raw.link, raw.origin.name)
        return self.store.learned_lines(source, self.learn_chrome_stories)

    def ingest(self, articles: Iterable[Article]) -> IngestResult:
        """Store the articles of one input, all or nothing.

        ``articles`` may be a generator that reads as it goes: anything it raises
        rolls the whole input back.
        """
        result = IngestResult()
        with self.store.transaction():
            for article in articles:
                self._ingest_one(article, result)
        self.store.fold_recent_bands()
        return result

    def _ingest_one(self, article: Article, result: IngestResult) -> None:
        fingerprint = self.sketcher.fingerprint(article.paragraphs)
        keys = band_keys(fingerprint, self.sketcher.params)
        stored = self.store.version_of(article.key)
        if stored is not None:
            stored_digest, stored_updated = stored
            if stored_digest == fingerprint.digest or _older(article.updated, stored_updated):
                # The same text, or an older version arriving after a newer one.
                result.unchanged += 1
            else:
                # A new version: its updated time moves, to its own if that is later
                # than the stored one, else to now (a feed that re-sends an item with
                # new text and no new date still changed it).
                if article.updated is None or (
                    stored_updated is not None and article.updated <= stored_updated
                ):
                    article = dataclasses.replace(article, updated=self.now)
                self.store.replace(article, fingerprint, keys, self.now)
                result.updated += 1
            return
        new = Candidate(
            key=article.key,
            digest=fingerprint.digest,
            shingles=fingerprint.shingle_set,
            word_count=article.word_count,
            figures=frozenset(fingerprint.figures),
        )
        with self.memory.lock():
            # (The store itself was asked above: version_of found nothing.)
            known = None if self.memory is self.store else self.memory.cluster_of(article.key)
            if known is not None:
                # Another worker sharing the index stored this very article first.
                decision = Decision(article.key, "exact", Similarity(1.0, 1.0, 1.0))
                cluster = known
            else:
                candidates = self.memory.candidates(fingerprint, keys, exclude=article.key)
                decision = decide(new, candidates, self.thresholds)
                linked = decision.linked_to
                cluster = (self.memory.cluster_of(linked) if linked else None) or linked or article.key
                self.memory.remember(new, fingerprint, cluster)
        self.store.add(article, fingerprint, keys, decision, self.now, cluster=cluster)
        if decision.linked_to is None and self.learn_chrome_stories > 0:
            # Only a new story teaches: copies of one story would make its own
            # lines look like the source's chrome.
            source = chrome_source(article.url, article.origin.name)
            self.store.count_source_lines(source, chrome_keys(article.paragraphs))
        result.new += 1
        if decision.linked_to is not None:
            result.duplicates += 1


def _older(incoming: datetime | None, stored: datetime | None) -> bool:
    """Whether a version dated ``incoming`` is older than the stored one."""
    return incoming is not None and stored is not None and incoming < stored


def content_id(data: bytes) -> str:
    """A short stable id for content that has no name of its own."""
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]
