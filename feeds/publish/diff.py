"""How a copy of a story differs from its canonical copy, paragraph by paragraph and
word by word, for a person to see: "trimmed tail", "new headline", "an update adds
two paragraphs".

Paragraphs are aligned first (difflib's longest matching blocks over whole
paragraphs); a paragraph that is gone from one place and found again at another is
a *move*, not a deletion and an insertion; paragraphs that were replaced are
compared word by word. Pure functions over strings: the desk renders the pieces as
``<del>``, ``<ins>`` and moved paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

__all__ = ["Piece", "Row", "paragraph_diff", "word_diff"]

PieceKind = Literal["same", "ins", "del"]
RowKind = Literal["same", "changed", "added", "removed", "moved"]

# Words and the spaces between them, so that a diff gives the text back exactly.
_TOKEN = re.compile(r"\S+|\s+")
# Past this many words in a pair of paragraphs, they are shown as replaced whole
# (difflib's matching is quadratic in the worst case; a news paragraph is far smaller).
_MAX_WORDS = 3000


@dataclass(frozen=True)
class Piece:
    """A run of text that is in both versions (``same``), only in the copy (``ins``)
    or only in the canonical copy (``del``)."""

    kind: PieceKind
    text: str


@dataclass(frozen=True)
class Row:
    """One aligned line of the side-by-side view: the canonical copy's paragraph on
    the left, the copy's on the right (either may be empty)."""

    kind: RowKind
    left: tuple[Piece, ...]
    right: tuple[Piece, ...]


def _merged(pieces: list[Piece]) -> tuple[Piece, ...]:
    out: list[Piece] = []
    for piece in pieces:
        if out and out[-1].kind == piece.kind:
            out[-1] = Piece(piece.kind, out[-1].text + piece.text)
        elif piece.text:
            out.append(piece)
    return tuple(out)


def word_diff(old: str, new: str) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    """The words of ``old`` with those ``new`` lacks marked ``del``, and the words of
    ``new`` with those ``old`` lacks marked ``ins``."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) + len(b) > 2 * _MAX_WORDS:
        return _merged([Piece("del", old)]), _merged([Piece("ins", new)])
    left: list[Piece] = []
    right: list[Piece] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(Piece("same", "".join(a[i1:i2])))
            right.append(Piece("same", "".join(b[j1:j2])))
            continue
        left.append(Piece("del", "".join(a[i1:i2])))
        right.append(Piece("ins", "".join(b[j1:j2])))
    return _merged(left), _merged(right)


def paragraph_diff(canonical: Sequence[str], copy: Sequence[str]) -> list[Row]:
    """The side-by-side rows of ``copy`` against ``canonical``, in reading order."""
    opcodes = SequenceMatcher(None, list(canonical), list(copy), autojunk=False).get_opcodes()
    gone = {p for tag, i1, i2, _, _ in opcodes if tag in ("delete", "replace") for p in canonical[i1:i2]}
    came = {p for tag, _, _, j1, j2 in opcodes if tag in ("insert", "replace") for p in copy[j1:j2]}
    moved = gone & came
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            rows.extend(Row("same", (Piece("same", p),), (Piece("same", p),)) for p in canonical[i1:i2])
            continue
        olds = [p for p in canonical[i1:i2] if p not in moved]
        news = [p for p in copy[j1:j2] if p not in moved]
        for old, new in zip(olds, news, strict=False):
            left, right = word_diff(old, new)
            rows.append(Row("changed", left, right))
        rows.extend(Row("removed", (Piece("del", p),), ()) for p in olds[len(news) :])
        rows.extend(Row("added", (), (Piece("ins", p),)) for p in news[len(olds) :])
        # A moved paragraph is shown where the copy has it, and where it was.
        rows.extend(Row("moved", (Piece("same", p),), ()) for p in canonical[i1:i2] if p in moved)
        rows.extend(Row("moved", (), (Piece("same", p),)) for p in copy[j1:j2] if p in moved)
    return rows
