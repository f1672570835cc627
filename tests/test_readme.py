"""The README's examples, run: what it shows is what the code does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .limits import ROOT, child_environment

README = (ROOT / "README.md").read_text("utf-8")


def _block_after(marker: str) -> tuple[str, str]:
    """The code block after a marker comment, and the block of output after it."""
    rest = README.split(f"<!-- {marker} -->", 1)[1]
    code = rest.split("```python\n", 1)[1].split("```", 1)[0]
    printed = rest.split("prints\n\n```\n", 1)[1].split("```", 1)[0]
    return code, printed


def test_the_library_example_runs_and_prints_what_the_readme_says() -> None:
    code, printed = _block_after("library-example")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=child_environment(), capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == printed


def test_shell_completion_is_what_the_readme_says() -> None:
    # The installed command, as a shell would run it (the name is what completion keys on).
    command = str(Path(sys.executable).parent / "newsnorm")
    done = subprocess.run(
        [command], cwd=ROOT, env=child_environment({"_NEWSNORM_COMPLETE": "bash_source"}),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert "complete " in done.stdout and "_newsnorm_completion" in done.stdout
    assert "_NEWSNORM_COMPLETE=bash_source newsnorm" in README
