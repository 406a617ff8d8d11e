"""Crypto cash-out: funds from tainted sources sent on to exchanges or OTC desks within days.

Source: FBI PSA on the Bybit theft (Feb 2025); FATF targeted update on virtual assets (Jun 2025);
TYPOLOGIES.md D5 and D6 (OTC-desk or exchange deposits after tainted funds; OTC settlement used as
cash-out). A source is tainted when screening matched its holder, when it sits in a watched
country, or when its holder is of a watched type (for example an OTC desk already under review).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from sever.monitor.flows import DAY, HOUR, hopping, then, without
from sever.monitor.rule import SIZEABLE_PAYMENT, Condition, Inputs, Param, Rule


def _tainted_credits(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Credits whose sender is tainted: a screening hit, a watched country or holder type."""
    tx = inputs.tx.filter(inputs.tx.amount_usd >= params["min_amount"])
    marks = []
    if inputs.hits is not None:
        hit = inputs.hits.filter(inputs.hits.score >= params["min_hit_score"])
        marks.append(hit.select(tainted=hit.account_id))
    if inputs.accounts is not None and params["tainted_types"]:
        kind = inputs.accounts.filter(inputs.accounts.holder_type.isin(params["tainted_types"]))
        marks.append(kind.select(tainted=kind.account_id))
    by_country = tx.src_country.isin(params["tainted_countries"])
    if not marks:
        return tx.filter(by_country)
    tainted = marks[0]
    for more in marks[1:]:
        tainted = tainted.union(more)
    tainted = tainted.distinct()
    marked = tx.left_join(tainted, tx.src_account == tainted.tainted)
    return marked.filter(by_country | marked.tainted.notnull()).drop("tainted")


def _cash_out(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Per account and window: tainted money in, and how much of it went to exchanges soon after."""
    exchanges = inputs.accounts.filter(
        inputs.accounts.holder_type.isin(params["exchange_types"])
    ).select(exchange=inputs.accounts.account_id)
    credits = without(_tainted_credits(inputs, params), "dst_account", inputs.busy)
    pairs = then(
        credits,
        inputs.tx,
        first_key="dst_account",
        second_key="src_account",
        within_s=int(params["within_hours"] * HOUR),
    )
    pairs = pairs.join(exchanges, pairs.b_dst_account == exchanges.exchange).drop("exchange")
    per_credit = pairs.group_by("a_tx_id", "a_dst_account", "a_t", "a_amount_usd", "a_src_account")
    per_credit = per_credit.aggregate(
        cashed=pairs.b_amount_usd.sum(),
        out_ids=pairs.b_tx_id.collect(),
        receivers=pairs.b_dst_account.collect(),
    )
    per_credit = per_credit.mutate(cashed=ibis.least(per_credit.cashed, per_credit.a_amount_usd))
    windows = hopping(per_credit.mutate(t=per_credit.a_t), int(params["window_days"] * DAY))
    grouped = windows.group_by("a_dst_account", "phase", "window").aggregate(
        tainted_in=windows.a_amount_usd.sum().round(2),
        cashed_out=windows.cashed.sum().round(2),
        credit_ids=windows.a_tx_id.collect(),
        out_ids=windows.out_ids.collect(),
        senders=windows.a_src_account.collect(),
        receivers=windows.receivers.collect(),
    )
    return grouped.mutate(
        focus=grouped.a_dst_account,
        cashed_share=(grouped.cashed_out / grouped.tainted_in).round(4),
        accounts=grouped.senders.concat(grouped.receivers.flatten()),
        tx_ids=grouped.credit_ids.concat(grouped.out_ids.flatten()),
    )


EXCHANGE_CASHOUT = Rule(
    id="exchange_cashout",
    typology="crypto_laundering",
    description=(
        "Money from a tainted source (a screened party, a watched country or holder type) is sent "
        "on to crypto exchanges or OTC desks within days: the cash-out leg of laundered funds."
    ),
    severity="high",
    params=(
        Param("within_hours", 120, "how soon after the tainted credit the money must leave", "h"),
        Param("min_share", 0.5, "share of the tainted credit sent to exchanges"),
        Param(
            "min_amount",
            1_000.0,
            "smallest tainted credit considered (calibrated: larger than three in four payments "
            "in the file; 1,000 where too few payments to calibrate on)",
            "USD",
            relative=SIZEABLE_PAYMENT,
        ),
        Param("window_days", 28, "window over which credits are summed", "days"),
        Param("exchange_types", ("exchange", "otc"), "holder types that are exchanges or desks"),
        Param("tainted_types", ("mixer",), "holder types whose money is tainted"),
        Param("tainted_countries", ("KP",), "countries whose money is tainted"),
        Param("min_hit_score", 0.7, "screening score that taints a sender"),
    ),
    conditions=(
        Condition("cashed_share", ">=", "min_share", "share of tainted money sent to exchanges"),
    ),
    build=_cash_out,
    lookback=lambda p: float(p["window_days"]) + p["within_hours"] / 24,
    needs=("accounts",),
    metrics=("tainted_in", "cashed_out"),
    source="FBI PSA Feb 2025; FATF VA update Jun 2025; TYPOLOGIES.md D5, D6",
)

RULES = (EXCHANGE_CASHOUT,)
