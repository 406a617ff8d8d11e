"""Peel chains: long single-path sequences where each hop peels a small slice off (often to a
service) and forwards the rest to a fresh wallet (TYPOLOGIES.md D red flag 3)."""

from __future__ import annotations

from sever.trace.patterns.base import Flow, Pattern, short, usd

PEEL_MAX_SLICE = 0.25
"""The peeled slice is at most this share of what is forwarded."""
PEEL_MIN_HOPS = 3
"""Fewest peel steps in a row for a chain."""


def _steps(flow: Flow) -> dict[str, tuple[str, str, float, list[str]]]:
    """Wallets that sent traced value to exactly two receivers, one a small slice: wallet ->
    (next wallet, peel receiver, peeled dollars, transfer hashes)."""
    moves = flow.transfers
    pairs = moves.groupby(["src", "dst"], sort=False).tainted_usd.sum().reset_index()
    two = pairs[pairs.groupby("src").dst.transform("size") == 2].sort_values(["src", "tainted_usd"])
    small, large = two.iloc[0::2], two.iloc[1::2]
    peeling = (large.tainted_usd.to_numpy() > 0) & (
        small.tainted_usd.to_numpy() <= PEEL_MAX_SLICE * large.tainted_usd.to_numpy()
    )
    small, large = small[peeling], large[peeling]
    hashes = moves[moves.src.isin(small.src)].groupby("src").tx_hash.agg(list)
    return {
        str(s.src): (str(b.dst), str(s.dst), float(s.tainted_usd), hashes[s.src])
        for s, b in zip(small.itertuples(), large.itertuples(), strict=True)
    }


def peel_chains(flow: Flow) -> list[Pattern]:
    """Chains of at least :data:`PEEL_MIN_HOPS` peel steps, each forwarding to the next."""
    steps = _steps(flow)
    followers = {step[0] for step in steps.values()}
    found = []
    for head in steps:
        if head in followers:
            continue
        chain, wallet, seen = [], head, set()
        while wallet in steps and wallet not in seen:
            seen.add(wallet)
            chain.append(wallet)
            wallet = steps[wallet][0]
        if len(chain) < PEEL_MIN_HOPS:
            continue
        peels = [steps[w] for w in chain]
        peeled = sum(p[2] for p in peels)
        services = sorted({flow.tags.get(p[1]).service for p in peels if flow.tags.get(p[1])})
        to = f", peeled to {', '.join(services)}" if services else ""
        found.append(
            Pattern(
                "peel_chain",
                (*chain, wallet),
                tuple(h for p in peels for h in p[3]),
                peeled,
                f"peel chain of {len(chain)} hops from {short(head)} to {short(wallet)}: each "
                f"hop peeled a small slice ({usd(peeled)} in all{to}) and forwarded the rest to "
                "a fresh wallet",
                {"hops": len(chain), "peeled_usd": round(peeled, 2), "services": services},
            )
        )
    return found
