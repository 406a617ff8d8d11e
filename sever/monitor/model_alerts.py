"""Alerts the model raises on its own: one per account it flags, with its reasons in words.

A model alert has the same shape as a rule alert (:class:`sever.alerts.Alert`): rule id ``model``
(labels) or ``anomaly`` (no labels), the account, its payments in the period (those a payment model
flagged first, then the largest), the money it moved, and reasons: the features that weighed most,
each with the account's value beside its peers' (the median of the accounts scored, and the
account's percentile among them). Its typology is the one a rule alert on the same account gave,
else the pattern named by the weightiest of its top features that names one (a rule's alert count
names that rule's typology). When none does, the alert is filed under the generic layering label
``stack`` and its explanation says that the pattern is unnamed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from sever.alerts import Alert, Reason, alert_id
from sever.monitor.explain import money
from sever.monitor.features import describe_feature
from sever.monitor.flows import legs
from sever.monitor.pack import RULES
from sever.monitor.rule import Inputs
from sever.monitor.scorer import Scorer
from sever.tables.engine import Engine

PAYMENTS_SHOWN = 20
"""A model alert lists the account's largest payments in the period, up to this many."""
REASONS = 3
FEATURE_TYPOLOGY = {
    "cycles": "cycle",
    "quick_out_share": "rapid_movement",
    "in_out_gap": "rapid_movement",
    "flow_through": "rapid_movement",
    "through": "rapid_movement",
    "senders": "fan_in",
    "fan_in_ratio": "fan_in",
    "pct_senders": "fan_in",
    "pct_n_in": "fan_in",
    "receivers": "fan_out",
    "fan_out_ratio": "fan_out",
    "pct_receivers": "fan_out",
    "pct_n_out": "fan_out",
    "employer_share": "it_worker_payroll",
    "employers": "it_worker_payroll",
    "formed_days": "front_company",
    "cash_out_share": "crypto_laundering",
}
"""The pattern a feature describes, in the one typology vocabulary."""
DEFAULT_TYPOLOGY = "stack"
"""The generic layering label, for a model alert whose features name no pattern."""


def model_alerts(
    engine: Engine,
    inputs: Inputs,
    scorer: Scorer,
    scored: pd.DataFrame,
    accounts: pd.DataFrame,
    rule_alerts: Sequence[Alert],
) -> list[Alert]:
    """One alert per account with a row at or above the model's threshold.

    ``scored`` holds the scored rows (accounts, or payments with their sender as ``account_id``)
    with a ``score`` column; the highest-scoring row of each account gives the reasons.
    """
    flagged = scored[scored["score"] >= scorer.threshold]
    if flagged.empty:
        return []
    best = flagged.sort_values(["score", "account_id"], ascending=[False, True])
    best = best.drop_duplicates("account_id").reset_index(drop=True)
    contributions = scorer.contributions(best, top=REASONS)
    moved = _payments(engine, inputs, list(best.account_id))
    ruled = _rule_typologies(rule_alerts)
    rule_id = "anomaly" if scorer.kind == "isolation_forest" else "model"
    out = []
    for (_, row), weighed in zip(best.iterrows(), contributions, strict=True):
        account = str(row["account_id"])
        said_each = [_reason(item, scored) for item in weighed]
        reasons = tuple(reason for reason, _ in said_each)
        mine = moved.get(account, pd.DataFrame(columns=["tx_id", "amount", "t"]))
        # Flagged payments first (a payment model), then the largest.
        first = mine.tx_id.isin(flagged.tx_id) if "tx_id" in flagged.columns else False
        shown = mine.assign(first=first).sort_values(
            ["first", "amount", "tx_id"], ascending=[False, False, True]
        )
        shown = shown.head(PAYMENTS_SHOWN)
        named = ruled.get(account) or _named_typology(weighed)
        typology = named or DEFAULT_TYPOLOGY
        score = round(float(row["score"]), 4)
        start, end = _when(mine.t.min()), _when(mine.t.max())
        total = float(mine.amount.sum())
        said = "; ".join(words for _, words in said_each)
        out.append(
            Alert(
                alert_id=alert_id(rule_id, account, [account]),
                typology=typology,
                rule_id=rule_id,
                severity="high" if score >= (1 + scorer.threshold) / 2 else "medium",
                accounts=(account,),
                tx_ids=tuple(shown.tx_id),
                amount=round(total, 2),
                period_start=start,
                period_end=end,
                score=score,
                reasons=reasons,
                evidence={
                    "model": {
                        "kind": scorer.kind,
                        "level": scorer.level,
                        "score": score,
                        "threshold": round(scorer.threshold, 4),
                        "top": weighed,
                    },
                    "typology_from": _typology_source(account in ruled, named),
                    "payments_shown": len(shown),
                    "payments": len(mine),
                },
                explanation=(
                    f"{rule_id} on account {account}: the {scorer.kind.replace('_', ' ')} model "
                    f"scores it {score:.3g} (alerts from {scorer.threshold:.3g}). Why: {said}. "
                    f"{len(mine)} payment(s) totalling {money(total)}; the {len(shown)} largest "
                    "are listed."
                    + (
                        ""
                        if named
                        else " No rule or top feature names the pattern; it is filed "
                        f"under the generic layering label {DEFAULT_TYPOLOGY}."
                    )
                ),
            )
        )
    return out


