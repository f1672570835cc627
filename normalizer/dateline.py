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
import unicodedata
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


def _letters(case: str) -> str:
    """A character class body of the capitals (``"Lu"``) or small letters (``"Ll"``) of
    the cased scripts datelines are written in: Latin with its extensions (``İSTANBUL``,
    ``ŁÓDŹ``, ``HÀ NỘI``), Greek and Cyrillic (``МОСКВА, 14 мая. /ТАСС/.``)."""
    blocks = [(0x41, 0x24F), (0x370, 0x3FF), (0x400, 0x52F), (0x1E00, 0x1EFF)]
    points = [c for low, high in blocks for c in range(low, high + 1) if unicodedata.category(chr(c)) == case]
    ranges: list[tuple[int, int]] = []
    for point in points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return "".join(
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    )


_UPPER = _letters("Lu")
_LOWER = _letters("Ll")
_CAPS_WORD = rf"[{_UPPER}][{_UPPER}'’.\-]+"
# "Saint-Denis", "Aix-en-Provence": a title word may go on after a hyphen.
_TITLE_WORD = rf"[{_UPPER}][{_LOWER}'’.]+(?:-[{_UPPER}{_LOWER}][{_LOWER}'’.]*)*"
# Lower-case words inside a place name: "Frankfurt am Main", "Rio de Janeiro".
_PARTICLE = r"(?:de|da|do|del|di|la|le|am|an|der|im|on|upon|sur|en)"
_CAPS_PLACE = rf"(?P<caps>{_CAPS_WORD}(?:[ /]{_CAPS_WORD}){{0,4}})"
# A byline run into the dateline ("By Tester Harare, July 19 (...)") is not a place.
_NOT_A_BYLINE = r"(?!(?:By|Von|Par|Por|Di)\s)"
_TITLE_PLACE = rf"(?P<title>{_NOT_A_BYLINE}{_TITLE_WORD}(?:(?:[ /]|\s{_PARTICLE}\s){_TITLE_WORD}){{0,3}})"
_QUALIFIER_WORD = rf"[{_UPPER}][{_UPPER}{_LOWER}.]+"
# A dateline may be the whole paragraph ("MÁLAGA, 2 Nov. (EUROPA PRESS) -").
_SEPARATOR = r"(?:\s*(?P<sep>:|-{1,2}|[–—]|\.-|_))?(?:\s+|$)"
_LEAD_CREDIT = re.compile(r"^\((?P<agency>[^()\n]{2,30})\)\s*(?:-{1,2}|[–—])\s+")
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
    arabic_months: dict[str, int] = dataclasses.field(default_factory=dict)
    korean: re.Pattern[str] | None = None
    korean_titles: tuple[str, ...] = ()
    agency_first: re.Pattern[str] | None = None
    # A date alone, as a format's dateline field may hold one ("MARCH 04, 2013").
    date_alone: re.Pattern[str] | None = None
    # Capitals that open a paragraph as a place would, and are labels ("EDITOR'S NOTE").
    labels: frozenset[str] = frozenset()
    # "Berlin. Die Feuerwehr...": a place alone opening the lead, in these languages.
    place_only: re.Pattern[str] | None = None
    place_only_languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DatelineMatch:
    """A dateline found at the start of a paragraph, and what the paragraph keeps."""

    dateline: Dateline
    agency: str | None
    rest: str
    # The reporter a dateline names ("新华社北京8月12日电（记者罗沙）", "【ソウル＝小池和樹】").
    reporter: str | None = None


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
    # "3 de diciembre de 2024" (Spanish, Portuguese), "14 марта." (Interfax: "Москва. 14 марта.").
    day_month = (
        rf"(?P<day2>\d{{1,2}})\.?\s+(?:de\s+)?(?P<month2>{month})(?:,?\s+(?:de\s+)?(?P<year2>{year}))?"
    )
    when = rf"(?:(?:,?\s+|\.\s+|\A)(?:{month_day}|{day_month}|{weekday}\b))"
    not_a_date = rf"(?!(?:{month}|{weekday})\b)"
    qualifier = rf"(?:,\s{not_a_date}{_QUALIFIER_WORD}(?:(?:\s(?:and\s)?|/){_QUALIFIER_WORD}){{0,3}})"
    credit = (
        r"(?:,?\s?\((?P<agency>[^()\n]{2,40})\)(?P<stop>\.)?"
        r"|\s?/\s?(?P<slashed>[^/\n]{2,40}?)\s?/(?P<slash_stop>\.)?"
        rf"|\s(?P<bare>{_alternatives(agencies)})\b)"
    )
    # "(ANSA) - MONOPOLI (BARI), 6 LUG -": a province in brackets, never a credit.
    not_a_credit = rf"(?!(?i:{_alternatives(agencies)})\))"
    province = rf"(?P<province>\s\({not_a_credit}[{_UPPER}]{{2,}}(?:\s[{_UPPER}]{{2,}})?\)(?=,))?"
    place = rf"(?:{_CAPS_PLACE}|{_TITLE_PLACE}){province}(?P<qualifier>{qualifier}{{0,2}})"
    after = _alternatives(table.get("agencies_after", {}).get("names", []))
    credit_after = rf"(?:(?P<after>{after})\.\s+)?" if after else ""
    pattern = re.compile(rf"^(?:{not_a_date}{place})?{when}?{credit}?{_SEPARATOR}{credit_after}")
    arabic = table.get("arabic", {})
    arabic_months = {
        name: number for number, names in enumerate(arabic.get("months", []), 1) for name in names
    }
    korean = table.get("korean", {})
    return DatelineRules(
        pattern=pattern,
        months=months,
        agencies=frozenset(name.lower() for name in agencies),
        chinese=_chinese(table.get("chinese", {}).get("agencies", [])),
        japanese=_japanese(table.get("japanese", {}).get("agencies", [])),
        arabic=_arabic(arabic.get("agencies", []), list(arabic_months)),
        arabic_months=arabic_months,
        korean=_korean(korean.get("agencies", [])),
        korean_titles=tuple(korean.get("reporter_titles", [])),
        agency_first=re.compile(rf"^(?P<agency>{_alternatives(agencies)}),\s+{_CAPS_PLACE}$"),
        date_alone=re.compile(rf"^(?:{month_day}|{day_month})$"),
        labels=frozenset(label.casefold() for label in table.get("labels", {}).get("names", [])),
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
        rf"(?P<month>{_DIGIT}{{1,2}})月(?P<day>{_DIGIT}{{1,2}})日"
        # 电, 专电, 新媒体专电, 讯; or nothing before the reporter ("12月16日（韩洁、王优玲）").
        rf"(?:[\u4e00-\u9fff]{{0,4}}?[电讯])?"
        rf"(?:\s*[（(](?P<reporter>[^）)]{{1,30}})[）)])?\s*"
    )


