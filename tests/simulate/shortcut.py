"""The shortcut check of DESIGN.md "Evaluation": can plain per-wallet aggregates find the planted?

A shallow decision tree is trained on aggregates that are no red flag of TYPOLOGIES.md section D
(how often and how long a wallet is used, how many counterparties it has, how much of its value
touches mixers and bridges, its median value, whether an exchange swept it). If such a tree
separates the planted wallets from the legitimate ones, the simulator gives the answer away.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
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


def shortcut_f1(frame: pd.DataFrame, depth: int = 3, seed: int = 0) -> float:
    """Out-of-fold F1 of a depth-``depth`` tree telling planted wallets from legitimate ones."""
    features = frame[list(FEATURES)].to_numpy()
    labels = frame["planted"].to_numpy()
    tree = DecisionTreeClassifier(max_depth=depth, class_weight="balanced", random_state=seed)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    predicted = cross_val_predict(tree, features, labels, cv=folds)
    return float(f1_score(labels, predicted))
