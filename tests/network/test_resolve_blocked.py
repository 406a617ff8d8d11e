"""Must show: a hand-written FtM registry whose owners are two real DPRK entries of the built-in
lists, written as a registry writes them, resolved by the screening matcher, then OFAC's 50 %
rule with its arithmetic in words."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sever.alerts import read_findings
from sever.cli import app

# KOMID (OFAC SDN ent_num 9345, UN KPe.001) and Korea United Development Bank (SDN 19509, UN):
# spelt as a company registry would, never as on the list.
L1 = "Korea Mining Development Trading Corp."
L2 = "Korea United Development Bank Co., Ltd."
PARTIES = {
    "l1": L1,
    "l2": L2,
    "a": "Amber Harbour Trading Ltd",
    "b": "Blue Lantern Shipping Ltd",
    "c": "Cedar Point Logistics Ltd",
    "d": "Delta Crest Metals Ltd",
    "e": "Evergreen Fisheries Ltd",
}
STAKES = [
    ("l1", "a", "30"),
    ("l2", "a", "25"),
    ("a", "b", "60"),
    ("a", "c", "40"),
    ("l1", "d", "25"),
    ("b", "d", "25"),
    ("l1", "e", "49"),
]


def write_registry(path: Path) -> Path:
    lines = [
        {"id": pid, "schema": "Company", "properties": {"name": [name]}}
        for pid, name in PARTIES.items()
    ]
    lines += [
        {
            "id": f"own-{owner}-{asset}",
            "schema": "Ownership",
            "properties": {"owner": [owner], "asset": [asset], "percentage": [share]},
        }
        for owner, asset, share in STAKES
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def test_hand_written_ftm_registry_owned_by_two_listed_dprk_entities(loaded_home, tmp_path):  # type: ignore[no-untyped-def]
    registry = write_registry(tmp_path / "registry.ftm.jsonl")
    alerts = tmp_path / "findings.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "network",
            "blocked",
            "--registry",
            str(registry),
            "--format",
            "ftm",
            "--alerts",
            str(alerts),
            "--home",
            str(loaded_home.root),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)

    # The owners were resolved by matching, to the real list entries, with the explanation.
    linked = {(link["party"], link["caption"]) for link in report["listed_owners"]}
    assert ("l1", "KOREA MINING DEVELOPMENT TRADING CORPORATION") in linked
    assert ("l2", "KOREA UNITED DEVELOPMENT BANK") in linked
    assert {link["party"] for link in report["listed_owners"]} == {"l1", "l2"}
    assert {link["list"] for link in report["listed_owners"]} >= {"us_ofac_sdn"}
    assert all("Match:" in link["explanation"] for link in report["listed_owners"])

    verdicts = {v["entity"]: v for v in report["verdicts"]}
    expected = {
        "a": ("blocked", 0.55, f"{L1} 30 % + {L2} 25 % = 55 % ≥ 50 %"),
        "b": ("blocked", 0.60, "Amber Harbour Trading Ltd 60 % = 60 % ≥ 50 %"),
        "c": ("not blocked", 0.40, "Amber Harbour Trading Ltd 40 % = 40 % < 50 %"),
        "d": ("blocked", 0.50, f"Blue Lantern Shipping Ltd 25 % + {L1} 25 % = 50 % ≥ 50 %"),
        "e": ("not blocked", 0.49, f"{L1} 49 % = 49 % < 50 %"),
    }
    for entity, (status, share, arithmetic) in expected.items():
        assert verdicts[entity]["status"] == status, entity
        assert verdicts[entity]["share"] == share, entity
        assert verdicts[entity]["arithmetic"] == arithmetic, entity
    assert report["problems"] == []

    findings = {f.subjects[0].id: f for f in read_findings(alerts)}
    assert set(findings) == {"a", "b", "d"}
    for finding in findings.values():
        assert finding.verb == "network" and finding.typology == "ownership_50pct"
        assert finding.severity == "critical"  # DPRK-listed owners
    # D's explanation walks the chain from the listed owners: A, then B, then D.
    chain = findings["d"].explanation
    assert chain.index("Amber Harbour") < chain.index("Blue Lantern Shipping Ltd: Amber")
    assert "KOREA MINING DEVELOPMENT TRADING CORPORATION" in chain
    assert {s.id for s in findings["a"].subjects if s.kind == "party"} == {"l1", "l2"}


def test_registry_problems_are_reported_not_fatal(loaded_home, tmp_path):  # type: ignore[no-untyped-def]
    lines = [
        {"id": "l1", "schema": "Company", "properties": {"name": [L1]}},
        {"id": "x", "schema": "Company", "properties": {"name": ["Xylo Holdings"]}},
        {"id": "y", "schema": "Company", "properties": {"name": ["Yarrow Holdings"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["l1"], "asset": ["x"]}},
        {
            "id": "o2",
            "schema": "Ownership",
            "properties": {"owner": ["x"], "asset": ["y"], "percentage": ["80"]},
        },
        {
            "id": "o3",
            "schema": "Ownership",
            "properties": {"owner": ["y"], "asset": ["x"], "percentage": ["70 %"]},
        },
        {
            "id": "o4",
            "schema": "Ownership",
            "properties": {"owner": ["x"], "asset": ["x"], "percentage": ["10"]},
        },
    ]
    registry = tmp_path / "messy.jsonl"
    registry.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "network",
            "blocked",
            "--registry",
            str(registry),
            "--home",
            str(loaded_home.root),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {p["kind"] for p in report["problems"]} == {"missing_share", "cycle", "self_ownership"}
    verdicts = {v["entity"]: v for v in report["verdicts"]}
    assert verdicts["x"]["status"] == "review"
    assert "share not stated" in verdicts["x"]["arithmetic"]


def test_a_bad_registry_is_one_line_naming_file_row_and_field(home, tmp_path):  # type: ignore[no-untyped-def]
    registry = tmp_path / "bad.jsonl"
    registry.write_text(
        '{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n'
        '{"id": "o", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["zz"]}}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["network", "blocked", "--registry", str(registry), "--home", str(home.root)]
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "bad.jsonl, row 2, field 'asset'" in result.output.replace("\n", "")


def test_registry_table_against_one_list_with_verdicts_written(loaded_home, tmp_path):  # type: ignore[no-untyped-def]
    registry = tmp_path / "registry.csv"
    owners = json.dumps([{"owner_id": "p9", "share": 0.5, "name": L2}]).replace('"', '""')
    registry.write_text(
        f'company_id,name,owners\nc1,Amber Harbour Ltd,"{owners}"\n'
        'c2,Blue Lantern Ltd,"[{""owner_id"": ""c1"", ""share"": 0.7}]"\n',
        encoding="utf-8",
    )
    out = tmp_path / "verdicts.csv"
    args = ["network", "blocked", "--registry", str(registry), "--home", str(loaded_home.root)]
    result = CliRunner().invoke(app, [*args, "--dataset", "us_ofac_sdn", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "entity,label,status,share,round,arithmetic"
    assert rows[1] == f'c1,Amber Harbour Ltd,blocked,0.5,1,"{L2} 50 % = 50 % ≥ 50 %"'
    assert rows[2] == "c2,Blue Lantern Ltd,blocked,0.7,2,Amber Harbour Ltd 70 % = 70 % ≥ 50 %"

    result = CliRunner().invoke(app, [*args, "--dataset", "nope"])
    assert result.exit_code == 2
    assert "--dataset: 'nope' is not loaded" in result.output


def test_blocked_reads_the_graph_that_network_build_wrote(loaded_home, tmp_path):  # type: ignore[no-untyped-def]
    registry = write_registry(tmp_path / "registry.ftm.jsonl")
    home = ["--home", str(loaded_home.root)]
    built = CliRunner().invoke(app, ["network", "build", "--registry", str(registry), *home])
    assert built.exit_code == 0, built.output
    result = CliRunner().invoke(app, ["network", "blocked", *home, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["source"].endswith("graph.duckdb")
    assert (report["parties"], report["stakes"]) == (7, 7)
    verdicts = {v["entity"]: v["status"] for v in report["verdicts"]}
    assert verdicts == {
        "a": "blocked",
        "b": "blocked",
        "c": "not blocked",
        "d": "blocked",
        "e": "not blocked",
    }
    assert verdicts_of(report)["d"] == f"Blue Lantern Shipping Ltd 25 % + {L1} 25 % = 50 % ≥ 50 %"


def verdicts_of(report: dict) -> dict[str, str]:
    return {v["entity"]: v["arithmetic"] for v in report["verdicts"]}


def test_blocked_without_a_graph_or_registry_says_to_build(home):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["network", "blocked", "--home", str(home.root)])
    assert result.exit_code == 2
    assert "run `sever network build` first" in result.output.replace("\n", " ")


def test_a_stake_that_ended_is_reported_through_the_graph(loaded_home, tmp_path):  # type: ignore[no-untyped-def]
    lines = [
        {"id": "l1", "schema": "Company", "properties": {"name": [L1]}},
        {"id": "a", "schema": "Company", "properties": {"name": ["Amber Harbour Trading Ltd"]}},
        {
            "id": "o1",
            "schema": "Ownership",
            "properties": {
                "owner": ["l1"],
                "asset": ["a"],
                "percentage": ["90"],
                "endDate": ["2019-06"],
            },
        },
    ]
    registry = tmp_path / "ended.jsonl"
    registry.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    args = ["network", "blocked", "--registry", str(registry), "--home", str(loaded_home.root)]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["verdicts"] == []
    [problem] = report["problems"]
    assert problem["kind"] == "ended"
    assert "ended 2019-06-30 (ended.jsonl row 3)" in problem["message"]


def test_owners_of_one_name_under_several_ids_are_each_linked(loaded_home, tmp_path):  # type: ignore[no-untyped-def]
    registry = tmp_path / "registry.csv"
    owners = json.dumps(
        [
            {"owner_id": "p9", "share": 0.25, "name": L2},
            {"owner_id": "p10", "share": 0.25, "name": L2},
        ]
    ).replace('"', '""')
    registry.write_text(f'company_id,name,owners\nc1,Amber Harbour Ltd,"{owners}"\n')
    args = ["network", "blocked", "--registry", str(registry), "--home", str(loaded_home.root)]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {link["party"] for link in report["listed_owners"]} == {"p9", "p10"}
    assert verdicts_of(report)["c1"] == f"{L2} 25 % + {L2} 25 % = 50 % ≥ 50 %"
