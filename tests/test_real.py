"""The real-input folder (fixtures/real/): every page keeps the paragraphs its
expected-text file pins, and leaves out what its unexpected-text file names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import FIXTURES, Cli

PAGES = FIXTURES / "real" / "pages"


def _paragraphs(path: Path) -> list[str]:
    return [p.strip() for p in path.read_text("utf-8").split("\n\n") if p.strip()] if path.exists() else []


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.html")), ids=lambda p: p.stem)
def test_each_page_keeps_its_story_paragraphs(cli: Cli, page: Path) -> None:
    result = cli("clean", "--format", "json", str(page))
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)["body"].split("\n\n")
    for kept in _paragraphs(page.with_suffix(".expected.txt")):
        assert kept in body, kept
    for gone in _paragraphs(page.with_suffix(".unexpected.txt")):
        assert gone not in body, gone


def test_every_page_has_an_expected_text() -> None:
    assert all(page.with_suffix(".expected.txt").exists() for page in PAGES.glob("*.html"))


def test_slideshow_text_inside_a_figure_is_kept_and_captions_are_not(cli: Cli) -> None:
    result = cli("clean", "--format", "json", str(FIXTURES / "real" / "slideshow-items.rss"))
    slides, laptop = (json.loads(line) for line in result.stdout.splitlines())
    assert slides["body"].startswith("The new tablet arrives with a faster chip")
    assert "Prices start at 599 dollars" in slides["body"]
    assert "shown here in blue" not in slides["body"]
    assert laptop["body"].endswith("two weeks of classes and homework.")  # no "Photo: Tech world"
