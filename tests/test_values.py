"""Source values made into what Atom allows: BCP 47 tags, absolute IRIs."""

from __future__ import annotations

import pytest

from normalizer.values import absolute_iri, is_web_address, language_tag


@pytest.mark.parametrize(
    ("given", "tag"),
    [
        ("en_US", "en-US"),
        ("EN-us", "en-US"),
        ("en-gb", "en-GB"),
        ("fr_FR.UTF-8", "fr-FR"),
        ("zh_Hans_CN", "zh-Hans-CN"),
        ("iw", "he"),
        ("ja", "ja"),
        ("English", None),
        ("en us", None),
        ("", None),
        (None, None),
        ("en\x01", None),
    ],
)
def test_language_tag(given: str | None, tag: str | None) -> None:
    assert language_tag(given) == tag


@pytest.mark.parametrize(
    ("given", "base", "iri"),
    [
        (
            "urn:uuid:6e3f0c35-7c1e-5c55-9a44-0d1f3f2a0b7e",
            None,
            "urn:uuid:6e3f0c35-7c1e-5c55-9a44-0d1f3f2a0b7e",
        ),
        ("tag:example.org,2024:1", None, "tag:example.org,2024:1"),
        ("https://a.example/x", None, "https://a.example/x"),
        ("/r/rust/.rss", None, None),
        ("/livewire/x", "https://news.example.com/feed.atom", "https://news.example.com/livewire/x"),
        ("x/y", "https://news.example.com/a/feed", "https://news.example.com/a/x/y"),
        ("/x", "/relative/base", None),
        ("http:/no-host", None, None),
        ("https://a.example/with space", None, None),
        ("  ", None, None),
    ],
)
def test_absolute_iri(given: str, base: str | None, iri: str | None) -> None:
    assert absolute_iri(given, base) == iri


def test_web_addresses() -> None:
    assert is_web_address("https://a.example/") and not is_web_address("urn:x:1")
    assert not is_web_address("/path") and not is_web_address(None)


@pytest.mark.parametrize("broken", ["http://[::1/x", "https://[zz]/", "/x]["])
def test_a_url_python_cannot_split_is_no_iri_and_raises_nothing(broken: str) -> None:
    assert absolute_iri(broken) is None
    assert absolute_iri(broken, "http://[::1/feed") is None
    assert absolute_iri(broken, "https://news.example.com/") in (None, f"https://news.example.com{broken}")
    assert not is_web_address(broken)


def test_a_shard_splits_urls_between_workers_without_overlap() -> None:
    from normalizer.values import in_shard, parse_shard

    assert parse_shard("2/4") == (2, 4) and parse_shard(" 1 / 1 ") == (1, 1)
    assert parse_shard("0/4") is None and parse_shard("5/4") is None and parse_shard("a/b") is None
    urls = [f"https://feeds.example/{number}.rss" for number in range(400)]
    shares = [[url for url in urls if in_shard(url, (worker, 4))] for worker in range(1, 5)]
    assert sorted(url for share in shares for url in share) == sorted(urls)  # each URL once
    assert all(60 < len(share) < 140 for share in shares)  # spread, not all on one worker
    # Stable: the same URL falls to the same worker on every machine and in every run.
    assert in_shard("https://feeds.example/0.rss", (1, 4)) == ("https://feeds.example/0.rss" in shares[0])
    assert [in_shard("https://www.tass.com/rss/v2.xml", (worker, 3)) for worker in (1, 2, 3)] == [
        worker == _pinned_worker() for worker in (1, 2, 3)
    ]


def _pinned_worker() -> int:
    # sha256("https://www.tass.com/rss/v2.xml")[:8] as a big-endian integer, mod 3, plus 1.
    import hashlib

    digest = hashlib.sha256(b"https://www.tass.com/rss/v2.xml").digest()
    return int.from_bytes(digest[:8], "big") % 3 + 1
