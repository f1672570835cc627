"""One article however a feed spells its address."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from feeds.jobs import ingest_inputs
from normalizer.identity import identity_url
from normalizer.settings import Settings
from normalizer.store import open_store

NOW = datetime(2024, 10, 2, 12, tzinfo=UTC)
SAME = "https://courier.example/world/floods-close-the-rhine?id=17"


@pytest.mark.parametrize(
    "spelling",
    [
        "https://courier.example/world/floods-close-the-rhine?id=17",
        "http://courier.example/world/floods-close-the-rhine?id=17",
        "https://www.courier.example/world/floods-close-the-rhine?id=17",
        "https://WWW.Courier.Example:443/world/floods-close-the-rhine?id=17",
        "https://courier.example/world/floods-close-the-rhine?id=17#0",
        "https://courier.example/world/floods-close-the-rhine?utm_source=rss&id=17&utm_medium=feed",
        "https://courier.example/world/floods-close-the-rhine?id=17&ref=rss&fbclid=abc",
        " https://courier.example/world/floods-close-the-rhine?id=17 ",
    ],
)
def test_spellings_of_one_address_are_one_identity(spelling: str) -> None:
    assert identity_url(spelling) == SAME


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # What names the page stays: another article, another path, another port.
        ("https://courier.example/a?id=17", "https://courier.example/a?id=18"),
        ("https://courier.example/a", "https://courier.example/A"),
        ("https://courier.example/a", "https://courier.example:8443/a"),
        ("https://courier.example/a?cid=1", "https://courier.example/a?cid=2"),
    ],
)
def test_different_articles_stay_different(first: str, second: str) -> None:
    assert identity_url(first) != identity_url(second)


@pytest.mark.parametrize(
    "guid", ["tag:courier.example,2024:17", "urn:uuid:8a3f5c1e-0000-4000-8000-000000000017", "17-abc#0"]
)
def test_a_guid_that_is_not_a_web_address_is_compared_as_written(guid: str) -> None:
    assert identity_url(guid) == guid


def _feed(path: Path, category: str, link: str) -> str:
    body = " ".join(f"Sentence {i} about the barges stuck on the Rhine near Koblenz." for i in range(12))
    path.write_text(
        f"<rss version='2.0'><channel><title>Courier: {category}</title><item>"
        f"<title>Floods close the Rhine</title><link>{link}</link><description>{body}</description>"
        "</item></channel></rss>"
    )
    return str(path)


def test_one_item_in_several_category_feeds_is_one_article(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    feeds = [
        _feed(tmp_path / "world.xml", "World", "http://www.courier.example/rhine?utm_source=world"),
        _feed(tmp_path / "europe.xml", "Europe", "https://courier.example/rhine?utm_source=europe#top"),
        _feed(tmp_path / "top.xml", "Top", "https://courier.example/rhine"),
    ]
    with open_store(settings) as store:
        summary = ingest_inputs(feeds, store, settings, NOW)
        assert store.article_count() == 1
    assert (summary.counts.new, summary.counts.unchanged, summary.counts.duplicates) == (1, 2, 0)


def _rss_item(path: Path, guid: str, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://x.example/</link>'
        f"<item><guid>{guid}</guid><title>Port strike ends</title><description>{text}</description>"
        "</item></channel></rss>",
        "utf-8",
    )
    return str(path)


_STORY = " ".join(f"word{i}" for i in range(60))


def test_a_feed_reusing_another_sources_guid_does_not_replace_its_story(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    reuters = _rss_item(tmp_path / "reuters" / "feed.xml", "tag:reuters.com,2024:newsml_L1N1", _STORY)
    hostile = _rss_item(
        tmp_path / "evil" / "feed.xml", "tag:reuters.com,2024:newsml_L1N1", "Buy pills now. " * 20
    )
    with open_store(settings) as store:
        ingest_inputs([reuters], store, settings, NOW)
        summary = ingest_inputs([hostile], store, settings, NOW)
        assert (summary.counts.new, summary.counts.updated) == (1, 0)
        bodies = sorted(s.article.body for s in store.stored_articles())
    assert _STORY in bodies and len(bodies) == 2
    # The agency's own re-send, from its own source, still replaces its earlier version.
    resend = _rss_item(
        tmp_path / "reuters" / "feed.xml", "tag:reuters.com,2024:newsml_L1N1", _STORY + " more"
    )
    with open_store(settings) as store:
        assert ingest_inputs([resend], store, settings, NOW).counts.updated == 1


def test_sources_are_the_host_the_folder_or_standard_input() -> None:
    from normalizer.identity import source_scope
    from normalizer.model import Origin

    assert source_scope(Origin("feed", "https://www.reuters.com/rss/world")) == "host:reuters.com"
    assert source_scope(Origin("feed", "http://reuters.com/rss/business")) == "host:reuters.com"
    assert source_scope(Origin("page", "https://evil.example:8443/x")) == "host:evil.example:8443"
    assert source_scope(Origin("file", "a/./story.txt")) == "file:a"
    assert source_scope(Origin("feed", "feeds/wire.xml")) == "file:feeds"
    assert source_scope(Origin("file", "story.txt")) == "file:."
    assert source_scope(Origin("stdin", "-")) == "stdin"


def test_an_article_stored_before_scoped_keys_is_found_again_from_its_own_source(tmp_path: Path) -> None:
    import sqlite3

    from normalizer.identity import local_key

    settings = Settings(db=str(tmp_path / "s.db"))
    first = _rss_item(tmp_path / "wire" / "feed.xml", "urn:wire:1", _STORY)
    with open_store(settings) as store:
        ingest_inputs([first], store, settings, NOW)
    with sqlite3.connect(settings.db) as db:
        # As an older store keyed it: the guid alone.
        (key,) = db.execute("SELECT key FROM articles").fetchone()
        for table, column in (
            ("articles", "key"),
            ("members", "cluster"),
            ("members", "linked_to"),
            ("clusters", "key"),
        ):
            db.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (local_key(key), key))
    again = _rss_item(tmp_path / "wire" / "feed.xml", "urn:wire:1", _STORY + " with an update")
    other = _rss_item(tmp_path / "other" / "feed.xml", "urn:wire:1", _STORY + " elsewhere, rewritten")
    with open_store(settings) as store:
        assert ingest_inputs([again], store, settings, NOW).counts.updated == 1
        assert ingest_inputs([other], store, settings, NOW).counts.new == 1
        keys = sorted(s.article.key for s in store.stored_articles())
    # The old article kept its key (and so its atom:id); the other source's is scoped.
    assert len(keys) == 2 and "urn:wire:1" in keys
    (scoped,) = [k for k in keys if k != "urn:wire:1"]
    assert scoped.startswith("file:") and local_key(scoped) == "urn:wire:1"
