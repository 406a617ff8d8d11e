"""Service hops (traced value into and out of mixers, bridges and swaps, TYPOLOGIES.md D red
flags 4 and 5) and cash-out endpoints (exchanges and OTC desks that received traced value)."""

from __future__ import annotations

import pandas as pd

from sever.trace.patterns.base import Flow, Pattern, short, usd, when
from sever.trace.tags import ABSORBING, PASS_THROUGH

_HOP_WORDS = {
    "mixer": "mixer",
    "bridge": "bridge",
    "swap": "swap",
    "defi": "DeFi protocol",
}


def service_hops(flow: Flow) -> list[Pattern]:
    """Per service and direction: traced value paid into or out of a mixer, bridge or swap;
    matched legs (same value in and out) are counted as such."""
    found = []
    moves = flow.transfers
    for side, column in (("in", "dst"), ("out", "src")):
        hops = _tagged(flow, moves, column, PASS_THROUGH)
        for (service, kind), part in hops.groupby(["service", "category"]):
            matched = int((part.match_kind != "").sum())
            total = float(part.tainted_usd.sum())
            word = _HOP_WORDS[str(kind)]
            direction = "into" if side == "in" else "out of"
            found.append(
                Pattern(
                    f"{kind}_{side}",
                    tuple(sorted(set(part.src) | set(part.dst))),
                    tuple(part.tx_hash),
                    total,
                    f"{usd(total)} of traced value went {direction} the {word} {service} in "
                    f"{len(part)} transfers between {when(part.seconds.min())} and "
                    f"{when(part.seconds.max())}"
                    + (
                        f"; {matched} matched to the other leg by time and value" if matched else ""
                    ),
                    {"service": str(service), "transfers": len(part), "matched": matched},
                )
            )
    return found


def cash_outs(flow: Flow) -> list[Pattern]:
    """Per exchange or OTC desk: the deposit addresses that received traced value."""
    found = []
    moves = flow.transfers
    ends = _tagged(flow, moves, "dst", ABSORBING)
    for service, part in ends.groupby("service"):
        addresses = sorted(set(part.dst))
        total = float(part.tainted_usd.sum())
        named = ", ".join(short(a) for a in addresses[:5]) + (" …" if len(addresses) > 5 else "")
        found.append(
            Pattern(
                "cash_out",
                tuple(addresses),
                tuple(part.tx_hash),
                total,
                f"{usd(total)} of traced value reached {service} through {len(addresses)} "
                f"address(es) ({named}) between {when(part.seconds.min())} and "
                f"{when(part.seconds.max())}: a freeze request to {service} can hold it",
                {"service": str(service), "addresses": len(addresses), "transfers": len(part)},
            )
        )
    return found


def _tagged(
    flow: Flow, moves: pd.DataFrame, column: str, categories: frozenset[str]
) -> pd.DataFrame:
    """The transfers whose ``column`` address is tagged in ``categories``, with the tag's
    service and category."""
    found = [flow.tags.get(a) for a in moves[column]]
    keep = [t is not None and t.category in categories for t in found]
    return moves[keep].assign(
        service=[t.service for t, k in zip(found, keep, strict=True) if k],
        category=[t.category for t, k in zip(found, keep, strict=True) if k],
    )
