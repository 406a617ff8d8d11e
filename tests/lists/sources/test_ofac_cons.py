"""OFAC's consolidated non-SDN list: the SDN set's layout under ``cons_*`` names."""

from __future__ import annotations

from pathlib import Path

import pytest

from sever.errors import InputError
from sever.lists.sources import SOURCES
from sever.lists.sources.base import sniff
from sever.lists.sources.ofac_cons import SOURCE

CONS_PRIM = (
    '9001,"EXAMPLE TRADING CO., LTD.",-0- ,"NS-MBS] [CAATSA - RUSSIA",-0- ,-0- ,-0- ,-0- ,-0- ,'
    '-0- ,-0- ,"Tax ID No. 7701234567 (Russia); Digital Currency Address - ETH '
    '0x098B716B8Aaf21512996dC57EB0615e2383E2f96; Linked To: PETROV, Ivan."\r\n'
    '9002,"PETROV, Ivan","individual","NS-MBS",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    '"DOB 01 Feb 1970; nationality Russia; Gender Male."\r\n\x1a'
)
CONS_ALT = '9001,501,"fka","OLD EXAMPLE CO.",-0- \r\n9002,502,"aka","PETROV, Ivan I.",-0- \r\n'
CONS_ADD = '9001,601,"1 Example St","Moscow 101000","Russia",-0- \r\n'
CONS_COMMENTS = '9002,"ctive"\r\n'


@pytest.fixture()
def cons_set(tmp_path: Path) -> list[Path]:
    files = {
        "cons_prim.csv": CONS_PRIM,
        "cons_alt.csv": CONS_ALT,
        "cons_add.csv": CONS_ADD,
        "cons_comments.csv": CONS_COMMENTS,
    }
    for name, text in files.items():
        (tmp_path / name).write_bytes(text.encode("cp1252"))
    return [tmp_path / name for name in files]


def test_registered_with_official_urls() -> None:
    assert SOURCES["ofac_cons"] is SOURCE
    assert SOURCE.dataset == "us_ofac_cons"
    assert [url.rsplit("/", 1)[1] for url in SOURCE.urls] == [
        "CONS_PRIM.CSV",
        "CONS_ALT.CSV",
        "CONS_ADD.CSV",
        "CONS_COMMENTS.CSV",
    ]


def test_cons_files_go_to_cons_and_sdn_files_to_sdn(cons_set: list[Path]) -> None:
    for path in cons_set:
        head = sniff(path)
        assert SOURCE.detect(path, head), path.name
        assert not SOURCES["ofac_csv"].detect(path, head), path.name
        assert not SOURCE.detect(Path("sdn.csv"), head)
        assert SOURCES["ofac_csv"].detect(Path("sdn.csv"), head)


def test_parses_into_the_cons_dataset(cons_set: list[Path]) -> None:
    parsed = SOURCE.parse(cons_set)
    assert (parsed.dataset, parsed.source) == ("us_ofac_cons", "ofac_cons")
    entities = {e.id: e for e in parsed.entities}
    company = entities["ofac-9001"]
    assert company.schema.name == "Company"
    assert sorted(company.get("programId")) == ["CAATSA - RUSSIA", "NS-MBS"]
    assert company.get("taxNumber") == ["7701234567"]
    assert company.get("previousName") == ["OLD EXAMPLE CO."]
    assert company.get("address") == ["1 Example St, Moscow 101000, Russia"]
    assert company.get("country") == ["ru"]
    wallet = entities["ofac-wallet-eth-0x098b716b8aaf21512996dc57eb0615e2383e2f96"]
    assert wallet.get("holder") == ["ofac-9001"]
    assert entities["ofac-link-9001-9002"].get("object") == ["ofac-9002"]
    person = entities["ofac-9002"]
    assert person.get("alias") == ["PETROV, Ivan I."]
    assert person.get("birthDate") == ["1970-02-01"]
    assert person.get("notes") == ["DOB 01 Feb 1970; nationality Russia; Gender Male.ctive"]
    assert parsed.warnings == []


def test_comments_without_the_primary_file_is_an_input_error(cons_set: list[Path]) -> None:
    with pytest.raises(InputError, match="primary file"):
        SOURCE.parse([cons_set[3]])


def test_wrong_column_count_names_file_and_row(cons_set: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "cons_alt.csv"
    bad.write_bytes(CONS_ALT.encode() + b'9003,503,"aka"\r\n')
    with pytest.raises(InputError) as error:
        SOURCE.parse([cons_set[0], bad])
    assert (error.value.path, error.value.row) == (str(bad), 3)
