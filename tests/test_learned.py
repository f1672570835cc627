"""Boilerplate learned per source: a site's own sign-offs and promos go, its stories stay."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from feeds.jobs import ingest_inputs
from feeds.readers import read_entries
from normalizer.clean import Cleaner
from normalizer.identity import identity_url, local_key
from normalizer.learned import chrome_source, line_key, strip_learned
from normalizer.pipeline import Counts, Pipeline
from normalizer.settings import Settings
from normalizer.store import SCHEMA_VERSION, open_store
from normalizer.store.bodies import BodyCodec

from .conftest import FIXTURES, Cli

NOW = datetime(2024, 10, 2, 12, tzinfo=UTC)
DOCS = FIXTURES / "dedup" / "docs"
# Real chrome of the kind one site appends to every story, and no shipped rule knows.
SIGN_OFF = "Follow The Daily Courier on WhatsApp and Telegram for breaking news alerts."
PROMO = "Download the Courier app: the news of your city, wherever you are."


def _originals(count: int) -> list[tuple[str, list[str]]]:
    """Real, unrelated stories: the originals of the labelled duplicate set."""
    stories = []
    for path in sorted(DOCS.glob("*--original.txt"))[:count]:
        lines = [p.strip() for p in path.read_text("utf-8").split("\n\n") if p.strip()]
        stories.append((path.name.removesuffix("--original.txt"), lines[1:]))  # line 0: headline
    return stories


def _feed(path: Path, stories: list[tuple[str, list[str]]]) -> str:
    items = []
    for name, paragraphs in stories:
        body = "".join(f"<p>{escape(p)}</p>" for p in [*paragraphs, SIGN_OFF, PROMO])
        items.append(
            f"<item><title>{escape(name)}</title><guid>https://www.courier.example/{name}</guid>"
            f"<link>https://www.courier.example/{name}</link>"
            f"<description>{escape(body)}</description></item>"
        )
    path.write_text(f"<rss version='2.0'><channel><title>Courier</title>{''.join(items)}</channel></rss>")
    return str(path)


def _bodies(db: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        return {
            local_key(key): (BodyCodec().unpack(body), removed)  # bodies are stored compressed
            for key, body, removed in connection.execute("SELECT key, body, removed FROM articles")
        }


def _ingest_twice(tmp_path: Path, stories: list[tuple[str, list[str]]], learn: int) -> Path:
    settings = Settings(db=str(tmp_path / f"learn-{learn}.db"), learn_chrome_stories=learn)
    with open_store(settings) as store:
        ingest_inputs([_feed(tmp_path / "a.xml", stories[:6])], store, settings, NOW)
        ingest_inputs([_feed(tmp_path / "b.xml", stories[6:])], store, settings, NOW)
    return Path(settings.db)


def test_a_sources_repeated_lines_are_learned_and_no_story_sentence_is_lost(tmp_path: Path) -> None:
    stories = _originals(12)
    assert len(stories) == 12
    learning = _bodies(_ingest_twice(tmp_path, stories, learn=5))
    plain = _bodies(_ingest_twice(tmp_path, stories, learn=0))
    # Learned from the fifth story on, within the run as across runs.
    later = {identity_url(f"https://www.courier.example/{name}") for name, _ in stories[5:]}
    for key, (body, removed) in learning.items():
        plain_paragraphs = plain[key][0].split("\n\n")
        assert plain_paragraphs[-2:] == [SIGN_OFF, PROMO]
        if key in later:
            # Exactly the site's two lines are gone, each removal naming the source;
            # every sentence of the story is still there.
            assert body.split("\n\n") == plain_paragraphs[:-2]
            assert removed.count("learned:courier.example") == 2
        else:
            assert body.split("\n\n") == plain_paragraphs
            assert "learned:" not in removed


def test_copies_of_one_story_teach_nothing(tmp_path: Path) -> None:
    (name, paragraphs), *_ = _originals(1)
    settings = Settings(db=str(tmp_path / "s.db"), learn_chrome_stories=3)
    # The same story from one site five times (re-sent, re-headlined): its lines recur in
    # five articles, but in one story, so they are not the site's chrome.
    copies = [(f"{name}-{i}", paragraphs) for i in range(5)]
    with open_store(settings) as store:
        ingest_inputs([_feed(tmp_path / "a.xml", copies)], store, settings, NOW)
        assert store.learned_lines("courier.example", 3) == frozenset()


def test_learning_can_be_switched_off(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"), learn_chrome_stories=0)
    stories = _originals(8)
    with open_store(settings) as store:
        ingest_inputs([_feed(tmp_path / "a.xml", stories)], store, settings, NOW)
    assert all(SIGN_OFF in body for body, _ in _bodies(tmp_path / "s.db").values())


def test_the_lead_and_long_paragraphs_are_never_stripped() -> None:
    long_line = " ".join(["word"] * 60) + "."
    learned = frozenset({line_key("Short promo line."), line_key(long_line)})
    kept, removed = strip_learned(["Short promo line.", long_line, "Short promo line."], learned, "x")
    assert kept == ["Short promo line.", long_line]
    assert [r.rule for r in removed] == ["learned:x"]


@pytest.mark.parametrize(
    ("url", "origin", "source"),
    [
        ("https://www.Courier.example/a?x=1", "feed.xml", "courier.example"),
        ("http://news.courier.example/b", "feed.xml", "news.courier.example"),
        (None, "feeds/courier.xml", "feeds/courier.xml"),
    ],
)
def test_a_story_s_source_is_its_host_else_its_input(url: str | None, origin: str, source: str) -> None:
    assert chrome_source(url, origin) == source


def test_a_schema_2_store_is_migrated_on_open(tmp_path: Path) -> None:
    settings = Settings()
    path = tmp_path / "old.db"
    with open_store(settings, path=str(path)):
        pass
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE source_lines")
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with open_store(settings, path=str(path)) as store:
        assert store.meta()["schema_version"] == str(SCHEMA_VERSION)
        store.count_source_lines("s", {b"12345678": "Follow us"})
        assert store.learned_lines("s", 1) == frozenset({b"12345678"})
    with sqlite3.connect(path) as db:
        # A line seen once keeps no text; seen again, it shows what it is.
        assert db.execute("SELECT * FROM learned_chrome").fetchall() == []
    with open_store(settings, path=str(path)) as store:
        store.count_source_lines("s", {b"12345678": "Follow us"})
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT * FROM learned_chrome").fetchall() == [("s", "Follow us", 2)]


def test_a_second_identical_run_is_unchanged_although_lines_were_learned_meanwhile(
    tmp_path: Path, cli: Cli
) -> None:
    # Eight stories of one site in one feed: the sign-off is learned at the fifth, so
    # the later ones lose it in the first run and the earlier ones would in a second.
    feed = _feed(tmp_path / "courier.rss", _originals(8))
    db, out = str(tmp_path / "s.db"), str(tmp_path / "changed.atom")
    first = cli("run", feed, "-o", out, "--db", db, "--changed")
    assert first.exit_code == 0 and "8 new" in first.stderr
    before = _bodies(Path(db))
    second = cli("run", feed, "-o", out, "--db", db, "--changed")
    assert second.exit_code == 0
    assert "0 new (0 near-duplicates of stored stories), 0 updated, 8 unchanged" in second.stderr
    assert _bodies(Path(db)) == before
    assert b"<entry" not in Path(out).read_bytes()  # nothing changed for --changed readers


def test_a_new_cleaning_version_cleans_stored_entries_again(tmp_path: Path) -> None:
    stories = _originals(2)
    feed = _feed(tmp_path / "courier.rss", stories)
    settings = Settings(db=str(tmp_path / "s.db"))
    with open_store(settings) as store:
        ingest_inputs([feed], store, settings, NOW)
        again = Pipeline(store, settings, NOW, cleaner=replace(Cleaner.default(), version="another"))
        result = again.ingest(read_entries(Path(feed).read_bytes(), feed))
    # Cleaned again (the digest of the entry moved with the rules), and found the same.
    assert result.counts == Counts(unchanged=2)
    with sqlite3.connect(settings.db) as connection:
        digests = {row[0] for row in connection.execute("SELECT raw_digest FROM articles")}
    assert len(digests) == 2 and None not in digests
