"""RSS 0.91-2.0 items read straight from the hardened parse, feedparser's way.

feedparser's pure-Python event handling is the largest single cost of reading a
feed. Most news items are simple: a title, a link or guid, a date, an author and
an HTML body, each an element with text only. Such an item is read here from the
lxml element the hardened parser already built, applying the same steps feedparser
applies to the fields newsnorm uses (whitespace stripped, the UTF-8-read-as-Latin-1
repair, Windows-1252 code points, the link's ``&amp;`` repair, the guid standing in
for a missing link, feedparser's own date parser).

Anything else gives up, and the caller hands the items to feedparser: a repeated
field, an attribute that changes how a field is read (``type``, ``mode``,
``xml:base``), markup inside a field, an element feedparser maps onto a field from
another vocabulary (``media:title``, ``dc:description``, ``itunes:author``...), a
title that looks like HTML, an item with neither guid nor link.

The body does not go through feedparser's HTML sanitiser. The cleaner keeps only
the visible text of it (scripts, styles, embeds dropped) and the Atom writer
sanitises what it writes, so safety never rested on it. Over the real feeds of the
corpus the two readings give the same articles (``scripts/rss_direct_check.py``);
over feedparser's own sanitiser test items, all but five: there the cleaner drops
what the sanitiser let through as text (a page's ``<title>``, script source, an
unclosed ``<object>``'s fallback). ``tests/test_read_rss.py`` holds both.
"""

from __future__ import annotations

import calendar
import contextlib
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

# feedparser's own date parser (every format it knows, tried in its order) and its
# table of namespaces: private names, which pyproject's pin on feedparser 6 and the
# equivalence test keep honest.
from feedparser.datetimes import _parse_date
from feedparser.mixin import _FeedParserMixin
from lxml import etree

from normalizer.model import Origin, RawEntry

