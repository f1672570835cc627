"""Datelines and credits: ``PARIS, Oct 2, (Agencies):``, ``LONDON (Reuters) -``...

A dateline opens the first paragraph of a wire story: the place, often the month and
day, often the agency, then a separator. It is taken off the body (it is not part of
the story's text, and agencies re-credit it when they republish) and kept as data.

The forms read (``fixtures/datelines.tsv`` holds real examples of each):

- a place in capitals, with an optional state or country: ``BUFFALO, N.Y. (AP) —``,
  ``NEW YORK, LONDON and BEIJING, Feb. 2, 2017 /PRNewswire-AsiaNet/ --``;
- a place in title case, only with a credit: ``Frankfurt/Main (dpa) -``,
  ``Nueva Delhi, 21 ene (EFE).-`` (without the credit it reads like a sentence);
- the credit in brackets, between slashes (``/TASS/.``) or bare when it is a known
  agency (``SAITAMA, Japan, Dec. 9 Kyodo -``);
- the credit first: ``(ANSA) - ROME, JUL 11 -``;
- no place at all: ``Jan 30 (Reuters) -``;
- the AP teletype separator ``_`` and no separator after a credit that cannot be
  mistaken (``/PRNewswire/ IndiGrid``, ``Paris (ats afp) Les``).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources

from normalizer.model import Dateline

__all__ = [
    "DatelineMatch",
    "DatelineRules",
    "find_byline",
    "load_dateline_rules",
    "read_given_dateline",
    "split_dateline",
]

# Capitals and small letters of the cased scripts datelines are written in: Latin,
# Cyrillic ("МОСКВА, 14 мая. /ТАСС/.") and Greek.
_UPPER = "A-ZÀ-ÞА-ЯЁΑ-Ω"
_LOWER = "a-zß-ÿа-яёα-ω"
_CAPS_WORD = rf"[{_UPPER}][{_UPPER}'’.\-]+"
_TITLE_WORD = rf"[{_UPPER}][{_LOWER}'’.\-]+"
# Lower-case words inside a place name: "Frankfurt am Main", "Rio de Janeiro".
_PARTICLE = r"(?:de|da|do|del|di|la|le|am|an|der|im|on|upon|sur|en)"
_CAPS_PLACE = rf"(?P<caps>{_CAPS_WORD}(?:[ /]{_CAPS_WORD}){{0,4}})"
# A byline run into the dateline ("By Tester Harare, July 19 (...)") is not a place.
_NOT_A_BYLINE = r"(?!(?:By|Von|Par|Por|Di)\s)"
_TITLE_PLACE = rf"(?P<title>{_NOT_A_BYLINE}{_TITLE_WORD}(?:(?:[ /]|\s{_PARTICLE}\s){_TITLE_WORD}){{0,3}})"
_QUALIFIER_WORD = r"[A-ZÀ-Þ][A-Za-zÀ-ÿ.]+"
_SEPARATOR = r"(?:\s*(?P<sep>:|-{1,2}|[–—]|\.-|_))?\s+"
_LEAD_CREDIT = re.compile(r"^\((?P<agency>[^()\n]{2,30})\)\s*[-–—]\s+")
_BYLINE = re.compile(r"^(?:by|von|par|por|di)\s+(?P<name>[^\W\d_][\w.'’\- ]{1,60})$", re.I)
_BYLINE_MAX_WORDS = 8


@dataclass(frozen=True)
class DatelineRules:
    """The compiled dateline pattern, its month table and the agencies known by name."""

    pattern: re.Pattern[str]
    months: dict[str, int]
    agencies: frozenset[str]
    # Forms of scripts without capitals, or with a shape of their own.
    chinese: re.Pattern[str] | None = None
    japanese: re.Pattern[str] | None = None
    arabic: re.Pattern[str] | None = None
    agency_first: re.Pattern[str] | None = None
    # "Berlin. Die Feuerwehr...": a place alone opening the lead, in these languages.
    place_only: re.Pattern[str] | None = None
    place_only_languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DatelineMatch:
    """A dateline found at the start of a paragraph, and what the paragraph keeps."""

    dateline: Dateline
    agency: str | None
    rest: str


def _alternatives(names: list[str]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


def load_dateline_rules(text: str | None = None) -> DatelineRules:
    """Compile the dateline pattern from ``rules/datelines.toml``."""
    if text is None:
        text = resources.files("normalizer").joinpath("rules/datelines.toml").read_text("utf-8")
    table = tomllib.loads(text)
    months = {name: int(number) for number, names in table["months"].items() for name in names}
    agencies: list[str] = table["agencies"]["names"]
    month = rf"(?i:{_alternatives(list(months))})\.?"
    weekday = rf"(?i:{_alternatives(table['weekdays']['names'])})"
    year = r"\d{4}"
    month_day = rf"(?P<month>{month})\s+(?P<day>\d{{1,2}})(?:,?\s+(?P<year>{year}))?\.?"
    day_month = rf"(?P<day2>\d{{1,2}})\.?\s+(?P<month2>{month})(?:\s+(?P<year2>{year}))?"
    when = rf"(?:(?:,?\s+|\A)(?:{month_day}|{day_month}|{weekday}\b))"
    not_a_date = rf"(?!(?:{month}|{weekday})\b)"
    qualifier = rf"(?:,\s{not_a_date}{_QUALIFIER_WORD}(?:\s(?:and\s)?{_QUALIFIER_WORD}){{0,3}})"
    credit = (
        r"(?:,?\s?\((?P<agency>[^()\n]{2,40})\)(?P<stop>\.)?"
        r"|\s?/\s?(?P<slashed>[^/\n]{2,40}?)\s?/(?P<slash_stop>\.)?"
        rf"|\s(?P<bare>{_alternatives(agencies)})\b)"
    )
    place = rf"(?:{_CAPS_PLACE}|{_TITLE_PLACE})(?P<qualifier>{qualifier}{{0,2}})"
    after = _alternatives(table.get("agencies_after", {}).get("names", []))
    credit_after = rf"(?:(?P<after>{after})\.\s+)?" if after else ""
    pattern = re.compile(rf"^(?:{not_a_date}{place})?{when}?{credit}?{_SEPARATOR}{credit_after}")
    return DatelineRules(
        pattern=pattern,
        months=months,
        agencies=frozenset(name.lower() for name in agencies),
        chinese=_chinese(table.get("chinese", {}).get("agencies", [])),
        japanese=_japanese(table.get("japanese", {}).get("agencies", [])),
        arabic=_arabic(table.get("arabic", {}).get("agencies", [])),
        agency_first=re.compile(rf"^(?P<agency>{_alternatives(agencies)}),\s+{_CAPS_PLACE}$"),
        place_only=_place_only(table.get("place_only", {}).get("not_places", [])),
        place_only_languages=frozenset(table.get("place_only", {}).get("languages", [])),
    )


def _place_only(not_places: list[str]) -> re.Pattern[str]:
    """A place of one to three title-case words (``Frankfurt/Main``, ``Bad Homburg``), a
    full stop, and a sentence of at least three words starting with a capital."""
    refused = rf"(?!(?:{_alternatives(not_places)})\.)" if not_places else ""
    words = rf"{_TITLE_WORD.replace('.', '')}(?:[ /-]{_TITLE_WORD.replace('.', '')}){{0,2}}"
    return re.compile(rf"^{refused}(?P<place>{words})\.\s+(?=[{_UPPER}]\S*(?:\s+\S+){{2}})")


_DIGIT = "[0-9０-９]"


def _chinese(agencies: list[str]) -> re.Pattern[str] | None:
    """新华社北京4月24日电 (and 中新社, ...): agency, place, date, 电, a reporter in brackets."""
    if not agencies:
        return None
    return re.compile(
        rf"^(?P<agency>{_alternatives(agencies)})(?P<place>[\u4e00-\u9fff]{{2,8}}?)"
        rf"(?P<month>{_DIGIT}{{1,2}})月(?P<day>{_DIGIT}{{1,2}})日电(?:[（(][^）)]{{1,30}}[）)])?\s*"
    )


def _japanese(agencies: list[str]) -> re.Pattern[str] | None:
    """【東京共同】, 【ソウル＝小池和樹】: place and agency, or place and reporter."""
    known = _alternatives(agencies) if agencies else "(?!)"
    return re.compile(
        rf"^【(?:(?P<place>[^【】＝=]{{1,12}}?)(?P<agency>{known})|(?P<place2>[^【】＝=]{{1,12}})"
        rf"(?:[＝=](?P<reporter>[^【】]{{1,20}}))?)】\s*"
    )


def _arabic(agencies: list[str]) -> re.Pattern[str] | None:
    """دمشق (أ ف ب) -, دمشق، سوريا (CNN) --: a place, maybe its country, a credit, a dash."""
    if not agencies:
        return None
    word = r"[\u0621-\u064a\u0671-\u06d3]+"
    return re.compile(
        rf"^(?P<place>{word}(?:\s{word}){{0,2}})(?:\s?،\s?(?P<qualifier>{word}(?:\s{word})?))?"
        rf"\s?\((?P<agency>{_alternatives(agencies)})\)\s*(?:-{{1,2}}|[–—])\s+"
    )


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


def _plausible(groups: dict[str, str | None], rules: DatelineRules, month: int | None) -> bool:
    """Whether what the pattern matched is a dateline rather than the story's first words."""
    place = groups["caps"] or groups["title"]
    agency = groups["agency"] or groups["slashed"] or groups["bare"] or groups.get("after")
    if place is None:
        # "Jan 30 (Reuters) -": a date and a credit, the place left out.
        return month is not None and agency is not None and groups["sep"] is not None
    if groups["title"] and agency is None:
        # "The Senate voted -" reads like a sentence; a title-case place needs its credit,
        # or a date and a dash after it ("Toronto, Feb 26 -").
        day = groups["day"] or groups["day2"]
        return month is not None and day is not None and groups["sep"] in ("-", "--", "–", "—")
    if groups["sep"] is None:
        # No separator: only after a credit that cannot be the story's own words.
        bracketed = groups["agency"]
        known = bracketed is not None and bracketed.split()[0].lower() in rules.agencies
        return bool(groups["slashed"] or groups["stop"] or known)
    if month is None and agency is None:
        # "WARNING: ..." is a label; "US - China talks" is a headline; neither is a place
        # of more than three words ("ECUADOR UNABLE TO SERVICE DEBT - CENTRAL BANK").
        return groups["sep"] != ":" and len(place) >= 3 and len(place.split()) <= 3
    return True


