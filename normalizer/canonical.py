"""Which member of a story cluster to show: the user's rule, and versions first.

A cluster that holds re-sent versions of its story ("UPDATE 2-", "CORRECTED-",
linked by type ``update``) shows its newest version: the latest update that no
other update supersedes, and the copies linked to it. An older version is
*superseded*: feeds leave it out, since the update replaces it.

Among the members that remain, the rule decides, step by step, each step
keeping the members that tie on it:

* ``source-priority``: the first source of ``source_priority`` the member comes
  from (a feed URL, a host with its subdomains, or an agency as credited);
* ``earliest`` / ``latest``: by published time (an undated member loses);
* ``longest``: by words in the body;

and, always last, the member stored first. The default rule is
:data:`DEFAULT_STEPS`. The rule is a setting; the store re-picks every cluster's
canonical member when it is opened under another rule, without re-ingesting.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from normalizer.errors import SettingsError
from normalizer.values import web_host

__all__ = [
    "CANONICAL_STEPS",
    "DEFAULT_STEPS",
    "CanonicalRule",
    "Member",
    "choose_canonical",
    "cluster_member",
    "explain_canonical",
    "leaves_versions",
    "of_newest_version",
    "outranks",
    "superseded",
]

CANONICAL_STEPS = ("source-priority", "earliest", "latest", "longest")
DEFAULT_STEPS = ("earliest", "longest")
_INFINITY = float("inf")


@dataclass(frozen=True)
class CanonicalRule:
    """The order of preference for a cluster's canonical member."""

    steps: tuple[str, ...] = DEFAULT_STEPS
    source_priority: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [step for step in self.steps if step not in CANONICAL_STEPS]
        if unknown:
            raise SettingsError(
                f"canonical: unknown step {unknown[0]!r}; choose from {', '.join(CANONICAL_STEPS)}"
            )
        if "source-priority" in self.steps and not self.source_priority:
            raise SettingsError("canonical: source-priority needs a source_priority list")
        object.__setattr__(self, "source_priority", tuple(s.strip().lower() for s in self.source_priority))

    def describe(self) -> str:
        """The rule in words, as reports print it."""
        words = {
            "source-priority": f"source priority ({', '.join(self.source_priority)})",
            "earliest": "earliest published",
            "latest": "latest published",
            "longest": "longest body",
        }
        return ", then ".join(["newest version", *(words[s] for s in self.steps), "first by key"])

    def as_json(self) -> str:
        """The rule as stored in the store's meta table (to notice a change of rule)."""
        return json.dumps({"steps": list(self.steps), "source_priority": list(self.source_priority)})

    @classmethod
    def from_json(cls, stored: str) -> CanonicalRule | None:
        """A rule as :meth:`as_json` stored it; ``None`` if it is not one this version
        knows (the store's clusters are then re-picked under the rule asked for)."""
        try:
            value = json.loads(stored)
            return cls(tuple(value["steps"]), tuple(value["source_priority"]))
        except (ValueError, KeyError, TypeError, SettingsError):
            return None


@dataclass(frozen=True)
class Member:
    """What the canonical rule needs to know of a cluster member.

    ``sources`` are the lower-cased names the member's source goes by (agency,
    host, feed URL, feed id); ``publisher`` is where it was published (the host
    of its web address, else its feed or file), so that an agency's update
    replaces that agency's own earlier version; ``link_type`` and ``linked_to``
    say how it joined the cluster; ``order`` is its storing order.
    """

    key: str
    published: datetime | None
    word_count: int
    order: int
    sources: tuple[str, ...] = ()
    link_type: str | None = None
    linked_to: str | None = None
    publisher: str = ""


def cluster_member(
    key: str,
    published: datetime | None,
    word_count: int,
    order: int,
    *,
    source: tuple[str | None, str | None, str | None, str | None, str],
    link: tuple[str | None, str],
) -> Member:
    """A member from what the store keeps of an article.

    ``source`` is (agency, url, feed link, feed id, origin name); ``link`` is the
    link type (``None`` for the founder) and the key it was linked to.
    """
    agency, url, feed_link, feed_id, origin = source
    kind, linked_to = link
    host = web_host(url)
    names = {
        name.strip().lower() for name in (agency, feed_link, feed_id, origin, host) if name and name.strip()
    }
    return Member(
        key=key,
        published=published,
        word_count=word_count,
        order=order,
        sources=tuple(sorted(names)),
        link_type=kind,
        linked_to=linked_to if kind else None,
        # Where it was published: its web address's host, else its feed or file.
        publisher=host or feed_id or origin,
    )


def _source_rank(member: Member, priority: Sequence[str]) -> tuple[int, str]:
    """The index of the first priority entry the member's source matches, and that entry."""
    for index, wanted in enumerate(priority):
        for name in member.sources:
            if name == wanted or name.endswith("." + wanted):
                return index, wanted
    return len(priority), ""


def superseded(members: Sequence[Member]) -> dict[str, str]:
    """Older versions: the key of each member an update replaces, to that update's key.

    An update replaces the earlier members of its own publisher (an agency's
    "UPDATE 1" replaces that agency's first take, not a site's copy of it); an
    update whose publisher has no earlier member replaces the member it was
    linked to.
    """
    keys = {member.key for member in members}
    replaced: dict[str, str] = {}
    for update in sorted((m for m in members if m.link_type == "update"), key=_age):
        own = [
            m.key
            for m in members
            if m.publisher == update.publisher and m.key != update.key and _age(m) < _age(update)
        ]
        for key in own or ([update.linked_to] if update.linked_to in keys else []):
            replaced[str(key)] = update.key
    return replaced


