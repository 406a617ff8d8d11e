"""A load never leaves the store serving less than the user thinks.

Cut official files, official lists that would lose most of their entities, watchlists named like an
official list, and entries past the name limits are refused with the reason; the snapshot in
service stays as it was, and Lazarus Group (``ofac-27307``) is still found with its wallets.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from sever.entities import Store
from sever.entities.limits import MAX_NAME_CHARS, MAX_NAMES_PER_ENTITY
from sever.errors import InputError, SeverError
from sever.home import Home
from sever.lists import load_files
from sever.lists.guard import MAX_SHRINK_PERCENT, ShrinkError, check_dataset_name
from sever.lists.sources import SOURCES

LAZARUS = "ofac-27307"


def served(home: Home) -> dict[str, int]:
    """Entities in service per dataset."""
    with Store.open(home, read_only=True) as store:
        return {dataset: store.count(dataset) for dataset in store.datasets()}


def assert_lazarus_still_served(home: Home) -> None:
    with Store.open(home, read_only=True) as store:
        lazarus = store.get(LAZARUS)
        assert lazarus is not None and lazarus.caption == "LAZARUS GROUP"
        wallets = [
            w
            for w in store.iter_entities("us_ofac_sdn", schemata=["CryptoWallet"])
            if LAZARUS in w.get("holder")
        ]
        assert len(wallets) == 8


def watchlist(tmp_path: Path, entities: list[dict], name: str = "mine.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    return path


PAK = {"id": "wl-pak", "schema": "Person", "properties": {"name": ["Pak Chol Su"]}}


# --- cut official files -----------------------------------------------------------------------


def test_a_truncated_sdn_csv_is_refused_and_lazarus_is_still_served(
    loaded_home: Home, tmp_path: Path, shared_data: Path
) -> None:
    before = served(loaded_home)
    lines = (shared_data / "ofac/sdn-2024-05-03/sdn.csv").read_bytes().split(b"\n")
    cut = tmp_path / "t.csv"
    cut.write_bytes(b"\n".join(lines[:5000]) + b"\n")  # head -n 5000 sdn.csv
    with pytest.raises(InputError, match=r"0x1A.*cut short.*partial list") as error:
        load_files(loaded_home, [cut])
    assert str(cut) in str(error.value) and "row 5000" in str(error.value)
    assert served(loaded_home) == before
    assert_lazarus_still_served(loaded_home)


def test_alias_rows_naming_parties_missing_from_the_primary_file_are_refused(
    home: Home, tmp_path: Path, shared_data: Path
) -> None:
    folder = shared_data / "ofac/sdn-2021-07"
    primary = (folder / "sdn.csv").read_bytes().split(b"\r\n")
    cut = tmp_path / "sdn.csv"
    cut.write_bytes(b"\r\n".join(primary[:100]) + b"\r\n\x1a")  # marker added back by hand
    with pytest.raises(InputError, match=r"refer to ent_nums missing from sdn\.csv") as error:
        load_files(home, [cut, folder / "alt.csv"])
    assert "alt.csv" in str(error.value)
    assert not home.store_path.exists() or not served(home)


UN_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
UN_PERSON = "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>KIM</FIRST_NAME></INDIVIDUAL>"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            '<CONSOLIDATED_LIST dateGenerated="2026-03-01T00:00:00Z">'
            "<INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>",
            "no INDIVIDUAL or ENTITY record",
        ),
        (
            f"<CONSOLIDATED_LIST><INDIVIDUALS>{UN_PERSON}</INDIVIDUALS><ENTITIES/>"
            "</CONSOLIDATED_LIST>",
            "dateGenerated",
        ),
        (
            f'<CONSOLIDATED_LIST dateGenerated="2026-02-31"><INDIVIDUALS>{UN_PERSON}'
            "</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>",
            "dateGenerated",
        ),
        (
            f'<CONSOLIDATED_LIST dateGenerated="2026-03-01"><INDIVIDUALS>{UN_PERSON}'
            "</INDIVIDUALS></CONSOLIDATED_LIST>",
            "no <ENTITIES> section",
        ),
    ],
)
def test_a_un_list_without_its_stamp_or_records_is_refused(
    loaded_home: Home, tmp_path: Path, body: str, reason: str
) -> None:
    before = served(loaded_home)
    path = tmp_path / "consolidated.xml"
    path.write_text(UN_HEAD + body, encoding="utf-8")
    with pytest.raises(InputError, match=reason):
        load_files(loaded_home, [path])
    assert served(loaded_home) == before


@pytest.mark.parametrize(
    ("source", "body", "reason"),
    [
        (
            "eu_xml",
            '<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-08-05"/>',
            "no <sanctionEntity> record",
        ),
        ("uk_fcdo", "<Designations><DateGenerated>01/09/2026</DateGenerated></Designations>", "no"),
        (
            "ofac_xml",
            '<Sanctions xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview'
            '/exports/ADVANCED_XML"><DateOfIssue><Year>2026</Year><Month>1</Month><Day>2</Day>'
            "</DateOfIssue></Sanctions>",
            "no <DistinctParty> record",
        ),
    ],
)
def test_other_official_lists_with_no_records_are_refused(
    home: Home, tmp_path: Path, source: str, body: str, reason: str
) -> None:
    path = tmp_path / f"{source}.xml"
    path.write_text(UN_HEAD + body, encoding="utf-8")
    assert SOURCES[source].detect(path, path.read_bytes())
    with pytest.raises(InputError, match=reason):
        load_files(home, [path])


# --- shrinking ------------------------------------------------------------------------------


def test_a_load_removing_more_than_the_set_share_is_refused_unless_allowed(
    loaded_home: Home, shared_data: Path
) -> None:
    older = shared_data / "ofac/sdn-2022-04-12/sdn.csv"
    before = served(loaded_home)
    with pytest.raises(ShrinkError) as error:
        load_files(loaded_home, [older])
    message = str(error.value)
    assert "would remove 20,843 of 49,697 entities (41.9 %)" in message
    assert f"{MAX_SHRINK_PERCENT:g} %" in message and "--allow-shrink" in message
    assert served(loaded_home) == before
    assert_lazarus_still_served(loaded_home)
    [snapshot] = load_files(loaded_home, [older], max_shrink=50.0)
    assert snapshot.published is not None and snapshot.published.isoformat() == "2022-04-12"


def test_allow_shrink_loads_a_list_that_really_shrank(home: Home, tmp_path: Path) -> None:
    two = {"id": "wl-kim", "schema": "Person", "properties": {"name": ["Kim Su Il"]}}
    load_files(home, [watchlist(tmp_path, [PAK, two])], dataset="mine")
    with pytest.raises(ShrinkError, match=r"remove 1 of 2 entities \(50\.0 %\)"):
        load_files(home, [watchlist(tmp_path, [PAK], "v2.jsonl")], dataset="mine")
    assert served(home) == {"mine": 2}
    load_files(home, [watchlist(tmp_path, [PAK], "v2.jsonl")], dataset="mine", allow_shrink=True)
    assert served(home) == {"mine": 1}


# --- dataset names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["", "../../x", "my list", 'x"y', "x'y", "Mine", "1list", "x" * 4000, "é"]
)
def test_dataset_names_must_be_slugs(name: str) -> None:
    with pytest.raises(SeverError, match="lower-case letter, then up to 63") as error:
        check_dataset_name(name)
    assert len(str(error.value)) < 400


@pytest.mark.parametrize(
    "name",
    ["us_ofac_sdn", "us_ofac_cons", "un_sc_sanctions", "eu_fsf", "gb_fcdo_sanctions", "default",
     "dprk"],
)  # fmt: skip
def test_official_and_scope_names_are_reserved(
    loaded_home: Home, tmp_path: Path, name: str
) -> None:
    before = served(loaded_home)
    with pytest.raises(SeverError, match="reserved"):
        load_files(loaded_home, [watchlist(tmp_path, [PAK])], dataset=name)
    assert served(loaded_home) == before


def test_a_valid_name_is_accepted() -> None:
    assert check_dataset_name("bank_watchlist_2") == "bank_watchlist_2"


# --- entity limits ----------------------------------------------------------------------------


def test_a_watchlist_entry_with_a_1_mb_name_is_refused_naming_the_entry(
    loaded_home: Home, tmp_path: Path
) -> None:
    before = served(loaded_home)
    huge = {"id": "wl-huge", "schema": "Person", "properties": {"alias": ["A" * 1_000_000]}}
    path = watchlist(tmp_path, [PAK, huge])
    with pytest.raises(InputError) as error:
        load_files(loaded_home, [path], dataset="mine")
    message = str(error.value)
    assert (error.value.row, error.value.field) == (2, "alias")
    assert "'wl-huge'" in message and "1,000,000 characters" in message
    assert f"{MAX_NAME_CHARS:,}" in message
    assert served(loaded_home) == before


def test_an_entity_with_100k_names_is_refused_quickly(home: Home, tmp_path: Path) -> None:
    many = {
        "id": "wl-many",
        "schema": "Person",
        "properties": {"name": [f"Name {i}" for i in range(100_000)]},
    }
    path = watchlist(tmp_path, [many])
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"100,000 names; the limit is 200") as error:
        load_files(home, [path], dataset="mine")
    # Building the entity first would take minutes (FtM's add is quadratic in values).
    assert time.perf_counter() - started < 10
    assert error.value.row == 1


def test_an_official_entry_past_the_limits_is_refused_naming_the_entity(
    home: Home, tmp_path: Path
) -> None:
    long_name = "X" * (MAX_NAME_CHARS + 1)
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes(
        f'36,"{long_name}",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a'.encode()
    )
    with pytest.raises(InputError, match=r"'ofac-36' has a name of 501 characters") as error:
        load_files(home, [sdn])
    assert error.value.field == "name"


def test_an_alias_file_with_too_many_aliases_for_one_party_is_refused(
    home: Home, tmp_path: Path
) -> None:
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes(b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
                    b"-0- ,-0- \r\n\x1a")  # fmt: skip
    alt = tmp_path / "alt.csv"
    rows = [f'36,{i},"aka","NAME {i}",-0- ' for i in range(MAX_NAMES_PER_ENTITY + 5)]
    alt.write_bytes(("\r\n".join(rows) + "\r\n\x1a").encode())
    with pytest.raises(InputError, match=r"ent_num 36 has more than 200 aliases") as error:
        load_files(home, [sdn, alt])
    assert error.value.row == MAX_NAMES_PER_ENTITY + 1
