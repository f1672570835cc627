"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 -> RawEntry, through feedparser.

This is the only module that imports feedparser. No byte reaches it before the
hardened pre-screen in :mod:`normalizer.safexml`:

* a document that declares entities is refused;
* a well-formed document is streamed by the hardened parser and handed to
  feedparser in chunks of a few hundred items, each chunk re-serialised (so
  without any DOCTYPE) under a copy of the feed's own header. Memory stays
  bounded however many items the feed has;
* only a document the hardened parser cannot read (a wrong encoding declaration,
  a bare ``&``, a truncated file) goes to feedparser's forgiving parser whole, as
  it came; it declares no entities, so nothing can expand.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from typing import Any

import feedparser
from lxml import etree

from feeds.readers.rss import direct_feed_version, parsed_time, rss_entries
from normalizer.errors import InputError
from normalizer.html import html_to_paragraphs
from normalizer.identity import content_id
from normalizer.model import ContentType, Origin, RawEntry
from normalizer.safexml import iter_elements
from normalizer.values import absolute_iri, is_web_address

__all__ = ["CHUNK_ITEMS", "items_read_directly", "read_feed"]

CHUNK_ITEMS = 250
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_ITEM_NAMES = frozenset({"item", "entry"})
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname.lower()


def _attributes(element: etree._Element) -> dict[str, str]:
    return {str(name): str(value) for name, value in element.attrib.items()}


class _Chunker:
    """Cuts a streamed feed into small feed documents of at most ``size`` items.

    The container of the items is ``channel`` in RSS 0.9x/2.0 and the root in
    Atom and RSS 1.0. Its other children (title, link, the RSS 1.0 channel...)
    form the header copied into every chunk.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.root: etree._Element | None = None
        self.container: etree._Element | None = None
        self.header: list[etree._Element] = []
        self.items: list[etree._Element] = []

    def start(self, element: etree._Element) -> None:
        if self.root is None:
            self.root = element
            if _local(element) != "rss":
                self.container = element
        elif self.container is None and _local(element) == "channel" and element.getparent() is self.root:
            self.container = element

    def end(self, element: etree._Element) -> bool:
        """Take a finished element; say whether a chunk is full."""
        parent = element.getparent()
        if parent is None or parent is not self.container:
            return False
        kept = copy.deepcopy(element)
        (self.items if _local(element) in _ITEM_NAMES else self.header).append(kept)
        # Free what was read: the element itself and every earlier sibling.
        element.clear()
        while element.getprevious() is not None:
            del parent[0]
        return len(self.items) >= self.size

    def flush(self) -> list[etree._Element]:
        """Take the pending items."""
        items, self.items = self.items, []
        return items

    def document(self, items: list[etree._Element]) -> bytes:
        """These items as one small feed document under the header."""
        assert self.root is not None
        # The default namespace's key is None, which lxml accepts and its stubs do not.
        nsmap: Any = self.root.nsmap
        root = etree.Element(self.root.tag, attrib=_attributes(self.root), nsmap=nsmap)
        target = root
        if self.container is not None and self.container is not self.root:
            target = etree.SubElement(root, self.container.tag, attrib=_attributes(self.container))
        for element in self.header:
            target.append(copy.deepcopy(element))
        for element in items:
            target.append(element)
        return bytes(etree.tostring(root, encoding="utf-8", xml_declaration=True))

    def has_base(self) -> bool:
        """Whether the root, the container or the header sets ``xml:base``."""
        elements = [self.root, self.container, *self.header]
        return any(e is not None and _XML_BASE in e.attrib for e in elements)


def _chunks(data: bytes, source: str, size: int) -> Iterator[tuple[_Chunker, list[etree._Element]]]:
    """Well-formed feed bytes as a series of chunks of at most ``size`` items, each
    with the chunker that holds the feed's header."""
    chunker = _Chunker(size)
    for event, element in iter_elements(data, source):
        if event == "start":
            chunker.start(element)
        elif chunker.end(element):
            yield chunker, chunker.flush()
    if chunker.items or chunker.root is not None:
        yield chunker, chunker.flush()


def _is_well_formed(data: bytes, source: str) -> bool:
    """Whether the hardened parser reads the whole document (streamed, little memory)."""
    try:
        for event, element in iter_elements(data, source):
            if event == "end":
                element.clear()
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    except InputError as error:
        if "empty document" in error.problem:
            raise
        return False
    return True


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _content(entry: Any) -> tuple[str, ContentType]:
    """The fullest body the entry has (the longest of its contents, its summary and a
    ``yandex:full-text``), and how to read it.

    Not simply the content when there is one: feedparser files a ``media:description``
    (a photo caption) as content when it follows the item's description, and the
    caption is not the story.
    """
    best_value, best_type = "", "text/plain"
    for item in entry.get("content", []) or []:
        value = _text(item.get("value"))
        if len(value) > len(best_value):
            best_value, best_type = value, _text(item.get("type")) or "text/html"
    summary = _text(entry.get("summary"))
    if len(summary) > len(best_value):
        best_value = summary
        detail = entry.get("summary_detail") or {}
        best_type = _text(detail.get("type")) or "text/html"
    # yandex:full-text (feeds made for Yandex.News carry the whole article there, in
    # plain text, beside a teaser description); feedparser keeps it under the
    # document's own prefix.
    for key, value in entry.items():
        if key.endswith("full-text") and len(_text(value)) > len(best_value):
            best_value, best_type = _text(value), "text/plain"
    if not best_value:
        best_type = "text/html"
    content_type: ContentType = "html" if best_type in _HTML_TYPES else "text"
    return best_value, content_type


