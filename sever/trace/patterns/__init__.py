"""Laundering patterns read off the traced flow, each named with its evidence.

Every detector is one module with one function that takes the traced flow and returns
:class:`Pattern` records; :data:`DETECTORS` lists them by name. Thresholds are named module
constants with the guidance they come from (TYPOLOGIES.md section D).
"""

from __future__ import annotations

import pandas as pd

from sever.trace.patterns.base import Flow, Pattern
from sever.trace.patterns.fans import consolidations, splits
from sever.trace.patterns.peel import peel_chains
from sever.trace.patterns.services import cash_outs, service_hops

DETECTORS = {
    "split": splits,
    "consolidation": consolidations,
    "peel_chain": peel_chains,
    "service_hop": service_hops,
    "cash_out": cash_outs,
}
"""Pattern detectors by name, in the order their findings are reported."""


def find_patterns(flow: Flow) -> list[Pattern]:
    """Every pattern every detector finds in the traced flow."""
    return [pattern for detect in DETECTORS.values() for pattern in detect(flow)]


def patterns_table(patterns: list[Pattern]) -> pd.DataFrame:
    """Patterns as rows (for ``--json`` and the flow view)."""
    return pd.DataFrame([p.to_dict() for p in patterns])


__all__ = ["DETECTORS", "Flow", "Pattern", "find_patterns", "patterns_table"]
