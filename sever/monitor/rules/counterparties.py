"""Newly formed counterparties: large payments to companies or accounts only weeks old.

Source: FinCEN FIN-2017-A008 and TYPOLOGIES.md B1 (wires between recently formed companies).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from sever.monitor.flows import DAY
from sever.monitor.rule import LARGE_SUM, Condition, Inputs, Param, Rule


def _new_receivers(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Payments to accounts opened, or held by companies formed, shortly before the payment."""
    accounts = inputs.accounts.filter(inputs.accounts.holder_type.isin(params["holder_types"]))
    tx = inputs.tx.filter(inputs.tx.amount_usd >= params["min_amount"])
    joined = tx.join(accounts, tx.dst_account == accounts.account_id)
    began = ibis.greatest(joined.opened_t.fill_null(0), joined.formed_t.fill_null(0))
    age_days = (joined.t - began) / DAY
    young = joined.filter(began > 0, age_days >= 0, age_days <= params["new_days"])
    young = young.mutate(age_days=age_days)
    grouped = young.group_by("src_account", "dst_account").aggregate(
        payments=young.tx_id.count(),
        total=young.amount_usd.sum().round(2),
        youngest_days=young.age_days.min().round(1),
        tx_ids=young.tx_id.collect(),
    )
    return grouped.mutate(
        focus=grouped.dst_account,
        accounts=ibis.array([grouped.src_account, grouped.dst_account]),
    )


NEW_COUNTERPARTY = Rule(
    id="new_counterparty",
    typology="front_company",
    description=(
        "Large payments to a company account opened, or a company formed, only weeks before: "
        "front companies are set up to receive a few payments and then dropped."
    ),
    severity="medium",
    params=(
        Param("new_days", 90, "a counterparty this young counts as new (one quarter)", "days"),
        Param("min_amount", 0.0, "smallest payment considered (0: all)", "USD"),
        Param(
            "min_total",
            5_000.0,
            "total paid to the new counterparty (calibrated: at least nine in ten payments in "
            "the file; else the SAR threshold for banks, 31 CFR 1020.320(a)(2))",
            "USD",
            relative=LARGE_SUM,
        ),
        Param("holder_types", ("company", "front_company", "shell"), "holder types watched"),
    ),
    conditions=(
        Condition(
            "total", ">=", "min_total", "USD paid to a counterparty under {new_days} days old"
        ),
    ),
    build=_new_receivers,
    lookback=lambda p: float(p["new_days"]),
    needs=("accounts",),
    metrics=("payments", "youngest_days"),
    source="FinCEN FIN-2017-A008; TYPOLOGIES.md B1",
)

RULES = (NEW_COUNTERPARTY,)
