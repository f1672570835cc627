"""Main-content extraction from a whole HTML page (a first, simple extractor).

The article body is the ``<article>`` element when the page has one, otherwise
the element whose direct paragraphs hold the most text. Metadata comes from Open
Graph, ``article:`` and standard meta tags, then from ``<title>`` and ``<h1>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import html

from normalizer.html import element_to_paragraphs

__all__ = ["PageContent", "extract_page"]

_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ")


@dataclass(frozen=True)
class PageContent:
    """What a page says about its article."""

    title: str
    paragraphs: tuple[str, ...]
    byline: str | None
    published: datetime | None
    url: str | None
    language: str | None


def _meta(root: html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for attribute in ("property", "name", "itemprop"):
            values = root.xpath(f"//meta[@{attribute}=$name]/@content", name=name)
            for value in values:
                if str(value).strip():
                    return str(value).strip()
    return None


def _page_title(root: html.HtmlElement) -> str:
    title = _meta(root, "og:title", "twitter:title")
    if title:
        return title
    headings = [str(h.text_content()).strip() for h in root.iter("h1")]
    if headings and headings[0]:
        return headings[0]
    raw = root.findtext(".//title") or ""
    for separator in _TITLE_SEPARATORS:
        if separator in raw:
            return max(raw.split(separator), key=len).strip()
    return raw.strip()


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _main_element(root: html.HtmlElement) -> html.HtmlElement:
    articles = list(root.iter("article"))
    if articles:
        return max(articles, key=lambda e: len(e.text_content()))
    best, best_score = root, 0
    for element in root.iter("div", "section", "main", "td", "body"):
        score = sum(len(p.text_content()) for p in element.findall("p"))
        if score > best_score:
            best, best_score = element, score
    return best


def extract_page(root: html.HtmlElement) -> PageContent:
    """The article of a parsed page: title, body paragraphs and metadata."""
    language = root.get("lang") or _meta(root, "og:locale", "language")
    canonical = root.xpath("//link[@rel='canonical']/@href")
    url = str(canonical[0]) if canonical else _meta(root, "og:url")
    title = _page_title(root)
    # The headline is often inside the main element; it is not body text.
    paragraphs = [p for p in element_to_paragraphs(_main_element(root)) if p != title]
    return PageContent(
        title=title,
        paragraphs=tuple(paragraphs),
        byline=_meta(root, "author", "article:author", "byl"),
        published=_parse_time(_meta(root, "article:published_time", "datePublished", "date")),
        url=url,
        language=language,
    )
