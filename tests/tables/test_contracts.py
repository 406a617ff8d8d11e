"""Bad input gets a clear error naming the file, the row and the field; never a wrong answer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sever.errors import InputError
from sever.monitor import run_pack
from sever.tables import TRANSACTIONS, connect
from sever.tables.io import read_input

GOOD = {
    "tx_id": ["a", "b", "c"],
    "timestamp": ["2024-05-01T09:00:00+09:00", "2024-05-01T01:00:00Z", "2024-05-01T02:30:00Z"],
    "src_account": ["x", "y", "z"],
    "dst_account": ["y", "z", "x"],
    "amount": ["10", "20.5", "3"],
    "currency": ["USD", "EUR", "KRW"],
}


def write(tmp_path: Path, name: str = "tx.csv", **changes) -> Path:
    rows = dict(GOOD) | changes
    path = tmp_path / name
    frame = pd.DataFrame({k: v for k, v in rows.items() if v is not None})
    if name.endswith(".csv"):
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    return path


def read(path: Path):
    engine = connect("duckdb")
    return engine.to_pandas(read_input(engine, path, TRANSACTIONS))


def test_times_with_offsets_are_converted_to_utc(tmp_path: Path) -> None:
    frame = read(write(tmp_path)).set_index("tx_id")
    assert str(frame.loc["a", "timestamp"]) == "2024-05-01 00:00:00+00:00"
    assert str(frame.loc["b", "timestamp"]) == "2024-05-01 01:00:00+00:00"


@pytest.mark.parametrize(
    ("changes", "field", "row", "words"),
    [
        ({"currency": None}, "currency", None, "missing required column(s) currency"),
        ({"amount": ["10", "ten", "3"]}, "amount", 2, "amount is not a number ('ten')"),
        ({"amount": ["10", "-4", "3"]}, "amount", 2, "amount is negative"),
        ({"tx_id": ["a", "b", "a"]}, "tx_id", 3, "tx_id 'a' appears 2 times (rows 1, 3)"),
        (
            {"timestamp": ["2024-05-01T09:00:00+09:00", "2024-05-01 01:00:00", "2024-05-01"]},
            "timestamp",
            2,
            "mixes times with a UTC offset (1 rows) and without one (2 rows)",
        ),
        ({"timestamp": ["2024-05-01", "yesterday", "2024-05-02"]}, "timestamp", 2, "not a time"),
        ({"src_account": ["x", None, "z"]}, "src_account", 2, "src_account is empty"),
    ],
)
def test_bad_input_names_file_row_and_field(tmp_path, changes, field, row, words) -> None:
    path = write(tmp_path, **changes)
    with pytest.raises(InputError) as caught:
        read(path)
    error = caught.value
    assert error.path == str(path)
    assert error.field == field
    assert error.row == row
    assert words in error.message


def test_unknown_currency_stops_the_run(tmp_path: Path) -> None:
    path = write(tmp_path, currency=["USD", "XYZ", "EUR"])
    with pytest.raises(InputError, match="unknown currency 'XYZ' \\(transaction 'b'"):
        run_pack(path)


def test_a_rate_given_by_the_user_makes_a_currency_known(tmp_path: Path) -> None:
    from sever.tables.currencies import USD_PER_UNIT

    path = write(tmp_path, currency=["USD", "XYZ", "EUR"])
    result = run_pack(path, rates=USD_PER_UNIT | {"XYZ": 2.0})
    assert result.transactions == 3


def test_parquet_with_typed_columns_reads_the_same(tmp_path: Path) -> None:
    typed = pd.DataFrame(GOOD)
    typed["timestamp"] = pd.to_datetime(typed["timestamp"], utc=True, format="ISO8601")
    typed["amount"] = typed["amount"].astype(float)
    path = tmp_path / "tx.parquet"
    typed.to_parquet(path)
    frame = read(path).set_index("tx_id")
    assert frame.loc["b", "amount"] == 20.5
    assert str(frame.loc["a", "timestamp"]) == "2024-05-01 00:00:00+00:00"


def test_unknown_file_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tx.xlsx"
    path.write_text("nope")
    with pytest.raises(InputError, match="unknown file type"):
        read(path)


def test_sever_screen_hits_are_read_as_the_hits_contract(tmp_path: Path) -> None:
    """A hits file from `sever screen --out` (query_id, decision) feeds the monitor as is."""
    from sever.tables import HITS

    path = tmp_path / "hits.parquet"
    pd.DataFrame(
        {
            "query_id": ["p1", "p2"],
            "entity_id": ["ofac-1", "ofac-2"],
            "score": [0.93, 0.55],
            "decision": ["match", "review"],
            "explanation": ["same name", "close name"],
        }
    ).to_parquet(path)
    engine = connect("duckdb")
    hits = engine.to_pandas(read_input(engine, path, HITS))
    assert hits.set_index("party_id")["match"].to_dict() == {"p1": True, "p2": False}
