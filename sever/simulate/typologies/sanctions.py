"""Listed parties at work under other spellings, and payments around listed vessels.

Planted from the real lists (TYPOLOGIES.md sections B and C): a listed DPRK person or company
banks under a re-spelled name (an existing customer's record carries it); ship managers in Hong
Kong or Singapore take charter, bunkering and insurance payments for a listed tanker named by its
IMO number or a variant of its name in otherwise ordinary invoices.
"""

from __future__ import annotations

from datetime import date

from sever.simulate.plant import Plant, _goods_of
from sever.simulate.sanctioned import variant, vessel_variant
from sever.simulate.typologies.registry import typology
from sever.simulate.vessels import mention

ALIAS_COUNTRIES = ("CN", "RU", "AE", "HK", "SG")
VESSEL_SERVICES = (
    ("charter hire", 80_000, 400_000),
    ("bunkering", 30_000, 250_000),
    ("P&I insurance premium", 10_000, 60_000),
    ("port agency fees", 5_000, 40_000),
    ("ship-to-ship transfer of refined petroleum", 200_000, 2_000_000),
)


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
    holder = "person" if listed.schema == "Person" else "company"
    account = plant.recruit(
        "sanctioned_account", holder, country=country, party_role="sanctioned_party"
    )
    changes: dict[str, object] = {"name": spelled}
    born = _listed_date(listed.birth_date) if holder == "person" else None
    if born:
        changes["birth_date"] = born
    plant.update_party(account, **changes)
    usd = plant.scheme.mule_usd if holder == "person" else plant.scheme.flow_usd
    when = plant.start_second(120)
    for _ in range(int(plant.rng.integers(4, 12))):
        other = plant.legit(holder, account.country if plant.rng.random() < 0.8 else None)
        src, dst = (other, account) if plant.rng.random() < 0.5 else (account, other)
        when = plant.pay(
            src,
            dst,
            plant.amount(usd),
            "sanctioned_party_payment",
            earliest=plant.later(when, 12, 24 * 10),
        )
    plant.params.update(
        listed_id=listed.entity_id,
        listed_name=listed.name,
        spelled=spelled,
        party_id=account.holder_id,
    )


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
    manager = plant.recruit(
        "ship_manager_account",
        "company",
        party_role="ship_manager",
        country="HK" if plant.rng.random() < 0.6 else "SG",
    )
    charterer = plant.recruit("charterer_account", "company", party_role="charterer", country="CN")
    shown = vessel_variant(vessel.name, plant.rng) if plant.rng.random() < 0.4 else vessel.name
    when = plant.start_second(60)
    for _ in range(int(plant.rng.integers(4, 10))):
        service, low, high = VESSEL_SERVICES[int(plant.rng.integers(0, len(VESSEL_SERVICES)))]
        if service in ("bunkering", "port agency fees") and plant.rng.random() < 0.5:
            src, dst = manager, plant.legit("company", "SG")
        else:
            src, dst = charterer, manager
        goods = f"{_goods_of(plant.rng, 'logistics')}; {mention(plant.rng, shown, vessel.imo)}"
        when = plant.pay(
            src,
            dst,
            plant.amount((low, high)),
            "vessel_payment",
            earliest=plant.later(when, 24, 24 * 8),
            goods=goods,
        )
        plant.params.setdefault("services", []).append(service)
    plant.params.update(listed_id=vessel.entity_id, vessel=vessel.name, imo=vessel.imo, shown=shown)
