"""HTML in and out: fragments to paragraphs of text, paragraphs to safe HTML.

Reading keeps only the text a reader sees (no scripts, styles, forms, embeds or
captions), with a paragraph break at every block element. Writing goes through
nh3, a maintained allow-list sanitiser, so nothing executable ever leaves.
"""

from __future__ import annotations

import html as html_escape
import re

import nh3
from lxml import etree

from normalizer.safexml import parse_html
from normalizer.text import split_paragraphs

__all__ = [
    "SKIPPED_TAGS",
    "element_to_paragraphs",
    "html_to_paragraphs",
    "paragraphs_to_html",
    "sanitise",
    "unescape_left",
]

# Elements whose content is never article text. Not ``embed``: it is void, and what
# libxml2 (which knows HTML 4 only) nests inside an unclosed one is the text after it.
# ``plaintext`` turns the rest of the document into text, markup and all. ``rt`` and
# ``rp`` are a ruby's reading aids (the kana over 漢字), not text of the sentence.
SKIPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "svg",
        "canvas", "button", "form", "select", "textarea", "input", "nav", "aside",
        "footer", "figcaption", "picture", "video", "audio", "head", "title",
        "meta", "link", "plaintext", "rt", "rp",
    }
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "blockquote", "pre", "ul",
        "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "td", "th", "h1",
        "h2", "h3", "h4", "h5", "h6", "hr", "br", "address", "center", "caption", "body",
    }
)  # fmt: skip
# A block inside a <figure> this long is text, not a caption line.
_FIGURE_TEXT_WORDS = 15
# Captions and picture credits by their class names.
_CAPTION = re.compile(
    r"(?:^|[\s_-])(?:caption|wp-caption-text|photo-?credit|image-?credit|img-?credit)(?:$|[\s_-])",
    re.IGNORECASE,
)
_SAFE_TAGS = {
    "p", "br", "a", "em", "strong", "b", "i", "u", "blockquote", "q", "cite", "ul", "ol",
    "li", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "td", "th", "sub",
    "sup", "abbr", "pre", "code",
}  # fmt: skip
_SAFE_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"colspan", "rowspan"}}
# Inside HTML a line break is a space; spaces are folded later, per paragraph.
_LINE_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\f": " ", "\v": " "})
_BREAK = "\n\n"


def _is_caption(element: etree._Element) -> bool:
    """A caption or picture credit by its class (``<p class="caption">``), not story text."""
    return bool(_CAPTION.search(f"{element.get('class') or ''} {element.get('id') or ''}"))


def _tag(element: etree._Element) -> str:
    return element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""


def _note_caption(element: etree._Element, captions: list[str] | None) -> None:
    """Keep a caption left out of the text for the article's record (once each)."""
    if captions is not None and (_tag(element) == "figcaption" or _is_caption(element)):
        text = " ".join("".join(map(str, element.itertext())).split())
        if text and text not in captions:
            captions.append(text)


def _collect(element: etree._Element, out: list[str], captions: list[str] | None = None) -> None:
    tag = _tag(element)
    if tag in SKIPPED_TAGS or not isinstance(element.tag, str) or _is_caption(element):
        _note_caption(element, captions)
        if element.tail:
            out.append(element.tail.translate(_LINE_BREAKS))
        return
    if tag == "figure":
        # A figure's own text is its caption; paragraphs inside it are text (a
        # slideshow's slides, or story text an unclosed <figure> swallowed).
        out.append(_BREAK)
        for child in element:
            child_tag = _tag(child)
            words = len("".join(map(str, child.itertext())).split())
            if child_tag == "figure" or (child_tag in _BLOCK_TAGS and words >= _FIGURE_TEXT_WORDS):
                _collect(child, out, captions)
            else:
                _note_caption(child, captions)
        out.append(_BREAK)
        if element.tail:
            out.append(element.tail.translate(_LINE_BREAKS))
        return
    block = tag in _BLOCK_TAGS
    if block:
        out.append(_BREAK)
    if element.text:
        out.append(element.text.translate(_LINE_BREAKS))
    for child in element:
        _collect(child, out, captions)
    if block:
        out.append(_BREAK)
    if element.tail:
        out.append(element.tail.translate(_LINE_BREAKS))


_LEFT_REFERENCE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_MAX_ESCAPE_LEVELS = 4


def unescape_left(text: str) -> str:
    """References left in the text once the HTML is parsed: HTML5 names that
    libxml2's HTML 4 table lacks ("Spire&apos;s"), and text escaped twice at the
    source ("&amp;amp;apos;"). No one writes a reference as text in news copy.
    Unescaped until none is left, so cleaning the result again changes nothing."""
    for _ in range(_MAX_ESCAPE_LEVELS):
        if not _LEFT_REFERENCE.search(text):
            break
        text = html_escape.unescape(text)
    return text


def element_to_paragraphs(element: etree._Element, captions: list[str] | None = None) -> list[str]:
    """The visible text of a parsed element, one string per paragraph; the captions
    and picture credits it leaves out go to ``captions``, if given."""
    out: list[str] = []
    _collect(element, out, captions)
    # The element's own tail is outside it.
    if element.tail:
        out.pop()
    return split_paragraphs(unescape_left("".join(out)))


def html_to_paragraphs(fragment: str, source: str, captions: list[str] | None = None) -> list[str]:
    """The visible text of an HTML fragment or page, one string per paragraph; the
    captions it leaves out go to ``captions`` (for the article's record), if given."""
    if not fragment.strip():
        return []
    return element_to_paragraphs(parse_html(f"<div>{fragment}</div>", source), captions)


def paragraphs_to_html(paragraphs: tuple[str, ...] | list[str]) -> str:
    """Plain paragraphs as an HTML fragment (escaped, then sanitised)."""
    fragment = "".join(f"<p>{html_escape.escape(p, quote=False)}</p>" for p in paragraphs)
    return sanitise(fragment)


def sanitise(fragment: str) -> str:
    """An HTML fragment with everything outside the allow-list removed."""
    return nh3.clean(
        fragment,
        tags=_SAFE_TAGS,
        attributes=_SAFE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
