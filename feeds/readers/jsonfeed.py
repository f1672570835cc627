"""JSON inputs: JSON Feed 1.x, ninjs 1.x/2.x (and dpa digitalwires, AP Media API).

JSON is parsed by the standard library (no entities, nothing fetched); its
nesting is bounded by the interpreter's recursion limit, which raises a plain
error here. Each item that is not a text article is a named rejection.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from feeds.readers.common import agency_time, input_id_for, person_of
from normalizer.errors import InputError
from normalizer.model import LeftOut, Origin, RawEntry, Rejected, Skipped

__all__ = ["is_json_feed", "load_json", "read_json_feed", "read_ninjs"]

_TEXT_TYPES = frozenset({"text", "composite"})


def load_json(data: bytes, source: str) -> Any:
    """The parsed document, or a one-line :class:`InputError`. (A JSON string can carry
    what XML cannot, "\\u0000" or a lone surrogate: every entry a reader gives is made
    storable where the readers hand it over, see :func:`feeds.readers.read_entries`.)"""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(source, "JSON that is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise InputError(source, f"not valid JSON: {error.msg} at line {error.lineno}") from None
    except RecursionError:
        raise InputError(source, "JSON nested too deeply") from None


def is_json_feed(document: Any) -> bool:
    """Whether a parsed JSON document is a JSON Feed (its ``version`` says so)."""
    return isinstance(document, dict) and str(document.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    )


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def read_json_feed(data: bytes, source: str) -> Iterator[RawEntry | LeftOut]:
    """A JSON Feed 1.0/1.1: each item is an article."""
    document = load_json(data, source)
    if not is_json_feed(document):
        raise InputError(source, "not a JSON Feed (no jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise InputError(source, "a JSON Feed without an items list")
    origin = Origin(
        kind="feed",
        name=source,
        feed_id=_str(document.get("feed_url")) or None,
        feed_title=_str(document.get("title")) or None,
        feed_link=_str(document.get("home_page_url")) or None,
    )
    feed_language = _str(document.get("language")) or None
    for number, item in enumerate(items):
        if not isinstance(item, dict):
            yield Skipped(source, "an item that is not an object", f"item {number}")
            continue
        item_id = _str(item.get("id")) or _str(item.get("url")) or f"item {number}"
        html, text = _str(item.get("content_html")), _str(item.get("content_text"))
        if not (html or text):
            yield Skipped(source, "no content_html or content_text", item_id)
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
        yield RawEntry(
            input_id=item_id,
            origin=origin,
            title=_str(item.get("title")),
            content=html or text,
            content_type="html" if html else "text",
            guid=_str(item.get("id")) or None,
            link=_str(item.get("url")) or None,
            published=agency_time(item.get("date_published")),
            updated=agency_time(item.get("date_modified")),
            author=", ".join(n for n in names if n) or None,
            language=_str(item.get("language")) or feed_language,
        )


def _ninjs_items(document: Any) -> list[Any]:
    """The ninjs items of a document: one item, a list, or a response wrapping them."""
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        return []
    for wrapper in ("item", "items", "data", "entries"):
        inner = document.get(wrapper)
        if isinstance(inner, list):
            return [i.get("item", i) if isinstance(i, dict) else i for i in inner]
        if isinstance(inner, dict) and wrapper == "data":
            return _ninjs_items(inner)
        if isinstance(inner, dict):
            return [inner]
    return [document]


def _ninjs_headline(item: dict[str, Any]) -> str:
    headlines = item.get("headlines")
    if isinstance(headlines, list):
        for headline in headlines:
            if isinstance(headline, dict) and _str(headline.get("value")):
                return _str(headline.get("value"))
    return _str(item.get("headline"))


def _ninjs_body(item: dict[str, Any]) -> tuple[str, str]:
    """(content, content type) of a ninjs item: 2.x bodies, 1.x body_html/body_text, digitalwires."""
    bodies = item.get("bodies")
    if isinstance(bodies, list):
        for body in bodies:
            if isinstance(body, dict) and _str(body.get("value")):
                kind = _str(body.get("contenttype")) or _str(body.get("role"))
                return _str(body["value"]), "html" if "html" in kind else "text"
    for key, kind in (
        ("body_html", "html"),
        ("article_html", "html"),
        ("body_xhtml", "html"),
        ("body_text", "text"),
    ):
        if _str(item.get(key)):
            return _str(item[key]), kind
    return "", "text"


def _byline(item: dict[str, Any]) -> str | None:
    byline = _str(item.get("byline")) or _str(item.get("by"))
    if not byline and isinstance(item.get("bylines"), list):
        byline = ", ".join(
            _str(b.get("by")) for b in item["bylines"] if isinstance(b, dict) and _str(b.get("by"))
        )
    return person_of(byline) or None


def read_ninjs(data: bytes, source: str) -> Iterator[RawEntry | LeftOut]:
    """A ninjs document (1.x, 2.x, dpa digitalwires, AP Media API): each text item."""
    document = load_json(data, source)
    items = _ninjs_items(document)
    if not items:
        raise InputError(source, "JSON without a ninjs item")
    stem = input_id_for(source, data)
    single = len(items) == 1
    for number, item in enumerate(items):
        if not isinstance(item, dict):
            yield Skipped(source, "an item that is not an object", f"{stem}-{number}")
            continue
        guid = (
            _str(item.get("uri"))
            or _str(item.get("guid"))
            or _str(item.get("urn"))
            or _str(item.get("altids", {}).get("itemid") if isinstance(item.get("altids"), dict) else "")
        )
        label = guid or (stem if single else f"{stem}-{number}")
        kind = _str(item.get("type")) or "text"
        if kind not in _TEXT_TYPES:
            yield (
                Rejected(source, f"a {kind} item, not a text article")
                if single
                else Skipped(source, f"a {kind} item, not a text article", label)
            )
            continue
        content, content_type = _ninjs_body(item)
        if not content:
            reason = (
                "no body text (the item links its text rather than carrying it)"
                if item.get("renditions")
                else "no body text"
            )
            yield (Rejected(source, reason) if single else Skipped(source, reason, label))
            continue
        located = item.get("located")
        dateline = _str(item.get("dateline")) or (_str(located) if isinstance(located, str) else "")
        credit = _str(item.get("creditline")) or _str(item.get("copyrightholder")) or _str(item.get("source"))
        yield RawEntry(
            input_id=label,
            origin=Origin(kind="file", name=source),
            title=_ninjs_headline(item),
            content=content,
            content_type=content_type,  # type: ignore[arg-type]
            guid=guid or None,
            published=agency_time(item.get("firstcreated")) or agency_time(item.get("content_created")),
            updated=agency_time(item.get("versioncreated")) or agency_time(item.get("version_created")),
            author=_byline(item),
            language=_str(item.get("language")) or None,
            dateline=dateline or None,
            credit=credit or None,
        )
