"""Text repair: mojibake, Unicode forms, whitespace, broken hyphenation.

Every function takes and returns ``str`` and is idempotent: running it twice
gives what running it once gave.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import TypeVar

import ftfy

from normalizer.ftfy_gate import ftfy_may_change
from normalizer.tokens import word_count

__all__ = [
    "author_name",
    "dehyphenate",
    "normalise_paragraph",
    "repair",
    "settle_paragraph",
    "split_paragraphs",
    "strip_xml_illegal",
    "word_count",
]

_FTFY_CONFIG = ftfy.TextFixerConfig(
    # Quotes, ligatures and the like are the publisher's choice: keep them. Only
    # what is broken (mojibake, stray control characters, HTML entities) is fixed.
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    unescape_html=False,
    normalization="NFC",
    explain=False,
)

_MAX_REPAIR_PASSES = 4
# An author as RSS writes it: an e-mail address with the name in brackets, or the
# name with the address in angle brackets.
_MAILBOX = re.compile(r"^(?:\S+@\S+\s*\((?P<paren>[^()]+)\)|(?P<angle>[^<>@]+?)\s*<\S+@\S+>)$")
# Characters XML 1.0 cannot carry at all; lxml refuses to serialise them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Invisible characters that only get in the way of reading and matching.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
_WRAP_WIDTH = 50
_LINE_ENDINGS = (".", "!", "?", ":", ";", '"', "\u201d", "\u00bb", "\u2026", ")")

# "Kurdish- led": a hyphen left dangling by a line break or a bad copy-paste.
# A suspended hyphen ("pre- and post-war", "19th- or 20th-century") is followed
# by a conjunction and must stay as it is.
_SUSPENDED_BEFORE = frozenset(
    {"and", "or", "nor", "to", "as", "and/or", "und", "oder", "bis", "et", "ou", "y", "o", "e"}
)
_BROKEN_HYPHEN = re.compile(r"(?<=[^\W\d_])- (?=([^\W\d_][\w/]*))")


def author_name(value: str | None) -> str | None:
    """The name in an author as feeds write it: ``redazione@x.it (Angela Leucci)`` or
    ``Angela Leucci <redazione@x.it>`` give ``Angela Leucci``; anything else as it is."""
    if not value:
        return None
    found = _MAILBOX.match(value.strip())
    if found:
        return (found["paren"] or found["angle"] or "").strip() or None
    return value


def strip_xml_illegal(text: str) -> str:
    """Drop the control characters that XML 1.0 forbids (NUL, ESC, form feed...)."""
    return _XML_ILLEGAL.sub("", text)


T = TypeVar("T")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """A text every store and document can hold: without what XML forbids, and a lone
    surrogate (a JSON ``"\\ud800"`` escape, half of a pair) as U+FFFD, since no UTF-8
    encoder takes one: stored, it broke every later emit."""
    return _LONE_SURROGATE.sub("\ufffd", _XML_ILLEGAL.sub("", text))


# What storable() changes: one search tells a text that needs nothing (nearly all).
_UNSTORABLE = re.compile(f"{_XML_ILLEGAL.pattern}|{_LONE_SURROGATE.pattern}")
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def storable_values(value: T) -> T:
    """A frozen dataclass (an entry, an article, its origin and removals) with every
    text in it :func:`storable`; the same object if nothing needed it (the common
    case costs a search per text)."""
    if isinstance(value, str):
        return storable(value) if _UNSTORABLE.search(value) else value  # type: ignore[return-value]
    if isinstance(value, tuple):
        items = tuple(storable_values(item) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items  # type: ignore[return-value]
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            return value
        names = _FIELD_NAMES.setdefault(kind, tuple(field.name for field in dataclasses.fields(value)))
    changes = {}
    for name in names:
        current = getattr(value, name)
        if current is None or isinstance(current, int | float):
            continue
        cleaned = storable_values(current)
        if cleaned is not current:
            changes[name] = cleaned
    return dataclasses.replace(value, **changes) if changes else value  # type: ignore[type-var]


def repair(text: str) -> str:
    """Fix mojibake and Unicode oddities, keeping the publisher's typography."""
    # ftfy runs before invisible characters are dropped: a soft hyphen (U+00AD) is
    # also the second byte of UTF-8 "í" read as Latin-1 ("Ã\xad"). It runs again
    # after, because an invisible character inside mojibake hides it from ftfy;
    # and its repair can uncover more mojibake (a C1 control becomes "€", which with
    # its neighbour reads as another character's bytes). So: until nothing changes.
    text = strip_xml_illegal(text)
    if text.isascii():
        # Mojibake, C1 controls and odd Unicode forms all need non-ASCII characters.
        return text
    for _ in range(_MAX_REPAIR_PASSES):
        # ftfy only where it could change something: the check is exact, and cheaper.
        fixed = ftfy.fix_text(text, config=_FTFY_CONFIG) if ftfy_may_change(text) else text
        fixed = _INVISIBLE.sub("", fixed)
        if fixed == text:
            break
        text = fixed
    return text


def dehyphenate(text: str) -> str:
    """Join words broken as ``Kurdish- led``; leave suspended hyphens alone."""

    def join(match: re.Match[str]) -> str:
        following = match.group(1)
        if following.lower() in _SUSPENDED_BEFORE or not following[0].islower():
            return match.group(0)
        return "-"

    return _BROKEN_HYPHEN.sub(join, text)


def normalise_paragraph(text: str) -> str:
    """One paragraph on one line: spaces folded, ends trimmed, hyphens mended."""
    # str.split() splits on every Unicode space (no-break, thin, ideographic...).
    folded = " ".join(text.split())
    return dehyphenate(folded) if "- " in folded else folded


def settle_paragraph(text: str) -> str:
    """One paragraph normalised, and repaired again if normalising uncovered mojibake.

    Folding spaces can reveal mojibake that the spaces hid from ftfy: a no-break
    space, a tab or a line break between the two characters of one mis-decoded
    letter ("\\xa0À§" reads as text, "À§" as the bytes of "ˤ"). The space cannot be
    folded before the repair, because U+00A0 is itself the second byte of "à" read
    as Latin-1. So repair and fold alternate until neither changes the text: what
    comes out is what cleaning it again would give.
    """
    previous, current = text, normalise_paragraph(text)
    for _ in range(_MAX_REPAIR_PASSES):
        if current == previous or current.isascii():
            break
        previous, current = current, normalise_paragraph(repair(current))
    return current


def _is_wrapped(line: str) -> bool:
    """Whether a line looks cut by a hard wrap rather than ended by its writer."""
    return len(line) >= _WRAP_WIDTH and not line.rstrip().endswith(_LINE_ENDINGS)


def split_paragraphs(text: str) -> list[str]:
    """Split plain text into normalised, non-empty paragraphs.

    A line is a paragraph of its own (scraped pages put one paragraph, menu item or
    share label per line) unless it looks hard-wrapped, in which case the next line
    of the same block continues it.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs: list[str] = []
    for block in _BLANK_LINE.split(text):
        current: list[str] = []
        for line in block.split("\n"):
            if not line.strip():
                continue
            current.append(line)
            if not _is_wrapped(line):
                paragraphs.append(settle_paragraph(" ".join(current)))
                current = []
        if current:
            paragraphs.append(settle_paragraph(" ".join(current)))
    return [paragraph for paragraph in paragraphs if paragraph]
