"""Chrome by rules, in the languages of the wires and their clients: each fixture of
fixtures/chrome/ is a story with its sites' chrome, and its expected text pins what
goes and what stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalizer.boilerplate import load_rules, strip_chrome
from normalizer.learned import chrome_keys

from .conftest import FIXTURES, Cli

CHROME = FIXTURES / "chrome"


@pytest.mark.parametrize("story", sorted(CHROME.glob("??.txt")), ids=lambda p: p.stem)
def test_chrome_goes_and_the_story_stays(cli: Cli, story: Path) -> None:
    result = cli("clean", str(story))
    assert result.exit_code == 0, result.output
    expected = story.with_name(f"{story.stem}.expected.txt").read_text("utf-8")
    assert result.stdout == expected


def test_every_rule_carries_a_language_and_the_languages_are_covered() -> None:
    rules = load_rules()
    languages = {rule.language for rule in rules}
    assert {"any", "en", "ru", "zh", "ja", "ar", "fr", "de"} <= languages
    assert {path.stem for path in CHROME.glob("??.txt")} >= languages - {"any"}


def test_a_long_paragraph_in_a_script_without_spaces_is_no_learnable_line() -> None:
    # A Chinese story paragraph is one "word" to str.split: it must not be learned as chrome.
    paragraph = (
        "国务院总理主持召开国务院常务会议，部署进一步扩大内需的措施，要求各地区各部门加大工作力度，推动消费持续恢复，稳定就业和居民收入预期。"
        * 2
    )
    assert chrome_keys([paragraph]) == frozenset()
    assert chrome_keys(["分享到：微信 微博"]) != frozenset()


def test_no_shipped_pattern_backtracks_on_long_runs_of_chrome_characters() -> None:
    # A hang guard, not a timing: each match takes milliseconds; a pattern that
    # backtracks (the old rule-line took 43 s on 3 KB) would still be running.
    import signal

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("a chrome pattern backtracks")

    runs = ["-" * 20_000 + "x", "—" * 20_000 + "a", " " * 20_000 + "x", "share " * 4_000 + "!", "»" * 20_000]
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    rules = load_rules()
    try:
        for text in runs:
            strip_chrome([text], rules)  # every rule, as cleaning applies it
            strip_chrome(["A story opens here.", text, text], rules)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
