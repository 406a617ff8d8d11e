"""Front and shell companies in trade (TYPOLOGIES.md section B).

Recently formed companies that share directors, addresses, phones or e-mail; ownership chains that
add up to 50 % or more held by a designated party (OFAC's 50 % rule); trade payments for goods that
do not fit the payer's business, routed through a third country.
"""

from __future__ import annotations

import json

import numpy as np

from sever.simulate import names
from sever.simulate.plant import AccountRef, Plant
from sever.simulate.typologies.registry import typology

SHELL_COUNTRIES = ("CN", "HK", "HK", "VG", "MH", "SC")
TRANSIT_COUNTRIES = ("AE", "SG", "TH", "VN", "RU")
DISCHARGE_PORTS = (("Nampo", "KP"), ("Dalian", "CN"), ("Dandong", "CN"), ("Vladivostok", "RU"))


def _goods(plant: Plant, industry: str) -> str:
    goods = names.INDUSTRIES.get(industry, ("general goods",))
    return goods[int(plant.rng.integers(0, len(goods)))]


def _usd(plant: Plant, low: float, high: float) -> float:
    return float(np.exp(plant.rng.uniform(np.log(low), np.log(high))))


def _business_account(plant: Plant, party_id: str, role: str, country: str) -> AccountRef:
    bank_country = country if plant.world.banks_in(country) else "HK"
    return plant.account(party_id, role, bank_country, kind="business", opened_days_ago=(10, 300))


@typology("front_company", "front_companies", expected_tx=14)
def front_company(plant: Plant) -> None:
    """Recently formed companies sharing a director, address, phone or e-mail pay in circles."""
    count = int(
        plant.rng.integers(plant.scheme.front_companies[0], plant.scheme.front_companies[1] + 1)
    )
    nominee = plant.person("nominee_director", "CN", culture="chinese")
    shared_address = str(names.addresses(plant.rng, np.array(["HK"]))[0])
    shared_phone = str(names.phones(plant.rng, np.array(["HK"]))[0])
    domain = ("163.com", "qq.com", "proton.me")[int(plant.rng.integers(0, 3))]
    shared_email = f"admin{int(plant.rng.integers(10, 99))}@{domain}"
    companies = []
    for index in range(count):
        country = SHELL_COUNTRIES[int(plant.rng.integers(0, len(SHELL_COUNTRIES)))]
        extra: dict[str, object] = {
            "directors": [nominee],
            "owners": [{"owner_id": nominee, "share": 1.0}],
        }
        trait = index % 3
        extra["address" if trait == 0 else "phone" if trait == 1 else "email"] = (
            shared_address if trait == 0 else shared_phone if trait == 1 else shared_email
        )
        company = plant.company(
            "front_company", country, industry="trading", age_days=(20, 365), **extra
        )
        companies.append(_business_account(plant, company, "front_company_account", country))
    end_user = plant.company(
        "dprk_end_user", "CN", name=None, industry="trading", age_days=(100, 900)
    )
    end_account = _business_account(plant, end_user, "end_user_account", "CN")
    when = plant.start_second(30)
    amount = _usd(plant, 80_000, 900_000)
    goods = _goods(plant, "machinery")
    for src, dst in zip(companies, [*companies[1:], companies[0]], strict=True):
        when = plant.later(when, 6, 72)
        plant.pay(
            when,
            src,
            dst,
            amount,
            "layering",
            payment_format="swift",
            purpose=f"trade payment: {goods}",
            currency="USD",
        )
        amount *= plant.rng.uniform(0.96, 0.995)
    for src in companies:
        when = plant.later(when, 2, 48)
        plant.pay(
            when,
            src,
            end_account,
            amount / count,
            "payment_to_end_user",
            payment_format="swift",
            purpose=f"trade payment: {goods}",
            currency="USD",
        )
    plant.params.update(
        companies=count,
        nominee_director=nominee,
        shared=["address", "phone", "email"][: min(3, count)],
    )


def _designated(plant: Plant) -> tuple[str, dict[str, object]]:
    """The designated owner: a real listed DPRK organization where the lists are loaded."""
    listed = plant.sanctioned.pick(plant.rng, "organizations") if plant.sanctioned else None
    if listed is not None:
        party = plant.company(
            "designated_party",
            "KP",
            name=listed.name,
            industry="trading",
            age_days=(3000, 9000),
            party_type="designated",
        )
        return party, {"listed_id": listed.entity_id, "listed_name": listed.name}
    party = plant.company(
        "designated_party", "KP", industry="trading", age_days=(3000, 9000), party_type="designated"
    )
    return party, {"listed_id": None, "listed_name": plant.row(party)["name"]}


