"""Which format a document is in, from its bytes alone."""

from __future__ import annotations

import pytest

from feeds.readers.sniff import sniff


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<TIFFANY AND CO> TO GO PUBLIC\n\nNEW YORK, April 2 - Tiffany said...", "text"),
        (b"<VIA> VIACOM BID RAISED\n\nNEW YORK - The offer </p> was raised.", "text"),
        (b"NATIONAL AMUSEMENTS AGAIN UPS VIACOM <VIA> BID\n\nNEW YORK - ...", "text"),
        (b"<?xml version='1.0'?><catalog><x/></catalog>", "xml"),
        (b"<catalog><x>1</x></catalog>", "xml"),
        (b"<catalog/>", "xml"),
        (b"<?xml version='1.0'?><unclosed>", "xml"),  # declared XML stays XML (and fails as such)
        (b"<rss version='2.0'><channel></channel></rss>", "rss"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'></feed>", "atom"),
        (b"<html><body><p>x</p></body></html>", "html"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "jsonfeed"),
        (b"Plain words only.", "text"),
    ],
)
def test_sniff(data: bytes, expected: str) -> None:
    assert sniff(data) == expected
