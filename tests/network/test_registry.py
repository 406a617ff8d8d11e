"""Company registries read strictly: the registry table and FtM JSON lines."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sever.errors import InputError
from sever.network.graph import GraphSources, write_graph
from sever.tables.registry import read_ftm


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
    registry = read_ftm(path)
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
        read_ftm(path)
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


def graph_of(path: Path, fmt: str | None = None) -> duckdb.DuckDBPyConnection:
    """The graph built from one registry file, in memory."""
    target = path.with_name("graph.duckdb")
    write_graph(target, GraphSources({"registry": path}, registry_format=fmt))
    return duckdb.connect(str(target), read_only=True)


def test_the_registry_table_with_owners_and_directors(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        csv.writer(handle, lineterminator="\n").writerows(ROWS)
    con = graph_of(path)
    found = con.execute("SELECT node_id, kind, label FROM nodes").fetchall()
    nodes = {node: (kind, label) for node, kind, label in found}
    assert nodes["p9"] == ("party", "Korea Mining Development Trading Corp.")
    assert nodes["c1"] == ("company", "Amber Harbour Ltd")
    stakes = con.execute("SELECT owner, asset, share FROM stakes ORDER BY owner").fetchall()
    assert stakes == [("c2", "c1", None), ("p9", "c1", 0.3)]
    directors = con.execute("SELECT src, dst FROM edges WHERE kind = 'directorship'").fetchall()
    assert directors == [("p1", "c1")]


def test_the_registry_table_from_parquet_with_director_objects(tmp_path: Path) -> None:
    path = tmp_path / "registry.parquet"
    owners = json.dumps([{"owner_id": "c2", "share": 0.6}])
    directors = json.dumps([{"id": "p1", "name": "Kim Chol"}, "p2"])
    pq.write_table(
        pa.table(
            {
                "company_id": ["c1", "c2"],
                "name": ["A", "B"],
                "owners": [owners, None],
                "directors": [directors, None],
            }
        ),
        path,
    )
    con = graph_of(path)
    assert con.execute("SELECT owner, asset, share FROM stakes").fetchall() == [("c2", "c1", 0.6)]
    directors_found = con.execute(
        "SELECT src FROM edges WHERE kind = 'directorship' ORDER BY src"
    ).fetchall()
    assert directors_found == [("p1",), ("p2",)]
    assert con.execute("SELECT count(*) FROM appointments").fetchone() == (0,), (
        "a registry without appointment dates still builds, with no appointments"
    )


def test_director_objects_may_say_when_the_director_was_appointed(tmp_path: Path) -> None:
    path = tmp_path / "registry.parquet"
    directors = json.dumps(
        [{"id": "p1", "appointed": "2024-06-01"}, {"id": "p2", "appointed": None}, "p3"]
    )
    pq.write_table(pa.table({"company_id": ["c1"], "name": ["A"], "directors": [directors]}), path)
    con = graph_of(path)
    found = con.execute("SELECT director, company, appointed::VARCHAR FROM appointments").fetchall()
    assert found == [("p1", "c1", "2024-06-01")]
    assert con.execute("SELECT count(*) FROM edges WHERE kind = 'directorship'").fetchone() == (3,)


@pytest.mark.parametrize(
    ("column", "cell", "words"),
    [
        ("owners", "[{", "not JSON"),
        ("owners", '{"owner_id": "x"}', "JSON list"),
        ("owners", '["x"]', "must be an object"),
        ("owners", '[{"share": 0.5}]', "without an id"),
        ("owners", '[{"owner_id": "x", "share": "half"}]', "fraction"),
        ("owners", '[{"owner_id": "x", "share": -0.1}]', "fraction"),
        ("owners", '[{"owner_id": "x", "share": true}]', "fraction"),
        ("owners", '[{"owner_id": "x", "schema": "Vessel"}]', "Vessel"),
        ("directors", "[1]", "an id or an object"),
        ("directors", '[{"name": "Kim"}]', "without an id"),
        ("directors", '[{"id": "p1", "appointed": "last spring"}]', "not a date"),
    ],
)
def test_registry_table_faults_name_the_row_and_field(
    tmp_path: Path, column: str, cell: str, words: str
) -> None:
    path = tmp_path / "registry.parquet"
    pq.write_table(
        pa.table({"company_id": ["c0", "c1"], "name": ["Z", "A"], column: ["[]", cell]}), path
    )
    with pytest.raises(InputError) as caught:
        graph_of(path)
    assert (caught.value.row, caught.value.field) == (2, column)
    assert words in caught.value.message


def test_registry_table_requires_ids_and_names_once(tmp_path: Path) -> None:
    path = tmp_path / "registry.csv"
    path.write_text("company_id,name\nc1,A\nc1,B\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        graph_of(path)
    assert (caught.value.row, caught.value.field) == (2, "company_id")
    path.write_text("company_id\nc1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        graph_of(path)
    assert "name" in str(caught.value)


def test_an_unknown_format_names_the_option(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("company_id,name\nc1,A\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        graph_of(path, "excel")
    assert str(caught.value).startswith("--format:")


def test_a_company_in_the_registry_and_among_the_parties_has_its_stakes_once(
    tmp_path: Path,
) -> None:
    owners = json.dumps([{"owner_id": "p9", "share": 0.3}])
    registry, parties = tmp_path / "registry.parquet", tmp_path / "parties.parquet"
    pq.write_table(pa.table({"company_id": ["c1"], "name": ["A"], "owners": [owners]}), registry)
    pq.write_table(
        pa.table({"party_id": ["c1"], "schema": ["Company"], "name": ["A"], "owners": [owners]}),
        parties,
    )
    target = tmp_path / "graph.duckdb"
    write_graph(target, GraphSources({"registry": registry, "parties": parties}))
    con = duckdb.connect(str(target), read_only=True)
    assert con.execute("SELECT owner, asset, share FROM stakes").fetchall() == [("p9", "c1", 0.3)]


def test_ftm_directorship_start_dates_become_appointments(tmp_path: Path) -> None:
    def directorship(pid: str, org: str, start: str) -> dict:
        properties = {"director": ["p"], "organization": [org], "startDate": [start]}
        return {"id": pid, "schema": "Directorship", "properties": properties}

    path = ftm(
        tmp_path,
        company("a", "Amber Ltd"),
        company("b", "Birch Ltd"),
        {"id": "p", "schema": "Person", "properties": {"name": ["Kim Chol"]}},
        directorship("d1", "a", "2024-05-04"),
        directorship("d2", "b", "2024"),
    )
    registry = read_ftm(path)
    assert [d.appointed for d in registry.directorships] == [date(2024, 5, 4), None]
    con = graph_of(path, "ftm")
    assert con.execute("SELECT director, company, appointed FROM appointments").fetchall() == [
        ("p", "a", date(2024, 5, 4))
    ]
    edges = con.execute(
        "SELECT src, dst FROM edges WHERE kind = 'directorship' ORDER BY ALL"
    ).fetchall()
    assert edges == [("p", "a"), ("p", "b")]
