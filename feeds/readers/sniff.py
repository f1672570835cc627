"""Which format a document is in, judged from its bytes (never from its name)."""

from __future__ import annotations

import re
from typing import Literal

from normalizer.safexml import wide_encoding

__all__ = ["FORMATS", "Format", "sniff"]

Format = Literal[
    "rss", "atom", "rdf", "html", "text", "xml",
    "nitf", "newsml-g2", "newsml", "ninjs", "jsonfeed", "anpa", "iptc7901",
    "ritzau", "ntb-release", "opml",
]  # fmt: skip
FORMATS: tuple[Format, ...] = (
    "rss", "atom", "rdf", "html", "text", "xml",
    "nitf", "newsml-g2", "newsml", "ninjs", "jsonfeed", "anpa", "iptc7901",
    "ritzau", "ntb-release", "opml",
)  # fmt: skip

_HEAD_BYTES = 8192
_FEED_ROOTS: dict[str, Format] = {
    "rss": "rss",
    "feed": "atom",
    "rdf": "rdf",
    "nitf": "nitf",
    "newsml": "newsml",
    "rbnews": "ritzau",
    "xmlnewsqueuedresponse": "ritzau",
    "release": "ntb-release",
    "opml": "opml",
}
# The roots of NewsML-G2 documents (the namespace is checked too).
_G2_ROOTS = frozenset(
    {"newsmessage", "newsitem", "packageitem", "conceptitem", "knowledgeitem", "planningitem", "catalogitem"}
)
_G2_NAMESPACE = "iptc.org/std/nar/"
_JSON_FEED = re.compile(r'"version"\s*:\s*"https://jsonfeed\.org/version/')
# What may stand before the root element: a BOM, blank lines, the XML
# declaration, processing instructions, comments and a DOCTYPE.
_PROLOG = re.compile(
    r"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*", re.DOTALL | re.IGNORECASE
)
_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_HTML_HINT = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|section|div|p|h[1-6])[\s>]", re.IGNORECASE
)


def _head_text(data: bytes) -> str:
    head = data[:_HEAD_BYTES]
    wide = wide_encoding(head)
    if wide is not None:
        encoding, bom = wide
        return head[bom:].decode(encoding, errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def _teletype(data: bytes) -> Format | None:
    """ANPA-1312 or IPTC 7901: SOH (after SYNs for ANPA) opens, STX follows."""
    head = data[:512].lstrip(b"\x16")
    if not head.startswith(b"\x01") or b"\x02" not in data[:4096]:
        return None
    first_line = head.split(b"\n", 1)[0]
    return "anpa" if data.startswith(b"\x16") or b"\x1f" in first_line else "iptc7901"


def sniff(data: bytes) -> Format:
    """The format of a document: a feed flavour, an agency format, an HTML page,
    other XML, or plain text."""
    teletype = _teletype(data)
    if teletype is not None:
        return teletype
    head = _head_text(data)
    stripped = head.lstrip()
    if stripped.startswith(("{", "[")):
        return "jsonfeed" if _JSON_FEED.search(head) else "ninjs"
    if not stripped.startswith("<"):
        return "text"
    rest = head[_PROLOG.match(head).end() :]  # type: ignore[union-attr]
    root = _ROOT.match(rest)
    if root is None:
        if _HTML_HINT.search(head):
            return "html"
        # A prolog longer than the head we look at (a large DOCTYPE) is still XML.
        return "xml" if stripped.startswith(("<?xml", "<!")) else "text"
    found = _by_root(root.group(2).lower(), rest)
    # "<TIFFANY AND CO> TO GO PUBLIC": a wire headline that opens with a bracketed
    # ticker, not a document. XML declares itself or closes its root element.
    declared = stripped.startswith("<?xml") or _root_closes(data, root.group(0)[1:])
    return "text" if found == "xml" and not declared else found


def _root_closes(data: bytes, qualified_name: str) -> bool:
    """Whether the root element is closed somewhere: an end tag, or an empty-element tag."""
    name = qualified_name.encode("utf-8", errors="replace")
    if b"</" + name in data:
        return True
    start = data.find(b"<" + name)
    end = data.find(b">", start)
    return end > 0 and data[end - 1 : end] == b"/"


def _by_root(name: str, rest: str) -> Format:
    """The format an XML document's root element (and, for NewsML-G2, namespace) names."""
    if name in _FEED_ROOTS:
        return _FEED_ROOTS[name]
    if name in _G2_ROOTS and _G2_NAMESPACE in rest[:2000]:
        return "newsml-g2"
    return "html" if name == "html" or _HTML_HINT.match(rest) else "xml"
