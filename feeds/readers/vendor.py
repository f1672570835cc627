"""Agency XML that follows no standard: Ritzau's RBNews and NTB's press releases.

Both are flat documents whose element names say what they hold, so a reader is a
table of names. What they carry as HTML (the RBNews ``content``, the release
``body``) is handed on as HTML, for the cleaner to sanitise like any feed content.

- **Ritzau RBNews** (Danish national agency): one ``<RBNews>`` document, or many in
  an ``<XMLNewsQueuedResponse>`` (the agency's queue API). ``town`` and ``origin``
  ("/ritzau/") are the dateline; an item marked ``Annuleret`` (withdrawn) is
  rejected with that reason.
- **NTB press releases** (``<release>``, the Solita format of ntbinfo.no): title,
  lead text and HTML body, publisher, link and a ``dd.mm.yyyy hh:mm`` time.

Times without an offset are taken as UTC, as everywhere else (see ``agency_time``).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime

from lxml import etree

from feeds.readers.common import agency_time, child_text, input_id_for
from normalizer.errors import InputError
from normalizer.model import LeftOut, Origin, RawEntry, Skipped
from normalizer.safexml import parse_xml

__all__ = ["read_ntb_release", "read_ritzau"]

_RELEASE_TIME = "%d.%m.%Y %H:%M"


def _ritzau_item(item: etree._Element, source: str) -> RawEntry | LeftOut:
    news_id = child_text(item, "NewsID")
    input_id = news_id or source
    if child_text(item, "Annuleret").lower() == "true":
        return Skipped(source, "a withdrawn item (Annuleret), not an article", input_id)
    content = child_text(item, "content")
    if not content:
        return Skipped(source, "no body text in the item", input_id)
    origin = child_text(item, "origin").strip("/ ")
    town = child_text(item, "town")
    # A flash has no headline; its strapline ("NU/FLASH-U") is a desk code, not a title.
    title = child_text(item, "headline")
    return RawEntry(
        input_id=input_id,
        origin=Origin(kind="file", name=source),
        title=title,
        content=content,
        content_type="html",
        guid=f"urn:ritzau:{news_id}" if news_id else None,
        published=agency_time(child_text(item, "PublishDate")),
        author=child_text(item, "byLine") or None,
        language="da",
        dateline=f"{town} /{origin}/" if town and origin else town or None,
        credit=origin or None,
    )


def read_ritzau(data: bytes, source: str) -> Iterator[RawEntry | LeftOut]:
    """A Ritzau RBNews document, or the queue response that lists many."""
    root = parse_xml(data, source)
    name = etree.QName(root).localname
    if name == "RBNews":
        items = [root]
    elif name == "XMLNewsQueuedResponse":
        items = list(root.iter("{*}RBNews", "RBNews"))
    else:
        raise InputError(source, f"not Ritzau RBNews: the root element is <{name}>")
    if not items:
        raise InputError(source, "a Ritzau queue response with no news items")
    for item in items:
        yield _ritzau_item(item, source)


def _release_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, _RELEASE_TIME).replace(tzinfo=UTC)
    except ValueError:
        return None


def read_ntb_release(data: bytes, source: str) -> Iterator[RawEntry | LeftOut]:
    """An NTB press release (``<release id=... lang=...>``): one article."""
    root = parse_xml(data, source)
    if etree.QName(root).localname != "release":
        raise InputError(source, f"not an NTB release: the root element is <{etree.QName(root).localname}>")
    release_id = root.get("id") or ""
    input_id = release_id or input_id_for(source, data)
    body = child_text(root, "body")
    lead = child_text(root, "leadtext")
    if not body and not lead:
        yield Skipped(source, "a press release without body text", input_id)
        return
    # The body is HTML written with HTML's own entities (&aring;, &ndash;), which the
    # HTML reader knows; the lead is plain text and goes first, as its own paragraph.
    content = (f"<p>{html.escape(lead, quote=False)}</p>" if lead else "") + body
    yield RawEntry(
        input_id=input_id,
        origin=Origin(kind="file", name=source),
        title=child_text(root, "title"),
        content=content,
        content_type="html",
        guid=f"urn:ntb-release:{release_id}" if release_id else None,
        link=child_text(root, "longurl") or None,
        published=_release_time(child_text(root, "publicationDate")),
        language=root.get("lang") or None,
        credit=child_text(root, "publisher", "name") or None,
    )
