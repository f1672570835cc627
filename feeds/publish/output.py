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
def _opened(output: str) -> Iterator[BinaryIO]:
    """A device or FIFO opened for writing in place."""
    try:
        stream = open(output, "wb")  # noqa: SIM115 - closed below, errors named
    except OSError as error:
        raise OutputError(f"{output}: cannot write: {error.strerror or error}") from None
    with stream:
        yield stream


@contextmanager
def atomic_output(output: str) -> Iterator[BinaryIO]:
    """Stdout (``-``), or a file written atomically.

    Only a regular file (or nothing) is replaced by the rename: a device, a FIFO or a
    socket is written into as it is (``-o /dev/null`` must not replace the system's
    ``/dev/null``), and a symbolic link is refused (renaming over it would replace the
    link, writing through it would write where it points).
    """
    if output == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    if target.is_symlink():
        raise OutputError(f"{output}: is a symbolic link; give the file it points to")
    if target.exists() and not target.is_file():
        if target.is_dir():
            raise OutputError(f"{output}: is a folder")
        with _opened(output) as stream:
            yield stream
        return
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
