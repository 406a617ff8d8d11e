"""Time ``sever simulate`` per size and measure its peak memory; writes bench/results/simulate.json.

Each run happens in a child process so that its peak resident memory (``ru_maxrss``) is its own.

    .venv/bin/python bench/simulate_bench.py                    # small only
    .venv/bin/python bench/simulate_bench.py --medium --large   # all three (large takes a while)
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

RESULTS = Path(__file__).parent / "results" / "simulate.json"
TARGETS = {"small": 30.0, "medium": 600.0, "large": None}
"""Seconds allowed per size (large: no time target; its peak memory must stay under 4 GiB)."""
MEMORY_LIMIT_GIB = 4.0

_CHILD = """
import resource, sys, time, json
from sever.home import Home
from sever.simulate import SimulationParams, simulate
from sever.simulate.params import parse_size
size, out, home = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
summary = simulate(SimulationParams(size=parse_size(size), seed=1), out, home=Home.resolve(home))
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_bytes": peak, "counts": summary["counts"]}))
"""


def run_size(size: str, home: Path) -> dict:
    """Simulate one size in a fresh process; returns its time, peak memory and row counts."""
    out = Path(tempfile.mkdtemp(prefix=f"sever-sim-{size}-"))
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, size, str(out), str(home)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["bytes_written"] = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    finally:
        shutil.rmtree(out, ignore_errors=True)
    target = TARGETS[size]
    result["target_seconds"] = target
    result["peak_gib"] = round(result["peak_bytes"] / 2**30, 3)
    result["ok"] = (target is None or result["seconds"] <= target) and result[
        "peak_gib"
    ] < MEMORY_LIMIT_GIB
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--medium", action="store_true", help="also run medium (~5M transactions)")
    parser.add_argument("--large", action="store_true", help="also run large (~50M transactions)")
    parser.add_argument(
        "--home", type=Path, help="sever home with the lists (default: a temporary one)"
    )
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="sever-home-"))
    sizes = ["small"] + (["medium"] if args.medium else []) + (["large"] if args.large else [])
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results = previous.get("sizes", {})
    run_size("small", home)  # warm-up: loads the built-in lists into the home once
    for size in sizes:
        results[size] = run_size(size, home)
        r = results[size]
        print(
            f"{size:7} {r['counts']['transactions']:>12,} tx  {r['seconds']:8.1f} s  "
            f"peak {r['peak_gib']:.2f} GiB  {'ok' if r['ok'] else 'OVER TARGET'}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": {
            "cpus": _cpus(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "measured": time.strftime("%Y-%m-%d"),
        "sizes": results,
    }
    RESULTS.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    print(f"written {RESULTS}")


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
