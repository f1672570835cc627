"""The tokens a text is compared by, in any script, and the figures it quotes.

Near-duplicate detection compares texts by runs of tokens (shingles). What a token
is depends on the script:

* Scripts written with spaces (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari...)
  give one token per word: a run of letters and digits.
* Scripts written without spaces (Han, Hiragana, Katakana, Hangul, Thai, Lao, Khmer,
  Myanmar) give one token per character: a Chinese clause is not one "word", so a
  trimmed or lead-only copy shares most of its shingles with the original, as it
  does in English. (Hangul is spaced, but its spaced units carry particles that
  change with the sentence; characters compare better.)

Before that every text is folded the same way: NFKC (full-width letters and digits,
ligatures, compatibility forms), case-folded, decimal digits of every script as
ASCII digits, Thai and Lao vowel signs and tone marks dropped, and Arabic lightly
normalised (hamza forms of alef as bare alef, alef
maqsura as ya, ta marbuta as ha, no tatweel, no diacritics), the way Arabic search
engines fold it, so a copy that drops a hamza or a vowel mark is the same text.
English text folds to what case-folding alone gave.

Figures are the numbers a text quotes, read as numbers (``2.45``, ``355,000``,
``5.5%``), each with the words on either side of it: two texts *align* on a figure
when they quote a number between the same two words, which is how two days' reports
from one template are told apart (see :mod:`normalizer.dedup`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "FIGURE_SEPARATOR",
    "canonical_text",
    "figures",
    "headline_tokens",
    "spaced_text",
    "tokens",
    "word_count",
]

# The zero of each block of decimal digits that NFKC leaves alone (Arabic-Indic,
# Persian, N'Ko, Devanagari to Malayalam, Sinhala, Thai, Lao, Tibetan, Myanmar,
# Khmer, Mongolian). Full-width digits are NFKC's.
_DIGIT_ZEROS = (
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66,
    0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810,
)  # fmt: skip
_FOLD: dict[int, str | None] = {zero + value: str(value) for zero in _DIGIT_ZEROS for value in range(10)}
# Arabic: hamza forms of alef (آ أ إ ٱ) as alef, alef maqsura as ya, ta marbuta as
# ha, tatweel dropped.
_FOLD.update({0x0622: "ا", 0x0623: "ا", 0x0625: "ا", 0x0671: "ا", 0x0649: "ي", 0x0629: "ه", 0x0640: None})
# Arabic diacritics (harakat, tanwin, shadda, sukun, dagger alef, Quranic marks).
_FOLD.update(dict.fromkeys([*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)], None))

# Thai and Lao vowel signs above and below and tone marks: dropped, the letters they
# sit on stay (a copy that loses or re-orders a mark is still the same text).
_FOLD.update(dict.fromkeys([0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)], None))
_FOLD.update(dict.fromkeys([0x0EB1, *range(0x0EB4, 0x0EBD), *range(0x0EC8, 0x0ECE)], None))

_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]")

# Characters of the scripts written without spaces, one token each.
_UNSPACED = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
    "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff"
)
_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")
_UNSPACED_CHARACTER = re.compile(f"[{_UNSPACED}]")
_WORD = re.compile(r"\w+")
# Two characters of one word of a spaced script: a window edge between them cuts it.
_SPACED_PAIR = re.compile(rf"[^\W{_UNSPACED}]{{2}}")
# A number as written: digits with thousands or decimal separators, maybe a percent;
# not digits inside a word of a spaced script ("G7", "covid19"), which name things.
_NUMBER = re.compile(rf"(?<![^\W_{_UNSPACED}])\d+(?:[.,]\d+)*%?(?![^\W\d_{_UNSPACED}])")
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
FIGURE_SEPARATOR = "|"


def canonical_text(paragraphs: Sequence[str]) -> str:
    """A body folded as comparison sees it: NFKC, case-folded, digits and Arabic folded."""
    text = unicodedata.normalize("NFKC", " ".join(paragraphs)).casefold()
    # str.translate looks every character up: only texts with something to fold pay for it.
    return text.translate(_FOLD) if _FOLDABLE.search(text) else text


def word_count(text: str) -> int:
    """Words in a text, in any script: the scripts written without spaces count two
    of their characters as a word (about what a word is there), so one threshold in
    words means about as much text in Japanese as in English."""
    return len(text.split()) + len(_UNSPACED_CHARACTER.findall(text)) // 2


def tokens(text: str) -> list[str]:
    """The tokens of a folded text (see :func:`canonical_text`): words, and single
    characters of the scripts written without spaces."""
    if _UNSPACED_CHARACTER.search(text):
        return _TOKEN.findall(text)
    # Without those scripts the tokens are the words, which the plain pattern finds faster.
    return _WORD.findall(text)


def spaced_text(text: str) -> str:
    """A text folded as comparison folds it, with each character of the scripts
    written without spaces set apart: what a word tokenizer (a full-text index)
    should read, so that it finds a Chinese word as the phrase of its characters
    and keeps the combining marks of a Hindi word inside it."""
    folded = canonical_text([text])
    if _UNSPACED_CHARACTER.search(folded):
        folded = _UNSPACED_CHARACTER.sub(r" \g<0> ", folded)
    return " ".join(folded.split())


def headline_tokens(title: str) -> list[str]:
    """A headline's tokens, folded as a body's are: what its band key hashes and what
    two headlines are compared by."""
    return tokens(canonical_text([title]))


def _number(written: str) -> str:
    """A number as a value: thousands separators dropped (``355,000``, ``1.234.567``),
    a decimal comma as a point (``2,45``), so each language's way reads alike."""
    percent = "%" if written.endswith("%") else ""
    digits = written.rstrip("%")
    if _THOUSANDS.fullmatch(digits):
        return re.sub(r"[.,]", "", digits) + percent
    return digits.replace(",", ".") + percent


def figures(text: str) -> tuple[str, ...]:
    """The numbers a folded text quotes, each as ``before|number|after`` (the nearest
    word on either side that is not itself a number, empty at the text's ends), sorted
    and distinct. Spacing never changes them."""
    found: set[str] = set()
    for match in _NUMBER.finditer(text):
        before = _nearest_word(text, match.start(), backwards=True)
        after = _nearest_word(text, match.end(), backwards=False)
        found.add(FIGURE_SEPARATOR.join((before, _number(match.group()), after)))
    return tuple(sorted(found))


def _nearest_word(text: str, at: int, *, backwards: bool) -> str:
    """The nearest token before (or after) ``at`` that is not a number. Looked for in a
    window that widens until it holds one; a token the window's edge cuts is not
    counted, so the answer is the one the whole text gives."""
    width = 48
    while True:
        start, end = (max(0, at - width), at) if backwards else (at, min(len(text), at + width))
        found: list[str] = _TOKEN.findall(text, start, end)
        if found and backwards and start > 0 and _SPACED_PAIR.match(text, start - 1):
            found = found[1:]  # the first is cut by the window's left edge
        if found and not backwards and end < len(text) and _SPACED_PAIR.match(text, end - 1):
            found = found[:-1]  # the last is cut by its right edge
        words = [token for token in found if not token.isdecimal()]
        if words:
            return words[-1] if backwards else words[0]
        if (backwards and start == 0) or (not backwards and end == len(text)):
            return ""
        width *= 2
