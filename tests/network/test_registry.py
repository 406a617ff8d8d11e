"""Company registries read strictly: the registry table and FtM JSON lines."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sever.errors import InputError
from sever.tables.registry import read_registry


def ftm(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / "registry.jsonl"
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


def company(pid: str, name: str) -> dict:
    return {"id": pid, "schema": "Company", "properties": {"name": [name]}}


def ownership(pid: str, owner: str, asset: str, **props: str) -> dict:
    properties = {"owner": [owner], "asset": [asset], **{k: [v] for k, v in props.items()}}
    return {"id": pid, "schema": "Ownership", "properties": properties}


def test_ftm_parties_stakes_and_directors(tmp_path: Path) -> None:
    path = ftm(
        tmp_path,
        company("a", "Amber Ltd"),
        {"id": "p", "schema": "Person", "properties": {"name": ["Kim Chol"]}},
        ownership("o1", "p", "a", percentage="12.5 %", startDate="2019", endDate="2023-02"),
        ownership("o2", "a", "a"),
        "",
        {
            "id": "d",
            "schema": "Directorship",
            "properties": {"director": ["p"], "organization": ["a"]},
        },
    )
    registry = read_registry(path, "ftm")
    assert registry.label("a") == "Amber Ltd"
    first, second = registry.stakes
    assert (first.owner, first.asset, first.share) == ("p", "a", 0.125)
    assert (first.start, first.end) == (date(2019, 1, 1), date(2023, 2, 28))
    assert first.source == "registry.jsonl row 3"
    assert second.share is None
    assert [(d.director, d.organization) for d in registry.directorships] == [("p", "a")]


@pytest.mark.parametrize(
    ("line", "row", "field", "words"),
    [
        ("{not json", 2, None, "not JSON"),
        ({"id": "v", "schema": "Vessel", "properties": {}}, 2, "schema", "Vessel"),
        ({"schema": "Company", "properties": {}}, 2, "id", "id"),
        (company("a", "again"), 2, "id", "row 1"),
        ({"id": "x", "schema": "Company", "properties": {"name": "X"}}, 2, "properties", "list"),
        ({"id": "x", "schema": "Company", "properties": {"colour": ["red"]}}, 2, "colour", "no"),
        (ownership("o", "a", "zz"), 2, "asset", "not a party"),
        (ownership("o", "a", "a", percentage="half"), 2, "percentage", "not a percentage"),
        (ownership("o", "a", "a", percentage="-5"), 2, "percentage", "not a percentage"),
        (ownership("o", "a", "a", startDate="someday"), 2, "startDate", "not a date"),
        ({"id": "o", "schema": "Ownership", "properties": {"asset": ["a"]}}, 2, "owner", "one"),
    ],
)
def test_ftm_faults_name_file_row_and_field(
    tmp_path: Path, line: object, row: int, field: str | None, words: str
) -> None:
    path = ftm(tmp_path, company("a", "Amber Ltd"), line)
    with pytest.raises(InputError) as caught:
        read_registry(path, "ftm")
    error = caught.value
    assert (error.path, error.row, error.field) == (str(path), row, field)
    assert words in error.message


HEADER = "company_id,name,jurisdiction,incorporation_date,address,phone,email,directors,owners"
OWNERS = [
    {"owner_id": "p9", "share": 0.3, "name": "Korea Mining Development Trading Corp."},
    {"owner_id": "c2", "share": None},
]
ROWS = [
    [
        "c1",
        "Amber Harbour Ltd",
        "HK",
        "2021-03-01",
        "1 Harbour Rd",
        "+852 1234",
        "a@example.com",
        json.dumps(["p1"]),
        json.dumps(OWNERS),
    ],
    ["c2", "Blue Lantern Ltd", "SG", "", "", "", "", "[]", "[]"],
]


def test_the_registry_table_with_owners_and_directors(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        csv.writer(handle).writerows(ROWS)
    registry = read_registry(path)
    assert registry.label("p9") == "Korea Mining Development Trading Corp."
    assert registry.parties["p9"].schema.name == "LegalEntity"
    assert registry.parties["c1"].get("jurisdiction") == ["hk"]
    assert [(s.owner, s.asset, s.share) for s in registry.stakes] == [
        ("p9", "c1", 0.3),
        ("c2", "c1", None),
    ]
    assert [(d.director, d.organization) for d in registry.directorships] == [("p1", "c1")]
    assert registry.parties["p1"].schema.name == "Person"


def test_the_registry_table_from_parquet(tmp_path: Path) -> None:
    path = tmp_path / "registry.parquet"
    owners = json.dumps([{"owner_id": "c2", "share": 0.6}])
    pq.write_table(
        pa.table({"company_id": ["c1", "c2"], "name": ["A", "B"], "owners": [owners, None]}), path
    )
    registry = read_registry(path)
    assert [(s.owner, s.asset, s.share) for s in registry.stakes] == [("c2", "c1", 0.6)]


@pytest.mark.parametrize(
    ("owners", "words"),
    [
        ("[{", "not JSON"),
        ('{"owner_id": "x"}', "JSON list"),
        ('[{"share": 0.5}]', "without an id"),
        ('[{"owner_id": "x", "share": "half"}]', "fraction"),
        ('[{"owner_id": "x", "share": -0.1}]', "fraction"),
        ('[{"owner_id": "x", "share": true}]', "fraction"),
        ('[{"owner_id": "x", "schema": "Vessel"}]', "Vessel"),
    ],
)
def test_registry_table_faults_name_the_row_and_field(
    tmp_path: Path, owners: str, words: str
) -> None:
    path = tmp_path / "registry.parquet"
    pq.write_table(pa.table({"company_id": ["c1"], "name": ["A"], "owners": [owners]}), path)
    with pytest.raises(InputError) as caught:
        read_registry(path)
    assert (caught.value.row, caught.value.field) == (1, "owners")
    assert words in caught.value.message


def test_registry_table_requires_ids_and_names_once(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("company_id,name\nc1,A\nc1,B\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_registry(path)
    assert (caught.value.row, caught.value.field) == (3, "company_id")
    path.write_text("company_id\nc1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_registry(path)
    assert "name" in str(caught.value)


def test_an_unknown_format_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_registry(tmp_path / "x.csv", "excel")
    assert str(caught.value).startswith("--format:")
