"""Cycles: money that leaves an account and comes back to it through others, in time order.

Source: FinCEN FIN-2017-A008 and TYPOLOGIES.md B4 (circular or U-turn flows among related
companies); the AMLworld cycle pattern.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from sever.monitor.flows import DAY, then, without
from sever.monitor.rule import SIZEABLE_PAYMENT, Condition, Inputs, Param, Rule

MAX_HOPS = 12
"""The longest loop that may be searched: each hop is one more join, so this bounds the work."""


def _cycles(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Time-ordered paths that return to where they began, each hop keeping most of the money.

    Paths grow one hop at a time from every sizeable transaction; a path stops when it would visit
    an account twice, runs past the window, or the amount changes more than allowed on a hop.
    """
    tx = inputs.tx.filter(inputs.tx.amount_usd >= params["min_amount"])
    tx = tx.select("tx_id", "t", "src_account", "dst_account", "amount_usd")
    tx = without(without(tx, "src_account", inputs.busy), "dst_account", inputs.busy)
    window = int(params["window_days"] * DAY)
    moving = tx.filter(tx.src_account != tx.dst_account)
    frontier = moving.select(
        start=moving.src_account,
        end=moving.dst_account,
        t_first=moving.t,
        t=moving.t,
        first_amount=moving.amount_usd,
        last_amount=moving.amount_usd,
        nodes=ibis.array([moving.src_account, moving.dst_account]),
        txs=ibis.array([moving.tx_id]),
    )
    closed = []
    for hops in range(2, params["max_hops"] + 1):
        step = then(frontier, tx, first_key="end", second_key="src_account", within_s=window)
        step = step.filter(
            step.b_t - step.a_t_first <= window,
            step.b_amount_usd >= step.a_last_amount * params["min_kept"],
            step.b_amount_usd <= step.a_last_amount * params["max_growth"],
            ~step.a_txs.contains(step.b_tx_id),
        )
        back = step.filter(step.b_dst_account == step.a_start)
        closed.append(
            back.select(
                focus=back.a_start,
                accounts=back.a_nodes,
                tx_ids=back.a_txs.concat(ibis.array([back.b_tx_id])),
                hops=ibis.literal(hops),
                first_amount=back.a_first_amount.round(2),
                returned=back.b_amount_usd.round(2),
                days=((back.b_t - back.a_t_first) / DAY).round(2),
            )
        )
        if hops == params["max_hops"]:
            break
        onward = step.filter(~step.a_nodes.contains(step.b_dst_account))
        frontier = inputs.keep(
            onward.select(
                start=onward.a_start,
                end=onward.b_dst_account,
                t_first=onward.a_t_first,
                t=onward.b_t,
                first_amount=onward.a_first_amount,
                last_amount=onward.b_amount_usd,
                nodes=onward.a_nodes.concat(ibis.array([onward.b_dst_account])),
                txs=onward.a_txs.concat(ibis.array([onward.b_tx_id])),
            )
        )
    found = closed[0]
    for more in closed[1:]:
        found = found.union(more)
    return found.mutate(kept=(found.returned / found.first_amount).round(4))


CYCLE = Rule(
    id="cycle",
    typology="cycle",
    description=(
        "Money leaves an account and returns to it through other accounts, each payment after "
        "the one before and most of the amount kept at every hop: a round trip that hides origin."
    ),
    severity="high",
    params=(
        Param("min_hops", 3, "fewest payments in the loop", low=2, high=MAX_HOPS),
        Param("max_hops", 8, "most payments in the loop that are searched", low=2, high=MAX_HOPS),
        Param("window_days", 21, "longest time from the first payment to the last", "days"),
        Param(
            "min_amount",
            1_000.0,
            "smallest payment followed (calibrated: larger than three in four payments in the "
            "file; 1,000 where too few payments to calibrate on)",
            "USD",
            relative=SIZEABLE_PAYMENT,
        ),
        Param("min_kept", 0.7, "each hop passes on at least this share of the one before"),
        Param("max_growth", 1.1, "and at most this multiple of it"),
        Param("min_returned", 0.5, "share of the first payment that comes back"),
    ),
    conditions=(
        Condition("hops", ">=", "min_hops", "payments in the loop"),
        Condition("kept", ">=", "min_returned", "share of the first payment that came back"),
    ),
    build=_cycles,
    lookback=lambda p: float(p["window_days"]),
    metrics=("first_amount", "returned", "days"),
    source="FinCEN FIN-2017-A008; TYPOLOGIES.md B4",
)

RULES = (CYCLE,)
