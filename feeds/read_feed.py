"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 -> RawEntry, through feedparser.

This is the only module that imports feedparser. No byte reaches it before the
hardened pre-screen in :mod:`normalizer.safexml`: a document that declares
entities is refused, and a well-formed document is handed on re-serialised from
the hardened parse (so without its DOCTYPE). Only a document the hardened parser
cannot read (wrong encoding declaration, a bare ``&``, a truncated file) goes to
feedparser's forgiving parser as it came, and it declares no entities.
"""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime
from typing import Any

import feedparser
from lxml import etree

from normalizer.errors import InputError
from normalizer.html import html_to_paragraphs
from normalizer.model import ContentType, Origin, RawEntry
from normalizer.pipeline import content_id
from normalizer.safexml import parse_xml, refuse_entity_declarations

__all__ = ["read_feed"]

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def _prescreen(data: bytes, source: str) -> bytes:
    """The bytes feedparser may see: entity-free, re-serialised when well-formed."""
    refuse_entity_declarations(data, source)
    try:
        root = parse_xml(data, source)
    except InputError as error:
        if "empty document" in error.problem:
            raise
        return data
    return bytes(etree.tostring(root, encoding="utf-8", xml_declaration=True))


def _datetime(parsed: Any) -> datetime | None:
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _content(entry: Any) -> tuple[str, ContentType]:
    """The fullest body the entry has (content, else summary), and how to read it."""
    best_value, best_type = "", "text/plain"
    for item in entry.get("content", []) or []:
        value = _text(item.get("value"))
        if len(value) > len(best_value):
            best_value, best_type = value, _text(item.get("type")) or "text/html"
    if not best_value:
        best_value = _text(entry.get("summary"))
        detail = entry.get("summary_detail") or {}
        best_type = _text(detail.get("type")) or "text/html"
    content_type: ContentType = "html" if best_type in _HTML_TYPES else "text"
    return best_value, content_type


def _title(entry: Any) -> str:
    title = _text(entry.get("title"))
    detail = entry.get("title_detail") or {}
    if _text(detail.get("type")) in _HTML_TYPES and "<" in title:
        return " ".join(html_to_paragraphs(title, "title"))
    return title


def read_feed(data: bytes, source: str) -> list[RawEntry]:
    """Read every entry of an RSS or Atom document.

    Raises:
        InputError: the document is unsafe, empty, or not a feed at all.
    """
    parsed = feedparser.parse(_prescreen(data, source), sanitize_html=True, resolve_relative_uris=False)
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    if not entries:
        if parsed.get("bozo") and not parsed.get("version"):
            problem = parsed.get("bozo_exception")
            raise InputError(source, f"not a readable feed: {problem}")
        if not parsed.get("version"):
            raise InputError(source, "not a feed: no RSS or Atom root element and no entries")
        return []
    origin = Origin(
        kind="feed",
        name=source,
        feed_id=_text(feed.get("id")) or _text(feed.get("link")) or None,
        feed_title=_text(feed.get("title")) or None,
        feed_link=_text(feed.get("link")) or None,
    )
    language = _text(feed.get("language")) or None
    raw_entries = []
    for entry in entries:
        content, content_type = _content(entry)
        guid = _text(entry.get("id")) or None
        link = _text(entry.get("link")) or None
        raw_entries.append(
            RawEntry(
                input_id=guid or link or content_id(content.encode("utf-8")),
                origin=origin,
                title=_title(entry),
                content=content,
                content_type=content_type,
                guid=guid,
                link=link,
                published=_datetime(entry.get("published_parsed")),
                # dict.get: feedparser's own get() maps a missing updated_parsed to
                # published_parsed, with a deprecation warning.
                updated=_datetime(dict.get(entry, "updated_parsed")),
                author=_text(entry.get("author")) or None,
                language=language,
            )
        )
    return raw_entries
