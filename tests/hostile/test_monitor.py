"""Hostile input for `sever monitor`: bad transactions, accounts, hits, settings and rates files,
and absurd option values. Each case ends in one clear error line (exit 2) or a documented outcome:
never a traceback, never a hang, never a partial file under the final name.

Most cases run the command in process (fast; an exception that escapes fails the case); the
worst ones of the issue run the real command in a child process with a per-case timeout.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from sever.cli import app

from .conftest import assert_clean_error, assert_no_partial, run_sever

HEADER = "tx_id,timestamp,src_account,dst_account,amount,currency\n"
GOOD_ROWS = "".join(
    f"T{i},2024-03-0{1 + i % 9}T09:00:00Z,A{i % 4},B{i % 3},{100 + i},USD\n" for i in range(12)
)


def tx_csv(folder: Path, rows: str = GOOD_ROWS, header: str = HEADER) -> Path:
    path = folder / "tx.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def tx_parquet(folder: Path, **columns: pa.Array) -> Path:
    """Three good payments as Parquet, with some columns replaced by typed arrays."""
    base = {
        "tx_id": pa.array(["T1", "T2", "T3"]),
        "timestamp": pa.array([1_709_283_600_000_000] * 3, pa.timestamp("us")),
        "src_account": pa.array(["A", "B", "C"]),
        "dst_account": pa.array(["B", "C", "A"]),
        "amount": pa.array([10.0, 20.0, 30.0]),
        "currency": pa.array(["USD"] * 3),
    }
    path = folder / "tx.parquet"
    pq.write_table(pa.table(base | columns), path)
    return path


def write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# -- the corpus: (case id, builder returning the arguments after `monitor run`, expected words) ----

Builder = Callable[[Path], list[str]]


def _run_with(**files: Callable[[Path], Path]) -> Builder:
    """`monitor run tx.csv` plus options whose values are files made by the given builders."""

    def build(folder: Path) -> list[str]:
        args = [str(tx_csv(folder))]
        for option, make in files.items():
            args += [f"--{option.replace('_', '-')}", str(make(folder))]
        return args

    return build


def _tx(make: Callable[[Path], Path]) -> Builder:
    return lambda folder: [str(make(folder))]


CORPUS: list[tuple[str, Builder, tuple[str, ...]]] = [
    # transactions: values that parse but cannot be used
    ("nan-amount", _tx(lambda f: tx_csv(f, GOOD_ROWS + "TX,2024-03-01T00:00:00Z,A,B,NaN,USD\n")),
     ("row 13", "amount", "not a number")),
    ("inf-amount", _tx(lambda f: tx_csv(f, GOOD_ROWS + "TX,2024-03-01T00:00:00Z,A,B,1e999,USD\n")),
     ("amount", "not a finite number")),
    ("true-amount", _tx(lambda f: tx_csv(f, GOOD_ROWS + "TX,2024-03-01T00:00:00Z,A,B,true,USD\n")),
     ("amount", "not a number")),
    ("huge-amount", _tx(lambda f: tx_csv(f, GOOD_ROWS + "TX,2024-03-01T00:00:00Z,A,B,1e300,USD\n")),
     ("amount", "is above")),
    ("negative-amount", _tx(lambda f: tx_csv(f, "T1,2024-03-01T00:00:00Z,A,B,-5,USD\n")),
     ("row 1", "amount", "negative")),
    ("bool-parquet-amount", _tx(lambda f: tx_parquet(f, amount=pa.array([True, False, True]))),
     ("row 1", "amount", "not a number")),
    ("nan-parquet-amount", _tx(lambda f: tx_parquet(f, amount=pa.array([1.0, float("nan"), 2]))),
     ("row 2", "amount", "not a finite number")),
    ("year-10000", _tx(lambda f: tx_csv(f, GOOD_ROWS + "TX,10000-01-01T00:00:00Z,A,B,5,USD\n")),
     ("row 13", "timestamp", "not a time")),
    ("year-1900", _tx(lambda f: tx_csv(f, "T1,1900-01-01T00:00:00Z,A,B,5,USD\n")),
     ("timestamp", "out of range")),
    ("far-future-parquet", _tx(lambda f: tx_parquet(
        f, timestamp=pa.array([0, 10**18, 0], pa.timestamp("us")))),
     ("row 2", "timestamp", "out of range")),
    ("epoch-word", _tx(lambda f: tx_csv(f, "T1,epoch,A,B,5,USD\n")), ("timestamp", "not a time")),
    ("duplicate-id", _tx(lambda f: tx_csv(f, GOOD_ROWS + "T3,2024-03-01T00:00:00Z,A,B,5,USD\n")),
     ("tx_id", "appears 2 times")),
    ("unknown-currency", _tx(lambda f: tx_csv(f, "T1,2024-03-01T00:00:00Z,A,B,5,XXX\n")),
     ("unknown currency",)),
    # transactions: files that are not what their name says
    ("missing-column", _tx(lambda f: tx_csv(f, "T1,2024-03-01T00:00:00Z,A,B,5\n",
                                           HEADER.replace(",currency", ""))),
     ("missing required column",)),
    ("empty-file", _tx(lambda f: write(f, "tx.csv", b"")), ("tx.csv",)),
    ("latin-1", _tx(lambda f: write(f, "tx.csv", (HEADER + "T1,2024-03-01,Caf\xe9,B,5,USD\n")
                                    .encode("latin-1"))), ("tx.csv",)),
    ("binary-as-csv", _tx(lambda f: write(f, "tx.csv", bytes(range(256)) * 8)), ("tx.csv",)),
    ("ragged-row", _tx(lambda f: tx_csv(f, "T1,2024-03-01T00:00:00Z,A,B,5,USD,extra,cells\n")),
     ("tx.csv",)),
    ("unterminated-quote", _tx(lambda f: tx_csv(f, 'T1,2024-03-01,"A,B,5,USD\n' + GOOD_ROWS)),
     ("tx.csv",)),
    ("truncated-parquet", _tx(lambda f: write(f, "tx.parquet",
                                              tx_parquet(f).read_bytes()[:-30])),
     ("tx.parquet", "cannot read as parquet")),
    ("parquet-named-csv", _tx(lambda f: write(f, "tx.csv", tx_parquet(f).read_bytes())),
     ("tx.csv",)),
    ("unknown-type", _tx(lambda f: write(f, "tx.xlsx", b"PK")), ("unknown file type",)),
    ("not-there", lambda f: [str(f / "nope.csv")], ("not found",)),
    ("empty-folder", lambda f: [str(f)], ("cannot read as parquet",)),
    # accounts and hits
    ("accounts-year-10000", _run_with(accounts=lambda f: write(
        f, "acc.csv", "account_id,holder_id,opened\nA0,P0,10000-01-01\n")),
     ("acc.csv", "opened", "not a date")),
    ("accounts-missing-holder", _run_with(accounts=lambda f: write(
        f, "acc.csv", "account_id,opened\nA0,2020-01-01\n")), ("holder_id",)),
    ("hits-score-above-1", _run_with(hits=lambda f: write(
        f, "hits.csv", "party_id,entity_id,score,match\nA0,e1,0.9,true\nA1,e2,7,true\n")),
     ("hits.csv", "row 2", "score", "above 1")),
    ("hits-unknown-flag", _run_with(hits=lambda f: write(
        f, "hits.csv", "party_id,entity_id,score,match\nA0,e1,0.9,perhaps\n")),
     ("hits.csv", "match", "not a flag")),
    # settings and rates
    ("settings-latin-1", _run_with(settings=lambda f: write(
        f, "s.yaml", "thresholds:\n  fan_out:\n    min_counterparties: 9 # caf\xe9\n"
        .encode("latin-1"))), ("s.yaml", "byte 0xe9")),
    ("settings-not-yaml", _run_with(settings=lambda f: write(f, "s.yaml", "a: [b\n")),
     ("s.yaml", "not valid yaml")),
    ("settings-too-deep", _run_with(settings=lambda f: write(f, "s.yaml", "[" * 5000)),
     ("s.yaml",)),
    ("settings-a-list", _run_with(settings=lambda f: write(f, "s.yaml", "- 1\n- 2\n")),
     ("s.yaml", "must be a mapping")),
    ("settings-nan", _run_with(settings=lambda f: write(
        f, "s.yaml", "thresholds:\n  fan_out:\n    min_total: .nan\n")),
     ("s.yaml", "row 3", "thresholds.fan_out.min_total", "between")),
    ("settings-zero-window", _run_with(settings=lambda f: write(
        f, "s.yaml", "thresholds:\n  fan_out:\n    window_days: 0\n")),
     ("window_days", "between 1 and 3650")),
    ("settings-unknown-rule", _run_with(settings=lambda f: write(
        f, "s.yaml", "thresholds:\n  fan_outt:\n    window_days: 3\n")),
     ("unknown rule", "fan_outt", "row 2")),
    ("settings-unknown-parameter", _run_with(settings=lambda f: write(
        f, "s.yaml", "source: data\nthresholds:\n  fan_out:\n    min_fans: 3\n")),
     ("row 4", "thresholds.fan_out.min_fans", "no parameter")),
    ("settings-unknown-key", _run_with(settings=lambda f: write(
        f, "s.yaml", "version: 1\nthreshold: {}\n")), ("row 2", "unknown key 'threshold'")),
    ("settings-old-layout", _run_with(settings=lambda f: write(
        f, "s.yaml", "fan_out:\n  window_days: 3\n")), ("go under 'thresholds:'",)),
    ("settings-bad-source", _run_with(settings=lambda f: write(f, "s.yaml", "source: magic\n")),
     ("field 'source'", "unknown source")),
    ("settings-bad-version", _run_with(settings=lambda f: write(f, "s.yaml", "version: 7\n")),
     ("version",)),
    ("settings-bad-engine", _run_with(settings=lambda f: write(f, "s.yaml", "engine: oracle\n")),
     ("engine", "oracle")),
    ("settings-rules-not-list", _run_with(settings=lambda f: write(f, "s.yaml", "rules: 5\n")),
     ("rules", "list of rule ids")),
    ("rates-latin-1", _run_with(rates=lambda f: write(
        f, "r.csv", "currency,usd_per_unit\nEUR,1.1\n\xa3,1.3\n".encode("latin-1"))),
     ("r.csv", "byte 0xa3")),
    ("rates-nan", _run_with(rates=lambda f: write(f, "r.csv", "currency,usd_per_unit\nEUR,nan\n")),
     ("r.csv", "row 2", "usd_per_unit")),
    ("rates-negative", _run_with(rates=lambda f: write(
        f, "r.csv", "currency,usd_per_unit\nEUR,-1\n")), ("r.csv", "usd_per_unit", "positive")),
    ("rates-bad-code", _run_with(rates=lambda f: write(
        f, "r.csv", "currency,usd_per_unit\n=cmd|x,1\n")), ("r.csv", "currency")),
    ("rates-no-column", _run_with(rates=lambda f: write(f, "r.csv", "code,rate\nEUR,1\n")),
     ("r.csv", "usd_per_unit")),
    ("rates-twice", _run_with(rates=lambda f: write(
        f, "r.csv", "currency,usd_per_unit\nEUR,1\neur,2\n")), ("r.csv", "twice")),
]  # fmt: skip

# absurd option values: (case id, arguments after `monitor`, expected words)
OPTIONS: list[tuple[str, list[str], tuple[str, ...]]] = [
    ("engine", ["run", "TX", "--engine", "oracle"], ("unknown engine", "duckdb, spark")),
    ("rules", ["run", "TX", "--rules", "fan_out,nope"], ("unknown rule", "nope")),
    ("set-no-equals", ["run", "TX", "--set", "fan_out"], ("not RULE.PARAM=VALUE",)),
    ("set-nan", ["run", "TX", "--set", "fan_out.min_total=nan"], ("min_total", "between")),
    ("set-inf", ["run", "TX", "--set", "fan_out.window_days=1e999"], ("window_days",)),
    ("set-negative", ["run", "TX", "--set", "structuring.threshold=-1"], ("threshold",)),
    ("set-huge-hops", ["run", "TX", "--set", "cycle.max_hops=100000"], ("max_hops", "12")),
    ("set-word", ["run", "TX", "--set", "fan_out.window_days=soon"], ("takes a int",)),
    ("incremental-slash", ["run", "TX", "--incremental", "a/b"], ("--incremental", "a/b")),
    ("incremental-dots", ["run", "TX", "--incremental", ".."], ("--incremental",)),
    ("incremental-empty", ["run", "TX", "--incremental", ""], ("--incremental",)),
    ("incremental-long", ["run", "TX", "--incremental", "x" * 5000], ("--incremental",)),
    ("out-suffix", ["run", "TX", "--out", "OUT/alerts.xlsx"], ("unknown output type",)),
    ("out-folder", ["run", "TX", "--out", "OUT"], ("is a folder",)),
    ("out-under-file", ["run", "TX", "--out", "TX/alerts.csv"], ("is a file",)),
    ("score-untrained", ["score", "TX"], ("no trained model",)),
    ("train-nothing", ["train"], ("--world",)),
    ("train-no-world", ["train", "--world", "OUT/none"], ("not found",)),
    ("calibrate-out-folder", ["calibrate", "TX", "--out", "OUT"], ("is a folder",)),
    ("calibrate-out-suffix", ["calibrate", "TX", "--out", "OUT/s.csv"], (".yaml or .yml",)),
    ("tune-no-target", ["tune", "TX", "--account-labels", "TX", "--out", "OUT/s.yaml"],
     ("--precision", "--alert-budget")),
    ("tune-both-targets", ["tune", "TX", "--account-labels", "TX", "--out", "OUT/s.yaml",
                           "--precision", "0.5", "--alert-budget", "10"], ("one of them",)),
    ("tune-precision-above-1", ["tune", "TX", "--account-labels", "TX", "--out", "OUT/s.yaml",
                                "--precision", "1.5"], ("--precision", "at most 1")),
    ("tune-budget-zero", ["tune", "TX", "--account-labels", "TX", "--out", "OUT/s.yaml",
                          "--alert-budget", "0"], ("--alert-budget", "at least 1")),
    ("tune-labels-no-column", ["tune", "TX", "--account-labels", "TX", "--out", "OUT/s.yaml",
                               "--precision", "0.5"], ("account_id",)),
    ("train-bad-labels", ["train", "--transactions", "TX", "--tx-labels", "TX",
                          "--account-labels", "TX"], ("account_id",)),
]  # fmt: skip


def invoke(args: list[str], home: Path) -> tuple[int, str, str]:
    """`sever ARGS` in process: (exit code, stdout, stderr); an exception that escapes fails."""
    result = CliRunner().invoke(app, [*args, "--home", str(home)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_one_error(code: int, stderr: str, *words: str) -> None:
    """Exit 2 and one `error:` line holding every word (case-insensitive)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2, stderr
    assert len(lines) == 1 and lines[0].startswith("error:"), stderr
    for word in words:
        assert word.lower() in lines[0].lower(), f"{word!r} not in {lines[0]!r}"


