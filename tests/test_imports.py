"""Import cost, held as click holds its own: what a command loads that it does not need.

Each check runs a fresh interpreter and lists the modules it ended with. The heavy
ones (the HTTP server, the page extractors, datasketch and with it scipy, the
PostgreSQL driver, the RELAX NG validator) are loaded only by the commands that use them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FEED = ROOT / "fixtures" / "demo" / "heise.atom"
SERVER = ("waitress",)
PAGES = ("readability", "trafilatura", "htmldate", "justext")
INDEX = ("datasketch", "scipy", "psycopg", "normalizer.store.postgres")
PUBLISH_ONLY = ("feeds.publish.serve", "feeds.publish.validate")
# The HTTP client: loaded at the first URL a run fetches, never for files alone.
FETCH = ("httpx", "httpcore", "feeds.intake.fetch", "feeds.intake.guard")


def _modules_after(code: str, tmp_path: Path) -> set[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _run_cli(*args: str) -> str:
    return (
        "import cli\n"
        "try:\n"
        f"    cli.main({list(args)!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
    )


@pytest.mark.parametrize(
    "code",
    ["import cli", _run_cli("--help"), _run_cli("run", "--help"), _run_cli("--version")],
    ids=["import cli", "newsnorm --help", "newsnorm run --help", "newsnorm --version"],
)
def test_start_up_loads_no_heavy_module(code: str, tmp_path: Path) -> None:
    loaded = _modules_after(code, tmp_path)
    heavy = {*SERVER, *PAGES, *INDEX, *PUBLISH_ONLY, *FETCH}
    assert loaded.isdisjoint(heavy), sorted(loaded & heavy)


def test_a_feed_run_loads_no_server_page_extractor_or_index(tmp_path: Path) -> None:
    out, db = tmp_path / "out.atom", tmp_path / "s.db"
    loaded = _modules_after(_run_cli("run", str(FEED), "-o", str(out), "--db", str(db)), tmp_path)
    assert out.exists()
    assert loaded.isdisjoint((*SERVER, *PAGES, *INDEX, *PUBLISH_ONLY, *FETCH)), sorted(
        loaded & {*SERVER, *PAGES, *INDEX, *PUBLISH_ONLY, *FETCH}
    )


def test_the_check_sees_a_module_that_is_loaded(tmp_path: Path) -> None:
    # The commands that need them do load them, so the checks above can fail.
    assert "feeds.publish.validate" in _modules_after(_run_cli("validate", str(FEED)), tmp_path)
    # A URL loads the HTTP client (an unreachable one: the fetch fails, the import stays).
    db = str(tmp_path / "u.db")
    fetched = (
        "import cli\n"
        "try:\n"
        f"    cli.main(['ingest', 'http://127.0.0.1:9/feed.xml', '--db', {db!r}], standalone_mode=False)\n"
        "except BaseException:\n"
        "    pass\n"
    )
    assert "httpx" in _modules_after(fetched, tmp_path)
