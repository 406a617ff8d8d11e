"""The Alert and Reason types every detector emits (monitor, network, trace).

An alert never travels without its reasons: each reason names, in the analyst's words, a condition
that held, the value observed and the threshold it was held against. The explanation is those
reasons as one paragraph; the evidence dict carries the rule's numbers for machines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SEVERITIES = ("low", "medium", "high", "critical")

TYPOLOGIES = (
    "it_worker_payroll",
    "laptop_farm",
    "front_company",
    "ownership_50pct",
    "trade_mismatch",
    "crypto_laundering",
    "fan_in",
    "fan_out",
    "scatter_gather",
    "gather_scatter",
    "cycle",
    "bipartite",
    "stack",
    "structuring",
    "rapid_movement",
    "sanctioned_alias",
    "ship_to_ship",
)
"""The one vocabulary of DPRK typologies: simulate labels with it, detectors alert with it
(docs/contracts.md)."""

ALERT_COLUMNS = (
    "alert_id",
    "typology",
    "rule_id",
    "severity",
    "accounts",
    "tx_ids",
    "amount",
    "period_start",
    "period_end",
    "score",
    "explanation",
    "evidence",
)


@dataclass(frozen=True)
class Reason:
    """One condition that held: its label, what was observed and what it was compared with."""

    label: str
    observed: Any
    threshold: Any = None
    op: str = ""

    def sentence(self) -> str:
        """The reason as a phrase: ``12 distinct receivers within 24 h (at least 10)``."""
        if self.op == "":
            return f"{self.label}: {_show(self.observed)}"
        words = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than", "==": ""}
        bound = f"{words.get(self.op, self.op)} {_show(self.threshold)}".strip()
        return f"{self.label}: {_show(self.observed)} ({bound})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "observed": self.observed,
            "threshold": self.threshold,
            "op": self.op,
        }


def _show(value: Any) -> str:
    if isinstance(value, float):
        if value.is_integer():
            return f"{value:,.0f}"
        return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def alert_id(rule_id: str, focus: str, tx_ids: Iterable[str]) -> str:
    """A stable id: the same rule on the same transactions gives the same id on any engine."""
    digest = hashlib.sha256()
    digest.update(rule_id.encode())
    digest.update(b"\x00" + focus.encode())
    for tx in sorted(tx_ids):
        digest.update(b"\x00" + tx.encode())
    return f"{rule_id}-{digest.hexdigest()[:16]}"


@dataclass(frozen=True)
class Alert:
    """A finding: which typology, on which accounts and transactions, how much, when, and why."""

    alert_id: str
    typology: str
    rule_id: str
    severity: str
    accounts: tuple[str, ...]
    tx_ids: tuple[str, ...]
    amount: float
    period_start: datetime | None
    period_end: datetime | None
    score: float
    reasons: tuple[Reason, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    explanation: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        """A flat record for JSON and Parquet; reasons live inside ``evidence``."""
        evidence = dict(self.evidence)
        evidence["reasons"] = [reason.to_dict() for reason in self.reasons]
        return {
            "alert_id": self.alert_id,
            "typology": self.typology,
            "rule_id": self.rule_id,
            "severity": self.severity,
            "accounts": list(self.accounts),
            "tx_ids": list(self.tx_ids),
            "amount": self.amount,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "score": self.score,
            "explanation": self.explanation,
            "evidence": evidence,
        }
