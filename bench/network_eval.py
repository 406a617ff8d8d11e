"""Precision and recall of front-company clusters and laptop farms on a simulated world, and the
time to build the graph and run the analyses.

    python bench/network_eval.py --world /tmp/world [--hits hits.parquet] [--out results.json]

Generated data (``sever simulate``), labelled as such. A raised cluster is right when most of its
companies belong to one planted front-company scheme; a raised farm when most of its employees
belong to one planted IT-worker scheme (laptop farm or payroll). Recall counts the planted
front-company and laptop-farm schemes that some right finding covers. Everything else raised is a
false positive, and each is tallied by the look-alikes among its members (registered-agent and
co-working offices, corporate groups, households, corporate VPNs…). A baseline in the same
process weighs every shared value alike (no rarity weights, no contact-detail or employer rule).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

from sever.home import Home
from sever.network.clusters import ClusterSettings, cluster_alerts, find_clusters
from sever.network.farms import FarmSettings, farm_alerts, find_farms
from sever.network.graph import GRAPH_FILE, GraphSources, build_graph, world_files
from sever.network.proximity import ProximitySettings, nearest_listed


def _truth(world: Path) -> dict[str, Any]:
    con = duckdb.connect()
    fronts = dict(
        con.execute(
            f"SELECT party_id, scheme_id FROM '{world}/labels/parties.parquet' "
            "WHERE typology = 'front_company' AND role = 'front_company'"
        ).fetchall()
    )
    workers: dict[str, tuple[str, str]] = {}
    for scheme, typology, params in con.execute(
        f"SELECT scheme_id, typology, params FROM '{world}/labels/schemes.parquet' "
        "WHERE typology IN ('laptop_farm', 'it_worker_payroll')"
    ).fetchall():
        for employee in json.loads(params).get("employees", []):
            workers[employee] = (scheme, typology)
    looks: dict[str, set[str]] = {}
    for holder, kind in con.execute(
        f"SELECT a.holder_id, l.lookalike FROM '{world}/lookalikes.parquet' l "
        f"JOIN '{world}/accounts.parquet' a USING (account_id)"
    ).fetchall():
        looks.setdefault(holder, set()).add(kind)
    for employee, kind in con.execute(
        f"SELECT e.employee_id, l.lookalike FROM '{world}/lookalikes.parquet' l "
        f"JOIN '{world}/employment.parquet' e ON e.pay_account = l.account_id"
    ).fetchall():
        looks.setdefault(employee, set()).add(kind)
    return {
        "fronts": fronts,
        "front_schemes": set(fronts.values()),
        "workers": workers,
        "farm_schemes": {s for s, t in workers.values() if t == "laptop_farm"},
        "lookalikes": looks,
    }


def _score(
    groups: list[list[str]], owner: dict[str, Any], wanted: set[str], looks: dict[str, set[str]]
) -> dict[str, Any]:
    """Precision over raised groups, recall over ``wanted`` schemes, look-alikes among the FPs."""
    right, covered, wrong_looks = 0, set(), Counter()
    for members in groups:
        schemes = Counter(owner[m] for m in members if m in owner)
        top, count = schemes.most_common(1)[0] if schemes else (None, 0)
        if top is not None and 2 * count >= len(members):
            right += 1
            covered.add(top)
        else:
            wrong_looks.update({k for m in members for k in looks.get(m, ())} or {"none"})
    precision = right / len(groups) if groups else 0.0
    found = covered & wanted
    return {
        "raised": len(groups),
        "right": right,
        "precision": round(precision, 3),
        "recall": round(len(found) / len(wanted), 3) if wanted else None,
        "schemes": len(wanted),
        "schemes_found": len(found),
        "false_positive_lookalikes": dict(sorted(wrong_looks.items())),
    }


def run(world: Path, hits: Path | None) -> dict[str, Any]:
    truth = _truth(world)
    files = world_files(world)
    if hits is not None:
        files["hits"] = hits
    with tempfile.TemporaryDirectory(prefix="sever-network-eval-") as tmp:
        home = Home.resolve(tmp)
        started = time.perf_counter()
        summary = build_graph(home, GraphSources(files))
        built = time.perf_counter()
        con = duckdb.connect(str(home.root / GRAPH_FILE), read_only=True)
        clusters = find_clusters(con, ClusterSettings())
        fronts = cluster_alerts(clusters)
        clustered = time.perf_counter()
        farm_settings = FarmSettings()
        farms = farm_alerts(find_farms(con, farm_settings), farm_settings)
        farmed = time.perf_counter()
        near = nearest_listed(con, ProximitySettings()) if hits is not None else []
        done = time.perf_counter()
        plain_fronts = cluster_alerts(
            find_clusters(con, ClusterSettings(pair_weight=1e-9, most_shared=5000))
        )
        plain_farm_settings = FarmSettings(least_employees=2, remote_share=0.0)
        plain_farms = farm_alerts(find_farms(con, plain_farm_settings), plain_farm_settings)
    worker_scheme = {e: s for e, (s, _) in truth["workers"].items()}
    looks = truth["lookalikes"]
    front_groups = [[s.id for s in a.subjects] for a in fronts]
    farm_groups = [[s.id for s in a.subjects] for a in farms]
    return {
        "world": str(world),
        "generated": True,
        "graph": summary.to_dict(),
        "seconds": {
            "build": round(built - started, 2),
            "clusters": round(clustered - built, 2),
            "farms": round(farmed - clustered, 2),
            "proximity": round(done - farmed, 2),
            "total": round(done - started, 2),
        },
        "front_company": _score(front_groups, truth["fronts"], truth["front_schemes"], looks),
        "front_company_baseline_unweighted": _score(
            [[s.id for s in a.subjects] for a in plain_fronts],
            truth["fronts"],
            truth["front_schemes"],
            looks,
        ),
        "laptop_farm": _score(farm_groups, worker_scheme, truth["farm_schemes"], looks),
        "laptop_farm_baseline_any_shared_value": _score(
            [[s.id for s in a.subjects] for a in plain_farms],
            worker_scheme,
            truth["farm_schemes"],
            looks,
        ),
        "proximity_parties": len(near),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--hits", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = run(args.world, args.hits)
    text = json.dumps(result, indent=2, sort_keys=True)
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
