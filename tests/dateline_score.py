"""The dateline parser against ``fixtures/datelines.tsv``: real datelines from the
corpus, each labelled by hand with its place, date and credit.

Used by ``tests/test_dateline.py`` (which pins a floor) and by
``scripts/dateline_report.py`` (which prints the score and every miss).

Columns: ``text`` (the opening of the paragraph, or the dateline field as the
format carries it), ``kind`` (``body`` or ``field``), ``place``, ``date``
(``YYYY-MM-DD`` when the dateline gives the year, ``--MM-DD`` when it gives only the
month and day, empty when it gives neither), ``agency``, ``source`` (where in the
corpus the dateline was found) and ``language`` (the article's, where the form is
one press's own, as ``Berlin.`` is German papers'; else empty).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from normalizer.dateline import DatelineRules, read_given_dateline, split_dateline
from normalizer.model import Dateline
from normalizer.text import normalise_paragraph

DATELINES = Path(__file__).resolve().parent.parent / "fixtures" / "datelines.tsv"


# The label of a real opening that is not a dateline (the guard that leaves sentences alone).
NO_DATELINE = ("", "", "")


@dataclass(frozen=True)
class Case:
    """One labelled dateline."""

    text: str
    kind: str
    expected: tuple[str, str, str]
    source: str
    language: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What the parser made of one case."""

    case: Case
    found: tuple[str, str, str] | None

    @property
    def exact(self) -> bool:
        return self.found == self.case.expected


def load_cases(path: Path = DATELINES) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Case(
                row["text"],
                row["kind"],
                (row["place"], row["date"], row["agency"]),
                row["source"],
                row.get("language") or None,
            )
            for row in rows
        ]


def _as_labelled(dateline: Dateline, agency: str | None) -> tuple[str, str, str]:
    if dateline.date:
        when = dateline.date
    elif dateline.month and dateline.day:
        when = f"--{dateline.month:02d}-{dateline.day:02d}"
    else:
        when = ""
    return dateline.place, when, agency or ""


def parse_case(case: Case, rules: DatelineRules) -> Outcome:
    """Parse one case the way the cleaner does: a field as given, a body paragraph folded."""
    if case.kind == "field":
        return Outcome(case, _as_labelled(*read_given_dateline(case.text, rules)))
    match = split_dateline(normalise_paragraph(case.text), rules, language=case.language)
    return Outcome(case, _as_labelled(match.dateline, match.agency) if match else NO_DATELINE)
