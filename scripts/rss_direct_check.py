#!/usr/bin/env python3
"""Hold the direct reading of RSS items equal to feedparser's, over real feeds.

Run by hand from the project root:

    .venv/bin/python -m scripts.rss_direct_check ../shared/corpus fixtures

Every file that sniffs as a feed is read twice: with ``feeds.readers.rss`` reading
the items it can (the default) and with feedparser reading every item. Each
entry is then cleaned, and the two results compared field by field (the raw body
is left out: feedparser's copy went through its HTML sanitiser, the direct one
did not; the cleaned paragraphs are compared instead). Prints how many items the
direct reading took, and every difference.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from pathlib import Path

from feeds.readers.feed import items_read_directly, read_feed
from feeds.readers.sniff import sniff
from normalizer.clean import Cleaner
from normalizer.errors import NewsnormError


def _comparable(cleaner: Cleaner, entry: object) -> tuple[object, object]:
    raw = dataclasses.replace(entry, content="")  # type: ignore[type-var]
    try:
        return raw, cleaner.clean(entry)  # type: ignore[arg-type]
    except NewsnormError as error:
        return raw, str(error)


def check(roots: list[Path], verbose: bool) -> int:
    cleaner = Cleaner.default()
    counts: Counter[str] = Counter()
    differences = 0
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("README")):
            data = path.read_bytes()
            if not data.strip() or sniff(data) not in ("rss", "atom", "rdf"):
                continue
            counts["feeds"] += 1
            try:
                reference = list(read_feed(data, str(path), direct=False))
            except NewsnormError:
                counts["unreadable feeds"] += 1
                continue
            direct = list(read_feed(data, str(path)))
            taken = items_read_directly(data, str(path))
            counts["items"] += len(reference)
            counts["items read directly"] += taken
            if taken:
                counts["feeds read directly"] += 1
            if len(direct) != len(reference):
                differences += 1
                print(f"{path}: {len(direct)} entries against {len(reference)}")
                continue
            for ours, theirs in zip(direct, reference, strict=True):
                left, right = _comparable(cleaner, ours), _comparable(cleaner, theirs)
                if left != right:
                    differences += 1
                    print(f"{path}: entry {theirs.input_id!r} differs")
                    if verbose:
                        print(f"  direct:     {left}\n  feedparser: {right}")
    for name, value in counts.items():
        print(f"{name}: {value}")
    print(f"differences: {differences}")
    return 1 if differences else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("roots", nargs="+", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    return check(args.roots, args.verbose)


if __name__ == "__main__":
    raise SystemExit(main())
