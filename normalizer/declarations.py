"""Whether an XML document declares entities: the screen before any parser runs.

Entities can be declared only in the document type declaration, which can stand
only in the prolog, before the root element. So the screen reads the document as
an XML parser tokenises it, left to right:

- in the prolog it passes over the XML declaration, processing instructions,
  comments and whitespace; a DOCTYPE is read to its end (quoted literals, and in
  its internal subset comments and processing instructions, are passed over as
  wholes, so a ``]>`` inside one does not end it early) and refused if it declares
  an entity;
- from the first element on it passes over comments and CDATA sections, so a
  feed that quotes ``<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>``
  inside CDATA (a security site writing about XXE) is read, while a declaration
  outside them is refused (it is a syntax error there, but a lenient parser might
  act on it).

Anything the scan cannot place (text before the root element, an unterminated
comment or literal) falls back to the strict rule: any ``<!ENTITY`` anywhere is
refused. Tokenising as the parser does is what keeps a declaration from hiding:
an opening the screen skips is an opening the parser skips too.
"""

from __future__ import annotations

import re

__all__ = ["declares_entities"]

_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_NAME_START = re.compile(rb"<[A-Za-z_:\x80-\xff]")
_SPACE = b" \t\r\n"


def declares_entities(text: bytes) -> bool:
    """Whether ``text`` (an ASCII-compatible view of the document) declares an entity
    where a parser could act on it."""
    position = _after_prolog(text)
    if position is None:
        return _ENTITY.search(text) is not None
    if position < 0:
        return True
    return _declared_in_content(text, position)


def _after_prolog(text: bytes) -> int | None:
    """Where the root element starts; -1 if the DOCTYPE declares entities; None if
    the prolog cannot be read."""
    i = 3 if text.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while i < len(text) and text[i] in _SPACE:
            i += 1
        if text.startswith((b"<?", b"<!--"), i):
            after = _skip_comment_or_instruction(text, i)
            if after is None:
                return None
            i = after
        elif text[i : i + 9].upper() == b"<!DOCTYPE":
            doctype_end = _doctype_end(text, i + 9)
            if doctype_end is None:
                return None
            if _ENTITY.search(text, i, doctype_end):
                return -1
            i = doctype_end
        elif _NAME_START.match(text, i):
            return i
        else:
            return None


def _skip_comment_or_instruction(text: bytes, i: int) -> int | None:
    """The index after the comment or processing instruction opening at ``i``."""
    # A comment's "-->" is looked for after its own "<!--" (so "<!-->" does not close
    # it), an instruction's "?>" after "<?".
    opening, closing = (b"<!--", b"-->") if text.startswith(b"<!--", i) else (b"<?", b"?>")
    end = text.find(closing, i + len(opening))
    return None if end < 0 else end + len(closing)


def _skip_literal(text: bytes, i: int) -> int | None:
    """The index after the quoted literal opening at ``i``."""
    end = text.find(text[i : i + 1], i + 1)
    return None if end < 0 else end + 1


def _doctype_end(text: bytes, i: int) -> int | None:
    """The index after the DOCTYPE whose name starts at ``i``."""
    while i < len(text):
        char = text[i : i + 1]
        if char in (b'"', b"'"):
            after = _skip_literal(text, i)
            if after is None:
                return None
            i = after
        elif char == b"[":
            after = _subset_end(text, i + 1)
            if after is None:
                return None
            i = after
        elif char == b">":
            return i + 1
        else:
            i += 1
    return None


def _subset_end(text: bytes, i: int) -> int | None:
    """The index after the ``]`` that closes the internal subset starting at ``i``."""
    while i < len(text):
        if text.startswith((b"<?", b"<!--"), i):
            after = _skip_comment_or_instruction(text, i)
            if after is None:
                return None
            i = after
        elif text[i : i + 1] in (b'"', b"'"):
            after = _skip_literal(text, i)
            if after is None:
                return None
            i = after
        elif text[i : i + 1] == b"]":
            return i + 1
        else:
            i += 1
    return None


def _declared_in_content(text: bytes, i: int) -> bool:
    """Whether a declaration stands in the content, outside comments and CDATA."""
    while True:
        start = text.find(b"<!", i)
        if start < 0:
            return False
        if text.startswith(b"<!--", start):
            end = text.find(b"-->", start + 4)
        elif text.startswith(b"<![CDATA[", start):
            end = text.find(b"]]>", start + 9)
        elif text[start : start + 8].upper() == b"<!ENTITY":
            return True
        else:
            i = start + 2
            continue
        if end < 0:
            # Unterminated: what follows is read strictly.
            return _ENTITY.search(text, start + 4) is not None
        i = end + 3
