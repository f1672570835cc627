#!/usr/bin/env python3
"""Workers into one PostgreSQL store, against one process into SQLite.

    .venv/bin/python -m bench.fleet [--items 4000]

Starts a throw-away PostgreSQL server on loopback (as the tests do, with
pg_stat_statements loaded to count statements), makes the benchmark corpus, and
ingests it: once into a new SQLite store by one process, then into a new
PostgreSQL database by 1, 2 and 4 worker processes, each taking a disjoint share
of the feed files. Prints articles per second (wall time from the first worker's
start to the last one's end), CPU seconds of the workers, and the statements the
server ran per article (each one round trip; psycopg sends an executemany as one
pipeline).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from bench.corpus import make_corpus_apart
from tests.limits import ROOT, child_environment, newsnorm_command
from tests.pg_server import find_binaries, running_server


def _start(share: list[Path], db: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        newsnorm_command("ingest", *map(str, share), "--db", db),
        cwd=ROOT, env=child_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def _ingest(shares: list[list[Path]], db: str) -> tuple[float, float]:
    """Wall seconds and the workers' CPU seconds for ingesting the shares at once."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    workers = [_start(share, db) for share in shares]
    for worker in workers:
        _, stderr = worker.communicate(timeout=7200)
        if worker.returncode != 0:
            raise SystemExit(f"a worker failed: {stderr.decode()[-2000:]}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=4000)
    args = parser.parse_args()
    binaries = find_binaries()
    if binaries is None:
        raise SystemExit("no PostgreSQL server binaries: apt-get install postgresql")

    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(binaries, "-c shared_preload_libraries=pg_stat_statements -c fsync=on") as server,
    ):
        work = Path(tmp)
        files = make_corpus_apart(work / "feeds", args.items)
        rows = [("SQLite, 1 process", *_ingest([files], str(work / "one.db")), None)]
        for count in (1, 2, 4):
            url = server.new_database()
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                admin.execute("SELECT pg_stat_statements_reset()")
            wall, cpu = _ingest([files[i::count] for i in range(count)], url)
            with psycopg.connect(url) as admin:
                database = url.rsplit("/", 1)[1]
                (calls,) = admin.execute(
                    "SELECT sum(calls) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
                    "WHERE d.datname = %s",
                    (database,),
                ).fetchone() or (0,)
            rows.append((f"PostgreSQL, {count} worker{'s' if count > 1 else ''}", wall, cpu, float(calls)))
    print("| store, writers | articles/s | wall s | workers' CPU s | statements per article |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, wall, cpu, calls in rows:
        per_article = f"{calls / args.items:.1f}" if calls is not None else "-"
        print(f"| {name} | {args.items / wall:,.0f} | {wall:.1f} | {cpu:.1f} | {per_article} |")
    print(f"\n{args.items:,} items in {len(files)} feed files; server fsync on, on this machine's disk")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
