"""Entity resolution's share of `sever network build` on a large world.

    python bench/network_resolve_speed.py --world /tmp/NETWORK/w1m

Builds the graph from the world's registry, parties, accounts and employment (payments and
log-ins add nothing to resolution) into a scratch home, timing each stage, and writes
``bench/results/network_resolve_<size>.json``: wall seconds per stage, the process's CPU seconds
(the figure that does not depend on what else the machine runs), the load average before and
after, and what resolution found. On a world of distinct simulated people every automatic
``positive`` is a false merge unless the simulator planted the same person twice, so the count
is reported as an upper bound on false merges.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from sever.home import Home
from sever.network.graph import GraphSources, build_graph

INPUTS = ("registry", "parties", "accounts", "employment")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--world", type=Path, required=True, help="a `sever simulate` folder")
    parser.add_argument("--name", default="1m", help="suffix of the results file")
    args = parser.parse_args()
    files = {name: args.world / f"{name}.parquet" for name in INPUTS}
    files = {name: path for name, path in files.items() if path.exists()}
    stages: dict[str, dict[str, float]] = {}
    current: list = [None, time.perf_counter(), time.process_time()]

    def step(name: str | None) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        if current[0] is not None:
            stages[current[0]] = {
                "wall": round(wall - current[1], 1),
                "cpu": round(cpu - current[2], 1),
            }
        current[:] = [name, wall, cpu]

    before = os.getloadavg()
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="sever-resolve-speed-") as scratch:
        summary = build_graph(Home.resolve(Path(scratch) / "home"), GraphSources(files), step)
        step(None)
    result = {
        "world": str(args.world),
        "inputs": sorted(files),
        "seconds": {
            "wall": round(time.perf_counter() - start_wall, 1),
            "cpu": round(time.process_time() - start_cpu, 1),
            "stages": stages,
        },
        "identities": summary.identities,
        "same_as_edges": summary.edges.get("same_as", 0),
        "load_average": {"before": before, "after": os.getloadavg(), "cpus": os.cpu_count()},
    }
    out = Path(__file__).parent / "results" / f"network_resolve_{args.name}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
