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
from sever.monitor.vessels import LISTED_IMO


def _pattern(terms: tuple[str, ...]) -> str:
    """One case-insensitive pattern matching any of the terms as written."""
    return "(?i)(" + "|".join(re.escape(term) for term in terms) + ")"


def _mentions(inputs: Inputs, params: Mapping[str, Any], pattern: str, named: str = "") -> ir.Table:
    """Per paying account, payee and window: payments whose purpose matches ``pattern``; the
    term is its first group (after ``named``)."""
    tx = inputs.tx.filter(inputs.tx.amount_usd >= params["min_amount"])
    found = tx.filter(tx.purpose.re_search(pattern))
    found = found.mutate(term=named + found.purpose.re_extract(pattern, 1).lower())
    windows = hopping(found, int(params["window_days"] * DAY))
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
    return _mentions(inputs, params, _pattern((*params["goods"], *params["ports"])))


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
    return _mentions(inputs, params, _pattern(params["vessel_terms"]))


VESSEL_PAYMENT = Rule(
    id="vessel_payment",
    typology="ship_to_ship",
    description=(
        "Payments whose stated purpose names ship-to-ship transfers, bunkering, charter hire or "
        "P&I insurance: the services North Korea's tankers buy (naming a vessel or its IMO "
        "number alone is ordinary shipping; a listed one is listed_vessel_payment)."
    ),
    severity="medium",
    params=(
        Param(
            "vessel_terms",
            ("ship-to-ship", "bunkering", "charter hire", "P&I insurance"),
            "words that show a payment is for a vessel service",
        ),
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
    conditions=(Condition("payments", ">=", "min_payments", "payments naming a vessel service"),),
    build=_vessels,
    lookback=lambda p: float(p["window_days"]),
    metrics=("term", "total"),
    source="OFAC shipping advisories Feb 2018 and Mar 2019; TYPOLOGIES.md C",
)


def _listed_vessels(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Payments naming a listed vessel's IMO number ("IMO 9096791", "IMO: 9096791",
    "IMO9096791"); with no numbers, none (``\\b\\B`` never matches)."""
    numbers = "|".join(params[LISTED_IMO]) or r"\b\B"
    return _mentions(inputs, params, r"(?i)\bIMO\s*:?\s*(" + numbers + r")\b", named="IMO ")


LISTED_VESSEL_PAYMENT = Rule(
    id="listed_vessel_payment",
    typology="ship_to_ship",
    description=(
        "Payments whose stated purpose names the IMO number of a vessel on the DPRK sanctions "
        "lists, whatever spelling of its name the invoice uses."
    ),
    severity="critical",
    params=(
        Param(
            LISTED_IMO,
            (),
            "IMO numbers of listed vessels (by default those of the DPRK lists loaded in the "
            "home, read at every run)",
        ),
        Param("min_amount", 0.0, "smallest payment considered", "USD"),
        Param("min_payments", 1, "such payments within the window"),
        Param("window_days", 90, "window over which they are counted", "days"),
    ),
    conditions=(
        Condition("payments", ">=", "min_payments", "payments naming a listed vessel's IMO number"),
    ),
    build=_listed_vessels,
    lookback=lambda p: float(p["window_days"]),
    metrics=("term", "total"),
    source="UN SC resolution 2397 and OFAC advisory of 2019-03-21; TYPOLOGIES.md C",
)

RULES = (WATCHED_GOODS, VESSEL_PAYMENT, LISTED_VESSEL_PAYMENT)
