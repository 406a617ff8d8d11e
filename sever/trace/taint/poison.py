"""Poison: once an address has received any tainted funds, everything it sends is tainted.

Assumptions: no part of a tainted wallet can be told apart from the rest; a launderer's wallet is
dirty as a whole.
Known weakness: it over-reaches. One tainted cent makes a busy wallet's every payment tainted,
and through a pooled service (an unmatched mixer, a router) it taints everyone paid afterwards;
traced values add up to more than was stolen, so its shares are an upper bound, not an amount.
Use it to find every address that could hold stolen funds, not to say how much.
"""

from __future__ import annotations

import numpy as np

from sever.trace.taint.ledger import Ledger


class Poison:
    """Every payment of a poisoned holding carries its whole value."""

    name = "poison"

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.held = np.zeros(ledger.nodes)
        """1 for a poisoned holding, 0 otherwise."""

    def take(self, i: int, node: int) -> float:
        """The whole payment is tainted."""
        return float(self.ledger.value[i])

    def give(self, i: int, node: int, amount: float) -> None:
        self.held[node] = 1.0
