"""`sever network build`: one graph of typed nodes and edges in the home, replaced atomically."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from sever.cli import app
from sever.home import Home
from sever.network.graph import GRAPH_FILE, GraphSources, build_graph
from tests.network import tiny_network

runner = CliRunner()


@pytest.fixture
def built(tmp_path):
    files = tiny_network.write(tmp_path / "in")
    home = Home.resolve(tmp_path / "home")
    summary = build_graph(home, GraphSources(files))
    return home, summary, files


def test_every_edge_kind_is_built(built) -> None:
    _, summary, _ = built
    expected = {
        "ownership",
        "directorship",
        "address",
        "phone",
        "email",
        "ip",
        "device",
        "employment",
        "payment",
        "list_link",
    }
    assert expected <= set(summary.edges)
    assert {"company", "person", "employee", "entity", "address"} <= set(summary.nodes)


def test_a_shared_value_is_one_node_with_an_edge_per_user(built) -> None:
    home, _, _ = built
    con = duckdb.connect(str(home.root / GRAPH_FILE), read_only=True)
    users = con.execute(
        "SELECT count(*) FROM edges WHERE dst = 'address:suite 1, 9 queens rd, hong kong'"
    ).fetchone()[0]
    assert users == len(tiny_network.AGENT_CLIENTS)
    share = con.execute(
        "SELECT share FROM edges WHERE kind = 'ownership' AND src = 'G0' AND dst = 'G1'"
    ).fetchone()[0]
    assert share == pytest.approx(0.8)
    paid = con.execute(
        "SELECT amount FROM edges WHERE kind = 'payment' AND src = 'F1' AND dst = 'F2'"
    ).fetchone()[0]
    assert paid == pytest.approx(90_000)


def test_login_summary_counts_remote_tools_and_long_sessions(built) -> None:
    home, _, _ = built
    con = duckdb.connect(str(home.root / GRAPH_FILE), read_only=True)
    row = con.execute(
        "SELECT logins, remote_tool_logins, long_sessions FROM logins WHERE employee_id = 'E_FARM1'"
    ).fetchone()
    assert row == (3, 3, 3)
    vpn = con.execute(
        "SELECT remote_tool_logins FROM logins WHERE employee_id = 'E_VPN0'"
    ).fetchone()[0]
    assert vpn == 0, "a corporate VPN is not a remote-access tool"


def test_a_failed_build_keeps_the_old_graph(built, tmp_path) -> None:
    home, _, _ = built
    bad = tmp_path / "bad.csv"
    bad.write_text("tx_id,timestamp\nT1,2025-01-01\n")
    before = (home.root / GRAPH_FILE).read_bytes()
    result = runner.invoke(
        app, ["network", "build", "--transactions", str(bad), "--home", str(home.root)]
    )
    assert result.exit_code == 2
    assert result.output.count("error:") == 1 and "bad.csv" in result.output
    assert (home.root / GRAPH_FILE).read_bytes() == before
    assert not [p for p in (home.root / "network").iterdir() if p.name.startswith(".")]


def test_build_needs_an_input(tmp_path) -> None:
    result = runner.invoke(app, ["network", "build", "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "give at least one input" in result.output


def test_build_reads_a_world_folder_and_prints_json(tmp_path) -> None:
    tiny_network.write(tmp_path / "world")
    result = runner.invoke(
        app,
        [
            "network",
            "build",
            "--world",
            str(tmp_path / "world"),
            "--home",
            str(tmp_path / "h"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"list_link": 1' in result.output


def test_an_ftm_registry_is_read_with_its_people(tmp_path) -> None:
    lines = [
        {
            "id": "co-a",
            "schema": "Company",
            "properties": {"name": ["Alpha Ltd"], "phone": ["+85211"]},
        },
        {
            "id": "co-b",
            "schema": "Company",
            "properties": {"name": ["Beta Ltd"], "phone": ["+85211"]},
        },
        {"id": "p-1", "schema": "Person", "properties": {"name": ["Pak Chol"]}},
        {
            "id": "own-1",
            "schema": "Ownership",
            "properties": {"owner": ["p-1"], "asset": ["co-a"], "percentage": ["60"]},
        },
        {
            "id": "dir-1",
            "schema": "Directorship",
            "properties": {"director": ["p-1"], "organization": ["co-b"]},
        },
    ]
    path = tmp_path / "registry.ftm.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    home = Home.resolve(tmp_path / "home")
    build_graph(home, GraphSources({"registry": path}))
    con = duckdb.connect(str(home.root / GRAPH_FILE), read_only=True)
    edges = set(con.execute("SELECT src, dst, kind, round(share, 4) FROM edges").fetchall())
    assert ("p-1", "co-a", "ownership", 0.6) in edges
    assert ("p-1", "co-b", "directorship", None) in edges
    phone = con.execute("SELECT count(*) FROM edges WHERE dst = 'phone:+85211'").fetchone()[0]
    assert phone == 2
    label = con.execute("SELECT kind, label FROM nodes WHERE node_id = 'p-1'").fetchone()
    assert label == ("person", "Pak Chol")
