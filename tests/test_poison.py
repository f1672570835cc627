"""No single value can poison the store: texts are made storable where readers hand
them over and again where the store takes them, and a stored entry that no XML could
hold is written made storable, so emit and serve go on working."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .conftest import Cli

NINJS = {
    "uri": "urn:ninjs:poison",
    "type": "text",
    "headline": "Talks \ud800resume",
    "located": "Par\ud800is",
    "language": "fr\u0007",
    "body_text": "Officials said the talks would resume on Monday in the capital after a week of delays.",
}
JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Wire \udfff",
    "items": [
        {
            "id": "urn:json:\ud800poison",
            "title": "Quake \udc00hits",
            "url": "https://x.example/a",
            "content_text": "A strong earthquake struck the coast on Monday, officials said \ud83d.",
        }
    ],
}


POISONED_DATELINE = {"place": "PAR\ud800IS", "month": 5, "day": 14, "date": None, "raw": "PAR\ud800IS -"}


def _write_json(path: Path, document: object) -> Path:
    # json.dumps writes a lone surrogate as its \\ud800 escape, as a hostile feed would.
    path.write_text(json.dumps(document), encoding="ascii")
    return path


def test_lone_surrogates_and_controls_from_json_are_stored_as_replacement_characters(
    cli: Cli, tmp_path: Path
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    _write_json(inputs / "n.json", NINJS)
    _write_json(inputs / "f.json", JSON_FEED)
    db = str(tmp_path / "s.db")
    stored = cli("ingest", str(inputs), "--db", db)
    assert stored.exit_code == 0, stored.output
    assert "2 new" in stored.output
    for _ in range(2):  # every later emit works too
        emitted = cli("emit", "--db", db)
        assert emitted.exit_code == 0, emitted.output
        assert emitted.stdout.count("<entry") == 2
    assert "Par\ufffdis" in emitted.stdout and "Quake \ufffdhits" in emitted.stdout
    assert "\u0007" not in emitted.stdout


def test_a_store_poisoned_before_still_emits_every_entry(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    feed = tmp_path / "f.json"
    item = {**JSON_FEED["items"][0], "id": "urn:ok"}  # type: ignore[index]
    _write_json(feed, {**JSON_FEED, "items": [item]})
    assert cli("ingest", str(feed), "--db", db).exit_code == 0
    # What an earlier version stored: a dateline whose JSON holds a lone surrogate, a
    # language tag with a control character.
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE articles SET dateline = ?, language = ?",
            (json.dumps(POISONED_DATELINE), "en\x01"),
        )
    emitted = cli("emit", "--db", db)
    assert emitted.exit_code == 0, emitted.output
    assert emitted.stdout.count("<entry") == 1 and "PAR\ufffdIS" in emitted.stdout
