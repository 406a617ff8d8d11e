"""The OFAC legacy SDN CSV set, read from the real published files."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from followthemoney import EntityProxy
from followthemoney.types import registry

from sever.errors import InputError
from sever.lists.sources import SOURCES
from sever.lists.sources.base import ParsedList, ids_unique, sniff
from sever.lists.sources.ofac_csv import SOURCE, read_csv_set

DPRK_PROGRAMS = {"DPRK", "DPRK2", "DPRK3", "DPRK4", "DPRK-NKSPEA"}
PARTY_SCHEMATA = {"Person", "Organization", "Company", "Vessel", "Airplane"}


@pytest.fixture(scope="module")
def set_2021(shared_data: Path) -> list[Path]:
    return sorted((shared_data / "ofac" / "sdn-2021-07").glob("*.csv"))


@pytest.fixture(scope="module")
def parsed_2021(set_2021: list[Path]) -> ParsedList:
    return SOURCE.parse(set_2021)


@pytest.fixture(scope="module")
def sdn_2024(shared_data: Path) -> Path:
    return shared_data / "ofac" / "sdn-2024-05-03" / "sdn.csv"


@pytest.fixture(scope="module")
def parsed_2024(sdn_2024: Path) -> ParsedList:
    return SOURCE.parse([sdn_2024])


def by_id(parsed: ParsedList) -> dict[str, EntityProxy]:
    return {entity.id: entity for entity in parsed.entities}  # type: ignore[misc]


def parties(parsed: ParsedList) -> list[EntityProxy]:
    """Listed parties (``ofac-{ent_num}``), not the vessel owners made from Vess_owner."""
    return [
        e
        for e in parsed.entities
        if e.schema.name in PARTY_SCHEMATA and re.fullmatch(r"ofac-\d+", e.id or "")
    ]


def dprk_parties(parsed: ParsedList) -> list[EntityProxy]:
    return [e for e in parties(parsed) if DPRK_PROGRAMS & set(e.get("programId"))]


def wallets(parsed: ParsedList) -> list[EntityProxy]:
    return [e for e in parsed.entities if e.schema.name == "CryptoWallet"]


# --- registry and detection -------------------------------------------------------------------


def test_registered_with_official_urls() -> None:
    assert SOURCES["ofac_csv"] is SOURCE
    assert SOURCE.dataset == "us_ofac_sdn"
    assert SOURCE.urls[0].endswith("/exports/SDN.CSV")
    assert len(SOURCE.urls) == 4


def test_detects_every_file_of_the_set_by_content(set_2021: list[Path], tmp_path: Path) -> None:
    for path in set_2021:
        renamed = tmp_path / f"download-{path.stem}.bin"
        renamed.write_bytes(path.read_bytes()[:4096])
        assert SOURCE.detect(renamed, sniff(renamed)), path.name


def test_does_not_claim_consolidated_files_or_other_text(set_2021: list[Path], tmp_path: Path):
    sdn = next(p for p in set_2021 if p.name == "sdn.csv")
    assert not SOURCE.detect(Path("cons_prim.csv"), sniff(sdn))
    assert not SOURCE.detect(Path("sdn.csv"), b"id,schema,name\n1,Person,Kim\n")
    assert not SOURCE.detect(Path("sdn.csv"), b"")


# --- the 2021 set: all four files -----------------------------------------------------------


def test_2021_counts(parsed_2021: ParsedList) -> None:
    assert parsed_2021.dataset == "us_ofac_sdn" and parsed_2021.source == "ofac_csv"
    assert parsed_2021.published is None
    assert len(parties(parsed_2021)) == 8976
    assert len(dprk_parties(parsed_2021)) == 414
    assert ids_unique(parsed_2021.entities)
    sanctions = [e for e in parsed_2021.entities if e.schema.name == "Sanction"]
    assert len(sanctions) == 8976


def test_2021_every_alt_row_is_attached(set_2021: list[Path], parsed_2021: ParsedList) -> None:
    """Each alias is on its party, as FtM writes names (spaces collapsed, outer quotes gone)."""
    entities = by_id(parsed_2021)
    attached = Counter()
    for ent_num, _alt_num, alt_type, alt_name, _remarks in read_csv_set(set_2021).alt:
        prop = "previousName" if alt_type == "fka" else "alias"
        attached[registry.name.clean(alt_name) in entities[f"ofac-{ent_num}"].get(prop)] += 1
    assert attached == {True: 11910}


def test_2021_every_add_row_is_attached(set_2021: list[Path], parsed_2021: ParsedList) -> None:
    """Each of the 13,837 rows belongs to a listed party; the 2,397 rows whose fields are all
    ``-0-`` carry nothing, every other one is on its party as a one-line address."""
    entities = by_id(parsed_2021)
    attached = Counter()
    for ent_num, _add_num, street, city, country, _remarks in read_csv_set(set_2021).add:
        party = entities[f"ofac-{ent_num}"]
        line = ", ".join(part for part in (street, city, country) if part)
        attached["empty" if not line else registry.address.clean(line) in party.get("address")] += 1
    assert attached == {True: 13837 - 2397, "empty": 2397}


def test_2021_remark_continued_by_comments_file(parsed_2021: ParsedList) -> None:
    tian = by_id(parsed_2021)["ofac-28263"]
    [notes] = tian.get("notes")
    assert len(notes) > 1000 and notes.endswith("Linked To: LAZARUS GROUP.")
    assert tian.get("weakAlias")[-1:] == ["snowsjohn"]
    assert by_id(parsed_2021)["ofac-link-28263-27307"].get("role") == ["Linked To"]


def test_2021_addresses_give_countries(parsed_2021: ParsedList) -> None:
    bank = by_id(parsed_2021)["ofac-306"]  # BANCO NACIONAL DE CUBA
    assert "Zweierstrasse 35, Zurich CH-8022, Switzerland" in bank.get("address")
    assert "ch" in bank.get("country")


# --- the 2024 SDN.CSV alone -----------------------------------------------------------------


def test_2024_counts(parsed_2024: ParsedList) -> None:
    assert len(parties(parsed_2024)) == 14965
    dprk = Counter(e.schema.name for e in dprk_parties(parsed_2024))
    assert sum(dprk.values()) == 484
    assert dprk["Person"] == 164
    assert dprk["Organization"] + dprk["Company"] == 199
    assert (dprk["Vessel"], dprk["Airplane"]) == (105, 16)
    assert ids_unique(parsed_2024.entities)


def test_2024_wallets(sdn_2024: Path, parsed_2024: ParsedList) -> None:
    text = sdn_2024.read_text(encoding="cp1252")
    assert text.count("Digital Currency Address") == 295
    holdings = [(w.id, holder) for w in wallets(parsed_2024) for holder in w.get("holder")]
    assert len(holdings) == 288  # one XBT address is listed on two parties: 287 wallets
    assert len(wallets(parsed_2024)) == 287
    truncated = [w for w in parsed_2024.warnings if w.startswith("possibly truncated:")]
    assert len(truncated) == 7
    dprk_ids = {e.id for e in dprk_parties(parsed_2024)}
    assert not any(re.search(r"ent_num (\d+)", w)[1] in dprk_ids for w in truncated)  # type: ignore[index]
    assert sum(holder in dprk_ids for _, holder in holdings) == 69


def test_2024_truncation_warning_names_party_asset_and_partial_address(parsed_2024) -> None:
    assert (
        "possibly truncated: ent_num 39585 XBT address '1N6XqS' ends at the legacy CSV's "
        "1,000-character cut; no wallet made"
    ) in parsed_2024.warnings
    assert not any(
        w.id.endswith("-1n6xqs") or w.id.endswith("-1N6XqS") for w in wallets(parsed_2024)
    )


def test_lazarus_group_holds_its_eight_eth_addresses(parsed_2024: ParsedList) -> None:
    held = [w for w in wallets(parsed_2024) if "ofac-27307" in w.get("holder")]
    assert len(held) == 8
    assert {w.first("currencySymbol") for w in held} == {"ETH"}
    ronin = by_id(parsed_2024)["ofac-wallet-eth-0x098b716b8aaf21512996dc57eb0615e2383e2f96"]
    assert ronin.get("publicKey") == ["0x098B716B8Aaf21512996dC57EB0615e2383E2f96"]
    assert ronin.get("programId") == ["DPRK3"]
    assert ronin.get("topics") == ["sanction"]


@pytest.mark.parametrize("asset", ["ETH", "XBT"])
def test_every_listed_address_in_the_text_is_extracted_exactly(
    shared_data: Path, sdn_2024: Path, parsed_2024: ParsedList, asset: str
) -> None:
    listed = json.loads(
        (
            shared_data
            / "crypto"
            / "ofac-address-lists-2024-09-27"
            / f"sanctioned_addresses_{asset}.json"
        ).read_text()
    )
    text = sdn_2024.read_text(encoding="cp1252")
    present = {address for address in listed if address in text}
    extracted = {
        w.first("publicKey") for w in wallets(parsed_2024) if w.first("currencySymbol") == asset
    }
    assert len(present) > 40
    assert present <= extracted


def test_kim_jong_un(parsed_2024: ParsedList) -> None:
    kim = by_id(parsed_2024)["ofac-20157"]
    assert kim.schema.name == "Person"
    assert kim.get("name") == ["KIM, Jong Un"]
    assert (kim.get("lastName"), kim.get("firstName")) == (["KIM"], ["Jong Un"])
    assert kim.get("birthDate") == ["1984-01-08"]
    assert kim.get("title") == ["Chairman of the Workers' Party of Korea"]
    assert kim.get("programId") == ["DPRK3"]
    assert kim.get("topics") == ["sanction"]
    sanction = by_id(parsed_2024)["ofac-20157-sanction"]
    assert sanction.get("entity") == ["ofac-20157"]
    assert sanction.get("authority") == ["Office of Foreign Assets Control"]
    assert sanction.get("recordId") == ["20157"]
    assert sanction.get("country") == ["us"]


def test_foreign_trade_bank_swift_and_programs(parsed_2024: ParsedList) -> None:
    ftb = by_id(parsed_2024)["ofac-15603"]
    assert ftb.get("swiftBic") == ["FTBDKPPY"]
    assert sorted(ftb.get("programId")) == ["DPRK3", "NPWMD"]
    assert sorted(by_id(parsed_2024)["ofac-15603-sanction"].get("program")) == ["DPRK3", "NPWMD"]
    # KIM, Kyong Nam is Linked To the bank
    assert by_id(parsed_2024)["ofac-link-18554-15603"].get("object") == ["ofac-15603"]


def test_dprk_vessel(parsed_2024: ParsedList) -> None:
    ship = by_id(parsed_2024)["ofac-17069"]  # CHONG CHON GANG
    assert ship.schema.name == "Vessel"
    assert ship.get("imoNumber") == ["IMO7937317"]
    assert ship.get("type") == ["General Cargo"]
    assert ship.get("flag") == ["kp"]


def test_vessel_columns_and_owner(parsed_2024: ParsedList) -> None:
    entities = by_id(parsed_2024)
    tug = entities["ofac-4238"]  # MAR AZUL, owned by Samir de Navegacion S.A.
    assert (tug.get("callSign"), tug.get("grossRegisteredTonnage")) == (["CL2192"], ["212"])
    assert entities["ofac-4238-owner"].get("name") == ["Samir de Navegacion S.A."]
    ownership = entities["ofac-4238-ownership"]
    assert (ownership.get("owner"), ownership.get("asset")) == (["ofac-4238-owner"], ["ofac-4238"])


def test_passport_on_dprk_individual(parsed_2024: ParsedList) -> None:
    entities = by_id(parsed_2024)
    chu = entities["ofac-23014"]  # CHU, Hyo'k
    assert "836420186" in chu.get("passportNumber")
    passport = next(
        e
        for e in parsed_2024.entities
        if e.schema.name == "Passport"
        and e.get("holder") == ["ofac-23014"]
        and e.get("number") == ["836420186"]
    )
    assert passport.get("country") == ["kp"]
    assert (passport.get("startDate"), passport.get("endDate")) == (["2016-10-28"], ["2021-10-28"])


def test_dprk_aircraft(parsed_2024: ParsedList) -> None:
    plane = by_id(parsed_2024)["ofac-20540"]  # P-532, Air Koryo
    assert plane.schema.name == "Airplane"
    assert (plane.get("model"), plane.get("buildDate")) == (["AN24-RV"], ["1974"])


def test_company_schema_from_legal_form_or_registration(parsed_2024: ParsedList) -> None:
    entities = by_id(parsed_2024)
    assert entities["ofac-24518"].schema.name == "Company"  # ... TRADE CO., LTD.
    assert "312106037714354404" in entities["ofac-24518"].get("registrationNumber")
    assert entities["ofac-27307"].schema.name == "Organization"  # LAZARUS GROUP


def test_unresolved_links_are_warned(parsed_2021: ParsedList) -> None:
    assert "ent_num 18782: Linked To 'ROSTEC' is not listed" in parsed_2021.warnings


# --- bad input --------------------------------------------------------------------------------

GOOD_ROW = '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'


def write(tmp_path: Path, data: bytes | str, name: str = "sdn.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("cp1252") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    ("content", "row", "field", "words"),
    [
        ("", None, None, "empty"),
        ("\x1a", None, None, "empty"),
        ("The quick brown fox\r\njumps over the lazy dog\r\n", 1, None, "columns"),
        (
            GOOD_ROW + '173,"ANGLO-CARIBBEAN CO., LTD.",-0- ,"CUBA",-0- ,"-0- ,',
            2,
            None,
            "truncated",
        ),
        (GOOD_ROW + '173,"ANGLO-CARIBBEAN",-0- ,"CUBA"\r\n', 2, None, "expected 12 columns"),
        (GOOD_ROW + GOOD_ROW.replace("36,", "X36,"), 2, "ent_num", "must be a number"),
        (GOOD_ROW.encode("cp1252") + b'37,"\x81",' + b"-0- ," * 10, None, None, "undecodable"),
    ],
)
def test_bad_input_names_file_row_and_field(
    tmp_path: Path, content: str | bytes, row: int | None, field: str | None, words: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InputError) as error:
        SOURCE.parse([path])
    assert error.value.path == str(path)
    assert (error.value.row, error.value.field) == (row, field)
    assert words in error.value.message
    assert str(path) in str(error.value)


def test_alt_file_without_primary_is_an_input_error(set_2021: list[Path]) -> None:
    alt = next(p for p in set_2021 if p.name == "alt.csv")
    with pytest.raises(InputError, match="primary file"):
        SOURCE.parse([alt])


def test_eof_marker_and_crlf_are_ignored(tmp_path: Path) -> None:
    parsed = SOURCE.parse([write(tmp_path, GOOD_ROW + "\x1a")])
    assert [e.get("name") for e in parties(parsed)] == [["AEROCARIBBEAN AIRLINES"]]
