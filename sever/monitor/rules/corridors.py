"""High-risk corridors: money moving to or from countries the user watches.

Source: FATF high-risk jurisdictions (DPRK under countermeasures); FinCEN FIN-2017-A008 and
TYPOLOGIES.md B3 (PRC/Hong Kong trading firms near the DPRK border, offshore companies in BVI,
Marshall Islands, Seychelles). The country lists are parameters: set them to your risk appetite.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis.expr.types as ir

from sever.monitor.flows import DAY, hopping, legs
from sever.monitor.rule import LARGE_SUM, Condition, Inputs, Param, Rule


def _corridor(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Per account and window: money sent to or received from the listed countries."""
    tx = inputs.tx
    countries = params["countries"]
    touched = tx.filter(tx.src_country.isin(countries) | tx.dst_country.isin(countries))
    touched = touched.filter(touched.amount_usd >= params["min_amount"])
    side = legs(touched)
    # Only the account on the watched-country side's other end is of interest.
    side = side.join(touched.select("tx_id", "src_country", "dst_country"), "tx_id")
    own_country = (side.direction == "out").ifelse(side.src_country, side.dst_country)
    side = side.filter(~own_country.isin(countries))
    windows = hopping(side, int(params["window_days"] * DAY))
    grouped = windows.group_by("account", "phase", "window").aggregate(
        payments=windows.tx_id.count(),
        total=windows.amount.sum().round(2),
        accounts=windows.counterparty.collect(),
        tx_ids=windows.tx_id.collect(),
    )
    return grouped.mutate(focus=grouped.account)


DPRK_CORRIDOR = Rule(
    id="dprk_corridor",
    typology="front_company",
    description="Any payment to or from an account in North Korea: prohibited almost everywhere.",
    severity="critical",
    params=(
        Param("countries", ("KP",), "countries whose every payment is reported"),
        Param("min_amount", 0.0, "smallest payment considered", "USD"),
        Param("min_payments", 1, "payments within the window"),
        Param("window_days", 28, "window over which payments are counted", "days"),
    ),
    conditions=(Condition("payments", ">=", "min_payments", "payments to or from {countries}"),),
    build=_corridor,
    lookback=lambda p: float(p["window_days"]),
    metrics=("total",),
    source="UN SC resolution 2270 (2016); FATF countermeasures on the DPRK",
)

HIGH_RISK_CORRIDOR = Rule(
    id="high_risk_corridor",
    typology="front_company",
    description=(
        "Repeated sizeable payments between an account and watched high-risk or offshore "
        "jurisdictions, where DPRK front companies are registered."
    ),
    severity="medium",
    params=(
        Param(
            "countries",
            ("IR", "SY", "MM", "VG", "MH", "SC", "WS", "KY"),
            "watched countries (ISO 3166 alpha-2)",
        ),
        Param("min_amount", 0.0, "smallest payment considered (0: all)", "USD"),
        Param("min_payments", 2, "payments within the window"),
        Param(
            "min_total",
            5_000.0,
            "total within the window (calibrated: at least nine in ten payments in the file; "
            "else the SAR threshold for banks, 31 CFR 1020.320(a)(2))",
            "USD",
            relative=LARGE_SUM,
        ),
        Param("window_days", 28, "window over which payments are counted", "days"),
    ),
    conditions=(
        Condition("payments", ">=", "min_payments", "payments with watched countries"),
        Condition("total", ">=", "min_total", "USD with watched countries"),
    ),
    build=_corridor,
    lookback=lambda p: float(p["window_days"]),
    source="FinCEN FIN-2017-A008; TYPOLOGIES.md B3",
)

RULES = (DPRK_CORRIDOR, HIGH_RISK_CORRIDOR)
