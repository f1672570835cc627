"""feedparser's 745 sanitizer cases through ``newsnorm run``: nothing executable comes out."""

from __future__ import annotations

import re

import pytest
from click.testing import Result
from lxml import etree, html

from feeds.publish.validate import validate_atom

from .conftest import FIXTURES

SANITIZE = FIXTURES / "feedparser-sanitize"
ATOM = {"a": "http://www.w3.org/2005/Atom"}
DANGEROUS_TAGS = {
    "script", "iframe", "object", "embed", "applet", "meta", "link", "style", "form", "input",
    "button", "frame", "frameset", "base", "svg", "math", "textarea", "select", "img",
}  # fmt: skip
DANGEROUS_URL = re.compile(r"^\s*(javascript|vbscript|data|livescript):", re.IGNORECASE)


@pytest.fixture(scope="module")
def run_result(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, bytes]:
    from click.testing import CliRunner

    from cli import main

    work = tmp_path_factory.mktemp("sanitize")
    out = work / "out.atom"
    result = CliRunner().invoke(main, ["run", str(SANITIZE), "-o", str(out), "--db", str(work / "s.db")])
    return result, out.read_bytes()


@pytest.fixture(scope="module")
def emitted(run_result: tuple[Result, bytes]) -> bytes:
    return run_result[1]


def test_all_745_cases_were_read(run_result: tuple[Result, bytes]) -> None:
    result, _ = run_result
    assert len(list(SANITIZE.iterdir())) == 745
    assert result.exit_code == 0, result.output
    # Most cases carry nothing but the attack: once it is gone no text is left, and
    # the entry is skipped by name.
    assert result.stderr.startswith("read 745 inputs, 594 entries: 91 new")
    assert "skipped 404 feed entries:" in result.stderr


def test_text_around_an_attack_is_kept(emitted: bytes) -> None:
    root = etree.fromstring(emitted)
    contents = {c.text for c in root.iterfind(".//a:entry/a:content", ATOM)}
    assert "<p>safe description</p>" in contents


def test_nothing_executable_survives(emitted: bytes) -> None:
    root = etree.fromstring(emitted)
    for content in root.iterfind(".//a:entry/a:content", ATOM):
        assert content.get("type") == "html"
        fragment = html.fragment_fromstring(content.text or "", create_parent="div")
        for element in fragment.iter():
            tag = element.tag if isinstance(element.tag, str) else ""
            assert tag.lower() not in DANGEROUS_TAGS, etree.tostring(element)
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (name, value)
                assert name.lower() != "style", (name, value)
                assert not DANGEROUS_URL.match(value), (name, value)


def test_output_is_valid_atom(emitted: bytes) -> None:
    assert validate_atom(emitted, "sanitize.atom") == []


def test_title_markup_is_text(emitted: bytes) -> None:
    titles = etree.fromstring(emitted).xpath("//a:entry/a:title", namespaces=ATOM)
    assert all(title.get("type") == "text" for title in titles)


def test_ruby_is_inline_and_its_readings_are_no_text() -> None:
    from normalizer.html import html_to_paragraphs

    markup = "<p>政府は<ruby>東京<rp>(</rp><rt>とうきょう</rt><rp>)</rp></ruby>で会議を開いた。</p>"
    assert html_to_paragraphs(markup, "ruby") == ["政府は東京で会議を開いた。"]
