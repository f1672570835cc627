"""The command line as a user meets it: exit codes, stdout, stderr."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from cli import main
from normalizer import __version__
from normalizer.settings import COMMANDS, SETTINGS

from .conftest import FIXED_EPOCH

Cli = Callable[..., Result]
HOSTILE_BOMB = "fixtures/hostile/quadratic-blowup-in-atom.atom"
SEED = "fixtures/demo/agencies-dateline-seed.txt"


def test_run_writes_atom_and_summarises_on_stderr(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out.atom"
    result = cli("run", "fixtures/demo", "-o", str(out), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "read 6 inputs, 35 entries: 35 new (1 near-duplicates of stored stories)" in result.stderr
    assert f"wrote {out}" in result.stderr
    assert out.read_bytes().startswith(b"<?xml")


def test_hostile_input_is_one_line_and_the_run_goes_on_with_exit_3(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out.atom"
    result = cli("run", HOSTILE_BOMB, SEED, "-o", str(out), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 3
    lines = [line for line in result.stderr.splitlines() if HOSTILE_BOMB in line]
    assert lines == [
        f"  {HOSTILE_BOMB}: refused: the document declares XML entities (possible entity bomb or XXE)"
    ]
    assert "1 new" in result.stderr
    assert b"Tough IS fight ahead" in out.read_bytes()


def test_ingest_then_emit_equals_run(cli: Cli, tmp_path: Path) -> None:
    assert cli("ingest", "fixtures/demo", "--db", str(tmp_path / "a.db")).exit_code == 0
    emitted = cli("emit", "--db", str(tmp_path / "a.db"))
    assert emitted.exit_code == 0
    out = tmp_path / "run.atom"
    assert cli("run", "fixtures/demo", "-o", str(out), "--db", str(tmp_path / "b.db")).exit_code == 0
    assert emitted.stdout_bytes == out.read_bytes()


def test_clean_json(cli: Cli) -> None:
    result = cli("clean", "--format", "json", SEED)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["title"] == "Tough IS fight ahead"
    assert data["dateline"] == {
        "place": "PARIS",
        "date": None,
        "month": 10,
        "day": 2,
        "raw": "PARIS, Oct 2, (Agencies):",
    }
    assert data["agency"] == "Agencies"
    assert [r["rule"] for r in data["removed"]] == [
        "rule-line",
        "check-also",
        "check-also",
        "check-also",
        "translate-widget",
    ]
    assert set(data) >= {
        "title",
        "body",
        "dateline",
        "agency",
        "byline",
        "published",
        "url",
        "language",
        "removed",
    }


def test_clean_text_from_stdin(cli: Cli) -> None:
    data = Path(SEED).read_bytes()
    result = cli("clean", input=data)
    assert result.exit_code == 0
    paragraphs = result.stdout.strip().split("\n\n")
    assert len(paragraphs) == 10
    assert paragraphs[0].startswith("The US-led military alliance")


def test_clean_html_is_sanitised(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>T</title></head><body><article><h1>Headline</h1>"
        "<p onclick='x()'>First <script>alert(1)</script>paragraph &lt;b&gt;.</p>"
        "<p><a href='javascript:alert(1)'>Second</a> paragraph.</p></article></body></html>",
        "utf-8",
    )
    result = cli("clean", "--format", "html", str(page))
    assert result.exit_code == 0
    assert result.stdout.strip() == "<p>First paragraph &lt;b&gt;.</p><p>Second paragraph.</p>"


def test_dups_json_stateless(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    demo = Path("fixtures/demo").resolve()
    monkeypatch.chdir(tmp_path)
    result = cli("dups", "--format", "json", str(demo))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    clusters = data["clusters"]
    ids = [i for cluster in clusters for i in cluster]
    assert len(ids) == len(set(ids)) == 35
    assert sorted(clusters[0]) == ["scraped-article-agencies-dateline", "scraped-article-near-duplicate"]
    assert data["params"]["num_perm"] == "128" and data["params"]["scheme"] == "affine32"
    # Each link says its type and the figures that decided it.
    (link,) = data["links"]
    # An edited copy: neither text is 92% inside the other.
    assert link["id"] in clusters[0] and link["type"] == "rewrite" and link["rule"] == "jaccard"
    assert link["jaccard"] == pytest.approx(0.81, abs=0.01)
    assert 0.8 <= min(link["containment_new"], link["containment_old"]) < 0.92
    # And which copy the cluster shows, and why.
    assert data["canonical"] == [
        {"id": clusters[0][0], "canonical": True, "why": "longest (73 words)", "superseded_by": None},
        {"id": clusters[0][1], "canonical": False, "why": "shorter (72 words)", "superseded_by": None},
    ]
    assert (
        data["canonical_rule"]
        == "newest version, then earliest published, then longest body, then first by key"
    )
    assert list(tmp_path.iterdir()) == []  # no store was written


def test_dups_table_over_a_store(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    cli("ingest", "fixtures/demo", "--db", db)
    result = cli("dups", "--db", db)
    assert result.exit_code == 0
    first_rows = result.stdout.splitlines()[1:3]
    assert first_rows[0].startswith("1         1.00  rewrite: jaccard 0.81        yes: longest (73 words)")
    assert first_rows[1].startswith("1         0.81  founded the cluster          no: shorter (72 words)")
    assert "canonical rule: newest version, then earliest published, then longest body" in result.stdout


def test_dups_without_inputs_or_store_is_an_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("dups", "--db", str(tmp_path / "missing.db"))
    assert result.exit_code == 1
    assert "no such store" in result.stderr


def test_validate(cli: Cli, tmp_path: Path) -> None:
    good = tmp_path / "good.atom"
    cli("run", SEED, "-o", str(good), "--db", str(tmp_path / "s.db"))
    assert cli("validate", str(good)).exit_code == 0
    bad = tmp_path / "bad.atom"
    bad.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', "utf-8")
    result = cli("validate", str(bad))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{bad}:1: ")


def test_store_parameter_mismatch_is_exit_1_with_one_line(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert cli("ingest", SEED, "--db", db).exit_code == 0
    result = cli("ingest", SEED, "--db", db, "--seed", "9")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "seed 1 (store) vs 9 (run)" in result.stderr


def test_missing_input_is_rejected_not_fatal(cli: Cli, tmp_path: Path) -> None:
    result = cli("ingest", "no/such/file.xml", SEED, "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 3
    assert "no/such/file.xml: no such file or folder" in result.stderr


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("run", "-o", "x.atom").exit_code == 2
    assert cli("clean", "--format", "pdf").exit_code == 2


def test_settings_from_environment_and_flags(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("NEWSNORM_DB", str(db))
    assert cli("ingest", SEED).exit_code == 0
    assert db.exists()
    flagged = tmp_path / "flag.db"
    assert cli("ingest", SEED, "--db", str(flagged)).exit_code == 0
    assert flagged.exists()


@pytest.mark.parametrize("command", sorted(main.commands))  # type: ignore[attr-defined]
def test_every_command_has_help_with_its_own_settings(cli: Cli, command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert result.stdout.split()[:3] == ["Usage:", "main", command]  # (CliRunner names it main)
    # Each flag a command lists is one of the settings declared for it, and every one
    # of those is listed, with its environment variable (no hand-kept lists to drift).
    for setting in SETTINGS:
        listed = f"{setting.flag} " in result.stdout
        assert listed == (command in setting.commands), (command, setting.name)
        if listed:
            assert setting.env_var in result.stdout


def test_every_command_is_declared_for_settings() -> None:
    assert set(COMMANDS) == set(main.commands)  # type: ignore[attr-defined]
    assert all(set(s.commands) <= set(COMMANDS) and s.commands for s in SETTINGS)


@pytest.mark.parametrize("command", [None, *sorted(main.commands)])  # type: ignore[attr-defined]
def test_every_command_answers_version(cli: Cli, command: str | None) -> None:
    result = cli(*([command] if command else []), "--version")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"newsnorm, version {__version__}\n"


@pytest.mark.parametrize("bad", [["--bands", "50"], ["--num-perm", "0"], ["--jaccard-threshold", "7"]])
def test_a_bad_setting_is_one_line_and_touches_no_store(cli: Cli, tmp_path: Path, bad: list[str]) -> None:
    new = tmp_path / "new.db"
    result = cli("ingest", SEED, "--db", str(new), *bad)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no store was created
    kept = tmp_path / "kept.db"
    assert cli("ingest", SEED, "--db", str(kept)).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert cli("ingest", "fixtures/demo", "--db", str(kept), *bad).exit_code == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert cli("ingest", "fixtures/demo", "--db", str(kept)).exit_code == 0  # and it still opens


def test_commands_that_only_read_refuse_a_missing_store(cli: Cli, tmp_path: Path) -> None:
    for command in (["emit"], ["dups"]):
        result = cli(*command, "--db", str(tmp_path / "typo.db"))
        assert result.exit_code == 1
        assert "typo.db: no such store" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_clean_over_many_articles_prints_json_lines_and_separated_text(cli: Cli) -> None:
    feed = "fixtures/demo/heise.atom"
    lines = cli("clean", "--format", "json", feed).stdout.splitlines()
    assert len(lines) == 15 and len({json.loads(line)["title"] for line in lines}) == 15
    text = cli("clean", feed).stdout
    assert text.count("\n* * *\n") == 14
    assert text.startswith("# Java-Anwendungsserver: Red Hat gibt WildFly 10 frei\n\n")


def test_clean_of_a_feed_with_no_entries_names_it_and_why(cli: Cli) -> None:
    feed = "fixtures/hostile/external-dtd-loopback.atom"
    result = cli("clean", feed)
    assert result.exit_code == 3
    assert f"  {feed}: no article found (a feed with no entries)" in result.stderr.splitlines()


def test_a_run_that_changed_nothing_does_not_rewrite_its_feed(cli: Cli, tmp_path: Path) -> None:
    out, db = tmp_path / "out.atom", str(tmp_path / "s.db")
    assert cli("run", "fixtures/demo/heise.atom", "-o", str(out), "--db", db).exit_code == 0
    written = out.stat().st_mtime_ns
    again = cli("run", "fixtures/demo/heise.atom", "-o", str(out), "--db", db)
    assert again.exit_code == 0 and f"{out}: nothing changed since it was written" in again.stderr
    assert out.stat().st_mtime_ns == written
    # Another title for the feed, a new input, or a missing file: written again.
    assert "wrote" in cli("run", "fixtures/demo/heise.atom", "-o", str(out), "--db", db,
                          "--feed-title", "Other").stderr  # fmt: skip
    assert "wrote" in cli("run", SEED, "-o", str(out), "--db", db, "--feed-title", "Other").stderr
    out.unlink()
    assert "wrote" in cli("run", SEED, "-o", str(out), "--db", db, "--feed-title", "Other").stderr
    assert out.exists()


def test_a_whole_feed_is_the_newest_entries_up_to_the_limit_and_since(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert cli("ingest", "fixtures/demo", "--db", db).exit_code == 0
    every = cli("emit", "--db", db, "--limit", "0").stdout
    ids = [part.split("<id>", 1)[1].split("</id>", 1)[0] for part in every.split("<entry")[1:]]
    updated = [part.split("<updated>", 1)[1].split("</updated>", 1)[0] for part in every.split("<entry")[1:]]
    assert len(ids) == 35
    newest = cli("emit", "--db", db, "--limit", "5").stdout
    assert [part.split("<id>", 1)[1].split("</id>", 1)[0] for part in newest.split("<entry")[1:]] == ids[:5]
    # Since the fifth entry's time: the entries from then on, and nothing older.
    cut = updated[4]
    recent = cli("emit", "--db", db, "--limit", "0", "--since", cut).stdout
    kept = [part.split("<updated>", 1)[1].split("</updated>", 1)[0] for part in recent.split("<entry")[1:]]
    assert kept == [moment for moment in updated if moment >= cut] and 5 <= len(kept) < 35
    # An age counts back from the run's clock (SOURCE_DATE_EPOCH): within a day of it are
    # the undated inputs, dated when they were stored; within fifty years, everything.
    from datetime import UTC, datetime, timedelta

    day_before = (datetime.fromtimestamp(int(FIXED_EPOCH), UTC) - timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    within_a_day = [moment for moment in updated if moment >= day_before]
    assert 0 < len(within_a_day) < 35
    assert cli("emit", "--db", db, "--since", "1d").stdout.count("<entry") == len(within_a_day)
    assert cli("emit", "--db", db, "--since", "18250d").stdout.count("<entry") == 35
    bad = cli("emit", "--db", db, "--since", "last tuesday")
    assert bad.exit_code != 0 and "since must be an ISO 8601 date or time, or an age" in bad.stderr


def test_dups_shows_the_stories_with_copies_and_fits_its_lines(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert cli("ingest", "fixtures/demo", "--db", db).exit_code == 0
    table = cli("dups", "--db", db).stdout.splitlines()
    members = table[1:-1]
    assert len(members) == 2  # the one cluster of two, not 34 singletons
    everything = cli("dups", "--db", db, "--min-size", "1").stdout.splitlines()
    assert len(everything) == 2 + 35
    assert len(cli("dups", "--db", db, "--min-size", "1", "--top", "3").stdout.splitlines()) == 2 + 4
    # JSON lists every article's cluster unless asked otherwise.
    assert (
        sum(len(c) for c in json.loads(cli("dups", "--db", db, "--format", "json").stdout)["clusters"]) == 35
    )
    shown = json.loads(cli("dups", "--db", db, "--format", "json", "--min-size", "2").stdout)["clusters"]
    assert [len(c) for c in shown] == [2]
    # Long sources and titles are cut on the right, the id kept whole.
    assert all(not line[56:80].startswith("ticle-") for line in everything)


def test_the_cluster_table_fits_a_terminal_width(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from feeds.jobs import ingest_inputs
    from feeds.publish.reports import cluster_table, story_clusters
    from normalizer.settings import Settings
    from normalizer.store import open_store

    settings = Settings(db=str(tmp_path / "s.db"))
    with open_store(settings) as store:
        ingest_inputs(["fixtures/demo"], store, settings, datetime(2026, 1, 1, tzinfo=UTC))
        clusters = story_clusters(store, store.canonical)
        narrow = cluster_table(clusters, store.canonical, width=200).splitlines()
    for line in narrow[1:-1]:
        if "yes: only member" in line or "no:" in line:
            assert line.endswith("]")  # the id survives the cut
    assert max(len(line) for line in narrow[:-1] if "only member" in line) <= 200
    assert any("…" in line for line in narrow)  # some title had to give way


def test_ingest_run_and_validate_give_one_json_object_on_stdout(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    broken = tmp_path / "broken.rss"
    broken.write_bytes(b"")
    result = cli("ingest", "fixtures/demo", str(broken), "--db", db, "--format", "json")
    assert result.exit_code == 3  # one input rejected, as in text
    document = json.loads(result.stdout)
    assert document["entries"] == {"read": 35, "new": 35, "near_duplicates": 1, "updated": 0, "unchanged": 0}
    assert document["store"] == {"name": db, "articles": 35}
    assert [r["source"] for r in document["rejected"]] == [str(broken)]
    assert document["rejected"][0]["reason"] and document["seconds"] >= 0
    assert "read " not in result.stderr  # no text summary besides
    out = tmp_path / "out.atom"
    again = json.loads(cli("run", "fixtures/demo", "-o", str(out), "--db", db, "--format", "json").stdout)
    assert again["entries"]["unchanged"] == 35 and again["output"] == {"path": str(out), "written": True}
    refused = cli("run", "fixtures/demo", "-o", "-", "--db", db, "--format", "json")
    assert refused.exit_code == 2 and "give -o a file" in refused.stderr
    valid = json.loads(cli("validate", str(out), "--format", "json").stdout)
    assert valid == {"file": str(out), "valid": True, "problems": []}
    invalid = cli("validate", str(broken), "--format", "json")
    assert invalid.exit_code != 0


def test_logging_says_more_with_v_less_with_q_and_json_on_request(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    quiet = cli("ingest", "fixtures/demo", "--db", db, "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    verbose = cli("ingest", "fixtures/demo/heise.atom", "--db", str(tmp_path / "v.db"), "-v")
    assert "INFO newsnorm.jobs: fixtures/demo/heise.atom: atom, " in verbose.stderr
    assert "15 entries: 15 new (0 duplicates)" in verbose.stderr
    assert "DEBUG" not in verbose.stderr and "read 1 inputs" in verbose.stderr
    debug = cli("ingest", "fixtures/demo", "--db", str(tmp_path / "d.db"), "-vv")
    assert "DEBUG newsnorm.pipeline: " in debug.stderr and "joins " in debug.stderr
    assert "a new story" in debug.stderr
    as_json = ("-v", "--log-format", "json")
    lines = cli("ingest", "fixtures/demo", "--db", str(tmp_path / "j.db"), *as_json).stderr
    records = [json.loads(line) for line in lines.splitlines() if line.startswith("{")]
    assert records and {r["logger"] for r in records} == {"newsnorm.jobs"}
    assert all(r["level"] == "info" and r["time"] and r["message"] for r in records)
    plain = cli("ingest", "fixtures/demo", "--db", str(tmp_path / "p.db"))
    assert "INFO" not in plain.stderr  # warnings only, by default


def test_readers_adopt_the_stores_fingerprint_parameters(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    made = ("--num-perm", "64", "--bands", "16", "--rows", "4")
    assert cli("ingest", "fixtures/demo", "--db", db, *made).exit_code == 0
    assert cli("emit", "--db", db).stdout.count("<entry") == 34 + 1
    assert cli("dups", "--db", db).exit_code == 0
    assert "--num-perm" not in cli("emit", "--help").stdout  # fixed when a store is made
    # A writer must give the store's own (its signatures must compare).
    writer = cli("ingest", "fixtures/demo", "--db", db)
    assert writer.exit_code == 1 and "made with other parameters" in writer.stderr


def test_emit_gives_its_summary_as_json(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert cli("ingest", "fixtures/demo", "--db", db).exit_code == 0
    out = tmp_path / "feed.atom"
    document = json.loads(cli("emit", "--db", db, "-o", str(out), "--limit", "7", "--format", "json").stdout)
    assert document["entries"] == 7 == out.read_bytes().count(b"<entry")
    assert document["left_out"] == [] and document["store"] == db and not document["changed_only"]
    collapsed = json.loads(
        cli("emit", "--db", db, "-o", str(out), "--collapse", "--limit", "0", "--format", "json").stdout
    )
    assert collapsed["entries"] == 34 and collapsed["collapsed"]
    assert cli("emit", "--db", db, "--format", "json").exit_code == 2  # the feed would be on stdout too
