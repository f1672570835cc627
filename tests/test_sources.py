"""INPUT arguments to documents: folder walks, the run's own files, unreadable folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from feeds.intake.sources import expand_inputs, own_files
from normalizer.model import PassedOver

from .conftest import Cli

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"


def test_a_walk_passes_over_the_store_and_the_output_by_real_path(tmp_path: Path) -> None:
    for name in ("a.rss", "s.db", "s.db-wal", "s.db-shm", "out.atom", "notes.txt"):
        (tmp_path / name).write_text("x", "utf-8")
    (tmp_path / "sub").mkdir()
    own = own_files(str(tmp_path / "s.db"), str(tmp_path / "sub" / ".." / "out.atom"))
    found = expand_inputs([str(tmp_path)], own)
    assert [Path(n).name for n in found.names] == ["a.rss", "notes.txt"]
    assert [(Path(p.source).name, p.reason) for p in found.passed_over] == [
        ("out.atom", "the feed this run writes, not an input"),
        ("s.db", "the run's own store, not an input"),
        ("s.db-shm", "the run's own store, not an input"),
        ("s.db-wal", "the run's own store, not an input"),
    ]
    # Named on the command line, a file is read whatever it is.
    assert expand_inputs([str(tmp_path / "s.db")], own_files(str(tmp_path / "s.db"), None)).names == [
        str(tmp_path / "s.db")
    ]


def test_running_twice_in_one_folder_reads_the_feeds_and_nothing_of_its_own(cli: Cli, tmp_path: Path) -> None:
    shutil.copy(DEMO / "heise.atom", tmp_path)
    os.chdir(tmp_path)
    try:
        first = cli("run", ".", "-o", "u.atom", "--db", "u.db")
        second = cli("run", ".", "-o", "u.atom", "--db", "u.db")
        # An earlier output written elsewhere, given back as an input.
        third = cli("run", "u.atom", "-o", "other.atom", "--db", "u.db")
    finally:
        os.chdir(Path(__file__).resolve().parent.parent)
    assert first.exit_code == second.exit_code == third.exit_code == 0, second.output
    assert "15 new" in first.stderr and "15 unchanged" in second.stderr
    assert "  u.atom: the feed this run writes, not an input" in second.stderr
    assert "  u.db: the run's own store, not an input" in second.stderr
    assert "0 entries: 0 new" in third.stderr
    assert "u.atom: an Atom feed this newsnorm wrote" in third.stderr


def test_a_feed_with_another_id_is_read_even_if_newsnorm_wrote_it(cli: Cli, tmp_path: Path) -> None:
    upstream = tmp_path / "upstream.atom"
    assert cli("run", str(DEMO / "heise.atom"), "-o", str(upstream), "--db", str(tmp_path / "a.db"),
               "--feed-id", "urn:example:upstream").exit_code == 0  # fmt: skip
    result = cli("ingest", str(upstream), "--db", str(tmp_path / "b.db"))
    assert result.exit_code == 0 and "15 new" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read any folder: the permission cannot be taken away")
def test_an_unreadable_folder_is_named_and_rejected(cli: Cli, tmp_path: Path) -> None:
    locked = tmp_path / "feeds" / "locked"
    locked.mkdir(parents=True)
    locked.chmod(0)
    try:
        result = cli("ingest", str(tmp_path / "feeds"), "--db", str(tmp_path / "s.db"))
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 3
    assert f"  {locked}: cannot read the folder: Permission denied" in result.stderr


def test_passed_over_is_a_value_with_its_reason() -> None:
    assert (
        str(PassedOver("u.db", "the run's own store, not an input"))
        == "u.db: the run's own store, not an input"
    )


def test_a_walk_does_not_follow_symbolic_links_or_read_fifos(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "story.txt").write_text("A headline\n\nA story of a few words.\n", "utf-8")
    (feeds / "passwd.txt").symlink_to(secret)
    os.mkfifo(feeds / "pipe.txt")
    found = expand_inputs([str(feeds)])
    assert [Path(n).name for n in found.names] == ["story.txt"]
    reasons = {Path(p.source).name: p.reason for p in found.passed_over}
    assert reasons["passwd.txt"].startswith("a symbolic link: not followed")
    assert reasons["pipe.txt"].startswith("not a regular file")
    # Named on the command line, a link is read: the user asked for that file.
    assert expand_inputs([str(feeds / "passwd.txt")]).names == [str(feeds / "passwd.txt")]


def test_output_never_replaces_a_device_or_writes_through_a_link(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert cli("ingest", str(DEMO / "heise.atom"), "--db", db).exit_code == 0
    before = os.stat("/dev/null")
    assert cli("emit", "--db", db, "-o", "/dev/null").exit_code == 0
    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)  # still the device
    target = tmp_path / "elsewhere.atom"
    (tmp_path / "link.atom").symlink_to(target)
    result = cli("emit", "--db", db, "-o", str(tmp_path / "link.atom"))
    assert result.exit_code == 1 and "is a symbolic link" in result.stderr
    assert not target.exists() and (tmp_path / "link.atom").is_symlink()
