"""Which format a document is in, judged from its bytes (never from its name)."""

from __future__ import annotations

import re
from typing import Literal

from normalizer.safexml import wide_encoding

__all__ = ["FORMATS", "Format", "sniff"]

Format = Literal["rss", "atom", "rdf", "html", "text", "xml"]
FORMATS: tuple[Format, ...] = ("rss", "atom", "rdf", "html", "text", "xml")

_HEAD_BYTES = 8192
_FEED_ROOTS: dict[str, Format] = {"rss": "rss", "feed": "atom", "rdf": "rdf"}
# What may stand before the root element: a BOM, blank lines, the XML
# declaration, processing instructions, comments and a DOCTYPE.
_PROLOG = re.compile(
    r"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*", re.DOTALL | re.IGNORECASE
)
_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_HTML_HINT = re.compile(r"<(?:!doctype\s+html|html|head|body|article|div|p)[\s>]", re.IGNORECASE)


def _head_text(data: bytes) -> str:
    head = data[:_HEAD_BYTES]
    wide = wide_encoding(head)
    if wide is not None:
        encoding, bom = wide
        return head[bom:].decode(encoding, errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def sniff(data: bytes) -> Format:
    """The format of a document: a feed flavour, an HTML page, other XML, or plain text."""
    head = _head_text(data)
    stripped = head.lstrip()
    if not stripped.startswith("<"):
        return "text"
    rest = head[_PROLOG.match(head).end() :]  # type: ignore[union-attr]
    root = _ROOT.match(rest)
    if root is None:
        if _HTML_HINT.search(head):
            return "html"
        # A prolog longer than the head we look at (a large DOCTYPE) is still XML.
        return "xml" if stripped.startswith(("<?xml", "<!")) else "text"
    name = root.group(2).lower()
    if name in _FEED_ROOTS:
        return _FEED_ROOTS[name]
    return "html" if name == "html" or _HTML_HINT.match(rest) else "xml"
