"""What a news page says about its article: title, byline, times, canonical URL, language.

Sources in order of trust, the order reader views use: JSON-LD (schema.org
``NewsArticle`` and its kin), then Dublin Core / Open Graph / Twitter / plain
meta tags, then the document itself (``<title>`` with the site name cut off, a
byline element).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import html

__all__ = ["PageMeta", "page_meta"]

_ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
    }
)
# Meta properties and names as Dublin Core, Open Graph, Twitter, Parse.ly and Weibo
# spell them. A property must carry a prefix and may carry several
# (``og:article:author``); a name may be bare (``author``).
_META_PROPERTY = re.compile(
    r"\s*(article|dc|dcterm|og|twitter)\s*:\s*(author|creator|description|published_time|title|site_name|url)\s*",
    re.IGNORECASE,
)
_META_NAME = re.compile(
    r"^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(?:article|webpage))\s*[-.:]\s*)?"
    r"(author|creator|pub-date|description|title|site_name)\s*$",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r" [|\-\\/>»–—] ")
_HIERARCHICAL = re.compile(r" [\\/>»] ")
_SEPARATOR_CHARS = re.compile(r"[|\-\\/>»–—]+")
_BYLINE_HINT = re.compile(r"byline|author|dateline|writtenby|p-author", re.IGNORECASE)
_BYLINE_MAX_CHARS = 100
# Boxes that are page furniture, not the article (Readability's list): a byline is
# not looked for inside them, unless their name also says they may be content.
_UNLIKELY = re.compile(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|"
    r"header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|"
    r"supplemental|ad-break|agegate|pagination|pager|popup|yom-remote",
    re.IGNORECASE,
)
_MAYBE_CONTENT = re.compile(r"and|article|body|column|content|main|mathjax|shadow", re.IGNORECASE)
_URL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class PageMeta:
    """Metadata of one article page; ``None`` where the page does not say."""

    title: str
    byline: str | None
    published: datetime | None
    url: str | None
    language: str | None


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _json_ld_objects(root: html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue  # broken JSON-LD is common; the meta tags still speak
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def _json_ld_article(root: html.HtmlElement) -> dict[str, Any]:
    for item in _json_ld_objects(root):
        types = item.get("@type")
        names = types if isinstance(types, list) else [types]
        if any(isinstance(name, str) and name in _ARTICLE_TYPES for name in names):
            return item
    return {}


def _json_ld_author(article: dict[str, Any]) -> str | None:
    author = article.get("author")
    people = author if isinstance(author, list) else [author]
    names = [
        _clean(person.get("name")) if isinstance(person, dict) else _clean(person)
        for person in people
        if person
    ]
    return ", ".join(name for name in names if name) or None


def _meta_values(root: html.HtmlElement) -> dict[str, str]:
    """Meta tag values by normalised key (``og:title``, ``author``, ``parsely-pub-date``)."""
    values: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = _clean(meta.get("content"))
        if content is None:
            continue
        for found in _META_PROPERTY.finditer(meta.get("property") or ""):
            values[f"{found.group(1)}:{found.group(2)}".lower()] = content
        named = _META_NAME.match(meta.get("name") or "")
        if named:
            key = re.sub(r"\s", "", named.group(0)).lower().replace(".", ":")
            values[key] = content
    return values


def _word_count(text: str) -> int:
    return len(text.split())


def _document_title(root: html.HtmlElement) -> str:
    """``<title>`` without the site name, cut at the separators sites put between them."""
    original = _clean(root.findtext(".//title")) or ""
    title = original
    hierarchical = False
    separators = list(_SEPARATORS.finditer(original))
    if separators:
        hierarchical = bool(_HIERARCHICAL.search(original))
        # The site's name is usually last ("Story - Site"), sometimes first.
        title = original[: separators[-1].start()]
        if _word_count(title) < 3:
            title = original[separators[0].end() :]
    elif ": " in original:
        headings = {_clean(h.text_content()) for h in root.iter("h1", "h2")}
        if original not in headings:
            title = original[original.rfind(":") + 1 :]
            if _word_count(title) < 3:
                title = original[original.find(":") + 1 :]
            elif _word_count(original[: original.find(":")]) > 5:
                title = original
    elif not 15 <= len(original) <= 150:
        headings_1 = [_clean(h.text_content()) for h in root.iter("h1")]
        if len(headings_1) == 1 and headings_1[0]:
            title = headings_1[0]
    title = _clean(title) or ""
    words = _word_count(title)
    # A very short remainder is more likely a fragment than the headline.
    if words <= 4 and (not hierarchical or words != _word_count(_SEPARATOR_CHARS.sub("", original)) - 1):
        return original
    return title


def _hidden(element: html.HtmlElement) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return (
        element.get("hidden") is not None
        or element.get("aria-hidden") == "true"
        or "display:none" in style
        or "visibility:hidden" in style
    )


def _furniture(element: html.HtmlElement, names: str) -> bool:
    return (
        element.tag not in ("body", "a", "html")
        and bool(_UNLIKELY.search(names))
        and not _MAYBE_CONTENT.search(names)
    )


def _byline_element(root: html.HtmlElement) -> str | None:
    """The text of the first visible, short element marked as the byline or author,
    outside the page's furniture (headers, menus, related links, comments)."""
    skipped: set[html.HtmlElement] = set()
    for element in root.iter("*"):
        if not isinstance(element.tag, str) or element.tag in ("meta", "link", "script", "style", "head"):
            continue
        parent = element.getparent()
        if parent is not None and parent in skipped:
            skipped.add(element)
            continue
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if _hidden(element):
            skipped.add(element)
            continue
        marked = (
            element.get("rel") == "author"
            or "author" in (element.get("itemprop") or "")
            or _BYLINE_HINT.search(names)
        )
        if not marked and _furniture(element, names):
            skipped.add(element)
            continue
        if not marked:
            continue
        # Measured as written, spaces and all: a box that holds a whole author card
        # (name, date, links, their indentation) is too long to be a byline.
        raw = element.text_content().strip()
        if not 0 < len(raw) < _BYLINE_MAX_CHARS:
            continue
        named = element.xpath(".//*[contains(@itemprop, 'name')]")
        return _clean((named[0] if named else element).text_content())
    return None


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


