"""Feeds of synthetic wire stories with re-published variants, for store-level tests.

Each story is 120-260 words drawn from a large vocabulary (so unrelated stories
share almost no shingles); a share of items re-publish an earlier story with
edits: the tail trimmed, a sentence changed, a new headline.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

_VOCABULARY = [
    f"{a}{b}" for a in ("ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zu", "pi") for b in range(400)
]


@dataclass(frozen=True)
class Item:
    guid: str
    title: str
    body: str
    story: int  # which original story it tells


def _story_text(rng: random.Random, length: tuple[int, int]) -> str:
    words = [rng.choice(_VOCABULARY) for _ in range(rng.randint(*length))]
    sentences = [" ".join(words[i : i + 15]).capitalize() + "." for i in range(0, len(words), 15)]
    return " ".join(sentences)


def _variant(text: str, rng: random.Random) -> str:
    words = text.split()
    kind = rng.choice(("trim", "edit", "same"))
    if kind == "trim":
        return " ".join(words[: int(len(words) * rng.uniform(0.7, 0.9))])
    if kind == "edit":
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(_VOCABULARY)
    return " ".join(words)


def make_items(
    count: int, seed: int = 11, republished: float = 0.3, length: tuple[int, int] = (120, 260)
) -> list[Item]:
    """``count`` items of ``length`` words, about ``republished`` of them variants of earlier stories."""
    rng = random.Random(seed)
    items: list[Item] = []
    originals: list[tuple[int, str]] = []
    for index in range(count):
        if originals and rng.random() < republished:
            story, text = rng.choice(originals)
            body = _variant(text, rng)
        else:
            story, body = len(originals), _story_text(rng, length)
            originals.append((story, body))
        items.append(Item(f"urn:test:{seed}:item:{index}", f"Story {story} item {index}", body, story))
    return items


def write_feeds(folder: Path, items: list[Item], per_feed: int) -> list[Path]:
    """Write items as RSS feeds of ``per_feed`` items; return the feed paths in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, start in enumerate(range(0, len(items), per_feed)):
        path = folder / f"feed-{number:03d}.rss"
        entries = "".join(
            f"<item><guid>{item.guid}</guid><title>{escape(item.title)}</title>"
            f"<pubDate>Tue, 02 Oct 2018 {8 + number % 10:02d}:00:00 GMT</pubDate>"
            f"<description>{escape(item.body)}</description></item>\n"
            for item in items[start : start + per_feed]
        )
        path.write_text(
            f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Feed {number}'
            f"</title><link>http://example.org/{number}</link><description>d</description>\n"
            f"{entries}</channel></rss>\n",
            "utf-8",
        )
        paths.append(path)
    return paths


def overlapping_shares(feeds: list[Path], workers: int) -> list[list[Path]]:
    """Each worker takes 60% of the feeds, from its own starting point, in its own
    direction: every feed is read by two or three workers, in different orders."""
    share = len(feeds) * 3 // 5
    jobs = []
    for worker in range(workers):
        start = worker * len(feeds) // workers
        mine = [feeds[(start + i) % len(feeds)] for i in range(share)]
        jobs.append(mine if worker % 2 == 0 else mine[::-1])
    assert {path for job in jobs for path in job} == set(feeds)
    return jobs
