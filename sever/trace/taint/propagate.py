"""The taint pass: one walk over the ledger in time order, moving tainted value hop by hop.

Each transfer, in order: a *seed* (a payment out of a source, or the theft itself) carries its
whole value; a service's payout matched to legs paid in (:mod:`sever.trace.legs`) carries the
tainted share of those legs; any other payment carries what the method says its sender's tainted
holding gives up (:mod:`sever.trace.taint`). Value below the minimum followed is written off
(counted, not followed). What reaches an absorbing service (an exchange, an OTC desk) or flows
back to a source stays there; a leg paid into a matched service travels with its payout, not into
the service's pool.

Only transfers out of a tainted holding do any work; the rest are skipped, so the walk costs
little more than reading the arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sever.trace.taint.ledger import Ledger


@dataclass
class Plan:
    """Per transfer of the ledger: how the pass treats it."""

    seed: np.ndarray
    """The transfer is stolen value at the start (carries its whole value)."""
    stop: np.ndarray
    """Its receiver keeps what arrives: an absorbing service, or a source."""
    floor: np.ndarray
    """The smallest tainted amount followed, in the transfer's own units."""
    leg_in: np.ndarray
    """Match group of a leg paid into a service (-1 for none)."""
    payout: np.ndarray
    """Match group of a service's payout (-1 for none)."""
    group_value: np.ndarray
    """Per match group: the total value of its legs paid in."""


@dataclass
class Moved:
    """What the pass found: the tainted amount of every transfer, and what was written off."""

    amount: np.ndarray
    written_off: np.ndarray
    """Per transfer: tainted value below the minimum followed, dropped there."""


def propagate(ledger: Ledger, method: object, plan: Plan) -> Moved:
    """Walk the ledger once with ``method`` (an object with ``held``, ``take`` and ``give``)."""
    n = len(ledger.value)
    amount = np.zeros(n)
    written_off = np.zeros(n)
    carried = np.zeros(len(plan.group_value))
    held = method.held  # type: ignore[attr-defined]
    take, give = method.take, method.give  # type: ignore[attr-defined]
    value = ledger.value.tolist()
    floor = plan.floor.tolist()
    stop = plan.stop.tolist()
    leg_in = plan.leg_in.tolist()
    dst = ledger.dst_node.tolist()
    group_value = plan.group_value.tolist()
    rows = zip(
        range(n), ledger.src_node.tolist(), plan.seed.tolist(), plan.payout.tolist(), strict=True
    )
    for i, node, seed, group in rows:
        if group >= 0:
            if carried[group] <= 0:
                continue
            moved = carried[group] / group_value[group] * value[i]
        elif seed:
            moved = value[i]
        elif held[node] <= 0:
            continue
        else:
            moved = take(i, node)
        if moved <= 0:
            continue
        if moved < floor[i]:
            written_off[i] = moved
            continue
        amount[i] = moved
        if leg_in[i] >= 0:
            carried[leg_in[i]] += moved
        elif not stop[i]:
            give(i, dst[i], moved)
    return Moved(amount, written_off)
