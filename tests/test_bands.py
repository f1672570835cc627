"""The store's own duplicate index: band look-ups, the match as one step, the fold."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from normalizer.dedup import Candidate, Thresholds, decide
from normalizer.fingerprint import Sketcher, band_keys
from normalizer.identity import local_key
from normalizer.model import Decision, Fingerprint, Origin, RawEntry
from normalizer.pipeline import Pipeline
from normalizer.settings import Settings
from normalizer.store import SqliteStore, open_store

NOW = datetime(2024, 5, 1, tzinfo=UTC)
STORY = " ".join(f"story{i} said the minister on tuesday" for i in range(50))
SETTINGS = Settings()


def _fingerprint(text: str) -> tuple[Candidate, Fingerprint, list[int]]:
    fingerprint = Sketcher(SETTINGS.fingerprint_params).fingerprint([text])
    candidate = Candidate("new", fingerprint.digest, fingerprint.shingle_set, len(text.split()))
    return candidate, fingerprint, band_keys(fingerprint, SETTINGS.fingerprint_params)


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    with open_store(SETTINGS, path=":memory:") as opened:
        origin = Origin("feed", "wire.rss")
        Pipeline(opened, SETTINGS, NOW).ingest([RawEntry("a", origin, "Title", STORY, "text", guid="urn:a")])
        yield opened


def test_a_copy_finds_its_story_and_joins_its_cluster(store: SqliteStore) -> None:
    new, fingerprint, keys = _fingerprint(STORY)
    (found,) = store.index.candidates(keys)
    match = store.index.match(new, fingerprint, keys, lambda c: decide(new, c, Thresholds()))
    assert match.decision.rule == "exact" and match.cluster == found.key and local_key(found.key) == "urn:a"


def test_an_unrelated_text_founds_its_own_cluster(store: SqliteStore) -> None:
    new, fingerprint, keys = _fingerprint(" ".join(f"other{i} markets rose" for i in range(60)))
    seen: list[int] = []

    def founder(candidates: object) -> Decision:
        seen.append(len(candidates))  # type: ignore[arg-type]
        return Decision(linked_to=None, rule="founder")

    assert store.index.match(new, fingerprint, keys, founder).cluster == "new"
    assert seen == [0]  # no stored text shares a band with it


def test_folded_bands_are_found_as_before(store: SqliteStore) -> None:
    _, _, keys = _fingerprint(STORY)
    waiting = store.index.waiting()
    assert waiting > 0
    assert store.fold_recent_bands(limit=waiting + 1) == 0  # below the limit: nothing moves
    assert store.fold_recent_bands(limit=1) == waiting
    assert store.index.waiting() == 0
    assert [local_key(c.key) for c in store.index.candidates(keys)] == ["urn:a"]


def test_a_copy_of_a_story_of_many_copies_is_verified_against_a_bounded_few() -> None:
    import random

    from normalizer.store.bands import ARTICLES_PER_BAND, MAX_CANDIDATES
    from tests.story_corpus import _variant, make_items

    rng = random.Random(5)
    story = make_items(1, seed=9)[0]
    copies = 3 * MAX_CANDIDATES
    origin = Origin("feed", "wire.rss")
    with open_store(SETTINGS, path=":memory:") as opened:
        pipeline = Pipeline(opened, SETTINGS, NOW)
        entries = [
            RawEntry(f"c{n}", origin, story.title, _variant(story.body, rng), "text", guid=f"urn:c{n}")
            for n in range(copies)
        ]
        pipeline.ingest(entries)
        new, fingerprint, keys = _fingerprint(_variant(story.body, rng))
        found = opened.index.candidates(keys)
        # However many copies share its bands, a text is verified against at most
        # MAX_CANDIDATES of them, and each of its keys gives at most ARTICLES_PER_BAND.
        assert ARTICLES_PER_BAND <= len(found) <= MAX_CANDIDATES < copies
        match = opened.index.match(new, fingerprint, keys, lambda c: decide(new, c, Thresholds()))
        clusters = {s.cluster_key for s in opened.stored_articles()}
        assert len(clusters) == 1 and match.cluster in clusters and match.decision.linked_to is not None
