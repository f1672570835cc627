#!/usr/bin/env python3
"""The end-to-end benchmark: ``newsnorm run`` against the hand-written baseline.

    .venv/bin/python -m bench.run [--items 20000]

Generates the corpus (RSS feeds of 250-600-word items, about 30% re-publishing an
earlier story with edits), then runs, each in its own process on one core:
``newsnorm run`` into a new SQLite store, and ``bench/baseline.py``. Prints
articles per second, peak RSS, the store's size per 10,000 articles and the ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench.corpus import ITEMS, make_corpus_apart
from tests.limits import Outcome, child_environment, newsnorm_command, run_limited

ONE_CORE = ["taskset", "-c", "0"]


def _run(args: list[str]) -> Outcome:
    outcome = run_limited(ONE_CORE + args, memory_bytes=None, timeout=3600, env=child_environment())
    if outcome.exit_code != 0:
        raise SystemExit(f"{args[0]} failed: {outcome.stderr[-2000:]}")
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=ITEMS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_corpus_apart(work / "feeds", args.items)
        ours = _run(
            newsnorm_command(
                # Every entry, as the baseline writes every entry (run's default is the
                # newest 1,000).
                "run",
                str(work / "feeds"),
                "-o",
                str(work / "out.atom"),
                "--db",
                str(work / "s.db"),
                "--limit",
                "0",
            )
        )
        store_bytes = sum(os.path.getsize(p) for p in work.glob("s.db*"))
        baseline = _run(
            [
                sys.executable,
                str(Path(__file__).parent / "baseline.py"),
                str(work / "feeds"),
                str(work / "b.atom"),
            ]
        )
    ours_rate, base_rate = args.items / ours.seconds, args.items / baseline.seconds
    rows = [
        ("newsnorm run (clean, dedup, SQLite store, Atom)", ours_rate, ours),
        ("baseline (feedparser, update() per shingle, MinHashLSH, Atom)", base_rate, baseline),
    ]
    print("| pipeline | articles/s | seconds | peak RSS (MB) |")
    print("| --- | ---: | ---: | ---: |")
    for name, rate, outcome in rows:
        print(f"| {name} | {rate:,.0f} | {outcome.seconds:.1f} | {outcome.peak_mb:.0f} |")
    per_10k = store_bytes / 1e6 * 10_000 / args.items
    ratio = ours_rate / base_rate
    print(f"\n{args.items:,} items; newsnorm is {ratio:.1f}x the baseline")
    print(f"store: {per_10k:.1f} MB on disk per 10,000 articles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
