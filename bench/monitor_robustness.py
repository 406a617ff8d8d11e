"""Whether calibrated rules hold when the data changes scale: amounts in cents or in hundreds,
and a calendar four times slower.

A bank's amounts may be written in minor units, and its customers may move money more slowly than
the world we fitted on. Thresholds calibrated on the bank's own data should follow. For each
change below, both worlds' files are transformed alike; the pack is calibrated on the transformed
tune world (no labels) and run on the transformed test world; its account-level F1 is compared
with the unchanged pair:

- amounts x 0.01 and x 100 (every amount, the amount received too when present);
- time x 4: every payment's distance from the first payment, and every account's opening day's
  and company's formation day's, stretched four times.

The issue's bar: F1 changes by at most 10 % of the unchanged F1.

An account counts as flagged when it is an alert's subject (see `monitor_eval.py`). One rule keeps
a line fixed by law rather than read off the data: structuring looks for payments just under the
reporting threshold, 10,000 USD (31 CFR 1010.311), in the data's own currency converted to USD.
A file in cents written as dollars moves every payment a hundred times past that line, and no
calibration may move a legal line; the fix for such a file is to say its unit. So the table also
gives the F1 of every other rule ("without legal line"), which is what calibration can answer for.

Usage:
  python bench/monitor_robustness.py [--size medium] [--difficulty realistic]
                                     [--tune-seed 101] [--test-seed 202]
  python bench/monitor_robustness.py --tune-world A --test-world B
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
from monitor_eval import (
    RESULTS,
    alerted,
    calibrated_settings,
    load_world,
    measure,
    run_rules,
    simulated_world,
)

from sever.tables.engine import connect

LEGAL_LINES = ("structuring",)
"""Rules whose threshold is set by law, not read off the data (reported apart)."""
TOLERANCE = 0.10
"""The largest relative change of account-level F1 that still holds."""

DATES = (("accounts.parquet", "opened"), ("parties.parquet", "incorporation_date"))
"""Dates on the payments' time axis, stretched with it (a company formed a month before a
payment is formed four months before it in a world four times slower)."""

CHANGES = {
    "amounts x 0.01": {"amount": 0.01},
    "amounts x 100": {"amount": 100.0},
    "time x 4": {"time": 4.0},
}


def transform(world: Path, out: Path, *, amount: float = 1.0, time: float = 1.0) -> Path:
    """A copy of ``world`` with its amounts multiplied by ``amount`` and its time axis
    stretched ``time`` times from the first payment (labels and other files copied as they are)."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(world, out)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    tx = out / "transactions.parquet"
    names = con.execute(f"DESCRIBE SELECT * FROM '{tx}'").df().column_name.tolist()
    start = con.execute(f"SELECT epoch(min(timestamp)) FROM '{tx}'").fetchone()[0]

    def stretched(column: str) -> str:
        return f"to_timestamp({start} + (epoch({column}) - {start}) * {time})"

    changed = {"timestamp": stretched("timestamp"), "amount": f"amount * {amount}"}
    if "amount_received" in names:
        changed["amount_received"] = f"amount_received * {amount}"
    columns = ", ".join(f"{changed[n]} AS {n}" if n in changed else n for n in names)
    con.execute(f"COPY (SELECT {columns} FROM '{world}/transactions.parquet') TO '{tx}'")
    for name, column in DATES:
        table = out / name
        kept = con.execute(f"DESCRIBE SELECT * FROM '{table}'").df().column_name.tolist()
        if column in kept and time != 1.0:
            moved = f"CAST({stretched(f'CAST({column} AS TIMESTAMP)')} AS DATE)"
            columns = ", ".join(f"{moved} AS {column}" if n == column else n for n in kept)
            con.execute(f"COPY (SELECT {columns} FROM '{world}/{name}') TO '{table}'")
    return out


def account_f1(tune: Path, test: Path) -> dict[str, Any]:
    """Calibrate on ``tune`` without labels, run on ``test``; the measured figures."""
    engine = connect("duckdb")
    tune_world, test_world = load_world(tune), load_world(test)
    settings = calibrated_settings(engine, tune_world)
    alerts = run_rules(engine, test_world, settings)
    figures = measure(alerted(alerts), test_world)
    calibrable = [a for a in alerts if a.rule_id not in LEGAL_LINES]
    without_legal = measure(alerted(calibrable), test_world)["account"]["f1"]
    thresholds = {
        rule: {name: value for name, value in params.items()}
        for rule, params in settings.to_dict()["thresholds"].items()
    }
    return {
        "account": {k: figures["account"][k] for k in ("precision", "recall", "f1", "flagged")},
        "transaction_f1": figures["transaction"]["f1"],
        "account_f1_without_legal_line": without_legal,
        "alerts_per_rule": dict(sorted(Counter(a.rule_id for a in alerts).items())),
        "thresholds": thresholds,
    }


