"""Haircut (proportional): every payment carries the tainted share of the sender's balance.

A wallet holding 10 ETH of which 4 are tainted sends 5 ETH: 2 tainted ETH go with it, and 2 of
its remaining 5 ETH stay tainted. Tainted value is conserved: what arrives at the endpoints and
what is still held add up to what left the sources (less what fell below the minimum followed).

Assumptions: funds in one holding are fungible, so every payment is a slice of the whole; a
balance from before the data is clean (see :mod:`sever.trace.taint.ledger`).
Known weakness: it dilutes. Through a busy pool (an exchange hot wallet, an unmatched mixer or
router) the stolen share becomes tiny and spreads over many innocent payouts; the minimum amount
bound then drops the dust. Leg matching (``--match-legs``) carries value through bridges, swaps
and mixers without pooling it; unmatched, a mixer's fixed denominations are at least kept apart
(a 10 ETH note never pays a 1 ETH withdrawal), but everyone in the same pool shares the taint.
"""

from __future__ import annotations

import numpy as np

from sever.trace.taint.ledger import Ledger


class Haircut:
    """Payments carry the tainted fraction of the sender's balance at the time."""

    name = "haircut"

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.held = np.zeros(ledger.nodes)
        """Tainted amount held per node (native units)."""

    def take(self, i: int, node: int) -> float:
        """The tainted share of a payment, taken out of the holding."""
        balance = self.ledger.balance_before[i]
        if balance <= 0:
            return 0.0
        paid = min(float(self.ledger.value[i]), balance)
        tainted = self.held[node]
        moved = paid * min(1.0, tainted / balance)
        self.held[node] = max(0.0, min(tainted - moved, balance - paid))
        return moved

    def give(self, i: int, node: int, amount: float) -> None:
        self.held[node] += amount
