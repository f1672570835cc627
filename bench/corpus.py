"""The benchmark corpus: RSS feeds of wire-length items, about 30% of them re-publishing
an earlier story with edits (trimmed tail, changed words, the same text again)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.story_corpus import make_items, write_feeds

ITEMS = 20_000
PER_FEED = 500
# Wire stories run from a short brief to a long feature; 250-600 words is the bulk.
LENGTH = (250, 600)


def make_corpus(folder: Path, items: int = ITEMS, seed: int = 7) -> list[Path]:
    """Write the corpus as feeds of PER_FEED items; return the feed paths."""
    return write_feeds(folder, make_items(items, seed=seed, republished=0.3, length=LENGTH), PER_FEED)


def make_corpus_apart(folder: Path, items: int = ITEMS, seed: int = 7) -> list[Path]:
    """:func:`make_corpus` in a child process, so that the benchmark's own process stays
    small: Linux counts the high-water mark of the process that starts a child into
    the child's peak memory (``ru_maxrss``), and 200,000 generated items would be
    counted against every run measured after them."""
    code = "import sys; from pathlib import Path; from bench.corpus import make_corpus; "
    code += f"make_corpus(Path(sys.argv[1]), {int(items)}, seed={int(seed)})"
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code, str(folder)], cwd=root, check=True)
    return sorted(folder.glob("*.rss"))
