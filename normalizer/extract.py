"""The article of a whole HTML page: its body paragraphs and its metadata.

The body comes from readability-lxml, the Python port of the Readability
algorithm behind reader views; when that finds little or nothing (section
fronts, pages built of ``<div>`` soup), trafilatura's extractor is asked too
and the longer text wins. What both leave behind that is news chrome
("Related", share bars, "Check Also" teasers) is removed later by the cleaning
rules, like any other input's.

Both extractors are imported where they are used: together they are a fifth of
a run's memory and 0.1 s of its start, which a run of feeds alone need not pay.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import datetime

from lxml import etree, html

from normalizer.errors import InputError
from normalizer.html import html_to_paragraphs
from normalizer.model import Removal
from normalizer.page_meta import page_meta
from normalizer.text import word_count

__all__ = ["DROPPED_CAPTION", "DROPPED_FURNITURE", "DROPPED_OUTSIDE", "PageContent", "extract_page"]

# The stages that leave a page's paragraphs out of its article (see Removal.rule).
DROPPED_FURNITURE = "extract:furniture"
DROPPED_CAPTION = "extract:caption-or-embed"
DROPPED_OUTSIDE = "extract:outside-the-story"

# Below this many words, readability's pick is checked against the second extractor.
_SHORT_BODY_WORDS = 120
# A story's lead in a box of its own: how far up to look, and what counts as prose.
_LEAD_MAX_LEVELS = 3
_LEAD_MIN_WORDS = 20
_SUBHEAD_MAX_WORDS = 15
# Class names of a story's standfirst: lead, deck, chapô, intro, summary...
_LEAD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:desc|description|lead|leade|standfirst|intro|summary|deck|chapo|chapeau|"
    r"teaser-text|subtitle|subheadline|sub-headline|excerpt|abstract|kicker-text|article__desc)(?:$|[\s_-])",
    re.IGNORECASE,
)
# A story cut into boxes of one class: how far up from its text to look for the box.
_SPLIT_MAX_LEVELS = 4
# A paragraph taken back from the middle of a story: at least this many words.
_GAP_MIN_WORDS = 6
# Cookie and consent dialogs, by the names their vendors give them.
_CONSENT = re.compile(
    r"(?:^|[\s_-])(?:cmp(?=$|[\s_-])|consent|cookie|gdpr|didomi|onetrust|usercentrics|sp_message|qc-cmp|truste|"
    r"privacy-(?:wall|manager|banner)|cookiebanner|cookiebar)",
    re.IGNORECASE,
)
# Boxes inside an article that are not its text: captions, embedded posts, teasers.
_FURNITURE_CLASS = re.compile(
    r"caption|tweet|instagram|tiktok|embed|social|related|teaser|promo|recommend|newsletter|"
    r"byline|author|read-?more|more-?stories|advert|sponsor",
    re.IGNORECASE,
)
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")  # not \s: a no-break space is meant
# How a sentence ends, in the scripts of the news (Latin, CJK, Arabic, Devanagari).
_SENTENCE_ENDS = (".", "!", "?", '."', "”", "»", "。", "！", "？", "」", "』", "؟", "।")
# Never part of an article's text; removed before the extractors look, which also
# spares them the work. (Not <form>: whole ASP.NET pages sit inside one.)
_NEVER_TEXT = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "embed",
    "nav",
    "button",
    "select",
    "textarea",
    "input",
    "aside",
    "footer",
)


@dataclass(frozen=True)
class PageContent:
    """What a page says about its article."""

    title: str
    paragraphs: tuple[str, ...]
    byline: str | None
    published: datetime | None
    url: str | None
    language: str | None
    dropped: tuple[Removal, ...] = ()


def _text(element: html.HtmlElement) -> str:
    """An element's text as one line, spaces folded (as paragraphs are compared)."""
    return " ".join(element.text_content().split())


def _word_count(paragraphs: list[str]) -> int:
    return sum(word_count(p) for p in paragraphs)


def _collapse_whitespace(root: html.HtmlElement) -> None:
    """Collapse runs of whitespace between elements to one space, or one newline.

    This is what readability itself does to every text it measures, again and
    again for nested elements; done once up front, its regexes find nothing to do.
    """
    for element in root.iter():
        if element.tag == "pre" or not isinstance(element.tag, str):
            continue
        # (Texts are left as they are: readability judges some paragraphs by them.)
        if element.tail:
            element.tail = _WHITESPACE.sub(_one_space, element.tail)


