"""Bytes that declare no encoding: Western text stays Windows-1252, other scripts are
told apart by their bytes, and an HTTP charset is used where the document says nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from normalizer.encoding import legacy_encoding, undeclared_xml_as_utf8

from .conftest import FIXTURES, Cli
from .feed_server import KOI8_TITLE, FeedServer, feed_server

REAL = FIXTURES / "real"


@pytest.mark.parametrize(
    ("name", "title", "opening"),
    [
        ("cp1251-undeclared.rss", "Правительство обсудило меры поддержки экономики", "МОСКВА, 14 мая."),
        ("shift-jis-undeclared.txt", "東京で大規模停電 約１万世帯に影響", "東京都内で２日午後"),
        ("gb18030-undeclared.html", "国务院常务会议部署扩大内需措施", "国务院总理24日主持召开"),
    ],
)
def test_undeclared_legacy_encodings_are_read_as_written(
    cli: Cli, name: str, title: str, opening: str
) -> None:
    result = cli("clean", "--format", "json", str(REAL / name))
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout)
    assert article["title"] == title
    assert article["body"].startswith(opening)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Müller sagte am Mittwoch, die Gespräche würden fortgesetzt.", "cp1252"),
        ("Le président a déclaré mercredi que les négociations reprendraient.", "cp1252"),
        ("O presidente afirmou que as negociações serão retomadas em São Paulo.", "latin-1"),
        ("Ο πρόεδρος δήλωσε την Τετάρτη ότι οι συνομιλίες θα συνεχιστούν", "cp1253"),
        ("قال الرئيس إن المحادثات ستستأنف الأسبوع المقبل في جنيف بعد توقف دام شهرين.", "cp1256"),
    ],
)
def test_legacy_text_decodes_to_what_was_written(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    assert data.decode(legacy_encoding(data), errors="replace") == text


def test_a_declared_or_utf8_document_is_left_as_it_is() -> None:
    declared = '<?xml version="1.0" encoding="windows-1251"?><rss/>'.encode("cp1251")
    assert undeclared_xml_as_utf8(declared) is declared
    utf8 = "<rss><title>Новости</title></rss>".encode()
    assert undeclared_xml_as_utf8(utf8) is utf8
    russian = "<rss><title>Правительство в среду обсудило новые меры поддержки экономики</title></rss>"
    assert undeclared_xml_as_utf8(russian.encode("cp1251")) == russian.encode()


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def test_the_http_charset_reads_a_feed_that_declares_none(
    cli: Cli, server: FeedServer, tmp_path: Path
) -> None:
    db = tmp_path / "s.db"
    result = cli("ingest", server.url("/koi8"), "--db", str(db), "--allow-private-networks")
    assert result.exit_code == 0, result.output
    emitted = cli("emit", "--db", str(db)).stdout
    assert KOI8_TITLE in emitted
