"""Pass-through (rapid movement) and structuring: how fast money leaves, and how it is cut up.

Source: FinCEN and FATF red flags for funnel and pass-through accounts; TYPOLOGIES.md A2 (80 % or
more out within 72 hours); the US cash reporting threshold (31 CFR 1010.311) for structuring, with
transactions on behalf of one person aggregated (31 CFR 1010.313).

How much passes through, and how many near-threshold payments are "many", are read off the data
being screened by calibration; the reporting threshold itself is the regulation's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from sever.monitor.flows import DAY, HOUR, hopping, legs, then, without
from sever.monitor.rule import LARGE_SUM, SIZEABLE_PAYMENT, Condition, Inputs, Param, Relative, Rule


def _pass_through(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Each sizeable credit and what left the same account in the following hours, per window."""
    tx = inputs.tx
    credits = tx.filter(tx.amount_usd >= params["min_amount"])
    credits = without(credits, "dst_account", inputs.busy)
    pairs = then(
        credits,
        tx,
        first_key="dst_account",
        second_key="src_account",
        within_s=int(params["within_hours"] * HOUR),
    )
    pairs = pairs.filter(pairs.a_tx_id != pairs.b_tx_id, pairs.b_dst_account != pairs.a_src_account)
    keys = ("a_tx_id", "a_dst_account", "a_src_account", "a_t", "a_amount_usd")
    per_credit = pairs.group_by(*keys).aggregate(
        forwarded=pairs.b_amount_usd.sum(),
        out_ids=pairs.b_tx_id.collect(),
        receivers=pairs.b_dst_account.collect(),
    )
    per_credit = per_credit.mutate(share=per_credit.forwarded / per_credit.a_amount_usd)
    fast = per_credit.filter(per_credit.share >= params["min_share"])
    windows = hopping(fast.mutate(t=fast.a_t), int(params["window_days"] * DAY))
    grouped = windows.group_by("a_dst_account", "phase", "window").aggregate(
        credits=windows.a_tx_id.count(),
        received=windows.a_amount_usd.sum().round(2),
        credit_ids=windows.a_tx_id.collect(),
        out_ids=windows.out_ids.collect(),
        receivers=windows.receivers.collect(),
        senders=windows.a_src_account.collect(),
    )
    return grouped.mutate(
        focus=grouped.a_dst_account,
        accounts=grouped.senders.concat(grouped.receivers.flatten()),
        tx_ids=grouped.credit_ids.concat(grouped.out_ids.flatten()),
    )


RAPID_MOVEMENT = Rule(
    id="rapid_movement",
    typology="rapid_movement",
    description=(
        "Money passes straight through an account: sizeable credits are followed within hours by "
        "debits of nearly the same amount, again and again."
    ),
    severity="medium",
    params=(
        Param("within_hours", 24, "how soon after a credit the money must leave", "h"),
        Param("min_share", 0.9, "share of the credit that leaves within that time"),
        Param(
            "min_amount",
            0.0,
            "smallest credit considered (calibrated: larger than three in four payments in the "
            "file)",
            "USD",
            relative=SIZEABLE_PAYMENT,
        ),
        Param("min_credits", 1, "credits passed through within the window"),
        Param(
            "min_received",
            5_000.0,
            "total of those credits within the window (calibrated: the 99th percentile of "
            "accounts that pass credits straight on, or where they are too few, at least nine in "
            "ten payments in the file; uncalibrated: the SAR threshold, 31 CFR 1020.320)",
            "USD",
            relative=Relative(
                "received", 0.99, over="accounts that pass credits straight on", fallback=LARGE_SUM
            ),
        ),
        Param("window_days", 28, "window over which pass-throughs are counted", "days"),
    ),
    conditions=(
        Condition("credits", ">=", "min_credits", "credits passed on within {within_hours} h"),
        Condition("received", ">=", "min_received", "USD passed straight through"),
    ),
    build=_pass_through,
    lookback=lambda p: float(p["window_days"]) + p["within_hours"] / 24,
    source="TYPOLOGIES.md A2; FATF pass-through red flags",
)


