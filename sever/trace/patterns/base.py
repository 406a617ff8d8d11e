"""What every pattern detector reads (the traced flow) and returns (a named pattern)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from sever.trace.addresses import shown
from sever.trace.tags import Tags

PATTERN_MIN_SHARE = 0.001
"""Transfers carrying less than this share of the stolen value (0.1 %) are left out of pattern
detection."""


@dataclass(frozen=True)
class Flow:
    """The traced flow: transfers that carried tainted value, and the tags that name addresses.

    ``transfers`` has ``tx_hash, seconds, src, dst, asset, tainted, tainted_usd, match_kind``.
    """

    transfers: pd.DataFrame
    tags: Tags

    def significant(self, stolen_usd: float) -> Flow:
        """Only transfers carrying at least :data:`PATTERN_MIN_SHARE` of the stolen value:
        patterns are about where the stolen money went, not about dust diluted into traffic."""
        keep = self.transfers.tainted_usd.fillna(0) >= PATTERN_MIN_SHARE * stolen_usd
        return Flow(self.transfers[keep], self.tags)


@dataclass(frozen=True)
class Pattern:
    """One named pattern: the addresses and transfers in it, the value, and why, in words."""

    name: str
    addresses: tuple[str, ...]
    tx_hashes: tuple[str, ...]
    value_usd: float
    explanation: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pattern": self.name,
            "addresses": [shown(a) for a in self.addresses],
            "tx_hashes": list(self.tx_hashes),
            "value_usd": round(self.value_usd, 2),
            "explanation": self.explanation,
            "evidence": self.evidence,
        }


def when(seconds: float) -> str:
    """A time for an explanation: ``2024-12-04 18:09 UTC``."""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%d %H:%M UTC")


def short(address: str) -> str:
    """An address shortened for a sentence: ``0xeD6e…D921``."""
    full = shown(address)
    return full if len(full) <= 14 else f"{full[:6]}…{full[-4:]}"


def usd(value: float) -> str:
    return f"{value:,.0f} USD"
