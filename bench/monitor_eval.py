"""How well `sever monitor` finds the planted schemes of a simulated world.

Precision, recall and F1 per typology and overall, at payment and at account level, on the newest
30 % of the period (time-ordered: the models never see it). Four detectors, run in one process:

- rules: the DPRK rule pack alone (a payment or account is flagged when an alert names it);
- model: LightGBM over account, payment and graph features, without rule hits;
- rules + model: the same model with the rule hits as features;
- baseline: LightGBM on the raw payment columns only (amount, currency, format, countries, hour,
  purpose), no account aggregates or graph features.

Usage: python bench/monitor_eval.py WORLD_DIR [--hits hits.parquet] [--out bench/results/x.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from sever.monitor import pack
from sever.monitor.inputs import prepare
from sever.monitor.run import run_pack
from sever.monitor.training import cuts, fit_level, slices
from sever.tables.contracts import ACCOUNTS, HITS, PARTIES, TRANSACTIONS
from sever.tables.engine import connect
from sever.tables.io import read_input


def prf(flagged: set, positives: set) -> dict:
    tp = len(flagged & positives)
    precision = tp / len(flagged) if flagged else 0.0
    recall = tp / len(positives) if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "flagged": len(flagged),
        "positives": len(positives),
    }


def per_typology(flagged: set, labels: pd.DataFrame, key: str) -> dict:
    """Recall of each typology: the share of its labelled items that were flagged."""
    out = {}
    for typology, group in labels.groupby("typology"):
        items = set(group[key])
        out[typology] = {"recall": round(len(items & flagged) / len(items), 4), "n": len(items)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--hits", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--fit-share", type=float, default=1.0,
        help="share of unlabelled payments of the fit slice used for training (large worlds)",
    )  # fmt: skip
    args = parser.parse_args()
    world = args.world
    clock = {}
    engine = connect("duckdb")

    started = time.perf_counter()
    result = run_pack(
        world / "transactions.parquet",
        accounts=world / "accounts.parquet",
        parties=world / "parties.parquet",
        hits=args.hits,
        engine=engine,
    )
    clock["rules_s"] = round(time.perf_counter() - started, 1)

    tx = read_input(engine, world / "transactions.parquet", TRANSACTIONS)
    inputs = prepare(
        engine,
        tx,
        accounts=read_input(engine, world / "accounts.parquet", ACCOUNTS),
        parties=read_input(engine, world / "parties.parquet", PARTIES),
        hits=read_input(engine, args.hits, HITS) if args.hits else None,
    )
    inputs = type(inputs)(inputs.tx, inputs.accounts, inputs.hits, keep=engine.keep)
    bank_ids = set(engine.to_pandas(inputs.tx.select("tx_id")).tx_id)
    tx_labels = pd.read_parquet(world / "labels/transactions.parquet")
    tx_labels = tx_labels[tx_labels.tx_id.isin(bank_ids)]  # chain transfers belong to `trace`
    account_labels = pd.read_parquet(world / "labels/accounts.parquet")
    rule_ids = [rule.id for rule in pack.DPRK_PACK]
    bounds = cuts(engine, inputs)

    started = time.perf_counter()
    parts = slices(
        engine, inputs, result.alerts, rule_ids, set(tx_labels.tx_id),
        set(account_labels.account_id), bounds, fit_share=args.fit_share,
    )  # fmt: skip
    raw_parts = slices(
        engine, inputs, [], [], set(tx_labels.tx_id), set(account_labels.account_id), bounds,
        raw_only=True, fit_share=args.fit_share,
    )  # fmt: skip
    clock["features_s"] = round(time.perf_counter() - started, 1)

    test_tx = parts[2].tx
    test_accounts = parts[2].accounts
    test_ids = set(test_tx.tx_id)
    active = set(test_accounts.account_id)
    tx_pos = set(tx_labels.tx_id) & test_ids
    acc_pos = set(account_labels.account_id) & active
    tx_truth = tx_labels[tx_labels.tx_id.isin(test_ids)]
    acc_truth = account_labels[account_labels.account_id.isin(active)]

    flagged = {}
    rule_tx = {t for a in result.alerts for t in a.tx_ids} & test_ids
    rule_acc = {
        acc for a in result.alerts if test_ids.intersection(a.tx_ids) for acc in a.accounts
    } & active
    flagged["rules"] = (rule_tx, rule_acc)

    started = time.perf_counter()
    thresholds = {}
    for variant, with_rules in (("model", False), ("rules+model", True)):
        tx_model, tx_scored = fit_level(parts, "transaction", with_rules=with_rules)
        acc_model, acc_scored = fit_level(parts, "account", with_rules=with_rules)
        flagged[variant] = (
            set(tx_scored.tx_id[tx_scored.flagged]),
            set(acc_scored.account_id[acc_scored.flagged]),
        )
        thresholds[variant] = {"transaction": tx_model.threshold, "account": acc_model.threshold}
    base_model, base_scored = fit_level(raw_parts, "transaction", with_rules=False)
    base_tx = set(base_scored.tx_id[base_scored.flagged])
    hit = base_scored[base_scored.flagged]
    base_acc = (set(hit.src_account) | set(hit.dst_account)) & active
    flagged["baseline"] = (base_tx, base_acc)
    thresholds["baseline"] = {"transaction": base_model.threshold}
    clock["models_s"] = round(time.perf_counter() - started, 1)

    report = {
        "world": str(world),
        "transactions": result.transactions,
        "test_transactions": len(test_ids),
        "test_accounts": len(active),
        "alerts": len(result.alerts),
        "seconds": clock,
        "thresholds": thresholds,
        "variants": {},
    }
    for variant, (tx_flags, acc_flags) in flagged.items():
        report["variants"][variant] = {
            "transaction": prf(tx_flags, tx_pos)
            | {"typologies": per_typology(tx_flags, tx_truth, "tx_id")},
            "account": prf(acc_flags, acc_pos)
            | {"typologies": per_typology(acc_flags, acc_truth, "account_id")},
        }
    for level in ("transaction", "account"):
        both = report["variants"]["rules+model"][level]["f1"]
        base = report["variants"]["baseline"][level]["f1"]
        report[f"f1_ratio_vs_baseline_{level}"] = round(both / base, 2) if base else None
    text = json.dumps(report, indent=2)
    print(text)
    out = args.out or Path("bench/results") / f"monitor_eval_{world.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
