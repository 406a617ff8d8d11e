"""Choosing an engine: one place, clear errors, and no Spark until it is asked for."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sever.tables.engine import EngineError, connect


def test_unknown_engine_is_named_in_the_error() -> None:
    with pytest.raises(EngineError, match="unknown engine 'polars'; choose one of duckdb, spark"):
        connect("polars")


def test_importing_sever_and_monitor_does_not_import_spark_or_lightgbm() -> None:
    code = (
        "import sys, sever, sever.monitor, sever.tables, sever.alerts, sever.cli.monitor\n"
        "heavy = [m for m in ('pyspark', 'lightgbm') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_file_that_is_not_utf8_is_named_with_its_line_and_byte(tmp_path) -> None:
    """Checked in chunks; a character cut by a chunk's end is still whole UTF-8."""
    from sever.errors import InputError
    from sever.tables.engine import UTF8_CHUNK, check_utf8

    path = tmp_path / "tx.csv"
    path.write_bytes(b"a" * (UTF8_CHUNK - 1) + "é".encode() + b"\nok\n")
    check_utf8(path)
    path.write_bytes(b"a" * (UTF8_CHUNK - 1) + "é".encode() + b"\n\xff\n")
    with pytest.raises(InputError) as caught:
        check_utf8(path)
    assert (caught.value.row, caught.value.offset) == (2, UTF8_CHUNK + 2)
