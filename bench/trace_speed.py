"""How fast ``sever trace`` follows stolen value: N synthetic transfers, 20 hops, haircut.

The transfers are generated here (labelled as generated): users paying users, deposits into
exchange deposit addresses (tagged: they absorb), and one theft whose proceeds are split, moved
on and mixed into the traffic. The same trace runs on sever (DuckDB reachability, then one numpy
pass) and on a straightforward networkx implementation of the same method in the same process,
at a size networkx handles; both are warmed first on a small world the same way, and the results
are checked to agree. Every figure is printed as a table with the load average of the machine
(before and after the run) and written to ``bench/results/trace_speed.json``.

The issue's speed target, 10M transfers traced 20 hops deep in at most 60 s end to end (read,
check and trace) with DuckDB on this machine, with the ratio against networkx at 1M:

    .venv/bin/python bench/trace_speed.py --sizes 10000000 --baseline 1000000

Generated files are kept in ``--folder`` and reused (about 3 minutes to make the 10M file
once). A trace turns numpy's huge-page requests off while it runs (see
:mod:`sever.trace.memory`); the networkx baseline is timed under the same setting, and the JSON
records the kernel's transparent huge page settings beside the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import deque
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from sever.tables.engine import connect
from sever.trace.memory import small_pages
from sever.trace.run import TraceSettings, trace
from sever.trace.tags import Tag, Tags
from sever.trace.transfers import load_transfers

RESULTS = Path(__file__).parent / "results" / "trace_speed.json"
DAYS = 30
HOPS = 20


def address(ids: np.ndarray) -> np.ndarray:
    """Distinct EVM-looking addresses for integer ids."""
    return np.char.add("0x", np.char.zfill(np.char.mod("%x", ids), 40)).astype(object)


def generate(n: int, seed: int = 0) -> tuple[pd.DataFrame, list[str], list[str]]:
    """``n`` transfers over 30 days among n/5 users and n/50 exchange deposit addresses, with a
    theft at day 1 split into 20 wallets that pay on into the traffic. Returns the transfers, the
    source address and the exchange addresses."""
    rng = np.random.default_rng(seed)
    users, exchanges = _population(n)
    src = rng.zipf(1.6, n) % users
    to_exchange = rng.random(n) < 0.2
    dst = np.where(to_exchange, users + rng.integers(0, exchanges, n), rng.integers(0, users, n))
    dst = np.where(dst == src, (dst + 1) % users, dst)
    seconds = 1_704_067_200 + np.sort(rng.integers(0, DAYS * 86_400, n))
    value = np.round(np.exp(rng.normal(np.log(0.3), 1.5, n)), 6)
    thief, splits = users + exchanges, users + exchanges + 1 + np.arange(20)
    theft_time = 1_704_067_200 + 86_400
    plant = pd.DataFrame(
        {
            "src": np.r_[np.full(20, thief), splits],
            "dst": np.r_[splits, rng.zipf(1.6, 20) % users],
            "seconds": np.r_[np.full(20, theft_time + 60), np.full(20, theft_time + 3600)],
            "value": np.r_[np.full(20, 500.0), np.full(20, 499.0)],
        }
    )
    frame = pd.concat(
        [pd.DataFrame({"src": src, "dst": dst, "seconds": seconds, "value": value}), plant]
    ).sort_values("seconds", kind="stable")
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(
        {
            "tx_hash": address(np.arange(len(frame)) + 10**9),
            "timestamp": pd.to_datetime(frame.seconds, unit="s", utc=True),
            "from_address": address(frame.src.to_numpy()),
            "to_address": address(frame.dst.to_numpy()),
            "value": frame.value,
            "asset": "ETH",
        }
    )
    return (out, *_roles(n))


def _population(n: int) -> tuple[int, int]:
    """How many users and exchange deposit addresses a world of ``n`` transfers has."""
    return max(n // 5, 100), max(n // 50, 10)


def _roles(n: int) -> tuple[str, list[str]]:
    """The theft's source address and the exchange addresses of a world of ``n`` transfers."""
    users, exchanges = _population(n)
    thief = address(np.array([users + exchanges]))[0]
    return str(thief), list(address(np.arange(users, users + exchanges)))


