"""Verification of candidates and the canonical rule."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from normalizer.canonical import Member, choose_canonical
from normalizer.dedup import Candidate, Thresholds, decide, verify
from normalizer.fingerprint import canonical_tokens, compare, shingle_ids

WORDS = [f"word{i}" for i in range(300)]


def _candidate(key: str, words: list[str]) -> Candidate:
    text = " ".join(words)
    shingles = np.unique(shingle_ids(canonical_tokens([text]), 4)).tobytes()
    return Candidate(key=key, digest=text, shingles=shingles, word_count=len(words))


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
    monday = base.format(1, 2, 3, 4).split() + WORDS[:60]
    tuesday = base.format(5, 6, 7, 8).split() + WORDS[:60]
    one, two = _candidate("monday", monday), _candidate("tuesday", tuesday)
    one = Candidate(one.key, one.digest, one.shingles, one.word_count, frozenset({"1", "2", "3", "4"}))
    two = Candidate(two.key, two.digest, two.shingles, two.word_count, frozenset({"5", "6", "7", "8"}))
    assert compare(one.shingles, two.shingles).jaccard > 0.6  # the texts alone would link
    assert verify(one, two, Thresholds()) is None
    same_figures = Candidate(two.key, two.digest, two.shingles, two.word_count, one.figures)
    assert verify(one, same_figures, Thresholds()) is not None


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
    # Equal lengths: the old veto judged "the shorter" as the new text, so the order
    # of arrival decided. Nine figures against four of them: not a template clash.
    words = [f"word{i}" for i in range(120)]
    few = Candidate("a", "a", _candidate("a", words).shingles, 120, frozenset({"1", "2", "3", "4"}))
    many = Candidate("b", "b", _candidate("b", words).shingles, 120, frozenset("123456789"))
    assert (verify(few, many, Thresholds()) is None) == (verify(many, few, Thresholds()) is None)
    assert verify(few, many, Thresholds()) is not None
    other = Candidate("c", "c", _candidate("c", words).shingles, 120, frozenset({"5", "6", "7", "8"}))
    assert verify(few, other, Thresholds()) is None and verify(other, few, Thresholds()) is None