__all__ = ["direct_feed_version", "parsed_time", "rss_entries"]

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
# Item children read here, by the field they feed.
_FIELDS = {
    "title": "title",
    "link": "link",
    "description": "description",
    "guid": "guid",
    "pubDate": "published",
    "author": "author",
    f"{_DC}creator": "author",
    f"{_DC}date": "updated",
    f"{_CONTENT}encoded": "content",
    # Feeds made for Yandex.News: the whole article, plain text, beside a teaser.
    "{http://news.yandex.ru}full-text": "full_text",
}
_ATTRIBUTES_ALLOWED = {"guid": frozenset({"isPermaLink"})}
_MEDIA = "{http://search.yahoo.com/mrss/}"
# Item children feedparser keeps apart from every field newsnorm reads, as long as
# they hold no elements (media:content may hold a media:title, which is a title).
_INERT = frozenset(
    {
        "category", "comments", "enclosure", "source",
        f"{_MEDIA}content", f"{_MEDIA}thumbnail", f"{_MEDIA}credit", f"{_MEDIA}category",
        f"{_MEDIA}keywords", f"{_MEDIA}rating", f"{_MEDIA}restriction", f"{_MEDIA}license",
        f"{_DC}subject", f"{_DC}rights", f"{_DC}identifier",
        "{http://rssnamespace.org/feedburner/ext/1.0}origLink",
        "{http://purl.org/rss/1.0/modules/slash/}comments",
        "{http://wellformedweb.org/commentAPI/}comment",
        "{http://wellformedweb.org/commentAPI/}commentRss",
    }
)  # fmt: skip
_ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
# feedparser finds its handler for an element of a namespace it does not know by
# the element's prefix in the document: such an element is inert only under a
# prefix that names none of feedparser's vocabularies.
_KNOWN_NAMESPACES = frozenset(uri.lower() for uri in _FeedParserMixin.namespaces)
_KNOWN_PREFIXES = frozenset(prefix.lower() for prefix in _FeedParserMixin.namespaces.values())
# feedparser's looks_like_html: a closing tag or a character reference.
_HTML_HINT = re.compile(r"</\w+>|&#?\w+;")
# feedparser maps the C1 controls to the Windows-1252 characters they stand for.
_CP1252 = {
    c: bytes([c]).decode("cp1252") for c in range(0x80, 0xA0) if c not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_REFERENCE_LEFT = re.compile(r"&([A-Za-z0-9_]+);")
_SCHEME_SLASHES = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")


def _repaired(text: str) -> str:
    """feedparser's last steps for every field of a UTF-8 document."""
    text = text.strip()
    # "Data that is already UTF-8, presumed to be Latin-1 and re-encoded."
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(_CP1252)


def _uri(text: str) -> str:
    """feedparser's resolution of a link or guid against an empty base."""
    return _SCHEME_SLASHES.sub(r"\1\3", text)


def parsed_time(parsed: Any) -> datetime | None:
    """A date as feedparser parsed it (a ``struct_time`` in UTC), as a datetime."""
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _inert(child: etree._Element) -> bool:
    """Whether feedparser reads nothing newsnorm uses from this item child."""
    if len(child):
        return False
    tag = str(child.tag)
    if tag in _INERT:
        return True
    if tag == _ATOM_LINK:
        # An alternate atom:link is the item's link to feedparser.
        return child.get("rel", "alternate") != "alternate"
    namespace = etree.QName(child).namespace
    return (
        namespace is not None
        and namespace.lower() not in _KNOWN_NAMESPACES
        and child.prefix is not None
        and child.prefix.lower() not in _KNOWN_PREFIXES
    )


def _fields(item: etree._Element) -> dict[str, tuple[str, dict[str, str]]] | None:
    """Each field's raw text and attributes, or ``None`` when the item is not simple."""
    if item.attrib:
        return None
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for child in item:
        # lxml's stubs type every tag as a string; a comment's is a function.
        tag: object = child.tag
        if not isinstance(tag, str):
            continue  # a comment or processing instruction between fields
        field = _FIELDS.get(tag)
        if field is None:
            if _inert(child):
                continue
            return None
        allowed = _ATTRIBUTES_ALLOWED.get(tag, frozenset())
        if field in found or len(child) or any(name not in allowed for name in child.attrib):
            return None
        found[field] = (child.text or "", {str(k): str(v) for k, v in child.attrib.items()})
    return found


def _entry(item: etree._Element, origin: Origin, language: str | None) -> RawEntry | None:
    fields = _fields(item)
    if fields is None:
        return None
    text = {name: _repaired(value) for name, (value, _) in fields.items()}
    title = text.get("title", "")
    author = text.get("author", "")
    if _HTML_HINT.search(title):
        return None
    guid_is_link = "guid" in fields and fields["guid"][1].get("isPermaLink", "true") == "true"
    guid = text.get("guid")
    if guid is not None and guid_is_link:
        guid = _uri(guid)
    link: str | None
    if "link" in text:
        link = _REFERENCE_LEFT.sub(r"&\1", _uri(text["link"]).replace("&amp;", "&"))
    elif guid_is_link:
        link = guid
    else:
        link = None
    if not guid and not link:
        return None  # its id would be a hash of the body as feedparser sanitised it
    # The longest, as feedparser's reading does (feeds.readers.feed._content).
    content, description = text.get("content", ""), text.get("description", "")
    body = content if len(content) >= len(description) else description
    full_text = text.get("full_text", "")
    plain = len(full_text) > len(body)
    return RawEntry(
        input_id=guid or link or "",
        origin=origin,
        title=title,
        content=full_text if plain else body,
        content_type="text" if plain else "html",
        guid=guid or None,
        link=link or None,
        published=parsed_time(_parse_date(text["published"])) if "published" in text else None,
        updated=parsed_time(_parse_date(text["updated"])) if "updated" in text else None,
        author=author or None,
        language=language,
    )


def rss_entries(
    items: Sequence[etree._Element], origin: Origin, language: str | None
) -> list[RawEntry] | None:
    """The entries of these RSS items, or ``None`` if any is not simple enough to
    read without feedparser (then all of them go to feedparser, in order)."""
    entries = []
    for item in items:
        entry = _entry(item, origin, language)
        if entry is None:
            return None
        entries.append(entry)
    return entries


def direct_feed_version(version: Any) -> bool:
    """Whether feedparser's version names an RSS whose items this module reads."""
    return isinstance(version, str) and version.startswith("rss") and version not in ("rss090", "rss10")
