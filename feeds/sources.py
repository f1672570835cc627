"""INPUT arguments -> named documents (bytes): files, folders, standard input, URLs."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from feeds.fetch import Fetched, Fetcher, Validators, is_url
from normalizer.errors import InputError

__all__ = ["Document", "expand_inputs", "load_document", "read_document"]


@dataclass(frozen=True)
class Document:
    """An input ready to read, or the reason it could not be read.

    ``fetched`` is set for a URL; its ``not_modified`` means the server had
    nothing new (``data`` is then ``None`` and there is no problem either).
    """

    name: str
    data: bytes | None = None
    problem: InputError | None = None
    fetched: Fetched | None = None


def _walk(folder: Path) -> Iterator[Path]:
    """Files below a folder, recursively, sorted, hidden files and folders skipped."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def expand_inputs(inputs: tuple[str, ...] | list[str]) -> list[str]:
    """Every file an INPUT list names, folders walked in sorted order, ``-`` kept."""
    names: list[str] = []
    for given in inputs:
        path = Path(given)
        if given != "-" and not is_url(given) and path.is_dir():
            names.extend(str(p) for p in _walk(path))
        else:
            names.append(given)
    return names


def load_document(
    name: str, max_bytes: int, fetcher: Fetcher | None = None, validators: Validators | None = None
) -> Document:
    """A file, standard input, or (with a fetcher) a URL, fetched conditionally
    when the validators of its last stored fetch are given."""
    if not is_url(name):
        return read_document(name, max_bytes)
    if fetcher is None:
        return Document(name, problem=InputError(name, "web addresses are not fetched here"))
    try:
        fetched = fetcher.fetch(name, validators)
    except InputError as error:
        return Document(name, problem=error)
    return Document(name, data=fetched.data, fetched=fetched)


def read_document(name: str, max_bytes: int) -> Document:
    """Read one input into memory, refusing what is missing, unreadable or too large."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            path = Path(name)
            size = path.stat().st_size
            if size > max_bytes:
                raise InputError(name, f"too large: {size:,} bytes (limit {max_bytes:,}; see --max-input-mb)")
            data = path.read_bytes()
    except InputError as error:
        return Document(name, problem=error)
    except FileNotFoundError:
        return Document(name, problem=InputError(name, "no such file or folder"))
    except IsADirectoryError:
        return Document(name, problem=InputError(name, "is a folder"))
    except OSError as error:
        return Document(name, problem=InputError(name, f"cannot read: {error.strerror or error}"))
    if len(data) > max_bytes:
        return Document(name, problem=InputError(name, f"too large: over {max_bytes:,} bytes"))
    return Document(name, data=data)
