"""Screened counterparties: payments to or from parties that screening matched to a list.

Source: OFAC and UN 1718 sanctions (any dealing with a blocked person is prohibited); TYPOLOGIES.md
"Where the lists help". Hits come from ``sever screen`` (or any screener) as a table of
``party_id, entity_id, score, match, explanation``; a hit on an alias counts like a hit on a name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis.expr.types as ir

from sever.monitor.flows import legs
from sever.monitor.rule import Condition, Inputs, Param, Rule


def _screened(inputs: Inputs, params: Mapping[str, Any]) -> ir.Table:
    """Per account whose holder screening matched, and listed entity: its payments, with the
    accounts on the other side as evidence.

    The subject is the matched party's own account, the one a bank blocks or rejects payments
    for (31 CFR 501.603-604: blocked property is reported and held; the counterparties are named
    in the report). Every counterparty is listed in ``accounts``; alerting each of them as a
    subject of its own raised thousands of alerts on the ordinary customers of a listed party (or
    of a namesake screening matched by mistake), none of which a bank would file on alone."""
    hits = inputs.hits.filter(inputs.hits.score >= params["min_score"])
    best = hits.group_by("account_id", "entity_id").aggregate(
        score=hits.score.max(), party_id=hits.party_id.min(), explanation=hits.explanation.min()
    )
    side = legs(inputs.tx)
    side = side.filter(side.amount >= params["min_amount"])
    joined = side.join(best, side.account == best.account_id)
    grouped = joined.group_by("account", "entity_id").aggregate(
        payments=joined.tx_id.count(),
        counterparties=joined.counterparty.nunique(),
        total=joined.amount.sum().round(2),
        hit_score=joined.score.max().round(4),
        listed_party=joined.party_id.min(),
        hit=joined.explanation.min(),
        tx_ids=joined.tx_id.collect(),
        accounts=joined.counterparty.collect(),
    )
    return grouped.mutate(focus=grouped.account)


SCREENED_COUNTERPARTY = Rule(
    id="screened_counterparty",
    typology="sanctioned_alias",
    description=(
        "Payments to or from an account held by a party that screening matched to a sanctions "
        "list entry, by name or by alias; the alert is about that account and names every "
        "account on the other side."
    ),
    severity="critical",
    params=(
        Param("min_score", 0.7, "smallest screening score that counts as a hit"),
        Param("min_amount", 0.0, "smallest payment considered", "USD"),
        Param("min_payments", 1, "payments with the matched party"),
    ),
    conditions=(
        Condition("payments", ">=", "min_payments", "payments with a screened party"),
        Condition("hit_score", ">=", "min_score", "screening score of the hit"),
    ),
    build=_screened,
    lookback=lambda p: 0.0,
    needs=("hits",),
    metrics=("total", "counterparties", "entity_id", "listed_party", "hit"),
    source="OFAC SDN and UN 1718 lists; TYPOLOGIES.md 'Where the lists help'",
)

RULES = (SCREENED_COUNTERPARTY,)
