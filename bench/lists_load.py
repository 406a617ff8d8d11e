"""Benchmark: load the largest OFAC SDN set end to end (parse, scope, store, cross-reference).

Target (issue #2): under 10 s on the reference machine (2 cores, 24 GiB). The baseline beside it,
in the same process, is a plain ``csv`` read of the same file with no parsing of remarks: the
floor any loader pays just to read the bytes.

    .venv/bin/python bench/lists_load.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sever.home import Home
from sever.lists import load_files

ROOT = Path(__file__).resolve().parent
DATA = ROOT.parent.parent / "shared" / "data"
SETS = {
    "ofac sdn 2024-05-03 (sdn.csv, 14,965 parties)": [DATA / "ofac/sdn-2024-05-03/sdn.csv"],
    "ofac sdn 2021-07 (4-file set)": sorted((DATA / "ofac/sdn-2021-07").glob("*.csv")),
    "un consolidated 2026-02-27 (xml)": [DATA / "un/consolidated-2026-02-27.xml"],
}


def time_load(paths: list[Path]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        snapshots = load_files(Home.resolve(tmp), paths)
        elapsed = time.perf_counter() - start
    return elapsed, sum(s.entity_count for s in snapshots)


def time_plain_csv(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        if path.suffix == ".csv":
            with open(path, encoding="cp1252", newline="") as fh:
                for _row in csv.reader(fh):
                    pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = []
    for name, paths in SETS.items():
        runs = [time_load(paths) for _ in range(args.repeat)]
        baseline = statistics.median(time_plain_csv(paths) for _ in range(args.repeat))
        median = statistics.median(t for t, _ in runs)
        results.append(
            {
                "set": name,
                "entities": runs[0][1],
                "load_seconds_median": round(median, 3),
                "load_seconds_max": round(max(t for t, _ in runs), 3),
                "plain_csv_read_seconds": round(baseline, 3),
                "target_seconds": 10.0,
                "meets_target": median < 10.0,
            }
        )
    out = {
        "benchmark": "lists_load",
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
        f"python {platform.python_version()}",
        "repeat": args.repeat,
        "results": results,
    }
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "lists_load.json").write_text(json.dumps(out, indent=2) + "\n")
    table = Table(title="sever lists load (end to end: parse, scope, store, cross-reference)")
    for column in ("set", "entities", "median s", "max s", "plain csv read s", "< 10 s"):
        table.add_column(column)
    for r in results:
        table.add_row(
            r["set"],
            f"{r['entities']:,}",
            f"{r['load_seconds_median']:.2f}",
            f"{r['load_seconds_max']:.2f}",
            f"{r['plain_csv_read_seconds']:.2f}" if r["plain_csv_read_seconds"] else "n/a",
            "yes" if r["meets_target"] else "NO",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
