"""Hostile inputs made at test time (too large or too random to keep as files)."""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from pathlib import Path

from feeds.readers import read_entries
from normalizer.clean import Cleaner
from normalizer.errors import NewsnormError

_CLEANER = Cleaner.default()


def read_and_clean(data: bytes) -> None:
    """Read and clean any bytes; only newsnorm's own error may come out."""
    try:
        for raw in read_entries(data, "fuzz"):
            _CLEANER.clean(raw)
    except NewsnormError:
        pass


_WORDS = (
    "the", "government", "said", "on", "tuesday", "that", "talks", "would", "resume", "next",
    "week", "after", "a", "meeting", "in", "the", "capital", "officials", "told", "reporters",
    "markets", "rose", "sharply", "while", "analysts", "warned", "of", "new", "risks",
)  # fmt: skip


def huge_feed(path: Path, entries: int = 100_000, padding: int = 0) -> Path:
    """A well-formed RSS feed of ``entries`` items, about 600 bytes each (60 MB for 100,000),
    each with ``padding`` bytes more in an element no reader takes (bulk to stream past)."""
    rng = random.Random(5)
    pad = f"<comments>http://example.org/{'p' * padding}</comments>" if padding else ""
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>')
        out.write("<title>Huge</title><link>http://example.org/</link><description>d</description>\n")
        for i in range(entries):
            body = " ".join(rng.choice(_WORDS) for _ in range(80))
            out.write(
                f"<item><guid>urn:huge:{i}</guid><title>Story {i}</title>"
                f"<pubDate>Tue, 02 Oct 2018 08:00:00 GMT</pubDate><description>{body}</description>"
                f"{pad}</item>\n"
            )
        out.write("</channel></rss>\n")
    return path


def _one_item_feed(path: Path, guid: str, title: str, description: str) -> Path:
    path.write_text(
        f'<rss version="2.0"><channel><title>t</title><item><guid>{guid}</guid><title>{title}</title>'
        f"<description>{description}</description></item></channel></rss>",
        "utf-8",
    )
    return path


def deep_xml(path: Path, depth: int = 5_000) -> Path:
    """An RSS item whose description holds ``depth`` nested elements."""
    return _one_item_feed(path, "d1", "Deep", "<x>" * depth + "deep text" + "</x>" * depth)


def deep_html(path: Path, depth: int = 5_000) -> Path:
    """An RSS item whose escaped HTML body nests ``depth`` divs around its text."""
    nested = "&lt;div&gt;" * depth + "Deep story text that must survive." + "&lt;/div&gt;" * depth
    return _one_item_feed(path, "h1", "Deep HTML", nested)


def zero_bytes(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def random_binary(path: Path) -> Path:
    path.write_bytes(random.Random(7).randbytes(1 << 20))
    return path


def gzip_bomb(path: Path) -> Path:
    """1 GiB of zeros, gzipped to about 1 MB: must never be inflated."""
    compressor_input = b"\x00" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as out:
        for _ in range(1024):
            out.write(compressor_input)
    return path


def undeclared_latin1(path: Path) -> Path:
    """An RSS feed in ISO-8859-1 with no XML declaration (as UOL Notícias serves it)."""
    path.write_bytes(
        "<rss version='2.0'><channel><title>Notícias</title><item><guid>l1</guid>"
        "<title>Café em São Paulo</title><description>A previsão é de calor em São Paulo, "
        "disse o instituto à reportagem.</description></item></channel></rss>".encode("latin-1")
    )
    return path


def html_where_feed_expected(path: Path) -> Path:
    path.write_text(
        "<!DOCTYPE html><html><head><title>Moved</title></head><body><h1>Document Moved</h1>"
        "<script>location='/'</script></body></html>",
        "utf-8",
    )
    return path


GENERATED: dict[str, Callable[[Path], Path]] = {
    "huge-100k-entries.rss": huge_feed,
    "deep-5000-xml.rss": deep_xml,
    "deep-5000-html.rss": deep_html,
    "zero-bytes.xml": zero_bytes,
    "random-binary.bin": random_binary,
    "gzip-bomb.xml.gz": gzip_bomb,
    "undeclared-latin1.rss": undeclared_latin1,
    "html-where-feed-expected.xml": html_where_feed_expected,
}