@typology("ownership_50pct", "front_companies", expected_tx=20)
def ownership_50pct(plant: Plant) -> None:
    """Companies blocked by OFAC's 50 % rule: owned directly, through a chain, or in aggregate."""
    designated, listed = _designated(plant)
    nominee = plant.person("nominee_owner", "CN", culture="chinese")
    direct = round(float(plant.rng.uniform(0.51, 0.8)), 2)
    holding = plant.company(
        "blocked_by_50pct",
        "HK",
        industry="trading",
        age_days=(200, 2000),
        directors=[nominee],
        owners=[
            {"owner_id": designated, "share": direct},
            {"owner_id": nominee, "share": round(1 - direct, 2)},
        ],
    )
    chain_share = round(float(plant.rng.uniform(0.5, 0.7)), 2)
    subsidiary = plant.company(
        "blocked_by_50pct",
        "CN",
        industry="trading",
        age_days=(100, 1500),
        directors=[nominee],
        owners=[
            {"owner_id": holding, "share": chain_share},
            {"owner_id": nominee, "share": round(1 - chain_share, 2)},
        ],
    )
    a = round(float(plant.rng.uniform(0.2, 0.35)), 2)
    b = round(float(plant.rng.uniform(max(0.5 - a, 0.15), 0.45)), 2)
    aggregate = plant.company(
        "blocked_by_50pct",
        "SG",
        industry="logistics",
        age_days=(100, 1500),
        directors=[nominee],
        owners=[
            {"owner_id": designated, "share": a},
            {"owner_id": holding, "share": b},
            {"owner_id": nominee, "share": round(1 - a - b, 2)},
        ],
    )
    accounts = [
        _business_account(plant, p, "blocked_account", c)
        for p, c in ((subsidiary, "CN"), (aggregate, "SG"), (holding, "HK"))
    ]
    when = plant.start_second(60)
    for _ in range(int(plant.rng.integers(12, 28))):
        own = accounts[int(plant.rng.integers(0, len(accounts)))]
        other = plant.legit("company")
        incoming = plant.rng.random() < 0.5
        src, dst = (other, own) if incoming else (own, other)
        plant.pay(
            plant.later(when, 0, 24 * 60),
            src,
            dst,
            _usd(plant, 5_000, 250_000),
            "blocked_party_payment",
            payment_format="swift",
            purpose=f"trade payment: {_goods(plant, 'logistics')}",
            currency="USD",
        )
    plant.params.update(
        designated=designated,
        **listed,
        direct_share=direct,
        chain_share=chain_share,
        aggregate_shares=[a, b],
        blocked=[holding, subsidiary, aggregate],
    )


@typology("trade_mismatch", "front_companies", expected_tx=8)
def trade_mismatch(plant: Plant) -> None:
    """Trade payments for goods that do not fit the payer's business, routed via a third country."""
    industry = ("software", "textiles", "food")[int(plant.rng.integers(0, 3))]
    payer = plant.company("front_company", "HK", industry=industry, age_days=(30, 400))
    payer_account = _business_account(plant, payer, "front_company_account", "HK")
    transit = TRANSIT_COUNTRIES[int(plant.rng.integers(0, len(TRANSIT_COUNTRIES)))]
    broker = plant.company("intermediary", transit, industry="trading", age_days=(30, 700))
    broker_account = _business_account(plant, broker, "intermediary_account", transit)
    third = plant.company("third_party_payer", "CN", industry="trading", age_days=(30, 700))
    third_account = _business_account(plant, third, "third_party_account", "CN")
    when = plant.start_second(90)
    shipments = []
    for _ in range(int(plant.rng.integers(4, 10))):
        goods = names.DUAL_USE_GOODS[int(plant.rng.integers(0, len(names.DUAL_USE_GOODS)))]
        ports = [p for p in DISCHARGE_PORTS if p[1] != transit]
        port, port_country = ports[int(plant.rng.integers(0, len(ports)))]
        src = third_account if plant.rng.random() < 0.3 else payer_account
        when = plant.later(when, 24, 24 * 12)
        purpose = f"trade payment: {goods}; port of discharge: {port}, {port_country}"
        plant.pay(
            when,
            src,
            broker_account,
            _usd(plant, 20_000, 600_000),
            "mismatched_trade_payment",
            payment_format="swift",
            purpose=purpose,
            currency="USD",
        )
        shipments.append({"goods": goods, "port": port})
    plant.params.update(payer_industry=industry, transit=transit, shipments=json.dumps(shipments))