def sever_trace(path: Path, source: str, exchanges: list[str]) -> tuple[dict, pd.DataFrame]:
    """Load and trace on sever; seconds for each step."""
    tags = Tags(Tag(a, "Exchange", "exchange", "", "bench") for a in exchanges)
    engine = connect()
    started = time.perf_counter()
    loaded = load_transfers(engine, [path])
    loaded_at = time.perf_counter()
    result = trace(loaded, TraceSettings((source,), hops=HOPS, min_usd=0.0), tags)
    done = time.perf_counter()
    engine.close()
    times = {
        "load_s": round(loaded_at - started, 2),
        "trace_s": round(done - loaded_at, 2),
        "total_s": round(done - started, 2),
        "addresses_reached": result.reached,
        "transfers_walked": result.passed,
        "stolen_usd": round(result.stolen_usd, 2),
    }
    rows = result.addresses.assign(key=result.addresses.address.str.lower())
    return times, rows.set_index("key").traced_value


def networkx_trace(frame: pd.DataFrame, source: str, exchanges: set[str]) -> pd.Series:
    """The same method written plainly: a networkx multigraph, a hop-by-hop temporal search,
    then the haircut pass over the reached addresses' transfers in time order."""
    graph = nx.MultiDiGraph()
    rows = frame.assign(
        src=frame.from_address.str.lower(),
        dst=frame.to_address.str.lower(),
        seconds=frame.timestamp.astype("int64") // 10**9,
    )
    for i, (a, b, t) in enumerate(zip(rows.src, rows.dst, rows.seconds, strict=True)):
        graph.add_edge(a, b, key=i, seconds=t)
    arrival, hops, frontier = {source: -(2**62)}, {source: 0}, deque([source])
    for hop in range(1, HOPS + 1):
        following = set()
        for node in frontier:
            if node in exchanges:
                continue
            for _, nxt, data in graph.out_edges(node, data=True):
                if data["seconds"] >= arrival[node] and data["seconds"] < arrival.get(nxt, 2**62):
                    arrival[nxt] = data["seconds"]
                    hops.setdefault(nxt, hop)
                    following.add(nxt)
        frontier = deque(following)
    walked = {a for a in arrival if a not in exchanges}
    touch = rows[rows.src.isin(walked) | rows.dst.isin(walked)]
    balance: dict[str, float] = {}
    tainted: dict[str, float] = {}
    received: dict[str, float] = {}
    for a, b, v in zip(touch.src, touch.dst, touch.value, strict=True):
        have = balance.get(a, 0.0)
        paid = min(v, have)
        if a == source:
            moved = v
        elif have > 0:
            moved = paid * min(1.0, tainted.get(a, 0.0) / have)
            tainted[a] = max(0.0, min(tainted.get(a, 0.0) - moved, have - paid))
        else:
            moved = 0.0
        balance[a] = max(0.0, have - v)
        balance[b] = balance.get(b, 0.0) + v
        if moved > 0 and hops.get(a, HOPS) < HOPS:
            received[b] = received.get(b, 0.0) + moved
            if b not in exchanges and b != source:
                tainted[b] = tainted.get(b, 0.0) + moved
    return pd.Series(received)


WARM_UP = 20_000
"""Transfers in the small world both implementations trace once before anything is timed."""


def generated(folder: Path, n: int) -> tuple[Path, pd.DataFrame | None, str, list[str]]:
    """The generated world of ``n`` transfers as a Parquet file (written once, then reused), the
    frame when it was just made, its source and its exchanges."""
    path = folder / f"transfers-{n}.parquet"
    if path.exists() and pq.read_metadata(path).num_rows == n + 40:
        return path, None, *_roles(n)
    frame, source, exchanges = generate(n)
    frame.to_parquet(path)
    return path, frame, source, exchanges


