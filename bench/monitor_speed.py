"""Throughput of `sever monitor`: the full DPRK rule pack over a world's transactions on DuckDB,
and, run in the same process, a subset of the same rules written directly in pandas.

The pandas versions are faithful re-implementations of fan_out, fan_in, gather_scatter,
rapid_movement and dprk_corridor (same windows, same thresholds, same defaults); the benchmark
checks that both give the same number of raw window rows before timing is reported.

Usage: python bench/monitor_speed.py WORLD_DIR [--threads N] [--out bench/results/x.json]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sever.monitor import pack
from sever.monitor.flows import BUSY_PER_DAY, DAY, HOUR
from sever.monitor.inputs import prepare
from sever.monitor.rule import Inputs
from sever.monitor.run import run_pack
from sever.tables.contracts import ACCOUNTS, PARTIES, TRANSACTIONS
from sever.tables.engine import connect
from sever.tables.io import read_input

SUBSET = ("fan_out", "fan_in", "gather_scatter", "rapid_movement", "dprk_corridor")


def pandas_legs(tx: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"account": tx.src_account, "counterparty": tx.dst_account,
                        "direction": "out", "t": tx.t, "amount": tx.amount_usd,
                        "tx_id": tx.tx_id})  # fmt: skip
    into = pd.DataFrame({"account": tx.dst_account, "counterparty": tx.src_account,
                         "direction": "in", "t": tx.t, "amount": tx.amount_usd,
                         "tx_id": tx.tx_id})  # fmt: skip
    return pd.concat([out, into], ignore_index=True)


def pandas_hopping(frame: pd.DataFrame, window: int) -> pd.DataFrame:
    first = frame.assign(phase=0, window=frame.t // window)
    second = frame.assign(phase=1, window=(frame.t + window // 2) // window)
    return pd.concat([first, second], ignore_index=True)


def pandas_fan(legs: pd.DataFrame, exempt: set, direction: str, p: dict) -> int:
    side = legs[(legs.direction == direction) & (legs.amount >= p["min_amount"])]
    side = side[~side.account.isin(exempt) & ~side.counterparty.isin(exempt)]
    windows = pandas_hopping(side, int(p["window_days"] * DAY))
    g = windows.groupby(["account", "phase", "window"]).agg(
        counterparties=("counterparty", "nunique"), total=("amount", "sum"),
        transactions=("tx_id", "count"), ids=("tx_id", list),
    )  # fmt: skip
    one_off = g.counterparties / g.transactions
    hit = (g.counterparties >= p["min_counterparties"]) & (g.total.round(2) >= p["min_total"])
    return int((hit & (one_off.round(4) >= p["min_one_off"])).sum())


def pandas_gather_scatter(legs: pd.DataFrame, exempt: set, p: dict) -> int:
    side = legs[(legs.amount >= p["min_amount"]) & ~legs.account.isin(exempt)]
    windows = pandas_hopping(side, int(p["window_days"] * DAY))
    windows = windows.assign(
        sender=windows.counterparty.where(windows.direction == "in"),
        receiver=windows.counterparty.where(windows.direction == "out"),
        inflow=windows.amount.where(windows.direction == "in"),
        outflow=windows.amount.where(windows.direction == "out"),
    )
    g = windows.groupby(["account", "phase", "window"]).agg(
        senders=("sender", "nunique"), receivers=("receiver", "nunique"),
        received=("inflow", "sum"), sent=("outflow", "sum"), ids=("tx_id", list),
    )  # fmt: skip
    received, sent = g.received.round(2), g.sent.round(2)
    passed = (sent / received.replace(0, np.nan)).round(4).fillna(0)
    hit = (g.senders >= p["min_senders"]) & (g.receivers >= p["min_receivers"])
    hit &= (passed >= p["min_passed_on"]) & (passed <= p["max_passed_on"])
    return int((hit & (received >= p["min_received"])).sum())


def pandas_busy(legs: pd.DataFrame) -> set:
    """Accounts averaging more than BUSY_PER_DAY payments a day (over at least a week)."""
    g = legs.groupby("account").agg(n=("tx_id", "count"), lo=("t", "min"), hi=("t", "max"))
    span = np.maximum((g.hi - g.lo) / DAY, 7.0)
    return set(g.index[g.n / span > BUSY_PER_DAY])


def pandas_rapid(tx: pd.DataFrame, busy: set, p: dict) -> int:
    within = int(p["within_hours"] * HOUR)
    credits = tx[(tx.amount_usd >= p["min_amount"]) & ~tx.dst_account.isin(busy)]
    a = credits[["tx_id", "dst_account", "src_account", "t", "amount_usd"]].add_prefix("a_")
    a["bucket"] = a.a_t // within
    b = tx[["tx_id", "src_account", "dst_account", "t", "amount_usd"]].add_prefix("b_")
    b = pd.concat([b.assign(bucket=b.b_t // within), b.assign(bucket=b.b_t // within - 1)])
    pairs = a.merge(b, left_on=["a_dst_account", "bucket"], right_on=["b_src_account", "bucket"])
    gap = pairs.b_t - pairs.a_t
    pairs = pairs[(gap >= 0) & (gap <= within) & (pairs.a_tx_id != pairs.b_tx_id)]
    pairs = pairs[pairs.b_dst_account != pairs.a_src_account]
    per = pairs.groupby(["a_tx_id", "a_dst_account", "a_t", "a_amount_usd"], as_index=False).agg(
        forwarded=("b_amount_usd", "sum")
    )
    fast = per[per.forwarded / per.a_amount_usd >= p["min_share"]].rename(columns={"a_t": "t"})
    windows = pandas_hopping(fast, int(p["window_days"] * DAY))
    g = windows.groupby(["a_dst_account", "phase", "window"]).agg(
        credits=("a_tx_id", "count"), received=("a_amount_usd", "sum")
    )
    return int(((g.credits >= p["min_credits"]) & (g.received.round(2) >= p["min_received"])).sum())


def pandas_corridor(tx: pd.DataFrame, p: dict) -> int:
    countries = set(p["countries"])
    touched = tx[tx.src_country.isin(countries) | tx.dst_country.isin(countries)]
    touched = touched[touched.amount_usd >= p["min_amount"]]
    side = pandas_legs(touched).merge(touched[["tx_id", "src_country", "dst_country"]], on="tx_id")
    own = np.where(side.direction == "out", side.src_country, side.dst_country)
    side = side[~pd.Series(own, index=side.index).isin(countries)]
    windows = pandas_hopping(side, int(p["window_days"] * DAY))
    g = windows.groupby(["account", "phase", "window"]).agg(payments=("tx_id", "count"))
    return int((g.payments >= p["min_payments"]).sum())


def run_pandas(tx: pd.DataFrame, accounts: pd.DataFrame, values: dict) -> dict[str, int]:
    """The subset of rules in pandas; returns each rule's number of raw window rows."""
    legs = pandas_legs(tx)
    out = {}
    for rule in ("fan_out", "fan_in", "gather_scatter"):
        exempt = set(accounts.account_id[accounts.holder_type.isin(
            values[rule]["exempt_holder_types"])])  # fmt: skip
        if rule == "gather_scatter":
            out[rule] = pandas_gather_scatter(legs, exempt, values[rule])
        else:
            direction = "out" if rule == "fan_out" else "in"
            out[rule] = pandas_fan(legs, exempt, direction, values[rule])
    out["rapid_movement"] = pandas_rapid(tx, pandas_busy(legs), values["rapid_movement"])
    out["dprk_corridor"] = pandas_corridor(tx, values["dprk_corridor"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    world = args.world
    files = {"accounts": world / "accounts.parquet", "parties": world / "parties.parquet"}
    report: dict = {"world": str(world), "cpus": os.cpu_count(), "load": os.getloadavg()}

    engine = connect("duckdb", threads=args.threads)
    started = time.perf_counter()
    full = run_pack(world / "transactions.parquet", engine=engine, **files)
    report["transactions"] = full.transactions
    report["full_pack_s"] = round(time.perf_counter() - started, 2)
    report["full_pack_alerts"] = len(full.alerts)
    report["per_rule_s"] = {k: round(v, 2) for k, v in full.seconds.items()}

    inputs = prepare(
        engine,
        read_input(engine, world / "transactions.parquet", TRANSACTIONS),
        accounts=read_input(engine, files["accounts"], ACCOUNTS),
        parties=read_input(engine, files["parties"], PARTIES),
    )
    values = pack.resolve(pack.select(SUBSET), None)
    started = time.perf_counter()
    duck_counts = {}
    for rule in pack.select(SUBSET):
        candidates = rule.candidates(Inputs(inputs.tx, inputs.accounts), values[rule.id])
        duck_counts[rule.id] = int(engine.to_pandas(candidates.count().as_table()).iloc[0, 0])
    report["subset_duckdb_s"] = round(time.perf_counter() - started, 2)

    columns = ("tx_id", "t", "src_account", "dst_account", "amount_usd", "src_country",
               "dst_country")  # fmt: skip
    tx = engine.to_pandas(inputs.tx.select(*columns))
    accounts = engine.to_pandas(inputs.accounts.select("account_id", "holder_type"))
    started = time.perf_counter()
    pandas_counts = run_pandas(tx, accounts, values)
    report["subset_pandas_s"] = round(time.perf_counter() - started, 2)
    report["subset"] = list(SUBSET)
    report["subset_rows"] = {"duckdb": duck_counts, "pandas": pandas_counts}
    report["same_results"] = duck_counts == pandas_counts
    report["pandas_over_duckdb"] = round(report["subset_pandas_s"] / report["subset_duckdb_s"], 1)
    text = json.dumps(report, indent=2)
    print(text)
    out = args.out or Path("bench/results") / f"monitor_speed_{world.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
