"""`sever lists` from the command line: tables for people, --json for scripts, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from followthemoney import model
from typer.testing import CliRunner

from sever.cli import app
from sever.home import Home

runner = CliRunner()


def sever(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_status_of_the_built_in_snapshot_as_json(loaded_home: Home) -> None:
    code, out = sever("lists", "status", "--home", str(loaded_home.root), "--json")
    assert code == 0
    status = json.loads(out)
    by_dataset = {d["dataset"]: d for d in status["datasets"]}
    sdn = by_dataset["us_ofac_sdn"]
    assert sdn["published"] == "2024-05-03"
    assert sdn["parties"] == 14_965
    assert sdn["under_dprk_programs"] == 484
    un = by_dataset["un_sc_sanctions"]
    assert un["by_schema"]["Person"] == 730
    assert un["by_program"]["UN-DPRK"] == 155
    assert un["under_dprk_programs"] == 155
    [overlap] = status["overlap"]
    assert overlap["linked_pairs"] > 100  # the same parties are on both lists, linked


def test_dprk_scope_status_counts_only_the_scope(loaded_home: Home) -> None:
    code, out = sever(
        "lists", "status", "--home", str(loaded_home.root), "--scope", "dprk", "--json"
    )
    assert code == 0
    by_dataset = {d["dataset"]: d for d in json.loads(out)["datasets"]}
    assert 484 <= by_dataset["us_ofac_sdn"]["parties"] < 1_000
    assert "CUBA" not in by_dataset["us_ofac_sdn"]["by_program"]


def test_load_then_diff_from_the_command_line(home: Home, shared_data: Path) -> None:
    ofac = shared_data / "ofac"
    for day in ("2022-04-12", "2022-04-14"):
        code, out = sever(
            "lists",
            "load",
            str(ofac / f"sdn-{day}" / "sdn.csv"),
            "--home",
            str(home.root),
            "--json",
        )
        assert code == 0, out
        assert json.loads(out)[0]["published"] == day
    code, out = sever(
        "lists",
        "diff",
        "us_ofac_sdn@2022-04-12",
        "us_ofac_sdn@2022-04-14",
        "--home",
        str(home.root),
        "--json",
    )
    assert code == 0
    changed = {c["entity_id"]: c for c in json.loads(out)["changed"]}
    props = {c["prop"]: c["added"] for c in changed["ofac-27307"]["changes"]}
    assert props["cryptoWallets"] == ["ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96"]
    code, out = sever("lists", "diff", "--home", str(home.root))
    assert code == 0 and "LAZARUS GROUP" in out and "1 added" in out


def test_export_ftm_lines_read_back_as_entities(loaded_home: Home, tmp_path: Path) -> None:
    out_file = tmp_path / "dprk.ftm.json"
    code, _ = sever(
        "lists",
        "export",
        "--scope",
        "dprk",
        "--out",
        str(out_file),
        "--home",
        str(loaded_home.root),
    )
    assert code == 0
    lines = out_file.read_text().splitlines()
    entities = [model.get_proxy(json.loads(line)) for line in lines]
    assert any(e.caption == "LAZARUS GROUP" for e in entities)
    assert all(json.loads(line)["datasets"] for line in lines[:50])


def test_export_csv_has_one_row_per_value(loaded_home: Home, tmp_path: Path) -> None:
    out_file = tmp_path / "un.csv"
    code, _ = sever(
        "lists",
        "export",
        "--format",
        "csv",
        "--scope",
        "un_sc_sanctions",
        "--out",
        str(out_file),
        "--home",
        str(loaded_home.root),
    )
    assert code == 0
    header, *rows = out_file.read_text().splitlines()
    assert header == "id,schema,caption,dataset,property,value"
    assert any(",unscId," in row or ",programId,UN-DPRK" in row for row in rows)


def test_bad_input_is_one_clear_line_and_exit_code_2(home: Home, tmp_path: Path) -> None:
    bad = tmp_path / "nonsense.csv"
    bad.write_text("not a list\n")
    code, out = sever("lists", "load", str(bad), "--home", str(home.root))
    assert code == 2
    assert "nonsense.csv" in out and "not a recognised" in out and "Traceback" not in out
    code, out = sever("lists", "diff", "nosuch~1", "--home", str(home.root))
    assert code == 2
    code, out = sever("lists", "status", "--scope", "mars", "--home", str(home.root))
    assert code == 2 and "scope" in out


def test_update_offline_keeps_what_is_served(loaded_home: Home) -> None:
    code, out = sever(
        "lists",
        "update",
        "--source",
        "un_xml",
        "--url",
        "un_xml=http://127.0.0.1:9/consolidated.xml",
        "--home",
        str(loaded_home.root),
        "--json",
    )
    assert code == 2
    [result] = json.loads(out)
    assert result["error"] and result["snapshot"] is None


def test_every_command_has_help() -> None:
    for command in ("load", "update", "status", "diff", "export"):
        code, out = sever("lists", command, "--help")
        assert code == 0 and "--home" in out, command
        assert "--json" in out or command in ("export",), command


_HOLD_THE_STORE = """
import sys, time
from sever.entities import Store
from sever.home import Home
with Store.open(Home.resolve(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(2)
"""


def test_status_waits_for_a_load_holding_the_store(loaded_home: Home) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", _HOLD_THE_STORE, str(loaded_home.root)], stdout=subprocess.PIPE
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == b"holding"
    try:
        code, out = sever("lists", "status", "--home", str(loaded_home.root), "--json")
        assert code == 0, out
        assert {d["dataset"] for d in json.loads(out)["datasets"]} >= {"us_ofac_sdn"}
    finally:
        writer.wait(timeout=30)