@pytest.mark.parametrize(("case", "build", "words"), CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_files_are_one_line_errors(tmp_path: Path, case: str, build: Builder, words) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    args = ["monitor", "run", *build(folder), "--out", str(out / "alerts.csv")]
    code, _, stderr = invoke(args, tmp_path / "home")
    assert_one_error(code, stderr, *words)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(("case", "args", "words"), OPTIONS, ids=[c[0] for c in OPTIONS])
def test_absurd_options_are_one_line_errors(tmp_path: Path, case: str, args, words) -> None:
    tx = tx_csv(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    named = {"TX": str(tx), "OUT": str(out)}
    resolved = [named.get(a, a) for a in args]
    resolved = [a.replace("OUT/", f"{out}/").replace("TX/", f"{tx}/") for a in resolved]
    code, _, stderr = invoke(["monitor", *resolved], tmp_path / "home")
    assert_one_error(code, stderr, *words)
    assert list(out.iterdir()) == []
    state = tmp_path / "home" / "state"
    assert not state.exists() or not any(state.iterdir())


def test_raw_keeps_formula_text_and_the_default_escapes_it(tmp_path: Path) -> None:
    """Account ids that a spreadsheet would run as formulas are quoted unless --raw."""
    rows = "".join(f"T{i},2024-03-01T0{i % 10}:00:00Z,=HYPERLINK(1),@M{i},3000,USD\n"
                   for i in range(10))  # fmt: skip
    tx = tx_csv(tmp_path, rows)
    texts = {}
    for flag in ((), ("--raw",)):
        out = tmp_path / f"alerts{len(flag)}.csv"
        code, _, stderr = invoke(
            ["monitor", "run", str(tx), "--rules", "fan_out", "--out", str(out), *flag],
            tmp_path / "home",
        )
        assert code == 0, stderr
        texts[flag] = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in texts[()] and "'=HYPERLINK" not in texts[("--raw",)]
    assert "=HYPERLINK(1)" in texts[("--raw",)]


# -- the worst cases of the issue, as a user meets them: the real command in a child process ------


def test_reported_tracebacks_are_now_one_line(tmp_path: Path, cli_home: Path) -> None:
    """As the issue met them (each child process is slow, so three; the corpus above has the
    rest): a year-10000 time, non-UTF-8 settings, --out under a file. One line, nothing left."""
    tx = tx_csv(tmp_path)
    (tmp_path / "later").mkdir()
    year_10000 = tx_csv(tmp_path / "later", GOOD_ROWS + "TX,10000-01-01,A,B,5,USD\n")
    cases = [
        (["monitor", "run", year_10000], ("timestamp", "row 13")),
        (["monitor", "run", tx, "--settings", write(tmp_path, "s.yaml", b"a: \xff\n")],
         ("s.yaml", "byte 0xff")),
        (["monitor", "run", tx, "--out", tx / "alerts.csv"], ("is a file",)),
    ]  # fmt: skip
    for args, words in cases:
        assert_clean_error(run_sever(*args, home=cli_home, timeout=90), *words)
    assert_no_partial(tmp_path)
    assert not (cli_home / "state").exists() or not any((cli_home / "state").iterdir())


def test_a_payment_dated_9999_is_reported_and_does_not_move_the_watermark(tmp_path: Path) -> None:
    first = tx_csv(tmp_path, GOOD_ROWS + "TY,9999-12-31T00:00:00Z,A,B,5,USD\n")
    home = tmp_path / "home"
    code, stdout, stderr = invoke(
        ["monitor", "run", str(first), "--incremental", "bank", "--json"], home
    )
    assert code == 0, stderr
    payload = json.loads(stdout)
    assert payload["future_payments"]["count"] == 1 and payload["future_payments"]["left_out"]
    assert payload["watermark"].startswith("2024-03-09")
    state = json.loads((home / "state" / "monitor-bank.json").read_text())
    assert state["last"].startswith("2024-03-09")


def test_a_full_disk_leaves_no_alerts_file(tmp_path: Path, cli_home: Path) -> None:
    """A file-size limit stands in for a full disk: one line, and no file under the final name."""
    rows = "".join(f"T{i},2024-03-01T0{i % 10}:00:00Z,HUB,M{i},3000,USD\n" for i in range(40))
    tx = tx_csv(tmp_path, rows)
    out = tmp_path / "alerts.jsonl"
    limit = 2_000

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "sever.cli", "monitor", "run", str(tx), "--rules", "fan_out",
         "--out", str(out)],
        capture_output=True, text=True, timeout=90, preexec_fn=small_files,
        env={**os.environ, "SEVER_HOME": str(cli_home)},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "alerts.jsonl" in done.stderr
    assert not out.exists()
    assert_no_partial(tmp_path)


def test_a_hits_file_from_sever_screen_feeds_the_monitor(tmp_path: Path) -> None:
    """The hits file `sever screen --out` writes (query_id, decision, party.* columns) is read as
    the hits contract; its review decisions are not matches."""
    tx = tx_csv(tmp_path)
    hits = tmp_path / "hits.parquet"
    pd.DataFrame(
        {
            "query_id": ["A1", "A2"],
            "query_name": ["Kim", "Lee"],
            "entity_id": ["ofac-1", "ofac-2"],
            "dprk": [True, False],
            "score": [0.95, 0.72],
            "decision": ["match", "review"],
            "explanation": ["=same name", "close"],
            "party.country": ["KP", None],
        }
    ).to_parquet(hits)
    code, stdout, stderr = invoke(
        ["monitor", "run", str(tx), "--hits", str(hits), "--rules", "screened_counterparty",
         "--json"], tmp_path / "home",
    )  # fmt: skip
    assert code == 0, stderr
    alerts = json.loads(stdout)["alerts"]
    assert alerts and {a["evidence"]["metrics"]["entity_id"] for a in alerts} == {"ofac-1"}
