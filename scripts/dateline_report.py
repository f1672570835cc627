#!/usr/bin/env python3
"""Print the dateline parser's score on fixtures/datelines.tsv, by credit and by
language, and every miss.

.venv/bin/python -m scripts.dateline_report
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable

from normalizer.dateline import load_dateline_rules
from tests.dateline_score import NO_DATELINE, Outcome, load_cases, parse_case


def main() -> int:
    rules = load_dateline_rules()
    outcomes = [parse_case(case, rules) for case in load_cases()]
    _table(outcomes, "credit", _credit)
    print()
    _table(outcomes, "language", lambda o: o.case.language or "(unknown)")
    for outcome in outcomes:
        if not outcome.exact:
            print(f"miss: {outcome.case.text!r}: found {outcome.found}, expected {outcome.case.expected}")
    return 0


def _credit(outcome: Outcome) -> str:
    if outcome.case.expected == NO_DATELINE:
        return "(not a dateline)"
    return outcome.case.expected[2] or "(none)"


def _table(outcomes: list[Outcome], name: str, key: Callable[[Outcome], str]) -> None:
    total, exact = Counter[str](), Counter[str]()
    for outcome in outcomes:
        total[key(outcome)] += 1
        exact[key(outcome)] += outcome.exact
    print(f"{name:<22} {'exact':>5} {'of':>4}")
    for group in sorted(total, key=lambda group: (-total[group], group)):
        print(f"{group:<22} {exact[group]:>5} {total[group]:>4}")
    hits = sum(exact.values())
    print(f"{'all':<22} {hits:>5} {len(outcomes):>4}  ({hits / len(outcomes):.1%} exact)")


if __name__ == "__main__":
    sys.exit(main())
