"""Whether ftfy could change a text: an exact and cheaper check made before calling it.

With newsnorm's configuration (:data:`normalizer.text.FTFY_CONFIG`: no HTML
unescaping, no quote uncurling, no ligature or width folding), ``ftfy.fix_text``
changes a text only if

- its mojibake heuristic (``ftfy.badness.BADNESS_RE``) matches in one of its
  line segments (``fix_encoding`` does nothing to text that is not "bad");
- it holds a character one of the other fixers touches: a C1 control, a line or
  paragraph separator or carriage return, a lone surrogate, an escape (terminal
  codes), a character of ftfy's control table;
- or it is not in NFC.

Most of that is a scan for a handful of characters. The cost is the heuristic, a
regex of some forty alternatives that ftfy runs over the whole text: about 100 µs
for a paragraph of accented or non-Latin text. Every one of its alternatives matches
at most :data:`_LONGEST_MATCH` characters, and each holds either two characters it
names side by side (mojibake is a multi-byte character read as several) or one of
``Œ œ Ã Â`` (the only ones it flags alone, with a space or any non-letter after
them; a C1 control is flagged alone too, and found by the scan above). So it is run
only on windows around those triggers; where they are everywhere the whole text is
searched, as ftfy would.

The check may say "could change" when ftfy then changes nothing (that costs only the
call); it never says "cannot" when ftfy would (``tests/test_text.py`` holds it against
ftfy on its own test cases, real text and generated strings).
"""

from __future__ import annotations

import re
import unicodedata

from ftfy.badness import BADNESS_RE
from ftfy.chardata import CONTROL_CHARS

__all__ = ["ftfy_may_change"]

# The longest text an alternative of BADNESS_RE can match ("ГўВЂВ.[A-Za-z ]": 7).
_LONGEST_MATCH = 8
# Above this share of the text in windows, one search of the whole text is cheaper.
_WHOLE_TEXT_SHARE = 0.5
# ftfy cuts a line longer than its max_decode_length into segments of that length.
_FTFY_SEGMENT = 1_000_000


def _class_members(pattern: str) -> set[str]:
    """Every character the pattern's character classes and literals name, outside ASCII."""
    members: set[str] = set()
    for body in re.findall(r"\[((?:\\.|[^\]\\])*)\]", pattern, flags=re.DOTALL):
        index = 0
        while index < len(body):
            if index + 2 < len(body) and body[index + 1] == "-":
                members.update(chr(c) for c in range(ord(body[index]), ord(body[index + 2]) + 1))
                index += 3
            else:
                members.add(body[index])
                index += 1
    members.update(pattern)  # the literals outside classes ("вЂ", "Ã", "√"...)
    return {c for c in members if not c.isascii()}


# The characters the heuristic names; a match holds two of them side by side, or one
# of the four it flags alone.
_NAMED = "[" + re.escape("".join(sorted(_class_members(BADNESS_RE.pattern)))) + "]"
_TRIGGER = re.compile(f"{_NAMED}{_NAMED}|[ŒœÃÂ]")
# What the other fixers change: C1 controls (U+0085 among them), line breaks other than
# "\n", surrogates, terminal escapes, and ftfy's table of control characters.
_TOUCHED = re.compile(
    "[\x80-\x9f\r\u2028\u2029\ud800-\udfff\x1b"
    + re.escape("".join(sorted(chr(c) for c in CONTROL_CHARS if c > 0x1F or chr(c) not in "\n\t")))
    + "]"
)
# ftfy searches each line on its own, so its "^[ÃÂ] " matches at the start of any line.
_LINE_START = re.compile(r"(?:^|\n)[ÃÂ] ")


def ftfy_may_change(text: str) -> bool:
    """False only when ``ftfy.fix_text(text, config=FTFY_CONFIG)`` would give ``text``."""
    if text.isascii():
        return bool(_TOUCHED.search(text))
    if len(text) >= _FTFY_SEGMENT:
        return True  # its segments are not only its lines: leave it to ftfy
    if _TOUCHED.search(text) or not unicodedata.is_normalized("NFC", text) or _LINE_START.search(text):
        return True
    return _heuristic_matches(text)


def _heuristic_matches(text: str) -> bool:
    windows: list[list[int]] = []
    covered = 0
    limit = len(text) * _WHOLE_TEXT_SHARE
    for found in _TRIGGER.finditer(text):
        start, end = max(0, found.start() - _LONGEST_MATCH), found.end() + _LONGEST_MATCH
        if windows and start <= windows[-1][1]:
            covered += end - windows[-1][1]
            windows[-1][1] = end
        else:
            windows.append([start, end])
            covered += end - start
        if covered > limit:
            return BADNESS_RE.search(text) is not None
    # A window that does not open the text cannot match the heuristic's "^" wrongly
    # there: search(pos=...) never matches "^" past the string's real start.
    return any(BADNESS_RE.search(text, start, end) for start, end in windows)
