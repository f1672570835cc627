"""What a story cluster looks like once a member joins or changes: a pure decision.

Given every member of a cluster (as the canonical rule sees it, with its text),
:func:`settle_cluster` picks the canonical member (:mod:`normalizer.canonical`),
the versions an update superseded, and each member's similarity to the canonical
text. It returns a frozen value; the store only writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from normalizer.canonical import CanonicalRule, Member, choose_canonical, superseded
from normalizer.dedup import Candidate
from normalizer.fingerprint import compare

__all__ = ["ClusterState", "ClusterText", "settle_cluster"]


@dataclass(frozen=True)
class ClusterText:
    """One member of a cluster: its standing (``member.order`` is its store id) and text."""

    member: Member
    text: Candidate


@dataclass(frozen=True)
class ClusterState:
    """A cluster as it is to be written, every field by member id, sorted.

    Attributes:
        canonical: the id of the member the feed shows.
        superseded: (id, key of the update that replaces it) for each superseded version.
        similarities: (id, Jaccard similarity to the canonical text) for every member.
    """

    canonical: int
    superseded: tuple[tuple[int, str], ...]
    similarities: tuple[tuple[int, float], ...]

    @property
    def member_ids(self) -> tuple[int, ...]:
        """Every member's id, in id order."""
        return tuple(member_id for member_id, _ in self.similarities)


def settle_cluster(members: Sequence[ClusterText], rule: CanonicalRule) -> ClusterState:
    """The canonical member, superseded versions and similarities of a cluster."""
    standing = [m.member for m in members]
    canonical = choose_canonical(standing, rule)
    texts = {m.member.order: m.text for m in members}
    canonical_text = texts[canonical.order]
    ids = {member.key: member.order for member in standing}

    def similarity(text: Candidate) -> float:
        if text.digest == canonical_text.digest:
            return 1.0
        return compare(text.shingles, canonical_text.shingles).jaccard

    return ClusterState(
        canonical=canonical.order,
        superseded=tuple(sorted((ids[old], new) for old, new in superseded(standing).items())),
        similarities=tuple(sorted((order, similarity(text)) for order, text in texts.items())),
    )