def robustness(tune: Path, test: Path, scratch: Path) -> dict[str, Any]:
    """Account-level F1 of the calibrated pack on the unchanged pair and after each change."""
    base = account_f1(tune, test)
    rows = {"unchanged": base}
    print(f"  unchanged: account F1 {base['account']['f1']}", file=sys.stderr)
    for name, change in CHANGES.items():
        slug = name.replace(" ", "").replace(".", "")
        pair = [transform(w, scratch / f"{w.name}-{slug}", **change) for w in (tune, test)]
        found = account_f1(*pair)
        change_share = _change(found["account"]["f1"], base["account"]["f1"])
        found["f1_change"] = change_share
        found["holds"] = change_share is not None and change_share <= TOLERANCE
        key = "account_f1_without_legal_line"
        found["f1_change_without_legal_line"] = _change(found[key], base[key])
        rows[name] = found
        print(f"  {name}: account F1 {found['account']['f1']}", file=sys.stderr)
        for path in pair:
            shutil.rmtree(path, ignore_errors=True)
    return {"tune_world": str(tune), "test_world": str(test), "tolerance": TOLERANCE,
            "holds": all(r.get("holds", True) for r in rows.values()), "changes": rows}  # fmt: skip


def _change(found: float, reference: float) -> float | None:
    """The relative change of an F1 from its reference (None when the reference is 0)."""
    return round(abs(found - reference) / reference, 4) if reference else None


def table(name: str, report: dict[str, Any]) -> str:
    head = (
        f"  {'change':<16} {'acc P':>6} {'acc R':>6} {'acc F1':>6} {'change':>8}  holds"
        f"   {'F1 without legal line':>22} {'change':>8}"
    )
    lines = [
        f"{name}: calibrated on {report['tune_world']}, tested on {report['test_world']}",
        head,
    ]
    for change, row in report["changes"].items():
        a = row["account"]
        moved = f"{row['f1_change']:.1%}" if row.get("f1_change") is not None else ""
        holds = "" if change == "unchanged" else ("yes" if row["holds"] else "NO")
        apart = row.get("f1_change_without_legal_line")
        apart_moved = f"{apart:.1%}" if apart is not None else ""
        lines.append(
            f"  {change:<16} {a['precision']:>6.3f} {a['recall']:>6.3f} {a['f1']:>6.3f} "
            f"{moved:>8}  {holds:<5} {row['account_f1_without_legal_line']:>22.3f} "
            f"{apart_moved:>8}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium", help="small, medium or a number of payments")
    parser.add_argument("--difficulty", default="realistic")
    parser.add_argument("--tune-seed", type=int, default=101)
    parser.add_argument("--test-seed", type=int, default=202)
    parser.add_argument("--worlds", type=Path, default=Path("/tmp/sever-bench-worlds"))
    parser.add_argument("--tune-world", type=Path)
    parser.add_argument("--test-world", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.tune_world or args.test_world:
        if not (args.tune_world and args.test_world):
            parser.error("give both --tune-world and --test-world")
        pairs = {args.test_world.name: (args.tune_world, args.test_world)}
    else:
        pairs = {
            difficulty: (
                simulated_world(args.worlds, args.size, args.tune_seed, difficulty),
                simulated_world(args.worlds, args.size, args.test_seed, difficulty),
            )
            for difficulty in args.difficulty.split(",")
        }
    report: dict[str, Any] = {"size": None if args.tune_world else args.size, "worlds": {}}
    scratch = args.worlds / "robustness"
    for name, (tune, test) in pairs.items():
        print(f"{name}: tune {tune}, test {test}", file=sys.stderr)
        report["worlds"][name] = robustness(tune, test, scratch)
        print(table(name, report["worlds"][name]))
    out = args.out or RESULTS / f"monitor_robustness_{'_'.join(pairs)}_{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
