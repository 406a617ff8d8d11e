"""The dprk scope: DPRK programs, ties to North Korea, and what is linked to them."""

from __future__ import annotations

from followthemoney import model

from sever.entities import Store
from sever.home import Home
from sever.lists.scope import dprk_ids, dprk_reason, is_dprk_program


def make(schema: str, entity_id: str, **props: str):
    entity = model.make_entity(schema)
    entity.id = entity_id
    for prop, value in props.items():
        entity.add(prop, value)
    return entity


def test_dprk_program_codes() -> None:
    for code in ("DPRK", "DPRK2", "DPRK3", "DPRK4", "DPRK-NKSPEA", "UN-DPRK"):
        assert is_dprk_program(code), code
    for code in ("SDGT", "NPWMD", "CYBER2", "IRAN", "RUSSIA-EO14024"):
        assert not is_dprk_program(code), code


def test_why_an_entity_is_tied_to_north_korea() -> None:
    assert dprk_reason(make("Person", "a", programId="DPRK3")) == "listed under DPRK3"
    npwmd = make("Person", "b", programId="NPWMD", nationality="Korea, North")
    assert dprk_reason(npwmd) == "nationality is North Korea"
    office = make("Organization", "c", programId="NPWMD", address="Pyongyang, Korea, North")
    assert "address in North Korea" in (dprk_reason(office) or "")
    assert dprk_reason(make("Person", "d", programId="SDGT", nationality="Iran")) is None


def test_linked_entities_join_the_scope_and_unrelated_ones_do_not() -> None:
    party = make("Organization", "p", programId="DPRK3", name="LAZARUS GROUP")
    wallet = make("CryptoWallet", "w", holder="p", publicKey="0xabc")
    friend = make("Organization", "f", programId="CYBER2", name="Friend")
    link = make("UnknownLink", "l", subject="f", object="p")
    stranger = make("Person", "s", programId="SDGT", name="Someone")
    assert dprk_ids([party, wallet, friend, link, stranger]) == {"p", "w", "f", "l"}


def test_the_built_in_snapshot_dprk_scope(loaded_home: Home) -> None:
    with Store.open(loaded_home, read_only=True) as store:
        parties = store.sql(
            """SELECT count(*) FROM entities e JOIN current_snapshots c USING (snapshot_id)
               WHERE dprk AND schema IN ('Person','Organization','Company','Vessel','Airplane')
               AND c.dataset = 'us_ofac_sdn'"""
        )[0][0]
        names = {e.caption for e in store.iter_entities("dprk")}
    # 484 under DPRK programs, plus NPWMD/CYBER parties tied to North Korea and linked parties.
    assert parties > 484
    assert {"LAZARUS GROUP", "KOREA MINING DEVELOPMENT TRADING CORPORATION"} <= names
    assert "BANCO NACIONAL DE CUBA" not in names
