"""The SQLite store: memory across runs, idempotence, parameters, atomic inputs."""

from __future__ import annotations

import sqlite3
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zstandard

from feeds.jobs import ingest_inputs
from feeds.publish.reports import story_clusters
from normalizer.errors import StoreError
from normalizer.model import FingerprintParams
from normalizer.pipeline import Pipeline
from normalizer.settings import Settings
from normalizer.store import SCHEMA_VERSION, SqliteStore
from normalizer.store.search import query_phrases

from .conftest import DEMO, HOSTILE, dump_store

NOW = datetime(2024, 10, 2, 12, tzinfo=UTC)
SETTINGS = Settings()
ORIGINAL = str(DEMO / "scraped-article-agencies-dateline.txt")
NEAR_DUPLICATE = str(DEMO / "scraped-article-near-duplicate.txt")
UNRELATED = str(DEMO / "scraped-article-unrelated.txt")


def _open(path: Path, params: FingerprintParams | None = None) -> SqliteStore:
    return SqliteStore(str(path), params or SETTINGS.fingerprint_params)


def _clusters(store: SqliteStore) -> list[list[str]]:
    return sorted(sorted(m.article.input_id for m in c.members) for c in story_clusters(store))


def test_handmade_trio(tmp_path: Path) -> None:
    with _open(tmp_path / "s.db") as store:
        ingest_inputs([ORIGINAL, NEAR_DUPLICATE, UNRELATED], store, SETTINGS, NOW)
        assert _clusters(store) == [
            ["scraped-article-agencies-dateline", "scraped-article-near-duplicate"],
            ["scraped-article-unrelated"],
        ]
        (pair,) = [c for c in story_clusters(store) if len(c.members) == 2]
        duplicate = next(m for m in pair.members if m.rule != "founder")
        assert duplicate.rule == "jaccard"
        assert duplicate.link_similarity is not None and duplicate.link_similarity.jaccard >= 0.7


