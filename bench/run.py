#!/usr/bin/env python3
"""The end-to-end benchmark: ``newsnorm run`` against the hand-written baseline.

    .venv/bin/python -m bench.run [--corpus real|synthetic] [--items N] [--rounds 5] [--workers 2]

Generates the corpus, then runs, each in its own process on one core, in
interleaved rounds (ours, the baseline, ours, ...; a new store each time):
``newsnorm run`` into a new SQLite store, and ``bench/baseline.py``. Prints the
median wall and CPU time of each, articles per second, peak RSS, the store's size
per 10,000 articles and the ratio; and (``--workers``, 2 by default) ``newsnorm run``
on every core with that many worker processes, by wall time.

Corpora: ``real`` (``bench/real_corpus.py``: real sentences of many languages,
several paragraphs of HTML an item, outlets' chrome, 30% republished; 4,000 items
by default) or ``synthetic`` (``bench/corpus.py``: ASCII wire-length text of a
made-up vocabulary, one paragraph an item, no chrome; 20,000 items by default).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench.corpus import ITEMS, make_corpus_apart
from bench.real_corpus import describe, make_real_corpus
from tests.limits import Outcome, child_environment, newsnorm_command, run_limited

ONE_CORE = ["taskset", "-c", "0"]


def _run(args: list[str], cores: list[str] = ONE_CORE, workers: int = 1) -> Outcome:
    env = child_environment({"NEWSNORM_WORKERS": str(workers)})
    outcome = run_limited(cores + args, memory_bytes=None, timeout=3600, env=env)
    if outcome.exit_code != 0:
        raise SystemExit(f"{args[0]} failed: {outcome.stderr[-2000:]}")
    return outcome


def _ours(work: Path, workers: int = 1) -> tuple[Outcome, int]:
    """newsnorm run: on one core, or (``workers`` > 1) on every core with that many
    worker processes."""
    for old in work.glob("s.db*"):
        old.unlink()
    outcome = _run(
        newsnorm_command(
            # Every entry, as the baseline writes every entry (run's default is the newest 1,000).
            "run", str(work / "feeds"), "-o", str(work / "out.atom"), "--db", str(work / "s.db"),
            "--limit", "0",
        ),
        cores=ONE_CORE if workers == 1 else [],
        workers=workers,
    )  # fmt: skip
    return outcome, sum(os.path.getsize(p) for p in work.glob("s.db*"))


def _baseline(work: Path) -> Outcome:
    script = str(Path(__file__).parent / "baseline.py")
    return _run([sys.executable, script, str(work / "feeds"), str(work / "b.atom")])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", choices=("real", "synthetic"), default="real")
    parser.add_argument("--items", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="also run newsnorm on every core with this many workers (1: not)",
    )
    args = parser.parse_args()
    items = args.items or (4000 if args.corpus == "real" else ITEMS)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.corpus == "real":
            make_real_corpus(work / "feeds", items)
            print(f"corpus: {describe(work / 'feeds')}")
        else:
            make_corpus_apart(work / "feeds", items)
            print(f"corpus: {items} synthetic items")
        ours: list[Outcome] = []
        pooled: list[Outcome] = []
        base: list[Outcome] = []
        store_bytes = 0
        for _ in range(args.rounds):
            outcome, store_bytes = _ours(work)
            ours.append(outcome)
            if args.workers > 1:
                pooled.append(_ours(work, args.workers)[0])
            base.append(_baseline(work))
    rows = [
        ("newsnorm run (clean, dedup, SQLite store, Atom)", ours),
        ("baseline (feedparser, update() per shingle, MinHashLSH, Atom)", base),
    ]
    print(f"\n{items:,} items, medians of {args.rounds} interleaved rounds, one core each\n")
    print("| pipeline | articles/s (CPU) | CPU s | wall s | peak RSS (MB) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    cpu: dict[str, float] = {}
    for name, outcomes in rows:
        cpu[name] = statistics.median(o.cpu_seconds for o in outcomes)
        wall = statistics.median(o.seconds for o in outcomes)
        peak = statistics.median(o.peak_mb for o in outcomes)
        print(f"| {name} | {items / cpu[name]:,.0f} | {cpu[name]:.1f} | {wall:.1f} | {peak:.0f} |")
    ours_cpu, base_cpu = cpu[rows[0][0]], cpu[rows[1][0]]
    print(f"\nnewsnorm is {base_cpu / ours_cpu:.2f}x the baseline (by CPU time)")
    if pooled:
        wall = statistics.median(o.seconds for o in pooled)
        base_wall = statistics.median(o.seconds for o in base)
        print(
            f"with {args.workers} workers on every core: {wall:.1f} s wall, {items / wall:,.0f} articles/s, "
            f"{base_wall / wall:.2f}x the baseline's wall time on one core"
        )
    print(f"store: {store_bytes / 1e6 * 10_000 / items:.1f} MB on disk per 10,000 articles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
