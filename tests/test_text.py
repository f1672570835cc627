"""Text repair: mojibake, whitespace, dehyphenation, paragraphs."""

from __future__ import annotations

import json

import ftfy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizer.ftfy_gate import _NAMED, ftfy_may_change
from normalizer.text import (
    _FTFY_CONFIG,
    dehyphenate,
    normalise_paragraph,
    repair,
    split_paragraphs,
    strip_xml_illegal,
)

from .conftest import FIXTURES, HOSTILE


def test_double_encoded_mojibake_is_repaired_exactly() -> None:
    broken = (HOSTILE / "mojibake-double-encoded.txt").read_text("utf-8")
    expected = (HOSTILE / "mojibake-double-encoded.expected.txt").read_text("utf-8")
    assert repair(broken) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Kurdish- led alliance", "the Kurdish-led alliance"),
        ("pre- and post-war Europe", "pre- and post-war Europe"),
        ("19th- or 20th-century art", "19th- or 20th-century art"),
        ("Ein- und Ausfuhr", "Ein- und Ausfuhr"),
        ("a US- Russian deal", "a US- Russian deal"),
        ("self- declared caliphate", "self-declared caliphate"),
    ],
)
def test_dehyphenate(text: str, expected: str) -> None:
    assert dehyphenate(text) == expected


def test_control_characters_are_dropped() -> None:
    assert strip_xml_illegal("Form\x0cfeed NUL\x00 ESC\x1b ok\n") == "Formfeed NUL ESC ok\n"


def test_one_line_per_paragraph_and_hard_wraps_joined() -> None:
    text = (
        "Headline\n\nThis line was wrapped by an old teletype system at about\n"
        "sixty characters, and goes on here.\nShare this:\nFacebook\n"
    )
    assert split_paragraphs(text) == [
        "Headline",
        "This line was wrapped by an old teletype system at about sixty characters, and goes on here.",
        "Share this:",
        "Facebook",
    ]


def test_spaces_folded_and_nbsp_removed() -> None:
    assert normalise_paragraph("  a\u00a0\u00a0b \t c  ") == "a b c"


@given(st.text())
def test_repair_is_idempotent(text: str) -> None:
    once = repair(text)
    assert repair(once) == once


@given(st.text())
def test_paragraph_splitting_is_idempotent(text: str) -> None:
    once = split_paragraphs(text)
    assert split_paragraphs("\n\n".join(once)) == once


FTFY_CASES = FIXTURES / "ftfy"


def _ftfy_cases(name: str) -> list[dict[str, str]]:
    cases = json.loads((FTFY_CASES / name).read_text("utf-8"))
    return [case for case in cases if case.get("expect") == "pass"]


@pytest.mark.parametrize("name", ["in-the-wild.json", "negative.json", "synthetic.json"])
def test_real_mojibake_is_repaired_and_lookalikes_left_alone(name: str) -> None:
    wrong = []
    for case in _ftfy_cases(name):
        wanted = case.get("fixed-encoding", case["fixed"])
        got = repair(case["original"])
        if ftfy.fixes.uncurl_quotes(got) == ftfy.fixes.uncurl_quotes(wanted):
            continue
        # XML 1.0 cannot carry C0 controls such as U+001A; dropping them is on purpose.
        if got == strip_xml_illegal(wanted):
            continue
        wrong.append((case["original"], got, wanted))
    assert wrong == []


# ftfy_may_change is exact where it says "no": ftfy would give the text back as it is.


def _ftfy_keeps(text: str) -> bool:
    return ftfy.fix_text(text, config=_FTFY_CONFIG) == text


@pytest.mark.parametrize("name", ["in-the-wild.json", "negative.json", "synthetic.json"])
def test_the_ftfy_check_lets_every_mojibake_case_through(name: str) -> None:
    cases = json.loads((FTFY_CASES / name).read_text("utf-8"))
    texts = [text for case in cases for text in (case["original"], case.get("fixed", ""))]
    missed = [text for text in texts if not ftfy_may_change(text) and not _ftfy_keeps(text)]
    assert missed == []
    # And it does skip: real text with accents and other scripts needs no ftfy.
    assert not ftfy_may_change("Le café «Chez Léon» a fermé, déclare-t-il à l'AFP. Москва. 北京。")
    assert ftfy_may_change("cafe\u0301")  # not NFC: ftfy composes it


# The characters the heuristic names, the four it flags alone, and what surrounds them.
_GATE_ALPHABET = (
    "".join(sorted(set(_NAMED[1:-1].replace("\\", ""))))
    + "ŒœÃÂ aZ.,!?-\n\t°×é»«—…’Ж北"
    + "\u0301\u0308\r\u2028\u2029\x85\x1b[\u200e\ufeff"  # combining marks, breaks, controls
)


@given(st.text(alphabet=_GATE_ALPHABET, max_size=40))
def test_the_ftfy_check_never_skips_what_ftfy_would_change(text: str) -> None:
    assert ftfy_may_change(text) or _ftfy_keeps(text)


_ACCENTED = ["é", "«", "»", "Ã", "©", "—", "Ж", "л", " ", "a", "ü", "€", "\xa0"]


@given(st.lists(st.sampled_from(_ACCENTED), max_size=60))
def test_the_ftfy_check_holds_on_accented_runs(chars: list[str]) -> None:
    text = "".join(chars)
    assert ftfy_may_change(text) or _ftfy_keeps(text)