def test_second_run_flags_duplicates_of_the_first(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with _open(path) as store:
        first = ingest_inputs([ORIGINAL, UNRELATED], store, SETTINGS, NOW)
        assert (first.counts.new, first.counts.duplicates) == (2, 0)
    with _open(path) as store:
        second = ingest_inputs([NEAR_DUPLICATE], store, SETTINGS, NOW)
        assert (second.counts.new, second.counts.duplicates) == (1, 1)
        assert ["scraped-article-agencies-dateline", "scraped-article-near-duplicate"] in _clusters(store)


def test_rerunning_the_same_inputs_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with _open(path) as store:
        ingest_inputs([DEMO], store, SETTINGS, NOW)
    before = dump_store(path)
    with _open(path) as store:
        again = ingest_inputs([DEMO], store, SETTINGS, datetime(2030, 1, 1, tzinfo=UTC))
    assert again.counts.new == again.counts.updated == 0
    assert again.counts.unchanged == again.counts.read
    assert dump_store(path) == before


def test_other_parameters_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    _open(path).close()
    with pytest.raises(StoreError, match=r"seed 1 \(store\) vs 7 \(run\)"):
        _open(path, FingerprintParams(seed=7))


def test_rejected_input_stores_nothing_and_the_run_goes_on(tmp_path: Path) -> None:
    with _open(tmp_path / "s.db") as store:
        summary = ingest_inputs(
            [str(HOSTILE / "billion-laughs-in-rss-title.rss"), ORIGINAL], store, SETTINGS, NOW
        )
        assert [r.source for r in summary.rejected] == [str(HOSTILE / "billion-laughs-in-rss-title.rss")]
        assert summary.counts.new == 1
        assert store.article_count() == 1


def test_a_failure_inside_an_input_rolls_the_whole_input_back(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    from feeds.readers import read_entries

    feed = DEMO / "heise.atom"
    entries = list(read_entries(feed.read_bytes(), str(feed)))
    with _open(path) as store:
        pipeline = Pipeline(store, SETTINGS, NOW)
        broken = [*entries[:5], None]  # the sixth "entry" breaks the transaction
        with pytest.raises(AttributeError):
            pipeline.ingest(broken)  # type: ignore[list-item]
        assert store.article_count() == 0
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    tables = dump_store(path)
    assert "source_lines" in tables  # (the schema's tables, read from the store)
    assert {name: rows for name, rows in tables.items() if name != "meta" and rows} == {}


def test_a_changed_text_under_the_same_key_is_an_update(tmp_path: Path) -> None:
    story = tmp_path / "a" / "story.txt"
    story.parent.mkdir()
    story.write_text("PARIS (AFP) - " + " ".join(f"alpha{i}" for i in range(80)), "utf-8")
    with _open(tmp_path / "s.db") as store:
        ingest_inputs([str(story)], store, SETTINGS, NOW)
        story.write_text("PARIS (AFP) - " + " ".join(f"alpha{i}" for i in range(85)), "utf-8")
        summary = ingest_inputs([str(story)], store, SETTINGS, NOW)
        assert (summary.counts.new, summary.counts.updated) == (0, 1)
        (stored,) = store.stored_articles()
        assert stored.article.word_count == 85


def test_files_of_one_name_in_two_folders_are_two_articles(tmp_path: Path) -> None:
    # Every index.html of a mirror, every story.txt of a dump: keyed by their folder.
    for folder, words in (("a", 80), ("b", 85)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(
            "PARIS (AFP) - " + " ".join(f"alpha{i}" for i in range(words)), "utf-8"
        )
    with _open(tmp_path / "s.db") as store:
        ingest_inputs([str(tmp_path / "a" / "story.txt")], store, SETTINGS, NOW)
        summary = ingest_inputs([str(tmp_path / "b" / "story.txt")], store, SETTINGS, NOW)
        assert (summary.counts.new, summary.counts.updated, summary.counts.duplicates) == (1, 0, 1)
        assert len(store.stored_articles()) == 2


def test_recent_bands_fold_into_the_main_table_and_still_find_copies(tmp_path: Path) -> None:
    with _open(tmp_path / "s.db") as store:
        ingest_inputs([ORIGINAL, UNRELATED], store, SETTINGS, NOW)
        moved = store.fold_recent_bands(limit=1)
        assert moved > 0
        assert store.fold_recent_bands(limit=1) == 0  # nothing left waiting
        ingest_inputs([NEAR_DUPLICATE], store, SETTINGS, NOW)
        assert ["scraped-article-agencies-dateline", "scraped-article-near-duplicate"] in _clusters(store)


def _store_original(path: Path) -> str:
    """Store the original article in a new store at ``path``; return its body."""
    with _open(path) as store:
        ingest_inputs([ORIGINAL], store, SETTINGS, NOW)
        return store.stored_articles()[0].article.body


def _as_schema_10(db: sqlite3.Connection) -> None:
    """Make a store what schema 10 was: members without their re-send mark."""
    db.execute("DROP INDEX members_resends")
    db.execute("ALTER TABLE members DROP COLUMN resend")
    db.execute("UPDATE meta SET value = '10' WHERE key = 'schema_version'")


def test_a_schema_10_store_gets_the_re_send_marks_of_its_members(tmp_path: Path) -> None:
    from normalizer.model import Origin, RawEntry

    path = tmp_path / "s.db"
    body = Path(ORIGINAL).read_text("utf-8")
    titles = ["Jets fly over Tripoli", "UPDATE 1-Jets fly over Tripoli", "Jets fly (updated)"]
    with _open(path) as store:
        Pipeline(store, SETTINGS, NOW).ingest(
            [RawEntry(f"e{n}", Origin("feed", f"f{n}.rss"), title, body, "text", guid=f"urn:e{n}")
             for n, title in enumerate(titles)]
        )  # fmt: skip
    with sqlite3.connect(path) as db:
        marks = db.execute("SELECT article, resend FROM members ORDER BY article").fetchall()
        assert marks == [(1, 0), (2, 1), (3, 1)]
        _as_schema_10(db)
    with _open(path) as store:
        assert store.meta()["schema_version"] == str(SCHEMA_VERSION)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT article, resend FROM members ORDER BY article").fetchall() == marks
        plan = db.execute("EXPLAIN QUERY PLAN SELECT article FROM members WHERE cluster = 'x' AND resend = 1")
        assert "members_resends" in " ".join(str(row) for row in plan)


def _as_schema_9(path: Path, body: bytes) -> None:
    """Make a store what schema 9 was: bodies packed, no text index, learned lines
    without their text."""
    with sqlite3.connect(path) as db:
        _as_schema_10(db)
        db.execute("DROP VIEW learned_chrome")
        db.execute("DROP TABLE articles_fts")
        db.execute("ALTER TABLE source_lines DROP COLUMN text")
        db.execute("UPDATE articles SET body = ?", (body,))
        db.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")


def test_bodies_are_stored_as_text_and_packed_bodies_of_older_stores_become_text(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    expected = _store_original(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT body FROM articles").fetchone() == (expected,)
    for packed in (
        zstandard.ZstdCompressor().compress(expected.encode()),  # schemas 6 to 9
        _deflate(expected),  # schema 5
    ):
        _as_schema_9(path, packed)
        with _open(path) as store:
            assert store.meta()["schema_version"] == str(SCHEMA_VERSION)
            assert store.stored_articles()[0].article.body == expected
            assert [s.article.body for s in store.search(query_phrases("fighter jet"))] == [expected]
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT body FROM articles").fetchone() == (expected,)


def _deflate(text: str) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -12, 5)
    return packer.compress(text.encode()) + packer.flush()


def test_a_schema_5_store_is_migrated_and_its_deflated_bodies_become_text(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    expected = _store_original(path)
    with sqlite3.connect(path) as db:
        db.execute("DROP VIEW learned_chrome")
        db.execute("DROP TABLE articles_fts")
        db.execute("ALTER TABLE source_lines DROP COLUMN text")
        db.execute("UPDATE articles SET body = ?", (_deflate(expected),))
        db.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
        # Schema 5 kept each MinHash signature beside its shingle set.
        db.execute("ALTER TABLE signatures ADD COLUMN signature BLOB NOT NULL DEFAULT x'00'")
    with _open(path) as store:
        assert store.meta()["schema_version"] == str(SCHEMA_VERSION)
        ingest_inputs([UNRELATED], store, SETTINGS, NOW)
        bodies = {s.article.key: s.article.body for s in store.stored_articles()}
    assert expected in bodies.values() and len(bodies) == 2
    with sqlite3.connect(path) as db:
        stored = sorted(b for (b,) in db.execute("SELECT body FROM articles"))
        columns = {row[1] for row in db.execute("PRAGMA table_info(signatures)")}
    assert stored == sorted(bodies.values())  # both as text
    assert "signature" not in columns


_CHINESE = (
    "新华社北京4月24日电 国家统计局今天发布数据显示，一季度国内生产总值同比增长百分之五点三，"
    "比上年四季度加快零点一个百分点。\n\n"
    "国家统计局新闻发言人表示，一季度国民经济开局良好，生产需求稳步回升，就业物价总体稳定，"
    "居民收入继续增加，市场预期持续改善，高质量发展扎实推进。\n\n"
    "分行业看，工业生产增势较好，服务业持续恢复，农业生产形势稳定，固定资产投资规模扩大，"
    "消费市场保持增长，货物进出口总体平稳，新动能加快成长。"
)


def test_a_schema_7_store_of_word_fingerprints_is_fingerprinted_again(tmp_path: Path) -> None:
    story, lead = tmp_path / "story.txt", tmp_path / "lead.txt"
    story.write_text("国家统计局：一季度经济开局良好\n\n" + _CHINESE, encoding="utf-8")
    paragraphs = _CHINESE.split("\n\n")
    lead.write_text(
        "一季度国内生产总值同比增长\n\n" + paragraphs[0] + "\n\n" + paragraphs[1], encoding="utf-8"
    )
    path = tmp_path / "s.db"
    with _open(path) as store:
        ingest_inputs([str(story)], store, SETTINGS, NOW)
    with sqlite3.connect(path) as db:
        new = db.execute("SELECT digest, shingles, shingle_set, figures FROM signatures").fetchall()
        bands = db.execute("SELECT COUNT(*) FROM recent_bands").fetchone()[0]
        # As a store of schema 7 left it: word fingerprints (here: none), no refusals table.
        db.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
        db.execute("UPDATE meta SET value = 'xxh32-words-poly64' WHERE key = 'hash'")
        db.execute(
            "UPDATE signatures SET digest = 'old', shingles = 1, shingle_set = x'01020304', figures = ''"
        )
        db.execute("DELETE FROM recent_bands")
        db.execute("DROP TABLE refusals")
    with _open(path) as store:
        assert store.meta()["hash"] == SETTINGS.fingerprint_params.hash
        assert store.meta()["schema_version"] == str(SCHEMA_VERSION)
        ingest_inputs([str(lead)], store, SETTINGS, NOW)
        assert _clusters(store) == [["lead", "story"]]
    with sqlite3.connect(path) as db:
        again = db.execute(
            "SELECT digest, shingles, shingle_set, figures FROM signatures ORDER BY article"
        ).fetchall()
        assert again[0] == new[0]
        assert db.execute("SELECT COUNT(*) FROM recent_bands WHERE article = 1").fetchone()[0] == bands
