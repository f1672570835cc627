"""Verification of candidates and the canonical rule."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from normalizer.canonical import Member, choose_canonical
from normalizer.dedup import Candidate, Refusal, Thresholds, decide, verify
from normalizer.fingerprint import canonical_tokens, compare, shingle_ids
from normalizer.tokens import canonical_text, figures

WORDS = [f"word{i}" for i in range(300)]


def _words(text: str) -> list[str]:
    return text.split()


def _candidate(key: str, words: list[str], **evidence: str) -> Candidate:
    text = " ".join(words)
    shingles = np.unique(shingle_ids(canonical_tokens([text]), 4)).tobytes()
    return Candidate(
        key=key,
        digest=text,
        shingles=shingles,
        word_count=len(words),
        figures=frozenset(figures(canonical_text([text]))),
        **evidence,  # type: ignore[arg-type]
    )


def test_exact_copy_links_as_exact() -> None:
    decision = decide(_candidate("new", WORDS), [_candidate("a", WORDS)], Thresholds())
    assert (decision.linked_to, decision.rule) == ("a", "exact")


def test_trimmed_copy_links_by_containment_not_jaccard() -> None:
    verified = verify(_candidate("new", WORDS[:120]), _candidate("full", WORDS), Thresholds())
    assert verified is not None
    rule, similarity = verified
    assert rule == "containment"
    assert similarity.jaccard < 0.5 <= similarity.containment_new


def test_a_short_text_links_by_containment_only_when_wholly_inside() -> None:
    inside = _candidate("lead", WORDS[:30])
    verified = verify(inside, _candidate("full", WORDS), Thresholds())
    assert verified is not None and verified[0] == "containment"
    partly = _candidate("brief", WORDS[:20] + [f"other{i}" for i in range(10)])
    assert verify(partly, _candidate("full", WORDS), Thresholds()) is None
    tiny = _candidate("tiny", WORDS[:8])
    assert verify(tiny, _candidate("full", WORDS), Thresholds()) is None


def test_unrelated_text_stays_apart() -> None:
    other = _candidate("other", [f"other{i}" for i in range(300)])
    assert decide(other, [_candidate("a", WORDS)], Thresholds()).linked_to is None


def test_best_candidate_wins_whatever_the_order() -> None:
    edited = WORDS[:290] + ["changed"] * 10
    new = _candidate("new", WORDS)
    candidates = [_candidate("b-edited", edited), _candidate("a-same", WORDS)]
    assert decide(new, candidates, Thresholds()).linked_to == "a-same"
    assert decide(new, candidates[::-1], Thresholds()).linked_to == "a-same"


def test_canonical_is_earliest_then_longest_then_first_by_key() -> None:
    early = datetime(2024, 1, 1, tzinfo=UTC)
    late = datetime(2024, 1, 2, tzinfo=UTC)
    members = [
        Member("late-long", late, 900, 1),
        Member("early-short", early, 100, 2),
        Member("early-long", early, 500, 3),
        Member("undated", None, 1000, 0),
    ]
    assert choose_canonical(members).key == "early-long"
    # Not the storing order: the same pick whichever copy was stored first.
    assert choose_canonical([Member("x", None, 5, 2), Member("y", None, 5, 1)]).key == "x"
    assert choose_canonical([Member("y", None, 5, 1), Member("x", None, 5, 2)]).key == "x"


def test_a_template_with_other_figures_is_another_story() -> None:
    base = "the euro was quoted at {} dollars against {} on friday and gold at {} with oil at {} a barrel"
    monday = _candidate("monday", base.format("1.0812", "1.0790", "2,345.10", "81.5").split() + WORDS[:60])
    tuesday = _candidate("tuesday", base.format("1.0850", "1.0812", "2,351.40", "80.9").split() + WORDS[:60])
    assert compare(monday.shingles, tuesday.shingles).jaccard > 0.6  # the texts alone would link
    refused = verify(monday, tuesday, Thresholds())
    assert isinstance(refused, Refusal) and refused.reason == "figures"
    assert isinstance(verify(tuesday, monday, Thresholds()), Refusal)  # whichever arrives first
    again = _candidate("again", base.format("1.0812", "1.0790", "2,345.10", "81.5").split() + WORDS[:60])
    assert verify(monday, again, Thresholds()) == ("exact", verify(monday, again, Thresholds())[1])  # type: ignore[index]


def test_figures_are_numbers_in_their_words() -> None:
    text = canonical_text(["Rates rose to 2.45% from 2,40%; claims fell by 355,000 to 1.234.567 in week 12."])
    # Each number read as a number (a decimal comma as a point, thousands separators
    # dropped), between the words before and after it.
    assert figures(text) == (
        "by|355000|to",
        "from|2.40%|claims",
        "to|1234567|in",
        "to|2.45%|from",
        "week|12|",
    )
    # Digits that are part of a word name things, and are no figures.
    assert figures(canonical_text(["The G7 and covid19 and A4"])) == ()


def test_one_changed_figure_is_an_update_not_another_story() -> None:
    # A death toll that rises, in a story that quotes other numbers too: one story.
    story = (
        "officials said {} people were killed and 25 injured when the bridge fell on 5 may near 3 villages"
    )
    first = _candidate("first", story.format(10).split() + WORDS[:80])
    later = _candidate("later", story.format(12).split() + WORDS[:80])
    verified = verify(later, first, Thresholds())
    assert verified is not None and not isinstance(verified, Refusal)


def test_one_sources_standing_teaser_under_other_headlines_is_not_one_story() -> None:
    teaser = _words("Die wichtigsten Meldungen des Tages kurz zusammengefasst und verlinkt heute")
    monday = _candidate("a", teaser, title="Kurz informiert: ÖPNV, Meta, Tesla, Post", source="heise.de")
    tuesday = _candidate(
        "b", teaser, title="Kurz informiert: Netzhautverpflanzung, Bahn, Apple", source="heise.de"
    )
    refused = verify(monday, tuesday, Thresholds())
    assert isinstance(refused, Refusal) and refused.reason == "template"
    # The same texts from two sources are a copy; so is one source's re-send of a full story.
    elsewhere = _candidate("c", teaser, title="Kurz informiert: Netzhautverpflanzung", source="other.example")
    assert verify(monday, elsewhere, Thresholds()) == ("exact", verify(monday, elsewhere, Thresholds())[1])  # type: ignore[index]
    story = WORDS[:200]
    resent = verify(
        _candidate("d", story, title="UPDATE 1-Oil rises on supply worries", source="wire.example"),
        _candidate("e", story, title="Oil rises as supply worries grow", source="wire.example"),
        Thresholds(),
    )
    assert resent is not None and not isinstance(resent, Refusal)


def test_weekly_calendars_differ_by_their_headlines_numbers() -> None:
    body = WORDS[:100]
    one = _candidate("a", body[:70] + WORDS[100:130], title="Calendar: Aug. 9-16", source="city.example")
    two = _candidate("b", body[:70] + WORDS[130:160], title="Calendar: Aug. 16-23", source="city.example")
    refused = verify(one, two, Thresholds())
    assert isinstance(refused, Refusal) and refused.reason == "template"


def test_one_sources_update_with_new_figures_in_its_headline_is_the_story() -> None:
    first = _candidate("a", WORDS[:150], title="Quake kills 10 in the north", source="wire.example")
    later = _candidate(
        "b", WORDS[:150] + WORDS[200:260], title="Quake kills 25 in the north", source="wire.example"
    )
    verified = verify(later, first, Thresholds())
    assert verified is not None and not isinstance(verified, Refusal)


def test_a_recurring_bulletin_on_other_days_is_another_story() -> None:
    notice = _words("The central bank set the reference rate unchanged in its daily notice to banks today")
    one = _candidate("a", notice, day="2026-11-02")
    two = _candidate("b", notice, day="2026-11-05")
    refused = verify(one, two, Thresholds())
    assert isinstance(refused, Refusal) and refused.reason == "dates"
    next_day = _candidate("c", notice, day="2026-11-03")
    assert not isinstance(verify(one, next_day, Thresholds()), Refusal)
    # A long story republished days later is still the story.
    long_one, long_two = (
        _candidate("d", WORDS[:200], day="2026-11-02"),
        _candidate("e", WORDS[:200], day="2026-11-09"),
    )
    assert not isinstance(verify(long_one, long_two, Thresholds()), Refusal)


def test_headline_only_items_link_by_a_long_enough_headline() -> None:
    title = "Earthquake of magnitude 6.1 strikes off Japan"
    bare = Candidate("h", "", b"", 0, title=title, source="a.example", published="2026-11-02T08:00:00+00:00")
    full = _candidate("f", WORDS[:200], title="Earthquake of Magnitude 6.1 strikes off  Japan",
                      source="b.example", published="2026-11-02T07:00:00+00:00")  # fmt: skip
    assert verify(bare, full, Thresholds()) == ("headline", verify(bare, full, Thresholds())[1])  # type: ignore[index]
    assert verify(full, bare, Thresholds()) is not None
    short = Candidate("s", "", b"", 0, title="Live updates", source="a.example")
    assert (
        verify(short, _candidate("g", WORDS[:50], title="Live updates", source="b.example"), Thresholds())
        is None
    )
    weeks_later = _candidate(
        "w", WORDS[:200], title=full.title, source="b.example", published="2026-11-20T07:00:00+00:00"
    )
    assert verify(bare, weeks_later, Thresholds()) is None
    # Two bodiless items are never an "exact" copy of each other by their empty texts.
    other_bare = Candidate(
        "o", "", b"", 0, title="Markets close higher on strong earnings reports", source="c.example"
    )
    assert verify(bare, other_bare, Thresholds()) is None


def test_a_headline_link_merges_no_clusters() -> None:
    bare = Candidate(
        "h", "", b"", 0, title="Earthquake of magnitude 6.1 strikes off Japan", source="a.example"
    )
    one = _candidate("f1", WORDS[:200], title=bare.title, source="b.example")
    two = _candidate("f2", [f"other{i}" for i in range(200)], title=bare.title, source="c.example")
    decision = decide(bare, [one, two], Thresholds())
    assert decision.rule == "headline" and decision.linked_to == "f1" and decision.also == ()


def test_refusals_are_kept_with_the_decision() -> None:
    notice = _words("The central bank set the reference rate unchanged in its daily notice to banks today")
    decision = decide(
        _candidate("a", notice, day="2026-11-02"), [_candidate("b", notice, day="2026-11-09")], Thresholds()
    )
    assert decision.linked_to is None and decision.refused == (("b", "dates"),)


def test_explain_canonical_names_the_deciding_step() -> None:
    from normalizer.canonical import explain_canonical

    early = datetime(2024, 1, 1, tzinfo=UTC)
    late = datetime(2024, 1, 2, tzinfo=UTC)
    assert explain_canonical([Member("a", early, 10, 1), Member("b", late, 99, 0)]) == {
        "a": "earliest (2024-01-01 00:00)",
        "b": "published later",
    }
    assert explain_canonical([Member("a", None, 10, 0), Member("b", None, 99, 1)]) == {
        "b": "longest (99 words)",
        "a": "shorter (10 words)",
    }
    assert explain_canonical([Member("a", None, 10, 0), Member("b", None, 10, 1)]) == {
        "a": "first by key",
        "b": "later by key",
    }


def test_the_figures_veto_is_the_same_whichever_text_arrives_first() -> None:
    # Other lengths and other numbers of figures: the veto reads the aligned figures
    # of both texts, so which one is "new" cannot matter.
    template = "index rose {} points to {} while bonds gained {} and the yield fell to {} percent"
    few = _candidate("a", template.format(12, 3400, 0.5, "4.1").split() + WORDS[:40])
    many = _candidate(
        "b", template.format(15, 3410, 0.7, "4.0").split() + WORDS[:40] + _words("shares 7 8 9")
    )
    assert isinstance(verify(few, many, Thresholds()), Refusal)
    assert isinstance(verify(many, few, Thresholds()), Refusal)
