"""Fetching over real HTTP (a server on 127.0.0.1 started here): conditional GET,
errors, time and size limits, redirects, content types, OPML lists."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from feeds.intake.fetch import Fetcher, FetchPolicy, Validators
from feeds.intake.sources import Loader
from normalizer.errors import InputError

from .conftest import Cli, dump_store
from .feed_server import ETAG, LAST_MODIFIED, MEGABYTE, FeedServer, feed_server

# The server is on loopback, which fetches may reach only with the operator's opt-in
# (test_guard.py tests the refusal itself).
POLICY = FetchPolicy(
    user_agent="newsnorm-tests/1", timeout=1.0, max_bytes=MEGABYTE, allow_private_networks=True
)


@pytest.fixture(autouse=True)
def _loopback_allowed(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # After the cli fixture has cleared the NEWSNORM_ variables.
    monkeypatch.setenv("NEWSNORM_ALLOW_PRIVATE_NETWORKS", "1")


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(POLICY) as client:
        yield client


def _problem(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(InputError) as caught:
        fetcher.fetch(url)
    assert caught.value.source == url
    return caught.value.problem


def test_a_feed_comes_with_its_validators_and_our_user_agent(server: FeedServer, fetcher: Fetcher) -> None:
    fetched = fetcher.fetch(server.url("/feed"))
    assert fetched.data == server.feed
    assert fetched.validators == Validators(ETAG, LAST_MODIFIED)
    assert server.requests_to("/feed")[-1].headers["user-agent"] == "newsnorm-tests/1"


def test_a_304_means_nothing_new(server: FeedServer, fetcher: Fetcher) -> None:
    fetched = fetcher.fetch(server.url("/feed"), Validators(ETAG, LAST_MODIFIED))
    assert fetched.not_modified and fetched.data is None
    sent = server.requests_to("/feed")[-1].headers
    assert sent["if-none-match"] == ETAG and sent["if-modified-since"] == LAST_MODIFIED


def test_last_modified_alone_is_sent_back_as_if_modified_since(server: FeedServer, fetcher: Fetcher) -> None:
    first = fetcher.fetch(server.url("/dated"))
    assert first.validators == Validators(None, LAST_MODIFIED)
    assert fetcher.fetch(server.url("/dated"), first.validators).not_modified


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/missing", "HTTP 404 Not Found"),
        ("/broken", "HTTP 500 Internal Server Error"),
        ("/busy", "HTTP 503 Service Unavailable (the server asks to retry after 120)"),
        ("/slow", "timed out after 1 s"),
        ("/trickle", "timed out after 1 s"),
        ("/huge", "too large: 2,097,163 bytes (limit 1,048,576; see --max-input-mb)"),
        ("/huge-unannounced", "too large: over 1,048,576 bytes once decoded (see --max-input-mb)"),
        ("/inflating", "too large: over 1,048,576 bytes once decoded (see --max-input-mb)"),
        ("/loop", "more than 5 redirects"),
        ("/hop/6", "more than 5 redirects"),
        ("/picture", "not a feed or an article: content type image/png"),
        # Header bytes trickled inside every read timeout: one deadline for the fetch.
        ("/trickle-headers", "timed out after 1 s"),
        # Encodings whose decoding is not bounded per piece, even unasked for.
        ("/zstd-bomb", "content encoding 'zstd' not accepted (only gzip and deflate)"),
        ("/gzip-twice", "content encoding 'gzip, gzip' not accepted (only gzip and deflate)"),
    ],
)
def test_each_failure_is_one_line_naming_the_url(
    server: FeedServer, fetcher: Fetcher, path: str, expected: str
) -> None:
    assert _problem(fetcher, server.url(path)) == expected


def test_five_redirects_are_followed(server: FeedServer, fetcher: Fetcher) -> None:
    fetched = fetcher.fetch(server.url("/hop/5"))
    assert fetched.final_url == server.url("/atom")
    assert fetched.data and b"<feed" in fetched.data


def test_gzip_is_decoded(server: FeedServer, fetcher: Fetcher) -> None:
    assert fetcher.fetch(server.url("/gzipped")).data == server.feed
    assert "gzip" in server.requests_to("/gzipped")[-1].headers["accept-encoding"]


def test_a_closed_port_is_a_one_line_error(fetcher: Fetcher) -> None:
    with feed_server() as gone:
        url = gone.url("/feed")
    assert _problem(fetcher, url).startswith("cannot fetch: ConnectError")


def _articles(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


def test_ingest_fetches_then_asks_conditionally(server: FeedServer, cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    first = cli("ingest", server.url("/feed"), "--db", str(db))
    assert first.exit_code == 0, first.output
    assert _articles(db) == 16
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT url, etag, last_modified FROM fetch_state").fetchall() == [
            (server.url("/feed"), ETAG, LAST_MODIFIED)
        ]
    before = dump_store(db)
    second = cli("ingest", server.url("/feed"), "--db", str(db))
    assert second.exit_code == 0, second.output
    assert "1 fetched feed(s) not modified" in second.output
    assert server.requests_to("/feed")[-1].headers["if-none-match"] == ETAG
    after = dump_store(db)
    # Nothing stored changed but the feed's polling state (its last answer: 304).
    assert after.pop("fetch_state") != before.pop("fetch_state")
    assert after == before


_VALIDATORS_KEPT = "SELECT COUNT(*) FROM fetch_state WHERE etag IS NOT NULL OR last_modified IS NOT NULL"


def test_a_failed_fetch_is_rejected_and_the_rest_goes_on(
    server: FeedServer, cli: Cli, tmp_path: Path
) -> None:
    db = tmp_path / "s.db"
    result = cli(
        "ingest", server.url("/missing"), server.url("/picture"), server.url("/atom"), "--db", str(db)
    )
    assert result.exit_code == 3, result.output
    assert f"{server.url('/missing')}: HTTP 404 Not Found" in result.output
    assert f"{server.url('/picture')}: not a feed or an article: content type image/png" in result.output
    assert _articles(db) > 0
    with sqlite3.connect(db) as connection:
        # No validators for what was not stored; none sent by /atom either.
        assert connection.execute(_VALIDATORS_KEPT).fetchone()[0] == 0


def test_validators_are_kept_only_for_a_stored_document(server: FeedServer, cli: Cli, tmp_path: Path) -> None:
    """A document that fails to store must be fetched whole next time, not answered 304."""
    db = tmp_path / "s.db"
    server.feed = b'<!DOCTYPE rss [<!ENTITY x "y">]><rss><channel><item><title>&x;</title>'  # refused
    try:
        result = cli("ingest", server.url("/feed"), "--db", str(db))
    finally:
        server.feed = (Path(__file__).parent.parent / "fixtures/demo/bbc.rss.xml").read_bytes()
    assert result.exit_code == 3, result.output
    assert f"{server.url('/feed')}: " in result.output and "entit" in result.output
    with sqlite3.connect(db) as connection:
        assert connection.execute(_VALIDATORS_KEPT).fetchone()[0] == 0
    # The failure backs the feed off (tests/test_polling.py); fetched now all the same.
    again = cli("ingest", server.url("/feed"), "--db", str(db), "--force")
    assert again.exit_code == 0, again.output
    assert "if-none-match" not in server.requests_to("/feed")[-1].headers
    assert _articles(db) == 16


def test_an_opml_list_is_fetched_feed_by_feed(server: FeedServer, cli: Cli, tmp_path: Path) -> None:
    listing = tmp_path / "desk.opml"
    with Fetcher(POLICY) as client:
        data = client.fetch(server.url("/list.opml")).data
    assert data is not None
    listing.write_bytes(data)
    db = tmp_path / "s.db"
    before = len(server.requests_to("/feed"))
    result = cli("ingest", str(listing), "--db", str(db))
    assert result.exit_code == 0, result.output
    # Listed twice, fetched once; the mailto: outline is named and left out.
    assert len(server.requests_to("/feed")) == before + 1
    assert "mailto:desk@example.org" in result.output
    with sqlite3.connect(db) as connection:
        sources = {row[0] for row in connection.execute("SELECT DISTINCT origin_name FROM articles")}
    assert sources == {server.url("/feed"), server.url("/atom")}


def test_an_opml_list_by_url(server: FeedServer, cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    result = cli("ingest", server.url("/list.opml"), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "read 3 inputs" in result.output


def test_a_broken_opml_list_is_rejected(cli: Cli, tmp_path: Path) -> None:
    listing = tmp_path / "broken.opml"
    listing.write_bytes(b"<opml><body><outline xmlUrl='http://127.0.0.1:9/x'")
    result = cli("ingest", str(listing), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 3
    assert f"{listing}: " in result.output and "XML" in result.output


def test_clean_reads_an_article_page_by_url(server: FeedServer, cli: Cli) -> None:
    result = cli("clean", "--format", "json", server.url("/atom"))
    assert result.exit_code == 0, result.output


def test_fetches_run_ahead_two_per_host_and_store_in_input_order(
    server: FeedServer, cli: Cli, tmp_path: Path
) -> None:
    # The first feed is the slowest: fetched ahead, the others are ready before it.
    urls = [server.url(f"/delay/{ms}/{name}") for ms, name in [(600, "a"), (300, "b"), (10, "c"), (10, "d")]]
    server.most_active = 0
    together = cli("ingest", *urls, "--db", str(tmp_path / "together.db"), "--fetch-workers", "4")
    assert together.exit_code == 0, together.output
    assert server.most_active == 2  # all on 127.0.0.1: two at once, never more
    alone = cli("ingest", *urls, "--db", str(tmp_path / "alone.db"), "--fetch-workers", "1")
    assert alone.exit_code == 0, alone.output
    assert dump_store(tmp_path / "together.db") == dump_store(tmp_path / "alone.db")
    with sqlite3.connect(tmp_path / "together.db") as connection:
        order = [row[0] for row in connection.execute("SELECT input_id FROM articles ORDER BY id")]
    assert order == ["urn:delay:a", "urn:delay:b", "urn:delay:c", "urn:delay:d"]


class _RecordingTransport(httpx.HTTPTransport):
    """httpx's own transport, noting each request it sends (the traffic is real)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(str(request.url))
        return super().handle_request(request)