def split_dateline(
    paragraph: str, rules: DatelineRules, reference: datetime | None = None, language: str | None = None
) -> DatelineMatch | None:
    """Find a dateline at the start of a paragraph.

    Args:
        paragraph: the first paragraph of the body, its spaces folded.
        rules: the compiled dateline rules.
        reference: the article's publication time, used to supply the year.
        language: the article's language (BCP 47), for the forms only one press uses.

    Returns:
        The dateline, the credit and the rest of the paragraph, or ``None``.
    """
    scripted = _scripted(paragraph, rules)
    if scripted is not None:
        return scripted
    found = _credited(paragraph, rules, reference)
    return found if found is not None else _place_alone(paragraph, rules, language)


def _credited(paragraph: str, rules: DatelineRules, reference: datetime | None) -> DatelineMatch | None:
    """The datelines of the cased scripts: a place, maybe a date, maybe a credit."""
    lead = _LEAD_CREDIT.match(paragraph)
    head = paragraph[lead.end() :] if lead else paragraph
    match = rules.pattern.match(head)
    if match is None or (lead is not None and not _dateline_after_credit(match)):
        if lead is not None and lead["agency"].split()[0].lower() in rules.agencies:
            # "(CNN) — The storm...": a known credit and no place.
            return DatelineMatch(
                Dateline(place="", month=None, day=None, date=None, raw=paragraph[: lead.end()].strip()),
                lead["agency"].strip(),
                head.strip(),
            )
        return None
    groups = match.groupdict()
    month = _month_number(rules, groups["month"] or groups["month2"])
    # After a credit ("(ANSA) - ROME, JUL 11 -") the dateline was checked above, never
    # "(Sports Network) - With the Phillies...".
    if lead is None and not _plausible(groups, rules, month):
        return None
    day_text = groups["day"] or groups["day2"]
    year_text = groups["year"] or groups["year2"]
    credit = (
        lead["agency"]
        if lead
        else groups["agency"] or groups["slashed"] or groups["bare"] or groups.get("after")
    )
    place = (groups["caps"] or groups["title"] or "") + (groups["qualifier"] or "")
    day = int(day_text) if day_text else None
    raw = paragraph[: (lead.end() if lead else 0) + match.end()].strip()
    dateline = Dateline(
        place=place.strip(),
        month=month,
        day=day,
        date=_resolve_date(month, day, int(year_text) if year_text else None, reference),
        raw=raw,
    )
    agency = (credit or "").strip() or None
    return DatelineMatch(dateline=dateline, agency=agency, rest=head[match.end() :].strip())


