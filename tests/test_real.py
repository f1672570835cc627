"""The real-input folder (fixtures/real/): every page keeps the paragraphs its
expected-text file (fixtures/real-expected/) pins, and leaves out what its
unexpected-text file names; the whole folder runs with nothing rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import FIXTURES, Cli

PAGES = FIXTURES / "real" / "pages"
# Beside the folder, not in it: a run over fixtures/real reads only the inputs.
EXPECTED = FIXTURES / "real-expected"


def _paragraphs(path: Path) -> list[str]:
    return [p.strip() for p in path.read_text("utf-8").split("\n\n") if p.strip()] if path.exists() else []


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.html")), ids=lambda p: p.stem)
def test_each_page_keeps_its_story_paragraphs(cli: Cli, page: Path) -> None:
    result = cli("clean", "--format", "json", str(page))
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)["body"].split("\n\n")
    for kept in _paragraphs(EXPECTED / f"{page.stem}.expected.txt"):
        assert kept in body, kept
    for gone in _paragraphs(EXPECTED / f"{page.stem}.unexpected.txt"):
        assert gone not in body, gone


def test_every_page_has_an_expected_text() -> None:
    assert all((EXPECTED / f"{page.stem}.expected.txt").exists() for page in PAGES.glob("*.html"))


def test_slideshow_text_inside_a_figure_is_kept_and_captions_are_not(cli: Cli) -> None:
    result = cli("clean", "--format", "json", str(FIXTURES / "real" / "slideshow-items.rss"))
    slides, laptop = (json.loads(line) for line in result.stdout.splitlines())
    assert slides["body"].startswith("The new tablet arrives with a faster chip")
    assert "Prices start at 599 dollars" in slides["body"]
    assert "shown here in blue" not in slides["body"]
    assert laptop["body"].endswith("two weeks of classes and homework.")  # no "Photo: Tech world"
    # Left out, and on the record.
    assert {"rule": "html:caption", "text": "The tablet, shown here in blue."} in slides["removed"]
    assert {"rule": "html:caption", "text": "Photo: Tech world"} in laptop["removed"]


def test_the_whole_folder_runs_with_nothing_rejected_and_validates(cli: Cli, tmp_path: Path) -> None:
    out, db = tmp_path / "real.atom", tmp_path / "real.db"
    result = cli("run", str(FIXTURES / "real"), "-o", str(out), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert "rejected" not in result.stderr and "skipped" not in result.stderr
    inputs = [p for p in (FIXTURES / "real").rglob("*") if p.is_file()]
    assert f"read {len(inputs)} inputs" in result.stderr
    assert cli("validate", str(out)).exit_code == 0


def test_what_a_page_leaves_out_is_recorded_with_its_stage(cli: Cli) -> None:
    result = cli("clean", "--format", "json", str(PAGES / "gamestar-consent-wall.html"))
    removed = json.loads(result.stdout)["removed"]
    stages = {r["rule"] for r in removed}
    assert {"extract:furniture", "extract:outside-the-story"} <= stages
    # The consent dialog, left out before extraction, is on the record.
    assert any(r["rule"] == "extract:furniture" and "Datenschutz" in r["text"] for r in removed)
    body = json.loads(result.stdout)["body"]
    assert not any(r["text"] in body.split("\n\n") for r in removed if r["rule"].startswith("extract:"))