def _reason(item: dict, peers: pd.DataFrame) -> tuple[Reason, str]:
    """A weighed feature as a reason (the peers' median as its threshold) and as a phrase: its
    words, the value, and where it stands among peers."""
    feature, value = item["feature"], item["value"]
    label = describe_feature(feature)
    column = peers[feature] if feature in peers.columns else None
    if column is None or not pd.api.types.is_numeric_dtype(column) or value is None:
        return Reason(label=label, observed=value), f"{label}: {value}"
    values = column.dropna().to_numpy(dtype=float)
    median = float(np.median(values)) if len(values) else float("nan")
    rank = float((values <= float(value)).mean()) if len(values) else float("nan")
    observed = _round(float(value))
    words = f"{label}: {observed} (peers' median {_round(median)}; percentile {100 * rank:.0f})"
    return Reason(label=label, observed=observed, threshold=_round(median)), words


def _round(value: float) -> float:
    return round(value, 4) if abs(value) < 100 else round(value, 1)


def _payments(engine: Engine, inputs: Inputs, accounts: list[str]) -> dict[str, pd.DataFrame]:
    """Each flagged account's payments (in and out): id, USD amount, time."""
    chosen = engine.table(pd.DataFrame({"chosen": accounts}))
    side = legs(inputs.tx)
    mine = side.join(chosen, side.account == chosen.chosen).select(
        "account", "tx_id", "amount", "t"
    )
    frame = engine.to_pandas(mine)
    return {str(k): v for k, v in frame.groupby("account")}


def _named_typology(weighed: Sequence[dict]) -> str | None:
    """The typology named by the weightiest feature that names one: a pattern feature (either
    side of a payment, or its peer rank) or a rule's alert count (that rule's typology)."""
    for item in weighed:
        feature = str(item["feature"])
        for prefix in ("src_", "dst_", "pct_"):
            feature = feature.removeprefix(prefix)
        rule = RULES.get(feature.removeprefix("rule_")) if feature.startswith("rule_") else None
        found = rule.typology if rule else FEATURE_TYPOLOGY.get(feature)
        if found:
            return found
    return None


def _typology_source(by_rule: bool, named: str | None) -> str:
    """Where an alert's typology came from, for its evidence."""
    if by_rule:
        return "rule alert"
    return "top feature" if named else "none named (generic layering label)"


def _rule_typologies(alerts: Sequence[Alert]) -> dict[str, str]:
    """For each account a rule alert named, the typology of its most severe such alert."""
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    found: dict[str, tuple[int, str]] = {}
    for alert in sorted(alerts, key=lambda a: a.alert_id):
        rank = order.get(alert.severity, 4)
        for account in alert.accounts:
            if account not in found or rank < found[account][0]:
                found[account] = (rank, alert.typology)
    return {account: typology for account, (_, typology) in found.items()}


def _when(seconds: float) -> datetime | None:
    return None if pd.isna(seconds) else datetime.fromtimestamp(int(seconds), tz=UTC)
