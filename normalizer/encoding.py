"""Bytes that say nothing of their encoding: which one they are in.

A document that declares its encoding (a BOM, an XML declaration, ``<meta charset>``,
an HTTP ``charset``) is read as declared elsewhere. One that declares nothing and
is not UTF-8 is legacy text: Western text was read as Windows-1252 before anything
here existed, and still is (ftfy repairs the rest), but Cyrillic, CJK, Arabic,
Greek or Hebrew text read so becomes mojibake. charset-normalizer tells those apart.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

__all__ = ["declared_xml_encoding", "legacy_encoding", "undeclared_xml_as_utf8"]

# Single-byte Latin encodings a detector confuses with one another on Western text:
# for all of them, Windows-1252 reads the text as it was always read here.
_WESTERN = frozenset(
    codecs.lookup(label).name
    for label in ("ascii", "cp1252", "cp1250", "latin_1", "iso8859_2", "iso8859_15", "iso8859_9", "cp1254",
                  "mac_roman", "cp850")
)  # fmt: skip
_LATIN_1 = codecs.lookup("latin_1").name
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")
_SAMPLE_BYTES = 64 * 1024
# Above this share of non-ASCII bytes among letters, text is in a non-Latin script.
_NON_LATIN_SHARE = 0.3


def declared_xml_encoding(data: bytes) -> str | None:
    """The encoding an XML declaration names, if it names one."""
    found = _XML_DECLARATION.match(data[:1024].lstrip(b"\xef\xbb\xbf"))
    return found.group(1).decode("ascii") if found else None


def _known(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


def legacy_encoding(data: bytes, hint: str | None = None) -> str:
    """The encoding of bytes that are not UTF-8 and declare none themselves: the
    transport's ``hint`` (an HTTP charset) if it is a known one, else what
    charset-normalizer finds, Western text staying Windows-1252."""
    known = _known(hint)
    if known:
        # ISO-8859-1 as labelled means Windows-1252, as browsers read it (WHATWG).
        return "cp1252" if known in (_LATIN_1, "ascii") else known
    sample = data[:_SAMPLE_BYTES]
    if _high_share(sample) < _NON_LATIN_SHARE:
        # A few accented letters among ASCII ones: Western text. (Detectors, given
        # little text, call it Baltic or Farsi as readily as Latin.)
        return "cp1252"
    best = from_bytes(sample).best()
    found = (_known(best.encoding) if best else None) or "cp1252"
    return "cp1252" if found in _WESTERN else found


def _high_share(sample: bytes) -> float:
    """The share of bytes above ASCII among the letter-like bytes: small for Western
    text, large for Cyrillic, Greek, Arabic, Hebrew or CJK in their legacy encodings."""
    high = sum(1 for byte in sample if byte >= 0x80)
    letters = high + sum(1 for byte in sample if 0x41 <= byte <= 0x5A or 0x61 <= byte <= 0x7A)
    return high / letters if letters else 0.0


def undeclared_xml_as_utf8(data: bytes, hint: str | None = None) -> bytes:
    """An XML document that declares no encoding and is not UTF-8 (which XML would
    take it as), transcoded to UTF-8; any other document as it is."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or declared_xml_encoding(data):
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(legacy_encoding(data, hint), errors="replace").encode("utf-8")
    return data
