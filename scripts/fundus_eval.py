#!/usr/bin/env python3
"""Score pages against fundus's real pages: title, byline, date and body, per language.

Usage (by hand; the whole set is not shipped, a part of it is in fixtures/fundus):

    .venv/bin/python -m scripts.fundus_eval ../shared/corpus/fundus [-v] [--json OUT]

The scoring is ``tests/fundus_score.py``'s, the one ``tests/test_fundus.py`` pins.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from normalizer.clean import Cleaner
from tests.fundus_score import by_language, load_pages, score_page, summarise


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path, help="the fundus folder (one folder per country)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each page's misses")
    parser.add_argument("--json", type=Path, help="write the per-page results here")
    args = parser.parse_args()
    cleaner = Cleaner.default()
    rows = [score_page(page, cleaner) for page in load_pages(args.root)]
    _print(rows, args.verbose)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), "utf-8")
    return 0


def _print(rows: list[dict[str, object]], verbose: bool) -> None:
    print(f"{'language':<10}{'pages':>6}{'title':>8}{'byline':>8}{'date':>8}{'body F1':>9}{'P':>7}{'R':>7}")
    for language, group in sorted(by_language(rows).items(), key=lambda item: (-len(item[1]), item[0])):
        s = summarise(group)
        print(
            f"{language:<10}{s['pages']:>6}{s['title']:>8.2f}{s['byline']:>8.2f}{s['date']:>8.2f}"
            f"{s['f1']:>9.3f}{s['precision']:>7.3f}{s['recall']:>7.3f}"
        )
    s = summarise(rows)
    print(
        f"{'all':<10}{s['pages']:>6}{s['title']:>8.2f}{s['byline']:>8.2f}{s['date']:>8.2f}"
        f"{s['f1']:>9.3f}{s['precision']:>7.3f}{s['recall']:>7.3f}"
    )
    if verbose:
        for row in rows:
            if (
                not row["title"]
                or row["byline"] is False
                or row["date"] is False
                or float(row["recall"]) < 0.8
            ):  # type: ignore[arg-type]
                print(json.dumps(row, ensure_ascii=False), file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
