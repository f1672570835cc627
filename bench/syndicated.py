#!/usr/bin/env python3
"""One wire story syndicated many times: what a join costs as its cluster grows.

    .venv/bin/python -m bench.syndicated [--copies 2000] [--updates 1]

Makes COPIES edited or trimmed copies of one story (RSS, 100 items a feed), ingests
them into a new SQLite store, and prints the time, the change-log rows written (one
a copy, plus the canonical entry and any member whose standing moved) and the
clusters formed (one). With ``--updates K``, the story's first K copies after the
first take are its agency's re-sends ("UPDATE 1-", ...), so that the cluster holds
superseded versions and every later copy joins a story with versions.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
from dataclasses import replace
from pathlib import Path

from tests.limits import child_environment, newsnorm_command, run_limited
from tests.story_corpus import _variant, make_items, write_feeds


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--copies", type=int, default=2000)
    parser.add_argument("--updates", type=int, default=0, help="re-sends among the first copies")
    args = parser.parse_args()
    rng = random.Random(3)
    story = make_items(1, seed=4)[0]
    copies = [
        replace(story, guid=f"urn:copy:{n}", body=_variant(story.body, rng)) for n in range(args.copies)
    ]
    for n in range(1, min(args.updates + 1, len(copies))):
        copies[n] = replace(copies[n], title=f"UPDATE {n}-{story.title}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        feeds = write_feeds(work / "feeds", copies, per_feed=100)
        db = work / "s.db"
        outcome = run_limited(
            newsnorm_command("ingest", *map(str, feeds), "--db", str(db)),
            memory_bytes=None, timeout=7200, env=child_environment(),
        )  # fmt: skip
        if outcome.exit_code != 0:
            raise SystemExit(outcome.stderr[-2000:])
        with sqlite3.connect(db) as connection:
            (changes,) = connection.execute("SELECT COUNT(*) FROM changes").fetchone()
            (clusters,) = connection.execute("SELECT COUNT(DISTINCT cluster) FROM members").fetchone()
    print(f"{args.copies:,} copies of one story: {outcome.seconds:.1f} s, {changes:,} change rows, "
          f"{clusters} cluster(s), {args.updates} update(s), peak {outcome.peak_mb:.0f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
