"""Front-company clusters: rare shared details tie companies; common ones (a registered agent)
and officers alone (a corporate group) do not; money between them raises the cluster."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from sever.alerts import read_findings
from sever.cli import app
from sever.home import Home
from sever.network.clusters import ClusterSettings, Tie, cluster_alerts, find_clusters
from sever.network.graph import GRAPH_FILE, GraphSources, build_graph
from tests.network import tiny_network

runner = CliRunner()


@pytest.fixture
def con(tmp_path):
    home = Home.resolve(tmp_path / "home")
    build_graph(home, GraphSources(tiny_network.write(tmp_path / "in")))
    return duckdb.connect(str(home.root / GRAPH_FILE), read_only=True)


def test_a_phone_shared_by_two_outweighs_an_address_shared_by_five_hundred() -> None:
    assert Tie("phone", "x", 2).weight > 1.0 > Tie("address", "y", 500).weight
    assert Tie("phone", "x", 3).weight > Tie("officer", "z", 6).weight


def test_the_front_cluster_is_raised_with_its_ties_in_words(con) -> None:
    alerts = cluster_alerts(find_clusters(con, ClusterSettings()))
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.typology == "front_company" and alert.verb == "network"
    assert {s.id for s in alert.subjects} == set(tiny_network.FRONTS)
    assert "share phone +85220000001 (shared by 2 companies)" in alert.explanation
    assert "screened as list entry ofac-9999" in alert.explanation
    signs = [r.observed for r in alert.reasons if r.label == "sign of a front"]
    assert "3 of 3 companies formed together recently" in signs
    assert not any("payments between members" in s for s in signs), (
        "one nominee owns all three: their payments are within one control, like a family's"
    )


def test_payments_count_only_between_members_not_under_one_control(con) -> None:
    front = next(c for c in find_clusters(con, ClusterSettings()) if "F1" in c.companies)
    assert front.internal_payments == 0
    con.execute(
        "CREATE TEMP TABLE edges AS SELECT * REPLACE (CASE WHEN src = 'N1' AND dst = 'F2' "
        "THEN 'N2' ELSE src END AS src) FROM main.edges"
    )
    split = next(c for c in find_clusters(con, ClusterSettings()) if "F1" in c.companies)
    assert split.internal_payments > 0, "F2 owned apart from F1 and F3: their payments count"


def test_registered_agent_clients_and_a_corporate_group_are_not_raised(con) -> None:
    raised = {
        s.id for a in cluster_alerts(find_clusters(con, ClusterSettings())) for s in a.subjects
    }
    assert not raised & set(tiny_network.AGENT_CLIENTS)
    assert not raised & set(tiny_network.GROUP)


def test_a_declared_group_at_its_head_office_is_not_clustered(con) -> None:
    clusters = find_clusters(con, ClusterSettings())
    clustered = {c for cluster in clusters for c in cluster.companies}
    assert not clustered & set(tiny_network.GROUP), (
        "subsidiaries giving the parent's phone are a declared group, not a hidden tie"
    )


def test_a_stricter_pair_weight_drops_weak_ties(con) -> None:
    loose = find_clusters(con, ClusterSettings(pair_weight=1.0))
    strict = find_clusters(con, ClusterSettings(pair_weight=50.0))
    assert loose and not strict


def test_cli_writes_findings(tmp_path) -> None:
    files = tiny_network.write(tmp_path / "in")
    home = str(tmp_path / "home")
    build_graph(Home.resolve(home), GraphSources(files))
    out = tmp_path / "fronts.jsonl"
    result = runner.invoke(app, ["network", "clusters", "--home", home, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [a.typology for a in read_findings(out)] == ["front_company"]


def test_cli_without_a_graph_is_one_error_line(tmp_path) -> None:
    result = runner.invoke(app, ["network", "clusters", "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "run `sever network build` first" in result.output
