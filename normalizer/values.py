"""Values as sources give them, made into what the output's rules allow.

Feeds write language tags as locales (``en_US``, ``fr_FR.UTF-8``) and ids and links
relative to a page (``/r/rust/.rss``); Atom wants BCP 47 tags and absolute IRIs.
Each function here gives the allowed form or ``None`` (then the value is left out,
never written broken).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import langcodes

__all__ = ["absolute_iri", "is_web_address", "language_tag", "looks_absolute", "public_location", "web_host"]

# A scheme, then anything but spaces and controls (RFC 3987's IRI, loosely).
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f]+$")
_HIERARCHICAL = frozenset({"http", "https", "ftp", "file"})


def looks_absolute(value: str) -> bool:
    """Whether a value has an absolute IRI's shape: a scheme, then no spaces or controls."""
    return bool(_ABSOLUTE.match(value))


def is_web_address(value: str | None) -> bool:
    """Whether a value is an absolute http(s) address with a host."""
    if not value:
        return False
    parts = _split(value)
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)


# Query parameters that carry credentials, by the names APIs give them.
_SECRET_PARAMETERS = re.compile(
    r"^(?:api[-_]?key|apikey|key|token|access[-_]?token|auth|authorization|secret|password|passwd|pwd|"
    r"sig|signature|session|sessionid|sid|client[-_]?secret)$",
    re.IGNORECASE,
)


def public_location(name: str) -> str:
    """Where an input came from, as it may be published: a URL without user name,
    password or credential parameters (``http://user:pass@host/?api_key=...``); an
    absolute local path as its file name and a digest of the path (the machine's
    folders are nobody's business); anything else as it is."""
    parts = _split(name)
    if parts is not None and parts.scheme in ("http", "https") and parts.netloc:
        host = parts.hostname or ""
        netloc = f"[{host}]" if ":" in host else host
        try:
            port = parts.port
        except ValueError:
            port = None
        netloc += f":{port}" if port else ""
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                           if not _SECRET_PARAMETERS.match(k)])  # fmt: skip
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    if os.path.isabs(name):
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        return f"{os.path.basename(name) or name}@{digest}"
    return name


# Cached: the canonical rule asks for the host of every member of a cluster each
# time one joins, and a syndicated story has thousands.
@functools.lru_cache(maxsize=65536)
def web_host(value: str | None) -> str | None:
    """The lower-case host of a web address, without ``www.``; ``None`` if it has none
    (or is not a URL Python can split)."""
    parts = _split(value) if value else None
    try:
        host = parts.hostname if parts is not None else None
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def _split(value: str) -> SplitResult | None:
    """A URL's parts, or ``None`` for one Python cannot split (``http://[::1/x``)."""
    try:
        return urlsplit(value)
    except ValueError:
        return None


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
        parts = _split(value)
        if parts is not None and (parts.scheme.lower() not in _HIERARCHICAL or parts.netloc):
            return value
        return None  # "http:/path": a scheme and no host; or no URL at all
    if base and _ABSOLUTE.match(base) and is_web_address(base):
        try:
            resolved = urljoin(base, value)
        except ValueError:
            return None
        return resolved if _ABSOLUTE.match(resolved) and _split(resolved) is not None else None
    return None


def is_postgres_url(name: str) -> bool:
    """Whether a store's name (``--db``) is a PostgreSQL database's URL, not a SQLite file."""
    return name.startswith(("postgresql://", "postgres://"))


_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(value: str) -> tuple[int, int] | None:
    """``"I/N"`` as (I, N) with 1 <= I <= N; ``None`` if it is not one."""
    found = _SHARD.match(value)
    if found is None:
        return None
    index, count = int(found.group(1)), int(found.group(2))
    return (index, count) if 1 <= index <= count else None


def in_shard(url: str, shard: tuple[int, int]) -> bool:
    """Whether worker I of N polls ``url``: a stable hash of the URL (the same on
    every machine and in every run), so a fleet splits its feeds without talking."""
    index, count = shard
    digest = hashlib.sha256(url.strip().encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % count == index - 1
