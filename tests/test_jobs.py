"""The jobs: one input's failure, whatever it is, is that input's one-line rejection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import DEMO, Cli

_ARTICLE = "A story with enough words to be an article body for the test here."


def _feed(path: Path, item: str) -> str:
    path.write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": [' + item + "]}", "utf-8"
    )
    return str(path)


@pytest.mark.parametrize(
    ("name", "item", "problem"),
    [
        ("authors.json", json.dumps({"id": "1", "title": "T", "content_text": _ARTICLE, "authors": True}),
         "TypeError"),
        ("number.json", '{"id": ' + "9" * 5000 + ', "title": "T", "content_text": "' + _ARTICLE + '"}',
         "ValueError"),
    ],
)  # fmt: skip
def test_an_unexpected_failure_rejects_its_input_and_the_run_goes_on(
    cli: Cli, tmp_path: Path, name: str, item: str, problem: str
) -> None:
    bad = _feed(tmp_path / name, item)
    out = tmp_path / "out.atom"
    result = cli("run", bad, str(DEMO / "heise.atom"), "-o", str(out), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.stderr.splitlines() if name in line]
    assert line.startswith(f"  {bad}: could not be read: {problem}")
    assert "15 new" in result.stderr  # the other input was stored
    assert cli("validate", str(out)).exit_code == 0


def test_a_shard_passes_over_the_other_workers_urls_on_the_record(tmp_path: Path) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from feeds.jobs import ingest_inputs
    from normalizer.settings import Settings
    from normalizer.store import open_store
    from normalizer.values import in_shard

    # Nothing listens on port 9: a URL this worker does poll is rejected, which shows it was tried.
    urls = [f"http://127.0.0.1:9/{number}.rss" for number in range(12)]
    mine = {url for url in urls if in_shard(url, (1, 2))}
    assert 0 < len(mine) < len(urls)
    settings = replace(Settings(), db=str(tmp_path / "s.db"), shard="1/2", fetch_timeout=5.0)
    with open_store(settings) as store:
        summary = ingest_inputs(urls, store, settings, datetime(2026, 1, 1, tzinfo=UTC))
    assert {r.source for r in summary.rejected} == mine
    assert {p.source for p in summary.passed_over} == set(urls) - mine
    assert {p.reason for p in summary.passed_over} == {"another worker's share (--shard 1/2)"}
