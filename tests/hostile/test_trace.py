"""`sever trace` with absurd option values and bad files: one clear line, exit 2, never a hang.

Most cases run in this process through ``typer.testing.CliRunner`` (a child process costs seconds
each), under a per-case alarm so that a hang fails the case; a few run as real child processes
through the suite's harness, to check what a user sees on a terminal. Every case also checks that
no output file was left behind, whole or partial.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pandas as pd
import pytest
from typer.testing import CliRunner

from sever.cli import app
from tests.hostile.conftest import assert_clean_error, assert_no_partial, run_sever

CASE_SECONDS = 30
"""Seconds one in-process case may take before it counts as a hang."""

THIEF = "0x" + "a1" * 20
MULE = "0x" + "b2" * 20
DEPOSIT = "0x" + "c3" * 20
HEADER = "transaction_hash,block_timestamp,from_address,to_address,value,asset"


def _row(number: int, when: str, src: str, dst: str, value: str, asset: str = "ETH") -> str:
    """One ethereum-etl style CSV line."""
    return f"0x{number:064x},{when},{src},{dst},{value},{asset}"


GOOD_ROWS = [
    _row(1, "2024-03-01 09:00:00", THIEF, MULE, "10"),
    _row(2, "2024-03-01 10:00:00", MULE, DEPOSIT, "9.5"),
]


def _write_files(folder: Path) -> dict[str, Path]:
    """A good transfers file and tags, and one bad file per reader failure."""
    files: dict[str, Path] = {}

    def text(name: str, body: str | bytes) -> None:
        path = folder / name
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
        files[name] = path

    text("good.csv", "\n".join([HEADER, *GOOD_ROWS]) + "\n")
    text("tags.csv", f"address,service,category\n{DEPOSIT},Binance,exchange\n")
    bad_value = {
        "nan.csv": "nan",
        "negative.csv": "-5",
        "inf.csv": "inf",
        "text_value.csv": "lots",
    }
    for name, value in bad_value.items():
        text(name, "\n".join([HEADER, GOOD_ROWS[0], _row(2, "2024-03-01", MULE, DEPOSIT, value)]))
    text("year10000.csv", "\n".join([HEADER, _row(1, "10000-01-01 00:00:00", THIEF, MULE, "1")]))
    text("no_rows.csv", HEADER + "\n")
    text("no_columns.csv", "a,b\n1,2\n")
    text(
        "latin1.csv",
        (
            "\n".join([HEADER, GOOD_ROWS[0], _row(2, "2024-03-01", MULE, DEPOSIT, "1", "ÉTH")])
        ).encode("latin-1"),
    )
    text(
        "unterminated.csv",
        "\n".join([HEADER, GOOD_ROWS[0], _row(2, "2024-03-01", MULE, '"9', "ETH")]) + "\n",
    )
    parquet = folder / "whole.parquet"
    pd.read_csv(files["good.csv"]).to_parquet(parquet)
    files["whole.parquet"] = parquet
    text("truncated.parquet", parquet.read_bytes()[: len(parquet.read_bytes()) // 2])
    text("not_parquet.parquet", b"PAR1 this is not parquet at all")
    text("list.yaml", "- one\n- two\n")
    text("scalar.yaml", "just a string\n")
    text("deep.yaml", "a: " + "[" * 10_000 + "]" * 10_000 + "\n")
    text("deep_tags.yaml", "tags: " + "[" * 10_000 + "]" * 10_000 + "\n")
    text("bad_yaml.yaml", "tags: [unclosed\n")
    text("tag_no_address.yaml", "title: x\ntags:\n  - label: nothing\n")
    text("tags_bad_category.csv", f"address,service,category\n{DEPOSIT},Binance,casino\n")
    text(
        "tags_latin1.csv",
        f"address,service,category\n{DEPOSIT},Caf\xe9,exchange\n".encode("latin-1"),
    )
    text("prices_nan.csv", "date,asset,usd\n2024-03-01,ETH,nan\n")
    text("prices_negative.csv", "date,asset,usd\n2024-03-01,ETH,-3\n")
    text("prices_date.csv", "date,asset,usd\nyesterday,ETH,3000\n")
    text("prices_huge.csv", "date,asset,usd\n2024-03-01,ETH,1e308\n")
    text("prices_empty.csv", "date,asset,usd\n")
    text("prices_twice.csv", "date,asset,usd\n2024-03-01,ETH,3000\n2024-03-01,ETH,3100\n")
    text("afile", "keep me")
    files["missing.csv"] = folder / "missing.csv"
    files["adir.parquet"] = folder / "adir.parquet"
    files["adir.parquet"].mkdir()
    files["empty_dir"] = folder / "empty_dir"
    files["empty_dir"].mkdir()
    return files


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The case files, written once for the module."""
    return _write_files(tmp_path_factory.mktemp("trace_inputs"))


