"""One-article inputs: plain-text articles and HTML pages -> RawEntry."""

from __future__ import annotations

from pathlib import PurePath

from normalizer.errors import InputError
from normalizer.extract import extract_page
from normalizer.model import Origin, OriginKind, RawEntry
from normalizer.pipeline import content_id
from normalizer.safexml import parse_html

__all__ = ["decode_text", "input_id_for", "read_html_page", "read_text_article"]


def input_id_for(source: str, data: bytes) -> str:
    """The id of a one-article input: the file's stem (``docs/a17.html`` -> ``a17``)."""
    if source == "-":
        return content_id(data)
    return PurePath(source).stem or source


def _origin_kind(source: str, page: bool) -> OriginKind:
    if source == "-":
        return "stdin"
    return "page" if page else "file"


def decode_text(data: bytes, source: str) -> str:
    """Bytes of a text file as text: UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(source, "binary data, not a text article")
    for encoding in (
        ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",)
    ):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Not UTF-8: the commonest legacy encoding of Western news text. ftfy repairs
    # what this gets wrong later on.
    return data.decode("cp1252", errors="replace")


def read_text_article(data: bytes, source: str) -> list[RawEntry]:
    """A plain-text article: optional rule line and headline, dateline, body, chrome."""
    text = decode_text(data, source)
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


def read_html_page(data: bytes, source: str) -> list[RawEntry]:
    """An HTML article page: its main content and metadata."""
    page = extract_page(parse_html(data, source))
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
        )
    ]
