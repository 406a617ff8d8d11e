"""FIFO (first in, first out): payments spend the oldest funds received first.

Each receipt is a lot with its tainted fraction; a payment spends lots in the order they
arrived, and carries the taint of the lots it spends. A wallet that received clean funds, then
stolen ones, pays the clean ones out first.

Assumptions: wallets spend in arrival order, as FIFO accounting of a bank balance does (and as
courts have used, after Clayton's case); a balance from before the data is clean and spent first.
Known weakness: arrival order is a convention, not a fact of the chain. A launderer's payment
made just after stolen funds arrive is traced as clean when older clean funds sat in the wallet,
so FIFO can lose the stolen value at the first mixed wallet. Bitcoin transactions name the
coins they spend: there FIFO is a guess where the chain gives the answer.
"""

from __future__ import annotations

import numpy as np

from sever.trace.taint.ledger import Ledger


class Fifo:
    """Payments take the oldest receipts first; each receipt keeps its tainted fraction."""

    name = "fifo"

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.held = np.zeros(ledger.nodes)
        """Tainted amount still unspent per node."""
        self.lots: dict[int, list[list[float]]] = {}
        """node -> tainted lots [start, end, fraction] in the node's stream of receipts."""

    def take(self, i: int, node: int) -> float:
        """The taint of the slice of receipts this payment spends."""
        ledger = self.ledger
        paid = min(float(ledger.value[i]), ledger.balance_before[i])
        if paid <= 0:
            return 0.0
        start = ledger.consumed_before[i]
        end = start + paid
        moved, kept = 0.0, []
        for lot in self.lots.get(node, []):
            low, high, fraction = lot
            overlap = min(high, end) - max(low, start)
            if overlap > 0:
                moved += overlap * fraction
            if high > end:
                kept.append(lot)
        self.lots[node] = kept
        self.held[node] = sum((h - max(lo, end)) * f for lo, h, f in kept)
        return moved

    def give(self, i: int, node: int, amount: float) -> None:
        start = self.ledger.received_before[i]
        value = float(self.ledger.value[i])
        self.lots.setdefault(node, []).append([start, start + value, amount / value])
        self.held[node] += amount
