"""One document -> its raw entries, by the format its bytes show."""

from __future__ import annotations

from collections.abc import Iterator

from feeds.read_feed import read_feed
from feeds.read_page import read_html_page, read_text_article
from feeds.sniff import Format, sniff
from normalizer.errors import InputError
from normalizer.model import RawEntry
from normalizer.safexml import refuse_entity_declarations

__all__ = ["read_entries"]


def read_entries(data: bytes, source: str, format_in: Format | None = None) -> Iterator[RawEntry]:
    """Every raw entry of a document (one for an article file or page), streamed.

    Raises:
        InputError: the document is empty, unsafe, or unreadable as its format
            (an unsafe or empty document before the first entry; a problem found
            deeper in a feed while iterating).
    """
    if not data.strip():
        raise InputError(source, "empty document")
    found = format_in or sniff(data)
    if found != "text":
        refuse_entity_declarations(data, source)
    if found in ("rss", "atom", "rdf"):
        return read_feed(data, source)
    if found == "html":
        return iter(read_html_page(data, source))
    if found == "xml":
        raise InputError(source, "XML of a kind this version does not read (not RSS, Atom or HTML)")
    return iter(read_text_article(data, source))
