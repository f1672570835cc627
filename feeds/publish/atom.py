"""Stored articles + story clusters -> an Atom 1.0 document (RFC 4287), via lxml.

The output depends on the store alone: no wall-clock time, entries sorted, ids
derived from article keys. The duplicate flags travel in a small extension
namespace (see ``docs/atom-extension.md``).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import quote

from lxml import etree

from normalizer import __version__
from normalizer.html import paragraphs_to_html
from normalizer.model import Skipped
from normalizer.settings import Settings
from normalizer.store import Store, StoredArticle
from normalizer.text import storable_values, strip_xml_illegal
from normalizer.values import is_web_address, public_location

__all__ = [
    "ATOM_NS",
    "EXT_NS",
    "FEED_END",
    "FH_NS",
    "FeedInfo",
    "FeedPart",
    "atom_bytes",
    "atom_id",
    "feed_head",
    "feed_info",
    "feed_updated",
    "iter_entries",
    "write_atom",
]

ATOM_NS = "http://www.w3.org/2005/Atom"
EXT_NS = "urn:newsnorm:atom-extension:1"
# What closes every document (feed_head opens it).
FEED_END = b"</feed>\n"
# RFC 5005 feed history: fh:archive marks an archive document.
FH_NS = "http://purl.org/syndication/history/1.0"
_NSMAP = {None: ATOM_NS, "nn": EXT_NS}
_ID_NAMESPACE = uuid.UUID("0b8a4c57-3b0e-5a8e-9c1f-2d7d1a6e4f10")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NS_DECLARATIONS = b' xmlns="http://www.w3.org/2005/Atom" xmlns:nn="' + EXT_NS.encode() + b'"'


@dataclass(frozen=True)
class FeedInfo:
    """What the feed says about itself."""

    id: str
    title: str
    generator_version: str


def feed_info(settings: Settings) -> FeedInfo:
    """What the emitted feed says about itself, from the settings."""
    return FeedInfo(id=settings.feed_id, title=settings.feed_title, generator_version=__version__)


def atom_id(key: str) -> str:
    """A stable absolute IRI for an article key (the same key, the same id, every run)."""
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, key)}"


def rfc3339(moment: datetime) -> str:
    """A timestamp as RFC 3339, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: strip_xml_illegal(v) for k, v in attrib.items()})
    if text is not None:
        element.text = strip_xml_illegal(text)
    return element