# What sites put between a headline and their name: "Story | Site", "Story--Section--Site",
# "Story：朝日新聞デジタル", "Story_Site".
_SITE_SEPARATOR = re.compile(r"\s*(?:\s[|\-–—·•]\s|--|：|_|\s\|\s?|\s[:]\s)\s*")
_TRAILING_SEPARATOR = re.compile(r"(?:\s[|\-–—·•:]\s|--|：|_|\s\|)\s*$")
_READING_TIME = re.compile(
    r"\s*\d{1,3}\s*(?:min(?:ute)?s?|minutes?)\.?\s*(?:read|de lecture|lesezeit)?\s*$", re.IGNORECASE
)
_BY_PREFIX = re.compile(r"^(?:by|par|von|por|di|door|av|af|от|автор)[:\s]+", re.IGNORECASE)
_BY_WORDS = frozenset({"by", "par", "von", "por", "di", "door", "av", "af", "от"})


def _without_site_name(title: str, root: html.HtmlElement, values: dict[str, str]) -> str:
    """A headline without the site's name or section after it, when the page shows
    the headline alone (its ``<h1>``) or names the site (``og:site_name``)."""
    site = values.get("og:site_name")
    for heading in root.iter("h1"):
        text = _clean(heading.text_content())
        if text and len(text) < len(title) and title.startswith(text):
            rest = title[len(text) :]
            if _SITE_SEPARATOR.match(rest):
                return text
    if site and title.endswith(site) and len(site) < len(title):
        cut = _TRAILING_SEPARATOR.search(title[: -len(site)])
        if cut and cut.start() > 0:
            return title[: cut.start()].strip()
    return title


def _person(byline: str | None) -> str | None:
    """A byline that names its people: no "By" (or "Par", "Von"...) before them, no
    reading time glued after them; ``None`` for what names no one (a lone "By", a
    number such as a CMS's author id). A site that signs its own stories keeps its name."""
    if not byline:
        return None
    text = _READING_TIME.sub("", _BY_PREFIX.sub("", byline.strip())).strip(" ,;|-:")
    if not text or not any(c.isalpha() for c in text) or text.casefold() in _BY_WORDS:
        return None
    return text


def _htmldate(root: html.HtmlElement) -> datetime | None:
    """The page's publication date as htmldate finds it (URL, markup, text), when the
    metadata names none; a date alone is taken as midnight UTC."""
    from htmldate import find_date  # noqa: PLC0415

    try:
        found = find_date(root, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except Exception:
        return None
    if not found:
        return None
    try:
        return datetime.fromisoformat(found).replace(tzinfo=UTC)
    except ValueError:
        return None


def page_meta(root: html.HtmlElement) -> PageMeta:
    """The metadata of a parsed page (read before any content extraction changes the tree)."""
    article = _json_ld_article(root)
    values = _meta_values(root)
    headline = _clean(article.get("headline")) or _clean(article.get("name"))
    title = (
        headline
        or values.get("dc:title")
        or values.get("dcterm:title")
        or values.get("og:title")
        or values.get("weibo:article:title")
        or values.get("weibo:webpage:title")
        or values.get("title")
        or values.get("twitter:title")
        or _document_title(root)
    )
    title = _without_site_name(title, root, values)
    meta_author = values.get("article:author")
    byline = (
        _json_ld_author(article)
        or values.get("dc:creator")
        or values.get("dcterm:creator")
        or values.get("author")
        or values.get("parsely-author")
        or (meta_author if meta_author and not _URL.match(meta_author) else None)
        or _byline_element(root)
    )
    byline = _person(byline)
    published = _parse_time(
        _clean(article.get("datePublished"))
        or values.get("article:published_time")
        or values.get("parsely-pub-date")
    ) or _htmldate(root)
    canonical = root.xpath("//link[@rel='canonical']/@href")
    url = _clean(canonical[0]) if canonical else values.get("og:url") or _clean(article.get("url"))
    language = _clean(root.get("lang")) or _clean(article.get("inLanguage"))
    return PageMeta(
        title=title,
        byline=byline,
        published=published,
        url=url,
        language=language,
    )
