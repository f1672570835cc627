"""Removal of site chrome by rules: "Translate »", "Check Also" teasers, share bars...

The rules are data (``rules/boilerplate.toml``); every removal is returned with the
name of the rule that made it, so a user can see and question each one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from normalizer.errors import SettingsError
from normalizer.model import Removal
from normalizer.text import word_count

__all__ = ["REPEATED_PARAGRAPH", "ChromeRule", "load_rules", "strip_chrome"]

RuleKind = Literal["paragraph", "suffix", "teaser", "teasers"]
_KINDS: tuple[RuleKind, ...] = ("paragraph", "suffix", "teaser", "teasers")
_ELLIPSIS = ("…", "...")
_HEADLINE_MAX_WORDS = 25
_SUFFIX_WINDOW = 200
REPEATED_PARAGRAPH = "repeated-paragraph"
_REPEATED_MAX_WORDS = 15
# Lines of a list of related stories that are neither headline nor teaser: the
# story's date ("March 17, 2016", "2016-03-17") and its section ('In "News"').
_TEASER_DATE = re.compile(
    r"(?:\w+,? )?"
    r"(?:\w{3,9}\.? \d{1,2},? \d{4}|\d{1,2}\.? \w{3,9}\.?,? \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
)
_TEASER_SECTION = re.compile(r"in [\"“„«][^\"”“»]{1,40}[\"”“»]", re.IGNORECASE)


@dataclass(frozen=True)
class ChromeRule:
    """One boilerplate rule (see ``rules/boilerplate.toml`` for the kinds)."""

    name: str
    kind: RuleKind
    pattern: re.Pattern[str]
    max_words: int
    # The language whose sites write this chrome (a BCP 47 primary tag), or "any".
    language: str = "any"

    def matches(self, paragraph: str, words: int | None = None) -> bool:
        """Whether a whole paragraph (of ``words`` words, if counted) is this rule's chrome."""
        if words is None:
            words = word_count(paragraph)
        return words <= self.max_words and bool(self.pattern.fullmatch(paragraph))


def _parse_rule(entry: dict[str, object], origin: str) -> ChromeRule:
    name, kind, pattern = entry.get("name"), entry.get("kind"), entry.get("pattern")
    max_words = entry.get("max_words", 1_000_000)
    if not isinstance(name, str) or not isinstance(pattern, str) or kind not in _KINDS:
        raise SettingsError(f"{origin}: each rule needs a name, a pattern and a kind in {_KINDS}")
    if not isinstance(max_words, int):
        raise SettingsError(f"{origin}: rule {name!r}: max_words must be a whole number")
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise SettingsError(f"{origin}: rule {name!r}: bad pattern: {error}") from None
    language = entry.get("language", "any")
    if not isinstance(language, str):
        raise SettingsError(f"{origin}: rule {name!r}: language must be a language tag or 'any'")
    return ChromeRule(name=name, kind=kind, pattern=compiled, max_words=max_words, language=language)


def load_rules(text: str | None = None, origin: str = "boilerplate.toml") -> tuple[ChromeRule, ...]:
    """Load chrome rules from TOML text, by default the rules shipped with newsnorm."""
    if text is None:
        text = resources.files("normalizer").joinpath("rules/boilerplate.toml").read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{origin}: {error}") from None
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        raise SettingsError(f"{origin}: 'rule' must be an array of tables")
    return tuple(_parse_rule(entry, origin) for entry in entries)


def _is_related_headline(paragraph: str) -> bool:
    words = paragraph.split()
    return 0 < len(words) <= _HEADLINE_MAX_WORDS and not paragraph.endswith((".", "!", "?", ":"))


def strip_chrome(paragraphs: list[str], rules: tuple[ChromeRule, ...]) -> tuple[list[str], list[Removal]]:
    """Remove chrome paragraphs; return the kept paragraphs and what was removed."""
    kept: list[str] = []
    removed: list[Removal] = []
    index = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        if kept and paragraph == kept[-1] and len(paragraph.split()) <= _REPEATED_MAX_WORDS:
            # A story does not say a short line twice in a row; pages do (a chart's
            # title and its alt text, a label and its tooltip). Long paragraphs are
            # left alone: repeating one may be the author's own doing.
            removed.append(Removal(REPEATED_PARAGRAPH, paragraph))
            index += 1
            continue
        words = word_count(paragraph)
        rule = _paragraph_rule(paragraph, rules, words)
        index += 1
        if rule is None:
            kept.append(paragraph)
            continue
        removed.append(Removal(rule.name, paragraph))
        if rule.kind == "teaser":
            index = _strip_teaser(paragraphs, index, rule, rules, removed)
        elif rule.kind == "teasers" and all(_is_teaser_material(p, rules) for p in paragraphs[index:]):
            # The marker opens a list of other stories that runs to the end.
            # Chrome in the list keeps its own rule's name, so each removal stays explained.
            for teaser in paragraphs[index:]:
                removed.append(Removal((_paragraph_rule(teaser, rules) or rule).name, teaser))
            index = len(paragraphs)
    if kept:
        kept, tail_removals = _strip_suffixes(kept, rules)
        removed.extend(tail_removals)
    return kept, removed


def _strip_teaser(
    paragraphs: list[str],
    index: int,
    rule: ChromeRule,
    rules: tuple[ChromeRule, ...],
    removed: list[Removal],
) -> int:
    """Remove the related headline and teaser after a teaser marker; return the next index."""
    if index < len(paragraphs) and _is_chrome_free_headline(paragraphs[index], rules):
        removed.append(Removal(rule.name, paragraphs[index]))
        index += 1
        if index < len(paragraphs) and paragraphs[index].endswith(_ELLIPSIS):
            removed.append(Removal(rule.name, paragraphs[index]))
            index += 1
    return index


def _paragraph_rule(
    paragraph: str, rules: tuple[ChromeRule, ...], words: int | None = None
) -> ChromeRule | None:
    """The first rule that takes a whole paragraph as chrome (suffix rules cut tails only)."""
    return next((r for r in rules if r.kind != "suffix" and r.matches(paragraph, words)), None)


def _is_teaser_material(paragraph: str, rules: tuple[ChromeRule, ...]) -> bool:
    """Whether a paragraph can belong to a list of related stories (never a story sentence
    that runs on: those end in a full stop, not an ellipsis)."""
    return (
        _is_related_headline(paragraph)
        or paragraph.endswith(_ELLIPSIS)
        or bool(_TEASER_DATE.fullmatch(paragraph))
        or bool(_TEASER_SECTION.fullmatch(paragraph))
        or any(r.matches(paragraph) for r in rules)
    )


def _is_chrome_free_headline(paragraph: str, rules: tuple[ChromeRule, ...]) -> bool:
    # A marker followed directly by other chrome ("Check Also" then "Translate »") has
    # no headline: let that chrome be removed by its own rule.
    return _is_related_headline(paragraph) and not any(r.matches(paragraph) for r in rules)


def _strip_suffixes(paragraphs: list[str], rules: tuple[ChromeRule, ...]) -> tuple[list[str], list[Removal]]:
    removed: list[Removal] = []
    last = paragraphs[-1]
    for rule in rules:
        if rule.kind != "suffix":
            continue
        # Suffix patterns end at the paragraph's end: only its tail needs searching.
        tail_start = max(0, len(last) - _SUFFIX_WINDOW)
        match = rule.pattern.search(last, tail_start)
        if match and match.start() > 0:
            removed.append(Removal(rule.name, match.group(0).strip()))
            last = last[: match.start()].rstrip()
    return [*paragraphs[:-1], last], removed
