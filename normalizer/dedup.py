"""Near-duplicate decisions: candidate verification, linking, the canonical member.

LSH only proposes candidates; every candidate is verified here, on the exact
shingle sets of both texts, before an article joins its story cluster:

* ``exact``: the same canonical text (equal digests);
* ``jaccard``: Jaccard similarity at or above the threshold (a copy with edits, a
  new headline, other chrome or another credit);
* ``containment``: most of the shorter text's shingles are in the longer one (a
  trimmed copy, a lead-only copy, an update that adds sentences). A text shorter
  than ``min_containment_words`` links this way only when nearly all of it (95%)
  is inside the other and it has at least 12 words: a brief that is a story's
  lead is caught, while a few common phrases never tie unrelated briefs.

Whatever the text similarity, two texts are not one story when the shorter quotes
at least four numbers and fewer than half of them appear in the longer: that is
a template filled with other figures (two days' market reports or weather).

Which member of a cluster is shown is :mod:`normalizer.canonical`'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from normalizer.fingerprint import compare
from normalizer.model import Decision, Fingerprint, LinkRule, Similarity

__all__ = [
    "Candidate",
    "Decide",
    "DuplicateIndex",
    "Match",
    "Thresholds",
    "decide",
    "verify",
]

_RULE_STRENGTH: dict[LinkRule, int] = {"exact": 3, "jaccard": 2, "containment": 1, "founder": 0}
_SHORT_MIN_WORDS = 12
_SHORT_CONTAINMENT = 0.95
_FIGURES_MIN = 4
_FIGURES_SHARED = 0.5


@dataclass(frozen=True)
class Thresholds:
    """When a candidate counts as the same story."""

    jaccard: float = 0.5
    containment: float = 0.8
    min_containment_words: int = 40


@dataclass(frozen=True)
class Candidate:
    """A text to compare: a stored article proposed by the index, or the new one."""

    key: str
    digest: str
    shingles: bytes
    word_count: int
    figures: frozenset[str] = frozenset()

    @property
    def shingle_count(self) -> int:
        """How many distinct shingles the text has (4 bytes per id)."""
        return len(self.shingles) // 4


@dataclass(frozen=True)
class Match:
    """Which story a new text joins: the decision that linked it, and the cluster
    (named by its founder's key)."""

    decision: Decision
    cluster: str
    # Other clusters the new text verified against: one story, so they fold into ``cluster``.
    merged: tuple[str, ...] = ()


Decide = Callable[[Sequence[Candidate]], Decision]


class DuplicateIndex(Protocol):
    """Where candidates come from and where stories are remembered.

    The store's own LSH band table is one; a shared index in Redis is another, so
    that several ingest processes or machines share one duplicate memory. Each
    backend makes look-up, decision and remembering one step in its own way (the
    store's write transaction, a lock on a shared server).
    """

    def match(
        self, new: Candidate, fingerprint: Fingerprint, band_keys: Sequence[int], decide: Decide
    ) -> Match:
        """Look the new text up, ``decide`` over its candidates, and remember it in the
        cluster it joins, as one step."""
        ...


def verify(
    new: Candidate, candidate: Candidate, thresholds: Thresholds
) -> tuple[LinkRule, Similarity] | None:
    """The rule that links a new text to a candidate, with the figures, or ``None``."""
    if new.digest == candidate.digest:
        return "exact", Similarity(jaccard=1.0, containment_new=1.0, containment_old=1.0)
    similarity = compare(new.shingles, candidate.shingles)
    new_is_shorter = new.shingle_count <= candidate.shingle_count
    if _figures_differ(new.figures, candidate.figures):
        return None
    if similarity.jaccard >= thresholds.jaccard:
        return "jaccard", similarity
    shorter_words = new.word_count if new_is_shorter else candidate.word_count
    contained = similarity.containment_new if new_is_shorter else similarity.containment_old
    if shorter_words >= thresholds.min_containment_words and contained >= thresholds.containment:
        return "containment", similarity
    if shorter_words >= _SHORT_MIN_WORDS and contained >= _SHORT_CONTAINMENT:
        return "containment", similarity
    return None


def _figures_differ(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two texts quote mostly other numbers: two days' market report or
    weather brief from one template, not one story.

    Judged on the text that quotes fewer numbers (the share of them the other also
    quotes), so the answer is the same whichever text arrived first.
    """
    fewer, more = (first, second) if len(first) <= len(second) else (second, first)
    if len(fewer) < _FIGURES_MIN:
        return False
    return len(fewer & more) / len(fewer) < _FIGURES_SHARED


def decide(new: Candidate, candidates: Sequence[Candidate], thresholds: Thresholds) -> Decision:
    """Link a new text to its best verified candidate, or make it a new story.

    The best link is the strongest rule (exact, then Jaccard, then containment),
    then the highest similarity, then the smallest key, so the choice does not
    depend on the order the index returned candidates in.
    """
    best: tuple[int, float, str] | None = None
    best_link: tuple[str, LinkRule, Similarity] | None = None
    matched: list[str] = []
    for candidate in candidates:
        verified = verify(new, candidate, thresholds)
        if verified is None:
            continue
        matched.append(candidate.key)
        rule, similarity = verified
        score = max(similarity.jaccard, similarity.containment_new, similarity.containment_old)
        rank = (_RULE_STRENGTH[rule], score, _reverse(candidate.key))
        if best is None or rank > best:
            best, best_link = rank, (candidate.key, rule, similarity)
    if best_link is None:
        return Decision(linked_to=None, rule="founder")
    key, rule, similarity = best_link
    also = tuple(sorted(k for k in matched if k != key))
    return Decision(linked_to=key, rule=rule, similarity=similarity, also=also)


def _reverse(key: str) -> str:
    # Larger tuples win in ``decide``; inverting the code points makes the
    # smallest key the largest, so ties go to the smallest key.
    return "".join(chr(0x10FFFF - ord(char)) for char in key)
