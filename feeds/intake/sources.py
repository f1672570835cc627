"""INPUT arguments -> named documents (bytes): files, folders, standard input, URLs."""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from feeds.intake.fetched import Fetched, FetchPolicy, Validators, is_url

if TYPE_CHECKING:
    import httpx

    from feeds.intake.fetch import Fetcher
from normalizer.errors import InputError
from normalizer.model import PassedOver, Rejected
from normalizer.values import is_postgres_url, web_host

__all__ = ["Document", "Inputs", "Loader", "expand_inputs", "own_files", "read_document"]

# Fetches in flight against one host at most: a site with many feeds sees a
# reader, not a crowd.
PER_HOST = 2
_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([A-Za-z0-9._\-]+)", re.IGNORECASE)


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

    @property
    def charset(self) -> str | None:
        """The ``charset`` the server gave for a fetched document, if any."""
        content_type = self.fetched.content_type if self.fetched else None
        found = _CHARSET.search(content_type or "")
        return found.group(1) if found else None


@dataclass(frozen=True)
class Inputs:
    """What an INPUT list names: the documents to read, the files passed over (the
    run's own store and output), and folders that could not be read."""

    names: list[str]
    passed_over: list[PassedOver]
    unreadable: list[Rejected]


def _walk(folder: Path, unreadable: list[Rejected]) -> Iterator[Path]:
    """Files below a folder, recursively, sorted, hidden files and folders skipped;
    a folder that cannot be listed is noted, not silently left out."""

    def note(error: OSError) -> None:
        where = error.filename or str(folder)
        unreadable.append(Rejected(str(where), f"cannot read the folder: {error.strerror or error}"))

    for root, dirs, files in os.walk(folder, onerror=note):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def _not_regular(file: Path) -> str | None:
    """Why a file a folder walk found is not read: a symbolic link (it may point
    anywhere: ``/etc/passwd`` was published as an article), a FIFO or a device."""
    if file.is_symlink():
        return "a symbolic link: not followed in a folder (name the file itself to read it)"
    if not file.is_file():
        return "not a regular file (a FIFO, a socket or a device)"
    return None


def own_files(store: str | None, output: str | None) -> dict[str, str]:
    """The run's own files, by real path, with why a walk passes them over: the store
    with its journal files, and the feed it writes."""
    own: dict[str, str] = {}
    if store and store != ":memory:" and not is_url(store) and not is_postgres_url(store):
        for suffix in ("", "-wal", "-shm", "-journal"):
            own[os.path.realpath(store + suffix)] = "the run's own store, not an input"
    if output and output != "-":
        own[os.path.realpath(output)] = "the feed this run writes, not an input"
    return own


def expand_inputs(inputs: Iterable[str], own: dict[str, str] | None = None) -> Inputs:
    """Every file an INPUT list names, folders walked in sorted order, ``-`` kept.

    ``own`` (see :func:`own_files`) names files a folder walk passes over.
    """
    own = own or {}
    found = Inputs([], [], [])
    for given in inputs:
        path = Path(given)
        if given != "-" and not is_url(given) and path.is_dir():
            for file in _walk(path, found.unreadable):
                reason = own.get(os.path.realpath(file)) or _not_regular(file)
                if reason:
                    found.passed_over.append(PassedOver(str(file), reason))
                else:
                    found.names.append(str(file))
        else:
            found.names.append(given)
    return found


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


def _unconditional(_url: str) -> Validators | None:
    return None


class Loader:
    """Documents in the order they are asked for, the next URLs fetched ahead.

    Up to ``workers`` fetches run at once, at most :data:`PER_HOST` to one host;
    each fetched document waits in memory until its turn, so at most
    ``workers`` of them are held. Files are read when asked for. Use as a
    context manager.

    Args:
        max_bytes: the size cap of every input.
        policy: how to fetch.
        validators: the stored validators of a URL, for a conditional fetch
            (called in the asking thread, so a store connection need not be
            shared); without it every fetch is unconditional.
        workers: fetches at once (1: one after the other).
        transport: the HTTP transport of the fetches (httpx's own by default).
    """

    def __init__(
        self,
        max_bytes: int,
        policy: FetchPolicy,
        validators: Callable[[str], Validators | None] | None = None,
        workers: int = 4,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._transport = transport
        self.max_bytes = max_bytes
        self.workers = max(1, workers)
        self._policy = policy
        self._validators = validators or _unconditional
        self._fetcher: Fetcher | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[str, Future[Document]] = {}
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._hosts_lock = threading.Lock()

    def __enter__(self) -> Loader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop fetching ahead and close the connections."""
        for future in self._pending.values():
            future.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if self._fetcher is not None:
            self._fetcher.close()

    def ahead(self, names: Iterable[str]) -> None:
        """Start fetching the URLs among the next ``names`` (up to the worker count)."""
        for name in names:
            if len(self._pending) >= self.workers:
                return
            if is_url(name) and name not in self._pending:
                validators = self._validators(name)
                self._pending[name] = self._executor().submit(self._fetch, name, validators)

    def load(self, name: str) -> Document:
        """The document named: its fetch if started ahead, else read or fetched now."""
        future = self._pending.pop(name, None)
        if future is not None:
            return future.result()
        if is_url(name):
            return self._fetch(name, self._validators(name))
        return read_document(name, self.max_bytes)

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="fetch")
        return self._pool

    def _client(self) -> Fetcher:
        with self._hosts_lock:
            if self._fetcher is None:
                # Imported at the first URL: a run over files loads no HTTP client.
                from feeds.intake.fetch import Fetcher  # noqa: PLC0415

                self._fetcher = Fetcher(self._policy, self._transport)
            return self._fetcher

    def _fetch(self, url: str, validators: Validators | None) -> Document:
        host = web_host(url) or ""
        with self._hosts_lock:
            gate = self._hosts.setdefault(host, threading.BoundedSemaphore(PER_HOST))
        with gate:
            try:
                fetched = self._client().fetch(url, validators)
            except InputError as error:
                return Document(url, problem=error)
        return Document(url, data=fetched.data, fetched=fetched)
