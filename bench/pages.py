#!/usr/bin/env python3
"""Pages per second: HTML article pages through the whole clean path, in-process.

    .venv/bin/python -m bench.pages [FOLDER] [--rounds 5]

FOLDER holds ``<page>/source.html`` (default: ``fixtures/pages``; by hand, the 40
pages of ``../shared/corpus/readability/test-pages``). Each round reads every page
as ``newsnorm clean`` does: decode, parse, metadata, body extraction, cleaning.
Run under ``taskset -c 0`` for the one-core figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from feeds.readers.page import read_html_page
from normalizer.clean import Cleaner

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "fixtures" / "pages")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pages = [
        (p.name, (p / "source.html").read_bytes())
        for p in sorted(args.folder.iterdir())
        if (p / "source.html").exists()
    ]
    cleaner = Cleaner.default()
    rates = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for name, data in pages:
            for raw in read_html_page(data, name):
                cleaner.clean(raw)
        rates.append(len(pages) / (time.perf_counter() - start))
    megabytes = sum(len(d) for _, d in pages) / 1e6
    print(
        f"pages={len(pages)} ({megabytes:.1f} MB) rounds={args.rounds} "
        f"pages/s median={statistics.median(rates):.1f} min={min(rates):.1f} max={max(rates):.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
