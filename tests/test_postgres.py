"""The PostgreSQL store against a real server: the same results as SQLite, and a
fleet of workers writing one store at once.

Each test gets a fresh database on the session's server (``postgres_url``); where
no server is installed they skip, saying so (CI installs one).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from normalizer.identity import local_key
from normalizer.link_type import is_resend
from normalizer.store import SCHEMA_VERSION

from .limits import ROOT, child_environment, newsnorm_command
from .story_corpus import make_items, overlapping_shares, write_feeds

WORKERS = 4
GUARD = 300  # seconds: a run this long is a hang


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        newsnorm_command(*args), cwd=ROOT, env=child_environment(), capture_output=True, text=True,
        timeout=GUARD, check=False,
    )  # fmt: skip


def _start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        newsnorm_command(*args), cwd=ROOT, env=child_environment(), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(url) as connection:
        return list(connection.execute(sql).fetchall())


def _partition_pg(url: str) -> set[frozenset[str]]:
    clusters: dict[str, set[str]] = {}
    for cluster, key in _rows(
        url, "SELECT m.cluster, a.key FROM members m JOIN articles a ON a.id = m.article"
    ):
        clusters.setdefault(str(cluster), set()).add(str(key))
    return {frozenset(members) for members in clusters.values()}


# Each member with its cluster and the cluster's canonical member, on either backend.
_CANONICAL_SQL = (
    "SELECT m.cluster, a.key, ca.key FROM members m JOIN articles a ON a.id = m.article "
    "JOIN clusters c ON c.key = m.cluster JOIN articles ca ON ca.id = c.canonical"
)


def _clusters_with_canonical(rows: Iterable[Sequence[object]]) -> set[tuple[frozenset[str], str]]:
    """Each cluster as its members' keys and its canonical member's key."""
    members: dict[str, set[str]] = {}
    canonical: dict[str, str] = {}
    for cluster, key, canonical_key in rows:
        members.setdefault(str(cluster), set()).add(str(key))
        canonical[str(cluster)] = str(canonical_key)
    return {(frozenset(keys), canonical[cluster]) for cluster, keys in members.items()}


def _canonical_pg(url: str) -> set[tuple[frozenset[str], str]]:
    return _clusters_with_canonical(_rows(url, _CANONICAL_SQL))


def _canonical_sqlite(path: Path) -> set[tuple[frozenset[str], str]]:
    import sqlite3

    with sqlite3.connect(path) as db:
        return _clusters_with_canonical(db.execute(_CANONICAL_SQL).fetchall())


def test_one_process_gives_what_sqlite_gives(postgres_url: str, tmp_path: Path) -> None:
    items = make_items(240, seed=5)
    feeds = write_feeds(tmp_path / "feeds", items, per_feed=40)
    sqlite_db = tmp_path / "one.db"
    for db in (str(sqlite_db), postgres_url):
        done = _run("ingest", *map(str, feeds), "--db", db)
        assert done.returncode == 0, done.stderr
    assert _canonical_pg(postgres_url) == _canonical_sqlite(sqlite_db)
    assert len(_partition_pg(postgres_url)) < len(items)  # copies were found at all
    feeds_out = []
    for db, name in ((str(sqlite_db), "sqlite"), (postgres_url, "postgres")):
        out = tmp_path / f"{name}.atom"
        done = _run("emit", "--db", db, "--collapse", "-o", str(out))
        assert done.returncode == 0, done.stderr
        feeds_out.append(out.read_bytes())
    assert feeds_out[0] == feeds_out[1]
    # The change log and the dups report read alike too.
    reports = [_run("dups", "--db", db, "--format", "json").stdout for db in (str(sqlite_db), postgres_url)]
    assert reports[0] == reports[1] and reports[0].strip()


def test_real_inputs_give_what_sqlite_gives(postgres_url: str, tmp_path: Path) -> None:
    # Real feeds and pages: chrome learned per source, headline-only items, pages.
    inputs = [str(ROOT / "fixtures" / "demo"), str(ROOT / "fixtures" / "real")]
    sqlite_db = tmp_path / "one.db"
    outputs = []
    for db in (str(sqlite_db), postgres_url):
        done = _run("ingest", *inputs, "--db", db, "--learn-chrome-stories", "2")
        assert done.returncode == 0, done.stderr
        out = tmp_path / "out.atom"
        assert _run("emit", "--db", db, "-o", str(out)).returncode == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"<entry") > 30
    assert _canonical_pg(postgres_url) == _canonical_sqlite(sqlite_db)

    # A line one source repeats is learned as its chrome, the same way on both.
    items = "".join(
        f"<item><guid>urn:chrome:{n}</guid><link>https://site.example/{n}</link><title>Story {n}</title>"
        f"<description>&lt;p&gt;{text}&lt;/p&gt;&lt;p&gt;Follow our live coverage on the app&lt;/p&gt;"
        "</description></item>"
        for n, text in enumerate([STORY, STORY.replace("Dock", "Rail").replace("port", "depot") + " x" * 40,
                                  "Farmers blocked roads with tractors " * 6, "Flights resumed " * 9])
    )  # fmt: skip
    chrome = tmp_path / "chrome.rss"
    chrome.write_text(
        f'<rss version="2.0"><channel><title>c</title>{items}</channel></rss>', encoding="utf-8"
    )
    learned = []
    for db in (str(sqlite_db), postgres_url):
        assert _run("ingest", str(chrome), "--db", db, "--learn-chrome-stories", "2").returncode == 0
        out = tmp_path / "chrome.atom"
        assert _run("emit", "--db", db, "-o", str(out)).returncode == 0
        learned.append(out.read_bytes())
    assert learned[0] == learned[1]
    assert learned[0].count(b"Follow our live coverage") < 4  # learned: the later stories lose it


@pytest.mark.slow
def test_four_workers_on_overlapping_inputs_give_one_store(postgres_url: str, tmp_path: Path) -> None:
    items = make_items(800, seed=21)
    feeds = write_feeds(tmp_path / "feeds", items, per_feed=40)
    serial_db = tmp_path / "serial.db"
    done = _run("ingest", *map(str, feeds), "--db", str(serial_db))
    assert done.returncode == 0, done.stderr

    jobs = overlapping_shares(feeds, WORKERS)
    processes = [_start("ingest", *map(str, job), "--db", postgres_url) for job in jobs]
    for process in processes:
        assert process.wait(timeout=GUARD) == 0
        stderr = process.stderr.read().decode() if process.stderr else ""
        assert "Traceback" not in stderr, stderr

    keys = [str(row[0]) for row in _rows(postgres_url, "SELECT key FROM articles")]
    assert len(keys) == len(set(keys)) == len(items)
    assert _partition_pg(postgres_url) == {members for members, _ in _canonical_sqlite(serial_db)}
    assert _canonical_pg(postgres_url) == _canonical_sqlite(serial_db)
    # Sequence numbers are unique, and each article's "new" change is logged once.
    changes = _rows(
        postgres_url, "SELECT article, COUNT(*) FROM changes WHERE reason = 'new' GROUP BY article"
    )
    assert len(changes) == len(items) and {count for _, count in changes} == {1}
    # One collapsed feed for the fleet: one entry per story.
    out = tmp_path / "fleet.atom"
    done = _run("emit", "--db", postgres_url, "--collapse", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().count(b"<entry") == len({item.story for item in items})


def _feed(path: Path, guid: str, body: str, updated: str) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>https://example.com/</link><item><guid>{guid}</guid><title>Port strike ends</title>"
        f"<pubDate>{updated}</pubDate><description>{body}</description></item></channel></rss>",
        encoding="utf-8",
    )
    return path


STORY = (
    "Dock workers at the country's largest container port ended a nine-day strike on Tuesday "
    "after the operator agreed to raise wages by six percent and to hire two hundred more staff, "
    "the union said, as ships waiting offshore began to berth again."
)


def test_a_version_reaching_another_worker_replaces_the_text(postgres_url: str, tmp_path: Path) -> None:
    first = _feed(tmp_path / "a.rss", "urn:port-1", STORY, "Tue, 02 Oct 2018 08:00:00 GMT")
    longer = STORY + " Officials said the backlog of forty ships would clear within a week."
    second = _feed(tmp_path / "b.rss", "urn:port-1", longer, "Tue, 02 Oct 2018 12:00:00 GMT")
    # Two processes, as two workers of a fleet: the second sees the later version.
    for path in (first, second):
        done = _run("ingest", str(path), "--db", postgres_url)
        assert done.returncode == 0, done.stderr
    assert _rows(postgres_url, "SELECT COUNT(*) FROM articles") == [(1,)]
    assert _rows(postgres_url, "SELECT reason FROM changes ORDER BY seq") == [("new",), ("updated",)]
    out = tmp_path / "feed.atom"
    assert _run("emit", "--db", postgres_url, "-o", str(out)).returncode == 0
    assert b"backlog of forty ships" in out.read_bytes()


def test_a_killed_worker_leaves_a_consistent_store(postgres_url: str, tmp_path: Path) -> None:
    items = make_items(400, seed=8)
    feeds = write_feeds(tmp_path / "feeds", items, per_feed=400)
    process = _start("ingest", *map(str, feeds), "--db", postgres_url)
    deadline = time.monotonic() + GUARD
    # Kill it once some entries are stored, well before all are.
    while time.monotonic() < deadline:
        stored = _stored_count(postgres_url)
        if stored >= 20 or process.poll() is not None:
            break
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=GUARD)
    partial = _stored_count(postgres_url)
    # Every stored article is whole: signature, membership and cluster, change logged.
    orphans = _rows(
        postgres_url,
        "SELECT COUNT(*) FROM articles a LEFT JOIN signatures s ON s.article = a.id "
        "LEFT JOIN members m ON m.article = a.id LEFT JOIN clusters c ON c.key = m.cluster "
        "WHERE s.article IS NULL OR m.article IS NULL OR c.key IS NULL "
        "OR a.id NOT IN (SELECT article FROM changes)",
    )
    assert orphans == [(0,)]
    # The next run stores the rest, and the store equals an uninterrupted one.
    done = _run("ingest", *map(str, feeds), "--db", postgres_url)
    assert done.returncode == 0, done.stderr
    serial_db = tmp_path / "serial.db"
    assert _run("ingest", *map(str, feeds), "--db", str(serial_db)).returncode == 0
    assert _canonical_pg(postgres_url) == _canonical_sqlite(serial_db)
    assert 0 < partial <= len(items)


def _stored_count(url: str) -> int:
    try:
        return int(_rows(url, "SELECT COUNT(*) FROM articles")[0][0])  # type: ignore[call-overload]
    except Exception:
        return 0


@pytest.mark.slow
def test_serve_answers_from_the_shared_store_while_workers_write(postgres_url: str, tmp_path: Path) -> None:
    items = make_items(600, seed=13)
    feeds = write_feeds(tmp_path / "feeds", items, per_feed=50)
    assert _run("ingest", str(feeds[0]), "--db", postgres_url).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        newsnorm_command("serve", "--db", postgres_url, "--port", str(port)),
        cwd=ROOT, env=child_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait_for(port)
        jobs = overlapping_shares(feeds[1:], WORKERS)
        workers = [_start("ingest", *map(str, job), "--db", postgres_url) for job in jobs]
        answers = []
        while any(worker.poll() is None for worker in workers):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.atom", timeout=60) as response:
                answers.append((response.status, response.read().count(b"<entry")))
        for worker in workers:
            assert worker.wait(timeout=GUARD) == 0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.atom", timeout=60) as response:
            served = response.read()
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert answers and all(status == 200 for status, _ in answers)
    assert all(count > 0 for _, count in answers)
    # Once they are done, it serves what the store holds: entries emit writes too.
    out = tmp_path / "emitted.atom"
    assert _run("emit", "--db", postgres_url, "-o", str(out)).returncode == 0
    served_ids = _entry_ids(served)
    assert served_ids and len(set(served_ids)) == len(served_ids)
    assert set(served_ids) <= set(_entry_ids(out.read_bytes()))


def _entry_ids(document: bytes) -> list[bytes]:
    return [entry.split(b"<id>", 1)[1].split(b"</id>", 1)[0] for entry in document.split(b"<entry")[1:]]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.atom", timeout=10):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("serve did not answer")


def test_fingerprint_parameters_are_checked_on_opening(postgres_url: str) -> None:
    from dataclasses import replace

    from normalizer.errors import StoreError
    from normalizer.settings import Settings
    from normalizer.store import open_store

    open_store(replace(Settings(), db=postgres_url)).close()
    with pytest.raises(StoreError, match=r"other parameters: .*num_perm 128 \(store\) vs 64 \(run\)"):
        open_store(replace(Settings(), db=postgres_url, num_perm=64, bands=16, rows=4))


def test_a_read_command_on_an_empty_database_says_there_is_no_store(postgres_url: str) -> None:
    done = _run("emit", "--db", postgres_url)
    assert done.returncode != 0
    assert "no newsnorm store in this database" in done.stderr
    assert _rows(postgres_url, "SELECT to_regclass('meta') IS NULL") == [(True,)]  # nothing was made


def test_an_unreachable_server_is_a_one_line_error() -> None:
    port = _free_port()
    done = _run("emit", "--db", f"postgresql://nobody:secret@127.0.0.1:{port}/none")
    assert done.returncode != 0
    assert "cannot connect to the store" in done.stderr and "Traceback" not in done.stderr
    assert "secret" not in done.stderr  # the password is not shown
    assert len(done.stderr.strip().splitlines()) == 1


def test_changed_feeds_from_a_fleet_miss_nothing(postgres_url: str, tmp_path: Path) -> None:
    items = make_items(300, seed=17)
    feeds = write_feeds(tmp_path / "feeds", items, per_feed=30)
    out = tmp_path / "changed.atom"
    emitted: list[bytes] = []

    def emit_changed() -> None:
        done = _run("emit", "--db", postgres_url, "--changed", "-o", str(out))
        assert done.returncode == 0, done.stderr
        emitted.extend(_entry_ids(out.read_bytes()))

    assert _run("ingest", *map(str, feeds[:3]), "--db", postgres_url).returncode == 0
    emit_changed()
    # Two workers write the rest while a third process emits what changed, twice.
    workers = [_start("ingest", *map(str, feeds[3 + i :: 2]), "--db", postgres_url) for i in range(2)]
    emit_changed()
    for worker in workers:
        assert worker.wait(timeout=GUARD) == 0
    emit_changed()
    # Every current entry was in some changed feed; the cursor is at the last change.
    full = tmp_path / "full.atom"
    assert _run("emit", "--db", postgres_url, "-o", str(full)).returncode == 0
    assert set(_entry_ids(full.read_bytes())) <= set(emitted)
    (last,) = _rows(postgres_url, "SELECT MAX(seq) FROM changes")[0]
    assert _rows(postgres_url, "SELECT seq FROM cursors") == [(last,)]


def test_control_characters_in_a_json_feed_reach_neither_store(postgres_url: str, tmp_path: Path) -> None:
    # JSON can carry "\u0000", which XML cannot; PostgreSQL's text refuses NUL outright.
    feed = tmp_path / "feed.json"
    feed.write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Wire\\u0000", "items": [{"id": '
        '"urn:quake\\u0000", "title": "Quake\\u0007 hits", "url": "https://x.example/a", "content_text": '
        '"A strong earthquake\\u0000 struck the coast on Monday, officials said; warnings were issued."}]}',
        encoding="utf-8",
    )
    sqlite_db = tmp_path / "one.db"
    outputs = []
    for db in (str(sqlite_db), postgres_url):
        done = _run("ingest", str(feed), "--db", db)
        assert done.returncode == 0 and "1 new" in done.stderr, done.stderr
        out = tmp_path / "out.atom"
        assert _run("emit", "--db", db, "-o", str(out)).returncode == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert b"Quake hits" in outputs[0] and b"earthquake struck" in outputs[0]
    assert [local_key(str(k)) for (k,) in _rows(postgres_url, "SELECT key FROM articles")] == ["urn:quake"]


def test_a_schema_7_postgres_store_is_fingerprinted_again(postgres_url: str, tmp_path: Path) -> None:
    import psycopg

    original = _feed(tmp_path / "a.rss", "urn:port-1", STORY, "Tue, 02 Oct 2018 08:00:00 GMT")
    assert _run("ingest", str(original), "--db", postgres_url).returncode == 0
    fingerprint = _rows(postgres_url, "SELECT digest, shingles, shingle_set, figures FROM signatures")
    bands = _rows(postgres_url, "SELECT band_key FROM bands ORDER BY 1")
    with psycopg.connect(postgres_url) as connection:
        # As schema 7 left a store: word fingerprints (here: junk), no refusals table.
        connection.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
        connection.execute("UPDATE meta SET value = 'xxh32-words-poly64' WHERE key = 'hash'")
        connection.execute("UPDATE signatures SET digest = 'old', shingles = 1, figures = ''")
        connection.execute("DELETE FROM bands")
        connection.execute("DROP TABLE refusals")
    copy = _feed(tmp_path / "b.rss", "urn:port-2", STORY, "Tue, 02 Oct 2018 09:00:00 GMT")
    done = _run("ingest", str(copy), "--db", postgres_url)
    assert done.returncode == 0, done.stderr
    assert _rows(postgres_url, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]
    assert (
        _rows(postgres_url, "SELECT digest, shingles, shingle_set, figures FROM signatures WHERE article = 1")
        == fingerprint
    )
    assert _rows(postgres_url, "SELECT band_key FROM bands WHERE article = 1 ORDER BY 1") == bands
    # The copy found the original through the bands made again.
    assert _rows(postgres_url, "SELECT COUNT(DISTINCT cluster) FROM members") == [(1,)]


def test_search_finds_what_sqlite_finds_and_a_schema_9_store_gets_text(
    postgres_url: str, tmp_path: Path
) -> None:
    import psycopg
    import zstandard

    from .test_search import _ITEMS, _json_feed

    feed = _json_feed(tmp_path / "wire.json", _ITEMS)
    sqlite_db = str(tmp_path / "one.db")
    queries = ["统计局", "記者会見", "मौसम विभाग", "geneve", '"accord élargi"', "الاعمار", "paris moscou"]
    found: dict[str, list[list[str]]] = {}
    for db in (sqlite_db, postgres_url):
        assert _run("ingest", feed, "--db", db).returncode == 0
        found[db] = []
        for query in queries:
            done = _run("search", query, "--db", db, "--format", "json")
            assert done.returncode == 0, done.stderr
            found[db].append([row["key"] for row in json.loads(done.stdout)])
    assert found[postgres_url] == found[sqlite_db]
    assert [len(keys) for keys in found[sqlite_db]] == [1, 1, 1, 1, 1, 1, 0]
    # As schema 9 left a store: bodies as Zstandard frames in BYTEA, no index.
    with psycopg.connect(postgres_url) as connection:
        bodies = connection.execute("SELECT id, body FROM articles").fetchall()
        connection.execute("DROP INDEX members_resends")
        connection.execute("ALTER TABLE members DROP COLUMN resend")
        connection.execute("UPDATE articles SET title = 'UPDATE 1-' || title WHERE id = 1")
        connection.execute("DROP VIEW learned_chrome")
        connection.execute("DROP TABLE article_words")
        connection.execute("ALTER TABLE source_lines DROP COLUMN text")
        connection.execute("ALTER TABLE articles DROP COLUMN body")
        connection.execute("ALTER TABLE articles ADD COLUMN body BYTEA")
        packer = zstandard.ZstdCompressor()
        for article_id, body in bodies:
            connection.execute(
                "UPDATE articles SET body = %s WHERE id = %s", (packer.compress(body.encode()), article_id)
            )
        connection.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    done = _run("search", "geneve", "--db", postgres_url, "--format", "json")  # migrated on opening
    assert done.returncode == 0, done.stderr
    assert [row["key"] for row in json.loads(done.stdout)] == found[sqlite_db][3]
    assert sorted(_rows(postgres_url, "SELECT id, body FROM articles")) == sorted(bodies)
    # Schema 11: each member's re-send mark, from its headline.
    marks = _rows(postgres_url, "SELECT a.title, m.resend FROM members m JOIN articles a ON a.id = m.article")
    assert sorted(mark for _, mark in marks) == [0] * (len(marks) - 1) + [1]
    assert all(mark == int(is_resend(title)) for title, mark in marks)
