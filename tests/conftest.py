"""Shared test helpers: fixture paths, the CLI runner, the golden-file switch."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from tests.pg_server import PostgresServer, find_binaries, running_server

# CI runs the property tests derandomised, so that a red build is reproducible.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DEMO = FIXTURES / "demo"
HOSTILE = FIXTURES / "hostile"
GOLDEN = FIXTURES / "golden"
FIXED_EPOCH = "1700000000"
Cli = Callable[..., Result]


def dump_store(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a store file, table by table, in key order.

    The tables are read from the store itself, so a table added to the schema is
    compared and checked by every test that uses this, without being listed.
    The full-text index is compared by what it holds (every term at every place of
    every article), not by its pages, whose layout depends on how it was written.
    """
    with sqlite3.connect(path) as db:
        tables = [
            row[0]
            for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not row[0].startswith("articles_fts_")
        ]
        dump = {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in tables}
        if "articles_fts" in tables:
            db.execute("CREATE VIRTUAL TABLE temp.fts_terms USING fts5vocab(main, articles_fts, instance)")
            dump["articles_fts (terms)"] = db.execute(
                "SELECT * FROM temp.fts_terms ORDER BY 1, 2, 3, 4"
            ).fetchall()
        return dump


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="Rewrite the golden files under fixtures/golden/ from the current output.",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def check_golden(update_goldens: bool) -> Callable[[str, bytes], None]:
    """Compare output with a golden file, or rewrite it under --update-goldens."""

    def check(name: str, actual: bytes) -> None:
        path = GOLDEN / name
        if update_goldens:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual)
            return
        assert path.exists(), f"{path} missing: run pytest --update-goldens and review the diff"
        assert actual == path.read_bytes(), f"{name} differs from its golden file"

    return check


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run a newsnorm command in-process from the project root, with a fixed clock."""
    from cli import main

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    for name in list(os.environ):
        if name.startswith("NEWSNORM_"):
            monkeypatch.delenv(name)
    # No user-level settings file of whoever runs the tests.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(ROOT / "fixtures" / "no-user-config"))

    def invoke(*args: str, input: bytes | None = None) -> Result:
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the session (skips where none is installed)."""
    binaries = find_binaries()
    if binaries is None:
        reason = "no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI installs them: the PostgreSQL tests must run there)")
        pytest.skip(reason)
    pytest.importorskip("psycopg", reason="the postgres extra is not installed: pip install -e '.[postgres]'")
    with running_server(binaries) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's server."""
    return postgres_server.new_database()
