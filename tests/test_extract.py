"""Article extraction from real pages: body, metadata, and what news pages need on top."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from click.testing import Result

from feeds.jobs import clean_inputs
from normalizer.boilerplate import load_rules, strip_chrome
from normalizer.extract import extract_page
from normalizer.safexml import decode_html, parse_html
from normalizer.settings import Settings

from .conftest import FIXTURES

Cli = Callable[..., Result]

PAGES = FIXTURES / "pages"
PAGE_NAMES = sorted(p.name for p in PAGES.iterdir() if p.is_dir())
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre"}


class _Text(HTMLParser):
    """The text of expected.html, a line per block (as the public benchmarks read it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, _attrs: object) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _grams(text: str) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3)))


def _precision_recall(truth: str, found: str) -> tuple[float, float]:
    expected, got = _grams(truth), _grams(found)
    common = sum((expected & got).values())
    return common / max(1, sum(got.values())), common / max(1, sum(expected.values()))


def _expected_text(name: str) -> str:
    parser = _Text()
    parser.feed((PAGES / name / "expected.html").read_text("utf-8"))
    return "".join(parser.parts)


def test_the_fixture_pages_are_there() -> None:
    assert len(PAGE_NAMES) == 6


# (precision, recall) floors per page, a little under today's figures: a change that
# loses a story's lead, or lets a related-links list back in, fails here. qq's recall
# is low by the metric, not the text: a Chinese line is one or two "words".
FLOORS = {
    "cnn": (0.97, 0.93),
    "heise": (0.98, 0.96),
    "herald-sun-1": (0.98, 0.96),
    "lemonde-1": (0.98, 0.98),
    "qq": (0.98, 0.82),
    "wordpress": (0.98, 0.98),
}


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_body_matches_the_expected_article(name: str) -> None:
    articles, rejected = clean_inputs([str(PAGES / name / "source.html")], Settings())
    assert not rejected
    precision, recall = _precision_recall(_expected_text(name), articles[0].body)
    assert precision >= FLOORS[name][0] and recall >= FLOORS[name][1], (precision, recall)


# Where newsnorm's headline differs from Readability's on purpose: Readability keeps the
# site's section and name after the headline ("..._科技_腾讯网"); the page's <h1> shows
# the headline alone, and that is the headline.
_HEADLINES = {"qq": "DeepMind新电脑已可利用记忆自学 人工智能迈上新台阶"}


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_title_is_the_headline(name: str) -> None:
    page = extract_page(parse_html((PAGES / name / "source.html").read_bytes(), name))
    expected = json.loads((PAGES / name / "expected-metadata.json").read_text("utf-8"))
    assert page.title == _HEADLINES.get(name, " ".join(expected["title"].split()))
    if expected.get("lang"):
        assert page.language == expected["lang"]


def test_byline_and_time_come_from_the_page_metadata() -> None:
    page = extract_page(parse_html((PAGES / "heise" / "source.html").read_bytes(), "heise"))
    expected = json.loads((PAGES / "heise" / "expected-metadata.json").read_text("utf-8"))
    assert page.byline == expected["byline"]
    markup = """<html lang="en"><head><title>Ignored | Site</title>
      <link rel="canonical" href="https://news.example/a1">
      <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage"},
        {"@type": "NewsArticle", "headline": "Floods close the Rhine to barges",
         "author": [{"@type": "Person", "name": "Anna Weber"}, {"name": "Tom Kern"}],
         "datePublished": "2024-10-02T09:30:00+02:00"}]}</script>
      </head><body><p>Text.</p></body></html>"""
    page = extract_page(parse_html(markup.encode(), "page"))
    assert page.title == "Floods close the Rhine to barges"
    assert page.byline == "Anna Weber, Tom Kern"
    assert page.published is not None and page.published.isoformat() == "2024-10-02T09:30:00+02:00"
    assert page.url == "https://news.example/a1"
    assert page.language == "en"


def test_a_lead_in_a_box_of_its_own_is_kept() -> None:
    page = extract_page(parse_html((PAGES / "herald-sun-1" / "source.html").read_bytes(), "page"))
    assert page.paragraphs[0].startswith("A HIGH-powered federal government team")


def test_a_related_stories_list_after_the_story_is_removed_with_its_marker() -> None:
    page = extract_page(parse_html((PAGES / "wordpress" / "source.html").read_bytes(), "page"))
    kept, removed = strip_chrome(list(page.paragraphs), load_rules())
    assert kept[-1].startswith("Regardless of how much credibility you give Stack Overflow")
    # The marker, then the three stories listed: teaser, date and section each, and
    # the headlines of two (the page gives the first none).
    assert [r.rule for r in removed].count("related-links") == 1 + 3 * 3 + 2
    assert not any('In "News"' in p for p in kept)


def test_teasers_in_the_middle_of_a_story_do_not_take_the_story_with_them() -> None:
    story = ["First paragraph of the story, a full sentence.", "Related", "Second paragraph, more facts."]
    kept, removed = strip_chrome(story, load_rules())
    assert kept == [story[0], story[2]]
    assert [r.text for r in removed] == ["Related"]


