"""What kind of copy a cluster member is of the text it was linked to.

- ``update``: a later version of the same item, re-sent under its own id: the
  headline carries an agency's re-send mark ("CORRECTED", "UPDATE 2", "RPT-",
  "REFILE-", "(updated)"). (A new version under the *same* id replaces the stored
  text and is no link at all.)
- ``copy``: near-verbatim, each text at least ``COPY_CONTAINMENT`` contained in the
  other (re-headlined, re-credited, re-chromed, paragraphs moved).
- ``excerpt``: one text is contained in the other but not the other way round (lead
  only, tail trimmed, a paragraph dropped): containment at least
  ``EXCERPT_CONTAINMENT`` one way.
- ``rewrite``: the same story, substantially edited.

An item linked by its headline alone (it has no body) is an ``excerpt``.

On the labelled set (``fixtures/dedup``) excerpts are at least 0.98 contained in
their original and a site's rewrites at most 0.89, hence 0.92 between them.

The type is a pure function of the figures and rule stored with each link and
of the member's headline, so it is shown the same way everywhere and needs no
storage of its own.
"""

from __future__ import annotations

import re
from typing import Literal

from normalizer.model import Similarity

__all__ = [
    "COPY_CONTAINMENT",
    "EXCERPT_CONTAINMENT",
    "LINK_TYPES",
    "LinkType",
    "is_resend",
    "link_type",
    "strip_resend",
]

LinkType = Literal["copy", "rewrite", "excerpt", "update"]
LINK_TYPES: tuple[LinkType, ...] = ("copy", "rewrite", "excerpt", "update")
COPY_CONTAINMENT = 0.95
EXCERPT_CONTAINMENT = 0.92

# Re-send marks of wire services, at the head of a headline ("UPDATE 2-", "RPT-",
# "CORRECTED-", "REFILE-", "WRAPUP 1-") or at its end ("(updated)", "- corrected").
_RESEND = re.compile(
    r"^\s*(?:corrected|correction|update\s*\d*|updated|rpt|repeat|refile|wrapup\s*\d*|recasts?)\b\s*[-:–—]"
    r"|[(\[]\s*(?:updated?|corrected|correction|refiled?|recasts?)\b[^)\]]{0,40}[)\]]\s*$"
    r"|[-–—:]\s*(?:updated?|corrected)\s*$",
    re.IGNORECASE,
)


def is_resend(title: str) -> bool:
    """Whether a headline carries a wire service's mark of a corrected or updated re-send."""
    return bool(_RESEND.search(title))


def strip_resend(title: str) -> str:
    """A headline without its re-send mark ("UPDATE 2-Oil rises" is "Oil rises")."""
    return _RESEND.sub("", title).strip()


def link_type(rule: str, similarity: Similarity | None, title: str) -> LinkType | None:
    """The type of a link (``None`` for a cluster's founder, which links to nothing)."""
    if rule == "founder" or similarity is None:
        return None
    if is_resend(title):
        return "update"
    if rule == "headline":
        # A headline-only item is the least part of the story it names.
        return "excerpt"
    both_ways = min(similarity.containment_new, similarity.containment_old)
    one_way = max(similarity.containment_new, similarity.containment_old)
    if rule == "exact" or both_ways >= COPY_CONTAINMENT:
        return "copy"
    if one_way >= EXCERPT_CONTAINMENT:
        return "excerpt"
    return "rewrite"