def _japanese(agencies: list[str]) -> re.Pattern[str] | None:
    """【東京共同】, 【ロサンゼルス＝共同】, 【ソウル＝小池和樹】: place and agency (run
    together or apart), or place and reporter."""
    known = _alternatives(agencies) if agencies else "(?!)"
    return re.compile(
        rf"^【(?:(?P<place>[^【】＝=]{{1,12}}?)[＝=]?(?P<agency>{known})|(?P<place2>[^【】＝=]{{1,12}})"
        rf"(?:[＝=](?P<reporter>[^【】]{{1,20}}))?)】\s*"
    )


def _arabic(agencies: list[str], months: list[str]) -> re.Pattern[str] | None:
    """دمشق (أ ف ب) -, دمشق، سوريا (CNN) --, مانيلا، 3 ديسمبر (رويترز) -: a place, maybe its
    country, maybe a day and a month, a credit, a dash."""
    if not agencies:
        return None
    word = r"[\u0621-\u064a\u0671-\u06d3]+"
    month = rf"(?P<month>{_alternatives(months)})" if months else "(?!)"
    return re.compile(
        rf"^(?:(?P<place>{word}(?:\s{word}){{0,2}})(?:\s?،\s?(?P<qualifier>{word}(?:\s{word})?))?\s?،?\s?)?"
        rf"(?:(?P<day>[0-9٠-٩]{{1,2}})\s{month}\s?)?"
        rf"\((?P<agency>{_alternatives(agencies)})\)\s*(?:-{{1,2}}|[–—])\s+"
    )