def test_short_lines_repeated_back_to_back_are_dropped_long_ones_kept() -> None:
    long_paragraph = " ".join(["word"] * 30) + "."
    story = ["Chart: rates", "Chart: rates", long_paragraph, long_paragraph]
    kept, removed = strip_chrome(story, load_rules())
    assert kept == ["Chart: rates", long_paragraph, long_paragraph]
    assert [r.rule for r in removed] == ["repeated-paragraph"]


def test_utf8_bytes_win_over_a_wrong_declared_charset() -> None:
    data = (PAGES / "qq" / "source.html").read_bytes()
    assert b"charset=gb2312" in data[:2000]
    page = extract_page(parse_html(data, "qq"))
    assert "DeepMind" in page.title and "人工智能" in page.title


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ('<meta charset="gb2312"><p>人工智能</p>'.encode("gb2312"), "人工智能"),
        ('<meta charset="iso-8859-1"><p>Zürich – “quoted”</p>'.encode("cp1252"), "Zürich – “quoted”"),
        ("<p>Zürich</p>".encode("cp1252"), "Zürich"),
        ("\ufeff<p>Zürich</p>".encode("utf-16-le"), "Zürich"),
        ('<meta charset="no-such-charset"><p>Zürich</p>'.encode("cp1252"), "Zürich"),
    ],
)
def test_pages_are_decoded_by_bom_utf8_declaration_then_cp1252(data: bytes, text: str) -> None:
    assert text in decode_html(data)


def test_clean_text_of_a_page_has_no_chrome(cli: Cli) -> None:
    result = cli("clean", "--format", "text", str(PAGES / "cnn" / "source.html"))
    assert result.exit_code == 0
    assert "The U.S. has long been heralded as a land of opportunity" in result.stdout
    assert "Related: Chicago is America's most segregated city" not in result.stdout


def test_control_characters_in_a_page_do_not_break_extraction() -> None:
    # Found by the fuzz run: lxml refuses any tree edit carrying a C0 control.
    data = (
        b"<\x01DOCTYPE html>\n<html><head><title>Just a moment...</title></head>"
        b"<body><h1>Checking</h1></body></html>\x01"
    )
    page = extract_page(parse_html(data, "page"))
    assert "\x01" not in page.title


def test_the_open_graph_url_stands_in_for_a_missing_canonical_link() -> None:
    markup = b"""<html><head><title>Floods close the Rhine to barges</title>
      <meta property="og:url" content="https://news.example/a1"></head>
      <body><p>Text.</p></body></html>"""
    assert extract_page(parse_html(markup, "page")).url == "https://news.example/a1"


def test_a_page_of_millions_of_tags_is_refused_before_it_is_parsed() -> None:
    from feeds.readers.page import MAX_PAGE_BYTES, MAX_PAGE_TAGS, read_html_page
    from normalizer.errors import InputError

    many = b"<html><body>" + b"<i>x</i>" * (MAX_PAGE_TAGS // 2 + 1) + b"</body></html>"
    with pytest.raises(InputError, match=r"a page of about 200,00\d tags: over 200,000, not an article page"):
        read_html_page(many, "tags.html")
    big = b"<html><body><p>" + b"word " * (MAX_PAGE_BYTES // 5 + 1) + b"</p></body></html>"
    with pytest.raises(InputError, match="not an article page"):
        read_html_page(big, "big.html")


def _sentence(topic: str, number: int) -> str:
    return (
        f"The council said on Tuesday that the {topic} plan, item {number}, would go ahead despite "
        f"objections from residents who had campaigned against it for several months."
    )


def test_a_story_cut_into_boxes_of_one_class_is_kept_whole_and_in_order() -> None:
    # A long story in three boxes of one class, a picture and an advert between them,
    # and a box of another class with prose in it (readers' comments) that is not the story.
    boxes = [[_sentence("harbour", i) for i in range(start, end)] for start, end in ((0, 3), (3, 6), (6, 16))]

    def box(texts: list[str]) -> str:
        paragraphs = "".join(f"<p>{t}</p>" for t in texts)
        return f'<div class="text-width"><div class="text-container"><div>{paragraphs}</div></div></div>'

    page = (
        "<html><head><title>Harbour plan goes ahead</title></head><body><article>"
        "<h1>Harbour plan goes ahead</h1>"
        f"{box(boxes[0])}<figure><img src='a.jpg'><figcaption>The harbour.</figcaption></figure>"
        f"{box(boxes[1])}<div class='ad-slot'><p>Advertisement</p></div>{box(boxes[2])}"
        f"<div class='reader-comments'><p>{_sentence('comment', 99)}</p></div>"
        "</article></body></html>"
    )
    found = extract_page(parse_html(page.encode(), "page"))
    story = [text for texts in boxes for text in texts]
    assert [p for p in found.paragraphs if "harbour" in p] == story
    assert not any("comment plan" in p for p in found.paragraphs)
