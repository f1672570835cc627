"""Agency XML: NITF 3.x, NewsML-G2 and NewsML 1.2 -> RawEntry (or a named rejection).

The documents come in through :func:`normalizer.safexml.parse_xml` (entities
refused, no network, no DTD). Element names are matched by local name, so the
namespaces of NITF 3.x and NewsML-G2 versions, and the no-namespace NITF that
NewsML 1.2 carries, read alike.

What is not a text article is a value, :class:`Rejected`, with the reason: a
picture, video, audio or graphic item, a package (its item references listed), a
concept, knowledge or planning item.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime

from lxml import etree

from feeds.readers.common import agency_time, find, input_id_for, local_name, person_of, text_of
from normalizer.errors import InputError
from normalizer.html import html_to_paragraphs
from normalizer.model import LeftOut, Origin, RawEntry, Rejected, Skipped
from normalizer.safexml import parse_xml

__all__ = ["read_newsml1", "read_newsml_g2", "read_nitf"]

G2_NS = "http://iptc.org/std/nar/2006-10-01/"
_NOT_ARTICLES = {
    "conceptItem": "a concept item (a vocabulary entry), not an article",
    "knowledgeItem": "a knowledge item (a set of concepts), not an article",
    "planningItem": "a planning item (coverage planned), not an article",
    "catalogItem": "a catalog item, not an article",
}
_NEWSML1_TEXT_MIME = frozenset({"text/html", "text/plain"})
_FURNITURE = frozenset({"header", "footer", "nav", "aside"})
_BLOCKS = frozenset({"p", "hl2", "hl3", "h1", "h2", "h3", "h4", "li", "pre", "blockquote", "tr"})


def _descendant(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    return next((e for e in element.iter() if local_name(e) == name), None)


def body_paragraphs(body: etree._Element | None) -> list[str]:
    """The text blocks of an NITF ``body.content`` or an XHTML body, in order.

    Tables are kept as text, one line per row, cells separated by `` | ``.
    """
    if body is None:
        return []
    paragraphs: list[str] = []
    for element in body.iter():
        name = local_name(element)
        if name not in _BLOCKS:
            continue
        if any(local_name(a) in _BLOCKS or local_name(a) in _FURNITURE for a in element.iterancestors()):
            continue  # inside a block already taken whole, or page furniture
        if name == "tr":
            cells = [text_of(cell) for cell in element if local_name(cell) in ("td", "th")]
            text = " | ".join(cell for cell in cells if cell)
        else:
            text = text_of(element)
        if text:
            paragraphs.append(text)
    if not paragraphs:
        text = text_of(body)
        paragraphs = [text] if text else []
    return paragraphs


def _entry(
    source: str,
    input_id: str,
    title: str,
    paragraphs: list[str],
    *,
    guid: str | None = None,
    published: datetime | None = None,
    updated: datetime | None = None,
    author: str | None = None,
    language: str | None = None,
    dateline: str | None = None,
    credit: str | None = None,
) -> RawEntry | LeftOut:
    if not paragraphs:
        return Skipped(source, "no body text in the item", input_id)
    return RawEntry(
        input_id=input_id,
        origin=Origin(kind="file", name=source),
        title=title,
        content="\n\n".join(paragraphs),
        content_type="text",
        guid=guid,
        published=published,
        updated=updated,
        author=author or None,
        language=language or None,
        dateline=dateline or None,
        credit=credit or None,
    )


# -- NITF --------------------------------------------------------------------


def _nitf_entry(nitf: etree._Element, source: str, input_id: str, **known: object) -> RawEntry | LeftOut:
    head = find(nitf, "head")
    body = find(nitf, "body")
    body_head = find(body, "body.head")
    title = text_of(_descendant(find(body_head, "hedline"), "hl1")) or text_of(find(head, "title"))
    author = _nitf_byline(find(body_head, "byline"))
    dateline = text_of(find(body_head, "dateline"))
    doc_data = find(head, "docdata")
    doc_id = find(doc_data, "doc-id")
    issued = find(doc_data, "date.issue")
    copyright_ = find(doc_data, "doc.copyright")
    distributor = _descendant(body_head, "distributor")
    credit = (copyright_.get("holder") if copyright_ is not None else None) or text_of(distributor)
    paragraphs = body_paragraphs(find(body, "body.content"))
    values: dict[str, object] = {
        "guid": doc_id.get("id-string") if doc_id is not None else None,
        "published": agency_time(issued.get("norm")) if issued is not None else None,
        "author": author,
        "language": nitf.get("{http://www.w3.org/XML/1998/namespace}lang") or _lang(head),
        "dateline": dateline,
        "credit": credit,
    }
    values.update({k: v for k, v in known.items() if v})
    return _entry(source, input_id, title, paragraphs, **values)  # type: ignore[arg-type]


def _formal_name(element: etree._Element | None) -> str | None:
    return element.get("FormalName") if element is not None else None


def _nitf_byline(byline: etree._Element | None) -> str:
    """The person of an NITF byline ("By BERNARD CONDON" over "AP Business Writer")."""
    if byline is None:
        return ""
    parts = [byline.text or "", *(child.tail or "" for child in byline)]
    parts += [text_of(child) for child in byline if local_name(child) == "person"]
    person = " ".join(" ".join(parts).split()).strip(" ,") or text_of(byline)
    return person_of(person)


def _lang(head: etree._Element | None) -> str | None:
    meta = next(
        (
            m
            for m in (head if head is not None else [])
            if local_name(m) == "meta" and m.get("name") == "language"
        ),
        None,
    )
    return meta.get("content") if meta is not None else None


def read_nitf(data: bytes, source: str) -> Iterator[RawEntry | LeftOut]:
    """An NITF 3.x document: one article."""
    root = parse_xml(data, source)
    if local_name(root) != "nitf":
        raise InputError(source, f"not NITF: the root element is <{local_name(root)}>")
    entry = _nitf_entry(root, source, input_id_for(source, data))
    if isinstance(entry, Skipped):
        entry = Rejected(source, "NITF without body text")
    yield entry


# -- NewsML-G2 ----------------------------------------------------------------


def _not_a_text_item(item: etree._Element) -> str | None:
    """Why a NewsML-G2 item is not a text article, or ``None`` if it is one."""
    kind = local_name(item)
    if kind in _NOT_ARTICLES:
        return _NOT_ARTICLES[kind]
    if kind == "packageItem":
        refs = [ref.get("residref") or ref.get("href") for ref in item.iter() if local_name(ref) == "itemRef"]
        listed = ", ".join(r for r in refs if r) or "none"
        return f"a package of {len(refs)} item(s), not an article: {listed}"
    if kind != "newsItem":
        return f"<{kind}> is not a NewsML-G2 item this version reads"
    item_class = find(find(item, "itemMeta"), "itemClass")
    qcode = (item_class.get("qcode") or "") if item_class is not None else ""
    nature = qcode.split(":")[-1]
    if nature and nature not in ("text", "composite"):
        return f"a {nature} item ({qcode}), not a text article"
    return None


def _g2_item(item: etree._Element, source: str, input_id: str) -> RawEntry | LeftOut:
    guid = item.get("guid")
    label = guid or input_id
    not_text = _not_a_text_item(item)
    if not_text:
        return Skipped(source, not_text, label)
    item_meta = find(item, "itemMeta")
    content_meta = find(item, "contentMeta")
    content = find(item, "contentSet")
    nitf = _descendant(content, "nitf")
    language = item.get("{http://www.w3.org/XML/1998/namespace}lang")
    lang_element = find(content_meta, "language")
    if lang_element is not None:
        language = lang_element.get("tag") or language
    known = {
        "guid": guid,
        "published": agency_time(text_of(find(item_meta, "firstCreated")))
        or agency_time(text_of(find(content_meta, "contentCreated"))),
        "updated": agency_time(text_of(find(item_meta, "versionCreated"))),
        "author": text_of(find(content_meta, "by"))
        or text_of(_descendant(find(content_meta, "creator"), "name")),
        "language": language,
        "dateline": text_of(find(content_meta, "dateline")),
        "credit": text_of(find(content_meta, "creditline")) or _provider(item_meta),
    }
    headline = text_of(find(content_meta, "headline"))
    if nitf is not None:
        entry = _nitf_entry(nitf, source, label, **known)
        if isinstance(entry, RawEntry) and headline:
            # The item's own headline is the one the agency meant for display.
            entry = dataclasses.replace(entry, title=headline)
        return entry
    body = _descendant(content, "body")
    # dpa and others put subjects and notes in the XHTML body's header and
    # asides; the story is its main section.
    main = (
        next((e for e in body.iter() if "main" in (e.get("class") or "").split()), body)
        if body is not None
        else None
    )
    paragraphs = body_paragraphs(main)
    if not paragraphs:
        inline_data = _descendant(content, "inlineData")
        text = inline_data.text if inline_data is not None and inline_data.text else ""
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    if not paragraphs and _descendant(content, "remoteContent") is not None:
        return Skipped(source, "the item links its text (remoteContent) rather than carrying it", label)
    return _entry(source, label, headline, paragraphs, **known)  # type: ignore[arg-type]


def _provider(item_meta: etree._Element | None) -> str | None:
    provider = find(item_meta, "provider")
    if provider is None:
        return None
    return text_of(find(provider, "name")) or (provider.get("literal") or None)


def read_newsml_g2(data: bytes, source: str) -> Iterator[RawEntry | LeftOut]:
    """A NewsML-G2 item, or a newsMessage of many: each text newsItem is an article."""
    root = parse_xml(data, source)
    kind = local_name(root)
    if kind == "newsMessage":
        items = [
            item for group in root if local_name(group) == "itemSet" for item in group if local_name(item)
        ]
        if not items:
            raise InputError(source, "a NewsML-G2 newsMessage without items")
        for number, item in enumerate(items):
            yield _g2_item(item, source, f"{input_id_for(source, data)}-{number}")
        return
    entry = _g2_item(root, source, input_id_for(source, data))
    if isinstance(entry, Skipped):
        # One item that is not an article: the document itself is rejected.
        entry = Rejected(source, entry.reason)
    yield entry


# -- NewsML 1.2 ---------------------------------------------------------------


def _newsml1_component(component: etree._Element) -> tuple[str, etree._Element | None, str]:
    """(media type, the text content element, format) of the first text content item."""
    for item in component.iter():
        if local_name(item) != "ContentItem":
            continue
        media = find(item, "MediaType")
        media_type = (media.get("FormalName") or "") if media is not None else ""
        mime = find(item, "MimeType")
        mime_type = (mime.get("FormalName") or "").lower() if mime is not None else ""
        data_content = find(item, "DataContent")
        form = find(item, "Format")
        if data_content is None:
            continue
        if media_type.lower() == "text" or mime_type in _NEWSML1_TEXT_MIME:
            # Some providers (Solita for NTB) give only a MIME type, text/html, and
            # the HTML escaped inside DataContent.
            form_name = (form.get("FormalName") or "") if form is not None else ""
            return media_type or mime_type, data_content, mime_type if mime_type == "text/html" else form_name
    media_types = sorted(
        {(m.get("FormalName") or "?") for m in component.iter() if local_name(m) == "MediaType"}
    )
    return ", ".join(media_types) or "none", None, ""


def read_newsml1(data: bytes, source: str) -> Iterator[RawEntry | LeftOut]:
    """A NewsML 1.2 document (AFP, ANP, Belga, Kyodo...): each NewsItem with text."""
    root = parse_xml(data, source)
    items = [e for e in root.iter() if local_name(e) == "NewsItem"]
    if not items:
        raise InputError(source, "NewsML 1.2 without a NewsItem")
    stem = input_id_for(source, data)
    for number, item in enumerate(items):
        public = _descendant(item, "PublicIdentifier")
        label = text_of(public) or (stem if len(items) == 1 else f"{stem}-{number}")
        component = find(item, "NewsComponent")
        if component is None:
            yield Skipped(source, "a NewsItem without a NewsComponent", label)
            continue
        media_type, content, form = _newsml1_component(component)
        if content is None:
            yield Skipped(source, f"no text content (media: {media_type}), not a text article", label)
            continue
        lines = _descendant(component, "NewsLines")
        body = _descendant(content, "body.content")
        if body is None:
            body = _descendant(content, "body")
        if body is not None:
            paragraphs = body_paragraphs(body)
        elif form == "text/html":
            paragraphs = html_to_paragraphs(content.text or "", source)
        else:
            paragraphs = []
        if not paragraphs and content.text:
            paragraphs = [p.strip() for p in content.text.split("\n\n") if p.strip()]
        management = find(item, "NewsManagement")
        # The credit, never the copyright line ("© 2018 ANP. Alle auteursrechten...").
        credit = text_of(_descendant(lines, "CreditLine"))
        provider = _descendant(_descendant(component, "Provider"), "Party")
        entry = _entry(
            source,
            label,
            text_of(_descendant(lines, "HeadLine")),
            paragraphs,
            guid=text_of(public) or None,
            published=agency_time(text_of(find(management, "FirstCreated"))),
            updated=agency_time(text_of(find(management, "ThisRevisionCreated"))),
            author=person_of(text_of(_descendant(lines, "ByLine"))) or None,
            language=item.get("{http://www.w3.org/XML/1998/namespace}lang")
            or _formal_name(_descendant(component, "Language")),
            dateline=text_of(_descendant(lines, "DateLine")),
            credit=credit or (provider.get("FormalName") if provider is not None else None),
        )
        if isinstance(entry, Skipped) and len(items) == 1:
            entry = Rejected(source, "NewsML 1.2 item without body text")
        yield entry
