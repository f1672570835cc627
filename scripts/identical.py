#!/usr/bin/env python3
"""Show that a change that promises the same output gives it: byte for byte.

    .venv/bin/python -m scripts.identical [--base REV] [--items N] [--workers N]
                                          [--new-column TABLE.COLUMN ...]

Runs ``newsnorm run`` twice, once with the code of ``--base`` (a commit, default
``HEAD``: the last commit against the working tree) and once with the working tree,
over the same inputs in the same order: the benchmark's real corpus (``--items``
items), then each fixture folder that holds inputs. The base runs in one process;
``--workers N`` runs the working tree with N worker processes (``--base HEAD`` with
``--workers 2`` shows that the pool changes nothing). The clock is fixed
(``SOURCE_DATE_EPOCH``), so the Atom documents and the stores (their whole SQL dump,
but for each entry's raw digest, which names the cleaning code's version) must be
identical; the first difference is printed. Exit 1 when anything differs.

A change that adds a column and promises all else the same names it with
``--new-column``: the working tree's store is compared without that column (nor the
indexes on it) and both without their schema version.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.real_corpus import make_real_corpus

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_INPUTS = ("demo", "real", "chrome", "agency", "dedup/docs", "hostile", "feedparser-sanitize", "pages")
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z


def _checkout(rev: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _run(
    code: Path, inputs: list[Path], work: Path, workers: int, new_columns: list[str]
) -> tuple[bytes, list[str]]:
    db, out = work / "s.db", work / "out.atom"
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "SOURCE_DATE_EPOCH": EPOCH,
        "NEWSNORM_WORKERS": str(workers),
    }
    for folder in inputs:
        command = [sys.executable, "-m", "cli", "run", str(folder), "--db", str(db), "-o", str(out)]
        done = subprocess.run(
            [*command, "--limit", "0"], check=False, cwd=code, env=env, capture_output=True, text=True
        )
        # 3: some inputs were left out (the hostile and odd ones are meant to be).
        if done.returncode not in (0, 3):
            raise SystemExit(f"{code}: run {folder} failed ({done.returncode}): {done.stderr[-2000:]}")
    with sqlite3.connect(db) as connection:
        # An entry's raw digest carries the cleaning's version, a digest of the cleaning
        # code itself: any change to that code changes it, on purpose (what it stored
        # is cleaned again). It is the one thing left out of the comparison.
        connection.execute("UPDATE articles SET raw_digest = NULL")
        if new_columns:
            connection.execute("DELETE FROM meta WHERE key = 'schema_version'")
        for name in new_columns:
            table, column = name.split(".")
            indexes = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql LIKE ?",
                (table, f"%{column}%"),
            ).fetchall()
            for (index,) in indexes:
                connection.execute(f'DROP INDEX "{index}"')
            if column in {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}:
                connection.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        dump = list(connection.iterdump())
    return out.read_bytes(), dump


def _first_difference(name: str, before: list[str], after: list[str]) -> str:
    lines = list(difflib.unified_diff(before, after, "base", "working tree", n=0, lineterm=""))
    return f"{name} differs:\n" + "\n".join(line[:300] for line in lines[:12])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="HEAD", help="the commit to compare with (default HEAD)")
    parser.add_argument("--items", type=int, default=2000, help="items of the real corpus (default 2000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes of the working tree's run")
    parser.add_argument(
        "--new-column", action="append", default=[], metavar="TABLE.COLUMN",
        help="a column the working tree adds, left out of the comparison",
    )  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        temp_path = Path(temp)
        corpus = temp_path / "corpus"
        make_real_corpus(corpus, args.items)
        # The corpus again at the end: a re-poll, every entry unchanged.
        inputs = [corpus, *(ROOT / "fixtures" / name for name in FIXTURE_INPUTS), corpus]
        (temp_path / "base").mkdir()
        base = _checkout(args.base, temp_path / "base")
        results = []
        for code, workers in ((base, 1), (ROOT, args.workers)):
            # One path for both runs: the store remembers the document it wrote.
            work = temp_path / "work"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            results.append(_run(code, inputs, work, workers, args.new_column))
        (atom_before, dump_before), (atom_after, dump_after) = results
        problems = []
        if atom_before != atom_after:
            before, after = atom_before.decode().splitlines(), atom_after.decode().splitlines()
            problems.append(_first_difference("the Atom document", before, after))
        if dump_before != dump_after:
            problems.append(_first_difference("the store", dump_before, dump_after))
        names = ", ".join(path.name for path in inputs)
        if problems:
            print("\n".join(problems))
            return 1
        print(
            f"identical: {len(atom_after):,} bytes of Atom and {len(dump_after):,} lines of store dump "
            f"({args.base} against the working tree with {args.workers} worker(s); "
            f"inputs: {args.items:,} corpus items, {names})"
        )
        return 0


if __name__ == "__main__":
    sys.exit(main())
