"""Boilerplate learned per source: lines that recur across one source's stories.

Every site and feed has chrome no shipped rule knows: its sign-off ("Follow
Arab Times on WhatsApp"), its promo box, its standing disclaimer. A short
paragraph that a source repeats in many *different* stories is that source's
chrome. Stories are counted once per story cluster, so a wire story republished
ten times teaches nothing: only lines shared by unrelated stories count.

Lines are compared by a key that ignores case and spacing, but not digits: the
lines of a daily template story ("The index rose 0.4% to 1,234") differ by their
figures and must not be learned. Only lines of at most ``MAX_WORDS`` words are
ever learned, and a story's first paragraph (its lead) is never removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import xxhash

from normalizer.model import Removal
from normalizer.text import word_count
from normalizer.values import web_host

__all__ = [
    "LEARNED_RULE",
    "MAX_WORDS",
    "chrome_keys",
    "chrome_lines",
    "chrome_source",
    "line_key",
    "strip_learned",
]

LEARNED_RULE = "learned"
MAX_WORDS = 40


def line_key(paragraph: str) -> bytes:
    """The key a line is learned and recognised by (8 bytes)."""
    folded = " ".join(paragraph.casefold().split())
    return xxhash.xxh64_digest(folded.encode("utf-8"))


def _learnable(paragraph: str) -> bool:
    # Counted in any script: a Chinese paragraph is one "word" to str.split.
    return 0 < word_count(paragraph) <= MAX_WORDS


def chrome_keys(paragraphs: Iterable[str]) -> frozenset[bytes]:
    """The keys of a story's lines that could be chrome, each counted once per story."""
    return frozenset(chrome_lines(paragraphs))


def chrome_lines(paragraphs: Iterable[str]) -> dict[bytes, str]:
    """A story's lines that could be chrome, by key (the first of a key's lines kept):
    what the store counts, and shows once a line recurs."""
    lines: dict[bytes, str] = {}
    for paragraph in paragraphs:
        if _learnable(paragraph):
            lines.setdefault(line_key(paragraph), paragraph)
    return lines


def chrome_source(url: str | None, origin_name: str) -> str:
    """Whose chrome a story carries: its web host (without ``www.``), else its feed or file."""
    return web_host(url) or origin_name


def strip_learned(
    paragraphs: Sequence[str], learned: frozenset[bytes], source: str
) -> tuple[list[str], list[Removal]]:
    """Remove the lines ``source`` is known to repeat; each removal names the source."""
    if not learned:
        return list(paragraphs), []
    kept: list[str] = []
    removed: list[Removal] = []
    rule = f"{LEARNED_RULE}:{source}"
    for index, paragraph in enumerate(paragraphs):
        if index > 0 and _learnable(paragraph) and line_key(paragraph) in learned:
            removed.append(Removal(rule, paragraph))
        else:
            kept.append(paragraph)
    return kept, removed
