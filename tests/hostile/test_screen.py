"""`sever screen` with bad parties files, absurd options, failing workers and Ctrl-C.

Each case asserts a documented outcome: exit 2 with one line naming the file, row or option,
no traceback, no hang, and no hits file (nor a partial one) left under the final name. A few
representative cases run the real command in a child process; the long tables of cases run
in-process (a child process costs seconds to start).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sever.cli import app
from sever.errors import InputError
from sever.home import Home
from sever.screen.batch import PartyRows, party_from_row
from tests.hostile.conftest import Run, assert_clean_error, assert_no_partial, run_sever

HEADER = "party_id,schema,name,birth_date\n"
NAMES = ["Pak Chol Su", "Kim Jong Nam", "Ri Song Hyok", "Choe Chun Sik", "Jang Song Thaek"]


@pytest.fixture(scope="module")
def screen_home(tmp_path_factory: pytest.TempPathFactory, _bundled_store: Path) -> Path:
    """A home holding the built-in lists and their saved screening index, shared by this
    module's child processes (each then loads the index instead of building it)."""
    from sever.screen.index import load_index

    home = Home.resolve(tmp_path_factory.mktemp("hostile-screen") / "home")
    shutil.copy(_bundled_store, home.store_path)
    load_index(home)
    return Path(home.root)


def _parties(folder: Path, rows: int, name: str = "parties.csv") -> Path:
    lines = [f"c{i},Person,{NAMES[i % len(NAMES)]},1970-01-01" for i in range(rows)]
    path = folder / name
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _parquet(folder: Path) -> bytes:
    path = folder / "good.parquet"
    pq.write_table(pa.table({"party_id": ["c1"], "schema": ["Person"], "name": ["Pak"]}), path)
    return path.read_bytes()


BAD_FILES: list[tuple[str, Callable[[Path], bytes], str]] = [
    ("latin1.csv", lambda _: (HEADER + "c1,Person,José Pak,\n").encode("latin-1"), "row 2"),
    (
        "late-byte.csv",  # the reported hang: a bad byte after row 1,000, with workers
        lambda d: _parties(d, 1_500, "x.csv").read_bytes() + b"c9,Person,Pak \xff,\n",
        "row 1502",
    ),
    (
        "open-quote.csv",
        lambda _: (HEADER + 'c1,Person,"Pak Chol,\nc2,Person,Kim,\n').encode(),
        "quote",
    ),
    ("no-header.csv", lambda _: b"", "no header"),
    ("missing.csv", lambda _: b"id,full_name\n1,Pak\n", "party_id"),
    ("twice.csv", lambda _: b"party_id,schema,name,name\nc1,Person,Pak,Kim\n", "twice"),
    ("utf32-junk.csv", lambda _: b"\xff\xfe\x00\x00garbage", "not valid"),
    ("truncated.parquet", lambda d: _parquet(d)[:-20], "parquet"),
    ("zeros.parquet", lambda d: b"PAR1" + b"\0" * 200 + b"PAR1", "parquet"),
    ("text.parquet", lambda _: b"party_id,schema,name\n", "parquet"),
    ("parties.xlsx", lambda _: b"PK\x03\x04", ".csv or .parquet"),
]


