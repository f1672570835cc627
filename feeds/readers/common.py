"""What the readers share: input ids, text decoding, and agency XML by local name."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import PurePath

from lxml import etree

from normalizer.encoding import legacy_encoding
from normalizer.errors import InputError
from normalizer.identity import content_id

__all__ = [
    "agency_time",
    "child_text",
    "decode_text",
    "find",
    "input_id_for",
    "local_name",
    "person_of",
    "text_of",
]

_BY = re.compile(r"^(?:by|par|von|por|di|door|av|af)\s+", re.IGNORECASE)


def input_id_for(source: str, data: bytes) -> str:
    """The id of a one-article input: the file's stem (``docs/a17.html`` -> ``a17``)."""
    if source == "-":
        return content_id(data)
    return PurePath(source).stem or source


def decode_text(data: bytes, source: str, hint: str | None = None) -> str:
    """Bytes of a text file as text: UTF-8 (with or without BOM), else the transport's
    ``hint`` (an HTTP charset), else what the bytes show (Western text Windows-1252)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(source, "binary data, not a text article")
    for encoding in (
        ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",)
    ):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Not UTF-8: legacy text. Western text stays Windows-1252 (ftfy repairs what that
    # gets wrong later on); Cyrillic, CJK, Arabic... are told apart by their bytes.
    return data.decode(legacy_encoding(data, hint), errors="replace")


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def find(element: etree._Element | None, *path: str) -> etree._Element | None:
    """The first descendant reached by local names, each a child of the one before."""
    for name in path:
        if element is None:
            return None
        element = next((child for child in element if local_name(child) == name), None)
    return element


def text_of(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(str(t) for t in element.itertext()).split())


def child_text(element: etree._Element | None, *path: str) -> str:
    """The text of the element reached by local names (see :func:`find`), spaces folded;
    "" when there is none (an absent or ``xsi:nil`` element alike)."""
    return text_of(find(element, *path))


def agency_time(value: object) -> datetime | None:
    """An agency timestamp, ISO 8601 in its extended or compact forms
    (``2024-09-24T12:05:52+02:00``, ``20140829T134951+0000``), as Python reads it
    since 3.11; without an offset it is taken as UTC. Anything else is unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def person_of(byline: str) -> str:
    """A byline without its "By" ("Par", "Von", "Por", "Di", "Door", "Av"): the names."""
    return _BY.sub("", byline.strip()).strip()
