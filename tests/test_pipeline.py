"""The stages in order, over a real (in-memory) store: what each input's entries become."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from normalizer.model import Origin, RawEntry, Skipped
from normalizer.pipeline import Counts, InputResult, Pipeline
from normalizer.settings import Settings
from normalizer.store import SqliteStore, open_store

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)
FEED = Origin("feed", "wire.rss", "urn:wire", "Wire", "https://wire.example/")
STORY = " ".join(f"story{i} said the minister" for i in range(60))
OTHER = " ".join(f"other{i} markets rose today" for i in range(60))


def _entry(guid: str, body: str, title: str = "A headline", updated: datetime | None = None) -> RawEntry:
    return RawEntry(guid, FEED, title, body, "text", guid=f"urn:{guid}", updated=updated)


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    with open_store(Settings(), path=":memory:") as opened:
        yield opened


def _ingest(store: SqliteStore, *entries: RawEntry | Skipped, now: datetime = NOW) -> InputResult:
    return Pipeline(store, Settings(), now).ingest(entries)


def test_counts_add_up_field_by_field() -> None:
    assert Counts(read=1, new=2) + Counts(read=3, duplicates=1) == Counts(read=4, new=2, duplicates=1)


def test_a_new_story_a_copy_and_an_entry_with_no_text(store: SqliteStore) -> None:
    result = _ingest(
        store, _entry("a", STORY), _entry("b", STORY, "Another headline"), _entry("c", "   ", "")
    )
    assert result.counts == Counts(new=2, duplicates=1)
    (left,) = result.left_out
    assert left == Skipped("wire.rss", "no article text left after cleaning", "c")
    (first, copy) = store.stored_articles()
    assert copy.cluster_key == first.cluster_key and copy.rule == "exact"


def test_headline_only_items_are_articles_and_never_copies_of_each_other(store: SqliteStore) -> None:
    result = _ingest(store, _entry("h1", "", "Quake hits coast"), _entry("h2", " ", "Markets close higher"))
    assert result.counts == Counts(new=2)
    first, second = store.stored_articles()
    assert first.article.paragraphs == second.article.paragraphs == ()
    assert first.cluster_key != second.cluster_key and first.rule == second.rule == "founder"
    assert _ingest(store, _entry("h1", "", "Quake hits coast")).counts == Counts(unchanged=1)


def test_the_same_text_again_changes_nothing_and_a_new_text_is_a_version(store: SqliteStore) -> None:
    _ingest(store, _entry("a", STORY))
    again = _ingest(store, _entry("a", STORY), now=NOW.replace(hour=13))
    assert again.counts == Counts(unchanged=1)
    newer = _ingest(store, _entry("a", STORY + " A late paragraph was added."), now=NOW.replace(hour=14))
    assert newer.counts == Counts(updated=1)
    (stored,) = store.stored_articles()
    assert stored.article.paragraphs[-1].endswith("A late paragraph was added.")
    assert stored.article.updated == NOW.replace(hour=14)  # no date of its own: the time of the run
    assert stored.entry_time == NOW.replace(hour=14)


def test_an_older_version_arriving_late_changes_nothing(store: SqliteStore) -> None:
    _ingest(store, _entry("a", STORY, updated=NOW))
    late = _ingest(store, _entry("a", OTHER, updated=NOW.replace(hour=9)))
    assert late.counts == Counts(unchanged=1)
    assert store.stored_articles()[0].article.paragraphs[0].startswith("story0")


def test_stages_log_the_new_article_then_its_peers(store: SqliteStore) -> None:
    _ingest(store, _entry("a", STORY))
    later = NOW.replace(hour=15)
    _ingest(store, _entry("b", STORY, "Another headline"), now=later)
    last = store.last_change()
    assert last is not None and last.seq == 3  # a: new; b: new; a: its cluster changed
    assert store.change_at(2) == store.change_at(3) == later.isoformat()


def test_anything_the_reading_raises_rolls_the_input_back(store: SqliteStore) -> None:
    def entries() -> Iterator[RawEntry]:
        yield _entry("a", STORY)
        raise ValueError("the reader broke part-way")

    with pytest.raises(ValueError, match="part-way"):
        Pipeline(store, Settings(), NOW).ingest(entries())
    assert store.article_count() == 0


def test_dates_after_the_run_are_the_run_and_impossible_dates_none(store: SqliteStore) -> None:
    future = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5)))
    next_year = NOW.replace(year=NOW.year + 1)
    _ingest(store, _entry("far", STORY, updated=future), _entry("soon", OTHER, "Other", updated=next_year))
    stored = {s.article.input_id: s for s in store.stored_articles()}
    assert stored["far"].article.updated is None  # not a time UTC can hold
    assert stored["soon"].article.updated == NOW  # clamped to the run


def test_entries_are_cleaned_before_their_input_s_write_transaction(tmp_path: Path) -> None:
    """No cleaning holds the store's write lock: every entry of an input is read,
    cleaned and fingerprinted before the transaction that stores them begins."""
    from normalizer.clean import Cleaner

    seen: list[bool] = []

    class Watching(Cleaner):
        def body(self, raw: RawEntry) -> Any:
            # The costly part: repair, paragraphs, the shipped chrome rules.
            seen.append(store._sqlite.in_transaction)
            return super().body(raw)

    shipped = Cleaner.default()
    cleaner = Watching(shipped.chrome_rules, shipped.dateline_rules, shipped.version)
    origin = Origin("feed", "wire.rss")
    entries = [
        RawEntry(f"e{n}", origin, f"Story {n}", f"Paragraph {n} " + "word " * 40, "text", guid=f"urn:{n}")
        for n in range(5)
    ]
    with SqliteStore(str(tmp_path / "s.db"), Settings().fingerprint_params) as store:
        result = Pipeline(store, Settings(), NOW, cleaner).ingest(entries)
        assert result.counts.new == 5 and len(store.stored_articles()) == 5
    assert seen == [False] * 5


def test_an_input_past_the_spool_s_memory_is_stored_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import normalizer.pipeline as pipeline_module

    origin = Origin("feed", "wire.rss")
    entries = [
        RawEntry(f"e{n}", origin, f"Story {n}", f"Paragraph {n} " + "word " * 40, "text", guid=f"urn:{n}")
        for n in range(6)
    ] + [Skipped("wire.rss", "no text", "e6")]
    stored = []
    for limit in (pipeline_module.SPOOL_BYTES, 1):  # all in memory; all but the first spilled
        monkeypatch.setattr(pipeline_module, "SPOOL_BYTES", limit)
        with SqliteStore(str(tmp_path / f"{limit}.db"), Settings().fingerprint_params) as store:
            result = Pipeline(store, Settings(), NOW).ingest(entries)
            stored.append(([s.article for s in store.stored_articles()], result))
    assert stored[0] == stored[1] and stored[0][1].counts.new == 6 and len(stored[0][1].left_out) == 1


def test_an_entry_is_cleaned_again_only_when_lines_learned_since_are_its_own(tmp_path: Path) -> None:
    """Lines a source's stories teach during an input are stripped from its later
    entries (cleaned again inside the transaction); an entry that holds none of them
    keeps the cleaning it was given before the transaction."""
    from normalizer.clean import Cleaner

    again: list[str] = []

    class Watching(Cleaner):
        def finish(self, raw: RawEntry, body: Any, learned: frozenset[bytes] = frozenset()) -> Any:
            if store._sqlite.in_transaction:
                again.append(raw.input_id)
            return super().finish(raw, body, learned)

    shipped = Cleaner.default()
    cleaner = Watching(shipped.chrome_rules, shipped.dateline_rules, shipped.version)
    origin = Origin("feed", "wire.rss")
    chrome = "Follow the Wire on its app for the latest news"

    def story(n: int, with_chrome: bool) -> RawEntry:
        text = " ".join(f"w{n}x{i} spoke" for i in range(50))
        body = f"{text}.\n\n{chrome}" if with_chrome else f"{text}."
        return RawEntry(f"e{n}", origin, f"Story {n}", body, "text", guid=f"urn:{n}")

    entries = [story(1, True), story(2, True), story(3, True), story(4, False)]
    settings = Settings(learn_chrome_stories=2)
    with SqliteStore(str(tmp_path / "s.db"), settings.fingerprint_params) as store:
        Pipeline(store, settings, NOW, cleaner).ingest(entries)
        bodies = {s.article.input_id: s.article.paragraphs for s in store.stored_articles()}
    # Stories 1 and 2 taught the line; story 3 loses it, story 4 never had it.
    assert chrome in bodies["e1"] and chrome in bodies["e2"]
    assert chrome not in bodies["e3"]
    assert again == ["e3"]