Case = tuple[str, Callable[[dict[str, Path], Path], list[str]], str]
"""An id, the arguments after ``sever trace`` (from the files and an output folder), and a piece
of the error line expected."""


def _opts(*extra: str, transfers: str = "good.csv") -> Callable[[dict[str, Path], Path], list[str]]:
    """Arguments: the given transfers file from the thief, writing into the output folder, with
    ``extra`` (``{name}`` is replaced by that case file's path, ``{out}`` by the output folder)."""

    def build(files: dict[str, Path], out: Path) -> list[str]:
        def fill(text: str) -> str:
            for name, path in files.items():
                text = text.replace("{" + name + "}", str(path))
            return text.replace("{out}", str(out))

        base = ["--transfers", str(files[transfers]), "--from", THIEF, *(fill(e) for e in extra)]
        return base if "--out" in extra else [*base, "--out", str(out / "reached.parquet")]

    return build


def _from(value: str) -> Callable[[dict[str, Path], Path], list[str]]:
    """Arguments with ``--from value`` instead of the thief."""

    def build(files: dict[str, Path], out: Path) -> list[str]:
        return ["--transfers", str(files["good.csv"]), "--from", value, "--out", str(out / "r.csv")]

    return build


OPTION_CASES: list[Case] = [
    ("hops -1", _opts("--hops", "-1"), "hops must be between"),
    ("hops 0", _opts("--hops", "0"), "hops must be between"),
    ("hops 10^9", _opts("--hops", "1000000000"), "hops must be between"),
    ("min-usd nan", _opts("--min-usd", "nan"), "--min-usd"),
    ("min-usd inf", _opts("--min-usd", "inf"), "--min-usd"),
    ("min-usd -1", _opts("--min-usd", "-1"), "--min-usd"),
    ("method nosuch", _opts("--method", "nosuch"), "unknown method"),
    ("direction x", _opts("--direction", "x"), "unknown direction"),
    ("since garbage", _opts("--since", "garbage"), "--since"),
    ("until garbage", _opts("--until", "2024-13-45"), "--until"),
    ("until before since", _opts("--since", "2024-03-02", "--until", "2024-03-01"), "--until"),
    ("leg-tolerance 5", _opts("--match-legs", "--leg-tolerance", "5"), "--leg-tolerance"),
    ("leg-tolerance nan", _opts("--match-legs", "--leg-tolerance", "nan"), "--leg-tolerance"),
    ("bridge-hours -1", _opts("--match-legs", "--bridge-hours", "-1"), "--bridge-hours"),
    ("mixer-days inf", _opts("--match-legs", "--mixer-days", "inf"), "--mixer-days"),
    ("decimals -3", _opts("--decimals", "-3"), "--decimals"),
    ("decimals 500", _opts("--decimals", "500"), "--decimals"),
    ("from empty", _from(""), "--from"),
    ("from commas", _from(" , ,"), "--from"),
    ("from not an address", _from("hello world"), "not an address"),
    ("from absent address", _from("0x" + "d4" * 20), "none of the sources"),
    ("from-listed unknown", _opts("--from-listed", "No Such Party"), "No Such Party"),
    ("from-listed empty", _opts("--from-listed", " "), "name is empty"),
    ("asset empty", _opts("--asset", " "), "--asset"),
    ("out unknown suffix", _opts("--out", "{out}/r.txt"), "unknown output type"),
    ("out under a file", _opts("--out", "{afile}/r.parquet"), "afile"),
    ("out without a suffix", _opts("--out", "{out}/reached"), "unknown output type"),
    ("out is a folder", _opts("--out", "{adir.parquet}"), "is a folder"),
    ("html under a file", _opts("--html", "{afile}/flow.html"), "afile"),
    ("html into a folder", _opts("--html", "{out}"), "is a folder"),
    ("freeze-list under a file", _opts("--freeze-list", "{afile}/freeze"), "afile"),
    ("alerts unknown suffix", _opts("--alerts", "{out}/alerts.xlsx"), "unknown output type"),
]

