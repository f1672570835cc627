"""One document -> its raw entries, by the format its bytes show."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lxml import etree

from feeds.readers.agency import read_newsml1, read_newsml_g2, read_nitf
from feeds.readers.feed import read_feed
from feeds.readers.jsonfeed import read_json_feed, read_ninjs
from feeds.readers.page import read_html_page, read_text_article
from feeds.readers.sniff import Format, sniff
from feeds.readers.vendor import read_ntb_release, read_ritzau
from feeds.readers.wire_text import read_anpa, read_iptc7901
from normalizer.encoding import undeclared_xml_as_utf8
from normalizer.errors import InputError
from normalizer.model import LeftOut, RawEntry
from normalizer.safexml import parse_xml, refuse_entity_declarations
from normalizer.text import storable_values

__all__ = ["read_entries"]


_AGENCY_READERS: dict[str, Callable[[bytes, str], Iterator[RawEntry | LeftOut]]] = {
    "nitf": read_nitf,
    "newsml-g2": read_newsml_g2,
    "newsml": read_newsml1,
    "ninjs": read_ninjs,
    "jsonfeed": read_json_feed,
    "anpa": read_anpa,
    "iptc7901": read_iptc7901,
    "ritzau": read_ritzau,
    "ntb-release": read_ntb_release,
}


_XML_FORMATS = frozenset(
    {"rss", "atom", "rdf", "nitf", "newsml-g2", "newsml", "ritzau", "ntb-release", "xml"}
)


def read_entries(
    data: bytes, source: str, format_in: Format | None = None, charset: str | None = None
) -> Iterator[RawEntry | LeftOut]:
    """Every raw entry of a document (see :func:`_entries_of`), each text in it one
    every store and document can hold (no control characters, no lone surrogate)."""
    entries = _entries_of(data, source, format_in, charset)
    return (storable_values(entry) if isinstance(entry, RawEntry) else entry for entry in entries)


def _entries_of(
    data: bytes, source: str, format_in: Format | None = None, charset: str | None = None
) -> Iterator[RawEntry | LeftOut]:
    """Every raw entry of a document (one for an article file or page), streamed.

    ``charset`` is the transport's (an HTTP ``charset``): it is used for a document
    that declares no encoding of its own and is not UTF-8.

    An item of an agency document that is not a text article (a picture, a
    package, a planning item...) comes as a :class:`Skipped` (or, for a document
    of one item, a :class:`Rejected`) with the reason.

    Raises:
        InputError: the document is empty, unsafe, or unreadable as its format
            (an unsafe or empty document before the first entry; a problem found
            deeper in a feed while iterating).
    """
    if not data.strip():
        raise InputError(source, "empty document")
    found = format_in or sniff(data)
    if found in _XML_FORMATS:
        # XML that declares no encoding is UTF-8 to a parser: legacy bytes so sent
        # (a Russian feed in Windows-1251, no declaration) are made UTF-8 first.
        data = undeclared_xml_as_utf8(data, charset)
    if found in _AGENCY_READERS:
        # The XML ones parse through safexml.parse_xml, which refuses entity
        # declarations itself; JSON and teletype text carry no XML at all.
        return _AGENCY_READERS[found](data, source)
    if found == "text":
        return iter(read_text_article(data, source, charset))
    if found == "opml":
        raise InputError(source, "an OPML feed list, not a feed: give it to ingest or run to fetch its feeds")
    if found == "xml":
        root = etree.QName(parse_xml(data, source)).localname
        raise InputError(
            source,
            f"XML of a kind this version does not read: <{root}> (not RSS, Atom, NITF, NewsML or HTML)",
        )
    refuse_entity_declarations(data, source)
    if found in ("rss", "atom", "rdf"):
        return read_feed(data, source)
    return iter(read_html_page(data, source, charset))
