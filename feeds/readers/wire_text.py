"""Teletype wire formats: ANPA-1312 (AP) and IPTC 7901 (dpa) -> RawEntry.

Both frame a story with control characters: SOH and a header line, STX, the
text, ETX. No library reads them, so they are read here, by their framing:

* ANPA-1312: ``SYN SYN SOH`` header (service, selector, priority, category,
  keyword, version, word count); in the text, lines opened by ``^`` are the
  keyword line, the headline, photo and editor's notes and the byline, ``<``
  and ``=`` end lines, and a tab opens each paragraph.
* IPTC 7901: ``SOH`` header (identifier, priority, category, word count, source),
  a keyword line, then after STX the headline up to `` =`` and paragraphs
  separated by blank lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from feeds.readers.common import decode_text, input_id_for
from normalizer.errors import InputError
from normalizer.model import LeftOut, Origin, RawEntry, Rejected

__all__ = ["read_anpa", "read_iptc7901"]

SOH, STX, ETX = b"\x01", b"\x02", b"\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANPA_NOTES = re.compile(
    r"^(?:AP Photos?|Eds?:|Editors?:|With AP Photos|Associated Press$|AP Video)", re.IGNORECASE
)
_ANPA_TRAILER = re.compile(r"^(?:AP-[A-Z]{2}-\S+|\(?[A-Za-z]{2,4}(?:/[A-Za-z]{1,4})+\)?)\s*\S*\s*$")


def _framed(data: bytes, source: str) -> tuple[str, str]:
    """(header, text) of a framed story: what stands before STX, and between STX and ETX."""
    start = data.find(STX)
    if start < 0 or SOH not in data[:start]:
        raise InputError(source, "no SOH/STX framing: not a teletype wire story")
    end = data.find(ETX, start)
    header = decode_text(data[data.find(SOH) + 1 : start], source)
    body = decode_text(data[start + 1 : end if end >= 0 else len(data)], source)
    return _CONTROL.sub(" ", header), _CONTROL.sub(" ", body)


def _entry(
    source: str, data: bytes, title: str, paragraphs: list[str], author: str | None
) -> RawEntry | LeftOut:
    if not paragraphs:
        return Rejected(source, "a wire story without body text")
    return RawEntry(
        input_id=input_id_for(source, data),
        origin=Origin(kind="file", name=source),
        title=title,
        content="\n\n".join(paragraphs),
        content_type="text",
        author=author,
    )


def read_anpa(data: bytes, source: str) -> Iterator[RawEntry | LeftOut]:
    """An ANPA-1312 story."""
    header, text = _framed(data, source)
    keyword, title, author = "", "", None
    paragraphs: list[str] = []
    for raw_line in text.replace("\r", "").split("\n"):
        line = raw_line.rstrip().rstrip("<=").rstrip()
        if not line.strip():
            continue
        if raw_line.startswith("^"):
            line = line[1:].strip()
            if not keyword:
                keyword = line
            elif not title:
                title = line
            elif line.lower().startswith("by "):
                author = line[3:].strip()
            elif _ANPA_NOTES.match(line):
                continue
            else:
                paragraphs.append(line)
        elif raw_line.startswith("\t") or not paragraphs:
            paragraphs.append(line.strip())
        else:
            paragraphs[-1] = f"{paragraphs[-1]} {line.strip()}"
    while paragraphs and (paragraphs[-1].strip("_ ") == "" or _ANPA_TRAILER.match(paragraphs[-1])):
        paragraphs.pop()
    paragraphs = [p.replace(" _ ", " — ") for p in paragraphs if p.strip("_ ")]
    del header  # service, selector and word count: nothing an article needs
    yield _entry(source, data, title or keyword, paragraphs, author)


def read_iptc7901(data: bytes, source: str) -> Iterator[RawEntry | LeftOut]:
    """An IPTC 7901 story."""
    header, text = _framed(data, source)
    lines = header.replace("\r", "").split("\n")
    keyword = next((line.strip() for line in lines[1:] if line.strip()), "")
    text = text.replace("\r", "")
    title_part, separator, rest = text.partition(" =")
    if not separator:
        title_part, rest = "", text
    title_lines = [line.strip() for line in title_part.split("\n") if line.strip()]
    # A priority word on its own line ("EXTRA", "EILT") stands before the headline.
    if len(title_lines) > 1 and title_lines[0].isupper() and len(title_lines[0].split()) == 1:
        title_lines = title_lines[1:]
    title = " ".join(title_lines)
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", rest) if block.strip()]
    yield _entry(source, data, title or keyword.rstrip("/"), paragraphs, None)