FILE_CASES: list[Case] = [
    ("transfers missing", _opts(transfers="missing.csv"), "not found"),
    ("transfers NaN value", _opts(transfers="nan.csv"), "value"),
    ("transfers negative value", _opts(transfers="negative.csv"), "value"),
    ("transfers infinite value", _opts(transfers="inf.csv"), "value"),
    ("transfers text value", _opts(transfers="text_value.csv"), "value"),
    ("transfers year 10000", _opts(transfers="year10000.csv"), "year10000.csv"),
    ("transfers no rows", _opts(transfers="no_rows.csv"), "none of the sources"),
    ("transfers wrong columns", _opts(transfers="no_columns.csv"), "no_columns.csv"),
    ("transfers Latin-1", _opts(transfers="latin1.csv"), "latin1.csv"),
    ("transfers unterminated quote", _opts(transfers="unterminated.csv"), "unterminated.csv"),
    ("transfers truncated parquet", _opts(transfers="truncated.parquet"), "truncated.parquet"),
    ("transfers not parquet", _opts(transfers="not_parquet.parquet"), "not_parquet.parquet"),
    ("transfers an empty folder", _opts(transfers="empty_dir"), "empty_dir"),
    ("tags a transfers parquet", _opts("--tags", "{whole.parquet}"), "not a wallets file"),
    ("tags truncated parquet", _opts("--tags", "{truncated.parquet}"), "truncated.parquet"),
    ("tagpack a list", _opts("--tags", "{list.yaml}"), "not a TagPack"),
    ("tagpack a scalar", _opts("--tags", "{scalar.yaml}"), "not a TagPack"),
    ("tagpack nested 10,000 deep", _opts("--tags", "{deep.yaml}"), "deep.yaml"),
    ("tagpack tags nested 10,000 deep", _opts("--tags", "{deep_tags.yaml}"), "deep_tags.yaml"),
    ("tagpack bad yaml", _opts("--tags", "{bad_yaml.yaml}"), "not valid YAML"),
    ("tagpack tag without address", _opts("--tags", "{tag_no_address.yaml}"), "no address"),
    ("tags unknown category", _opts("--tags", "{tags_bad_category.csv}"), "casino"),
    ("tags Latin-1", _opts("--tags", "{tags_latin1.csv}"), "tags_latin1.csv"),
    ("tags missing", _opts("--tags", "{out}/none.csv"), "none.csv"),
    ("prices nan", _opts("--prices", "{prices_nan.csv}"), "usd"),
    ("prices negative", _opts("--prices", "{prices_negative.csv}"), "usd"),
    ("prices bad date", _opts("--prices", "{prices_date.csv}"), "date"),
    ("prices 1e308", _opts("--prices", "{prices_huge.csv}"), "usd"),
    ("prices no rows", _opts("--prices", "{prices_empty.csv}"), "no rows"),
    ("prices twice a day", _opts("--prices", "{prices_twice.csv}"), "priced twice"),
    ("prices missing", _opts("--prices", "{out}/none.csv"), "none.csv"),
]


