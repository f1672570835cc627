"""Duplicate judgement beyond the text, end to end: one source's standing teaser,
headline-only items, recurring bulletins; each link says its rule and each refusal
its reason (``dups --format json``)."""

from __future__ import annotations

import json
from pathlib import Path

from .test_cli import Cli

_TEASER = "Die wichtigsten Meldungen des Tages, kurz zusammengefasst und verlinkt: hier lesen Sie alles."
_STORY = (
    "The quake struck at a depth of 10 kilometres off the coast of Miyagi prefecture on Tuesday morning, "
    "the meteorological agency said, and no tsunami warning was issued for the region. Trains on the "
    "Tohoku line were halted for inspection and power was cut to several thousand homes for about an hour, "
    "the local utility said in a statement issued before noon."
)


_MORNING = "Thu, 02 Nov 2023 06:00:00 GMT"


def _item(title: str, link: str, body: str | None, date: str) -> str:
    description = f"<description>{body}</description>" if body is not None else ""
    head = f"<title>{title}</title><link>{link}</link><guid>{link}</guid>"
    return f"<item>{head}{description}<pubDate>{date}</pubDate></item>"


def _feed(path: Path, items: list[str]) -> str:
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>'
        f"<link>https://feed.example/</link><description>d</description>{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )
    return str(path)


def test_links_say_their_rule_and_refusals_their_reason(cli: Cli, tmp_path: Path) -> None:
    briefings = _feed(
        tmp_path / "heise.xml",
        [
            _item("Kurz informiert: ÖPNV, Meta, Tesla", "https://www.heise.de/a-1", _TEASER, _MORNING),
            _item(
                "Kurz informiert: Netzhautverpflanzung, Bahn", "https://www.heise.de/a-2", _TEASER, _MORNING
            ),
        ],
    )
    headline = "Strong earthquake strikes off northeast Japan coast"
    wire = _feed(
        tmp_path / "wire.xml",
        [_item(headline, "https://wire.example/quake", _STORY, "Fri, 03 Nov 2023 02:00:00 GMT")],
    )
    bare = _feed(
        tmp_path / "bare.xml",
        [_item(headline, "https://portal.example/q", None, "Fri, 03 Nov 2023 03:00:00 GMT")],
    )
    # A site's one-line notice, the same words on two days a week apart.
    notice = "The central bank left its reference rate unchanged in its daily notice to member banks."
    bank = _feed(
        tmp_path / "bank.xml",
        [
            _item("Daily notice", "https://bank.example/n1", notice, "Thu, 02 Nov 2023 09:00:00 GMT"),
            _item("Daily notice", "https://bank.example/n2", notice, "Thu, 09 Nov 2023 09:00:00 GMT"),
        ],
    )
    db = str(tmp_path / "s.db")
    result = cli("ingest", briefings, bare, wire, bank, "--db", db)
    assert result.exit_code == 0, result.output
    data = json.loads(cli("dups", "--format", "json", "--db", db).stdout)
    assert [sorted(c) for c in data["clusters"] if len(c) > 1] == [
        ["https://portal.example/q", "https://wire.example/quake"]
    ]
    (link,) = data["links"]
    assert (link["rule"], link["type"]) == ("headline", "excerpt")
    assert data["refused"] == [
        {"id": "https://bank.example/n2", "candidate": "https://bank.example/n1", "reason": "dates"},
        {"id": "https://www.heise.de/a-2", "candidate": "https://www.heise.de/a-1", "reason": "template"},
    ]
    table = cli("dups", "--db", db).stdout
    assert "excerpt: same headline" in table
