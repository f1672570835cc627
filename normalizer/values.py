"""Values as sources give them, made into what the output's rules allow.

Feeds write language tags as locales (``en_US``, ``fr_FR.UTF-8``) and ids and links
relative to a page (``/r/rust/.rss``); Atom wants BCP 47 tags and absolute IRIs.
Each function here gives the allowed form or ``None`` (then the value is left out,
never written broken).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import langcodes

__all__ = ["absolute_iri", "is_web_address", "language_tag"]

# A scheme, then anything but spaces and controls (RFC 3987's IRI, loosely).
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f]+$")
_HIERARCHICAL = frozenset({"http", "https", "ftp", "file"})


def is_web_address(value: str | None) -> bool:
    """Whether a value is an absolute http(s) address with a host."""
    if not value:
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def language_tag(value: str | None) -> str | None:
    """A language as a well-formed BCP 47 tag (``en_US`` -> ``en-US``, ``iw`` -> ``he``),
    or ``None`` for what is not one (``English``, ``en us``)."""
    if not value:
        return None
    candidate = value.strip().split(".", 1)[0].split("@", 1)[0]  # a locale's codeset and modifier
    try:
        tag = langcodes.standardize_tag(candidate)
    except ValueError:  # langcodes.LanguageTagError is one
        return None
    return tag if langcodes.tag_is_valid(tag) else None


def absolute_iri(value: str | None, base: str | None = None) -> str | None:
    """An absolute IRI as it is, a relative one resolved against an absolute web
    ``base``; ``None`` when neither gives one."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if _ABSOLUTE.match(value):
        parts = urlsplit(value)
        if parts.scheme.lower() not in _HIERARCHICAL or parts.netloc:
            return value
        return None  # "http:/path": a scheme and no host
    if base and _ABSOLUTE.match(base) and urlsplit(base).scheme.lower() in ("http", "https"):
        resolved = urljoin(base, value)
        return resolved if _ABSOLUTE.match(resolved) else None
    return None