class Hang(BaseException):
    """A case ran past :data:`CASE_SECONDS` (not an Exception, so the runner cannot swallow it)."""


@contextmanager
def alarm(seconds: int) -> Iterator[None]:
    """Raise :class:`Hang` in this (main) thread after ``seconds``."""

    def ring(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"ran past {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def invoke(args: list[str], home: Path) -> tuple[int, str, str, BaseException | None]:
    """``sever trace ARGS`` in this process: exit code, stdout, stderr and any crash."""
    with alarm(CASE_SECONDS):
        try:
            result = CliRunner().invoke(app, ["trace", *args, "--home", str(home)])
        except Hang:
            pytest.fail(f"hang: sever trace {' '.join(args)[:300]}")
    crash = None if isinstance(result.exception, SystemExit | None) else result.exception
    return result.exit_code, result.stdout, result.stderr, crash


def assert_one_error_line(args: list[str], home: Path, expected: str) -> None:
    """Exit 2, no crash, exactly one ``error:`` line on stderr naming ``expected``."""
    code, stdout, stderr, crash = invoke(args, home)
    shown = f"sever trace {' '.join(args)[:300]} -> {code}\nstdout: {stdout}\nstderr: {stderr}"
    assert crash is None, f"{shown}\ncrash: {crash!r}"
    assert code == 2, shown
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), shown
    assert expected.lower() in lines[0].lower(), f"{expected!r} not in the error line\n{shown}"


def assert_nothing_written(out: Path) -> None:
    """No output file, whole or partial, in the output folder."""
    assert_no_partial(out)
    assert not any(out.iterdir()), sorted(p.name for p in out.iterdir())


@pytest.mark.parametrize(
    ("build", "expected"),
    [(build, expected) for _, build, expected in OPTION_CASES + FILE_CASES],
    ids=[name for name, _, _ in OPTION_CASES + FILE_CASES],
)
def test_absurd_options_and_bad_files_are_one_line_errors(
    files: dict[str, Path],
    tmp_path: Path,
    build: Callable[[dict[str, Path], Path], list[str]],
    expected: str,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args = [*build(files, out), "--no-lists"]
    assert_one_error_line(args, tmp_path / "home", expected)
    assert_nothing_written(out)
    assert files["afile"].read_text() == "keep me"


def test_the_good_file_traces_so_the_cases_fail_for_their_own_reason(
    files: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args = _opts("--tags", "{tags.csv}", "--freeze-list", "{out}/freeze", "--html", "{out}/f.html")
    code, stdout, stderr, crash = invoke([*args(files, out), "--no-lists"], tmp_path / "home")
    assert crash is None and code == 0, stdout + stderr
    assert {p.name for p in out.iterdir()} == {
        "reached.parquet",
        "freeze.csv",
        "freeze.json",
        "f.html",
    }
    assert "Binance" in stdout


CHILD_CASES = [
    ("hops 10^9", ["--hops", "1000000000"], "hops must be between"),
    ("from-listed unknown, lists loaded", ["--from-listed", "No Such Party"], "No Such Party"),
    ("from-listed empty, lists loaded", ["--from-listed", ""], "name is empty"),
    ("deep TagPack", ["--tags", "{deep.yaml}"], "deep.yaml"),
]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [(extra, expected) for _, extra, expected in CHILD_CASES],
    ids=[name for name, _, _ in CHILD_CASES],
)
def test_a_user_at_a_terminal_sees_one_line(
    files: dict[str, Path], loaded_cli_home: Path, tmp_path: Path, extra: list[str], expected: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args = _opts(*extra)(files, out)
    assert_clean_error(run_sever("trace", *args, home=loaded_cli_home, timeout=60), expected)
    assert_nothing_written(out)