def leaves_versions(updates: Sequence[Member], joining: Member) -> bool:
    """Whether a new member that is no update leaves a cluster's superseded versions as
    they were, given every update of the cluster: none of its publisher's updates is
    newer than it (it would be an older version they replace, and the update would
    no longer replace the member it was linked to). Being new, it is linked to by none.
    """
    return joining.link_type != "update" and not any(
        update.publisher == joining.publisher and _age(joining) < _age(update) for update in updates
    )


def of_newest_version(joining: Member, updates: Sequence[Member], replaced: Collection[str]) -> bool:
    """Whether a new member that :func:`leaves_versions` is one of the newest version,
    given every update of its cluster and the keys of those that are superseded: it is
    when the cluster has no update left (its members are one version) or when it was
    linked to the newest of them (as :func:`_newest_version` groups members)."""
    live = [update for update in updates if update.key not in replaced]
    return not live or joining.linked_to == max(live, key=_age).key


def outranks(member: Member, other: Member, rule: CanonicalRule) -> bool:
    """Whether the rule picks ``member`` over ``other``, both of the newest version: step
    after step, the first that tells them apart, then the key (as :func:`_decide`)."""
    for rank, _ in _steps(rule):
        mine, theirs = rank(member), rank(other)
        if mine != theirs:
            return mine < theirs
    return member.key < other.key


def _age(member: Member) -> tuple[float, int]:
    """Publishing order: by published time (undated first), then storing order."""
    return (_timestamp(member.published, -_INFINITY), member.order)


def _newest_version(members: Sequence[Member]) -> tuple[list[Member], dict[str, str]]:
    """The members of the newest version, and why each other member is out."""
    replaced = superseded(members)
    updates = [m for m in members if m.link_type == "update" and m.key not in replaced]
    if not updates:
        return list(members), {}
    newest = max(updates, key=_age)
    group = [
        m for m in members if m.key == newest.key or (m.linked_to == newest.key and m.key not in replaced)
    ]
    in_group = {member.key for member in group}
    out = {}
    for member in members:
        if member.key in replaced:
            out[member.key] = "older version (updated)"
        elif member.key not in in_group:
            out[member.key] = "copy of an older version"
    return group, out


def _timestamp(moment: datetime | None, missing: float = _INFINITY) -> float:
    return moment.timestamp() if moment else missing


def _steps(rule: CanonicalRule) -> list[tuple[Callable[[Member], float], Callable[[Member, bool], str]]]:
    """Per step: the member's rank (lower wins), and the reason it won or lost."""

    def by_source(member: Member) -> float:
        return _source_rank(member, rule.source_priority)[0]

    def source_reason(member: Member, won: bool) -> str:
        index, wanted = _source_rank(member, rule.source_priority)
        if won:
            return f"source priority {index + 1} ({wanted})"
        return "lower source priority" if wanted else "source not in the priority list"

    def by_earliest(member: Member) -> float:
        return _timestamp(member.published)

    def earliest_reason(member: Member, won: bool) -> str:
        if won:
            return f"earliest ({member.published:%Y-%m-%d %H:%M})"
        return "undated" if member.published is None else "published later"

    def by_latest(member: Member) -> float:
        return -_timestamp(member.published, -_INFINITY)

    def latest_reason(member: Member, won: bool) -> str:
        if won:
            return f"latest ({member.published:%Y-%m-%d %H:%M})"
        return "undated" if member.published is None else "published earlier"

    def by_length(member: Member) -> float:
        return -member.word_count

    def length_reason(member: Member, won: bool) -> str:
        return f"{'longest' if won else 'shorter'} ({member.word_count} words)"

    table = {
        "source-priority": (by_source, source_reason),
        "earliest": (by_earliest, earliest_reason),
        "latest": (by_latest, latest_reason),
        "longest": (by_length, length_reason),
    }
    return [table[step] for step in rule.steps]


def _decide(members: Sequence[Member], rule: CanonicalRule) -> tuple[Member, dict[str, str]]:
    """The canonical member and, for every member, the step that decided its standing."""
    if not members:
        raise ValueError("a cluster has at least one member")
    remaining, reasons = _newest_version(members)
    won: list[str] = []
    for rank, reason in _steps(rule):
        if len(remaining) == 1:
            break
        best = min(rank(member) for member in remaining)
        losers = [member for member in remaining if rank(member) != best]
        if not losers:
            continue
        remaining = [member for member in remaining if rank(member) == best]
        for member in losers:
            reasons[member.key] = reason(member, False)
        won.append(reason(remaining[0], True))
    if len(remaining) > 1:
        # The last tie-break is the key, not the storing order: the same members give
        # the same pick whichever copy was stored first (or by which worker of a fleet).
        remaining.sort(key=lambda member: member.key)
        for member in remaining[1:]:
            reasons[member.key] = "later by key"
        won.append("first by key")
    canonical = remaining[0]
    if len(members) == 1:
        reasons[canonical.key] = "only member"
    else:
        version = ["newest version"] if any(m.link_type == "update" for m in members) else []
        reasons[canonical.key] = ", ".join(version + won) or "only member of its version"
    return canonical, reasons


def choose_canonical(members: Sequence[Member], rule: CanonicalRule | None = None) -> Member:
    """The member to show for a cluster under ``rule`` (the default rule if none)."""
    return _decide(members, rule or CanonicalRule())[0]


def explain_canonical(members: Sequence[Member], rule: CanonicalRule | None = None) -> dict[str, str]:
    """Why each member is, or is not, the canonical one: the step of the rule that decided."""
    return _decide(members, rule or CanonicalRule())[1]
