"""The hostile-input suite: bad files, absurd options and interruptions, run as a user would.

Every case runs the real ``sever`` command in a child process over a real temporary home, with a
per-case timeout (a hang fails the case instead of the suite), and asserts a documented outcome:
exit code 2 with one line on stderr that names what is wrong, and never a traceback. Cases that
touch the store also check that nothing already stored was lost.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from sever.home import Home

CASE_TIMEOUT = 120
"""Seconds one command may take before the case counts as a hang."""


@dataclass
class Run:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return (
            f"sever {' '.join(self.args)[:300]} -> exit {self.code}\n"
            f"stdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-4000:]}"
        )


def run_sever(
    *args: str | Path,
    home: Path,
    timeout: float = CASE_TIMEOUT,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Run:
    """Run ``sever ARGS`` in a child process with ``SEVER_HOME=home``; a timeout fails the test."""
    argv = tuple(str(a) for a in args)
    environment = {**os.environ, "SEVER_HOME": str(home), "COLUMNS": "200", **(env or {})}
    environment.pop("SEVER_DEBUG", None)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sever.cli", *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            input=stdin,
            env=environment,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hang: sever {' '.join(argv)[:300]} ran past {timeout} s")
    return Run(argv, done.returncode, done.stdout, done.stderr)


def assert_clean_error(run: Run, *expected: str) -> None:
    """Exit code 2, no traceback, one non-empty line on stderr that contains each of
    ``expected`` (case-insensitive)."""
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, str(run)
    assert run.code == 2, str(run)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error")]
    assert len(errors) == 1, str(run)
    for text in expected:
        assert text.lower() in errors[0].lower(), f"{text!r} not in the error line\n{run}"


def assert_no_partial(folder: Path) -> None:
    """No temporary or partial output file left in ``folder``."""
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".partial")]
    assert not leftovers, leftovers


@pytest.fixture
def cli_home(tmp_path: Path) -> Path:
    """An empty home for a child process."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def loaded_cli_home(loaded_home: Home) -> Path:
    """A home holding the built-in snapshot, for a child process."""
    return Path(loaded_home.root)
