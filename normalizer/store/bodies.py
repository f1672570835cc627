"""How stores before schema 10 kept article bodies, read back once to become text.

Schema 10 (``readable.py``) keeps bodies as plain text, for people reading the store
in datasette or the sqlite3 shell. Before it, bodies were Zstandard frames (schemas
6 to 9), raw deflate (schema 5) or plain TEXT (before that); the migration reads
each of them with :meth:`BodyCodec.unpack` and writes it back as text. A deflate
stream cannot begin with the Zstandard magic number (its first block would be a
stored block whose length and complemented length disagree), so the first four
bytes tell the two apart without a flag.
"""

from __future__ import annotations

import zlib

import zstandard

__all__ = ["BodyCodec"]

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class BodyCodec:
    """Unpacks any stored form of a body (one decompressor context, reused)."""

    def __init__(self) -> None:
        self._decompressor = zstandard.ZstdDecompressor()

    def unpack(self, value: object) -> str:
        """A stored body: a Zstandard frame, a raw deflate stream, or TEXT."""
        if isinstance(value, bytes):
            if value.startswith(_ZSTD_MAGIC):
                return self._decompressor.decompress(value).decode("utf-8")
            return zlib.decompress(value, -15).decode("utf-8")
        return str(value)
