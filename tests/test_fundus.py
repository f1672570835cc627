"""Pages in many languages against fundus's expectations, with floors per language.

The pages in ``fixtures/fundus/`` are a part of flairNLP/fundus's test pages (every
page not in German or English, and a few of those); ``scripts/fundus_eval.py``
scores the whole set. A floor is the score the page path reached when it was set
(rounded down to two places): a change that loses a title, a byline, a date or
body text in any language fails here. Floors only go up; lowering one is an
explicit change, with the reason in the commit message.
"""

from __future__ import annotations

import math

import pytest

from normalizer.clean import Cleaner

from .conftest import FIXTURES
from .fundus_score import by_language, load_pages, score_page, summarise

# language: (title exact, byline exact, date same day, body 4-gram F1); None where no
# page of the language names its authors.
FLOORS: dict[str, tuple[float, float | None, float, float]] = {
    "cs": (1.0, 1.0, 1.0, 0.94),
    "da": (1.0, 0.5, 1.0, 0.83),
    "de": (0.9, 0.81, 0.9, 0.97),
    "en": (1.0, 0.8, 1.0, 0.98),
    "es": (1.0, 1.0, 1.0, 0.96),
    "fr": (0.75, 0.75, 1.0, 0.99),
    "hi": (1.0, 1.0, 1.0, 0.98),
    "id": (1.0, 0.0, 1.0, 0.98),
    "il": (1.0, 0.0, 1.0, 0.92),
    "is": (1.0, 1.0, 1.0, 0.87),
    "it": (1.0, 1.0, 1.0, 0.95),
    "ja": (1.0, 0.75, 1.0, 0.93),
    "jp": (1.0, 1.0, 1.0, 0.95),
    "ko": (0.75, 0.5, 0.75, 0.83),
    "lt": (1.0, 0.0, 1.0, 0.97),
    "nb": (0.5, 1.0, 1.0, 0.77),
    "nl": (1.0, 1.0, 1.0, 1.0),
    "no": (0.33, 0.66, 1.0, 0.89),
    "pl": (1.0, 1.0, 1.0, 0.95),
    "sv": (1.0, 1.0, 1.0, 0.97),
    "tr": (1.0, 0.33, 1.0, 0.93),
    "uk": (0.0, 1.0, 1.0, 0.84),
    "vi": (1.0, 0.0, 1.0, 0.95),
}
ALL_FLOORS = (0.89, 0.77, 0.97, 0.94)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, object]]:
    cleaner = Cleaner.default()
    return [score_page(page, cleaner) for page in load_pages(FIXTURES / "fundus")]


def _scores(rows: list[dict[str, object]]) -> tuple[float, float | None, float, float]:
    s = summarise(rows)
    byline = None if math.isnan(s["byline"]) else float(s["byline"])
    return float(s["title"]), byline, float(s["date"]), float(s["f1"])


def test_every_language_keeps_its_floors(rows: list[dict[str, object]]) -> None:
    groups = by_language(rows)
    assert sorted(groups) == sorted(FLOORS)  # a page's language is read from the page
    for language, group in groups.items():
        found, floor = _scores(group), FLOORS[language]
        for name, value, minimum in zip(("title", "byline", "date", "body F1"), found, floor, strict=True):
            if minimum is not None:
                assert value is not None and value >= minimum, (language, name, value, minimum)


def test_the_whole_set_keeps_its_floors(rows: list[dict[str, object]]) -> None:
    assert len(rows) >= 60
    title, byline, date, f1 = _scores(rows)
    assert all(v >= m for v, m in zip((title, byline or 0.0, date, f1), ALL_FLOORS, strict=True))
