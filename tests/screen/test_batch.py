"""Batch screening of a parties file: hits, bad rows reported, every output format."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sever.errors import InputError
from sever.home import Home
from sever.screen.batch import screen_file, write_hits
from sever.screen.index import load_index

PARTIES = [
    ["party_id", "schema", "name", "birth_date", "country", "imo_number", "segment"],
    ["c1", "Person", "Pak Chol-su", "1961-03-04", "kp", "", "retail"],
    ["c2", "Person", "Jane Smith", "1980-01-01", "gb", "", "retail"],
    ["c3", "Vessel", "Unknown Star", "", "", "9123453", "shipping"],
    ["", "Person", "No Id", "", "", "", "retail"],
    ["c5", "Spaceship", "Enterprise", "", "", "", "retail"],
    ["c6", "Person", "Maria Elena Ruiz", "not a date", "", "", "private"],
]


def _parties(tmp_path: Path) -> Path:
    path = tmp_path / "parties.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(PARTIES)
    return path


def test_hits_carry_party_entity_list_score_decision_and_why(
    watchlist_home: Home, tmp_path: Path
) -> None:
    result = screen_file(load_index(watchlist_home), _parties(tmp_path))
    by_party = {row["query_id"]: row for row in result.rows}
    assert set(by_party) == {"c1", "c3", "c6"}
    assert by_party["c1"]["entity_id"] == "wl-pak"
    assert by_party["c1"]["list"] == "mylist"
    assert by_party["c1"]["programs"] == "DPRK3"
    assert by_party["c1"]["decision"] == "match"
    assert by_party["c1"]["explanation"]
    assert by_party["c3"]["entity_id"] == "wl-vessel" and by_party["c3"]["score"] == 1.0
    assert by_party["c1"]["party.segment"] == "retail"


def test_bad_rows_are_reported_with_row_and_field_and_the_batch_goes_on(
    watchlist_home: Home, tmp_path: Path
) -> None:
    result = screen_file(load_index(watchlist_home), _parties(tmp_path))
    problems = sorted(str(p) for p in result.problems)
    assert result.parties == 6 and result.screened == 4
    assert any("row 5" in p and "'party_id'" in p for p in problems)
    assert any("row 6" in p and "'schema'" in p for p in problems)
    assert any("row 7" in p and "'birth_date'" in p for p in problems)


def test_strict_stops_at_the_first_bad_row(watchlist_home: Home, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="row 5"):
        screen_file(load_index(watchlist_home), _parties(tmp_path), strict=True)


def test_a_file_without_the_required_columns_is_refused(
    watchlist_home: Home, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,full_name\n1,Pak Chol Su\n")
    with pytest.raises(InputError, match="party_id"):
        screen_file(load_index(watchlist_home), path)


def test_parquet_parties_are_read_too(watchlist_home: Home, tmp_path: Path) -> None:
    import pyarrow as pa

    header, *rows = PARTIES
    table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(header)})
    path = tmp_path / "parties.parquet"
    pq.write_table(table, path)
    result = screen_file(load_index(watchlist_home), path)
    assert {r["query_id"] for r in result.rows} == {"c1", "c3", "c6"}


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_hits_are_written_in_every_format(
    watchlist_home: Home, tmp_path: Path, suffix: str
) -> None:
    result = screen_file(load_index(watchlist_home), _parties(tmp_path))
    out = tmp_path / f"hits{suffix}"
    write_hits(out, result.rows)
    if suffix == ".csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
    elif suffix == ".parquet":
        rows = pq.read_table(out).to_pylist()
    else:
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert rows[0]["features"]
    assert len(rows) == len(result.rows)
    for column in ("query_id", "entity_id", "list", "programs", "score", "decision", "explanation"):
        assert column in rows[0]


def test_several_workers_give_the_same_hits_in_file_order(
    watchlist_home: Home, tmp_path: Path
) -> None:
    header, *rows = PARTIES
    path = tmp_path / "many.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i in range(2_500):
            party_id, *rest = rows[i % len(rows)]
            writer.writerow([f"{party_id}-{i}" if party_id else "", *rest])
    index = load_index(watchlist_home)
    alone = screen_file(index, path)
    shared = screen_file(index, path, workers=2)
    assert shared.workers == 2
    assert [r["query_id"] for r in shared.rows] == [r["query_id"] for r in alone.rows]
    assert [str(p) for p in shared.problems] == [str(p) for p in alone.problems]
    assert shared.parties == 2_500
