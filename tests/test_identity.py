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
