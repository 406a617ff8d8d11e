"""``sever trace`` end to end: the files it writes, ``--json``, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from sever.cli import app
from sever.trace.results import ADDRESS_COLUMNS
from tests.trace.test_patterns import laundering
from tests.trace.trace_chain import Chain, addr

runner = CliRunner()


def run(*args: str) -> object:
    return runner.invoke(app, ["trace", *args])


def test_the_command_writes_every_output(chain: Chain, tmp_path: Path) -> None:
    laundering(chain)
    out = tmp_path / "reached.parquet"
    result = run(
        "--transfers",
        str(chain.write()),
        "--from",
        addr("thief").upper().replace("0X", "0x"),
        "--tags",
        str(chain.write_tags()),
        "--no-lists",
        "--home",
        str(tmp_path / "home"),
        "--out",
        str(out),
        "--freeze-list",
        str(tmp_path / "freeze.json"),
        "--html",
        str(tmp_path / "flow.html"),
        "--alerts",
        str(tmp_path / "alerts.jsonl"),
    )
    assert result.exit_code == 0, result.output
    rows = pd.read_parquet(out)
    assert tuple(rows.columns) == ADDRESS_COLUMNS
    assert set(rows.role) >= {"source", "endpoint", "passed"}
    freeze = json.loads((tmp_path / "freeze.json").read_text())
    assert {r["service"] for r in freeze["requests"]} == {"Binance", "Desk"}
    desk = next(r for r in freeze["requests"] if r["service"] == "Desk")
    assert desk["addresses"][0]["transfers"][0]["timestamp"].startswith("2024-03-01T19:00")
    flat = pd.read_csv(tmp_path / "freeze.csv")
    assert set(flat.service) == {"Binance", "Desk"} and "tx_hashes" in flat.columns
    page = (tmp_path / "flow.html").read_text()
    assert "<svg" in page and "<script" not in page and "https://" not in page
    alerts = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert {a["typology"] for a in alerts} == {"crypto_laundering"} and len(alerts) == 2
    assert "Binance" in result.output and "peel_chain" in result.output


def test_json_prints_the_summary_endpoints_and_patterns(chain: Chain, tmp_path: Path) -> None:
    laundering(chain)
    result = run(
        "--transfers",
        str(chain.write()),
        "--from",
        addr("thief"),
        "--tags",
        str(chain.write_tags()),
        "--no-lists",
        "--method",
        "fifo",
        "--json",
    )
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["settings"]["method"] == "fifo"
    assert payload["prices"].startswith("reference rates")
    assert payload["transfers"]["rows_read"] == len(chain.rows)
    assert {e["service"] for e in payload["endpoints"]} == {"Binance", "Desk"}


def test_bad_input_is_one_error_line_and_exit_2(chain: Chain, tmp_path: Path) -> None:
    chain.send("a", "b", 1, 1)
    chain.rows[0]["value"] = "-5"
    path = chain.write()
    for args in (
        ["--transfers", str(path), "--from", addr("a")],
        ["--transfers", str(tmp_path / "missing.csv"), "--from", addr("a")],
        ["--transfers", str(path), "--from", addr("a"), "--method", "guess"],
        ["--transfers", str(path), "--from", addr("a"), "--since", "last week"],
        ["--transfers", str(path), "--from", addr("a"), "--out", str(tmp_path / "x.txt")],
    ):
        result = run(*args, "--no-lists")
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines() if result.stderr else result.output.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), result.output


def test_help_names_every_option() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for option in (
        "--transfers",
        "--from",
        "--method",
        "--hops",
        "--since",
        "--tags",
        "--out",
        "--freeze-list",
        "--html",
        "--json",
        "--match-legs",
        "--direction",
    ):
        assert option in result.output


def test_json_output_has_no_progress_bar_and_is_pure_json(chain: Chain, tmp_path: Path) -> None:
    laundering(chain)
    result = runner.invoke(
        app,
        [
            "trace",
            "--transfers",
            str(chain.write()),
            "--from",
            addr("thief"),
            "--no-lists",
            "--home",
            str(tmp_path / "home"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["settings"]["hops"] == 20
    assert "following hops" not in result.output
