"""Where a document goes: standard output, or a file written atomically.

A file is written to a temporary file beside it and renamed over it only once it
is complete, so a failed run leaves the old file as it was.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from normalizer.errors import OutputError

__all__ = ["atomic_output"]


@contextmanager
def atomic_output(output: str) -> Iterator[BinaryIO]:
    """Stdout (``-``), or a file written atomically."""
    if output == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"{output}: cannot write: {error.strerror or error}") from None
    try:
        with open(descriptor, "wb") as stream:
            yield stream
        # A temporary file is private (0600); the feed gets a new file's usual mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except OSError as error:
        raise OutputError(f"{output}: cannot write: {error.strerror or error}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
