"""The copy a story cluster shows: the user's rule, re-picked without re-ingesting,
and versions of one story kept apart from its duplicates."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from feeds.jobs import ingest_inputs
from feeds.publish.atom import ATOM_NS, EXT_NS, FeedInfo, atom_bytes, atom_id
from feeds.publish.reports import story_clusters
from normalizer.canonical import CanonicalRule, Member, choose_canonical, explain_canonical, superseded
from normalizer.errors import SettingsError
from normalizer.identity import local_key
from normalizer.settings import Settings, load_settings
from normalizer.store import SCHEMA_VERSION, SqliteStore, open_store
from tests.conftest import FIXTURES, Cli, dump_store

NS = {"a": ATOM_NS, "nn": EXT_NS}
INFO = FeedInfo(id="urn:test:feed", title="test", generator_version="0")
DAY = datetime(2024, 3, 19, 9, tzinfo=UTC)
# A wire story (The Washington Post via Mozilla Readability's test pages, Apache-2.0).
STORY = (FIXTURES / "dedup" / "docs" / "rd-wapo-1--original.txt").read_text("utf-8").split("\n\n")
HEADLINE, PARAGRAPHS = STORY[0], [p.strip() for p in STORY[1:] if p.strip()]


def _member(key: str, order: int, **fields: object) -> Member:
    values: dict[str, object] = {"published": None, "word_count": 100, **fields}
    return Member(key=key, order=order, **values)  # type: ignore[arg-type]


# -- the rule ----------------------------------------------------------------


def test_source_priority_matches_an_agency_a_host_with_its_subdomains_or_a_feed() -> None:
    rule = CanonicalRule(("source-priority", "earliest"), ("AFP", "reuters.com", "https://wire.example/feed"))
    site = _member("site", 0, sources=("notreuters.com",), published=DAY)
    reuters = _member("reuters", 1, sources=("uk.reuters.com",), published=DAY + timedelta(hours=2))
    afp = _member("afp", 2, sources=("afp", "courier.example"), published=DAY + timedelta(hours=3))
    feed = _member("feed", 3, sources=("https://wire.example/feed",), published=DAY)
    assert choose_canonical([site, reuters, afp, feed], rule).key == "afp"
    assert choose_canonical([site, reuters, feed], rule).key == "reuters"
    assert choose_canonical([site, feed], rule).key == "feed"
    assert explain_canonical([site, reuters, afp], rule) == {
        "afp": "source priority 1 (afp)",
        "reuters": "lower source priority",
        "site": "source not in the priority list",
    }
    # Sources outside the list tie, and the next step decides.
    assert explain_canonical([site, _member("late", 4, published=DAY + timedelta(days=1))], rule) == {
        "site": "earliest (2024-03-19 09:00)",
        "late": "published later",
    }


def test_each_step_orders_as_named() -> None:
    early = _member("early", 2, published=DAY, word_count=300)
    late = _member("late", 1, published=DAY + timedelta(hours=1), word_count=900)
    undated = _member("undated", 0, word_count=2000)
    members = [early, late, undated]
    assert choose_canonical(members, CanonicalRule(("earliest",))).key == "early"
    assert choose_canonical(members, CanonicalRule(("latest",))).key == "late"
    assert choose_canonical(members, CanonicalRule(("longest",))).key == "undated"
    assert choose_canonical(members, CanonicalRule(())).key == "early"  # the smallest key
    assert (
        explain_canonical(members, CanonicalRule(("latest", "longest")))["late"]
        == "latest (2024-03-19 10:00)"
    )


def test_a_bad_rule_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="unknown step 'newest'"):
        CanonicalRule(("newest",))
    with pytest.raises(SettingsError, match="needs a source_priority list"):
        CanonicalRule(("source-priority",))
    with pytest.raises(SettingsError, match="unknown step 'shortest'"):
        load_settings({"canonical": "shortest"}, {})


def test_the_rule_is_a_list_setting_from_flag_environment_or_file(tmp_path: Path) -> None:
    config = tmp_path / "n.toml"
    config.write_text('canonical = ["source-priority", "longest"]\nsource_priority = ["AFP", "apnews.com"]\n')
    settings = load_settings({}, {}, str(config))
    assert settings.canonical_rule == CanonicalRule(("source-priority", "longest"), ("afp", "apnews.com"))
    settings = load_settings({}, {"NEWSNORM_CANONICAL": "latest, longest"}, str(config))
    assert settings.canonical == ("latest", "longest")
    assert load_settings({"canonical": "earliest"}, {}, str(config)).canonical == ("earliest",)
    config.write_text("canonical = 3\n")
    with pytest.raises(SettingsError, match="canonical must be a list of strings"):
        load_settings({}, {}, str(config))


def test_the_newest_version_comes_before_the_rule() -> None:
    hour = timedelta(hours=1)
    original = _member("original", 0, published=DAY, sources=("afp",), publisher="afp.com")
    copy = _member("copy", 1, published=DAY, link_type="copy", linked_to="original", publisher="site")
    update = _member(
        "update1", 2, published=DAY + hour, link_type="update", linked_to="copy", publisher="afp.com"
    )
    update2 = _member(
        "update2", 3, published=DAY + 2 * hour, link_type="update", linked_to="update1", publisher="afp.com",
        sources=("afp",),
    )  # fmt: skip
    copy2 = _member(
        "copy2",
        4,
        published=DAY + 2 * hour,
        word_count=500,
        link_type="copy",
        linked_to="update2",
        publisher="x",
    )
    members = [original, copy, update, update2, copy2]
    # An update replaces its own publisher's earlier versions, whatever copy it was linked to.
    assert superseded(members) == {"original": "update2", "update1": "update2"}
    # Without an earlier version of its own, it replaces the member it was linked to.
    assert superseded([copy, update]) == {"copy": "update1"}
    rule = CanonicalRule(("source-priority", "earliest"), ("afp",))
    # The newest version's members only: the rule picks among update2 and its copy.
    assert choose_canonical(members, rule).key == "update2"
    assert choose_canonical(members, CanonicalRule(("longest",))).key == "copy2"
    assert explain_canonical(members, rule) == {
        "update2": "newest version, source priority 1 (afp)",
        "copy2": "source not in the priority list",
        "original": "older version (updated)",
        "update1": "older version (updated)",
        "copy": "copy of an older version",
    }


# -- in the store: re-pick without re-ingesting, versions apart ---------------


def _rss(
    path: Path, items: Sequence[tuple[str, str, str, Sequence[str], datetime]], title: str = "Wire"
) -> str:
    """An RSS 2.0 file of (guid, headline, link, paragraphs, published) items."""
    entries = "".join(
        f"<item><guid>{escape(guid)}</guid><title>{escape(headline)}</title><link>{escape(link)}</link>"
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<description>{escape(''.join(f'<p>{p}</p>' for p in paragraphs))}</description></item>"
        for guid, headline, link, paragraphs, published in items
    )
    path.write_text(f"<rss version='2.0'><channel><title>{title}</title>{entries}</channel></rss>", "utf-8")
    return str(path)


def _entries(feed: bytes) -> list[etree._Element]:
    return list(etree.fromstring(feed).iterfind("a:entry", NS))


def _copies(tmp_path: Path) -> list[str]:
    """The story from three sources: the agency first, two sites later (one trimmed)."""
    hour = timedelta(hours=1)
    courier = ("c-1", HEADLINE, "https://courier.example/a/1", PARAGRAPHS, DAY + hour)
    wire = ("w-1", HEADLINE, "https://wire.example/w/1", PARAGRAPHS, DAY)
    herald = ("h-1", HEADLINE, "https://herald.example/h/1", PARAGRAPHS[:-2], DAY + 2 * hour)
    return [
        _rss(tmp_path / "courier.xml", [courier], "Courier"),
        _rss(tmp_path / "wire.xml", [wire], "Wire"),
        _rss(tmp_path / "herald.xml", [herald], "Herald"),
    ]


def _canonical_link(store: SqliteStore) -> str | None:
    (entry,) = store.iter_feed_order(canonical_only=True)
    return entry.article.url


def test_changing_the_rule_re_picks_canonicals_without_re_ingesting(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    with open_store(settings) as store:
        summary = ingest_inputs(_copies(tmp_path), store, settings, DAY)
        assert (summary.counts.new, summary.counts.duplicates) == (3, 2)
        assert _canonical_link(store) == "https://wire.example/w/1"  # earliest
    before = dump_store(tmp_path / "s.db")
    herald_first = CanonicalRule(("source-priority", "earliest"), ("herald.example",))
    with open_store(
        replace(settings, canonical=herald_first.steps, source_priority=herald_first.source_priority)
    ) as store:
        assert _canonical_link(store) == "https://herald.example/h/1"
        assert store.meta()["canonical_rule"] == herald_first.as_json()
        reasons = {local_key(k): why for k, why in story_clusters(store, herald_first)[0].why.items()}
        assert reasons["h-1"] == "source priority 1 (herald.example)"
    after = dump_store(tmp_path / "s.db")
    # Only the pick changed: no article, signature or band was touched.
    for table in ("articles", "signatures", "bands", "recent_bands"):
        assert before[table] == after[table]
    assert before["clusters"] != after["clusters"]
    with open_store(replace(settings, canonical=("latest",))) as store:
        assert _canonical_link(store) == "https://herald.example/h/1"
    with open_store(replace(settings, canonical=("longest", "latest"))) as store:
        assert _canonical_link(store) == "https://courier.example/a/1"


def test_a_writing_command_re_picks_under_a_new_rule_and_readers_keep_the_stored_one(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run is after the stories (an entry dated after its run is dated the run).
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int((DAY + timedelta(days=2)).timestamp())))
    db = str(tmp_path / "s.db")
    assert cli("ingest", *_copies(tmp_path), "--db", db).exit_code == 0
    shown = cli("emit", "--collapse", "--db", db)
    (entry,) = _entries(shown.stdout_bytes)
    assert entry.find("a:link", NS).get("href") == "https://wire.example/w/1"
    rule = ("--canonical", "source-priority", "--source-priority", "courier.example")
    changes_before = _change_count(db)
    # A reader given another rule shows the store's picks, says so, and writes nothing.
    result = cli("emit", "--collapse", "--db", db, *rule)
    (entry,) = _entries(result.stdout_bytes)
    assert entry.find("a:link", NS).get("href") == "https://wire.example/w/1"
    assert 'picked under "newest version, then earliest published' in result.stderr
    assert _change_count(db) == changes_before
    # A writing command re-picks (its inputs are unchanged: the rule is what changes).
    assert cli("ingest", *_copies(tmp_path), "--db", db, *rule).exit_code == 0
    result = cli("emit", "--collapse", "--db", db, *rule)
    (entry,) = _entries(result.stdout_bytes)
    assert entry.find("a:link", NS).get("href") == "https://courier.example/a/1"
    assert "warning" not in result.stderr
    table = cli("dups", "--db", db, "--canonical", "source-priority", "--source-priority", "courier.example")
    assert "yes: source priority 1 (courier.example)" in table.stdout
    assert (
        "canonical rule: newest version, then source priority (courier.example), then first by key"
        in table.stdout
    )
    bad = cli("emit", "--db", db, "--canonical", "source-priority")
    assert bad.exit_code == 1
    assert "canonical: source-priority needs a source_priority list" in bad.stderr


def test_a_new_version_under_the_same_guid_replaces_the_text_and_moves_updated(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    first = _rss(tmp_path / "v1.xml", [("w-1", HEADLINE, "https://wire.example/w/1", PARAGRAPHS[:-1], DAY)])
    corrected = [*PARAGRAPHS[:-1], "This story has been corrected to give the minister's full name."]
    second = _rss(tmp_path / "v2.xml", [("w-1", HEADLINE, "https://wire.example/w/1", corrected, DAY)])
    later = DAY + timedelta(hours=5)
    with open_store(settings) as store:
        ingest_inputs([first], store, settings, DAY)
        (before,) = _entries(atom_bytes(store, INFO))
        summary = ingest_inputs([second], store, settings, later)
        assert (summary.counts.new, summary.counts.updated, summary.counts.duplicates) == (0, 1, 0)
        (after,) = _entries(atom_bytes(store, INFO))
    assert after.findtext("a:id", None, NS) == before.findtext("a:id", None, NS)
    assert after.find("nn:story", NS).get("cluster") == before.find("nn:story", NS).get("cluster")
    assert after.findtext("a:updated", None, NS) == "2024-03-19T14:00:00Z"
    assert before.findtext("a:updated", None, NS) == "2024-03-19T09:00:00Z"
    assert "full name" in after.findtext("a:content", "", NS)


def test_an_older_version_arriving_late_changes_nothing(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))

    def atom(path: Path, updated: datetime, paragraphs: Sequence[str]) -> str:
        body = escape("".join(f"<p>{p}</p>" for p in paragraphs))
        when = updated.isoformat()
        path.write_text(
            f"<feed xmlns='{ATOM_NS}'><id>urn:wire</id><title>Wire</title><updated>{when}</updated>"
            f"<entry><id>urn:wire:1</id><title>{escape(HEADLINE)}</title><updated>{when}</updated>"
            f"<content type='html'>{body}</content></entry></feed>",
            "utf-8",
        )
        return str(path)

    newer = atom(tmp_path / "v2.xml", DAY + timedelta(hours=3), PARAGRAPHS)
    older = atom(tmp_path / "v1.xml", DAY, PARAGRAPHS[:-1])
    with open_store(settings) as store:
        ingest_inputs([newer], store, settings, DAY)
        summary = ingest_inputs([older], store, settings, DAY + timedelta(hours=4))
        assert (summary.counts.updated, summary.counts.unchanged) == (0, 1)
        (stored,) = store.stored_articles()
    assert stored.article.paragraphs[-1] == PARAGRAPHS[-1]


def test_a_re_send_under_its_own_id_is_shown_once_as_the_newest_version(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    original = ("w-1", HEADLINE, "https://wire.example/w/1", PARAGRAPHS, DAY)
    copy = ("c-1", HEADLINE, "https://courier.example/a/1", PARAGRAPHS, DAY + timedelta(minutes=30))
    update = (
        "w-2",
        f"UPDATE 1-{HEADLINE}",
        "https://wire.example/w/2",
        [*PARAGRAPHS, "Officials said late on Tuesday that the death toll had risen to 23."],
        DAY + timedelta(hours=4),
    )
    inputs = [
        _rss(tmp_path / "wire.xml", [original]),
        _rss(tmp_path / "courier.xml", [copy], "Courier"),
        _rss(tmp_path / "wire2.xml", [update]),
    ]
    with open_store(settings) as store:
        ingest_inputs(inputs, store, settings, DAY)
        feed = atom_bytes(store, INFO)
        collapsed = atom_bytes(store, INFO, collapse=True)
        stored = {s.article.input_id: s for s in store.stored_articles()}
        why = {local_key(k): reason for k, reason in story_clusters(store)[0].why.items()}
    assert stored["w-2"].link_type == "update"
    assert local_key(stored["w-1"].superseded_by or "") == "w-2"
    assert stored["w-2"].canonical
    ids = [e.findtext("nn:original-id", None, NS) for e in _entries(feed)]
    # The original is replaced by its update; the site's copy of it stays a flagged duplicate.
    assert sorted(ids) == ["c-1", "w-2"]
    (shown,) = _entries(collapsed)
    assert shown.findtext("nn:original-id", None, NS) == "w-2"
    assert shown.findtext("a:updated", None, NS) == "2024-03-19T13:00:00Z"
    # The cluster keeps the id its founder gave it.
    assert shown.find("nn:story", NS).get("cluster") == atom_id(stored["w-1"].article.key)
    assert etree.fromstring(feed).findtext("a:updated", None, NS) == "2024-03-19T13:00:00Z"
    assert why == {
        "w-2": "newest version",
        "w-1": "older version (updated)",
        "c-1": "copy of an older version",
    }


def test_a_schema_3_store_gets_its_versions_and_rule_on_open(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "s.db"))
    original = ("w-1", HEADLINE, "https://wire.example/w/1", PARAGRAPHS, DAY)
    update = (
        "w-2",
        f"CORRECTED-{HEADLINE}",
        "https://wire.example/w/2",
        PARAGRAPHS[:-1],
        DAY + timedelta(hours=1),
    )
    with open_store(settings) as store:
        ingest_inputs(
            [_rss(tmp_path / "a.xml", [original]), _rss(tmp_path / "b.xml", [update])], store, settings, DAY
        )
    # What a store of schema 3 looked like: no superseded table, no stored rule.
    with sqlite3.connect(settings.db) as db:
        db.execute("DROP TABLE superseded")
        db.execute("DELETE FROM meta WHERE key = 'canonical_rule'")
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with open_store(settings) as store:
        assert store.meta()["schema_version"] == str(SCHEMA_VERSION)
        assert [s.article.input_id for s in store.iter_feed_order()] == ["w-2"]


def _change_count(db: str) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM changes").fetchone()[0])
