"""A real PostgreSQL server for the tests: its own cluster in a temporary folder,
listening on a free loopback port, stopped at the end of the session.

It also starts one to keep, for trying a fleet by hand (see the README):

    .venv/bin/python -m tests.pg_server start --folder pg --port 5433
    .venv/bin/python -m tests.pg_server stop --folder pg

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

SUPERUSER = "postgres"


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


def _as_owner() -> list[str]:
    # PostgreSQL refuses to run as root: under root its commands run as "postgres".
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _init_and_start(binaries: Path, folder: Path, port: int, options: str = "") -> None:
    """Make a cluster in ``folder``/data (trust on loopback) and start it on ``port``."""
    run_as = _as_owner()
    if run_as:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    subprocess.run(
        [*run_as, str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
         "--encoding=UTF8", "--locale=C.UTF-8"],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    # Loopback only; no fsync (a test cluster is thrown away: its durability is not
    # what the tests measure); sockets in the cluster's own folder.
    server_options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -c fsync=off -k {folder} -c max_connections=60 {options}"
    )
    subprocess.run(
        [*run_as, str(binaries / "pg_ctl"), "-D", str(data), "-o", server_options, "-l",
         str(folder / "log"), "-w", "-t", "300", "start"],
        check=True, capture_output=True, timeout=330,
    )  # fmt: skip


def _stop(binaries: Path, folder: Path) -> None:
    subprocess.run(
        [*_as_owner(), str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "-w", "stop"],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip


@contextmanager
def running_server(binaries: Path, options: str = "") -> Iterator[PostgresServer]:
    """Start a throw-away cluster (with these extra server ``options``); stop it and
    remove its folder afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="newsnorm-pg-"))
    try:
        port = _free_port()
        _init_and_start(binaries, folder, port, options)
        try:
            yield PostgresServer(port, SUPERUSER)
        finally:
            _stop(binaries, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description="A local PostgreSQL server to try a fleet on.")
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--folder", type=Path, default=Path("pg"))
    parser.add_argument("--port", type=int, default=5433)
    args = parser.parse_args()
    binaries = find_binaries()
    if binaries is None:
        raise SystemExit("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql")
    folder = args.folder.resolve()
    if args.action == "stop":
        _stop(binaries, folder)
        return 0
    folder.mkdir(parents=True, exist_ok=False)
    _init_and_start(binaries, folder, args.port)
    server = PostgresServer(args.port, SUPERUSER)
    import psycopg

    with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
        admin.execute('CREATE DATABASE "newsnorm"')
    print(server.url("newsnorm"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
