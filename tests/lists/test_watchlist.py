"""A user's own watchlist is its own dataset, with the ids it came with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sever.entities import Store
from sever.errors import InputError
from sever.home import Home
from sever.lists import load_files


def test_a_csv_watchlist_keeps_its_ids_and_maps_columns(tmp_path: Path, home: Home) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "id,schema,name,alias,birth_date,country,passport_number,risk_note\n"
        "cust-7,Person,Pak Chol,Park Chul;Bak Cheol,1971-03-02,kp,745310010,internal\n"
        "vsl-1,Vessel,CHON MA SAN,,,kp,,\n",
        encoding="utf-8",
    )
    [snap] = load_files(home, [path], dataset="bank_internal")
    assert (snap.dataset, snap.entity_count) == ("bank_internal", 2)
    with Store.open(home, read_only=True) as store:
        person = store.get("cust-7", "bank_internal")
        assert person is not None
        assert person.get("alias") == ["Park Chul", "Bak Cheol"]
        assert person.get("birthDate") == ["1971-03-02"]
        assert person.get("passportNumber") == ["745310010"]
        assert person.get("notes") == ["risk_note: internal"]
        assert "bank_internal" in store.scopes()
        assert store.get("vsl-1", "default") is not None  # part of `default` too


def test_an_ftm_json_lines_watchlist(tmp_path: Path, home: Home) -> None:
    path = tmp_path / "mine.jsonl"
    rows = [
        {"id": "x1", "schema": "Company", "properties": {"name": ["Chinyong IT"]}},
        {"id": "x2", "schema": "CryptoWallet", "properties": {"publicKey": ["0xabc"]}},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    [snap] = load_files(home, [path], dataset="tips")
    assert snap.entity_count == 2


@pytest.mark.parametrize(
    ("content", "row", "field"),
    [
        ("id,schema,name\n1,Person,\n", 2, "name"),
        ("id,schema,name\n1,Martian,Zork\n", 2, "schema"),
        ("id,schema,name,birth_date\n1,Person,A,not-a-date\n", 2, "birth_date"),
        ("id,schema,name\n1,Person,A\n1,Person,B\n", None, "id"),
        ("name,country\nA,kp\n", 1, None),
    ],
)
def test_bad_watchlist_rows_name_the_row_and_field(
    tmp_path: Path, home: Home, content: str, row: int | None, field: str | None
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputError) as error:
        load_files(home, [path], dataset="mine")
    assert (error.value.row, error.value.field) == (row, field)
    assert str(path) in str(error.value)


def test_invalid_json_line_is_named(tmp_path: Path, home: Home) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "schema": "Person", "properties": {}}\n{"id": oops}\n')
    with pytest.raises(InputError, match=r"row 2.*invalid JSON"):
        load_files(home, [path], dataset="mine")