def _title(entry: Any) -> str:
    title = _text(entry.get("title"))
    detail = entry.get("title_detail") or {}
    if _text(detail.get("type")) in _HTML_TYPES and "<" in title:
        return " ".join(html_to_paragraphs(title, "title"))
    return title


def _origin(feed: Any, source: str) -> Origin:
    # Ids and links as absolute IRIs: a relative one is resolved against the feed's own
    # web address (its link, else the URL it was fetched from), or left out.
    fetched_from = source if is_web_address(source) else None
    link = absolute_iri(_text(feed.get("link")), fetched_from)
    return Origin(
        kind="feed",
        name=source,
        feed_id=absolute_iri(_text(feed.get("id")), link or fetched_from) or link,
        feed_title=_text(feed.get("title")) or None,
        feed_link=link,
    )


def _absolute_link(entry: RawEntry) -> RawEntry:
    """An entry whose link is relative (``/livewire/...``, no xml:base) with the link
    resolved against its feed's web address, as feed readers do; left out if none."""
    if not entry.link or absolute_iri(entry.link) == entry.link:
        return entry
    origin = entry.origin
    base = origin.feed_link or (origin.name if is_web_address(origin.name) else None)
    return dataclasses.replace(entry, link=absolute_iri(entry.link, base))


def _raw_entry(entry: Any, origin: Origin, language: str | None) -> RawEntry:
    content, content_type = _content(entry)
    guid = _text(entry.get("id")) or None
    link = _text(entry.get("link")) or None
    return RawEntry(
        input_id=guid or link or content_id(content.encode("utf-8")),
        origin=origin,
        title=_title(entry),
        content=content,
        content_type=content_type,
        guid=guid,
        link=link,
        published=parsed_time(entry.get("published_parsed")),
        # dict.get: feedparser's own get() maps a missing updated_parsed to
        # published_parsed, with a deprecation warning.
        updated=parsed_time(dict.get(entry, "updated_parsed")),
        author=_text(entry.get("author")) or None,
        language=language,
    )


def _feedparser(document: bytes, source: str) -> Any:
    """feedparser's reading of one document; its own failures become a one-line error.

    feedparser has crashed on hostile bytes (a NUL in the encoding declaration, a
    broken GML element, a lost ``where``): every such failure is the input's
    problem, never the run's, so it is caught here, at the one call site.
    """
    try:
        return feedparser.parse(document, sanitize_html=True, resolve_relative_uris=False)
    except Exception as error:
        raise InputError(source, f"feed parser failed: {type(error).__name__}: {error}") from None


def _parsed_entries(document: bytes, source: str, origin: Origin | None) -> list[RawEntry]:
    """The entries of one document as feedparser reads them."""
    parsed = _feedparser(document, source)
    entries = parsed.get("entries", [])
    if not parsed.get("version") and not entries:
        if parsed.get("bozo"):
            raise InputError(source, f"not a readable feed: {parsed.get('bozo_exception')}")
        raise InputError(source, "not a feed: no RSS or Atom root element and no entries")
    feed = parsed.get("feed", {})
    origin = origin or _origin(feed, source)
    language = _text(feed.get("language")) or None
    return [_raw_entry(entry, origin, language) for entry in entries]


def _direct_entries(
    chunker: _Chunker, items: list[etree._Element], source: str, origin: Origin | None
) -> list[RawEntry] | None:
    """The chunk's entries read by :mod:`feeds.readers.rss`, or ``None`` where feedparser
    must read them. feedparser still reads the header alone (a few elements), so the
    feed's title, link and language are its own."""
    if not items or chunker.has_base() or any(item.tag != "item" for item in items):
        return None
    header = _feedparser(chunker.document([]), source)
    if not direct_feed_version(header.get("version")):
        return None
    feed = header.get("feed", {})
    return rss_entries(items, origin or _origin(feed, source), _text(feed.get("language")) or None)


def items_read_directly(data: bytes, source: str, chunk_items: int = CHUNK_ITEMS) -> int:
    """How many of the document's items :func:`read_feed` reads without feedparser
    (for the checks that hold the two readings equal)."""
    if not _is_well_formed(data, source):
        return 0
    return sum(
        len(items)
        for chunker, items in _chunks(data, source, chunk_items)
        if _direct_entries(chunker, items, source, None) is not None
    )


def read_feed(
    data: bytes, source: str, chunk_items: int = CHUNK_ITEMS, direct: bool = True
) -> Iterator[RawEntry]:
    """Every entry of an RSS or Atom document, streamed.

    ``direct=False`` has feedparser read every item (the reference the direct
    reading is checked against).

    Raises:
        InputError: the document is unsafe, empty, or not a feed at all (raised
            while iterating, before any entry when the problem is the whole file).
    """
    if not _is_well_formed(data, source):
        yield from map(_absolute_link, _parsed_entries(data, source, None))
        return
    origin: Origin | None = None
    for chunker, items in _chunks(data, source, chunk_items):
        entries = _direct_entries(chunker, items, source, origin) if direct else None
        if entries is None:
            entries = _parsed_entries(chunker.document(items), source, origin)
        origin = origin or (entries[0].origin if entries else None)
        yield from map(_absolute_link, entries)
