"""Run a newsnorm command in a real subprocess under a memory limit and a hang guard.

Used by the hostile-input tests and by ``scripts/hostile_report.py``; the peak
memory comes from the child's own resource usage (``wait4``), not from sampling.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 1 << 30  # RLIMIT_AS of 1 GiB
HANG_GUARD = 120.0  # seconds; a run this long is a hang, whatever the input


@dataclass(frozen=True)
class Outcome:
    """How a limited run ended."""

    exit_code: int | None
    killed_by: int | None
    timed_out: bool
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    # User and system CPU time of the child (what a loaded machine moves least).
    cpu_seconds: float = 0.0

    @property
    def crashed(self) -> bool:
        """A traceback, a signal, a hang or an exit code outside the contract."""
        return (
            self.timed_out
            or self.killed_by is not None
            or self.exit_code not in (0, 1, 3)
            or "Traceback" in self.stderr
            or "MemoryError" in self.stderr
        )


def newsnorm_command(*args: str) -> list[str]:
    """The command line that runs newsnorm with this interpreter."""
    return [sys.executable, "-m", "cli", *args]


def child_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child: one BLAS thread, no user settings, a fixed clock."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSNORM_")}
    # No user-level settings file of whoever runs the tests (none is in this folder).
    env["XDG_CONFIG_HOME"] = str(ROOT / "fixtures" / "no-user-config")
    env.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "SOURCE_DATE_EPOCH": "1700000000"})
    env.update(extra or {})
    return env


def run_limited(
    args: Sequence[str],
    *,
    memory_bytes: int | None = MEMORY_LIMIT,
    timeout: float = HANG_GUARD,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
) -> Outcome:
    """Run ``args`` from the project root under ``RLIMIT_AS`` and a timeout.

    With ``memory_bytes=None`` no limit is set, and the child is started without a
    fork of this process. Its peak memory still counts this process's own high-water
    mark (Linux records it into the child's ``ru_maxrss`` at exec), so a caller that
    measures memory keeps itself small.
    """

    def limit() -> None:
        assert memory_bytes is not None
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    started = time.perf_counter()
    process = subprocess.Popen(
        list(args),
        cwd=ROOT,
        env=env or child_environment(),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=limit if memory_bytes is not None else None,  # noqa: PLW1509 - set in the child before exec
    )
    outputs: dict[str, bytes] = {}

    def drain(name: str) -> None:
        stream = getattr(process, name)
        outputs[name] = stream.read()
        stream.close()

    readers = [threading.Thread(target=drain, args=(name,)) for name in ("stdout", "stderr")]
    for reader in readers:
        reader.start()
    if stdin is not None and process.stdin is not None:
        with contextlib.suppress(BrokenPipeError):
            process.stdin.write(stdin)
        process.stdin.close()
    timer = threading.Timer(timeout, lambda: os.kill(process.pid, signal.SIGKILL))
    timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    seconds = time.perf_counter() - started
    killed = -process.returncode if process.returncode < 0 else None
    return Outcome(
        exit_code=process.returncode if process.returncode >= 0 else None,
        killed_by=killed,
        timed_out=killed == signal.SIGKILL and seconds >= timeout,
        stdout=outputs.get("stdout", b"").decode("utf-8", "replace"),
        stderr=outputs.get("stderr", b"").decode("utf-8", "replace"),
        seconds=seconds,
        peak_mb=usage.ru_maxrss / 1024,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
    )
