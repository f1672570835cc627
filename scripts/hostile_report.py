#!/usr/bin/env python3
"""Print the hostile-input table: outcome, time and peak memory per file.

Each file is run through ``newsnorm run`` in its own subprocess under RLIMIT_AS of
1 GiB and a hang guard, as the tests do. Run by hand from the project root:

    .venv/bin/python -m scripts.hostile_report            # fixtures/hostile + generated
    .venv/bin/python -m scripts.hostile_report --huge     # plus the 100,000-entry feed
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.hostile_inputs import GENERATED
from tests.limits import ROOT, newsnorm_command, run_limited


def _outcome_text(exit_code: int | None, stderr: str, path: Path, crashed: bool) -> str:
    if crashed:
        return "CRASH"
    lines = [line.strip() for line in stderr.splitlines() if line.startswith("  ")]
    if exit_code == 0:
        skipped = [line for line in lines if line.startswith(str(path))]
        return f"parsed ({len(skipped)} entries skipped)" if skipped else "parsed"
    reason = next((line.split(": ", 1)[1] for line in lines if line.startswith(str(path))), "?")
    return f"rejected: {reason[:70]}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--huge", action="store_true", help="include the 100,000-entry, 60 MB feed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = sorted(p for p in (ROOT / "fixtures" / "hostile").rglob("*") if p.is_file())
        for name, make in GENERATED.items():
            if args.huge or not name.startswith("huge"):
                files.append(make(work / name))
        print("| file | outcome | time (s) | peak RSS (MB) |")
        print("| --- | --- | ---: | ---: |")
        worst_time = worst_memory = 0.0
        crashes = 0
        for index, path in enumerate(files):
            out = work / f"{index}.atom"
            result = run_limited(
                newsnorm_command("run", str(path), "-o", str(out), "--db", str(work / f"{index}.db"))
            )
            crashes += result.crashed
            shown = (
                path.relative_to(ROOT / "fixtures")
                if path.is_relative_to(ROOT)
                else f"(generated) {path.name}"
            )
            text = _outcome_text(result.exit_code, result.stderr, path, result.crashed)
            print(f"| `{shown}` | {text} | {result.seconds:.2f} | {result.peak_mb:.0f} |")
            worst_time, worst_memory = max(worst_time, result.seconds), max(worst_memory, result.peak_mb)
        summary = f"{len(files)} files, {crashes} crashes"
        print(f"\n{summary}; slowest {worst_time:.2f} s, largest {worst_memory:.0f} MB")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
