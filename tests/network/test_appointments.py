"""Boards taken over together: a nominee appointed to three older companies within weeks ties
them and is a sign of a front; the same nominee appointed at each company's formation, years
apart, or a registry without appointment dates, is neither."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sever.home import Home
from sever.network.appointments import Appointment, joined_together
from sever.network.clusters import ClusterSettings, cluster_alerts, find_clusters
from sever.network.graph import GRAPH_FILE, GraphSources, build_graph

TAKEN = ("T1", "T2", "T3")
FORMED = {"T1": "2012-03-01", "T2": "2016-07-15", "T3": "2019-11-30", "C9": "2008-01-01"}
LISTED = "X1"


def _graph(tmp_path: Path, appointed: dict[str, str | None]) -> duckdb.DuckDBPyConnection:
    """Three older companies whose boards the nominee NOM joined on the given days (None: the
    registry gives no date), a fourth company NOM has directed since 2008 and a company formed
    in 2025 (the newest); each of the three pays a listed party once, weeks apart, and T1 pays
    T2 once."""

    def directors(company: str) -> str:
        day = appointed.get(company)
        return json.dumps(["NOM"] if day is None else [{"id": "NOM", "appointed": day}])

    registry = pa.table(
        {
            "company_id": [*FORMED, "Y1"],
            "name": [f"{c} Trading Ltd" for c in FORMED] + ["Y1 Trading Ltd"],
            "incorporation_date": [date.fromisoformat(d) for d in FORMED.values()]
            + [date(2025, 1, 10)],
            "address": [f"{i} Nathan Rd" for i in range(len(FORMED) + 1)],
            "directors": [directors(c) for c in FORMED] + [json.dumps(["Y1D"])],
        }
    )
    parties = pa.table(
        {
            "party_id": ["NOM", LISTED],
            "schema": ["Person", "Company"],
            "name": ["Wang Nominee", "Korea Listed Trading"],
        }
    )
    accounts = pa.table(
        {"account_id": [f"A_{c}" for c in (*TAKEN, LISTED)], "holder_id": [*TAKEN, LISTED]}
    )
    payments = pa.table(
        {
            "tx_id": ["P1", "P2", "P3", "P4"],
            "timestamp": [
                "2025-01-05T10:00:00Z",
                "2025-02-20T10:00:00Z",
                "2025-04-10T10:00:00Z",
                "2025-03-01T10:00:00Z",
            ],
            "src_account": ["A_T1", "A_T2", "A_T3", "A_T1"],
            "dst_account": [f"A_{LISTED}", f"A_{LISTED}", f"A_{LISTED}", "A_T2"],
            "amount": [40_000.0, 38_000.0, 41_000.0, 10_000.0],
            "currency": ["USD", "USD", "USD", "USD"],
        }
    )
    hits = pa.table(
        {"party_id": [LISTED], "entity_id": ["ofac-1"], "score": [1.0], "match": [True]}
    )
    folder = tmp_path / "in"
    folder.mkdir()
    files = {}
    for name, table in (
        ("registry", registry),
        ("parties", parties),
        ("accounts", accounts),
        ("transactions", payments),
        ("hits", hits),
    ):
        files[name] = folder / f"{name}.parquet"
        pq.write_table(table, files[name])
    home = Home.resolve(tmp_path / "home")
    build_graph(home, GraphSources(files))
    return duckdb.connect(str(home.root / GRAPH_FILE), read_only=True)


TAKEOVER = {"T1": "2024-05-02", "T2": "2024-05-20", "T3": "2024-06-11", "C9": "2008-01-05"}


def test_a_nominee_joining_three_older_boards_together_ties_them_and_is_a_sign(
    tmp_path: Path,
) -> None:
    con = _graph(tmp_path, TAKEOVER)
    clusters = find_clusters(con, ClusterSettings())
    found = [c for c in clusters if set(TAKEN) <= set(c.companies)]
    assert len(found) == 1 and set(found[0].companies) == set(TAKEN), (
        "NOM sits on four boards (a tie of 0.72, below the pair weight), but joined three of "
        "them within six weeks: those three are tied, the fourth, directed since 2008, is not"
    )
    cluster = found[0]
    sign = (
        "3 of 3 members took Wang Nominee onto their boards within 40 days of each other, "
        "recently, each months or years after it was formed: boards taken over together"
    )
    assert sign in cluster.front_signs
    alerts = cluster_alerts(clusters)
    assert len(alerts) == 1, (
        "every member deals with a listed party (2), money between members (1) and boards "
        "taken over together (1) raise it"
    )
    assert (
        "Wang Nominee joined the boards of T1 Trading Ltd on 2024-05-02 (formed 2012-03-01)"
        in alerts[0].explanation
    )
    assert sign in [r.observed for r in alerts[0].reasons if r.label == "sign of a front"]


def test_without_the_sign_the_same_cluster_is_not_raised(tmp_path: Path) -> None:
    con = _graph(tmp_path, TAKEOVER)
    settings = ClusterSettings(taken_over_points=0.0)
    clusters = find_clusters(con, settings)
    assert [c.points for c in clusters if set(c.companies) == set(TAKEN)] == [3.0]
    assert cluster_alerts(clusters) == [], (
        "a listed party every member pays and money between them (3 points) do not reach the "
        "4 that raise"
    )


@pytest.mark.parametrize(
    "appointed",
    [
        {c: FORMED[c] for c in FORMED},  # each board joined at formation, years apart
        {},  # a registry without appointment dates
    ],
    ids=["at-formation", "no-dates"],
)
def test_a_nominee_on_four_boards_alone_does_not_tie_them(
    tmp_path: Path, appointed: dict[str, str]
) -> None:
    con = _graph(tmp_path, appointed)
    clusters = find_clusters(con, ClusterSettings())
    assert not any(set(c.companies) & set(TAKEN) for c in clusters)


def test_boards_joined_at_formation_within_weeks_are_not_a_takeover(tmp_path: Path) -> None:
    """Companies formed together name their nominee at formation: joined together, but that is
    the "formed together" sign, not a takeover."""
    con = _graph(tmp_path, TAKEOVER)
    con.execute(
        "CREATE TEMP TABLE members AS SELECT unnest(?::VARCHAR[]) AS node_id, 0 AS cluster",
        [list(TAKEN)],
    )
    joined = joined_together(con, date(2025, 1, 10), 730, 90)[0]
    assert [s.company for s in joined] == list(TAKEN)
    assert all(s.after_formation() > 90 for s in joined)
    formed_then = Appointment("NOM", "Z", date(2024, 5, 2), date(2024, 4, 20))
    assert formed_then.after_formation() == 12
