"""OPML subscription lists -> the feed addresses they list."""

from __future__ import annotations

from feeds.intake.fetched import is_url
from normalizer.errors import InputError
from normalizer.safexml import parse_xml

__all__ = ["opml_feeds"]


def opml_feeds(data: bytes, source: str) -> tuple[list[str], list[str]]:
    """The feed URLs of an OPML document (``xmlUrl`` of every outline, nested too),
    in document order without repeats, and the addresses it lists that are not
    web addresses (left out).

    Raises:
        InputError: the document is not readable XML or lists no feed at all.
    """
    root = parse_xml(data, source)
    feeds: list[str] = []
    others: list[str] = []
    for outline in root.iter("outline", "{*}outline"):
        address = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not address:
            continue
        target = feeds if is_url(address) else others
        if address not in target:
            target.append(address)
    if not feeds and not others:
        raise InputError(source, "an OPML list with no feed in it (no outline has an xmlUrl)")
    return feeds, others
