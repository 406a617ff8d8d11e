"""What the payment says it is for: watched goods and ports, and vessels named in payments.

Source: UN SC resolutions 2371, 2375 and 2397 (coal, iron ore, seafood, refined petroleum, machinery
and vehicles banned from or to the DPRK); OFAC/State/Coast Guard shipping advisories (Feb 2018,
Mar 2019); TYPOLOGIES.md B2 and C (any payment naming a listed vessel or its IMO number).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir

from sever.monitor.flows import DAY, hopping
from sever.monitor.rule import SIZEABLE_PAYMENT, Condition, Inputs, Param, Rule


def _pattern(terms: tuple[str, ...]) -> str:
    """One case-insensitive pattern matching any of the terms as written."""
    return "(?i)(" + "|".join(re.escape(term) for term in terms) + ")"


def _mentions(inputs: Inputs, params: Mapping[str, Any], terms: tuple[str, ...]) -> ir.Table:
    """Per paying account, payee and window: payments whose purpose names one of the terms."""
    tx = inputs.tx.filter(inputs.tx.amount_usd >= params["min_amount"])
    named = tx.filter(tx.purpose.re_search(_pattern(terms)))
    named = named.mutate(term=named.purpose.re_extract(_pattern(terms), 1).lower())
    windows = hopping(named, int(params["window_days"] * DAY))
    grouped = windows.group_by("src_account", "dst_account", "phase", "window").aggregate(
        payments=windows.tx_id.count(),
        total=windows.amount_usd.sum().round(2),
        term=windows.term.min(),
        tx_ids=windows.tx_id.collect(),
    )
    return grouped.mutate(
        focus=grouped.src_account,
        accounts=ibis.array([grouped.src_account, grouped.dst_account]),
    )


def _goods(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    return _mentions(inputs, params, (*params["goods"], *params["ports"]))


WATCHED_GOODS = Rule(
    id="watched_goods",
    typology="trade_mismatch",
    description=(
        "Trade payments whose stated purpose names goods under UN sanctions on the DPRK or a port "
        "of discharge in or near it."
    ),
    severity="high",
    params=(
        Param(
            "goods",
            (
                "refined petroleum",
                "coal",
                "iron ore",
                "seafood (DPRK",
                "luxury vehicles",
                "CNC machine tools",
                "aluminium alloy tubes",
                "lithium batteries",
            ),
            "goods whose mention marks a payment",
        ),
        Param("ports", ("Nampo", "Nampho", "Chongjin", "Rajin", "Dandong"), "watched ports"),
        Param(
            "min_amount",
            1_000.0,
            "smallest payment considered (calibrated: larger than three in four payments in "
            "the file; 1,000 where too few payments to calibrate on)",
            "USD",
            relative=SIZEABLE_PAYMENT,
        ),
        Param("min_payments", 1, "such payments within the window"),
        Param("window_days", 90, "window over which they are counted", "days"),
    ),
    conditions=(
        Condition("payments", ">=", "min_payments", "payments naming watched goods or ports"),
    ),
    build=_goods,
    lookback=lambda p: float(p["window_days"]),
    metrics=("term", "total"),
    source="UN SC resolutions 2371, 2375, 2397; TYPOLOGIES.md B2",
)


def _vessels(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    return _mentions(inputs, params, (*params["vessel_terms"], *params["listed_vessels"]))


VESSEL_PAYMENT = Rule(
    id="vessel_payment",
    typology="ship_to_ship",
    description=(
        "Payments for charter, bunkering, insurance or ship-to-ship transfers that name a vessel "
        "or its IMO number; listed vessels (add them to listed_vessels) make it certain."
    ),
    severity="medium",
    params=(
        Param(
            "vessel_terms",
            ("IMO ", "ship-to-ship", "bunkering", "charter hire", "P&I insurance"),
            "words that show a payment is about a vessel",
        ),
        Param("listed_vessels", (), "names or IMO numbers of listed vessels"),
        Param(
            "min_amount",
            1_000.0,
            "smallest payment considered (calibrated: larger than three in four payments in "
            "the file; 1,000 where too few payments to calibrate on)",
            "USD",
            relative=SIZEABLE_PAYMENT,
        ),
        Param("min_payments", 2, "such payments within the window"),
        Param("window_days", 90, "window over which they are counted", "days"),
    ),
    conditions=(Condition("payments", ">=", "min_payments", "payments naming a vessel"),),
    build=_vessels,
    lookback=lambda p: float(p["window_days"]),
    metrics=("term", "total"),
    source="OFAC shipping advisories Feb 2018 and Mar 2019; TYPOLOGIES.md C",
)

RULES = (WATCHED_GOODS, VESSEL_PAYMENT)
