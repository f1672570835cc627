"""Progress that moves (a real process on a pseudo-terminal), and Ctrl-C that says
what was stored."""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from .limits import ROOT, child_environment, newsnorm_command
from .story_corpus import make_items, write_feeds

GUARD = 300  # seconds: a run this long is a hang


def test_the_status_line_counts_entries_as_they_are_stored(tmp_path: Path) -> None:
    feeds = write_feeds(tmp_path / "feeds", make_items(600, seed=9), per_feed=300)
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        newsnorm_command("ingest", *map(str, feeds), "--db", str(tmp_path / "s.db")),
        cwd=ROOT, env=child_environment(), stdout=subprocess.DEVNULL, stderr=terminal,
    )  # fmt: skip
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    assert process.wait(timeout=GUARD) == 0
    os.close(controller)
    text = seen.decode("utf-8", "replace")
    lines = [part for part in text.split("\r") if "entries (" in part]
    # Redrawn as entries are stored, within each 300-entry feed, not only between files.
    counts = {int(line.split(" inputs, ", 1)[1].split(" entries", 1)[0].replace(",", "")) for line in lines}
    assert any(0 < count < 300 for count in counts) and any(300 < count < 600 for count in counts)
    assert "storing " in text and "/s)" in text
    assert "read 2 inputs, 600 entries" in text  # the summary after it


def test_ctrl_c_says_what_was_stored_and_exits_130(tmp_path: Path) -> None:
    feeds = write_feeds(tmp_path / "feeds", make_items(2000, seed=10), per_feed=50)
    db = tmp_path / "s.db"
    process = subprocess.Popen(
        newsnorm_command("ingest", *map(str, feeds), "--db", str(db)),
        cwd=ROOT, env=child_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists() and _articles(db) >= 100:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=GUARD)
    message = stderr.decode()
    assert process.returncode != 0, "it finished before the signal: make the run longer"
    assert process.returncode == 130, message
    assert "interrupted: what is listed above was stored (the input" in message and "Traceback" not in message
    stored = int(message.split("store (interrupted): ", 1)[1].split(" articles", 1)[0])
    assert stored == _articles(db) and 0 < stored < 2000
    assert stored % 50 == 0  # whole inputs only: the one being stored was rolled back


def _articles(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=60) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0
