"""`newsnorm serve` over real HTTP: a server process on 127.0.0.1, real requests.

Covered: the current feed and its validators (ETag, Last-Modified, 304 on
either), RFC 5005 archive pages (the chain, fh:archive, reconstruction of the
whole feed, pages that stay as first published), the JSON cluster view, errors,
and a load loop of 1,000 requests from another process while an ingest runs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from lxml import etree

from feeds.publish.atom import ATOM_NS, FH_NS, feed_info
from feeds.publish.serve import ServeConfig, make_app
from feeds.publish.validate import validate_atom
from normalizer.settings import Settings
from normalizer.store import open_store

from .conftest import DEMO, FIXED_EPOCH, ROOT

PAGE_SIZE = 5
NS = {"a": ATOM_NS, "fh": FH_NS}
LATER = str(int(FIXED_EPOCH) + 3600)


@dataclass
class Served:
    base: str
    db: Path
    process: subprocess.Popen[bytes]


def _newsnorm(*args: str, epoch: str = FIXED_EPOCH) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    db = tmp_path / "s.db"
    # The feeds are read from a folder of the test's own, where a later version of one
    # can be written: identity is scoped to the folder a file is in.
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    for name in ("bbc.rss.xml", "heise.atom"):
        (feeds / name).write_bytes((DEMO / name).read_bytes())
    ingested = _newsnorm("ingest", str(feeds / "bbc.rss.xml"), str(feeds / "heise.atom"), "--db", str(db))
    assert ingested.returncode == 0, ingested.stderr
    log = tmp_path / "serve.log"
    command = [sys.executable, str(ROOT / "cli.py"), "serve", "--db", str(db), "--port", "0"]
    # The log is a file, not a pipe: a pipe no one reads would block the server once full.
    with log.open("w") as stderr:
        process = subprocess.Popen([*command, "--page-size", str(PAGE_SIZE)], stderr=stderr)
    found = None
    for _ in range(200):
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
        if found or process.poll() is not None:
            break
        time.sleep(0.05)
    assert found, log.read_text()
    try:
        yield Served(f"http://127.0.0.1:{found.group(1)}", db, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _entry_ids(document: bytes) -> list[str]:
    return [str(e.findtext("a:id", namespaces=NS)) for e in etree.fromstring(document).findall("a:entry", NS)]


def _link(document: bytes, rel: str) -> str | None:
    for link in etree.fromstring(document).findall("a:link", NS):
        if link.get("rel") == rel:
            return link.get("href")
    return None


def test_the_feed_has_validators_and_answers_304(served: Served) -> None:
    with httpx.Client() as client:
        first = client.get(f"{served.base}/feed.atom")
        assert first.status_code == 200
        assert first.headers["Content-Type"].startswith("application/atom+xml")
        assert validate_atom(first.content, "feed.atom") == []
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        by_etag = client.get(f"{served.base}/feed.atom", headers={"If-None-Match": etag})
        assert by_etag.status_code == 304 and by_etag.content == b""
        assert by_etag.headers["ETag"] == etag
        by_date = client.get(f"{served.base}/feed.atom", headers={"If-Modified-Since": modified})
        assert by_date.status_code == 304
        stale = client.get(f"{served.base}/feed.atom", headers={"If-None-Match": '"stale"'})
        assert stale.status_code == 200 and stale.content == first.content
        older = client.get(
            f"{served.base}/feed.atom", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
        )
        assert older.status_code == 200
        head = client.head(f"{served.base}/feed.atom")
        assert head.status_code == 200 and head.content == b""
        assert head.headers["Content-Length"] == str(len(first.content))


def test_the_archive_chain_rebuilds_the_whole_feed(served: Served) -> None:
    with httpx.Client() as client:
        current = client.get(f"{served.base}/feed.atom").content
        seen = set(_entry_ids(current))
        page_url = _link(current, "prev-archive")
        pages = 0
        while page_url:
            page = client.get(page_url)
            assert page.status_code == 200, page_url
            assert validate_atom(page.content, page_url) == []
            root = etree.fromstring(page.content)
            assert root.find("fh:archive", NS) is not None
            assert _link(page.content, "current") == f"{served.base}/feed.atom"
            assert 0 < len(_entry_ids(page.content)) <= PAGE_SIZE
            seen.update(_entry_ids(page.content))
            pages += 1
            page_url = _link(page.content, "prev-archive")
    whole = _newsnorm("emit", "--db", str(served.db))
    assert whole.returncode == 0, whole.stderr
    assert pages >= 3
    assert seen == set(_entry_ids(whole.stdout.encode()))


def test_archive_pages_stay_as_first_published(served: Served) -> None:
    with httpx.Client() as client:
        before = client.get(f"{served.base}/archive/1.atom").content
        feed_before = client.get(f"{served.base}/feed.atom")
        # An hour later, a new version of the first stored story arrives.
        first_id = _entry_ids(before)
        changed = _newsnorm(
            "ingest", str(served.db.parent / "feeds" / "heise.atom"), "--db", str(served.db), epoch=LATER
        )
        assert changed.returncode == 0
        text = (DEMO / "bbc.rss.xml").read_text("utf-8")
        text = text.replace(
            "urging people to take shelter.", "urging people to take shelter. Updated with new details."
        )
        update = served.db.parent / "feeds" / "bbc-update.rss.xml"
        update.write_text(text, "utf-8")
        assert _newsnorm("ingest", str(update), "--db", str(served.db), epoch=LATER).returncode == 0
        after = client.get(f"{served.base}/archive/1.atom").content
        feed_after = client.get(
            f"{served.base}/feed.atom", headers={"If-None-Match": feed_before.headers["ETag"]}
        )
    assert _entry_ids(after) == first_id
    # Entries byte for byte as first published; only links to new neighbours may appear.
    assert re.sub(rb"<link [^>]*/>\n", b"", after) == re.sub(rb"<link [^>]*/>\n", b"", before)
    assert feed_after.status_code == 200
    assert b"Updated with new details." in feed_after.content
    assert feed_after.headers["Last-Modified"] != feed_before.headers["Last-Modified"]


def test_the_cluster_view(served: Served, tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_text((DEMO / "scraped-article-near-duplicate.txt").read_text("utf-8"), "utf-8")
    for name in (DEMO / "scraped-article-agencies-dateline.txt", copy):
        assert _newsnorm("ingest", str(name), "--db", str(served.db)).returncode == 0
    with httpx.Client() as client:
        view = client.get(f"{served.base}/clusters.json")
        assert view.status_code == 200
        clusters = view.json()["clusters"]
        again = client.get(f"{served.base}/clusters.json", headers={"If-None-Match": view.headers["ETag"]})
    assert again.status_code == 304
    assert any(
        {m["input_id"] for m in c["members"]} == {"scraped-article-agencies-dateline", "copy"}
        for c in clusters
    )
    for cluster in clusters:
        assert cluster["size"] == len(cluster["members"]) >= 2
        assert sum(m["canonical"] for m in cluster["members"]) == 1
        assert all(0.0 <= m["similarity"] <= 1.0 and m["why"] for m in cluster["members"])


def test_errors(served: Served) -> None:
    with httpx.Client() as client:
        index = client.get(f"{served.base}/index.json").json()
        assert client.get(f"{served.base}/nothing").status_code == 404
        beyond = index["archive_pages"] + 1
        assert client.get(f"{served.base}/archive/{beyond}.atom").status_code == 404
        assert client.get(f"{served.base}/archive/0.atom").status_code == 404
        assert client.post(f"{served.base}/feed.atom").status_code == 405


def test_a_thousand_requests_from_another_process_while_ingesting(served: Served, tmp_path: Path) -> None:
    load = subprocess.Popen(
        [sys.executable, "-m", "tests.load_client", served.base, "1000"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for number in range(3):
        page = tmp_path / f"page-{number}.txt"
        page.write_text(
            f"Story {number} for the load test\n\nParagraph of story {number}, with its own words.\n"
        )
        assert _newsnorm("ingest", str(page), "--db", str(served.db), epoch=LATER).returncode == 0
    out, err = load.communicate(timeout=300)
    assert load.returncode == 0, out + err
    report = json.loads(out)
    assert report["errors"] == []
    assert sum(report["statuses"].values()) == 1000
    assert set(report["statuses"]) <= {"200", "304"}
    assert report["statuses"].get("304", 0) > 0
    assert served.process.poll() is None  # still serving


def test_links_come_from_the_base_url_never_from_the_host_header(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert _newsnorm("ingest", str(DEMO / "heise.atom"), "--db", str(db)).returncode == 0
    settings = Settings(db=str(db))
    config = ServeConfig(feed_info(settings), base_url="https://feeds.example.com/news/")
    app = make_app(lambda: open_store(settings, create=False), config)
    answers: list[str] = []
    for host in ("evil.example", "h2.example"):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/feed.atom", "HTTP_HOST": host}
        body = b"".join(app(environ, lambda status, _headers: answers.append(status)))
        assert b"https://feeds.example.com/news/feed.atom" in body and host.encode() not in body
    assert answers == ["200 OK"] * 2


def test_a_document_is_made_once_however_many_ask_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import feeds.publish.serve as serve_module

    db = tmp_path / "s.db"
    assert _newsnorm("ingest", str(DEMO), "--db", str(db)).returncode == 0
    settings = Settings(db=str(db))
    made = []
    real_view = serve_module.cluster_view

    def counted_view(*args: object, **kwargs: object) -> object:
        made.append(1)
        return real_view(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(serve_module, "cluster_view", counted_view)
    app = make_app(lambda: open_store(settings, create=False), ServeConfig(feed_info(settings)))
    bodies: list[bytes] = []
    start = threading.Barrier(8)

    def ask() -> None:
        start.wait(timeout=60)
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/clusters.json"}
        bodies.append(b"".join(app(environ, lambda _status, _headers: None)))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(bodies) == 8 and len(set(bodies)) == 1
    assert made == [1]


def test_serve_refuses_request_bodies_and_needs_a_base_url_on_every_interface(tmp_path: Path) -> None:
    from feeds.publish.serve import CHANNEL_TIMEOUT, CONNECTION_LIMIT, serve_store
    from normalizer.errors import SettingsError

    db = tmp_path / "s.db"
    assert _newsnorm("ingest", str(DEMO / "heise.atom"), "--db", str(db)).returncode == 0
    with pytest.raises(SettingsError, match="give --base-url"):
        serve_store(Settings(db=str(db), host="0.0.0.0", port=0))
    server = serve_store(Settings(db=str(db), port=0))
    try:
        assert server.adj.connection_limit == CONNECTION_LIMIT
        assert server.adj.channel_timeout == CHANNEL_TIMEOUT
        port = server.getsockname()[1]
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("POST", "/feed.atom", body=b"x" * 100_000)
        assert connection.getresponse().status == 413  # refused, not spooled
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/feed.atom")
        answer = connection.getresponse()
        assert answer.status == 200 and f"http://127.0.0.1:{port}/feed.atom".encode() in answer.read()
    finally:
        server.close()
