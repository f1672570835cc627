"""The article newsnorm is built around, read exactly as a desk would read it."""

from __future__ import annotations

from pathlib import Path

from feeds.readers import read_entries
from normalizer.clean import Cleaner
from normalizer.model import Article

from .conftest import DEMO

SEED = DEMO / "agencies-dateline-seed.txt"


def _clean(name: str) -> Article:
    path = DEMO / name
    (raw,) = list(read_entries(path.read_bytes(), str(path)))
    article = Cleaner.default().clean(raw)
    assert isinstance(article, Article)
    return article


def test_seed_title_dateline_and_agency() -> None:
    article = _clean(SEED.name)
    assert article.title == "Tough IS fight ahead"
    assert article.dateline is not None
    assert (article.dateline.place, article.dateline.month, article.dateline.day) == ("PARIS", 10, 2)
    assert article.dateline.raw == "PARIS, Oct 2, (Agencies):"
    assert article.agency == "Agencies"
    assert article.input_id == "agencies-dateline-seed"


def test_seed_body_is_the_ten_story_paragraphs() -> None:
    article = _clean(SEED.name)
    assert len(article.paragraphs) == 10
    assert article.paragraphs[0].startswith("The US-led military alliance")
    assert article.paragraphs[-1].endswith("combat terrorism.")


def test_seed_chrome_is_gone_and_hyphenation_mended() -> None:
    article = _clean(SEED.name)
    body = article.body
    for chrome in ("Check Also", "Erdogan announces capturing", "Translate", "-----", "Nov. 6, …"):
        assert chrome not in body
    assert "Kurdish-led" in body
    assert "Kurdish- led" not in body
    assert "PARIS" not in article.paragraphs[0]
    rules = [removal.rule for removal in article.removed]
    assert rules == ["rule-line", "check-also", "check-also", "check-also", "translate-widget"]


def test_scraped_article_without_headline_gets_one_from_its_first_sentence() -> None:
    article = _clean("scraped-article-agencies-dateline.txt")
    assert article.title.startswith("France and Germany agreed")
    assert article.agency == "Agencies"
    assert len(article.paragraphs) == 3
    removed = {removal.rule for removal in article.removed}
    assert removed == {"check-also", "related-links", "share-bar", "copyright-notice", "translate-widget"}


def test_unrelated_article_keeps_its_one_paragraph() -> None:
    article = _clean("scraped-article-unrelated.txt")
    assert article.dateline is not None and article.dateline.place == "KUWAIT CITY"
    assert article.agency is None
    assert article.paragraphs == (
        "The Ministry of Interior announced new traffic rules on Wednesday that take effect next "
        "month, including higher fines for using mobile phones while driving.",
    )


def test_translate_widget_glued_to_the_last_sentence(tmp_path: Path) -> None:
    page = tmp_path / "glued.txt"
    page.write_text("Headline here\n\nLONDON (Reuters) - The talks ended.Translate »", "utf-8")
    (raw,) = list(read_entries(page.read_bytes(), str(page)))
    article = Cleaner.default().clean(raw)
    assert isinstance(article, Article)
    assert article.paragraphs == ("The talks ended.",)
    assert [(r.rule, r.text) for r in article.removed] == [("translate-widget-glued", "Translate »")]