def _near_threshold(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Per account and window: transactions just under the reporting threshold."""
    threshold = params["threshold"]
    tx = inputs.tx.filter(
        inputs.tx.amount_usd < threshold,
        inputs.tx.amount_usd >= threshold * params["near_share"],
    )
    if params["formats"]:
        tx = tx.filter(tx.payment_format.isin(params["formats"]))
    side = legs(tx)
    windows = hopping(side, int(params["window_days"] * DAY))
    grouped = windows.group_by("account", "direction", "phase", "window").aggregate(
        near_threshold=windows.tx_id.count(),
        total=windows.amount.sum().round(2),
        first_t=windows.t.min(),
        last_t=windows.t.max(),
        accounts=windows.counterparty.collect(),
        tx_ids=windows.tx_id.collect(),
    )
    return _with_consolidation(inputs, params, grouped).mutate(focus=grouped.account)


def _with_consolidation(inputs: Inputs, params: Mapping[str, Any], grouped: ir.Table) -> ir.Table:
    """Add where the structured money went: large payments out soon after the last deposit."""
    out = inputs.tx.filter(inputs.tx.amount_usd >= params["threshold"])
    out = out.select(o_src=out.src_account, o_dst=out.dst_account, o_t=out.t, o_id=out.tx_id)
    horizon = int(params["consolidation_days"] * DAY)
    joined = grouped.left_join(
        out,
        [
            grouped.account == out.o_src,
            out.o_t >= grouped.first_t,
            out.o_t <= grouped.last_t + horizon,
        ],
    )
    keys = ("account", "direction", "phase", "window")
    summary = joined.group_by(*keys).aggregate(
        moved_ids=joined.o_id.collect(), moved_to=joined.o_dst.collect()
    )
    both = grouped.join(summary, list(keys))
    # A window with nothing moved out collects no ids: an empty list on every engine.
    none = ibis.literal([], type="array<string>")
    return both.mutate(
        tx_ids=both.tx_ids.concat(both.moved_ids.fill_null(none)),
        accounts=both.accounts.concat(both.moved_to.fill_null(none)),
    )


STRUCTURING = Rule(
    id="structuring",
    typology="structuring",
    description=(
        "Many payments into or out of one account just under the reporting threshold within a "
        "few weeks: a large sum cut up to stay below it."
    ),
    severity="medium",
    params=(
        Param(
            "threshold",
            10_000.0,
            "the reporting threshold being avoided (US currency transaction report, "
            "31 CFR 1010.311)",
            "USD",
        ),
        Param("near_share", 0.75, "a payment at or above this share of the threshold is 'near'"),
        Param(
            "min_count",
            2,
            "near-threshold payments within the window (calibrated: more than the 99.5th "
            "percentile of accounts making such payments; else 2, the fewest that can be split "
            "from one sum)",
            relative=Relative(
                "near_threshold", 0.995, floor=2, over="accounts paying near the threshold"
            ),
        ),
        Param(
            "min_total",
            10_000.0,
            "their total within the window: above the threshold once aggregated (31 CFR 1010.313)",
            "USD",
        ),
        Param("window_days", 28, "window over which they are counted", "days"),
        Param("consolidation_days", 7, "large payments out this soon after are shown too", "days"),
        Param("formats", ("cash",), "payment formats considered (empty: all), e.g. cash,cheque"),
    ),
    conditions=(
        Condition("near_threshold", ">=", "min_count", "payments just under {threshold:,.0f} USD"),
        Condition("total", ">=", "min_total", "USD in those payments"),
    ),
    build=_near_threshold,
    lookback=lambda p: float(p["window_days"]),
    source="31 CFR 1010.311 and 1010.314; FATF structuring red flags",
)

RULES = (RAPID_MOVEMENT, STRUCTURING)
