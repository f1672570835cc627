"""Which entries are one article: identity that survives feed quirks.

Feeds name one item in many spellings: ``http://`` and ``https://``, with and
without ``www.``, with a fragment (``#0``) or tracking parameters (``?utm_source=rss``,
``?ref=rss``) appended per feed or per day. These are one article, not near-duplicates
of each other. A guid that is not a web address is compared as written.

Identity is scoped to the source (as Miniflux keeps guids unique per feed): the web
host a feed or page was fetched from, the folder a file is in. A hostile feed that
reuses a Reuters guid names another article than Reuters' own; ``a/story.txt`` and
``b/story.txt`` are two articles. Copies across sources meet only through
near-duplicate clustering, and an agency's re-send through its own feed still
replaces its own earlier version.
"""

from __future__ import annotations

import hashlib
import json
import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import xxhash

from normalizer.model import Origin, RawEntry

__all__ = [
    "article_key",
    "content_id",
    "identity_url",
    "is_tracking_parameter",
    "key_scope",
    "legacy_key",
    "local_key",
    "raw_digest",
    "source_scope",
]

# Between a key's source and the entry's own id: a character no address or path holds.
_SCOPE_SEPARATOR = "\x1f"

_TRACKING_PREFIXES = ("utm_", "at_", "mc_", "pk_", "mtm_", "hsa_", "oly_", "_hs")
# Only names that are tracking wherever they appear; "id", "cid" or "source" may
# name the article itself on some sites, so they stay.
_TRACKING_NAMES = frozenset(
    {
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "cmp",
        "cmpid",
        "ocid",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "smid",
        "smtyp",
        "wt_mc",
        "_ga",
        "guccounter",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_parameter(name: str) -> bool:
    """Whether a query parameter only says how a reader came, not what they asked for."""
    folded = name.lower()
    return folded in _TRACKING_NAMES or folded.startswith(_TRACKING_PREFIXES)


def identity_url(value: str) -> str:
    """The one spelling of a web address for identity; anything else unchanged.

    ``https``, lower-case host without ``www.`` or a default port, no fragment, no
    tracking parameters, the other parameters in order. The path is kept as
    written: servers may treat case and trailing slashes as different pages.
    """
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text  # not a well-formed address: compared as written
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return text
    host = parts.hostname.lower().removeprefix("www.")
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    query = sorted(
        (name, item)
        for name, item in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(name)
    )
    return urlunsplit(("https", host, parts.path or "/", urlencode(query), ""))


def source_scope(origin: Origin) -> str:
    """The source an entry's identity belongs to: the web host its feed or page was
    fetched from (the category feeds of one site are one source), the folder of the
    file it was read from (a feed file's too), or standard input. Paths are as the
    input named them, normalised (``a/./b`` is ``a/b``): the same command gives the
    same ids on any machine it runs on."""
    name = origin.name
    if origin.kind == "stdin" or name == "-":
        return "stdin"
    if name.startswith(("http://", "https://")):
        return f"host:{_host(name)}"
    return f"file:{os.path.dirname(os.path.normpath(name)) or '.'}"


def _host(url: str) -> str:
    """A web address's host as identity spells it (no ``www.``, its port if not the default)."""
    return urlsplit(identity_url(url)).netloc or url


def local_key(key: str) -> str:
    """A key without its source: the entry's own id (guid, link or file id), which is
    the whole key of an article stored before keys were scoped."""
    return key.rpartition(_SCOPE_SEPARATOR)[2]


def key_scope(key: str) -> str | None:
    """The source a key is scoped to (``None`` for a key stored before scoping)."""
    scope, separator, _ = key.rpartition(_SCOPE_SEPARATOR)
    return scope if separator else None


def article_key(raw: RawEntry) -> str:
    """The store's identity for an entry: its source (:func:`source_scope`) and its
    guid, else its link, else its own id where it came from.

    Web addresses are compared in one spelling (see :func:`identity_url`), so an
    item re-listed with ``?utm_source=...``, ``#0`` or ``http://`` is the same article.
    """
    return source_scope(raw.origin) + _SCOPE_SEPARATOR + legacy_key(raw)


def legacy_key(raw: RawEntry) -> str:
    """The identity stores before source-scoped keys gave an entry (the guid, link or
    origin id alone): an article stored under it is found again from its own source."""
    if raw.guid:
        return identity_url(raw.guid)
    if raw.link:
        return identity_url(raw.link)
    return f"{raw.origin.kind}:{raw.input_id}"


def raw_digest(raw: RawEntry, cleaning_version: str) -> str:
    """A digest of everything a reader gave for an entry, and of the cleaning that
    turns it into an article: equal digests, the same article again.

    A change of the cleaning rules (``cleaning_version``) changes every digest, so
    entries are cleaned again under the new rules.
    """
    fields = (
        cleaning_version, raw.input_id, raw.origin.kind, raw.origin.name, raw.origin.feed_id,
        raw.origin.feed_title, raw.origin.feed_link, raw.title, raw.content, raw.content_type, raw.guid,
        raw.link, raw.published.isoformat() if raw.published else None,
        raw.updated.isoformat() if raw.updated else None, raw.author, raw.language, raw.dateline, raw.credit,
    )  # fmt: skip
    return xxhash.xxh3_128_hexdigest(json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogatepass"))


def content_id(data: bytes) -> str:
    """A short stable id for content that has no name of its own."""
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]