def _place_alone(paragraph: str, rules: DatelineRules, language: str | None) -> DatelineMatch | None:
    """ "Hamburg. Der Senat hat...": a place alone, in a language whose press writes it."""
    primary = (language or "").split("-")[0].lower()
    if rules.place_only is None or primary not in rules.place_only_languages:
        return None
    found = rules.place_only.match(paragraph)
    if found is None:
        return None
    return _simple(paragraph, found, found["place"], None)


def _dateline_after_credit(match: re.Match[str]) -> bool:
    """Whether "(ANSA) - " is followed by a dateline ("ROME, JUL 11 -") rather than the story."""
    groups = match.groupdict()
    return groups["sep"] is not None and bool(groups["caps"] or (groups["title"] and groups["month"]))


def _scripted(paragraph: str, rules: DatelineRules) -> DatelineMatch | None:
    """The datelines of scripts with forms of their own (Chinese, Japanese, Arabic), and a
    credit-first line of its own ("AFP, MANILA")."""
    first = paragraph[:1]
    if first == "【" and rules.japanese is not None and (found := rules.japanese.match(paragraph)):
        place, agency = found["place"] or found["place2"], found["agency"]
        return _simple(paragraph, found, place, agency)
    if (
        "\u4e00" <= first <= "\u9fff"
        and rules.chinese is not None
        and (found := rules.chinese.match(paragraph))
    ):
        month, day = int(_ascii_digits(found["month"])), int(_ascii_digits(found["day"]))
        return _simple(paragraph, found, found["place"], found["agency"], (month, day))
    if (
        "\u0600" <= first <= "\u06ff"
        and rules.arabic is not None
        and (found := rules.arabic.match(paragraph))
    ):
        place = found["place"] + (f"، {found['qualifier']}" if found["qualifier"] else "")
        return _simple(paragraph, found, place, found["agency"])
    if rules.agency_first is not None and (found := rules.agency_first.match(paragraph)):
        return DatelineMatch(Dateline(found["caps"], None, None, None, paragraph), found["agency"], "")
    return None


