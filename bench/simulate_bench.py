"""Time ``sever simulate`` per size, measure its peak memory, and run the shortcut check.

Each run happens in a child process so that its peak resident memory (``ru_maxrss``) is its own.
The shortcut check (DESIGN.md "Evaluation: measure on what you did not make") trains a depth-3
decision tree on plain per-account aggregates (payment count, activity span, channel mix, share
abroad, account age, holder type, median amount) to tell planted accounts from legitimate ones,
cross-validated. A realistic world must hold it to F1 <= 0.3; the same is done for wallets.
Results go to bench/results/simulate.json.

    .venv/bin/python bench/simulate_bench.py                    # small only
    .venv/bin/python bench/simulate_bench.py --medium --large   # all three (large takes a while)
    .venv/bin/python bench/simulate_bench.py --world /tmp/medium --label medium  # check a world
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the check lives with the tests
from tests.simulate.shortcut import (
    BANK_FEATURES,
    FEATURES,
    account_aggregates,
    shortcut,
    wallet_aggregates,
)

RESULTS = Path(__file__).parent / "results" / "simulate.json"
TARGETS = {"small": 30.0, "medium": 600.0, "large": None}
"""Seconds allowed per size (large: no time target; its peak memory must stay under 4 GiB)."""
MEMORY_LIMIT_GIB = 4.0
SHORTCUT_F1_CEILING = 0.3
"""The most a shallow tree on plain aggregates may score before the world gives itself away."""
SHORTCUT_SIZES = ("small", "medium")
"""Sizes whose world is also checked for shortcuts (large only times the simulator)."""
SEED = 1

_CHILD = """
import resource, sys, time, json
from sever.home import Home
from sever.simulate import SimulationParams, simulate
from sever.simulate.params import parse_size
size, out, home, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
t0 = time.perf_counter()
summary = simulate(SimulationParams(size=parse_size(size), seed=seed), out, home=Home.resolve(home))
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_bytes": peak, "counts": summary["counts"]}))
"""


def shortcut_check(world: Path) -> dict:
    """The shortcut tree on a written world's accounts and wallets (see the module docstring)."""
    accounts = shortcut(account_aggregates(world), BANK_FEATURES)
    wallets = shortcut(wallet_aggregates(world), FEATURES)
    return {
        "accounts": accounts,
        "wallets": wallets,
        "ceiling": SHORTCUT_F1_CEILING,
        "ok": accounts["f1"] <= SHORTCUT_F1_CEILING and wallets["f1"] <= SHORTCUT_F1_CEILING,
    }


def run_size(size: str, home: Path, seed: int = SEED, check: bool = False) -> dict:
    """Simulate one size in a fresh process; returns its time, peak memory and row counts, and
    the shortcut check of the world when ``check``."""
    out = Path(tempfile.mkdtemp(prefix=f"sever-sim-{size}-"))
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, size, str(out), str(home), str(seed)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["bytes_written"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        if check:
            result["shortcut"] = shortcut_check(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    target = TARGETS[size]
    result["target_seconds"] = target
    result["peak_gib"] = round(result["peak_bytes"] / 2**30, 3)
    result["ok"] = (target is None or result["seconds"] <= target) and result[
        "peak_gib"
    ] < MEMORY_LIMIT_GIB
    return result


def _shortcut_table(checks: dict[str, dict]) -> Table:
    table = Table(
        title=f"shortcut check: depth-3 tree, 5-fold, F1 must be <= {SHORTCUT_F1_CEILING}"
    )
    for column in ("world", "side", "rows", "planted", "F1", "P", "R", "weights", "splits on"):
        table.add_column(column, justify="right" if column in ("rows", "planted") else "left")
    for label, check in checks.items():
        for side in ("accounts", "wallets"):
            r = check[side]
            table.add_row(
                label,
                side,
                f"{r['rows']:,}",
                f"{r['planted']:,}",
                f"{r['f1']:.3f}",
                f"{r['precision']:.3f}",
                f"{r['recall']:.3f}",
                r["class_weight"],
                ", ".join(r["splits"][:3]),
            )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--medium", action="store_true", help="also run medium (~5M transactions)")
    parser.add_argument("--large", action="store_true", help="also run large (~50M transactions)")
    parser.add_argument(
        "--home", type=Path, help="sever home with the lists (default: a temporary one)"
    )
    parser.add_argument(
        "--world", type=Path, help="only run the shortcut check on this written world"
    )
    parser.add_argument("--label", default=None, help="name the --world result (default: its size)")
    args = parser.parse_args()
    console = Console(width=120)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results = previous.get("sizes", {})
    checks = previous.get("shortcut", {})
    if args.world:
        meta = json.loads((args.world / "world.json").read_text())
        label = args.label or f"size {meta['size']:,}, seed {meta['seed']}"
        checks[label] = {**shortcut_check(args.world), "size": meta["size"], "seed": meta["seed"]}
        console.print(_shortcut_table({label: checks[label]}))
    else:
        home = args.home or Path(tempfile.mkdtemp(prefix="sever-home-"))
        sizes = ["small"] + (["medium"] if args.medium else []) + (["large"] if args.large else [])
        run_size("small", home)  # warm-up: loads the built-in lists into the home once
        for size in sizes:
            result = run_size(size, home, check=size in SHORTCUT_SIZES)
            if "shortcut" in result:
                checks[size] = {**result.pop("shortcut"), "size": size, "seed": SEED}
            results[size] = result
            console.print(
                f"{size:7} {result['counts']['transactions']:>12,} tx  "
                f"{result['seconds']:8.1f} s  peak {result['peak_gib']:.2f} GiB  "
                f"{'ok' if result['ok'] else 'OVER TARGET'}"
            )
        console.print(_shortcut_table({s: checks[s] for s in sizes if s in checks}))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": {
            "cpus": _cpus(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "measured": time.strftime("%Y-%m-%d"),
        "sizes": results,
        "shortcut": checks,
    }
    RESULTS.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    console.print(f"written {RESULTS}")


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
