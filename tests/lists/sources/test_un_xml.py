"""The UN Security Council consolidated XML parser, read against the real 2026-02-27 list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from followthemoney import EntityProxy

from sever.errors import InputError
from sever.lists.sources.base import ParsedList, ids_unique, sniff
from sever.lists.sources.un_xml import SOURCE

UN_FILE = "un/consolidated-2026-02-27.xml"


@pytest.fixture(scope="module")
def un_list(shared_data: Path) -> ParsedList:
    return SOURCE.parse([shared_data / UN_FILE])


@pytest.fixture(scope="module")
def by_id(un_list: ParsedList) -> dict[str, EntityProxy]:
    return {entity.id: entity for entity in un_list.entities}  # type: ignore[misc]


def parties(parsed: ParsedList) -> list[EntityProxy]:
    return [e for e in parsed.entities if e.schema.is_a("LegalEntity")]


def sanction_of(by_id: dict[str, EntityProxy], party_id: str) -> EntityProxy:
    return by_id[f"{party_id}-sanction"]


def documents_of(parsed: ParsedList, party_id: str) -> list[EntityProxy]:
    return [
        e
        for e in parsed.entities
        if e.schema.is_a("Identification") and party_id in e.get("holder")
    ]


def test_registered_under_its_dataset_with_the_official_https_url() -> None:
    assert (SOURCE.name, SOURCE.dataset) == ("un_xml", "un_sc_sanctions")
    (url,) = SOURCE.urls
    assert urlparse(url).scheme == "https"
    assert urlparse(url).hostname == "scsanctions.un.org"


def test_detects_the_format_from_content_not_file_name(shared_data: Path, tmp_path: Path) -> None:
    real = shared_data / UN_FILE
    assert SOURCE.detect(real, sniff(real))
    renamed = tmp_path / "list.txt"
    renamed.write_bytes(real.read_bytes()[:70000])
    assert SOURCE.detect(renamed, sniff(renamed))
    other = tmp_path / "consolidated.xml"
    other.write_text('<?xml version="1.0"?><Designations></Designations>')
    assert not SOURCE.detect(other, sniff(other))


def test_counts_individuals_and_entities(un_list: ParsedList) -> None:
    schemata = [p.schema.name for p in parties(un_list)]
    assert schemata.count("Person") == 730
    assert schemata.count("Organization") + schemata.count("Company") == 273
    assert sum(1 for e in un_list.entities if e.schema.name == "Sanction") == 1003
    assert ids_unique(un_list.entities)


def test_published_date_is_the_files_date_generated(un_list: ParsedList) -> None:
    assert un_list.published == date(2026, 2, 27)


def test_dprk_parties_split_into_kpi_and_kpe(un_list: ParsedList, by_id) -> None:
    dprk = [p for p in parties(un_list) if "UN-DPRK" in p.get("programId")]
    refs = [sanction_of(by_id, p.id).first("unscId") for p in dprk]
    assert len(dprk) == 155
    assert sum(ref.startswith("KPi.") for ref in refs) == 80
    assert sum(ref.startswith("KPe.") for ref in refs) == 75
    assert all(p.get("topics") == ["sanction"] for p in dprk)


def test_dprk_aliases_of_every_quality_are_kept(un_list: ParsedList) -> None:
    dprk = [p for p in parties(un_list) if "UN-DPRK" in p.get("programId")]
    names = sum(len(p.get(prop)) for p in dprk for prop in ("alias", "weakAlias", "previousName"))
    assert names == 214  # non-empty ALIAS_NAME values on the 155 DPRK parties in the raw file


def test_alias_quality_decides_the_property(by_id) -> None:
    assert by_id["unsc-6908640"].get("weakAlias") == ["Choe Sok Min"]  # KPi.064, QUALITY Low
    assert "LYONGAKSAN GENERAL TRADING CORPORATION" in by_id["unsc-690751"].get("previousName")


def test_komid_kpe_001(by_id) -> None:
    komid = by_id["unsc-690735"]
    assert komid.schema.name == "Company"
    assert komid.get("name") == ["KOREA MINING DEVELOPMENT TRADING CORPORATION"]
    assert "KOMID" in komid.get("alias")
    assert komid.get("country") == ["kp"]
    assert komid.get("address") == [
        "Central District, Pyongyang, Democratic People's Republic of Korea"
    ]
    sanction = sanction_of(by_id, komid.id)
    assert sanction.get("unscId") == ["KPe.001"]
    assert sanction.get("entity") == [komid.id]
    assert sanction.get("authority") == ["United Nations Security Council"]
    assert sanction.get("programId") == ["UN-DPRK"]
    assert sanction.get("listingDate") == ["2009-04-24"]
    assert sanction.get("recordId") == ["690735"]


def test_kpi_001_person_details(by_id) -> None:
    yun = by_id["unsc-690734"]
    assert yun.schema.name == "Person"
    assert yun.get("name") == ["YUN HO-JIN"]
    assert yun.get("alias") == ["Yun Ho-chin"]
    assert yun.get("birthDate") == ["1944-10-13"]
    assert yun.get("nationality") == ["kp"]
    assert yun.get("position") == ["Director of Namchongang Trading Corporation"]
    assert yun.get("programId") == ["UN-DPRK"]
    assert sanction_of(by_id, yun.id).get("listingDate") == ["2009-07-16"]


def test_between_birth_dates_give_both_years(by_id) -> None:
    assert sorted(by_id["unsc-6908643"].get("birthDate")) == ["1967", "1969"]  # KPi.066


def test_passports_with_exact_numbers(un_list: ParsedList, by_id) -> None:
    ra = by_id["unsc-690744"]  # KPi.008 RA KY'ONG-SU
    assert ra.get("passportNumber") == ["645120196"]
    (passport,) = documents_of(un_list, ra.id)
    assert passport.schema.name == "Passport"
    assert passport.id == "unsc-690744-doc-1"
    assert passport.get("number") == ["645120196"]
    assert passport.get("country") == ["kp"]


def test_one_passport_written_in_three_languages_is_one_document(un_list: ParsedList) -> None:
    (passport,) = documents_of(un_list, "unsc-690747")  # KPi.006 PAEK CHANG-HO
    assert passport.get("number") == ["381420754"]
    assert passport.get("startDate") == ["2011-12-07"]
    assert passport.get("summary") == ["Expires on 7 Dec. 2016"]


def test_a_note_written_inside_the_number_is_split_off(un_list: ParsedList, by_id) -> None:
    kim = by_id["unsc-6908498"]  # KPi.021
    assert sorted(kim.get("passportNumber")) == ["199421147", "381110042", "563210184"]
    notes = {d.first("number"): d.get("summary") for d in documents_of(un_list, kim.id)}
    assert notes["381110042"] == ["Expired 25 Jan. 2016"]


def test_national_id_numbers_become_identifications(un_list: ParsedList) -> None:
    ids = [e for e in un_list.entities if e.schema.name == "Identification"]
    assert ids
    holders = {e.first("holder") for e in ids}
    assert all(holder.startswith("unsc-") for holder in holders)
    assert all(e.first("number") for e in ids)


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "consolidated.xml"
    path.write_text(body, encoding="utf-8")
    return path


VALID = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>1</DATAID>
      <FIRST_NAME>KIM</FIRST_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      <REFERENCE_NUMBER>KPi.999</REFERENCE_NUMBER>
    </INDIVIDUAL>
  </INDIVIDUALS>
</CONSOLIDATED_LIST>
"""


def test_empty_file_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    with pytest.raises(InputError, match="empty") as err:
        SOURCE.parse([path])
    assert err.value.path == str(path)


def test_truncated_file_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, VALID[: VALID.index("KPi.999") + 3])
    with pytest.raises(InputError, match="malformed XML") as err:
        SOURCE.parse([path])
    assert err.value.path == str(path)
    assert err.value.row == 8


def test_wrong_root_element_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "<Designations><Designation/></Designations>")
    with pytest.raises(InputError, match="CONSOLIDATED_LIST") as err:
        SOURCE.parse([path])
    assert err.value.field == "Designations"
    assert err.value.row == 1


def test_an_individual_without_dataid_names_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("<DATAID>1</DATAID>", ""))
    with pytest.raises(InputError) as err:
        SOURCE.parse([path])
    assert (err.value.row, err.value.field) == (4, "DATAID")


def test_a_minimal_valid_file_parses(tmp_path: Path) -> None:
    parsed = SOURCE.parse([write(tmp_path, VALID)])
    assert [e.id for e in parsed.entities] == ["unsc-1", "unsc-1-sanction"]
    assert parsed.published == date(2026, 2, 27)
