"""`sever network explain` and `export`: evidence in words; FtM, GraphML and one HTML page."""

from __future__ import annotations

import json

import duckdb
import networkx as nx
import pytest
from followthemoney import model
from typer.testing import CliRunner

from sever.cli import app
from sever.home import Home
from sever.network.explain import explain
from sever.network.graph import GRAPH_FILE, GraphSources, build_graph
from tests.network import tiny_network

runner = CliRunner()


@pytest.fixture
def home(tmp_path):
    home = Home.resolve(tmp_path / "home")
    build_graph(home, GraphSources(tiny_network.write(tmp_path / "in")))
    return home


def test_explain_says_who_owns_what_and_the_path_to_the_list(home) -> None:
    con = duckdb.connect(str(home.root / GRAPH_FILE), read_only=True)
    found = explain(con, "G1")
    assert "Person GD (GD) is a director of G1 Trading Ltd" in found.ties
    assert "G0 Trading Ltd (G0) owns 80% of G1 Trading Ltd" in found.ties
    front = explain(con, "F2")
    assert front.listed_path[-1].endswith("—list_link (0.97)→ ofac-9999")
    assert 0 < front.listed_risk < 0.97, "risk decays with every step"


def test_explain_an_unknown_id_is_one_error_line(home) -> None:
    result = runner.invoke(app, ["network", "explain", "NOPE", "--home", str(home.root)])
    assert result.exit_code == 2
    assert result.output.count("error:") == 1 and "NOPE" in result.output


def test_html_is_one_file_with_no_outside_resources(home, tmp_path) -> None:
    out = tmp_path / "net.html"
    result = runner.invoke(
        app, ["network", "export", "--format", "html", "--out", str(out), "--home", str(home.root)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "<svg" in page and "F1 Trading Ltd" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "src=" not in page


def test_ftm_lines_are_valid_entities(home, tmp_path) -> None:
    out = tmp_path / "net.ftm.jsonl"
    result = runner.invoke(
        app, ["network", "export", "--format", "ftm", "--out", str(out), "--home", str(home.root)]
    )
    assert result.exit_code == 0, result.output
    entities = [model.get_proxy(json.loads(line)) for line in out.read_text().splitlines()]
    schemata = {e.schema.name for e in entities}
    assert {"Company", "Person", "Ownership", "Directorship", "Payment"} <= schemata
    owned = [e for e in entities if e.schema.name == "Ownership" and e.first("asset") == "G1"]
    assert owned[0].first("percentage") == "80"


def test_graphml_around_one_node_holds_its_neighbourhood(home, tmp_path) -> None:
    out = tmp_path / "net.graphml"
    result = runner.invoke(
        app,
        [
            "network",
            "export",
            "--format",
            "graphml",
            "--around",
            "F1",
            "--hops",
            "1",
            "--out",
            str(out),
            "--home",
            str(home.root),
        ],
    )
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(out)
    assert "F1" in graph and "F2" in graph and "phone:+85220000001" in graph
    assert "G0" not in graph


def test_an_unknown_format_is_refused(home, tmp_path) -> None:
    result = runner.invoke(
        app,
        [
            "network",
            "export",
            "--format",
            "pdf",
            "--out",
            str(tmp_path / "x"),
            "--home",
            str(home.root),
        ],
    )
    assert result.exit_code == 2
    assert "--format must be one of ftm, graphml, html" in result.output
