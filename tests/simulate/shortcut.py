"""The shortcut check of DESIGN.md "Evaluation": can plain per-wallet aggregates find the planted?

A shallow decision tree is trained on aggregates that are no red flag of TYPOLOGIES.md section D
(how often and how long a wallet is used, how many counterparties it has, how much of its value
touches mixers and bridges, its median value, whether an exchange swept it). If such a tree
separates the planted wallets from the legitimate ones, the simulator gives the answer away.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.tree import DecisionTreeClassifier

USD_PER_UNIT = {"ETH": 3_000.0, "BTC": 60_000.0, "USDT": 1.0}
FEATURES = (
    "transfers",
    "span_hours",
    "counterparties",
    "mixer_bridge_share",
    "median_usd",
    "swept",
)


def _sides(transfers: pd.DataFrame, kinds: pd.Series) -> pd.DataFrame:
    """Each transfer twice: once from the sender's side and once from the receiver's."""
    usd = transfers["value"] * transfers["asset"].map(USD_PER_UNIT)
    seconds = (transfers["block_timestamp"] - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    sent = pd.DataFrame(
        {
            "address": transfers["from_address"],
            "other": transfers["to_address"],
            "usd": usd,
            "seconds": seconds,
        }
    )
    received = pd.DataFrame(
        {
            "address": transfers["to_address"],
            "other": transfers["from_address"],
            "usd": usd,
            "seconds": seconds,
        }
    )
    sides = pd.concat([sent, received], ignore_index=True)
    other_kind = sides["other"].map(kinds)
    sides["mixer_bridge_usd"] = np.where(other_kind.isin(["mixer", "bridge"]), sides["usd"], 0.0)
    sides["to_hot"] = np.concatenate(
        [transfers["to_address"].map(kinds).eq("exchange_hot").to_numpy(), np.zeros(len(usd))]
    )
    return sides


def wallet_aggregates(root: Path) -> pd.DataFrame:
    """Plain aggregates of every address that sends or receives a transfer, and its label."""
    transfers = pd.read_parquet(root / "transfers.parquet")
    tags = pd.read_parquet(root / "wallets.parquet").set_index("address")["wallet_type"]
    sides = _sides(transfers, tags)
    by = sides.groupby("address")
    frame = pd.DataFrame(
        {
            "transfers": by.size(),
            "span_hours": (by["seconds"].max() - by["seconds"].min()) / 3600,
            "counterparties": by["other"].nunique(),
            "mixer_bridge_share": by["mixer_bridge_usd"].sum() / by["usd"].sum().clip(lower=1e-9),
            "median_usd": by["usd"].median(),
            "swept": by["to_hot"].max(),
        }
    )
    planted = set(pd.read_parquet(root / "labels" / "wallets.parquet")["address"])
    frame["planted"] = frame.index.isin(planted)
    return frame


def shortcut_f1(
    frame: pd.DataFrame,
    weighting: str = "balanced",
    depth: int = 3,
    seed: int = 0,
    features: tuple[str, ...] = FEATURES,
) -> float:
    """Out-of-fold F1 of a depth-``depth`` tree telling planted rows from legitimate ones, with
    ``weighting`` class weights: ``balanced`` (the rare planted class weighs as much as the rest)
    or ``none`` (plain: the tree only calls a region planted where planted rows are the most)."""
    return float(shortcut(frame, features, depth, seed, weightings=(weighting,))["f1"])


def shortcut(
    frame: pd.DataFrame,
    features: tuple[str, ...],
    depth: int = 3,
    seed: int = 0,
    weightings: tuple[str, ...] = ("none", "balanced"),
) -> dict[str, Any]:
    """The best a depth-``depth`` tree does at telling planted rows (``frame.planted``) apart.

    Scored out of fold (5 stratified folds). The tree is tried with each of ``weightings`` (plain
    and balanced class weights) and the better F1 counts, so that a rare class cannot hide a
    shortcut. Also returns the features the tree (fitted on all rows with that weighting) splits
    on, root first."""
    values = frame[list(features)].fillna(0.0).to_numpy(dtype=np.float64)
    labels = frame["planted"].to_numpy()
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    best: dict[str, Any] = {}
    for weighting in weightings:
        tree = DecisionTreeClassifier(
            max_depth=depth,
            class_weight=None if weighting == "none" else weighting,
            random_state=seed,
        )
        predicted = cross_val_predict(tree, values, labels, cv=folds)
        f1 = float(f1_score(labels, predicted, zero_division=0.0))
        if not best or f1 > best["f1"]:
            splits = tree.fit(values, labels).tree_.feature
            best = {
                "f1": round(f1, 4),
                "precision": round(float(precision_score(labels, predicted, zero_division=0.0)), 4),
                "recall": round(float(recall_score(labels, predicted)), 4),
                "class_weight": weighting,
                "splits": list(dict.fromkeys(features[i] for i in splits if i >= 0)),
            }
    return {**best, "rows": len(labels), "planted": int(labels.sum()), "depth": depth}


BANK_FEATURES = (
    "payments",
    "span_days",
    "card_share",
    "mobile_share",
    "ach_share",
    "wire_share",
    "swift_share",
    "cash_share",
    "abroad_share",
    "age_days",
    "business",
    "median_usd",
)
"""Plain per-account aggregates of the bank side: how much and how long an account is used, by
which channels, how much of it crosses a border, how old the account is, who holds it and how
large its payments are. None of them is a red flag of TYPOLOGIES.md sections A to C."""

_BANK_AGGREGATES = """
WITH legs AS (
    SELECT src_account AS account, timestamp, amount, currency, payment_format,
           src_country <> dst_country AS abroad
    FROM tx
    UNION ALL
    SELECT dst_account, timestamp, amount, currency, payment_format, src_country <> dst_country
    FROM tx
    WHERE dst_account <> src_account
)
SELECT
    legs.account AS account_id,
    count(*) AS payments,
    date_diff('second', min(timestamp), max(timestamp)) / 86400.0 AS span_days,
    avg((payment_format = 'card')::INT) AS card_share,
    avg((payment_format = 'mobile')::INT) AS mobile_share,
    avg((payment_format = 'ach')::INT) AS ach_share,
    avg((payment_format = 'wire')::INT) AS wire_share,
    avg((payment_format = 'swift')::INT) AS swift_share,
    avg((payment_format = 'cash')::INT) AS cash_share,
    avg(abroad::INT) AS abroad_share,
    date_diff('day', any_value(accounts.opened), min(timestamp)::DATE) AS age_days,
    (any_value(accounts.account_type) = 'business')::INT AS business,
    median(amount / coalesce(rates.per_usd, 1.0)) AS median_usd
FROM legs
JOIN accounts ON accounts.account_id = legs.account
LEFT JOIN rates ON rates.currency = legs.currency
GROUP BY legs.account
ORDER BY legs.account
"""


def account_aggregates(root: Path) -> pd.DataFrame:
    """Plain aggregates of every account that sends or receives a bank payment, and its label.

    DuckDB reads the Parquet files directly, so a medium world (5M payments) fits in memory."""
    from sever.simulate.world import FX_PER_USD

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.register(
        "rates", pd.DataFrame({"currency": list(FX_PER_USD), "per_usd": FX_PER_USD.values()})
    )
    con.register("tx", con.read_parquet(str(root / "transactions.parquet")))
    con.register("accounts", con.read_parquet(str(root / "accounts.parquet")))
    frame = con.execute(_BANK_AGGREGATES).to_arrow_table().to_pandas().set_index("account_id")
    labels = con.read_parquet(str(root / "labels" / "accounts.parquet")).select("account_id")
    planted = [row[0] for row in labels.fetchall()]
    frame["planted"] = frame.index.isin(set(planted))
    return frame
