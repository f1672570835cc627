"""Verification of candidates and the canonical rule."""

from __future__ import annotations

from datetime import UTC, datetime

from normalizer.dedup import Candidate, Member, Thresholds, choose_canonical, decide, verify
from normalizer.fingerprint import Sketcher
from normalizer.model import FingerprintParams

SKETCHER = Sketcher(FingerprintParams())
WORDS = [f"word{i}" for i in range(300)]


def _candidate(key: str, words: list[str]) -> Candidate:
    return Candidate(key=key, fingerprint=SKETCHER.fingerprint([" ".join(words)]), word_count=len(words))


def test_exact_copy_links_as_exact() -> None:
    new = SKETCHER.fingerprint([" ".join(WORDS)])
    decision = decide(new, 300, [_candidate("a", WORDS)], Thresholds())
    assert (decision.linked_to, decision.rule) == ("a", "exact")


def test_trimmed_copy_links_by_containment_not_jaccard() -> None:
    trimmed = WORDS[:120]
    new = SKETCHER.fingerprint([" ".join(trimmed)])
    verified = verify(new, len(trimmed), _candidate("full", WORDS), Thresholds())
    assert verified is not None
    rule, similarity = verified
    assert rule == "containment"
    assert similarity.jaccard < 0.5 <= similarity.containment_new


def test_short_texts_never_link_by_containment() -> None:
    short = WORDS[:30]
    new = SKETCHER.fingerprint([" ".join(short)])
    assert verify(new, len(short), _candidate("full", WORDS), Thresholds()) is None


def test_unrelated_text_stays_apart() -> None:
    other = [f"other{i}" for i in range(300)]
    new = SKETCHER.fingerprint([" ".join(other)])
    assert decide(new, 300, [_candidate("a", WORDS)], Thresholds()).linked_to is None


def test_best_candidate_wins_whatever_the_order() -> None:
    edited = WORDS[:290] + ["changed"] * 10
    new = SKETCHER.fingerprint([" ".join(WORDS)])
    candidates = [_candidate("b-edited", edited), _candidate("a-same", WORDS)]
    assert decide(new, 300, candidates, Thresholds()).linked_to == "a-same"
    assert decide(new, 300, candidates[::-1], Thresholds()).linked_to == "a-same"


def test_canonical_is_earliest_then_longest_then_first_stored() -> None:
    early = datetime(2024, 1, 1, tzinfo=UTC)
    late = datetime(2024, 1, 2, tzinfo=UTC)
    members = [
        Member("late-long", late, 900, 1),
        Member("early-short", early, 100, 2),
        Member("early-long", early, 500, 3),
        Member("undated", None, 1000, 0),
    ]
    assert choose_canonical(members).key == "early-long"
    assert choose_canonical([Member("x", None, 5, 2), Member("y", None, 5, 1)]).key == "y"