def _simple(
    paragraph: str,
    found: re.Match[str],
    place: str,
    agency: str | None,
    when: tuple[int | None, int | None] = (None, None),
) -> DatelineMatch:
    raw = paragraph[: found.end()].strip()
    dateline = Dateline(place.strip(), when[0], when[1], None, raw)
    return DatelineMatch(dateline, agency, paragraph[found.end() :].strip())


def _ascii_digits(text: str) -> str:
    """Full-width digits (４月２４日) as ASCII ones."""
    return text.translate({0xFF10 + i: str(i) for i in range(10)})


def read_given_dateline(
    given: str, rules: DatelineRules, reference: datetime | None = None
) -> tuple[Dateline, str | None]:
    """A dateline the format carries apart from the body (NITF ``<dateline>``).

    The format says it is a dateline, so a bare place ("Milton Keynes") is one too.
    """
    given = " ".join(given.split())
    match = split_dateline(f"{given.rstrip(' -–—:')} - x", rules, reference)
    if match is not None:
        return dataclasses.replace(match.dateline, raw=given), match.agency
    place = given.split(",")[0].strip(" -–—:")
    return Dateline(place=place, month=None, day=None, date=None, raw=given), None


def find_byline(paragraph: str) -> str | None:
    """The author's name if a paragraph is a byline such as ``By Jane Doe``."""
    if len(paragraph.split()) > _BYLINE_MAX_WORDS:
        return None
    match = _BYLINE.match(paragraph.strip())
    return match.group("name").strip() if match else None
