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
        ("id,schema,name\n1,Person,A\n1,Person,B\n", 3, "id"),
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
    path.write_text(
        '{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n{"id": oops}\n'
    )
    with pytest.raises(InputError, match=r"row 2.*invalid JSON"):
        load_files(home, [path], dataset="mine")


# --- hostile watchlists: every problem is one InputError naming file, row and field ------------


def entry(properties: object = None, schema: object = "Person", entity_id: object = "a") -> bytes:
    """One JSON line; ``properties`` defaults to a valid name."""
    props = {"name": ["A"]} if properties is None else properties
    return json.dumps({"id": entity_id, "schema": schema, "properties": props}).encode()


BAD_WATCHLISTS = [
    # (case, file bytes, expected words, row, field)
    ("unterminated quote", b'id,schema,name\n1,Person,"Lazarus Group\n2,Person,Kim Su Il\n',
     "never closed", 2, None),
    ("quote swallowing rows",
     b'id,schema,name,notes\n1,Person,A,"x\n2,Person,Lazarus Group,y\n3,Person,C,z"\n',
     "quote is probably not closed", 2, "notes"),
    ("extra cell", b"id,schema,name\n1,Person,A,extra\n", "4 cells where the header has 3", 2,
     None),
    ("missing cell", b"id,schema,name\n1,Person\n", "2 cells where the header has 3", 2, None),
    ("duplicate header", b"id,schema,name,alias,alias\n1,Person,A,B,C\n", "twice", 1, "alias"),
    ("duplicate required", b"id,schema,name,Name\n1,Person,A,B\n", "twice", 1, "name"),
    ("latin-1 csv", "id,schema,name\n1,Person,Müller\n".encode("latin-1"), "0xfc", 2, None),
    ("invalid utf-8 jsonl", entry() + b"\n\xff\n", "0xff", 2, None),
    ("deep nesting", b"[" * 100_000, "nested too deeply", 1, None),
    ("deep object", b'{"a":' * 100_000, "nested too deeply", 1, None),
    ("not an object", entry() + b"\n[1]\n", "JSON object", 2, None),
    ("properties a list", entry(["Lazarus"]), "object", 1, "properties"),
    ("properties text", entry("Lazarus"), "object", 1, "properties"),
    ("schema a number", entry(schema=5), "text", 1, "schema"),
    ("id a number", entry(entity_id=5), "id", 1, "id"),
    ("value a number", entry({"name": [5]}), "text", 1, "name"),
    ("value an object", entry({"name": {"x": "A"}}), "dict", 1, "name"),
    ("no name", entry({"alias": []}), "needs a name", 1, "name"),
    ("blank name", entry({"name": ["  "]}, "Company"), "needs a name", 1, "name"),
    ("wallet without key", entry({}, "CryptoWallet"), "publicKey", 1, "publicKey"),
    ("unknown property", entry({"name": ["A"], "colour": ["x"]}), "no property", 1, "colour"),
    ("bad date", entry({"name": ["A"], "birthDate": ["soon"]}), "invalid date", 1, "birthDate"),
    ("too many values", entry({"name": ["A"], "notes": ["n"] * 1001}), "1,001 values", 1, "notes"),
    ("binary", b"\x00\x01\x02\xff\xfe", "0x", 1, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "words", "row", "field"),
    [case[1:] for case in BAD_WATCHLISTS],
    ids=[case[0] for case in BAD_WATCHLISTS],
)
def test_hostile_watchlists_are_one_input_error(
    tmp_path: Path, home: Home, content: bytes, words: str, row: int, field: str | None
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        load_files(home, [path], dataset="mine")
    assert words in str(error.value)
    assert (error.value.row, error.value.field) == (row, field)
    assert str(path) in str(error.value) and "\n" not in str(error.value)
    assert not home.store_path.exists()


def test_a_declared_encoding_reads_a_latin_1_watchlist(tmp_path: Path, home: Home) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,schema,name\n1,Person,Jürgen Müller\n".encode("latin-1"))
    load_files(home, [path], dataset="mine", encoding="latin-1")
    with Store.open(home, read_only=True) as store:
        entity = store.get("1", "mine")
        assert entity is not None and entity.get("name") == ["Jürgen Müller"]


def test_a_utf_16_watchlist_is_read_by_its_byte_order_mark(tmp_path: Path, home: Home) -> None:
    path = tmp_path / "utf16.jsonl"
    line = json.dumps({"id": "k", "schema": "Person", "properties": {"name": ["김정은"]}})
    path.write_bytes(line.encode("utf-16"))
    [snap] = load_files(home, [path], dataset="mine")
    assert snap.entity_count == 1


def test_encoding_is_only_for_watchlists(tmp_path: Path, home: Home, shared_data: Path) -> None:
    with pytest.raises(InputError, match="--encoding applies to your own watchlists"):
        load_files(home, [shared_data / "ofac/sdn-2022-04-12/sdn.csv"], encoding="latin-1")


@pytest.mark.parametrize("encoding", ["rot13", "base64", "nonsense", "x" * 5000])
def test_an_encoding_that_is_not_a_text_encoding_is_refused(
    tmp_path: Path, home: Home, encoding: str
) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("id,schema,name\n1,Person,A\n")
    with pytest.raises(InputError, match="encoding") as error:
        load_files(home, [path], dataset="mine", encoding=encoding)
    assert len(str(error.value)) < 300
