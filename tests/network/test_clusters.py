"""Front-company clusters: rare shared details tie companies; common ones (a registered agent)
and officers alone (a corporate group) do not; money between them raises the cluster."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb
import pytest
from typer.testing import CliRunner

from sever.alerts import read_findings
from sever.cli import app
from sever.home import Home
from sever.network.clusters import (
    ClusterSettings,
    Tie,
    cluster_alerts,
    find_clusters,
    linked_by_rule,
)
from sever.network.graph import GRAPH_FILE, GraphSources, build_graph
from sever.network.rule_links import load_rule_links, save_rule_links
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
    assert not any("deal with" in s for s in signs), (
        "the members that paid the listed party in turn deal with it: one behaviour, one sign"
    )
    assert not any("payments between members" in s for s in signs), (
        "one nominee owns all three: their payments are within one control, like a family's"
    )
    assert (
        "F2 Trading Ltd passed on to F3 Trading Ltd 88,000.00 USD of the 90,000.00 USD F1 "
        "Trading Ltd paid it (98%), 24 hours later" in alert.explanation
    )
    assert "money passed on from member to member by F2 Trading Ltd" in signs
    assert (
        "2 of 3 members paid Korea Listed Trading, a listed or blocked party, within days of "
        "each other" in signs
    )
    assert (
        "F1 Trading Ltd and F3 Trading Ltd paid Korea Listed Trading, a listed or blocked party, "
        "24 hours apart" in alert.explanation
    )
    assert not any("members paid Korea Listed Trading within days" in s for s in signs), (
        "the listed party's payments in turn are one sign, not two"
    )
    points = next(r for r in alert.reasons if r.label == "points of the signs of a front")
    assert points.observed == 6.0 and points.threshold == ClusterSettings().raise_at


def _without(con, table: str, where: str) -> None:
    """Shadow ``table`` of the graph with a copy that lacks the rows ``where``."""
    con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM main.{table} WHERE NOT ({where})")


def test_one_member_dealing_with_a_listed_party_is_ordinary_trade(con) -> None:
    _without(con, "edges", "kind = 'payment' AND src = 'F1' AND dst = 'X1'")
    front = next(c for c in find_clusters(con, ClusterSettings()) if "F1" in c.companies)
    assert front.linked and not front.raised, "only F3 pays the listed party"
    assert cluster_alerts([front]) == []


def test_every_member_dealing_with_the_listed_party_weighs_more(con) -> None:
    both = ClusterSettings(count_evidence_once=False)
    half = next(c for c in find_clusters(con, both) if "F1" in c.companies)
    con.execute(
        "CREATE TEMP TABLE edges AS SELECT * FROM main.edges UNION ALL "
        "SELECT 'F2', 'X1', 'payment', 'bank', NULL, 1000.0, 1"
    )
    every = next(c for c in find_clusters(con, both) if "F1" in c.companies)
    assert every.points == half.points + both.every_member_points
    assert "3 of 3 members deal with Korea Listed Trading, a listed or blocked party" in every.signs


def test_a_party_blocked_by_the_50_percent_rule_links_like_a_list_entry(con) -> None:
    _without(con, "edges", "kind = 'list_link'")
    assert not cluster_alerts(find_clusters(con, ClusterSettings()))
    why = "blocked by OFAC's 50 % rule (KOMID 60 % = 60 % >= 50 %)"
    alerts = cluster_alerts(find_clusters(con, ClusterSettings(), {"X1": why}))
    assert [a.severity for a in alerts] == ["high"]
    assert f"F3 Trading Ltd is paid by or pays Korea Listed Trading, {why}" in alerts[0].explanation


def test_without_a_dprk_link_odd_money_alone_is_not_raised(con) -> None:
    _without(con, "edges", "kind = 'list_link'")
    front = next(c for c in find_clusters(con, ClusterSettings()) if "F1" in c.companies)
    assert front.pass_through and front.formed_together and not front.raised
    looser = ClusterSettings(raise_at=2.0)
    assert cluster_alerts(find_clusters(con, looser)), "two signs raise it at a lower bar"


def test_the_rule_report_names_listed_owners_and_blocked_entities() -> None:
    link = SimpleNamespace(caption="KOMID", dataset="us_ofac_sdn")
    verdict = SimpleNamespace(entity="B1", arithmetic="KOMID 60 % = 60 % >= 50 %")
    report = SimpleNamespace(
        links={"O1": [link], "O2": []}, outcome=SimpleNamespace(blocked=[verdict])
    )
    assert linked_by_rule(report) == {
        "O1": "listed as KOMID on us_ofac_sdn",
        "B1": "blocked by OFAC's 50 % rule (KOMID 60 % = 60 % >= 50 %)",
    }


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
    assert [c.companies for c in loose] == [("F1", "F2", "F3")]
    assert [c.companies for c in strict] == [("F1", "F3")], (
        "F1 and F3 paid the listed party within a day of each other: tied all the same"
    )
    stricter = ClusterSettings(pair_weight=50.0, paid_in_turn_pair_weight=50.0)
    assert not find_clusters(con, stricter)


def test_paying_a_listed_party_in_turn_needs_the_payments_within_the_window(con) -> None:
    con.execute(
        "CREATE TEMP TABLE company_payments AS SELECT * REPLACE (CASE WHEN src = 'F1' "
        "AND dst = 'X1' THEN paid_at + INTERVAL 5 DAY ELSE paid_at END AS paid_at) "
        "FROM main.company_payments"
    )
    front = next(c for c in find_clusters(con, ClusterSettings()) if "F1" in c.companies)
    assert not front.paid_in_turn and not front.raised, "F1 paid X1 six days after F3"


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


def test_cli_counts_the_50_percent_rule_links_kept_for_this_graph_only(tmp_path) -> None:
    """Without screening hits, the fronts' payments to X1 are no DPRK link, until `sever network
    blocked` has kept X1 as blocked for this graph; a rebuilt graph makes that verdict stale."""
    files = tiny_network.write(tmp_path / "in")
    del files["hits"]
    home = Home.resolve(str(tmp_path / "home"))
    build_graph(home, GraphSources(files))
    args = ["network", "clusters", "--home", str(home.root), "--json"]

    before = runner.invoke(app, args)
    assert before.exit_code == 0, before.output
    assert "no 50 % rule verdicts for this graph" in before.stderr
    assert "blocked by OFAC" not in before.stdout

    why = "blocked by OFAC's 50 % rule (KOMID 60 % = 60 % ≥ 50 %)"
    save_rule_links(home, {tiny_network.LISTED_PARTY: why})
    after = runner.invoke(app, args)
    assert after.exit_code == 0, after.output
    assert "no 50 % rule verdicts" not in after.stderr
    assert "KOMID 60 %" in after.stdout

    build_graph(home, GraphSources(files))  # a new graph: the kept verdict no longer applies
    assert load_rule_links(home) is None
    again = runner.invoke(app, args)
    assert "no 50 % rule verdicts for this graph" in again.stderr


def test_money_passes_through_only_when_passed_on_within_the_window(con) -> None:
    front = next(c for c in find_clusters(con, ClusterSettings()) if "F1" in c.companies)
    assert [(s, v, d) for s, v, d, *_ in front.pass_through] == [("F1", "F2", "F3")]
    con.execute(
        "CREATE TEMP TABLE company_payments AS SELECT * REPLACE (CASE WHEN src = 'F2' "
        "THEN paid_at + INTERVAL 5 DAY ELSE paid_at END AS paid_at) FROM main.company_payments"
    )
    late = next(c for c in find_clusters(con, ClusterSettings()) if "F1" in c.companies)
    assert not late.pass_through, "passed on five days later: beyond 72 hours"


def test_members_paying_one_party_within_days_pay_out_together(con) -> None:
    front = next(c for c in find_clusters(con, ClusterSettings()) if "F1" in c.companies)
    assert front.paid_together == (("X1", 2),)
    small = ClusterSettings(least_usd=5_000.0)
    apart = next(c for c in find_clusters(con, small) if "F1" in c.companies)
    assert not apart.paid_together, "F1 paid X1 only 4,000 USD: too small to count"


def test_one_behaviour_scores_once(con) -> None:
    con.execute(
        "CREATE TEMP TABLE edges AS SELECT * REPLACE (CASE WHEN src = 'N1' AND dst = 'F2' "
        "THEN 'N2' ELSE src END AS src) FROM main.edges"
    )
    once = next(c for c in find_clusters(con, ClusterSettings()) if "F1" in c.companies)
    both = next(
        c
        for c in find_clusters(con, ClusterSettings(count_evidence_once=False))
        if "F1" in c.companies
    )
    assert once.internal_payments > 0 and once.pass_through and once.paid_in_turn
    assert not any("payments between members" in s for s in once.signs), (
        "the money F2 passed on from F1 to F3 is the money between them: scored once"
    )
    assert any("payments between members" in s for s in both.signs)
    assert any("deal with Korea Listed Trading" in s for s in both.signs)
    settings = ClusterSettings()
    assert both.points == once.points + settings.money_between_points + settings.link_points