def environment() -> dict:
    """What the figures depend on besides the code: cores, load, memory settings."""
    thp = Path("/sys/kernel/mm/transparent_hugepage")
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "transparent_hugepage": {
            name: (thp / name).read_text().strip() if (thp / name).exists() else None
            for name in ("enabled", "defrag")
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes", default="100000,1000000", help="comma-separated numbers of transfers for sever"
    )
    parser.add_argument(
        "--baseline",
        type=int,
        default=200_000,
        help="transfers traced by both sever and networkx, for the ratio (0: skip)",
    )
    parser.add_argument("--folder", default="/tmp/sever-trace-bench", help="generated files")
    args = parser.parse_args()
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    report = {"hops": HOPS, "method": "haircut", "environment": environment(), "runs": []}
    path, frame, source, exchanges = generated(folder, WARM_UP)
    sever_trace(path, source, exchanges)
    with small_pages():
        networkx_trace(frame if frame is not None else _frame(path), source, set(exchanges))
    if args.baseline:
        report["baseline"] = baseline(folder, args.baseline)
    for n in (int(s) for s in args.sizes.split(",")):
        path, frame, source, exchanges = generated(folder, n)
        del frame
        before = [round(x, 2) for x in os.getloadavg()]
        times, _ = sever_trace(path, source, exchanges)
        after = [round(x, 2) for x in os.getloadavg()]
        report["runs"].append({"transfers": n, **times, "load_before": before, "load_after": after})
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print_report(report)


def _frame(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path)


def baseline(folder: Path, n: int) -> dict:
    """sever and networkx on the same ``n`` transfers in this process, and whether they agree."""
    path, frame, source, exchanges = generated(folder, n)
    frame = frame if frame is not None else _frame(path)
    load = [round(x, 2) for x in os.getloadavg()]
    ours, traced = sever_trace(path, source, exchanges)
    started = time.perf_counter()
    with small_pages():
        theirs = networkx_trace(frame, source, set(exchanges))
    nx_seconds = time.perf_counter() - started
    common = theirs.index.intersection(traced.index)
    agree = bool(np.allclose(traced.reindex(common), theirs.reindex(common), rtol=1e-6)) and len(
        common
    ) >= 0.99 * len(theirs)
    return {
        "transfers": n,
        "sever_total_s": ours["total_s"],
        "sever_trace_s": ours["trace_s"],
        "networkx_s": round(nx_seconds, 2),
        "ratio_networkx_over_sever_total": round(nx_seconds / max(ours["total_s"], 1e-9), 1),
        "ratio_networkx_over_sever_trace": round(nx_seconds / max(ours["trace_s"], 1e-9), 1),
        "addresses_compared": len(common),
        "networkx_addresses": len(theirs),
        "results_agree": agree,
        "load_before": load,
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }


def print_report(report: dict) -> None:
    """The figures as a table, each with the load average around it."""
    env = report["environment"]
    print(f"{env['cpus']} cores; transparent huge pages: {env['transparent_hugepage']}")
    print(
        f"{'transfers':>12} {'read s':>7} {'trace s':>8} {'total s':>8} {'reached':>10} "
        f"{'target':>8}  load average before -> after"
    )
    for run in report["runs"]:
        target = ("met" if run["total_s"] <= 60 else "NOT met") if run["transfers"] >= 10**7 else ""
        print(
            f"{run['transfers']:>12,} {run['load_s']:>7} {run['trace_s']:>8} "
            f"{run['total_s']:>8} {run['addresses_reached']:>10,} {target:>8}  "
            f"{run['load_before']} -> {run['load_after']}"
        )
    base = report.get("baseline")
    if base:
        print(
            f"networkx baseline at {base['transfers']:,} transfers: "
            f"networkx {base['networkx_s']} s, "
            f"sever {base['sever_total_s']} s end to end ({base['sever_trace_s']} s tracing): "
            f"networkx takes x{base['ratio_networkx_over_sever_total']} "
            f"(x{base['ratio_networkx_over_sever_trace']} of the tracing); results agree: "
            f"{base['results_agree']}; load {base['load_before']} -> {base['load_after']}"
        )


if __name__ == "__main__":
    main()
