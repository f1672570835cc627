"""Near-duplicate decisions: candidate verification, linking, the canonical member.

LSH only proposes candidates; every candidate is verified here before an article
joins its story cluster:

* ``exact``: the same canonical text (equal digests);
* ``jaccard``: estimated Jaccard similarity at or above the threshold (a copy with
  edits, a new headline, other chrome or another credit);
* ``containment``: most of the shorter text's shingles are in the longer one (a
  trimmed copy, a lead-only copy, an update that adds sentences). Texts shorter
  than ``min_containment_words`` never link this way: a few common words would
  otherwise tie unrelated briefs together.

The canonical member of a cluster is chosen by :data:`CANONICAL_RULE`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from normalizer.fingerprint import compare
from normalizer.model import Decision, Fingerprint, LinkRule, Similarity

__all__ = [
    "CANONICAL_RULE",
    "Candidate",
    "Member",
    "Thresholds",
    "choose_canonical",
    "decide",
    "verify",
]

CANONICAL_RULE = "earliest published, then longest body, then first stored"
_RULE_STRENGTH: dict[LinkRule, int] = {"exact": 3, "jaccard": 2, "containment": 1, "founder": 0}


@dataclass(frozen=True)
class Thresholds:
    """When a candidate counts as the same story."""

    jaccard: float = 0.5
    containment: float = 0.8
    min_containment_words: int = 40


@dataclass(frozen=True)
class Candidate:
    """A stored article proposed by the index."""

    key: str
    fingerprint: Fingerprint
    word_count: int


@dataclass(frozen=True)
class Member:
    """What the canonical rule needs to know of a cluster member."""

    key: str
    published: datetime | None
    word_count: int
    order: int


def verify(
    new: Fingerprint, new_words: int, candidate: Candidate, thresholds: Thresholds
) -> tuple[LinkRule, Similarity] | None:
    """The rule that links a new text to a candidate, with the figures, or ``None``."""
    similarity = compare(new, candidate.fingerprint)
    if new.digest == candidate.fingerprint.digest:
        return "exact", similarity
    if similarity.jaccard >= thresholds.jaccard:
        return "jaccard", similarity
    shorter_words = min(new_words, candidate.word_count)
    shorter_containment = (
        similarity.containment_new
        if new.shingles <= candidate.fingerprint.shingles
        else similarity.containment_old
    )
    if shorter_words >= thresholds.min_containment_words and shorter_containment >= thresholds.containment:
        return "containment", similarity
    return None


def decide(
    new: Fingerprint, new_words: int, candidates: Sequence[Candidate], thresholds: Thresholds
) -> Decision:
    """Link a new text to its best verified candidate, or make it a new story.

    The best link is the strongest rule (exact, then Jaccard, then containment),
    then the highest similarity, then the smallest key, so the choice does not
    depend on the order the index returned candidates in.
    """
    best: tuple[int, float, str] | None = None
    best_link: tuple[str, LinkRule, Similarity] | None = None
    for candidate in candidates:
        verified = verify(new, new_words, candidate, thresholds)
        if verified is None:
            continue
        rule, similarity = verified
        score = max(similarity.jaccard, similarity.containment_new, similarity.containment_old)
        rank = (_RULE_STRENGTH[rule], score, _reverse(candidate.key))
        if best is None or rank > best:
            best, best_link = rank, (candidate.key, rule, similarity)
    if best_link is None:
        return Decision(linked_to=None, rule="founder")
    key, rule, similarity = best_link
    return Decision(linked_to=key, rule=rule, similarity=similarity)


def _reverse(key: str) -> str:
    # Larger tuples win in ``decide``; inverting the code points makes the
    # smallest key the largest, so ties go to the smallest key.
    return "".join(chr(0x10FFFF - ord(char)) for char in key)


def choose_canonical(members: Sequence[Member]) -> Member:
    """The member to show for a cluster: earliest, then longest, then first stored."""
    if not members:
        raise ValueError("a cluster has at least one member")

    def rank(member: Member) -> tuple[int, float, int, int]:
        published = member.published.timestamp() if member.published else float("inf")
        return (member.published is None, published, -member.word_count, member.order)

    return min(members, key=rank)
