"""Listed parties at work under other spellings, and payments around listed vessels.

Planted from the real lists (TYPOLOGIES.md sections B and C): a listed DPRK person or company
banks under a re-spelled name; ship managers in Hong Kong or Singapore take charter, bunkering and
insurance payments for a listed tanker named by its IMO number or a variant of its name.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from sever.simulate.plant import Plant
from sever.simulate.sanctioned import variant, vessel_variant
from sever.simulate.typologies.registry import typology

ALIAS_COUNTRIES = ("CN", "RU", "AE", "HK", "SG")
VESSEL_SERVICES = (
    ("charter hire", 80_000, 400_000),
    ("bunkering", 30_000, 250_000),
    ("P&I insurance premium", 10_000, 60_000),
    ("port agency fees", 5_000, 40_000),
    ("ship-to-ship transfer of refined petroleum", 200_000, 2_000_000),
)


def _usd(plant: Plant, low: float, high: float) -> float:
    return float(np.exp(plant.rng.uniform(np.log(low), np.log(high))))


@typology("sanctioned_alias", "sanctions", expected_tx=8, needs="persons")
def sanctioned_alias(plant: Plant) -> None:
    """A listed DPRK person or company banks and trades under a re-spelled name."""
    kind = (
        "persons"
        if plant.rng.random() < 0.6 or not plant.sanctioned.organizations
        else "organizations"
    )
    listed = plant.sanctioned.pick(plant.rng, kind)
    spelled = variant(listed, plant.rng)
    country = ALIAS_COUNTRIES[int(plant.rng.integers(0, len(ALIAS_COUNTRIES)))]
    if listed.schema == "Person":
        extra = {"birth_date": _listed_date(listed.birth_date)} if listed.birth_date else {}
        party = plant.person("sanctioned_party", country, name=spelled, **extra)
        account = plant.account(party, "sanctioned_account", country)
    else:
        party = plant.company("sanctioned_party", country, name=spelled, age_days=(200, 3000))
        account = plant.account(party, "sanctioned_account", country, kind="business")
    when = plant.start_second(120)
    for _ in range(int(plant.rng.integers(4, 12))):
        other = plant.legit("company")
        src, dst = (other, account) if plant.rng.random() < 0.5 else (account, other)
        when = plant.later(when, 12, 24 * 10)
        plant.pay(
            when,
            src,
            dst,
            _usd(plant, 3_000, 150_000),
            "sanctioned_party_payment",
            payment_format="swift",
            purpose="trade payment: machine tools",
            currency="USD",
        )
    plant.params.update(listed_id=listed.entity_id, listed_name=listed.name, spelled=spelled)


def _listed_date(text: str | None) -> date | None:
    """A listed birth date (``1960-01-01``), or None when only a year or nothing is known."""
    try:
        return date.fromisoformat(text[:10]) if text and len(text) >= 10 else None
    except ValueError:
        return None


@typology("ship_to_ship", "sanctions", expected_tx=8, needs="vessels")
def ship_to_ship(plant: Plant) -> None:
    """Charter, bunkering, insurance and ship-to-ship payments around a listed tanker."""
    vessel = plant.sanctioned.pick(plant.rng, "vessels")
    manager_country = "HK" if plant.rng.random() < 0.6 else "SG"
    manager = plant.company(
        "ship_manager", manager_country, industry="logistics", age_days=(30, 500)
    )
    manager_account = plant.account(
        manager, "ship_manager_account", manager_country, kind="business"
    )
    charterer = plant.company("charterer", "CN", industry="trading", age_days=(60, 900))
    charterer_account = plant.account(charterer, "charterer_account", "CN", kind="business")
    shown = vessel_variant(vessel.name, plant.rng) if plant.rng.random() < 0.4 else vessel.name
    when = plant.start_second(60)
    for _ in range(int(plant.rng.integers(4, 10))):
        service, low, high = VESSEL_SERVICES[int(plant.rng.integers(0, len(VESSEL_SERVICES)))]
        named = f"MV {shown}" if plant.rng.random() < 0.6 or not vessel.imo else f"IMO {vessel.imo}"
        if vessel.imo and plant.rng.random() < 0.5:
            named = f"MV {shown} (IMO {vessel.imo})"
        when = plant.later(when, 24, 24 * 8)
        if service in ("bunkering", "port agency fees") and plant.rng.random() < 0.5:
            src, dst = manager_account, plant.legit("company", "SG")
        else:
            src, dst = charterer_account, manager_account
        plant.pay(
            when,
            src,
            dst,
            _usd(plant, low, high),
            "vessel_payment",
            payment_format="swift",
            purpose=f"{service}: {named}",
            currency="USD",
        )
    plant.params.update(listed_id=vessel.entity_id, vessel=vessel.name, imo=vessel.imo, shown=shown)
