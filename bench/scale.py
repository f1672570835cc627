#!/usr/bin/env python3
"""Does a run cost more when the store is large? (the LSH bands are an indexed table)

    .venv/bin/python -m bench.scale [--stored 200000] [--new 1000]

Builds a store of STORED articles once with this version (cached under bench/out/,
named by schema version), then ingests the same NEW articles into a fresh copy of
it and into an empty store, each in its own process on one core, ROUNDS times in
turn, and prints the median time and peak memory of both and their ratio. Each
copy is flushed to disk before its run (os.sync), so that the kernel writing back
a gigabyte of copy is not timed as part of the run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench.corpus import make_corpus_apart
from bench.run import _run
from normalizer.settings import Settings
from normalizer.store import SCHEMA_VERSION, open_store
from tests.limits import Outcome, newsnorm_command

OUT = Path(__file__).resolve().parent / "out"


def _store(stored: int) -> Path:
    """A store of ``stored`` articles, built once and kept for later runs."""
    db = OUT / f"store-{stored}-schema{SCHEMA_VERSION}.db"
    if not db.exists():
        OUT.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            feeds = make_corpus_apart(Path(tmp) / "feeds", stored, seed=1)
            outcome = _run(newsnorm_command("ingest", str(Path(tmp) / "feeds"), "--db", str(db)))
            print(f"built a store of {stored:,} articles from {len(feeds)} feeds in {outcome.seconds:.0f} s")
        # Start from a settled store: no band rows waiting to be folded.
        with open_store(Settings(), path=str(db)) as store:
            store.fold_recent_bands(limit=1)
    return db


def _median_run(outcomes: list[Outcome]) -> Outcome:
    """The run of median time (the upper middle one of an even count)."""
    return sorted(outcomes, key=lambda outcome: outcome.seconds)[len(outcomes) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stored", type=int, default=200_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    big = _store(args.stored)
    empties, fulls = [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_corpus_apart(work / "new", args.new, seed=99)
        for round_ in range(args.rounds):
            copy, empty_db = work / f"big-{round_}.db", work / f"empty-{round_}.db"
            shutil.copy(big, copy)
            os.sync()
            empties.append(_run(newsnorm_command("ingest", str(work / "new"), "--db", str(empty_db))))
            fulls.append(_run(newsnorm_command("ingest", str(work / "new"), "--db", str(copy))))
            if round_ < args.rounds - 1:
                copy.unlink()
        # The deferred cost: new band rows wait in a small table and are folded into
        # the large one in key order, once per RECENT_BANDS_LIMIT rows.
        with open_store(Settings(), path=str(copy)) as store:
            started = time.perf_counter()
            moved = store.fold_recent_bands(limit=1)
            fold_seconds = time.perf_counter() - started
    empty, full = _median_run(empties), _median_run(fulls)
    print("| store before the run | seconds | peak RSS (MB) |")
    print("| --- | ---: | ---: |")
    print(f"| empty | {empty.seconds:.2f} | {empty.peak_mb:.0f} |")
    print(f"| {args.stored:,} articles | {full.seconds:.2f} | {full.peak_mb:.0f} |")
    ratio = full.seconds / empty.seconds
    print(f"\n{args.new:,} new articles: {ratio:.2f}x the time against the large store (medians)")
    each = ", ".join(f"{f.seconds / e.seconds:.2f}x" for e, f in zip(empties, fulls, strict=True))
    print(f"round by round: {each}")
    per_article = fold_seconds / args.new * 1000
    print(f"folding their {moved:,} band rows into the large table: {fold_seconds:.2f} s")
    print(f"(the deferred cost: {per_article:.2f} ms per article)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
