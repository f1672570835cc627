"""Datelines and credits at the head of wire copy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from normalizer.dateline import find_byline, load_dateline_rules, split_dateline

RULES = load_dateline_rules()


@pytest.mark.parametrize(
    ("paragraph", "place", "month", "day", "agency", "rest"),
    [
        ("PARIS, Oct 2, (Agencies): The US-led", "PARIS", 10, 2, "Agencies", "The US-led"),
        ("LONDON (Reuters) - Britain said", "LONDON", None, None, "Reuters", "Britain said"),
        ("WASHINGTON, May 3 (AP) — The Senate", "WASHINGTON", 5, 3, "AP", "The Senate"),
        ("BEIJING, Oct. 2 (Xinhua) -- China's", "BEIJING", 10, 2, "Xinhua", "China's"),
        ("KUWAIT CITY, Oct 2 (KUNA) -- Kuwait's", "KUWAIT CITY", 10, 2, "KUNA", "Kuwait's"),
        ("BERLIN (dpa) - Die Bundesregierung", "BERLIN", None, None, "dpa", "Die Bundesregierung"),
        ("KUWAIT CITY, Oct 2: The Ministry", "KUWAIT CITY", 10, 2, None, "The Ministry"),
        ("MADRID, 2 oct (EFE).- El Gobierno", "MADRID", 10, 2, "EFE", "El Gobierno"),
        ("SPRINGFIELD, Ill., May 3 (AP) - A", "SPRINGFIELD", 5, 3, "AP", "A"),
        ("NEW YORK — Stocks rose", "NEW YORK", None, None, None, "Stocks rose"),
    ],
)
def test_dateline_forms(
    paragraph: str, place: str, month: int | None, day: int | None, agency: str | None, rest: str
) -> None:
    match = split_dateline(paragraph, RULES)
    assert match is not None
    assert match.dateline.place == place
    assert (match.dateline.month, match.dateline.day) == (month, day)
    assert match.agency == agency
    assert match.rest == rest


@pytest.mark.parametrize(
    "paragraph",
    ["WARNING: markets fell", "The US-led alliance said", "US - China talks resume", "UPDATE 2-Oil"],
)
def test_not_datelines(paragraph: str) -> None:
    assert split_dateline(paragraph, RULES) is None


def test_year_comes_from_publication_date() -> None:
    match = split_dateline("PARIS, Oct 2 (AFP) - x", RULES, datetime(2018, 10, 2, 9, tzinfo=UTC))
    assert match is not None and match.dateline.date == "2018-10-02"
    # A December dateline published in January belongs to the year before.
    match = split_dateline("PARIS, Dec 31 (AFP) - x", RULES, datetime(2019, 1, 1, tzinfo=UTC))
    assert match is not None and match.dateline.date == "2018-12-31"


def test_byline() -> None:
    assert find_byline("By Jane Doe") == "Jane Doe"
    assert find_byline("By the time the vote was counted, the result was clear to all.") is None
