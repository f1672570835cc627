"""Datelines and credits: ``PARIS, Oct 2, (Agencies):``, ``LONDON (Reuters) -``...

A dateline opens the first paragraph of a wire story: the place in capitals, often
the month and day, often the agency in brackets, then a separator. It is taken off
the body (it is not part of the story's text, and agencies re-credit it when they
republish) and kept as data.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources

from normalizer.model import Dateline

__all__ = ["DatelineMatch", "DatelineRules", "find_byline", "load_dateline_rules", "split_dateline"]

_PLACE_WORD = r"[A-ZÀ-Þ][A-ZÀ-Þ'’.\-]+"
_PLACE = rf"(?P<place>{_PLACE_WORD}(?:[ /]{_PLACE_WORD})*)"
_AGENCY = r"(?:,?\s?\((?P<agency>[^()\n]{2,40})\))"
_SEPARATOR = r"\s*(?P<sep>:|-{1,2}|[–—]|\.-|/)\s+"
_BYLINE = re.compile(r"^(?:by|von|par|por|di)\s+(?P<name>[^\W\d_][\w.'’\- ]{1,60})$", re.I)
_BYLINE_MAX_WORDS = 8


@dataclass(frozen=True)
class DatelineRules:
    """The compiled dateline pattern and its month table."""

    pattern: re.Pattern[str]
    months: dict[str, int]


@dataclass(frozen=True)
class DatelineMatch:
    """A dateline found at the start of a paragraph, and what the paragraph keeps."""

    dateline: Dateline
    agency: str | None
    rest: str


def load_dateline_rules(text: str | None = None) -> DatelineRules:
    """Compile the dateline pattern from the month table (``rules/datelines.toml``)."""
    if text is None:
        text = resources.files("normalizer").joinpath("rules/datelines.toml").read_text("utf-8")
    table = tomllib.loads(text)["months"]
    months = {name: int(number) for number, names in table.items() for name in names}
    alternatives = "|".join(re.escape(name) for name in sorted(months, key=len, reverse=True))
    month = rf"(?i:{alternatives})\.?"
    month_day = rf"(?P<month>{month})\s(?P<day>\d{{1,2}})(?:,?\s(?P<year>\d{{4}}))?"
    day_month = rf"(?P<day2>\d{{1,2}})\.?\s(?P<month2>{month})(?:\.?\s(?P<year2>\d{{4}}))?"
    qualifier = rf"(?:,\s(?!(?i:{alternatives})\b)[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)"
    pattern = re.compile(rf"^{_PLACE}{qualifier}?(?:,?\s(?:{month_day}|{day_month}))?{_AGENCY}?{_SEPARATOR}")
    return DatelineRules(pattern=pattern, months=months)


def _month_number(rules: DatelineRules, name: str | None) -> int | None:
    if name is None:
        return None
    return rules.months.get(name.rstrip(".").lower())


def _resolve_date(
    month: int | None, day: int | None, year: int | None, reference: datetime | None
) -> str | None:
    """An ISO date for the dateline, taking the year from the article's own date."""
    if month is None or day is None:
        return None
    if year is None:
        if reference is None:
            return None
        year = reference.year
        # A story dated "Dec 31" and published on Jan 1 belongs to the year before.
        if month - reference.month > 6:
            year -= 1
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def split_dateline(
    paragraph: str, rules: DatelineRules, reference: datetime | None = None
) -> DatelineMatch | None:
    """Find a dateline at the start of a paragraph.

    Args:
        paragraph: the first paragraph of the body.
        rules: the compiled dateline rules.
        reference: the article's publication time, used to supply the year.

    Returns:
        The dateline, the credit and the rest of the paragraph, or ``None``.
    """
    match = rules.pattern.match(paragraph)
    if match is None:
        return None
    groups = match.groupdict()
    month = _month_number(rules, groups["month"] or groups["month2"])
    day_text = groups["day"] or groups["day2"]
    year_text = groups["year"] or groups["year2"]
    agency = (groups["agency"] or "").strip() or None
    if month is None and agency is None and groups["sep"] == ":":
        # "WARNING: ..." or "UPDATE: ..." is a label, not a place.
        return None
    if month is None and agency is None and len(groups["place"]) < 3:
        return None
    day = int(day_text) if day_text else None
    year = int(year_text) if year_text else None
    dateline = Dateline(
        place=groups["place"].strip(),
        month=month,
        day=day,
        date=_resolve_date(month, day, year, reference),
        raw=match.group(0).strip(),
    )
    return DatelineMatch(dateline=dateline, agency=agency, rest=paragraph[match.end() :].strip())


def find_byline(paragraph: str) -> str | None:
    """The author's name if a paragraph is a byline such as ``By Jane Doe``."""
    if len(paragraph.split()) > _BYLINE_MAX_WORDS:
        return None
    match = _BYLINE.match(paragraph.strip())
    return match.group("name").strip() if match else None
