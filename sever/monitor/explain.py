"""Evidence in words: what the rule measured, and the money it saw, as an analyst would write it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sever.alerts import Reason

EDGES_SHOWN = 5


def money(amount: float) -> str:
    return f"{amount:,.2f} USD"


def day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "?"


def describe(
    rule_id: str,
    description: str,
    focus: str,
    reasons: Sequence[Reason],
    edges: Sequence[dict],
    accounts: Sequence[str],
    amount: float,
    start: datetime | None,
    end: datetime | None,
    *,
    thresholds: str = "",
) -> str:
    """One paragraph: the finding, each condition with its number, the largest payments, and
    which thresholds raised it (``thresholds``: the settings' id and where they came from)."""
    held = "; ".join(reason.sentence() for reason in reasons)
    lines = [
        f"{rule_id} on account {focus}: {description}",
        f"Why: {held}.",
        f"{len(edges)} payment(s) totalling {money(amount)} among {len(accounts)} account(s), "
        f"from {day(start)} to {day(end)}.",
    ]
    largest = sorted(edges, key=lambda e: (-e["amount_usd"], e["tx_id"]))[:EDGES_SHOWN]
    if largest:
        shown = "; ".join(
            f"{e['src_account']} → {e['dst_account']} {money(e['amount_usd'])} on "
            f"{day(e['timestamp'])} ({e['tx_id']})"
            for e in largest
        )
        more = len(edges) - len(largest)
        lines.append(f"Largest: {shown}" + (f"; and {more} more." if more > 0 else "."))
    if thresholds:
        lines.append(f"Thresholds: {thresholds}.")
    return " ".join(lines)
