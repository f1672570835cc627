"""One-article inputs: plain-text articles and HTML pages -> RawEntry."""

from __future__ import annotations

from feeds.readers.common import decode_text, input_id_for
from normalizer.errors import InputError
from normalizer.extract import extract_page
from normalizer.model import Origin, OriginKind, RawEntry
from normalizer.safexml import parse_html

__all__ = ["MAX_PAGE_BYTES", "MAX_PAGE_TAGS", "read_html_page", "read_text_article"]

# An article page is a few hundred KB and some thousands of elements (the 220 real
# pages of the development set: at most 2.2 MB and 8,100 tags). Past these, a page
# is refused before it is parsed: the extractors walk the tree many times over, and a
# 16 MB page of two million tags took 3 GB and 173 s (Readability's maxElemsToParse
# serves the same end).
MAX_PAGE_BYTES = 16 * 1024 * 1024
MAX_PAGE_TAGS = 200_000


def _origin_kind(source: str, page: bool) -> OriginKind:
    if source == "-":
        return "stdin"
    return "page" if page else "file"


def read_text_article(data: bytes, source: str, charset: str | None = None) -> list[RawEntry]:
    """A plain-text article: optional rule line and headline, dateline, body, chrome.

    ``charset`` is the transport's (HTTP), for bytes that are not UTF-8."""
    text = decode_text(data, source, charset)
    if not text.strip():
        raise InputError(source, "empty document")
    origin = Origin(kind=_origin_kind(source, page=False), name=source)
    return [
        RawEntry(
            input_id=input_id_for(source, data),
            origin=origin,
            title="",
            content=text,
            content_type="text",
        )
    ]


def read_html_page(data: bytes, source: str, charset: str | None = None) -> list[RawEntry]:
    """An HTML article page: its main content and metadata (``charset``: the
    transport's, for a page that declares none)."""
    if len(data) > MAX_PAGE_BYTES:
        raise InputError(
            source, f"a page of {len(data):,} bytes: over {MAX_PAGE_BYTES:,}, not an article page"
        )
    tags = data.count(b"<")
    if tags > MAX_PAGE_TAGS:
        raise InputError(
            source, f"a page of about {tags:,} tags: over {MAX_PAGE_TAGS:,}, not an article page"
        )
    page = extract_page(parse_html(data, source, charset))
    if not page.paragraphs:
        raise InputError(source, "no article text found in the HTML page")
    return [
        RawEntry(
            input_id=input_id_for(source, data),
            origin=Origin(kind=_origin_kind(source, page=True), name=source),
            title=page.title,
            content="\n\n".join(page.paragraphs),
            content_type="text",
            link=page.url,
            published=page.published,
            author=page.byline,
            language=page.language,
            dropped=page.dropped,
        )
    ]