def _screen_in_process(home: Path, *args: str) -> Run:
    """``sever screen ARGS`` in this process (for long tables of cases)."""
    result = CliRunner().invoke(app, ["screen", "--home", str(home), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(tuple(args), result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_parties_file_is_one_line_and_no_output(
    tmp_path: Path,
    screen_home: Path,
    name: str,
    content: Callable[[Path], bytes],
    message: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content(tmp_path))
    out = tmp_path / "out" / "hits.csv"
    out.parent.mkdir()
    for strict in ([], ["--strict"]):
        run = _screen_in_process(
            screen_home, str(path), "--out", str(out), "--workers", "2", *strict
        )
        assert_clean_error(run, name, message)
        assert not out.exists()
        assert_no_partial(out.parent)


def test_bad_parties_files_in_a_child_process(tmp_path: Path, screen_home: Path) -> None:
    """The same refusals from the real command: one line, exit 2, quickly, nothing written."""
    out = tmp_path / "hits.csv"
    for name, content, message in (BAD_FILES[1], BAD_FILES[7]):
        path = tmp_path / name
        path.write_bytes(content(tmp_path))
        run = run_sever(
            "screen", path, "--out", out, "--workers", "2", home=screen_home, timeout=60
        )
        assert_clean_error(run, name, message)
    assert not out.exists()
    assert_no_partial(tmp_path)


OPTIONS: list[tuple[list[str], str]] = [
    (["--threshold", "5"], "--threshold"),
    (["--threshold", "nan"], "--threshold"),
    (["--threshold", "-1"], "--threshold"),
    (["--threshold", "inf"], "--threshold"),
    (["--limit", "0"], "--limit"),
    (["--limit", "-1"], "--limit"),
    (["--limit", "100000000000"], "--limit"),
    (["--workers", "0"], "--workers"),
    (["--workers", "100000"], "--workers"),
    (["--scope", "nolist"], "unknown dataset"),
    (["--scope", ""], "unknown dataset"),
    (["--lists", "OFAC"], "us_ofac_sdn"),
    (["--lists", "../../x"], "us_ofac_sdn"),
    (["--lists", ",,"], "--lists"),
    (["--algorithm", "x" * 5000], "--algorithm"),
    (["--encoding", "klingon"], "unknown text encoding"),
    (["--delta", "us_ofac_sdn~9", "us_ofac_sdn"], "no snapshot 9"),
    (["--out", "/dev/null/hits.csv"], "/dev/null"),
    (["--out", "hits.docx"], "unknown output format"),
]


@pytest.mark.parametrize(("args", "message"), OPTIONS, ids=[" ".join(a)[:40] for a, _ in OPTIONS])
def test_absurd_batch_options_are_one_line_errors(
    tmp_path: Path, screen_home: Path, args: list[str], message: str
) -> None:
    parties = _parties(tmp_path, 3)
    run = _screen_in_process(screen_home, str(parties), *args)
    assert_clean_error(run, message)


ONE_OFF: list[tuple[list[str], str]] = [
    (["--name", "Pak", "--birth-date", "garbage"], "--birth-date"),
    (["--name", "Pak", "--birth-date", "2999-01-01"], "future"),
    (["--name", "Pak", "--birth-date", ""], "--birth-date"),
    (["--name", "Pak", "--country", "zz-top"], "--country"),
    (["--name", ""], "empty name"),
    (["--name", "   "], "empty name"),
    (["--name", "x" * 10_000], "at most"),
    (["--name", "Pak", "--schema", "Starship"], "unknown schema"),
    (["--name", "Pak", "--out", "hits.csv"], "--out"),
    (["--name", "Pak", "--encoding", "latin-1"], "--encoding"),
    (["--wallet", ""], "name or an identifier"),
    (["--name", "Pak", "--id-number", "x" * 5000], "at most"),
]


@pytest.mark.parametrize(("args", "message"), ONE_OFF, ids=[" ".join(a)[:40] for a, _ in ONE_OFF])
def test_absurd_one_off_values_are_one_line_errors(
    screen_home: Path, args: list[str], message: str
) -> None:
    run = _screen_in_process(screen_home, *args)
    assert_clean_error(run, message)


def test_a_value_that_is_no_number_is_a_usage_error(screen_home: Path) -> None:
    """Click refuses it while parsing: its usage message (exit 2), never a traceback."""
    run = _screen_in_process(screen_home, "--name", "Pak", "--threshold", "abc")
    assert run.code == 2 and "Traceback" not in run.stderr
    assert "--threshold" in run.stderr


def test_a_mistyped_list_is_an_error_not_an_empty_screening(
    tmp_path: Path, screen_home: Path
) -> None:
    """The reported case: `--lists OFAC --fail-on-hit` exited 0 with 0 hits."""
    parties = _parties(tmp_path, 3)
    run = run_sever("screen", parties, "--lists", "OFAC", "--fail-on-hit", home=screen_home)
    assert_clean_error(run, "--lists", "OFAC", "us_ofac_sdn", "un_sc_sanctions")
    run = run_sever("screen", "--name", "Pak", "--threshold", "nan", home=screen_home)
    assert_clean_error(run, "--threshold")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


def _ctrl_c_as_at_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc (Linux)")
def test_ctrl_c_during_a_batch_leaves_no_output_and_no_children(
    tmp_path: Path, screen_home: Path
) -> None:
    parties = _parties(tmp_path, 20_000)
    out = tmp_path / "hits.csv"
    env = {**os.environ, "SEVER_HOME": str(screen_home)}
    env.pop("SEVER_DEBUG", None)
    command = [sys.executable, "-m", "sever.cli", "screen", str(parties), "--out", str(out)]
    child = subprocess.Popen(
        [*command, "--workers", "2", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # as from a terminal: a suite started in the background (nohup, `&` without job control)
        # passes Ctrl-C on ignored, and Python then never turns it into KeyboardInterrupt
        preexec_fn=_ctrl_c_as_at_a_terminal,
    )
    try:
        deadline = time.monotonic() + 90
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline and child.poll() is None:
            workers = _children(child.pid)
            time.sleep(0.1)
        assert len(workers) == 2, "the batch never started its two workers"
        os.killpg(child.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        _, stderr = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130, stderr
    assert "Traceback" not in stderr.decode()
    assert not out.exists()
    assert_no_partial(tmp_path)
    time.sleep(0.2)
    assert not [pid for pid in workers if _alive(pid)]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), max_size=6),
        max_size=6,
    ),
    st.sampled_from([b"", b'"', b",", b"\r\n", b"\xff", b"\xef\xbb\xbf"]),
    st.booleans(),
)
def test_any_parties_file_reads_or_raises_input_error_only(
    tmp_path: Path, rows: list[list[str]], junk: bytes, strict: bool
) -> None:
    """Arbitrary cells, quotes, line ends and bytes: reading the rows and building every
    party's query raises nothing but InputError."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([["party_id", "schema", "name"], *rows])
    data = buffer.getvalue().encode("utf-8")
    cut = len(data) // 2
    path = tmp_path / "prop.csv"
    path.write_bytes(data[:cut] + junk + data[cut:])
    try:
        reader = PartyRows(path, strict=strict)
        for row, cells in reader:
            with contextlib.suppress(InputError):
                party_from_row(path, row, cells)
    except InputError as exc:
        assert str(exc).startswith(str(path))