def test_the_transport_is_injected(server: FeedServer, tmp_path: Path) -> None:
    transport = _RecordingTransport()
    urls = [server.url("/feed"), server.url("/dated")]
    with Loader(MEGABYTE, POLICY, workers=2, transport=transport) as loader:
        loader.ahead(urls)
        documents = [loader.load(url) for url in urls]
    assert [d.data for d in documents] == [server.feed, documents[1].data] and documents[1].data
    assert sorted(transport.sent) == sorted(urls)


def test_a_listed_feed_that_answers_with_a_list_adds_nothing(
    server: FeedServer, cli: Cli, tmp_path: Path
) -> None:
    # The operator's list names one "feed"; its server answers with a list of its own.
    listing = tmp_path / "desk.opml"
    listing.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>d</title></head><body>'
        f'<outline text="wire" type="rss" xmlUrl="{server.url("/list.opml")}"/></body></opml>',
        encoding="utf-8",
    )
    before = len(server.requests_to("/feed"))
    result = cli("ingest", str(listing), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 3
    assert "lists are not followed from lists" in result.output
    assert len(server.requests_to("/feed")) == before  # nothing it listed was fetched


def test_the_feeds_lists_add_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    import feeds.jobs

    monkeypatch.setattr(feeds.jobs, "MAX_LISTED_FEEDS", 3)
    outlines = "".join(f'<outline xmlUrl="http://127.0.0.1:9/{n}.rss"/>' for n in range(5))
    listing = tmp_path / "big.opml"
    listing.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
    result = cli("ingest", str(listing), "--db", str(tmp_path / "s.db"), "--fetch-timeout", "2")
    assert result.output.count("more than 3 listed feeds in one run") == 2
    assert "read 4 inputs" in result.output  # the list and the three it may add


def test_only_bounded_encodings_are_asked_for(server: FeedServer, fetcher: Fetcher) -> None:
    fetcher.fetch(server.url("/feed"))
    assert server.requests_to("/feed")[-1].headers["accept-encoding"] == "gzip, deflate"


def test_an_etag_that_cannot_be_sent_back_is_not_kept(server: FeedServer, fetcher: Fetcher) -> None:
    fetched = fetcher.fetch(server.url("/odd-etag"))
    assert fetched.data and fetched.validators.etag is None
    assert fetcher.fetch(server.url("/feed")).validators.etag == ETAG
