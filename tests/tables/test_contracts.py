"""Bad input gets a clear error naming the file, the row and the field; never a wrong answer."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sever.errors import InputError
from sever.monitor import run_pack
from sever.tables import TRANSACTIONS, connect
from sever.tables.contracts import EARLIEST_TIME, LATEST_TIME, MAX_AMOUNT
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


# -- values that parse but must not be used -------------------------------------------------------

YEAR_10000_US = 253_402_300_800_000_000  # 10000-01-01T00:00:00 in microseconds since 1970


def write_typed(tmp_path: Path, fmt: str, column: str, value: object) -> Path:
    """Three good payments with ``column`` of the second replaced by ``value``: CSV text, or a
    Parquet column of the value's own type (a float NaN, a boolean, a timestamp)."""
    path = tmp_path / f"tx.{fmt}"
    if fmt == "csv":
        rows = {k: list(v) for k, v in GOOD.items()}
        rows["timestamp"] = ["2024-05-01T00:00:00Z"] * 3
        rows[column][1] = value
        pd.DataFrame(rows).to_csv(path, index=False)
        return path
    columns = {
        "tx_id": pa.array(GOOD["tx_id"]),
        "timestamp": pa.array([1_714_521_600_000_000] * 3, pa.timestamp("us")),
        "src_account": pa.array(GOOD["src_account"]),
        "dst_account": pa.array(GOOD["dst_account"]),
        "amount": pa.array([10.0, 20.5, 3.0]),
        "currency": pa.array(GOOD["currency"]),
    }
    if isinstance(value, bool):
        columns[column] = pa.array([True, value, False])
    elif column == "timestamp":
        columns[column] = pa.array([1_714_521_600_000_000, value, 0], pa.timestamp("us"))
    else:
        columns[column] = pa.array([10.0, value, 3.0])
    pq.write_table(pa.table(columns), path)
    return path


# (format, column, the bad value as that format holds it, words in the message)
BAD_VALUES = [
    ("csv", "amount", "nan", "not a number"),
    ("csv", "amount", "inf", "not a number"),
    ("csv", "amount", "-Infinity", "not a number"),
    ("csv", "amount", "1e400", "not a finite number"),
    ("csv", "amount", "true", "not a number"),
    ("csv", "amount", "false", "not a number"),
    ("csv", "amount", "1_000", "not a number"),
    ("csv", "amount", "0x10", "not a number"),
    ("csv", "amount", "-0.01", "is negative"),
    ("csv", "amount", "1e16", "is above 1,000,000,000,000,000"),
    ("parquet", "amount", math.nan, "not a finite number"),
    ("parquet", "amount", math.inf, "not a finite number"),
    ("parquet", "amount", -math.inf, "not a finite number"),
    ("parquet", "amount", True, "not a number"),
    ("parquet", "amount", -1.0, "is negative"),
    ("parquet", "amount", 2e15, "is above"),
    ("csv", "timestamp", "10000-01-01T00:00:00Z", "not a time"),
    ("csv", "timestamp", "1969-12-31T23:59:59Z", "out of range"),
    ("csv", "timestamp", "0001-01-01T00:00:00Z", "out of range"),
    ("csv", "timestamp", "epoch", "not a time"),
    ("csv", "timestamp", "infinity", "not a time"),
    ("csv", "timestamp", "294247-01-01T00:00:00Z", "not a time"),
    ("parquet", "timestamp", YEAR_10000_US, "out of range"),
    ("parquet", "timestamp", -1_000_000, "out of range"),
]


@pytest.mark.parametrize(("fmt", "column", "value", "words"), BAD_VALUES)
def test_values_that_parse_but_cannot_be_used_name_file_row_and_field(
    tmp_path: Path, fmt: str, column: str, value: object, words: str
) -> None:
    """NaN, infinite, true/false and out-of-range amounts and times are refused, in both formats."""
    path = write_typed(tmp_path, fmt, column, value)
    with pytest.raises(InputError) as caught:
        read(path)
    error = caught.value
    row = 1 if isinstance(value, bool) and fmt == "parquet" else 2  # a whole column is true/false
    assert (error.path, error.row, error.field) == (str(path), row, column), str(error)
    assert words in error.message, str(error)


