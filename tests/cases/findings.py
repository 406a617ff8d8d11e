"""Findings to feed the store in tests."""

from __future__ import annotations

from datetime import UTC, datetime

from sever.alerts import Alert, Subject

DAY0 = datetime(2024, 3, 1, tzinfo=UTC)


def account_alert(
    alert_id: str, account: str, when: datetime = DAY0, *, severity: str = "high",
    amount: float = 1000.0, others: tuple[str, ...] = (),
) -> Alert:  # fmt: skip
    """A monitor alert about ``account`` (its focus), with ``others`` as counterparties."""
    return Alert(
        alert_id=alert_id,
        typology="fan_out",
        rule_id="fan_out",
        severity=severity,
        accounts=(account, *others),
        tx_ids=(f"tx-{alert_id}",),
        amount=amount,
        period_start=when,
        period_end=when,
        score=0.7,
        evidence={"focus": account},
        explanation=f"{account} paid many receivers.",
    )


def wallet_alert(alert_id: str, wallet: str, entity: str, when: datetime = DAY0) -> Alert:
    """A trace finding about a wallet that is also a list entry."""
    return Alert(
        alert_id=alert_id,
        typology="crypto_laundering",
        rule_id="trace_endpoint",
        severity="critical",
        accounts=(),
        tx_ids=(),
        amount=5.0,
        period_start=when,
        period_end=when,
        score=0.9,
        explanation="Stolen funds reached this wallet.",
        verb="trace",
        subjects=(Subject("wallet", wallet), Subject("entity", entity)),
    )