def _drop_consent_walls(root: html.HtmlElement) -> None:
    """Remove cookie and consent dialogs: served in the page before the story, their
    long legal text is what an extractor takes for the article otherwise."""
    walls = [
        element
        for element in root.iter()
        if isinstance(element.tag, str)
        and _CONSENT.search(f"{element.get('id') or ''} {element.get('class') or ''}")
        and next(element.iter("h1", "article"), None) is None
    ]
    for wall in walls:
        parent = wall.getparent()
        if parent is not None:
            parent.remove(wall)


def _one_space(match: re.Match[str]) -> str:
    return "\n" if "\n" in match.group(0) else " "


def _readability_paragraphs(root: html.HtmlElement) -> list[str]:
    from readability import Document  # type: ignore[import-untyped]  # noqa: PLC0415
    from readability.readability import Unparseable  # type: ignore[import-untyped]  # noqa: PLC0415

    try:
        # No URL: links are not made absolute, which readability would do for every
        # link of the page; only the text is kept.
        summary = Document(root).summary(html_partial=True)
    except Unparseable:
        return []
    if not summary.strip():
        return []
    try:
        return html_to_paragraphs(summary, "readability summary")
    except InputError:
        return []


def _trafilatura_paragraphs(root: html.HtmlElement, url: str | None) -> list[str]:
    import trafilatura  # noqa: PLC0415

    text = trafilatura.extract(
        root, url=url, fast=True, include_tables=True, include_comments=False, include_images=False
    )
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _recover_lead(page: html.HtmlElement, paragraphs: list[str]) -> list[str]:
    """Put back story paragraphs that sit in a sibling box just before the chosen text.

    Sites often wrap a story's first paragraphs ("story-intro") apart from the rest
    ("read-more"); readability keeps the larger box only. Only full paragraphs of
    prose are taken back: at least ``_LEAD_MIN_WORDS`` words, ending a sentence.
    """
    if not paragraphs:
        return paragraphs
    first = paragraphs[0]
    anchor = next((p for p in page.iter("p") if _text(p) == first), None)
    if anchor is None:
        return paragraphs
    present = set(paragraphs)
    child = anchor
    for parent in list(anchor.iterancestors())[:_LEAD_MAX_LEVELS]:
        lead: list[str] = []
        for sibling in child.itersiblings(preceding=True):
            texts = [text for text in map(_text, sibling.iter("p")) if text]
            if not texts:
                continue  # an image, an advert slot: look past it
            if not all(_is_prose(t) and t not in present for t in texts):
                break
            lead = texts + lead
        if lead:
            return lead + paragraphs
        child = parent
    return paragraphs


def _recover_split_story(page: html.HtmlElement, paragraphs: list[str]) -> list[str]:
    """Put back the parts of a story that sit in boxes of their own, beside the chosen one.

    Sites cut a long story into several boxes of one class, with pictures, adverts or
    quotes between them (``<div class="c-article-text-container">`` five times over);
    readability keeps the largest box. The nearest ancestor of the chosen text (up to
    ``_SPLIT_MAX_LEVELS`` up) whose siblings carry its own tag and class is the story's
    box; the paragraphs of those siblings that are prose, and not captions or teasers,
    are put back in the order the page gives them.
    """
    if not paragraphs:
        return paragraphs
    elements = list(page.iter("p"))
    anchor = next((p for p in elements if _text(p) == paragraphs[0]), None)
    if anchor is None:
        return paragraphs
    present = set(paragraphs)
    for box in list(anchor.iterancestors())[:_SPLIT_MAX_LEVELS]:
        name = (box.get("class") or "").strip()
        parent = box.getparent()
        if not name or parent is None:
            continue
        twins = [
            sibling
            for sibling in parent
            if sibling is not box and sibling.tag == box.tag and (sibling.get("class") or "").strip() == name
        ]
        if not twins:
            continue
        found: list[html.HtmlElement] = []
        for twin in twins:
            if _in_furniture(twin):
                continue
            kept = [
                element
                for element in twin.iter("p")
                if (text := _text(element)) and text not in present and not _in_furniture(element)
            ]
            if any(_is_prose(_text(element)) for element in kept):
                found.extend(kept)
        return _in_page_order(elements, paragraphs, found) if found else paragraphs
    return paragraphs