def test_the_last_day_engines_can_hold_is_accepted(tmp_path: Path) -> None:
    """9999-12-31 is a valid (if absurd) time: the incremental mode reports it, not the reader."""
    path = write_typed(tmp_path, "csv", "timestamp", "9999-12-31T23:59:59Z")
    frame = read(path).set_index("tx_id")
    assert frame.loc["b", "timestamp"].year == 9999


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("score", "1.5", "score is above 1"),
        ("score", "nan", "score is not a number"),
        ("match", "maybe", "match is not a flag"),
    ],
)
def test_bad_hits_name_their_row(tmp_path: Path, column: str, value: str, words: str) -> None:
    """A hits table has no key: the row is found by the offending value itself."""
    from sever.tables import HITS

    rows = {
        "party_id": ["p1", "p2", "p3"],
        "entity_id": ["e1", "e2", "e3"],
        "score": ["0.9", "0.8", "0.7"],
        "match": ["true", "false", "yes"],
    }
    rows[column][2] = value
    path = tmp_path / "hits.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    engine = connect("duckdb")
    with pytest.raises(InputError) as caught:
        read_input(engine, path, HITS)
    assert (caught.value.row, caught.value.field) == (3, column), str(caught.value)
    assert words in caught.value.message


def test_a_truncated_parquet_file_is_one_clear_error(tmp_path: Path) -> None:
    good = write_typed(tmp_path, "parquet", "amount", 1.0)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(good.read_bytes()[:-40])
    with pytest.raises(InputError, match="cannot read as parquet on duckdb"):
        read(cut)


# -- property: any text in an amount or timestamp cell is a value in range or an InputError -------

TIME_TEXT = r"\d{4,6}-\d{2}-\d{2}([T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?"
CELL_TEXT = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[+-]?\d{0,20}(\.\d{0,6})?([eE][+-]?\d{1,4})?", fullmatch=True),
    st.sampled_from(["nan", "-inf", "Infinity", "true", "1e308", "1e309", "4.9e-324", " 7 "]),
    st.from_regex(
        r"\d{4,6}-\d{2}-\d{2}([T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?",
        fullmatch=True,
    ),
)


@pytest.fixture(scope="module")
def duck():
    engine = connect("duckdb", threads=1)
    yield engine
    engine.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amount=CELL_TEXT, timestamp=CELL_TEXT)
def test_any_cell_text_conforms_or_is_an_input_error(duck, tmp_path: Path, amount, timestamp):
    """Whatever a CSV cell holds, the contract either accepts a finite amount and a time in range,
    or raises InputError naming the file: never another exception, never a value out of range."""
    path = tmp_path / "tx.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([list(GOOD)[:6], ["a", timestamp, "x", "y", amount, "USD"]])
    try:
        frame = duck.to_pandas(read_input(duck, path, TRANSACTIONS))
    except InputError as error:
        assert error.path == str(path)
        return
    if frame.empty:  # a cell holding only a line break leaves no data row
        return
    value = frame.amount.iloc[0]
    assert math.isfinite(value) and 0 <= value <= MAX_AMOUNT
    assert EARLIEST_TIME <= frame.timestamp.iloc[0] <= LATEST_TIME


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("value", "NaN", "value is not a number"),
        ("value", "-1", "value is negative"),
        ("value", "1e31", "value is above"),
        ("block_timestamp", "10000-01-01 00:00:00", "timestamp is not a time"),
        ("receipt_status", "maybe", "status is not a flag"),
    ],
)
def test_bad_chain_transfers_name_file_row_and_field(tmp_path: Path, column, value, words):
    """The transfers contract (ethereum-etl names accepted) gets the same checks on read."""
    from sever.tables.chain import TRANSFERS

    rows = {
        "hash": ["0xa", "0xb", "0xc"],
        "block_timestamp": ["2024-01-01 00:00:00"] * 3,
        "from_address": ["0x1", "0x2", "0x3"],
        "to_address": ["0x2", "0x3", "0x1"],
        "value": ["1.5", "2", "3"],
        "receipt_status": ["1", "1", "0"],
    }
    rows[column][1] = value
    path = tmp_path / "transfers.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    engine = connect("duckdb")
    with pytest.raises(InputError) as caught:
        read_input(engine, path, TRANSFERS)
    assert caught.value.row == 2 and words in caught.value.message, str(caught.value)
