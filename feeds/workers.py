"""Reading, cleaning and fingerprinting in worker processes, beside the one that stores.

Stages 1 to 3 of an input (read, clean, fingerprint: most of the work) need the
store only to read it: whether an entry is stored already as it is, and the lines
its source is known to repeat. So each worker process opens the store to read, and
prepares the next inputs while the process that stores works through the one before
(:class:`PreparePool`). The storing process checks each entry again against what was
stored since (:meth:`normalizer.pipeline.Pipeline.store_prepared`), in input order,
so the store is the one a single process makes (``scripts/identical.py --workers 2``
holds that).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import BrokenExecutor, Future
from dataclasses import dataclass
from datetime import datetime

from feeds.readers import read_entries
from feeds.readers.sniff import Format
from normalizer.model import LeftOut, RawEntry
from normalizer.pipeline import Pipeline
from normalizer.settings import Settings
from normalizer.store import open_store

__all__ = ["MAX_POOLED_BYTES", "PreparePool", "PreparedInput"]

log = logging.getLogger("newsnorm.workers")

# Larger inputs are prepared by the storing process, which spools them to disk: a
# worker would hold one whole in memory, and so would the pipe back.
MAX_POOLED_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class PreparedInput:
    """An input as a worker prepared it: its prepared entries in order, and how many
    entries its reader gave."""

    items: list[object]
    read: int


# The worker process's own pipeline, over the store opened to read, made once by
# _start_worker: the process is the pool's own and runs nothing else.
_pipeline: Pipeline | None = None


def _start_worker(settings: Settings, now: datetime) -> None:
    global _pipeline  # noqa: PLW0603 - the worker process's own state
    _pipeline = Pipeline(open_store(settings, create=False), settings, now)


def _prepare_input(data: bytes, name: str, format_in: Format | None, charset: str | None) -> PreparedInput:
    if _pipeline is None:
        raise RuntimeError("an input handed to a worker that was not started")
    items: list[object] = []
    read = 0

    def counted() -> Iterator[RawEntry | LeftOut]:
        nonlocal read
        for entry in read_entries(data, name, format_in, charset):
            read += 1
            yield entry

    _pipeline.prepare(counted(), items)
    return PreparedInput(items, read)


class PreparePool:
    """``workers`` processes that prepare inputs, each with the store open to read.

    They are started by a fork server where there is one (so they share no thread or
    lock of the process that stores), else each as a new interpreter, when the first
    input is handed over.
    """

    def __init__(self, workers: int, settings: Settings, now: datetime) -> None:
        # Imported here: a run without a pool loads no multiprocessing.
        import multiprocessing  # noqa: PLC0415
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

        self.workers = workers
        self._broken = False
        context: multiprocessing.context.BaseContext
        if "forkserver" in multiprocessing.get_all_start_methods():
            server = multiprocessing.get_context("forkserver")
            server.set_forkserver_preload(["feeds.workers"])
            context = server
        else:  # Windows: each worker starts a new interpreter
            context = multiprocessing.get_context("spawn")
        self._executor = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(settings, now)
        )

    def submit(
        self, data: bytes, name: str, format_in: Format | None, charset: str | None
    ) -> Future[PreparedInput] | None:
        """Prepare one input in a worker; ``None`` once the pool is broken (a worker was
        killed): the input is read where it is stored."""
        if self._broken:
            return None
        try:
            return self._executor.submit(_prepare_input, data, name, format_in, charset)
        except (BrokenExecutor, OSError) as error:
            # A worker was killed, or no process can be started here (no /dev/shm, no
            # fork server): the run goes on in the storing process alone.
            log.warning("worker processes unavailable (%s): inputs are read by the storing process", error)
            self._broken = True
            return None

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
