"""What a story cluster looks like once a member joins or changes: a pure decision.

Given every member of a cluster (as the canonical rule sees it, with its text),
:func:`settle_cluster` picks the canonical member (:mod:`normalizer.canonical`),
the versions an update superseded, and each member's similarity to the canonical
text. It returns a frozen value; the store only writes it.

One wire story is syndicated by thousands of sites, so a join must not cost the
size of its cluster in texts: :func:`resettle_cluster` decides from the members'
standing alone (no texts), keeps the similarities already known when the canonical
member stays, and reads only the texts it must compare (the new or changed member
and the canonical one). :func:`changed_members` names the members whose shown
standing moved, so a join logs two changes, not one per peer. A new copy needs
even less (:func:`join_cluster`): unless it is an update or older than an update
of its own publisher, the versions stand, and the canonical member is the best of
the newest version under the rule, so it stays unless the new copy is of that
version and beats it. Only the story's updates and those two members are read,
whatever the story's size. What a join that changes the canonical member costs
still grows with the story: every member's shown similarity is to the canonical
text, so each one changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from normalizer.canonical import (
    CanonicalRule,
    Member,
    choose_canonical,
    leaves_versions,
    of_newest_version,
    outranks,
    superseded,
)
from normalizer.dedup import Candidate
from normalizer.fingerprint import compare

__all__ = [
    "ClusterState",
    "ClusterText",
    "JoinStanding",
    "changed_members",
    "join_cluster",
    "resettle_cluster",
    "settle_cluster",
]


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


# Nothing known of a cluster: every similarity is to be computed.
_UNKNOWN = ClusterState(canonical=-1, superseded=(), similarities=())


def settle_cluster(members: Sequence[ClusterText], rule: CanonicalRule) -> ClusterState:
    """The canonical member, superseded versions and similarities of a cluster."""
    texts = {m.member.order: m.text for m in members}
    return resettle_cluster(
        [m.member for m in members], rule, _UNKNOWN, -1, lambda ids: {order: texts[order] for order in ids}
    )


def _similarity(text: Candidate, canonical: Candidate) -> float:
    if text.digest == canonical.digest:
        return 1.0
    return compare(text.shingles, canonical.shingles).jaccard


def resettle_cluster(
    standing: Sequence[Member],
    rule: CanonicalRule,
    before: ClusterState,
    changed: int,
    texts_of: Callable[[Sequence[int]], dict[int, Candidate]],
) -> ClusterState:
    """The canonical member, superseded versions and similarities of a cluster whose
    member ``changed`` is new or has a new text, all else as ``before``; ``texts_of``
    reads the texts of some members.

    The result is the one computed over every text (:func:`settle_cluster`, which
    is this with nothing known before): a member's similarity is to the canonical
    text, so it stands while the canonical member and its own text do.
    """
    canonical = choose_canonical(standing, rule)
    known = dict(before.similarities)
    everyone = [member.order for member in standing]
    if canonical.order == before.canonical and canonical.order != changed:
        needed = [order for order in everyone if order not in known or order == changed]
    else:
        needed = everyone
    texts = texts_of(sorted({*needed, canonical.order}))
    similarities = {order: known[order] for order in everyone if order in known}
    similarities.update((order, _similarity(texts[order], texts[canonical.order])) for order in needed)
    ids = {member.key: member.order for member in standing}
    return ClusterState(
        canonical=canonical.order,
        superseded=tuple(sorted((ids[old], new) for old, new in superseded(standing).items())),
        similarities=tuple(sorted(similarities.items())),
    )


@dataclass(frozen=True)
class JoinStanding:
    """What deciding a join needs, as the rule sees it (no texts): the cluster's
    canonical member, the joining member, every update of the cluster, and the keys
    of the updates that are superseded."""

    canonical: Member
    joining: Member
    updates: tuple[Member, ...] = ()
    replaced: frozenset[str] = frozenset()


def join_cluster(
    standing: JoinStanding,
    rule: CanonicalRule,
    texts_of: Callable[[Sequence[int]], dict[int, Candidate]],
) -> tuple[ClusterState, ClusterState] | None:
    """A new member joining a cluster, decided from its canonical member, its updates
    and the new member alone: the state before and after, as far as they differ (the
    new member's similarity), for the store to write; ``None`` when the new member
    changes the versions or takes the canonical place, and the cluster is to be
    settled whole (:func:`resettle_cluster`).

    A new member that is no update, with no update of its publisher newer than it,
    leaves every superseded version as it was (:func:`canonical.leaves_versions`).
    The rule ranks the members of the newest version one by one (step after step,
    then the key), so the canonical member is the best of them: it stays unless the
    new member is of that version and beats it, and every other member's similarity
    to it stands. This is what :func:`resettle_cluster` decides over every member, at
    the cost of the updates and two texts.
    """
    canonical, joining = standing.canonical, standing.joining
    if not leaves_versions(standing.updates, joining):
        return None
    if of_newest_version(joining, standing.updates, standing.replaced) and outranks(joining, canonical, rule):
        return None
    texts = texts_of(sorted({canonical.order, joining.order}))
    similarity = _similarity(texts[joining.order], texts[canonical.order])
    # A new member is stored at similarity 1 (as a founder is): only that changes.
    before = ClusterState(canonical=canonical.order, superseded=(), similarities=((joining.order, 1.0),))
    after = ClusterState(
        canonical=canonical.order, superseded=(), similarities=((joining.order, similarity),)
    )
    return before, after


def changed_members(before: ClusterState, after: ClusterState) -> set[int]:
    """The members whose entry shows something new: canonical or not, similarity,
    superseded; and the canonical member, whose entry lists the cluster."""
    old_similarity, new_similarity = dict(before.similarities), dict(after.similarities)
    old_superseded, new_superseded = dict(before.superseded), dict(after.superseded)
    moved = {
        member
        for member in new_similarity
        if old_similarity.get(member) != new_similarity[member]
        or old_superseded.get(member) != new_superseded.get(member)
    }
    return moved | ({before.canonical, after.canonical} & set(new_similarity))
