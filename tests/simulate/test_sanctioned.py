"""Listed parties are re-spelled as they are in the wild, and keep their identifiers."""

from __future__ import annotations

import numpy as np
import pytest
from followthemoney import model

from sever.simulate.sanctioned import (
    SURNAME_VARIANTS,
    Listed,
    company_variant,
    person_variant,
    pool_from_entities,
    variant,
    vessel_variant,
)


@pytest.mark.parametrize(
    "name",
    ["KIM, Yong Chol", "RI, Hong-Sop", "PAK Chol Su", "CHOE Song Il", "JONG Myong Hak"],
)
def test_person_variants_are_close_but_different(name: str) -> None:
    rng = np.random.default_rng(1)
    spellings = {person_variant(name, rng) for _ in range(30)}
    assert len(spellings) >= 4, "several spellings, not one"
    surname = name.replace(",", " ").split()[0].title()
    (group,) = [{s.lower() for s in g} for g in SURNAME_VARIANTS if surname in g]
    for spelled in spellings:
        assert set(spelled.lower().split()) & group, f"{spelled!r} keeps a spelling of {surname}"
        given = name.replace(",", " ").split()[1:]
        assert given[0][0].lower() in spelled.lower()


def test_romanization_variants_appear() -> None:
    rng = np.random.default_rng(2)
    spellings = " ".join(person_variant("KIM, Yong Chol", rng) for _ in range(60))
    assert "Gim" in spellings or "Ghim" in spellings
    assert "Young" in spellings or "Yeong" in spellings
    assert "-" in spellings, "given-name syllables are sometimes hyphenated"


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("KOREA KWANGSON BANKING CORPORATION", ("corp",)),
        ("CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY LIMITED", ("co", "ltd")),
        ("KOREA MINING DEVELOPMENT TRADING CORPORATION", ("corp",)),
    ],
)
def test_company_variants_change_the_legal_form(name: str, forms: tuple[str, ...]) -> None:
    rng = np.random.default_rng(3)
    spelled = company_variant(name, rng)
    assert spelled.lower() != name.lower()
    assert any(f in spelled.lower() for f in forms)


def test_vessel_variants_keep_the_name_recognisable() -> None:
    rng = np.random.default_rng(4)
    spellings = {vessel_variant("CHON MA SAN", rng) for _ in range(10)}
    assert spellings & {"Chonma SAN", "Chonma San", "Chon-Ma-San"}


def test_variant_avoids_the_listed_spellings() -> None:
    listed = Listed("x", "Person", "KIM Jong Un", aliases=("KIM Jong-un",))
    rng = np.random.default_rng(5)
    for _ in range(20):
        assert variant(listed, rng).lower() not in {"kim jong un", "kim jong-un"}


def test_pool_sorts_ftm_entities_and_keeps_identifiers() -> None:
    person = model.make_entity("Person")
    person.id = "p1"
    person.add("name", "RI Hong-Sop")
    vessel = model.make_entity("Vessel")
    vessel.id = "v1"
    vessel.add("name", "CHON MA SAN")
    vessel.add("imoNumber", "IMO8660313")
    wallet = model.make_entity("CryptoWallet")
    wallet.id = "w1"
    wallet.add("publicKey", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96")
    wallet.add("currencySymbol", "ETH")
    wallet.add("holder", "o1")
    org = model.make_entity("Organization")
    org.id = "o1"
    org.add("name", "LAZARUS GROUP")
    pool = pool_from_entities([org, person, vessel, wallet])
    assert pool.summary() == {"persons": 1, "organizations": 1, "vessels": 1, "wallets": 1}
    assert pool.vessels[0].imo == "IMO8660313"
    assert pool.wallets[0] == ("0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "ETH", "o1")


def test_listed_wallets_are_the_theft_receivers(world) -> None:
    import json

    schemes = world["labels/schemes"].query("typology == 'crypto_laundering'")
    params = [json.loads(p) for p in schemes["params"]]
    if not any(p["listed_holder"] for p in params):
        pytest.skip("no DPRK-attributed wallets in the store")
    wallets = world["labels/wallets"].query("role == 'theft_receiver'")
    assert {p["attacker"] for p in params} <= set(wallets["address"])