def _in_page_order(
    elements: list[html.HtmlElement], paragraphs: list[str], found: list[html.HtmlElement]
) -> list[str]:
    """The chosen paragraphs with the ``found`` elements' texts put where the page has
    them: before the first chosen paragraph that comes after them on the page."""
    position: dict[str, int] = {}
    for index, element in enumerate(elements):
        position.setdefault(_text(element), index)
    order = {id(element): index for index, element in enumerate(elements)}
    waiting = sorted(found, key=lambda element: order[id(element)])
    out: list[str] = []
    for text in paragraphs:
        at = position.get(text)
        while waiting and at is not None and order[id(waiting[0])] < at:
            out.append(_text(waiting.pop(0)))
        out.append(text)
    out.extend(_text(element) for element in waiting)
    return list(dict.fromkeys(out))


def _recover_standfirst(page: html.HtmlElement, paragraphs: list[str], title: str) -> list[str]:
    """Put back the story's standfirst (lead, deck, chapô) when the extractor left it.

    Sites set it apart from the body, above it: Le Monde's ``<p class="article__desc">``,
    a deck in an ``<h2>`` or ``<h4>`` right under the headline. The first element
    before the body's first paragraph whose class names a lead, or a heading right
    after the page's ``<h1>``, is taken when it is prose and not already there.
    """
    if not paragraphs:
        return paragraphs
    first = next((p for p in page.iter("p") if _text(p) == paragraphs[0]), None)
    if first is None:
        return paragraphs
    present = {p.casefold() for p in paragraphs} | {title.casefold()}
    for element in _before(page, first):
        text = _text(element)
        if not text or text.casefold() in present or _in_furniture(element):
            continue
        named = _LEAD_CLASS.search(f"{element.get('class') or ''} {element.get('id') or ''}")
        deck = element.tag in ("h2", "h3", "h4") and _follows_headline(element)
        if (
            (named or deck)
            and _is_prose(text)
            and not any(_text(c) for c in element.iter("p") if c is not element)
        ):
            return [text, *paragraphs]
    return paragraphs


def _before(page: html.HtmlElement, anchor: html.HtmlElement) -> list[html.HtmlElement]:
    """The elements that open before ``anchor`` in the document, nearest first."""
    found: list[html.HtmlElement] = []
    for element in page.iter():
        if element is anchor:
            return list(reversed(found))
        if isinstance(element.tag, str) and element.tag in ("p", "div", "h2", "h3", "h4", "span", "section"):
            found.append(element)
    return []


def _follows_headline(element: html.HtmlElement) -> bool:
    """Whether a heading comes right after the page's ``<h1>`` (its deck)."""
    previous = element.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()
    return previous is not None and previous.tag == "h1"


def _recover_gaps(page: html.HtmlElement, paragraphs: list[str]) -> list[str]:
    """Put back paragraphs the extractor dropped from the middle of the story.

    readability drops a block it judges link-dense: a paragraph that is a list of
    places, each a link (``宮崎県：<a>高鍋町</a>、<a>新富町</a>``), goes with the menus.
    A ``<p>`` that stands on the page between two chosen paragraphs, inside the
    element holding both, is taken back in its place; captions are not.
    """
    elements = [p for p in page.iter("p") if not _in_furniture(p)]
    where: dict[str, int] = {}
    for index, element in enumerate(elements):
        where.setdefault(_text(element), index)
    present = set(paragraphs)
    out: list[str] = []
    previous: int | None = None
    for text in paragraphs:
        position = where.get(text)
        if position is not None and previous is not None and position > previous + 1:
            container = _common_ancestor(elements[previous], elements[position])
            for element in elements[previous + 1 : position]:
                missing = _text(element)
                if (
                    word_count(missing) >= _GAP_MIN_WORDS
                    and missing not in present
                    and container in element.iterancestors()
                ):
                    out.append(missing)
                    present.add(missing)
        out.append(text)
        if position is not None:
            previous = position
    return out


def _in_furniture(element: html.HtmlElement) -> bool:
    """Whether a paragraph sits in a caption, an embedded post or a teaser box."""
    return any(
        ancestor.tag in ("figure", "figcaption")
        or _FURNITURE_CLASS.search(f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}")
        for ancestor in (element, *element.iterancestors())
    )


