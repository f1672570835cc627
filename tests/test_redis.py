"""A duplicate memory shared through a real Redis server (started here, on loopback)."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from feeds.index.redis import RedisIndex
from normalizer.errors import StoreError
from normalizer.model import FingerprintParams

from .limits import ROOT, child_environment, newsnorm_command
from .story_corpus import make_items, write_feeds

WORKERS = 4


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def _partition(dbs: list[Path]) -> set[frozenset[str]]:
    clusters: dict[str, set[str]] = {}
    for db in dbs:
        with sqlite3.connect(db) as connection:
            rows = connection.execute(
                "SELECT m.cluster, a.key FROM members m JOIN articles a ON a.id = m.article"
            )
            for cluster, key in rows:
                clusters.setdefault(cluster, set()).add(key)
    return {frozenset(members) for members in clusters.values()}


def _ingest(inputs: list[Path], db: Path, index: str | None) -> subprocess.Popen[bytes]:
    extra = ["--index", index] if index else []
    return subprocess.Popen(
        newsnorm_command("ingest", *map(str, inputs), "--db", str(db), *extra),
        cwd=ROOT,
        env=child_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_four_workers_share_one_memory(redis_url: str, tmp_path: Path) -> None:
    items = make_items(1200, seed=31)
    feeds = write_feeds(tmp_path / "feeds", items, per_feed=30)
    reference = tmp_path / "reference.db"
    assert _ingest(feeds, reference, None).wait(timeout=300) == 0

    shares = [feeds[worker::WORKERS] for worker in range(WORKERS)]  # disjoint
    dbs = [tmp_path / f"worker-{worker}.db" for worker in range(WORKERS)]
    workers = [_ingest(share, db, f"{redis_url}/1") for share, db in zip(shares, dbs, strict=True)]
    for worker in workers:
        assert worker.wait(timeout=300) == 0, worker.stderr.read() if worker.stderr else ""

    # Duplicates cross the shares: the reference has stories told in several shares.
    # Item i is in feed i // 30, and feed f in share f % WORKERS.
    stories: dict[int, set[int]] = {}
    for index, item in enumerate(items):
        stories.setdefault(item.story, set()).add((index // 30) % WORKERS)
    assert sum(len(s) > 1 for s in stories.values()) > 50

    assert _partition(dbs) == _partition([reference])


def test_parameters_are_checked(redis_url: str) -> None:
    RedisIndex(f"{redis_url}/2", FingerprintParams())
    with pytest.raises(StoreError, match=r"seed 1 \(index\) vs 5 \(run\)"):
        RedisIndex(f"{redis_url}/2", FingerprintParams(seed=5))


def test_unreachable_redis_is_a_one_line_error() -> None:
    with pytest.raises(StoreError, match="cannot use the Redis index"):
        RedisIndex(f"redis://127.0.0.1:{_free_port()}/0", FingerprintParams())
