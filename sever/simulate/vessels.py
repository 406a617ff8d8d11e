"""Vessels named in payments: the legitimate fleet that logistics companies invoice for, and the
one way both legitimate and planted payments write a vessel.

Freight forwarders, warehouses and customs brokers name the ship an invoice is about ("vessel MV
Ocean Star (IMO 9321483)"); so do the ship managers paid around a listed DPRK tanker
(TYPOLOGIES.md C). Without legitimate ones, the word "vessel" in a payment would mark the planted
rows by itself (issue 8: no field value that only illicit rows have).
"""

from __future__ import annotations

import numpy as np

VESSEL_SHARE = 0.5
"""Share of payments to logistics companies that name the vessel they are for."""
FLEET = 3000
"""Vessels in the legitimate fleet of a world."""
_FIRST = [
    "Ocean",
    "Pacific",
    "Golden",
    "Eastern",
    "Star",
    "Sea",
    "Blue",
    "Jade",
    "Orient",
    "Harmony",
    "Fortune",
    "Lucky",
    "Grand",
    "Silver",
    "Morning",
    "Bright",
    "Pearl",
    "Asian",
    "Great",
    "Royal",
    "Sun",
    "Hai",
    "Xin",
    "Hong",
    "Cosco",
    "Ever",
    "Pan",
]
_SECOND = [
    "Star",
    "Glory",
    "Spirit",
    "Pioneer",
    "Trader",
    "Express",
    "Dragon",
    "Phoenix",
    "Venture",
    "Harvest",
    "Prosperity",
    "Wave",
    "Horizon",
    "Carrier",
    "Leader",
    "Success",
    "Unity",
    "Bay",
    "Peace",
    "Crown",
    "Hope",
    "Victory",
]


def imo_number(rng: np.random.Generator) -> str:
    """A seven-digit IMO ship number with a valid check digit (IMO resolution A.1078(28): the
    first six digits weighted 7 to 2, the sum's last digit is the seventh), starting with 7 to 9
    as those of most ships in service do."""
    digits = [int(rng.integers(7, 10)), *(int(d) for d in rng.integers(0, 10, 5))]
    check = sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return "".join(map(str, digits)) + str(check)


def fleet(rng: np.random.Generator, size: int = FLEET) -> list[tuple[str, str]]:
    """``size`` ordinary vessels: (name, IMO number)."""
    out = []
    for _ in range(size):
        first, second = rng.integers(0, len(_FIRST)), rng.integers(0, len(_SECOND))
        name = f"{_FIRST[int(first)]} {_SECOND[int(second)]}"
        if rng.random() < 0.4:
            name += f" {int(rng.integers(1, 30))}"
        out.append((name, imo_number(rng)))
    return out


def mention(rng: np.random.Generator, name: str, imo: str | None) -> str:
    """How an invoice names a vessel: its name, its IMO number, or both."""
    number = "".join(ch for ch in imo or "" if ch.isdigit())
    if not number:
        return f"vessel MV {name}"
    draw = rng.random()
    if draw < 0.5:
        return f"vessel MV {name} (IMO {number})"
    if draw < 0.8:
        return f"vessel MV {name}"
    return f"vessel IMO {number}"


def name_vessels(rng: np.random.Generator, purposes: np.ndarray, logistics: np.ndarray) -> None:
    """Name a vessel from the world's legitimate fleet in about half the payments to logistics
    companies (``logistics``: a mask over ``purposes``), in place."""
    chosen = np.flatnonzero(logistics & (rng.random(len(purposes)) < VESSEL_SHARE))
    if not len(chosen):
        return
    ships = fleet(np.random.default_rng(int(rng.integers(0, 2**31))))
    picks = rng.integers(0, len(ships), len(chosen))
    for at, pick in zip(chosen, picks, strict=True):
        name, imo = ships[int(pick)]
        purposes[at] = f"{purposes[at]}; {mention(rng, name, imo)}"
