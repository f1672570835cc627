#!/usr/bin/env python3
"""Print the dateline parser's score on fixtures/datelines.tsv, by agency, and every miss.

.venv/bin/python -m scripts.dateline_report
"""

from __future__ import annotations

import sys
from collections import Counter

from normalizer.dateline import load_dateline_rules
from tests.dateline_score import load_cases, parse_case


def main() -> int:
    rules = load_dateline_rules()
    outcomes = [parse_case(case, rules) for case in load_cases()]
    total, exact = Counter[str](), Counter[str]()
    for outcome in outcomes:
        agency = outcome.case.expected[2] or "(none)"
        total[agency] += 1
        exact[agency] += outcome.exact
    print(f"{'credit':<22} {'exact':>5} {'of':>4}")
    for agency in sorted(total, key=lambda name: (-total[name], name)):
        print(f"{agency:<22} {exact[agency]:>5} {total[agency]:>4}")
    hits = sum(exact.values())
    print(f"{'all':<22} {hits:>5} {len(outcomes):>4}  ({hits / len(outcomes):.1%} exact)")
    for outcome in outcomes:
        if not outcome.exact:
            print(f"miss: {outcome.case.text!r}: found {outcome.found}, expected {outcome.case.expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
