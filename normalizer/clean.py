"""Cleaning: a reader's RawEntry -> a clean Article (or what was left out, with the reason).

Unicode repair, paragraphs, chrome (shipped rules, then the lines the source is
known to repeat), headline, byline, dateline and credit, in that order.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from normalizer import __version__
from normalizer.boilerplate import ChromeRule, load_rules, strip_chrome
from normalizer.dateline import (
    DatelineRules,
    find_byline,
    load_dateline_rules,
    read_given_dateline,
    split_dateline,
)
from normalizer.html import html_to_paragraphs, unescape_left
from normalizer.identity import article_key
from normalizer.learned import chrome_source, strip_learned
from normalizer.model import Article, Dateline, LeftOut, RawEntry, Rejected, Removal, Skipped
from normalizer.text import author_name, repair, settle_paragraph, split_paragraphs
from normalizer.values import language_tag

__all__ = ["Body", "Cleaner", "cleaning_version"]

_HEADLINE_MAX_WORDS = 25
# The record of a caption the HTML conversion left out of an item's text.
CAPTION_RULE = "html:caption"
# Dates before this year are a source's placeholder (0001-01-01), not a publication date.
_EARLIEST_YEAR = 1800
# An all-capitals first line of this many words or more is a headline, not a dateline.
_CAPS_HEADLINE_WORDS = 4
_DERIVED_TITLE_WORDS = 12
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass(frozen=True)
class Body:
    """An entry's text made into paragraphs, with the shipped chrome rules applied:
    the costly part of cleaning, which needs nothing the store knows."""

    paragraphs: tuple[str, ...]
    removed: tuple[Removal, ...]


@dataclass(frozen=True)
class Cleaner:
    """Turns what a reader found into a clean article, by rules loaded once."""

    chrome_rules: tuple[ChromeRule, ...]
    dateline_rules: DatelineRules
    # What the cleaning is made of (see cleaning_version); "" for a cleaner built by hand.
    version: str = ""

    @classmethod
    def default(cls) -> Cleaner:
        """A cleaner with the rules shipped in ``normalizer/rules``."""
        return cls(
            chrome_rules=load_rules(), dateline_rules=load_dateline_rules(), version=cleaning_version()
        )

    def clean(self, raw: RawEntry, learned: frozenset[bytes] = frozenset()) -> Article | LeftOut:
        """Clean one entry; an entry with no text left is left out with the reason,
        unless it is a feed item with a headline and a link (a headline-only article).

        ``learned`` holds the keys of the lines its source is known to repeat
        (see :mod:`normalizer.learned`).
        """
        return self.finish(raw, self.body(raw), learned)

    def body(self, raw: RawEntry) -> Body:
        """Repair, paragraphs and the shipped chrome rules (see :meth:`finish`)."""
        content = repair(raw.content)
        captions: list[str] = []
        if raw.content_type == "html":
            paragraphs = html_to_paragraphs(content, raw.origin.name, captions)
        else:
            paragraphs = split_paragraphs(content)
        paragraphs, removed = strip_chrome(paragraphs, self.chrome_rules)
        # What the reader and the HTML conversion left out comes first in the record.
        removed[:0] = [*raw.dropped, *(Removal(CAPTION_RULE, text) for text in captions)]
        return Body(tuple(paragraphs), tuple(removed))

    def finish(self, raw: RawEntry, body: Body, learned: frozenset[bytes] = frozenset()) -> Article | LeftOut:
        """The rest of :meth:`clean` over an entry's :meth:`body`: the lines its source
        is known to repeat, headline, byline, dateline and credit."""
        paragraphs, removed = list(body.paragraphs), list(body.removed)
        if learned:
            paragraphs, learned_removals = strip_learned(
                paragraphs, learned, chrome_source(raw.link, raw.origin.name)
            )
            removed.extend(learned_removals)
        # A headline from page metadata may carry its references escaped once more
        # ("Türkiye&#039;de", JSON-LD's &quot;): as in bodies, none is text.
        title = settle_paragraph(unescape_left(repair(raw.title)))
        # A plain-text article file opens with its headline; a feed entry without a
        # title does not, and its first paragraph is story text.
        if not title and raw.origin.kind != "feed" and self._opens_with_headline(paragraphs):
            title, paragraphs = paragraphs[0], paragraphs[1:]
        elif title and len(paragraphs) > 1 and paragraphs[0].casefold() == title.casefold():
            # The body repeats the headline as its first line (an <h1> in the HTML).
            paragraphs = paragraphs[1:]
        author = author_name(raw.author)
        byline = settle_paragraph(repair(author)) if author else None
        if paragraphs and (found := find_byline(paragraphs[0])):
            byline, paragraphs = byline or found, paragraphs[1:]
        published, updated = _sane_time(raw.published), _sane_time(raw.updated)
        reference = published or updated
        dateline: Dateline | None = None
        agency: str | None = None
        if paragraphs:
            match = split_dateline(paragraphs[0], self.dateline_rules, reference, language_tag(raw.language))
            if match is not None:
                dateline, agency = match.dateline, match.agency
                # The reporter a dateline names ("（记者罗沙）") is the byline the item lacks.
                byline = byline or match.reporter
                paragraphs = [match.rest, *paragraphs[1:]] if match.rest else paragraphs[1:]
        if dateline is None and raw.dateline:
            dateline, agency = read_given_dateline(str(raw.dateline), self.dateline_rules, reference)
        agency = agency or raw.credit
        if not paragraphs and not (raw.origin.kind == "feed" and title and (raw.link or raw.guid)):
            # A feed item with a headline and a link or id is an article with no body
            # (headline services, alerts): it is kept. Anything else with no text is not.
            reason = "no article text left after cleaning"
            if raw.origin.kind == "feed":
                return Skipped(raw.origin.name, reason, raw.input_id)
            return Rejected(raw.origin.name, reason)
        return Article(
            key=article_key(raw),
            input_id=raw.input_id,
            origin=raw.origin,
            title=title or _derived_title(paragraphs),
            paragraphs=tuple(paragraphs),
            dateline=dateline,
            agency=agency,
            byline=byline or None,
            published=published,
            updated=updated,
            url=raw.link,
            language=language_tag(raw.language),
            removed=tuple(removed),
        )

    def _opens_with_headline(self, paragraphs: Sequence[str]) -> bool:
        """Whether the first paragraph is a headline: short, not a dateline, and either
        unpunctuated or followed by a dateline ("... N.Y.C." then "PARIS (AFP) -")."""
        if len(paragraphs) < 2 or not 0 < len(paragraphs[0].split()) <= _HEADLINE_MAX_WORDS:
            return False
        first, second = paragraphs[0], paragraphs[1]
        if _all_capitals(first) and len(first.split()) >= _CAPS_HEADLINE_WORDS:
            # "ECUADOR UNABLE TO SERVICE DEBT - CENTRAL BANK": a wire headline, whose
            # dash and capitals make it look like a dateline ("CENTRAL BANK" the story).
            return True
        second_is_dateline = split_dateline(second, self.dateline_rules) is not None
        if split_dateline(first, self.dateline_rules) is not None:
            # "CAIRO — Gunmen opened fire" over "BERLIN (AFP) - ...": a story has one
            # dateline, so a short unpunctuated line above another is its headline.
            return second_is_dateline and not first.endswith((".", ":", ";", ","))
        return not first.endswith((".", ":", ";", ",")) or second_is_dateline


# The modules whose code decides what an entry's clean text is.
_CLEANING_MODULES = (
    "clean.py", "text.py", "ftfy_gate.py", "html.py", "boilerplate.py", "dateline.py", "learned.py",
    "extract.py", "page_meta.py", "identity.py",
)  # fmt: skip


@functools.cache
def cleaning_version() -> str:
    """A digest of this version's cleaning: its rule files and the code that applies
    them. Stored with each entry's digest, so that a new rule re-cleans what it touches."""
    package = resources.files("normalizer")
    digest = hashlib.sha256(__version__.encode())
    for rules in sorted(package.joinpath("rules").iterdir(), key=lambda p: p.name):
        digest.update(rules.name.encode() + rules.read_bytes())
    for module in _CLEANING_MODULES:
        digest.update(module.encode() + package.joinpath(module).read_bytes())
    return digest.hexdigest()[:16]


def _sane_time(moment: datetime | None) -> datetime | None:
    """A date a source gave, if it is one: representable in UTC and after 1800
    (``0001-01-01T00:00:00+05:00`` and ``9999-12-31T23:59:59-05:00`` are not)."""
    if moment is None:
        return None
    try:
        in_utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment if in_utc.year >= _EARLIEST_YEAR else None


def _all_capitals(line: str) -> bool:
    """Whether every cased letter of a line is a capital (and it has some)."""
    letters = [c for c in line if c.isalpha() and c.lower() != c.upper()]
    return bool(letters) and all(c.isupper() for c in letters)


def _derived_title(paragraphs: Sequence[str]) -> str:
    """A headline for a story that came without one: its first sentence, shortened."""
    first = _SENTENCE_END.split(paragraphs[0], maxsplit=1)[0]
    words = first.split()
    if len(words) <= _DERIVED_TITLE_WORDS:
        return first
    return " ".join(words[:_DERIVED_TITLE_WORDS]) + " …"
