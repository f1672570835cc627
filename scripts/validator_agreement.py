#!/usr/bin/env python3
"""Print how often `newsnorm validate` agrees with the W3C Feed Validator's Atom cases.

    .venv/bin/python -m scripts.validator_agreement [--show 30]

Agreement: the case expects an error (a message of the validator's Error class) and
newsnorm finds a problem, or it expects none and newsnorm finds none.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from tests.validator_score import judge, load_cases


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--show", type=int, default=30, help="how many disagreements to list")
    args = parser.parse_args()
    verdicts = [judge(case) for case in load_cases()]
    agree = sum(v.agrees for v in verdicts)
    expected_errors = [v for v in verdicts if v.case.expects_error]
    missed = [v for v in expected_errors if not v.agrees]
    false_alarms = [v for v in verdicts if not v.case.expects_error and not v.agrees]
    partial = sum(v.case.partial for v in verdicts)
    print(f"cases: {len(verdicts)} ({len(expected_errors)} expect an error; {partial} partial documents)")
    print(f"agreement: {agree}/{len(verdicts)} = {agree / len(verdicts):.1%}")
    complete = [v for v in verdicts if not v.case.partial]
    complete_agree = sum(v.agrees for v in complete)
    print(
        f"on complete documents only: {complete_agree}/{len(complete)} = {complete_agree / len(complete):.1%}"
    )
    print(f"errors missed: {len(missed)}; false alarms: {len(false_alarms)}")
    by_message = Counter(v.case.message for v in missed)
    if by_message:
        print("missed, by expected message:", ", ".join(f"{m} {n}" for m, n in by_message.most_common()))
    for verdict in (missed + false_alarms)[: args.show]:
        what = "missed" if verdict.case.expects_error else "false alarm"
        detail = verdict.problems[0][:140] if verdict.problems else ""
        expected = ("!" if verdict.case.negated else "") + verdict.case.message
        print(f"{what}: {verdict.case.name} ({expected}) {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