def _atom(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _ext(tag: str) -> str:
    return f"{{{EXT_NS}}}{tag}"


def _source(entry: etree._Element, stored: StoredArticle) -> None:
    origin = stored.article.origin
    source = _sub(entry, _atom("source"))
    # What the input is called, as it may be published: no credentials, no local folders.
    name = public_location(origin.name)
    if origin.kind == "feed":
        source_id = origin.feed_id or origin.feed_link or f"urn:newsnorm:feed:{quote(name)}"
        _sub(source, _atom("id"), source_id)
        _sub(source, _atom("title"), origin.feed_title or name)
        if is_web_address(origin.feed_link):
            _sub(source, _atom("link"), rel="alternate", href=str(origin.feed_link))
        if is_web_address(name):
            _sub(source, _atom("link"), rel="self", href=name)
    else:
        location = name if is_web_address(name) else None
        _sub(source, _atom("id"), location or f"urn:newsnorm:{origin.kind}:{quote(name)}")
        _sub(source, _atom("title"), name)
        if location:
            _sub(source, _atom("link"), rel="alternate", href=location)


def _story(
    entry: etree._Element, stored: StoredArticle, members: Sequence[StoredArticle], pages: str | None
) -> None:
    cluster = atom_id(stored.cluster_key)
    story = _sub(
        entry,
        _ext("story"),
        cluster=cluster,
        canonical="true" if stored.canonical else "false",
        similarity=f"{stored.similarity:.4f}",
        rule=stored.rule,
    )
    if pages is not None and stored.cluster_size > 1:
        story.set("href", f"{pages}/story/{cluster.removeprefix('urn:uuid:')}")
    if not stored.canonical:
        story.set("canonical-ref", atom_id(stored.canonical_key))
    if stored.rule != "founder":
        story.set("linked-ref", atom_id(stored.linked_to))
        story.set("type", stored.link_type or "")
    for member in members:
        if member.article.key != stored.article.key:
            _sub(
                story,
                _ext("member"),
                ref=atom_id(member.article.key),
                similarity=f"{member.similarity:.4f}",
                rule=member.rule,
                **({"type": member.link_type} if member.link_type else {}),
            )


def _entry(
    stored: StoredArticle, members: Sequence[StoredArticle], story_pages: str | None = None
) -> etree._Element:
    article = stored.article
    entry = etree.Element(_atom("entry"), nsmap=_NSMAP)  # type: ignore[arg-type]
    _sub(entry, _atom("id"), atom_id(article.key))
    _sub(entry, _atom("title"), article.title, type="text")
    _sub(entry, _atom("updated"), rfc3339(stored.entry_time))
    if article.published:
        _sub(entry, _atom("published"), rfc3339(article.published))
    author = article.byline or article.agency
    if author:
        _sub(_sub(entry, _atom("author")), _atom("name"), author)
    if is_web_address(article.url):
        _sub(entry, _atom("link"), rel="alternate", type="text/html", href=str(article.url))
    if article.paragraphs or not is_web_address(article.url):
        # A headline-only article with a web address links to its text instead
        # (RFC 4287 4.1.2: no atom:content, then an alternate link).
        content = _sub(entry, _atom("content"), paragraphs_to_html(article.paragraphs), type="html")
        if article.language:
            content.set("{http://www.w3.org/XML/1998/namespace}lang", article.language)
    elif article.language:
        entry.set("{http://www.w3.org/XML/1998/namespace}lang", article.language)
    _source(entry, stored)
    _story(entry, stored, members, story_pages)
    if article.dateline:
        dateline = article.dateline
        attributes = {"place": dateline.place}
        if dateline.date:
            attributes["date"] = dateline.date
        if dateline.month:
            attributes["month"] = str(dateline.month)
        if dateline.day:
            attributes["day"] = str(dateline.day)
        _sub(entry, _ext("dateline"), dateline.raw, **attributes)
    if article.agency:
        _sub(entry, _ext("agency"), article.agency)
    _sub(entry, _ext("original-id"), article.input_id)
    return entry


@dataclass
class Tally:
    """What writing a document did: the entries written, and those left out with why."""

    entries: int = 0
    left_out: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class FeedPart:
    """Which entries a document holds, and the links that place it among the others.

    ``changes=(after, upto)``: only the articles changed in those rows of the
    store's change log (a feed of what changed, an archive page); ``None``: every
    entry of the store. ``links`` are (rel, href) pairs; ``archive`` marks an
    RFC 5005 archive document.
    """

    changes: tuple[int, int] | None = None
    links: tuple[tuple[str, str], ...] = ()
    archive: bool = False
    # The newest so many entries (0: all), and none older than ``since``.
    limit: int = 0
    since: datetime | None = None
    # Where the desk's story pages are (``serve``'s base URL), for nn:story's href.
    story_pages: str | None = None


def feed_updated(store: Store, collapse: bool = False, part: FeedPart | None = None) -> datetime:
    """The document's atom:updated: its newest entry, or the last change it covers if
    later (a story stored today with an older date still changed the feed today)."""
    changes = part.changes if part else None
    newest = store.newest_entry_time(canonical_only=collapse, changes=changes) or _EPOCH
    if changes is not None:
        at = store.change_at(changes[1])
    else:
        last = store.last_change()
        at = last.at if last else None
    return max(newest, datetime.fromisoformat(at)) if at else newest


def _serialise(element: etree._Element) -> bytes:
    """An element's bytes without the feed's namespace declarations on its start tag.

    Every element here is made with the feed's namespace map, and serialised
    alone it would declare both namespaces again; inside the feed they are
    already in scope, so the one declaration string is cut from the start tag.
    """
    data = bytes(etree.tostring(element, encoding="utf-8", pretty_print=True))
    start_tag_end = data.index(b">")
    head = data[: start_tag_end + 1].replace(_NS_DECLARATIONS, b"", 1)
    return head + data[start_tag_end + 1 :]


def write_atom(
    out: BinaryIO,
    store: Store,
    info: FeedInfo,
    collapse: bool = False,
    part: FeedPart | None = None,
    *,
    tally: Tally | None = None,
) -> datetime:
    """Write the Atom document for a store, one entry at a time (memory stays flat);
    returns the feed's atom:updated.

    Args:
        out: where the bytes go.
        store: the articles, newest first, and their clusters.
        info: the feed's id, title and generator version.
        collapse: one entry per story cluster (its canonical member) instead of
            one per article.
        part: which entries and links (default: every entry, no links).
        tally: where to count the entries written and note those that could not be
            (the rest are written).
    """
    part = part or FeedPart()
    updated = feed_updated(store, collapse, part)
    out.write(feed_head(info, updated, part))
    for entry in iter_entries(store, collapse, part, tally):
        out.write(entry)
    out.write(FEED_END)
    return updated


def iter_entries(
    store: Store,
    collapse: bool = False,
    part: FeedPart | None = None,
    tally: Tally | None = None,
) -> Iterator[bytes]:
    """The entries of a document in feed order, each as bytes (the canonical member of
    a cluster lists the others).

    No stored entry can break a document: one whose texts no XML can hold (stored
    by an earlier version, or by hand) is written with them made storable, and one
    that cannot be written even so is left out, noted in ``tally``.
    """
    part = part or FeedPart()
    feed_order = store.iter_feed_order(
        canonical_only=collapse, changes=part.changes, limit=part.limit, since=part.since
    )
    for stored in feed_order:
        try:
            entry = _entry_bytes(store, stored, part.story_pages)
        except (ValueError, UnicodeError):
            try:
                entry = _entry_bytes(store, storable_values(stored), part.story_pages)
            except (ValueError, UnicodeError) as error:
                if tally is not None:
                    tally.left_out.append(
                        Skipped(store.name, f"cannot be written: {error}", stored.article.key)
                    )
                continue
        if tally is not None:
            tally.entries += 1
        yield entry


def feed_head(info: FeedInfo, updated: datetime, part: FeedPart) -> bytes:
    """The document up to its first entry: the feed's own elements and links
    (close it with :data:`FEED_END`)."""
    feed = etree.Element(_atom("feed"), nsmap=_NSMAP)  # type: ignore[arg-type]
    _sub(feed, _atom("id"), info.id)
    _sub(feed, _atom("title"), info.title, type="text")
    _sub(feed, _atom("updated"), rfc3339(updated))
    _sub(_sub(feed, _atom("author")), _atom("name"), info.title)
    _sub(feed, _atom("generator"), "newsnorm", version=info.generator_version)
    for rel, href in part.links:
        _sub(feed, _atom("link"), rel=rel, href=href, type="application/atom+xml")
    declarations = _NS_DECLARATIONS + (b' xmlns:fh="' + FH_NS.encode() + b'"' if part.archive else b"")
    head = b"<?xml version='1.0' encoding='utf-8'?>\n<feed" + declarations + b">\n"
    # fh is declared on the root tag above; the marker is written as it stands.
    archive = b"<fh:archive/>\n" if part.archive else b""
    return head + b"".join(_serialise(element) for element in feed) + archive


def _entry_bytes(store: Store, stored: StoredArticle, story_pages: str | None = None) -> bytes:
    """One entry as it stands in a document (the canonical one lists its cluster)."""
    members: list[StoredArticle] = []
    if stored.canonical and stored.cluster_size > 1:
        members = store.cluster_members(stored.cluster_key)
        members.sort(key=lambda member: atom_id(member.article.key))
    return _serialise(_entry(stored, members, story_pages))


def atom_bytes(store: Store, info: FeedInfo, collapse: bool = False, part: FeedPart | None = None) -> bytes:
    """The Atom document as bytes (for tests and small stores)."""
    buffer = io.BytesIO()
    write_atom(buffer, store, info, collapse, part)
    return buffer.getvalue()