def _korean(agencies: list[str]) -> re.Pattern[str] | None:
    """(서울=연합뉴스) 이도흔 기자 = : place and agency in brackets, then the reporters."""
    if not agencies:
        return None
    return re.compile(
        rf"^\((?P<place>[^()=\n]{{1,20}})=(?P<agency>{_alternatives(agencies)})\)\s*"
        rf"(?:(?P<reporter>[^=\n]{{1,40}}?)\s*=\s+)?"
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
        if place.casefold() in rules.labels:
            return False
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
    place = groups["caps"] or groups["title"] or ""
    if groups["title"] and month is not None and place.endswith(".") and not groups["qualifier"]:
        # "Москва. 14 марта. INTERFAX.RU -": the full stop closes the place.
        place = place.rstrip(".")
    place += (groups["province"] or "") + (groups["qualifier"] or "")
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
        place = found["place"] or found["place2"]
        return _simple(paragraph, found, place, found["agency"], reporter=found["reporter"])
    if (
        "\u4e00" <= first <= "\u9fff"
        and rules.chinese is not None
        and (found := rules.chinese.match(paragraph))
    ):
        month, day = int(_ascii_digits(found["month"])), int(_ascii_digits(found["day"]))
        reporter = _names(re.sub(r"^\s*记者\s*", "", found["reporter"] or ""), ())
        return _simple(paragraph, found, found["place"], found["agency"], (month, day), reporter=reporter)
    if (
        first == "("
        and "\uac00" <= paragraph[1:2] <= "\ud7a3"
        and rules.korean is not None
        and (found := rules.korean.match(paragraph))
    ):
        reporter = _names(found["reporter"] or "", rules.korean_titles)
        return _simple(paragraph, found, found["place"], found["agency"], reporter=reporter)
    if (
        re.match(r"[0-9٠-٩]{0,2}\s?[\u0600-\u06ff]", paragraph)
        and rules.arabic is not None
        and (found := rules.arabic.match(paragraph))
        and (found["place"] or found["month"])
    ):
        place = (found["place"] or "") + (f"، {found['qualifier']}" if found["qualifier"] else "")
        when: tuple[int | None, int | None] = (None, None)
        if found["month"]:
            when = (rules.arabic_months.get(found["month"]), int(_ascii_digits(found["day"])))
        return _simple(paragraph, found, place, found["agency"], when)
    if rules.agency_first is not None and (found := rules.agency_first.match(paragraph)):
        return DatelineMatch(Dateline(found["caps"], None, None, None, paragraph), found["agency"], "")
    return None


def _simple(
    paragraph: str,
    found: re.Match[str],
    place: str,
    agency: str | None,
    when: tuple[int | None, int | None] = (None, None),
    *,
    reporter: str | None = None,
) -> DatelineMatch:
    raw = paragraph[: found.end()].strip()
    dateline = Dateline(place.strip(), when[0], when[1], None, raw)
    return DatelineMatch(dateline, agency, paragraph[found.end() :].strip(), reporter or None)


def _names(text: str, titles: tuple[str, ...]) -> str | None:
    """Reporters' names as a byline: "황정우 특파원 백나리 기자" → "황정우, 백나리",
    "韩洁、王优玲" → "韩洁, 王优玲"."""
    if titles:
        text = re.sub(rf"\s*(?:{_alternatives(list(titles))})(?=\s|$)", ",", text)
    # Chinese, Japanese and Korean names hold no space: a space parts two reporters.
    names = [name for name in re.split(r"[,，、\s]+", text) if name.strip()]
    return ", ".join(name.strip() for name in names) or None


_DIGIT_VALUES = {
    **{0xFF10 + i: str(i) for i in range(10)},  # full-width: ４月２４日
    **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic: ٣ ديسمبر
}


def _ascii_digits(text: str) -> str:
    """Full-width and Arabic-Indic digits as ASCII ones."""
    return text.translate(_DIGIT_VALUES)


def read_given_dateline(
    given: str, rules: DatelineRules, reference: datetime | None = None
) -> tuple[Dateline, str | None]:
    """A dateline the format carries apart from the body (NITF ``<dateline>``).

    The format says it is a dateline, so a bare place ("Milton Keynes", "Newport News,
    VA") is one too, and so is a date alone ("MARCH 04, 2013", "2.4.2019 16:02:09 CEST"):
    some systems fill the field with the story's time.
    """
    given = " ".join(given.split())
    alone = _date_alone(given.rstrip(" -–—:"), rules, reference)
    if alone is not None:
        return alone, None
    match = split_dateline(f"{given.rstrip(' -–—:')} - x", rules, reference)
    if match is not None:
        return dataclasses.replace(match.dateline, raw=given), match.agency
    # Digits and no letters ("4/5/2018", a day and month either way round) make no place.
    place = given.strip(" -–—:") if re.search(r"[^\W\d_]", given) else ""
    return Dateline(place=place, month=None, day=None, date=None, raw=given), None


# Numeric dates of dateline fields: ISO (with a time), compact, day.month.year, and
# month/day/year or day/month/year where only one reading is a date.
_ISO_DATE = re.compile(r"^(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})(?:[T ]\S.*)?$")
_DOTTED_DATE = re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?: \S.*)?$")
_SLASHED_DATE = re.compile(r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?: \S.*)?$")


def _date_alone(given: str, rules: DatelineRules, reference: datetime | None) -> Dateline | None:
    """A dateline field that holds a date and maybe a time, and no place."""
    numbers: tuple[int, int, int] | None = None
    if found := _ISO_DATE.match(given) or _DOTTED_DATE.match(given):
        numbers = int(found["y"]), int(found["m"]), int(found["d"])
    elif found := _SLASHED_DATE.match(given):
        first, second = int(found["a"]), int(found["b"])
        if first == second or first > 12 or second > 12:
            month, day = (second, first) if first > 12 else (first, second)
            numbers = int(found["y"]), month, day
    elif rules.date_alone is not None and (found := rules.date_alone.match(given)):
        named = _month_number(rules, found["month"] or found["month2"])
        day_text, year_text = found["day"] or found["day2"], found["year"] or found["year2"]
        iso = _resolve_date(named, int(day_text), int(year_text) if year_text else None, reference)
        return Dateline(place="", month=named, day=int(day_text), date=iso, raw=given)
    if numbers is None:
        return None
    iso = _resolve_date(numbers[1], numbers[2], numbers[0], None)
    if iso is None:
        return None
    return Dateline(place="", month=numbers[1], day=numbers[2], date=iso, raw=given)


def find_byline(paragraph: str) -> str | None:
    """The author's name if a paragraph is a byline such as ``By Jane Doe``."""
    if len(paragraph.split()) > _BYLINE_MAX_WORDS:
        return None
    match = _BYLINE.match(paragraph.strip())
    return match.group("name").strip() if match else None
