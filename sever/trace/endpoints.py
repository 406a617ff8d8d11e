"""Endpoints (custodial services that received traced value) in words, and their alerts.

An exchange or OTC desk that received traced value holds it in its own books and can freeze the
customer account behind the deposit address. Each such address gets one ``crypto_laundering``
alert; its subjects are the wallet addresses (in ``accounts`` until alerts carry typed subjects).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from sever.alerts import Alert, Reason, Subject, alert_id
from sever.trace.addresses import address_key, shown
from sever.trace.patterns import Pattern
from sever.trace.patterns.base import short, usd

RULE_ID = "trace.endpoint"

SEVERITY_SHARES = (("critical", 0.10), ("high", 0.01), ("medium", 0.0))
"""An endpoint's severity by its share of the stolen value: 10 % or more is critical, 1 % or
more high, anything else medium."""

SEVERITY_SCORE = {"medium": 0.5, "high": 0.75, "critical": 0.95}


def endpoints(rows: pd.DataFrame) -> pd.DataFrame:
    """The reached addresses that are custodial services, largest first."""
    found = rows[rows.role == "endpoint"]
    return found.sort_values("traced_usd", ascending=False).reset_index(drop=True)


def explain_endpoint(row: Any, method: str) -> str:
    """One endpoint (a row of the address table) in an analyst's words."""
    share = f"{row.share:.1%} of the stolen value" if pd.notna(row.share) else "unpriced"
    money = f"{row.traced_value:,.4f} {row.asset}"
    if pd.notna(row.traced_usd):
        money += f" ({usd(row.traced_usd)}, {share})"
    return (
        f"{row.address} is {row.tag or 'a tagged service'}. Under the {method} method it "
        f"received {money} of traced value in {row.paths} transfer(s) between "
        f"{row.first_arrival:%Y-%m-%d %H:%M} and {row.last_arrival:%Y-%m-%d %H:%M} UTC, "
        f"{row.min_hops} hop(s) from the source at the nearest. {row.service} holds these funds "
        "in its books and can freeze the account behind this address."
    )


def endpoint_alerts(
    rows: pd.DataFrame,
    flows: pd.DataFrame,
    patterns: Sequence[Pattern],
    method: str,
    sources: Sequence[str],
) -> list[Alert]:
    """One ``crypto_laundering`` alert per endpoint address that received traced value."""
    alerts = []
    ends = endpoints(rows)
    # Only the endpoints' transfers are grouped: a large trace has millions of others.
    into = flows[flows.dst.isin({address_key(a) for a in ends.address})]
    hashes = into.groupby(["dst", "asset"]).tx_hash.agg(lambda h: tuple(sorted(set(h))))
    named_in: dict[str, set[str]] = {}
    for pattern in patterns:
        for address in pattern.addresses:
            named_in.setdefault(address, set()).add(pattern.name)
    for row in ends.itertuples():
        key = address_key(row.address)
        tx_ids = hashes.get((key, row.asset), ())
        share = float(row.share) if pd.notna(row.share) else 0.0
        severity = next(name for name, low in SEVERITY_SHARES if share >= low)
        named = sorted(named_in.get(key, ()))
        reasons = (
            Reason("traced value received (USD)", float(row.traced_usd or 0.0)),
            Reason("share of the stolen value", round(share, 4), SEVERITY_SHARES[1][1], ">="),
            Reason("hops from the source", int(row.min_hops)),
            Reason("service", row.tag),
        )
        alerts.append(
            Alert(
                alert_id=alert_id(RULE_ID, key, tx_ids),
                verb="trace",
                subjects=(Subject("wallet", row.address, row.tag or ""),),
                typology="crypto_laundering",
                rule_id=RULE_ID,
                severity=severity,
                accounts=(row.address,),
                tx_ids=tx_ids,
                amount=float(row.traced_usd) if pd.notna(row.traced_usd) else 0.0,
                period_start=row.first_arrival.to_pydatetime(),
                period_end=row.last_arrival.to_pydatetime(),
                score=SEVERITY_SCORE[severity],
                reasons=reasons,
                evidence={
                    "method": method,
                    "asset": row.asset,
                    "traced_value": float(row.traced_value),
                    "paths": int(row.paths),
                    "sources": [shown(s) for s in sources],
                    "patterns": named,
                },
                explanation=explain_endpoint(row, method)
                + (f" Patterns on the way: {', '.join(named)}." if named else ""),
            )
        )
    return alerts


def headline(rows: pd.DataFrame, stolen_usd: float) -> str:
    """The trace's outcome in one sentence: how much reached services that can freeze it."""
    ends = endpoints(rows)
    if ends.empty:
        return "no traced value reached a tagged exchange or OTC desk"
    total = float(ends.traced_usd.sum())
    services = ends.service.nunique()
    top = ends.groupby("service").traced_usd.sum().sort_values(ascending=False)
    lead = ", ".join(f"{name} {usd(value)}" for name, value in top.head(3).items())
    share = f" ({total / stolen_usd:.1%} of {usd(stolen_usd)} stolen)" if stolen_usd else ""
    return (
        f"{usd(total)}{share} reached {len(ends)} address(es) at {services} service(s) that "
        f"can freeze it: {lead}; first at {short(ends.address.iloc[0])}"
    )
