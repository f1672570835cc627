"""A store people can read: plain-text bodies, a full-text index in every script,
the learned lines with their text, ``newsnorm search``, and datasette on top."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from click.testing import Result

from feeds.jobs import ingest_inputs
from normalizer.settings import Settings
from normalizer.store import SqliteStore
from normalizer.store.search import SearchQueryError, fts5_match, query_phrases

from .conftest import DEMO

Cli = Callable[..., Result]
NOW = datetime(2024, 10, 2, 12, tzinfo=UTC)
SETTINGS = Settings()

# One item per script family: the words searched for are in the bodies only.
_ITEMS = {
    "zh": ("国家统计局发布数据", "国家统计局今天发布数据显示，一季度国内生产总值同比增长百分之五点三。"),
    "ja": ("東京で会議", "政府は東京で記者会見を開き、新しい経済対策を発表した。"),
    "hi": ("बारिश का अलर्ट", "नई दिल्ली में भारी बारिश के बाद मौसम विभाग ने चेतावनी जारी की।"),
    "fr": ("Accord à Paris", "Les ministres se sont réunis à Genève pour négocier un accord élargi."),
    "ru": ("Совещание в Москве", "Министры обсудили бюджет на совещании в Санкт-Петербурге."),
    "ar": ("اجتماع في دمشق", "أعلنت الحكومة عن خطة جديدة لإعادة الإعمار في المدينة."),
}


def _json_feed(path: Path, items: dict[str, tuple[str, str]]) -> str:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Wire",
        "home_page_url": "https://wire.example/",
        "items": [
            {
                "id": f"https://wire.example/{language}",
                "url": f"https://wire.example/{language}",
                "title": title,
                "content_text": body,
                "language": language,
                "date_published": "2024-10-01T08:00:00Z",
            }
            for language, (title, body) in items.items()
        ],
    }
    path.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _found(store: SqliteStore, query: str) -> list[str]:
    return [s.article.language or "" for s in store.search(query_phrases(query))]


@pytest.mark.parametrize(
    ("query", "languages"),
    [
        ("统计局", ["zh"]),  # a Chinese word inside an unspaced clause
        ("記者会見", ["ja"]),
        ("मौसम विभाग", ["hi"]),  # marks stay inside Devanagari words
        ("geneve", ["fr"]),  # accents aside
        ("ÉLARGI", ["fr"]),  # case aside
        ("санкт-петербурге", ["ru"]),
        ("الاعمار", ["ar"]),  # the hamza form folded as duplicate detection folds it
        ("東京 会議", ["ja"]),  # a word in the headline, one in the text
        ("政府", ["ja"]),
        ('"accord élargi"', ["fr"]),
        ('"élargi accord"', []),  # a phrase is in its order
        ("paris genève", ["fr"]),
        ("paris moscou", []),  # every word must be found
    ],
)
def test_search_finds_words_in_every_script(tmp_path: Path, query: str, languages: list[str]) -> None:
    with SqliteStore(str(tmp_path / "s.db"), SETTINGS.fingerprint_params) as store:
        ingest_inputs([_json_feed(tmp_path / "wire.json", _ITEMS)], store, SETTINGS, NOW)
        assert _found(store, query) == languages


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ('x" OR body:*', "x or body"),
        ("NEAR(a b)", "near a b"),
        ("a AND -b", "a and b"),
        ("title:x", "title x"),
        ("^a", "a"),  # à, accents aside
        ("ministres*", "ministres"),
    ],
)
def test_query_syntax_reaches_the_index_as_words_only(tmp_path: Path, query: str, words: str) -> None:
    with SqliteStore(str(tmp_path / "s.db"), SETTINGS.fingerprint_params) as store:
        ingest_inputs([_json_feed(tmp_path / "wire.json", _ITEMS)], store, SETTINGS, NOW)
        phrases = query_phrases(query)
        assert all(part.startswith('"') for part in fts5_match(phrases).split(" AND "))
        assert _found(store, query) == _found(store, words)
    with pytest.raises(SearchQueryError, match="has no word to look for"):
        query_phrases("* ^ :")


def test_a_new_version_replaces_its_words_in_the_index(tmp_path: Path) -> None:
    path, feed = tmp_path / "s.db", tmp_path / "wire.json"
    first = {"fr": ("Accord", "Les ministres se sont réunis à Genève.")}
    second = {"fr": ("Accord", "Les ministres se sont réunis à Lausanne, et non à Genève comme prévu.")}
    second_text = second["fr"][1].replace("Genève comme prévu", "Berne")
    with SqliteStore(str(path), SETTINGS.fingerprint_params) as store:
        ingest_inputs([_json_feed(feed, first)], store, SETTINGS, NOW)
        assert _found(store, "genève") == ["fr"] and _found(store, "berne") == []
        later = datetime(2024, 10, 2, 13, tzinfo=UTC)
        summary = ingest_inputs([_json_feed(feed, {"fr": ("Accord", second_text)})], store, SETTINGS, later)
        assert summary.counts.updated == 1
        assert _found(store, "berne") == ["fr"] and _found(store, "genève") == []
    with sqlite3.connect(path) as db:
        # The index agrees with its content table (FTS5's own check).
        db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def test_the_store_reads_and_searches_in_the_sqlite3_shell_alone(tmp_path: Path, cli: Cli) -> None:
    db = str(tmp_path / "s.db")
    assert cli("ingest", str(DEMO), "--db", db).exit_code == 0
    with sqlite3.connect(db) as shell:
        (body,) = shell.execute("SELECT body FROM articles WHERE body LIKE '%Jim Mattis%'").fetchone()
        assert isinstance(body, str) and "extremists" in body
        matched = shell.execute(
            "SELECT a.title FROM articles a JOIN articles_fts f ON f.rowid = a.id "
            "WHERE articles_fts MATCH 'mattis'"
        ).fetchall()
        assert matched == [("Tough IS fight ahead",)]


def test_learned_lines_show_their_text(tmp_path: Path, cli: Cli) -> None:
    db = str(tmp_path / "s.db")
    assert cli("ingest", str(DEMO / "bbc.rss.xml"), "--db", db).exit_code == 0
    with sqlite3.connect(db) as shell:
        lines = shell.execute("SELECT source, text, stories FROM learned_chrome").fetchall()
        counted = shell.execute("SELECT COUNT(*) FROM source_lines WHERE stories > 1").fetchone()[0]
    assert len(lines) == counted
    assert all(text and stories >= 2 for _, text, stories in lines)


def test_search_prints_a_table_or_json(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert cli("ingest", str(DEMO), "--db", db).exit_code == 0
    table = cli("search", "fighter jet", "--db", db)
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert len(lines) == 4 and "[2 copies]" in lines[0] and "fighter jet" in lines[1]
    found = json.loads(cli("search", "fighter jet", "--db", db, "--format", "json", "--top", "1").output)
    assert len(found) == 1
    assert found[0]["cluster_size"] == 2 and "fighter jet programme" in found[0]["snippet"]
    assert set(found[0]) >= {"key", "id", "title", "url", "source", "published", "cluster", "canonical"}
    nothing = cli("search", "zzyzx", "--db", db)
    assert nothing.exit_code == 0 and nothing.output.strip() == "nothing found for 'zzyzx'"
    empty = cli("search", "?!", "--db", db)
    assert empty.exit_code == 1 and empty.output.strip() == "Error: search: '?!' has no word to look for"
    missing = cli("search", "x", "--db", str(tmp_path / "none.db"))
    assert missing.exit_code == 1 and "no such store" in missing.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_datasette_shows_and_searches_article_text(tmp_path: Path, cli: Cli) -> None:
    datasette = Path(sys.executable).with_name("datasette")
    if not datasette.exists():
        if os.environ.get("CI"):
            pytest.fail("datasette is not installed (the test extra installs it)")
        pytest.skip("datasette is not installed: pip install -e '.[test]'")
    db = tmp_path / "store.db"
    assert cli("ingest", str(DEMO), "--db", str(db)).exit_code == 0
    port = _free_port()
    command = [str(datasette), "serve", str(db), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/store"
    try:
        deadline = time.monotonic() + 60  # a hang guard, not a speed test
        while True:
            try:
                page = httpx.get(f"{base}/articles?body__contains=Mattis", timeout=10)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "datasette did not start"
                time.sleep(0.2)
        assert page.status_code == 200
        assert "US Defense Secretary Jim Mattis said Tuesday" in page.text  # the body, as text
        searched = httpx.get(f"{base}/articles.json?_search=fighter+jet&_shape=array", timeout=10).json()
        assert sorted(row["input_id"] for row in searched) == [
            "scraped-article-agencies-dateline",
            "scraped-article-near-duplicate",
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
