"""The rules of RFC 4287 that its RELAX NG schema cannot state.

Each problem names the W3C Feed Validator's message for the same fault
(``InvalidRFC3339Date``, ``DuplicateAtomLink``...), so a user who knows that
validator reads these at once. Only what the validator counts as an error is
checked here; its warnings (style, security hints) are not.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date

from lxml import etree

__all__ = ["RuleProblem", "rule_problems"]

ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(\.\d+)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Characters an IRI may not hold as they are (RFC 3987): spaces, controls, <>"{}|\^`.
_IRI_FORBIDDEN = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f]|%(?![0-9A-Fa-f]{2})")
# RFC 4151: tag:authority,date:specific (authority a DNS name or an email address).
_TAG = re.compile(
    r"^tag:(?:[A-Za-z0-9\-._~!$&'()*+,;=]+@)?[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*,\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?:"
    r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*(?:#[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*)?$"
)
# RFC 8141: urn:NID:NSS, the NID 2-32 letters, digits and hyphens.
_URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9\-]{0,30}[A-Za-z0-9]:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+$", re.I)
_HIERARCHICAL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_WITH_HOST = re.compile(r"^[^:]+://[^/?#\s]+")
_MIME = re.compile(r"^[A-Za-z0-9!#$&.+\-^_]+/[A-Za-z0-9!#$&.+\-^_]+(?:\s*;\s*[^;]+)*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_ADDR_SPEC = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]+)*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+$"
)
_BASE64 = re.compile(r"^[A-Za-z0-9+/\s]*={0,2}\s*$")
_TEXT_TYPES = frozenset({"text", "html", "xhtml"})
# Text constructs besides content, which has rules of its own (_content).
_TEXT_CONSTRUCTS = ("title", "subtitle", "summary", "rights")
_DATES = ("updated", "published")

RuleProblem = tuple[int, str, str]  # (line, W3C message name, what is wrong)


def _atom(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _line(element: etree._Element) -> int:
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else 0


def _valid_date(text: str) -> bool:
    found = _RFC3339.match(text)
    if not found:
        return False
    try:
        date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return False
    return True


def _scheme_problem(value: str) -> str | None:
    """Faults of the schemes with a syntax of their own: tag (RFC 4151), urn (RFC 8141)."""
    lowered = value.lower()
    if lowered.startswith("tag:") and not _TAG.match(value):
        return "InvalidTAG"
    if not lowered.startswith("urn:"):
        return None
    if not _URN.match(value):
        return "InvalidURN"
    if lowered.startswith("urn:uuid:"):
        try:
            uuid.UUID(value[9:])
        except ValueError:
            return "InvalidUUID"
    return None


def _iri_problem(value: str, *, absolute: bool) -> str | None:
    if value != value.strip():
        return "UnexpectedWhitespace"
    if _IRI_FORBIDDEN.search(value):
        return "InvalidUriChar"
    if absolute and not _SCHEME.match(value):
        return "InvalidFullLink"
    empty_after_scheme = bool(_SCHEME.match(value)) and value.split(":", 1)[1] == ""
    hostless = bool(_HIERARCHICAL.match(value)) and not _WITH_HOST.match(value)
    if empty_after_scheme or hostless:
        return "InvalidLink"
    return _scheme_problem(value)


def _loose_text(element: etree._Element) -> str:
    """Non-blank text directly inside an element, beside its children."""
    return (element.text or "").strip() + "".join((child.tail or "").strip() for child in element)


def _text_construct(element: etree._Element, name: str) -> Iterator[RuleProblem]:
    kind = element.get("type", "text")
    if name != "content" and kind not in _TEXT_TYPES:
        yield _line(element), "InvalidTextType", f"<{name}> type {kind!r} is not text, html or xhtml"
        return
    children = list(element)
    if kind == "xhtml":
        divs = [c for c in children if c.tag == f"{{{XHTML}}}div"]
        if len(children) != 1 or len(divs) != 1 or _loose_text(element):
            yield _line(element), "MissingXhtmlDiv", f"<{name} type='xhtml'> must hold exactly one xhtml:div"
    elif kind in ("text", "html") and children:
        yield _line(element), "UndefinedElement", f"<{name} type='{kind}'> holds child elements"


def _content_src(content: etree._Element, src: str, kind: str | None) -> Iterator[RuleProblem]:
    problem = _iri_problem(src, absolute=False)
    if problem:
        yield _line(content), problem, f"content src {src!r} is not a valid IRI"
    if (content.text or "").strip() or len(content):
        yield _line(content), "UnexpectedText", "<content src=...> must be empty"
    if kind in _TEXT_TYPES:
        yield _line(content), "InvalidMIMEType", "<content src=...> type must be a MIME type"


def _inline_media(content: etree._Element, kind: str) -> Iterator[RuleProblem]:
    """Inline content of a MIME type: XML as elements, text/* as text, the rest Base64."""
    lowered = kind.lower()
    if lowered.endswith(("+xml", "/xml")):
        if len(content) and _loose_text(content):
            yield _line(content), "UnexpectedText", f"XML content ({kind}) mixes text and elements"
    elif lowered.startswith("text/"):
        if len(content):
            yield _line(content), "UndefinedElement", f"content of type {kind} holds child elements"
    elif len(content) or not _BASE64.match(content.text or ""):
        yield _line(content), "NotBase64", f"content of type {kind} must be Base64"


def _content(content: etree._Element) -> Iterator[RuleProblem]:
    kind = content.get("type")
    src = content.get("src")
    if src is not None:
        yield from _content_src(content, src, kind)
    if kind is None or kind in _TEXT_TYPES:
        if src is None:
            yield from _text_construct(content, "content")
    elif not _MIME.match(kind) or kind.lower().startswith("multipart/"):
        yield _line(content), "InvalidMIMEType", f"content type {kind!r} is not a usable MIME type"
    elif src is None:
        yield from _inline_media(content, kind)


def _links(parent: etree._Element) -> Iterator[RuleProblem]:
    alternates: Counter[tuple[str, str]] = Counter()
    for link in parent.findall(_atom("link")):
        href = link.get("href")
        if href is None:
            yield _line(link), "MissingHref", "<link> without href"
            continue
        problem = _iri_problem(href, absolute=False)
        if problem:
            yield (
                _line(link),
                problem if problem != "InvalidFullLink" else "InvalidLink",
                f"link href {href!r}",
            )
        length = link.get("length")
        if length is not None and not length.strip().isdigit():
            yield _line(link), "InvalidNonNegativeInteger", f"link length {length!r}"
        kind = link.get("type")
        if kind is not None and not _MIME.match(kind):
            yield _line(link), "InvalidMIMEType", f"link type {kind!r}"
        hreflang = link.get("hreflang")
        if hreflang is not None and not _LANGUAGE.match(hreflang):
            yield _line(link), "InvalidLanguage", f"link hreflang {hreflang!r}"
        rel = link.get("rel", "alternate")
        if rel in ("alternate", "http://www.iana.org/assignments/relation/alternate"):
            alternates[(kind or "", (hreflang or "").lower())] += 1
    for (kind, hreflang), count in alternates.items():
        if count > 1:
            what = f"type {kind!r}" + (f", hreflang {hreflang!r}" if hreflang else "")
            yield _line(parent), "DuplicateAtomLink", f"{count} alternate links with {what}"


def _ids_and_dates(parent: etree._Element) -> Iterator[RuleProblem]:
    for element in parent.findall(_atom("id")):
        value = element.text or ""
        problem = _iri_problem(value, absolute=True)
        if problem == "InvalidUriChar" and not _SCHEME.match(value.strip()):
            problem = "InvalidLink"
        if problem:
            yield _line(element), problem, f"atom:id {value!r} is not an absolute IRI"
    for name in _DATES:
        for element in parent.findall(_atom(name)):
            value = element.text or ""
            if value != value.strip():
                yield _line(element), "UnexpectedWhitespace", f"<{name}> has spaces around the date"
            elif not _valid_date(value):
                yield _line(element), "InvalidRFC3339Date", f"<{name}> {value!r} is not an RFC 3339 date"


def _iris(parent: etree._Element) -> Iterator[RuleProblem]:
    """IRIs in icon, logo, generator uri and category scheme (the last one absolute)."""
    located: list[tuple[etree._Element, str, str, bool]] = [
        (element, name, element.text or "", False)
        for name in ("icon", "logo")
        for element in parent.findall(_atom(name))
    ]
    generator = parent.find(_atom("generator"))
    if generator is not None and generator.get("uri") is not None:
        located.append((generator, "generator uri", generator.get("uri") or "", False))
    for category in parent.findall(_atom("category")):
        if category.get("scheme") is not None:
            located.append((category, "category scheme", category.get("scheme") or "", True))
    for element, name, value, absolute in located:
        problem = _iri_problem(value, absolute=absolute)
        if problem:
            yield _line(element), problem, f"{name} {value!r} is not a valid IRI"


def _people(parent: etree._Element) -> Iterator[RuleProblem]:
    for person in parent.findall(_atom("author")) + parent.findall(_atom("contributor")):
        for uri in person.findall(_atom("uri")):
            problem = _iri_problem(uri.text or "", absolute=False)
            if problem:
                yield _line(uri), problem, f"person uri {uri.text!r}"
        for email in person.findall(_atom("email")):
            if not _ADDR_SPEC.match(email.text or ""):
                yield _line(email), "InvalidAddrSpec", f"email {email.text!r} is not an address"


def _common(parent: etree._Element) -> Iterator[RuleProblem]:
    """What feeds, entries and sources share: ids, dates, IRIs, links, people, texts."""
    yield from _ids_and_dates(parent)
    yield from _iris(parent)
    yield from _people(parent)
    for name in _TEXT_CONSTRUCTS:
        for element in parent.findall(_atom(name)):
            yield from _text_construct(element, name)
    yield from _links(parent)


def _entry(entry: etree._Element, feed_has_author: bool) -> Iterator[RuleProblem]:
    yield from _common(entry)
    source = entry.find(_atom("source"))
    if source is not None:
        yield from _common(source)
    has_author = entry.find(_atom("author")) is not None or (
        source is not None and source.find(_atom("author")) is not None
    )
    if not has_author and not feed_has_author:
        yield _line(entry), "MissingElement", "entry without an author (nor one on its source or feed)"
    content = entry.find(_atom("content"))
    # RFC 4287 asks for an alternate link; the W3C validator accepts any link, and
    # agreeing with it is the point here (newsnorm's own entries always have content).
    if content is None and entry.find(_atom("link")) is None:
        yield _line(entry), "MissingContentOrAlternate", "entry with neither content nor a link"
    if content is not None:
        yield from _content(content)
        kind = (content.get("type") or "text").lower()
        textual = kind in _TEXT_TYPES or kind.startswith("text/") or kind.endswith(("+xml", "/xml"))
        if (content.get("src") is not None or not textual) and entry.find(_atom("summary")) is None:
            yield _line(entry), "MissingSummary", "entry whose content is not inline text needs a summary"


def _xml_base(root: etree._Element) -> Iterator[RuleProblem]:
    for element in root.iter():
        base = element.get(_XML_BASE)
        if base is not None:
            problem = _iri_problem(base, absolute=False)
            if problem:
                yield (
                    _line(element),
                    "InvalidUriChar" if problem == "UnexpectedWhitespace" else problem,
                    (f"xml:base {base!r}"),
                )
        lang = element.get(_XML_LANG)
        if lang and not _LANGUAGE.match(lang):
            yield _line(element), "InvalidLanguage", f"xml:lang {lang!r}"


def rule_problems(root: etree._Element) -> list[RuleProblem]:
    """The RFC 4287 faults of an Atom feed or entry document, in document order."""
    problems: list[RuleProblem] = list(_xml_base(root))
    if root.tag == _atom("feed"):
        problems.extend(_common(root))
        feed_has_author = root.find(_atom("author")) is not None
        # Two entries with one id are versions of one entry; that their updated times
        # SHOULD differ is advice, not a fault (RFC 4287, 4.1.1).
        for entry in root.findall(_atom("entry")):
            problems.extend(_entry(entry, feed_has_author))
    elif root.tag == _atom("entry"):
        problems.extend(_entry(root, feed_has_author=False))
    return sorted(problems, key=lambda problem: problem[0])
