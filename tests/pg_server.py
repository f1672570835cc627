"""A real PostgreSQL server for the tests: its own cluster in a temporary folder,
listening on a free loopback port, stopped at the end of the session.

The server's binaries are found on PATH or where Debian puts them
(``/usr/lib/postgresql/<version>/bin``); where there are none, the tests that need
a server skip and say why (CI installs them, so CI runs those tests). PostgreSQL
refuses to run as root: under root the cluster belongs to the ``postgres`` user
(made by Debian's package) and its commands run as that user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PostgresServer", "find_binaries", "running_server"]


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """A running test server: make databases on it by name."""

    port: int
    superuser: str

    def url(self, database: str) -> str:
        return f"postgresql://{self.superuser}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database's URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def running_server(binaries: Path, options: str = "") -> Iterator[PostgresServer]:
    """Start a throw-away cluster (with these extra server ``options``); stop it and
    remove its folder afterwards."""
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="newsnorm-pg-"))
    data = folder / "data"
    if as_root:
        shutil.chown(folder, "postgres")
    superuser = "postgres"
    try:
        subprocess.run(
            [*run_as, str(binaries / "initdb"), "-D", str(data), "-U", superuser, "--auth=trust",
             "--encoding=UTF8", "--locale=C.UTF-8"],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        port = _free_port()
        # Loopback only; no fsync (a test cluster is thrown away: its durability is
        # not what the tests measure); sockets in the cluster's own folder.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c fsync=off -k {folder} "
            f"-c max_connections=60 {options}"
        )
        subprocess.run(
            [*run_as, str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
             "-w", "-t", "300", "start"],
            check=True, capture_output=True, timeout=330,
        )  # fmt: skip
        try:
            yield PostgresServer(port, superuser)
        finally:
            subprocess.run(
                [*run_as, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True, timeout=120, check=False,
            )  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
