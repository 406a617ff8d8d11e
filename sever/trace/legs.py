"""Matching the two legs of a swap, a bridge crossing or a mixer round, so value is followed
through the service rather than into its pool.

A service (a DEX router, a bridge, a mixer) takes funds in and pays funds out; on chain the two
legs share no id (except a swap, where both are in one transaction). Unmatched, the payout is a
slice of the service's whole pool, and the haircut method dilutes the stolen value to dust.
Matched, the payout carries the tainted share of the legs paid in. Three rules:

- **swap**: in one transaction, A pays a service S one asset and S pays another asset out;
- **bridge**: A pays a bridge; a payout from any bridge address (on any chain) follows within
  :attr:`LegRules.bridge_hours` with a dollar value within :attr:`LegRules.tolerance` of what
  was paid in (fees and price moves);
- **mixer**: A's deposits into a mixer, added up; a withdrawal from that mixer within
  :attr:`LegRules.mixer_days` after the last deposit whose value is within
  :attr:`LegRules.tolerance` of the total.

Each payout is matched once, to the earliest legs that fit. Only legs paid in by reached
addresses are matched (the others cannot carry taint). Known weakness: where many users pay in
the same amounts (fixed mixer denominations), the earliest fit may be someone else's payout; the
evidence names every match so an analyst can check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sever.trace.tags import Tags


@dataclass(frozen=True)
class LegRules:
    """How legs are matched. Defaults from practice: bridges and cross-chain swaps settle within
    minutes to hours; mixer users commonly wait days to weeks; fees stay under a few percent."""

    bridge_hours: float = 6.0
    mixer_days: float = 30.0
    tolerance: float = 0.05
    """Largest relative difference between the dollar value in and out."""


@dataclass
class Matches:
    """Match groups over the rows of one pass frame."""

    leg_in: np.ndarray
    payout: np.ndarray
    group_value: np.ndarray
    kinds: list[str] = field(default_factory=list)
    """Per group: swap, bridge or mixer."""

    def table(self, frame: pd.DataFrame) -> pd.DataFrame:
        """One row per matched leg: ``group, kind, side (in/out), row`` for evidence."""
        rows = []
        for side, groups in (("in", self.leg_in), ("out", self.payout)):
            for i in np.flatnonzero(groups >= 0):
                group = int(groups[i])
                rows.append({"group": group, "kind": self.kinds[group], "side": side, "row": i})
        return pd.DataFrame(rows, columns=["group", "kind", "side", "row"])


def no_matches(n: int) -> Matches:
    return Matches(np.full(n, -1), np.full(n, -1), np.zeros(0))


def match_legs(
    frame: pd.DataFrame, usd: np.ndarray, reached: set[str], tags: Tags, rules: LegRules
) -> Matches:
    """Match groups for ``frame`` (the pass's transfers in time order, ``usd`` their values)."""
    matches = no_matches(len(frame))
    value = frame.value.to_numpy()
    used = np.zeros(len(frame), dtype=bool)
    paid_in = frame.src.isin(reached).to_numpy()
    for kind, pairs in (
        ("swap", _swaps(frame, paid_in, tags)),
        ("bridge", _bridges(frame, usd, paid_in, tags, rules)),
        ("mixer", _mixers(frame, usd, paid_in, tags, rules)),
    ):
        for legs, out in pairs:
            if used[out] or used[legs].any():
                continue
            group = len(matches.kinds)
            matches.kinds.append(kind)
            matches.leg_in[legs] = group
            matches.payout[out] = group
            used[legs] = used[out] = True
    matches.group_value = np.zeros(len(matches.kinds))
    legs_in = np.flatnonzero(matches.leg_in >= 0)
    np.add.at(matches.group_value, matches.leg_in[legs_in], value[legs_in])
    return matches


def _swaps(frame: pd.DataFrame, paid_in: np.ndarray, tags: Tags) -> list[tuple[list[int], int]]:
    """(leg in, payout) pairs in one transaction: A pays S, S pays out another asset."""
    rows = frame.assign(row=np.arange(len(frame)))
    legs = rows[paid_in]
    pairs = legs.merge(
        rows, left_on=["tx_hash", "dst"], right_on=["tx_hash", "src"], suffixes=("", "_out")
    )
    services = tags.of_category(("swap", "defi"))
    keep = (pairs.asset != pairs.asset_out) | pairs.dst.isin(services)
    pairs = pairs[keep & (pairs.row != pairs.row_out)]
    return [([int(a)], int(b)) for a, b in zip(pairs.row, pairs.row_out, strict=True)]


def _bridges(
    frame: pd.DataFrame, usd: np.ndarray, paid_in: np.ndarray, tags: Tags, rules: LegRules
) -> list[tuple[list[int], int]]:
    """(leg in, payout) pairs through bridges, by time and dollar value."""
    bridges = tags.of_category(("bridge",))
    into = np.flatnonzero(frame.dst.isin(bridges).to_numpy() & paid_in)
    out = np.flatnonzero(frame.src.isin(bridges).to_numpy())
    seconds = frame.seconds.to_numpy()
    window = rules.bridge_hours * 3600
    pairs, taken = [], set()
    for leg in into:
        low = np.searchsorted(seconds[out], seconds[leg], side="left")
        high = np.searchsorted(seconds[out], seconds[leg] + window, side="right")
        for candidate in out[low:high]:
            if candidate not in taken and _close(usd[candidate], usd[leg], rules.tolerance):
                pairs.append(([int(leg)], int(candidate)))
                taken.add(candidate)
                break
    return pairs


def _mixers(
    frame: pd.DataFrame, usd: np.ndarray, paid_in: np.ndarray, tags: Tags, rules: LegRules
) -> list[tuple[list[int], int]]:
    """(deposits, withdrawal) groups: one sender's deposits into a mixer, and a withdrawal of
    their total from that mixer afterwards."""
    mixers = tags.of_category(("mixer",))
    into = frame[frame.dst.isin(mixers).to_numpy() & paid_in].assign(
        row=np.flatnonzero(frame.dst.isin(mixers).to_numpy() & paid_in)
    )
    seconds = frame.seconds.to_numpy()
    window = rules.mixer_days * 86_400
    pairs, taken = [], set()
    for (_, mixer), deposits in into.groupby(["src", "dst"], sort=False):
        rows = deposits.row.to_numpy()
        total, last = float(usd[rows].sum()), int(seconds[rows].max())
        out = np.flatnonzero((frame.src == mixer).to_numpy())
        out = out[(seconds[out] > last) & (seconds[out] <= last + window)]
        for candidate in out:
            if candidate not in taken and _close(usd[candidate], total, rules.tolerance):
                pairs.append(([int(r) for r in rows], int(candidate)))
                taken.add(candidate)
                break
    return pairs


def _close(paid_out: float, paid_in: float, tolerance: float) -> bool:
    """Whether a payout's dollar value is within ``tolerance`` of what was paid in."""
    return bool(paid_in > 0 and abs(paid_out - paid_in) <= tolerance * paid_in)
