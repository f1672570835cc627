"""The one place where XML and HTML parsers are built.

Every parser here refuses to resolve entities, to load a DTD or to touch the
network, and does not lift libxml2's limits on depth and size (``huge_tree``).
Documents arrive as bytes, never as a path or a URL, so no parser ever opens
anything by itself.

A document that declares entities is refused outright, before any parser sees
it: feedparser's fallback parser would expand internal entities (a quadratic
blowup file becomes a 500-million-character value), and a hardened parser that
merely leaves them unexpanded would hand on text with holes in it.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import TypedDict

from lxml import etree, html

from normalizer.declarations import declares_entities
from normalizer.encoding import legacy_encoding
from normalizer.errors import InputError, UnsafeInputError
from normalizer.text import strip_xml_illegal

__all__ = [
    "decode_html",
    "html_parser",
    "iter_elements",
    "parse_html",
    "parse_xml",
    "refuse_entity_declarations",
    "wide_encoding",
    "xml_parser",
]

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# XML 1.0 appendix F: a document without a BOM still shows its width in its
# first four bytes, because it must start with "<".
_WIDE_STARTS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)


class _Hardening(TypedDict):
    resolve_entities: bool
    no_network: bool
    load_dtd: bool
    dtd_validation: bool
    huge_tree: bool
    strip_cdata: bool
    recover: bool


# The one definition of a hardened XML parse, for whole documents and streams alike.
_HARDENED: _Hardening = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "strip_cdata": True,
    "recover": False,
}


def xml_parser() -> etree.XMLParser:
    """A fresh hardened XML parser (parsers keep state, so never share one)."""
    return etree.XMLParser(remove_blank_text=False, **_HARDENED)


def html_parser() -> html.HTMLParser:
    """A fresh hardened HTML parser: forgiving about tags, strict about the outside world."""
    return html.HTMLParser(
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
        default_doctype=False,  # type: ignore[call-arg]  # lxml-stubs lag behind lxml
    )


def wide_encoding(data: bytes) -> tuple[str, int] | None:
    """The UTF-16/32 encoding of a document and its BOM's length, if it is one."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    for start, encoding in _WIDE_STARTS:
        if data.startswith(start):
            return encoding, 0
    return None


def _ascii_view(data: bytes) -> bytes:
    """The document in an ASCII-compatible encoding, so byte patterns can be searched."""
    wide = wide_encoding(data)
    if wide is None:
        return data
    encoding, bom = wide
    return data[bom:].decode(encoding, errors="replace").encode("utf-8")


def refuse_entity_declarations(data: bytes, source: str) -> None:
    """Raise :class:`UnsafeInputError` if the document declares any entity.

    News feeds have no use for entity declarations; every one met in the wild is
    an attack (billion laughs, quadratic blowup, XXE) or a broken exporter. A
    declaration quoted inside CDATA or a comment is text (see
    :mod:`normalizer.declarations`).
    """
    if declares_entities(_ascii_view(data)):
        raise UnsafeInputError(
            source, "refused: the document declares XML entities (possible entity bomb or XXE)"
        )


def _syntax_problem(error: etree.XMLSyntaxError) -> str:
    message = str(error).splitlines()[0] if str(error) else "not well-formed"
    return f"not well-formed XML: {message}"


def parse_xml(data: bytes, source: str) -> etree._Element:
    """Parse untrusted bytes into an element tree, or raise :class:`InputError`.

    Args:
        data: the whole document.
        source: the input's name, for the error message.

    Returns:
        The root element.
    """
    if not data.strip():
        raise InputError(source, "empty document")
    refuse_entity_declarations(data, source)
    try:
        root = etree.fromstring(data, parser=xml_parser())
    except etree.XMLSyntaxError as error:
        raise InputError(source, _syntax_problem(error)) from None
    if root is None:
        raise InputError(source, "empty document")
    return root


def iter_elements(data: bytes, source: str) -> Iterator[tuple[str, etree._Element]]:
    """Stream ``("start"|"end", element)`` events from untrusted bytes.

    Memory stays bounded when the caller clears elements it is done with, so a
    60 MB feed never has to be held as one tree.

    Raises:
        InputError: the document is empty, declares entities or is not well-formed.
    """
    if not data.strip():
        raise InputError(source, "empty document")
    refuse_entity_declarations(data, source)
    events = etree.iterparse(
        io.BytesIO(data), events=("start", "end"), remove_comments=True, remove_pis=True, **_HARDENED
    )
    try:
        yield from events
    except etree.XMLSyntaxError as error:
        raise InputError(source, _syntax_problem(error)) from None


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
# Labels that name a subset of what pages so labelled really contain (WHATWG Encoding).
_ENCODING_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "iso-8859-1": "cp1252", "ascii": "cp1252"}


def decode_html(data: bytes, hint: str | None = None) -> str:
    """The text of an HTML page, whatever its declared encoding claims.

    Bytes that are valid UTF-8 are UTF-8: pages are often re-saved as UTF-8 with
    their old ``<meta charset>`` left in place, and legacy text almost never forms
    valid UTF-8 by chance. Otherwise the BOM, then the declared charset, then
    the transport's ``hint`` (an HTTP charset), then what the bytes show (Western
    pages stay Windows-1252; see :mod:`normalizer.encoding`).
    """
    wide = wide_encoding(data)
    if wide is not None:
        encoding, bom = wide
        return data[bom:].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        label = declared.group(1).decode("ascii").lower()
        try:
            return data.decode(_ENCODING_SUPERSETS.get(label, label), errors="replace")
        except LookupError:
            pass  # an unknown label: fall through to the legacy default
    return data.decode(legacy_encoding(data, hint), errors="replace")


def parse_html(text: str | bytes, source: str, hint: str | None = None) -> html.HtmlElement:
    """Parse an HTML page or fragment leniently, or raise :class:`InputError`.

    ``hint`` is the transport's charset, for bytes that declare none.
    """
    if isinstance(text, bytes):
        refuse_entity_declarations(text, source)
        text = decode_html(text, hint)
    # Text (an item's HTML, already screened as part of its document) is not screened
    # again: lxml's HTML parser never resolves a declared entity (a security post's
    # quoted "<!ENTITY xxe SYSTEM ...>" leaves "&xxe;" as text), so it is safe to read.
    if not text.strip():
        raise InputError(source, "empty document")
    # lxml refuses text that still declares an encoding of its own, and any tree
    # edit that carries a C0 control character on; pages have no use for them.
    text = strip_xml_illegal(_XML_DECLARATION.sub("", text, count=1))
    parser = html_parser()
    try:
        root = html.fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        raise InputError(source, f"unreadable HTML: {error}") from None
    # HTML parsing recovers from nearly everything, but a fatal error (such as
    # nesting deeper than libxml2's limit) silently drops the rest of the text.
    fatal = [e for e in parser.error_log if e.level_name == "FATAL"]
    if fatal:
        raise InputError(source, f"unreadable HTML: {fatal[0].message} (line {fatal[0].line})")
    return root
