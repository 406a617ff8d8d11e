"""Splits (one wallet fans a balance out into many equal-sized wallets within hours) and
consolidation (many traced wallets pay into one), after TYPOLOGIES.md D red flag 2 and the Bybit
case (about 50 wallets of about 10,000 ETH each within hours)."""

from __future__ import annotations

import numpy as np

from sever.trace.patterns.base import Flow, Pattern, short, usd, when

SPLIT_MIN_WALLETS = 5
"""Fewest receivers for a split."""
SPLIT_HOURS = 24.0
"""A split's payments fall within this many hours of its first."""
SPLIT_MAX_SPREAD = 0.25
"""Largest coefficient of variation of the split amounts: 'equal-sized'."""
CONSOLIDATION_MIN_WALLETS = 3
"""Fewest distinct traced senders for a consolidation."""


def splits(flow: Flow) -> list[Pattern]:
    """A wallet that sent traced value to many wallets in equal slices within hours."""
    moves = flow.transfers
    start = moves.groupby("src").seconds.transform("min")
    early = moves[moves.seconds <= start + SPLIT_HOURS * 3600]
    pairs = early.groupby(["src", "dst"], sort=False).tainted_usd.sum().reset_index()
    shape = pairs.groupby("src").tainted_usd.agg(["size", "mean", "std", "sum", "median"])
    shape["spread"] = shape["std"].fillna(0) * np.sqrt((shape["size"] - 1) / shape["size"])
    shape["spread"] = shape["spread"] / shape["mean"]
    candidates = shape[(shape["size"] >= SPLIT_MIN_WALLETS) & (shape.spread <= SPLIT_MAX_SPREAD)]
    found = []
    chosen = early[early.src.isin(candidates.index)].groupby("src")
    for sender, out in chosen:
        row = candidates.loc[sender]
        if flow.tags.get(str(sender)):
            continue
        receivers = sorted(set(out.dst))
        hours = (out.seconds.max() - out.seconds.min()) / 3600
        found.append(
            Pattern(
                "split",
                (str(sender), *receivers),
                tuple(out.tx_hash),
                float(row["sum"]),
                f"{short(str(sender))} split {usd(row['sum'])} of traced value into "
                f"{int(row['size'])} wallets of about {usd(row['median'])} each within "
                f"{hours:.1f} hours, from {when(out.seconds.min())}",
                {
                    "wallets": int(row["size"]),
                    "median_usd": round(float(row["median"]), 2),
                    "spread": round(float(row.spread), 3),
                    "hours": round(hours, 2),
                },
            )
        )
    return found


def consolidations(flow: Flow) -> list[Pattern]:
    """An untagged wallet into which several traced wallets paid: the launderer gathering."""
    moves = flow.transfers
    senders = moves.groupby("dst").src.nunique()
    found = []
    gathering = senders[senders >= CONSOLIDATION_MIN_WALLETS].index
    for receiver, into in moves[moves.dst.isin(gathering)].groupby("dst"):
        if flow.tags.get(str(receiver)):
            continue
        total = float(into.tainted_usd.sum())
        count = int(senders[receiver])
        found.append(
            Pattern(
                "consolidation",
                (str(receiver), *sorted(set(into.src))),
                tuple(into.tx_hash),
                total,
                f"{count} traced wallets paid {usd(total)} into {short(str(receiver))} "
                f"between {when(into.seconds.min())} and {when(into.seconds.max())}",
                {
                    "senders": count,
                    "transfers": len(into),
                    "hours": round(float(np.ptp(into.seconds)) / 3600, 2),
                },
            )
        )
    return found
