"""A benchmark corpus that reads like real feeds: real article paragraphs in many
languages, several paragraphs an item, outlets' chrome, 30% republished.

The sentences come from the development pages in ``fixtures/fundus/`` (real news
pages of 25 countries, with their expected bodies), so the corpus needs nothing
outside the project. Each original story is real sentences of one country's pages,
drawn afresh, in paragraphs of two or three (the pages hold about 1,200 paragraphs:
stories made of whole paragraphs would share them and merge into giant clusters no
real feed has), its headline the start of one of them; about 30% of items re-publish an earlier story
through another outlet: the tail trimmed, a new headline, words changed, or the
same text. Each outlet (feed) has its own chrome: a sign-off line, a share bar or
a "read more" line, in its language, on most of its items; bodies are HTML, one
``<p>`` a paragraph. Deterministic for a seed.

    .venv/bin/python -m bench.real_corpus OUT_FOLDER [--items 4000]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["describe", "make_real_corpus"]

_FUNDUS = Path(__file__).resolve().parent.parent / "fixtures" / "fundus"
PER_FEED = 250
REPUBLISHED = 0.3

# Outlets' chrome, as real sites write it: the even outlets' in ASCII, the odd ones'
# not (with the pages' own text, about half the items are then non-ASCII).
_ASCII_CHROME = (
    "Share this article: Facebook Twitter WhatsApp Email",
    "Follow {outlet} on WhatsApp for the latest news.",
    "The post appeared first on {outlet}.",
    "Read more from {outlet}:",
)
_CHROME = (
    "© {year} {outlet}. All rights reserved.",
    "Read more »",
    "© {outlet} {year}. Alle Rechte vorbehalten.",
    "Lesen Sie auch:",
    "© {outlet} — Tous droits réservés.",
    "A lire aussi :",
    "Поделиться: ВКонтакте Telegram",
    "© {outlet}. Все права защищены.",
    "関連記事",
)


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


def _sentences() -> dict[str, list[str]]:
    """Each country's sentences (of at least 30 characters), in file order."""
    found: dict[str, list[str]] = {}
    for path in sorted(_FUNDUS.glob("*/*.json")):
        pool = found.setdefault(path.parent.name, [])
        for version in json.loads(path.read_text(encoding="utf-8")).values():
            body = version.get("body") or {}
            paragraphs = list(body.get("summary") or [])
            for section in body.get("sections") or []:
                paragraphs.extend(section.get("paragraphs") or [])
            for paragraph in paragraphs:
                pool.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if len(s.strip()) >= 30)
    # A small pool would give stories that share most sentences.
    return {country: pool for country, pool in found.items() if len(pool) >= 80}


def _headline(rng: random.Random, paragraph: str) -> str:
    words = paragraph.split()
    if len(words) < 4:  # a script written without spaces
        return paragraph[: rng.randint(16, 28)]
    return " ".join(words[: rng.randint(6, 12)]).rstrip(",.;:")


def _original(rng: random.Random, pool: list[str]) -> tuple[str, list[str]]:
    drawn = iter(rng.sample(pool, 12))
    paragraphs = [" ".join(next(drawn) for _ in range(rng.randint(2, 3))) for _ in range(rng.randint(3, 4))]
    return _headline(rng, paragraphs[0]), paragraphs


def _variant(rng: random.Random, title: str, paragraphs: list[str]) -> tuple[str, list[str]]:
    kind = rng.choice(("trim", "headline", "edit", "same"))
    if kind == "trim" and len(paragraphs) > 2:
        return title, paragraphs[: max(2, len(paragraphs) - rng.randint(1, 2))]
    if kind == "headline":
        return _headline(rng, paragraphs[-1]), paragraphs
    if kind == "edit":
        words = paragraphs[0].split()
        for _ in range(min(3, len(words))):
            words[rng.randrange(len(words))] = rng.choice(words)
        return title, [" ".join(words), *paragraphs[1:]]
    return title, paragraphs


def _item_xml(guid: str, title: str, paragraphs: list[str], hour: int) -> str:
    html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<item><guid>{escape(guid)}</guid><title>{escape(title)}</title>"
        f"<link>{escape(guid)}</link><pubDate>Tue, 02 Oct 2018 {hour:02d}:00:00 GMT</pubDate>"
        f"<description>{escape(html)}</description></item>\n"
    )


def make_real_corpus(folder: Path, items: int, seed: int = 7) -> list[Path]:
    """Write ``items`` items as RSS feeds of PER_FEED items (one outlet each); the paths."""
    rng = random.Random(seed)
    pools = _sentences()
    plain = [s for pool in pools.values() for s in pool if s.isascii()]
    countries = sorted(pools)
    weights = [len(pools[country]) for country in countries]
    folder.mkdir(parents=True, exist_ok=True)
    originals: list[tuple[str, list[str]]] = []
    feeds: list[list[str]] = [[] for _ in range((items + PER_FEED - 1) // PER_FEED)]
    for index in range(items):
        feed = index // PER_FEED
        outlet = f"outlet{feed}.example"
        ascii_outlet = feed % 2 == 0
        if originals and rng.random() < REPUBLISHED:
            title, paragraphs = _variant(rng, *rng.choice(originals))
        else:
            # Countries in proportion to their sentences: no pool is drawn thin.
            pool = plain if ascii_outlet else pools[rng.choices(countries, weights)[0]]
            title, paragraphs = _original(rng, pool)
            originals.append((title, paragraphs))
        chrome = random.Random(feed).sample(_ASCII_CHROME if ascii_outlet else _CHROME, 2)
        if rng.random() < 0.8:
            paragraphs = [*paragraphs, *(c.format(outlet=outlet, year=2018) for c in chrome)]
        guid = f"https://{outlet}/news/{index}"
        feeds[feed].append(_item_xml(guid, title, paragraphs, 8 + feed % 10))
    paths = []
    for number, entries in enumerate(feeds):
        path = folder / f"outlet-{number:03d}.rss"
        path.write_text(
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>Outlet {number}</title><link>https://outlet{number}.example/</link>"
            f"<description>news</description>\n{''.join(entries)}</channel></rss>\n",
            "utf-8",
        )
        paths.append(path)
    return paths


def describe(folder: Path) -> str:
    """Mean words an item, and the share of items with non-ASCII text (as read back)."""
    from lxml import etree  # noqa: PLC0415

    words = non_ascii = count = 0
    for path in sorted(folder.glob("*.rss")):
        for description in etree.parse(str(path)).iter("description"):
            text = etree.HTML(f"<div>{description.text or ''}</div>")
            if text is None or description.getparent().tag != "item":
                continue
            body = " ".join(text.itertext())
            count += 1
            words += len(body.split())
            non_ascii += not body.isascii()
    share = non_ascii / max(count, 1)
    return f"{count} items, {words / max(count, 1):.0f} words each on average, {share:.0%} non-ASCII"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--items", type=int, default=4000)
    args = parser.parse_args()
    make_real_corpus(args.folder, args.items)
    print(describe(args.folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