def _common_ancestor(first: html.HtmlElement, second: html.HtmlElement) -> html.HtmlElement | None:
    ancestors = set(first.iterancestors())
    return next((a for a in second.iterancestors() if a in ancestors), None)


def _recover_subheads(page: html.HtmlElement, paragraphs: list[str]) -> list[str]:
    """Put back the subheads of the story that the extractor dropped.

    readability drops headings that are mostly a link or carry a "bad" class
    name, which costs list articles and reviews their section titles. A heading
    is taken back when the paragraph right after it on the page is story text.
    """
    position = {text: i for i, text in reversed(list(enumerate(paragraphs)))}
    before: dict[int, list[str]] = {}
    for heading in page.iter("h2", "h3", "h4", "h5", "h6"):
        title = _text(heading)
        if not title or title in position or word_count(title) > _SUBHEAD_MAX_WORDS:
            continue
        following = _next_text(heading)
        if following in position and position[following] > 0:
            before.setdefault(position[following], []).append(title)
    if not before:
        return paragraphs
    out: list[str] = []
    for i, text in enumerate(paragraphs):
        out.extend(before.get(i, ()))
        out.append(text)
    return out


def _next_text(heading: html.HtmlElement) -> str | None:
    """The first paragraph of text after a heading, among its next siblings."""
    for sibling in heading.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        first = sibling if sibling.tag == "p" else next(sibling.iter("p"), None)
        text = _text(first if first is not None else sibling)
        if text:
            return text
    return None


def _is_prose(text: str) -> bool:
    return word_count(text) >= _LEAD_MIN_WORDS and text.endswith(_SENTENCE_ENDS)


def _drop_headline(paragraphs: list[str], headlines: set[str]) -> list[str]:
    """The headline is often inside the main element; it is not body text."""
    folded = {h.casefold() for h in headlines}
    return [p for p in paragraphs[:3] if p.casefold() not in folded] + paragraphs[3:]


def extract_page(root: html.HtmlElement) -> PageContent:
    """The article of a parsed page: title, body paragraphs and metadata.

    The tree is not changed; the extractors work on copies.
    """
    meta = page_meta(root)
    headlines = {meta.title, *(_text(h) for h in root.iter("h1"))}
    work = copy.deepcopy(root)
    etree.strip_elements(work, *_NEVER_TEXT, with_tail=False)
    _drop_consent_walls(work)
    _collapse_whitespace(work)
    paragraphs = _readability_paragraphs(copy.deepcopy(work))
    if _word_count(paragraphs) < _SHORT_BODY_WORDS:
        second = _trafilatura_paragraphs(work, meta.url)
        if _word_count(second) > _word_count(paragraphs):
            paragraphs = second
    paragraphs = _recover_gaps(work, _recover_lead(work, _recover_split_story(work, paragraphs)))
    paragraphs = _recover_subheads(work, _recover_standfirst(work, paragraphs, meta.title))
    body = tuple(_drop_headline(paragraphs, headlines))
    return PageContent(
        title=meta.title,
        paragraphs=body,
        byline=meta.byline,
        published=meta.published,
        url=meta.url,
        language=meta.language,
        dropped=_dropped(root, work, body, headlines),
    )


def _dropped(
    page: html.HtmlElement, work: html.HtmlElement, body: tuple[str, ...], headlines: set[str]
) -> tuple[Removal, ...]:
    """Every paragraph of the page that is not in the article, with the stage that left
    it out: page furniture (menus, asides, footers, consent dialogs), captions, or the
    extractor's choice of the story's box. Nothing is dropped without a record."""
    kept = set(body) | headlines
    in_work = {_text(p) for p in work.iter("p")}
    dropped: list[Removal] = []
    seen: set[str] = set()
    for element in page.iter("p"):
        text = _text(element)
        if not text or text in kept or text in seen:
            continue
        seen.add(text)
        if _in_furniture(element) and text in in_work:
            stage = DROPPED_CAPTION
        elif text not in in_work:
            stage = DROPPED_FURNITURE
        else:
            stage = DROPPED_OUTSIDE
        dropped.append(Removal(stage, text))
    return tuple(dropped)
