"""Worker processes read, clean and fingerprint the next inputs while one stores: the
store, the feed and what was left out are those of a run in one process."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import feeds.jobs

from .conftest import FIXTURES, Cli

# Several folders of real and hostile inputs in one run: copies across inputs, learned
# chrome, rejections in the middle.
INPUTS = [FIXTURES / name for name in ("demo", "real", "chrome", "hostile", "dedup/docs")]


def _run(cli: Cli, tmp_path: Path, workers: int) -> tuple[bytes, list[tuple[object, ...]], dict[str, object]]:
    out, db = tmp_path / f"{workers}.atom", tmp_path / f"{workers}.db"
    result = cli(
        "run", *map(str, INPUTS), "-o", str(out), "--db", str(db), "--limit", "0",
        "--workers", str(workers), "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 3, result.output  # the hostile inputs are rejected
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT a.key, a.title, a.body, m.cluster, m.linked_to, m.rule, m.canonical_jaccard "
            "FROM articles a JOIN members m ON m.article = a.id ORDER BY a.id"
        ).fetchall()
    return out.read_bytes(), rows, json.loads(result.stdout)


def test_a_run_with_workers_stores_what_one_process_stores(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hand every input over from the first one (a real run waits for a megabyte).
    monkeypatch.setattr(feeds.jobs, "POOL_AFTER_BYTES", 0)
    alone = _run(cli, tmp_path, 1)
    pooled = _run(cli, tmp_path, 3)
    assert pooled[0] == alone[0]  # the Atom document, byte for byte
    assert pooled[1] == alone[1] and len(alone[1]) > 100
    assert pooled[2]["rejected"] == alone[2]["rejected"] and alone[2]["rejected"]
    assert pooled[2]["entries"] == alone[2]["entries"]
    assert pooled[2]["skipped"] == alone[2]["skipped"]


def _feeds_teaching_chrome(folder: Path) -> Path:
    """Four feeds of one site, each story with the site's sign-off: the first feed's
    stories teach it while the others are prepared, before it was learned."""
    folder.mkdir()
    for feed in range(4):
        items = []
        for n in range(6):
            words = " ".join(f"w{feed}x{n}x{i} said" for i in range(40))
            items.append(
                f"<item><title>Story {feed}-{n}</title><link>https://site.example/{feed}/{n}</link>"
                f"<guid>https://site.example/{feed}/{n}</guid><description>&lt;p&gt;{words}.&lt;/p&gt;"
                "&lt;p&gt;Follow the Site on its app for the latest news&lt;/p&gt;</description></item>"
            )
        (folder / f"feed-{feed}.rss").write_text(
            f"<rss version='2.0'><channel><title>Site {feed}</title><link>https://site.example/</link>"
            f"{''.join(items)}</channel></rss>",
            "utf-8",
        )
    return folder


def test_lines_learned_while_a_worker_prepared_an_input_are_stripped_from_it(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds.jobs, "POOL_AFTER_BYTES", 0)
    folder = _feeds_teaching_chrome(tmp_path / "site")
    bodies = []
    for workers in (1, 3):
        db = tmp_path / f"{workers}.db"
        result = cli(
            "ingest", str(folder), "--db", str(db), "--workers", str(workers), "--learn-chrome-stories", "2"
        )
        assert result.exit_code == 0, result.output
        with sqlite3.connect(db) as connection:
            bodies.append(connection.execute("SELECT key, body FROM articles ORDER BY id").fetchall())
    assert bodies[1] == bodies[0]
    signed = [body for _, body in bodies[0] if "Follow the Site" in body]
    assert 0 < len(signed) < len(bodies[0])  # learned after the first stories, stripped after


def test_a_small_run_starts_no_worker(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = []
    monkeypatch.setattr(feeds.jobs.PreparePool, "submit", lambda _pool, *given: started.append(given))
    result = cli(
        "run", str(FIXTURES / "demo"), "-o", str(tmp_path / "o.atom"), "--db", str(tmp_path / "s.db")
    )
    assert result.exit_code == 0, result.output
    assert started == []


def test_a_run_where_no_worker_can_start_goes_on_in_one_process(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ProcessPoolExecutor

    def cannot(*_: object, **__: object) -> None:
        raise OSError("no semaphores here")

    monkeypatch.setattr(feeds.jobs, "POOL_AFTER_BYTES", 0)
    monkeypatch.setattr(ProcessPoolExecutor, "submit", cannot)
    folder = _feeds_teaching_chrome(tmp_path / "site")
    result = cli("ingest", str(folder), "--db", str(tmp_path / "s.db"), "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "24 entries: 24 new" in result.output, result.output
    assert "worker processes unavailable" in result.output
