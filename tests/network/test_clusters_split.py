"""A front recruited from an owner-manager's family of companies keeps an old tie to it: the
component holds the fronts and the family, and the family dilutes the fronts' signs. Cut into
its communities, the fronts are raised alone; the family is not."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sever.home import Home
from sever.network.clusters import ClusterSettings, cluster_alerts, find_clusters
from sever.network.graph import GRAPH_FILE, GraphSources, build_graph
from tests.network import tiny_network

FAMILY = ("H1", "H2", "H3")


def _with_family(folder):
    """The tiny network, with F2 still at the address it shares with H1, the first of an
    owner-manager's three companies (one director, one mailbox)."""
    files = tiny_network.write(folder)
    rows = pq.read_table(files["registry"]).to_pylist()
    for row in rows:
        if row["company_id"] == "F2":
            row["address"] = "8 Old Mill Rd"
    for i, cid in enumerate(FAMILY):
        rows.append(
            {
                **rows[0],
                "company_id": cid,
                "name": f"{cid} Family Ltd",
                "incorporation_date": "2010-01-01",
                "address": "8 Old Mill Rd" if i == 0 else f"{i} Farm Lane",
                "phone": f"+8523100000{i}",
                "email": "family@example.com",
                "directors": json.dumps(["OWNER"]),
                "owners": json.dumps([{"owner_id": "OWNER", "share": 1.0}]),
            }
        )
    pq.write_table(pa.Table.from_pylist(rows), files["registry"])
    return files


@pytest.fixture
def con(tmp_path):
    home = Home.resolve(tmp_path / "home")
    build_graph(home, GraphSources(_with_family(tmp_path / "in")))
    return duckdb.connect(str(home.root / GRAPH_FILE), read_only=True)


def test_the_family_tie_merges_the_fronts_into_one_component_that_is_not_raised(con) -> None:
    whole = find_clusters(con, ClusterSettings(split_above=1_000_000))
    merged = next(c for c in whole if "F1" in c.companies)
    assert set(merged.companies) == {*tiny_network.FRONTS, *FAMILY}
    assert not merged.raised, "2 of 6 paid the listed party in turn: fewer than half"
    assert not cluster_alerts(whole)


def test_cut_into_communities_the_fronts_are_raised_alone(con) -> None:
    alerts = cluster_alerts(find_clusters(con, ClusterSettings()))
    assert [sorted(s.id for s in a.subjects) for a in alerts] == [list(tiny_network.FRONTS)]
    signs = [r.observed for r in alerts[0].reasons if r.label == "sign of a front"]
    assert (
        "2 of 3 members paid Korea Listed Trading, a listed or blocked party, within days of "
        "each other" in signs
    )


def test_a_component_whose_parts_show_nothing_stays_whole(con) -> None:
    con.execute("CREATE TEMP TABLE edges AS SELECT * FROM main.edges WHERE kind <> 'list_link'")
    clusters = find_clusters(con, ClusterSettings())
    assert any(set(c.companies) == {*tiny_network.FRONTS, *FAMILY} for c in clusters), (
        "no part is raised without the DPRK link: the component is reported whole"
    )
