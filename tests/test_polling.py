"""Polite polling against a real HTTP server on loopback: Retry-After, Cache-Control
and Expires, permanent and temporary redirects, 410 Gone, back-off on failures, and
a run of 50 feeds with mixed answers whose second run fetches only the due ones.

The runs share the tests' fixed clock (SOURCE_DATE_EPOCH), so "later" is a clock
moved on explicitly, never the machine's speed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .conftest import DEMO, FIXED_EPOCH, Cli
from .feed_server import serving

FEED = (DEMO / "bbc.rss.xml").read_bytes()
NOW = int(FIXED_EPOCH)


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = FEED


@dataclass
class Server:
    base: str
    answers: dict[str, Answer] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        return self.hits.count(path)


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits.append(self.path)
            answer = state.answers.get(self.path, Answer(404, {}, b"no such feed"))
            self.send_response(answer.status)
            headers = {"Content-Type": "application/rss+xml"}
            for name, value in {**headers, **answer.headers}.items():
                self.send_header(name, value.replace("{base}", state.base))
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args: object) -> None:
            del args

        def date_time_string(self, timestamp: float | None = None) -> str:
            # The server's clock is the tests' fixed one: Expires and Retry-After dates
            # are read against the answer's own Date.
            del timestamp
            return formatdate(NOW, usegmt=True)

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as base:
        state.base = base
        yield state


@pytest.fixture(autouse=True)
def _loopback_allowed(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSNORM_ALLOW_PRIVATE_NETWORKS", "1")


def _feeds(cli: Cli, db: str) -> dict[str, dict[str, object]]:
    result = cli("feeds", "--format", "json", "--db", db)
    assert result.exit_code == 0, result.output
    return {row["url"]: row for row in json.loads(result.stdout)}


def _later(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(NOW + seconds))


def test_retry_after_is_honoured_until_its_time(
    server: Server, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.answers["/busy"] = Answer(429, {"Retry-After": "7200"}, b"slow down")
    server.answers["/down"] = Answer(503, {"Retry-After": formatdate(NOW + 600, usegmt=True)}, b"")
    db = str(tmp_path / "s.db")
    cli("ingest", server.url("/busy"), server.url("/down"), "--db", db)
    states = _feeds(cli, db)
    assert states[server.url("/busy")]["next_at"] == _iso(NOW + 7200)
    assert states[server.url("/down")]["next_at"] == _iso(NOW + 600)
    assert states[server.url("/busy")]["status"] == 429 and states[server.url("/busy")]["failures"] == 1
    again = cli("ingest", server.url("/busy"), server.url("/down"), "--db", db)
    assert "2 feed(s) not due" in again.output
    assert (server.count("/busy"), server.count("/down")) == (1, 1)
    _later(monkeypatch, 601)  # the 503's time has come, the 429's not
    cli("ingest", server.url("/busy"), server.url("/down"), "--db", db)
    assert (server.count("/busy"), server.count("/down")) == (1, 2)
    cli("ingest", server.url("/busy"), "--db", db, "--force")
    assert server.count("/busy") == 2


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def test_cache_control_and_expires_set_the_next_fetch(server: Server, cli: Cli, tmp_path: Path) -> None:
    server.answers["/cached"] = Answer(200, {"Cache-Control": "public, max-age=1800"})
    server.answers["/expires"] = Answer(200, {"Expires": formatdate(NOW + 900, usegmt=True)})
    server.answers["/no-cache"] = Answer(200, {"Cache-Control": "no-cache, max-age=1800"})
    server.answers["/forever"] = Answer(200, {"Cache-Control": "max-age=31536000"})
    db = str(tmp_path / "s.db")
    urls = [server.url(p) for p in ("/cached", "/expires", "/no-cache", "/forever")]
    assert cli("ingest", *urls, "--db", db).exit_code == 0
    states = _feeds(cli, db)
    assert states[urls[0]]["next_at"] == _iso(NOW + 1800)
    assert states[urls[1]]["next_at"] == _iso(NOW + 900)
    assert states[urls[2]]["next_at"] is None and states[urls[2]]["due"] is True
    assert states[urls[3]]["next_at"] == _iso(NOW + 24 * 3600)  # a year is capped at a day
    assert states[urls[0]]["changed_at"] == _iso(NOW) and states[urls[0]]["status"] == 200
    cli("ingest", *urls, "--db", db)
    assert [server.count(p) for p in ("/cached", "/expires", "/no-cache", "/forever")] == [1, 1, 2, 1]


def test_a_permanent_redirect_moves_the_feed_and_a_temporary_one_does_not(
    server: Server, cli: Cli, tmp_path: Path
) -> None:
    server.answers["/old"] = Answer(301, {"Location": "{base}/new"}, b"")
    server.answers["/new"] = Answer(200, {"ETag": '"v1"'})
    server.answers["/elsewhere"] = Answer(302, {"Location": "{base}/new"}, b"")
    server.answers["/308"] = Answer(308, {"Location": "{base}/new"}, b"")
    db = str(tmp_path / "s.db")
    assert cli("ingest", server.url("/old"), server.url("/elsewhere"), "--db", db).exit_code == 0
    states = _feeds(cli, db)
    assert states[server.url("/old")]["moved_to"] == server.url("/new")
    assert states[server.url("/elsewhere")]["moved_to"] is None
    cli("ingest", server.url("/old"), server.url("/elsewhere"), "--db", db)
    # The moved feed is asked for at its new address, conditionally; the other as given.
    assert server.count("/old") == 1 and server.count("/elsewhere") == 2
    table = cli("feeds", "--db", db).stdout
    assert f"{server.url('/old')} -> {server.url('/new')}" in table
    cli("ingest", server.url("/308"), "--db", db)
    assert _feeds(cli, db)[server.url("/308")]["moved_to"] == server.url("/new")


def test_a_gone_feed_is_not_polled_again_without_force(server: Server, cli: Cli, tmp_path: Path) -> None:
    server.answers["/gone"] = Answer(410, {}, b"gone")
    db = str(tmp_path / "s.db")
    first = cli("ingest", server.url("/gone"), "--db", db)
    assert "HTTP 410" in first.output
    assert _feeds(cli, db)[server.url("/gone")]["gone"] is True
    again = cli("ingest", server.url("/gone"), "--db", db)
    assert "gone (HTTP 410" in again.output and server.count("/gone") == 1
    cli("ingest", server.url("/gone"), "--db", db, "--force")
    assert server.count("/gone") == 2
    assert "gone" in cli("feeds", "--db", db).stdout


def test_failures_back_off_exponentially_and_one_success_resets_them(
    server: Server, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.answers["/flaky"] = Answer(500, {}, b"oops")
    db = str(tmp_path / "s.db")
    waits = []
    clock = 0
    for _ in range(4):
        _later(monkeypatch, clock)
        cli("ingest", server.url("/flaky"), "--db", db)
        state = _feeds(cli, db)[server.url("/flaky")]
        wait = datetime.fromisoformat(str(state["next_at"])) - datetime.fromisoformat(_iso(NOW + clock))
        waits.append(int(wait.total_seconds()))
        clock += waits[-1]
    assert waits == [900, 1800, 3600, 7200]
    assert server.count("/flaky") == 4 and _feeds(cli, db)[server.url("/flaky")]["failures"] == 4
    server.answers["/flaky"] = Answer(200)
    _later(monkeypatch, clock)
    cli("ingest", server.url("/flaky"), "--db", db)
    state = _feeds(cli, db)[server.url("/flaky")]
    assert (state["failures"], state["status"], state["problem"], state["next_at"]) == (0, 200, None, None)


def test_fifty_feeds_with_mixed_answers_and_a_second_run_that_fetches_only_the_due(
    server: Server, cli: Cli, tmp_path: Path
) -> None:
    kinds = {
        "ok": Answer(200),
        "cached": Answer(200, {"Cache-Control": "max-age=3600"}),
        "busy": Answer(429, {"Retry-After": "60"}, b""),
        "broken": Answer(500, {}, b""),
        "gone": Answer(410, {}, b""),
    }
    paths = []
    for number in range(50):
        kind = list(kinds)[number % len(kinds)]
        path = f"/{kind}/{number}"
        server.answers[path] = kinds[kind]
        paths.append(path)
    db = str(tmp_path / "s.db")
    cli("ingest", *(server.url(p) for p in paths), "--db", db)
    assert len(server.hits) == 50
    server.hits.clear()
    second = cli("ingest", *(server.url(p) for p in paths), "--db", db, "--format", "json")
    summary = json.loads(second.stdout)
    # Only the plain feeds are due again: the cached, busy, broken and gone wait.
    assert sorted(server.hits) == sorted(p for p in paths if p.startswith("/ok/"))
    assert summary["not_due"] == 40
    states = _feeds(cli, db)
    assert len(states) == 50
    assert sum(bool(s["gone"]) for s in states.values()) == 10
