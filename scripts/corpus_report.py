#!/usr/bin/env python3
"""Read every file of one or more corpus folders and count what became of it.

Run by hand from the project root:

    .venv/bin/python -m scripts.corpus_report ../shared/corpus/superdesk-* \\
        ../shared/corpus/iptc-newsml-g2 ../shared/corpus/dpa-*

For each folder and format (as sniffed from the bytes) it prints how many items
were parsed into an article with a title and a body, how many were rejected
(with the reasons counted), and how many crashed: raised anything but
newsnorm's own error. Nothing is stored. README files are skipped.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

from feeds.readers import read_entries
from feeds.readers.sniff import sniff
from normalizer.clean import Cleaner
from normalizer.errors import NewsnormError
from normalizer.model import Rejected, Skipped

_REASON_WIDTH = 70


def report(folders: list[Path], verbose: bool) -> int:
    cleaner = Cleaner.default()
    rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    reasons: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    crashes: list[str] = []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("README")):
            data = path.read_bytes()
            form = sniff(data) if data.strip() else "empty"
            key = (folder.name, form)
            try:
                for raw in read_entries(data, str(path)):
                    item = raw if isinstance(raw, Rejected | Skipped) else cleaner.clean(raw)
                    if isinstance(item, Rejected | Skipped):
                        rows[key]["rejected"] += 1
                        reasons[key][item.reason[:_REASON_WIDTH]] += 1
                    elif item.title and item.body:
                        rows[key]["parsed"] += 1
                    else:
                        rows[key]["no title"] += 1
                        reasons[key]["parsed, but without a title"] += 1
            except NewsnormError as error:
                rows[key]["rejected"] += 1
                reasons[key][str(getattr(error, "problem", error))[:_REASON_WIDTH]] += 1
                if verbose:
                    print(f"  rejected {path}: {error}", file=sys.stderr)
            except Exception as error:  # counting crashes is the point
                rows[key]["crashed"] += 1
                crashes.append(f"{path}: {type(error).__name__}: {error}")
    print("| folder | format | parsed | rejected | crashed | reasons for rejection |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for (folder, form), counts in sorted(rows.items()):
        why = "; ".join(f"{reason} ({n})" for reason, n in reasons[(folder, form)].most_common())
        print(
            f"| {folder} | {form} | {counts['parsed']} | {counts['rejected'] + counts['no title']} "
            f"| {counts['crashed']} | {why} |"
        )
    total = Counter()
    for counts in rows.values():
        total.update(counts)
    rejected = total["rejected"] + total["no title"]
    print(f"\ntotal: {total['parsed']} parsed, {rejected} rejected, {total['crashed']} crashed")
    for crash in crashes:
        print(f"CRASH {crash}")
    return 1 if crashes else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="name every rejected file on stderr")
    args = parser.parse_args()
    return report(args.folders, args.verbose)


if __name__ == "__main__":
    raise SystemExit(main())
