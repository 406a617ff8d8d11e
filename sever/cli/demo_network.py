"""The demo's network stage: the world's registry, HR, login and payment data in one graph, and
the front-company clusters, laptop farms and 50 %-rule entities found in it, against the labels.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from sever.alerts import Alert, read_findings, write_findings
from sever.cli.output import console
from sever.home import Home
from sever.network.blocked import find_blocked
from sever.network.clusters import (
    ClusterSettings,
    cluster_alerts,
    find_clusters,
    linked_by_rule,
)
from sever.network.farms import FarmSettings, farm_alerts, find_farms, payroll_flagged
from sever.network.graph import GraphSources, build_graph, open_graph, world_files
from sever.screen import ScreenOptions, load_index

NETWORK_TYPOLOGIES = ("front_company", "laptop_farm", "ownership_50pct")
"""The typologies only the network stage can find (monitoring sees payments, not structure)."""


def find_networks(home: Home, world: Path, hits: Path, alerts: Path) -> tuple[dict, list[Alert]]:
    """Build the graph of ``world`` (with the screening hits as list links), run the three
    analyses and return what they found, each finding explained, in one list."""
    started = time.perf_counter()
    summary = build_graph(home, GraphSources({**world_files(world), "hits": hits}))
    con = open_graph(home)
    try:
        ruled = find_blocked(con, load_index(home), ScreenOptions(scope="default"))
        blocked = ruled.alerts()
        fronts = cluster_alerts(find_clusters(con, ClusterSettings(), linked_by_rule(ruled)))
        flagged = payroll_flagged(read_findings(alerts))
        farms = farm_alerts(find_farms(con, FarmSettings()), FarmSettings(), flagged)
    finally:
        con.close()
    findings = [*fronts, *farms, *blocked]
    write_findings(findings, world / "network.parquet")
    console.print(
        f"graph of {sum(summary.nodes.values()):,} nodes and {sum(summary.edges.values()):,} "
        f"edges in {time.perf_counter() - started:.1f} s: {len(fronts)} front-company "
        f"cluster(s), {len(farms)} laptop farm(s), {len(blocked)} entit(ies) blocked by the "
        "50 % rule",
        highlight=False,
    )
    for group in (fronts, farms, blocked):
        if group:
            best = max(group, key=lambda a: a.score)
            console.print(f"[bold]{best.typology}[/] ({best.rule_id}, score {best.score:.2f}):")
            console.print(f"  {best.explanation}", highlight=False)
    report = {
        "graph": summary.to_dict(),
        "front_company": len(fronts),
        "laptop_farm": len(farms),
        "ownership_50pct": len(blocked),
        "file": str(world / "network.parquet"),
    }
    return report, findings


def network_found(world: Path, findings: list[Alert]) -> dict[str, int]:
    """Per network typology: planted schemes with a labelled party or account among the subjects
    or accounts of a finding of that typology."""
    labels = pd.concat(
        [
            pd.read_parquet(world / "labels" / "parties.parquet").rename(
                columns={"party_id": "id"}
            ),
            pd.read_parquet(world / "labels" / "accounts.parquet").rename(
                columns={"account_id": "id"}
            ),
        ]
    )
    found: dict[str, int] = {}
    for typology in NETWORK_TYPOLOGIES:
        touched = {
            key
            for alert in findings
            if alert.typology == typology
            for key in (*(s.id for s in alert.all_subjects), *alert.accounts)
        }
        mine = labels[labels.typology == typology]
        found[typology] = int(mine[mine.id.isin(touched)].scheme_id.nunique())
    return found
