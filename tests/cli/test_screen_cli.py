"""`sever screen` from the command line: one-off, batch and delta; --json, exit codes, errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sever.cli import app
from sever.home import Home
from sever.lists import load_files

runner = CliRunner()

PAK = {
    "id": "wl-pak",
    "schema": "Person",
    "properties": {"name": ["PAK Chol-su"], "birthDate": ["1961-03-04"], "programId": ["DPRK3"]},
}
VESSEL = {
    "id": "wl-vessel",
    "schema": "Vessel",
    "properties": {"name": ["Chon Ma San"], "imoNumber": ["9123453"]},
}


def _load(home: Home, tmp_path: Path, entities: list[dict], name: str) -> None:
    path = tmp_path / name
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    load_files(home, [path], dataset="mylist")


@pytest.fixture
def wl_home(home: Home, tmp_path: Path) -> Home:
    _load(home, tmp_path, [PAK, VESSEL], "v1.jsonl")
    return home


@pytest.fixture
def parties(tmp_path: Path) -> Path:
    path = tmp_path / "parties.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(
            [
                ["party_id", "schema", "name", "birth_date"],
                ["c1", "Person", "Pak Chol Su", "1961-03-04"],
                ["c2", "Person", "Jane Smith", "1980-01-01"],
                ["c3", "Company", "Ocean Star Shipping Ltd", ""],
            ]
        )
    return path


def sever(home: Home, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["screen", "--home", str(home.root), *args])
    return result.exit_code, result.output


def test_a_one_off_check_as_json(wl_home: Home) -> None:
    code, out = sever(wl_home, "--name", "Pak Chol-su", "--birth-date", "1961-03-04", "--json")
    assert code == 0
    hits = json.loads(out)["hits"]
    assert hits[0]["entity_id"] == "wl-pak" and hits[0]["decision"] == "match"
    assert hits[0]["list"] == "mylist" and hits[0]["programs"] == ["DPRK3"]


def test_a_one_off_check_as_a_table(wl_home: Home) -> None:
    code, out = sever(wl_home, "--imo", "IMO 9123453")
    assert code == 0
    assert "Chon Ma San" in out and "match" in out and "1.00" in out


def test_a_batch_writes_its_hits_and_fails_on_hit_when_asked(
    wl_home: Home, parties: Path, tmp_path: Path
) -> None:
    out = tmp_path / "hits.jsonl"
    code, printed = sever(wl_home, str(parties), "--out", str(out), "--json", "--fail-on-hit")
    assert code == 1
    summary = json.loads(printed)["summary"]
    assert summary["parties"] == 3 and summary["parties_matched"] == 1
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["query_id"] == "c1" and rows[0]["entity_id"] == "wl-pak"


def test_a_batch_prints_a_summary_table(wl_home: Home, parties: Path) -> None:
    code, out = sever(wl_home, str(parties))
    assert code == 0
    assert "Screening summary" in out and "Pak Chol Su" in out


def test_a_delta_rescreens_against_what_changed(
    wl_home: Home, parties: Path, tmp_path: Path
) -> None:
    added = {"id": "wl-jane", "schema": "Person", "properties": {"name": ["Jane Smith"]}}
    _load(wl_home, tmp_path, [PAK, VESSEL, added], "v2.jsonl")
    code, out = sever(wl_home, "--delta", "mylist~1", "mylist", str(parties), "--json")
    assert code == 0
    hits = json.loads(out)["hits"]
    assert [(h["query_id"], h["change"]) for h in hits] == [("c2", "added")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give a FILE"),
        (("nosuch.csv",), "no such file"),
        (("--name", "x", "--schema", "Starship"), "unknown schema"),
        (("--name", ""), "empty name"),
        (("--name", "Pak", "--scope", "nolist"), "unknown dataset"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    wl_home: Home, args: tuple[str, ...], message: str
) -> None:
    code, out = sever(wl_home, *args)
    assert code == 2
    assert message in out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--name", "Pak", "--birth-date", "garbage"), "--birth-date"),
        (("--name", "Pak", "--birth-date", "2999-01-01"), "future"),
        (("--name", "Pak", "--country", "Atlantis"), "--country"),
        (("--name", "Pak", "--threshold", "5"), "--threshold"),
        (("--name", "Pak", "--threshold", "nan"), "--threshold"),
        (("--name", "Pak", "--threshold", "-1"), "--threshold"),
        (("--name", "Pak", "--threshold", "0"), "--threshold"),
        (("--name", "Pak", "--limit", "0"), "--limit"),
        (("--name", "Pak", "--limit", "-3"), "--limit"),
        (("--name", "Pak", "--limit", "99999999"), "--limit"),
        (("--name", "Pak", "--workers", "0"), "--workers"),
        (("--name", "Pak", "--lists", "OFAC"), "mylist"),
        (("--name", "Pak", "--lists", ","), "--lists"),
        (("--name", "Pak", "--algorithm", "magic"), "--algorithm"),
        (("--name", "Pak", "--out", "hits.csv"), "--out"),
    ],
)
def test_absurd_option_values_are_one_line_errors(
    wl_home: Home, args: tuple[str, ...], message: str
) -> None:
    code, out = sever(wl_home, *args)
    assert code == 2, out
    assert message in out
    assert "Traceback" not in out


def test_an_unknown_list_fails_a_batch_naming_the_lists_in_service(
    wl_home: Home, parties: Path
) -> None:
    code, out = sever(wl_home, str(parties), "--lists", "OFAC", "--fail-on-hit")
    assert code == 2
    assert "--lists" in out and "OFAC" in out and "mylist" in out


@pytest.mark.parametrize("raw", [False, True])
def test_hits_csv_is_formula_escaped_unless_raw(wl_home: Home, tmp_path: Path, raw: bool) -> None:
    parties = tmp_path / "formula.csv"
    parties.write_text("party_id,schema,name\n=cmd|' /C calc'!A0,Person,Pak Chol-su\n")
    out = tmp_path / "hits.csv"
    code, printed = sever(wl_home, str(parties), "--out", str(out), *(["--raw"] if raw else []))
    assert code == 0, printed
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert row["query_id"] == ("=cmd|' /C calc'!A0" if raw else "'=cmd|' /C calc'!A0")


def test_a_bad_out_is_refused_before_screening(
    wl_home: Home, parties: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    for out in (tmp_path, blocker / "hits.csv", tmp_path / "hits.xlsx"):
        code, printed = sever(wl_home, str(parties), "--out", str(out))
        assert code == 2 and str(out) in printed.replace("\n", ""), printed
        assert "Screening summary" not in printed


def test_a_latin1_parties_file_reads_with_encoding(wl_home: Home, tmp_path: Path) -> None:
    parties = tmp_path / "latin.csv"
    parties.write_bytes("party_id,schema,name\nc1,Person,Pak Chol-su Ñ\n".encode("latin-1"))
    code, out = sever(wl_home, str(parties), "--json")
    assert code == 2 and "latin.csv" in out
    code, out = sever(wl_home, str(parties), "--json", "--encoding", "latin-1")
    assert code == 0 and json.loads(out)["summary"]["screened"] == 1
