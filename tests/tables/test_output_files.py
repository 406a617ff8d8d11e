"""Output files are whole under their final name or absent, and their CSV is spreadsheet-safe."""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from sever.tables.atomic import OutputError, atomic_output, check_output_path
from sever.tables.csv_output import safe_cell, write_csv


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1-555", "'+1-555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Kim Jong Un", "Kim Jong Un"),
        (-5, -5),
        (0.5, 0.5),
        (None, None),
    ],
)
def test_text_a_spreadsheet_would_run_is_escaped(value: object, written: object) -> None:
    assert safe_cell(value) == written
    assert safe_cell(value, raw=True) == value


def test_write_csv_escapes_unless_raw(tmp_path: Path) -> None:
    rows = [{"name": "=cmd|' /C calc'!A0", "score": 0.9}]
    write_csv(tmp_path / "hits.csv", ["name", "score"], rows)
    write_csv(tmp_path / "raw.csv", ["name", "score"], rows, raw=True)
    with open(tmp_path / "hits.csv", newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh))[1] == ["'=cmd|' /C calc'!A0", "0.9"]
    with open(tmp_path / "raw.csv", newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh))[1] == ["=cmd|' /C calc'!A0", "0.9"]


def test_a_failed_write_keeps_the_previous_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous\n")
    with pytest.raises(RuntimeError), atomic_output(target) as temp:
        temp.write_text("half")
        raise RuntimeError("crash mid-write")
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_successful_write_replaces_the_file_with_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_output(target) as temp:
        temp.write_text("whole")
    assert target.read_text() == "whole"
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_paths_that_cannot_be_files_are_refused_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_output_path(tmp_path / "file" / "out.csv")
    with pytest.raises(OutputError, match="is a folder"):
        check_output_path(tmp_path)


def test_a_file_size_limit_is_one_error_and_no_partial_file(tmp_path: Path) -> None:
    """RLIMIT_FSIZE stands in for a full disk: the write fails with EFBIG part-way."""
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))\n"
        "from sever.tables.csv_output import write_csv\n"
        "from sever.tables.atomic import OutputError\n"
        "try:\n"
        f"    rows = ({{'a': 'x' * 100}} for _ in range(1000))\n"
        f"    write_csv({str(tmp_path / 'big.csv')!r}, ['a'], rows)\n"
        "except OutputError as exc:\n"
        "    print(exc)\n"
        "    sys.exit(2)\n"
    )
    assert resource.RLIMIT_FSIZE  # the limit exists on this platform
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert "too large" in done.stdout
    assert list(tmp_path.iterdir()) == []
