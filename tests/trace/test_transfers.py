"""Reading transfers: the tools' own column names, strict errors, and normalisation that is the
same on every run and said in the output."""

from __future__ import annotations

from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest

from sever.errors import InputError
from sever.trace.addresses import address_key, shown
from sever.trace.prices import Prices
from sever.trace.run import TraceSettings, trace
from sever.trace.transfers import load_transfers, open_transfers
from tests.trace.trace_chain import Chain, addr, engine_for, traced

CHECKSUMMED = "0x52908400098527886E0F7030069857D2E4169EE7"  # an EIP-55 test vector


def load(path: Path, **options: object):  # type: ignore[no-untyped-def]
    with engine_for() as engine:
        loaded = load_transfers(engine, [path], **options)  # type: ignore[arg-type]
        return loaded.handling, engine.to_pandas(loaded.table)


def test_ethereum_etl_transactions_are_read_as_they_are(tmp_path: Path) -> None:
    """ethereum-etl's transactions export: hash, block_timestamp, receipt_status, wei values,
    no asset column (the native coin)."""
    path = tmp_path / "transactions.csv"
    pd.DataFrame(
        {
            "hash": ["0xaa", "0xbb"],
            "block_timestamp": ["2024-03-01 09:00:00", "2024-03-01 09:01:00"],
            "block_number": [1, 2],
            "from_address": [addr("a"), addr("b")],
            "to_address": [addr("b"), addr("c")],
            "value": ["2000000000000000000", "1000000000000000000"],
            "receipt_status": [1, 0],
        }
    ).to_csv(path, index=False)
    handling, rows = load(path, asset="ETH", decimals=18)
    assert handling.failed == 1 and handling.kept == 1
    assert rows.value.tolist() == [2.0] and rows.asset.tolist() == ["ETH"]


def test_cryo_erc20_transfers_take_the_token_contract_as_asset(tmp_path: Path) -> None:
    path = tmp_path / "erc20.parquet"
    pd.DataFrame(
        {
            "transaction_hash": ["0xaa"],
            "timestamp": pd.to_datetime(["2024-03-01 09:00:00"]),
            "erc20": ["0xDAC17F958D2EE523A2206206994597C13D831EC7"],
            "from_address": [addr("a")],
            "to_address": [addr("b")],
            "value": [5.0],
        }
    ).to_parquet(path)
    _, rows = load(path)
    assert rows.asset.tolist() == ["0xdac17f958d2ee523a2206206994597c13d831ec7"]


def test_a_file_without_an_asset_is_refused_until_the_user_names_it(tmp_path: Path) -> None:
    path = tmp_path / "traces.csv"
    pd.DataFrame(
        {
            "transaction_hash": ["0xaa"],
            "block_timestamp": ["2024-03-01"],
            "from_address": [addr("a")],
            "to_address": [addr("b")],
            "value": [1],
        }
    ).to_csv(path, index=False)
    with pytest.raises(InputError, match="--asset ETH"):
        load(path)


@pytest.mark.parametrize(
    ("value", "timestamp", "field", "problem"),
    [
        ("nan", "2024-03-01", "value", "not a number"),
        ("-1", "2024-03-01", "value", "negative"),
        ("abc", "2024-03-01", "value", "not a number"),
        ("1", "1960-01-01", "timestamp", "out of range"),
        ("1", "yesterday", "timestamp", "not a time"),
    ],
)
def test_bad_values_name_the_file_row_and_field(
    chain: Chain, value: str, timestamp: str, field: str, problem: str
) -> None:
    chain.send("a", "b", 1, 1)
    chain.send("b", "c", 1, 2)
    chain.rows[1]["value"] = value
    chain.rows[1]["block_timestamp"] = timestamp
    path = chain.write()
    with pytest.raises(InputError) as caught:
        load(path)
    error = caught.value
    assert error.path == str(path) and error.row == 2 and problem in error.message
    assert error.field in (field, "block_timestamp")


def test_zero_value_failed_and_self_transfers_are_set_aside_and_counted(chain: Chain) -> None:
    chain.send("thief", "a", 5, 1)
    chain.send("thief", "b", 0, 2)
    chain.send("thief", "thief", 3, 3)
    chain.send("thief", "c", 4, 4, status=False)
    for _ in range(2):  # the same on every run
        handling, _ = load(chain.write())
        assert handling.to_dict() == {
            "rows_read": 4,
            "failed": 1,
            "zero_value": 1,
            "self_transfers": 1,
            "kept": 1,
        }
    result = chain.trace("thief")
    assert result.summary()["transfers"]["zero_value"] == 1


def test_addresses_join_in_any_letter_case_and_show_in_eip55(chain: Chain) -> None:
    chain.send(CHECKSUMMED, addr("mule"), 5, 1)
    chain.send(addr("mule"), addr("cashout"), 5, 2)
    result = chain.trace(CHECKSUMMED.lower())
    assert traced(result, "cashout") == 5.0
    assert result.addresses.address.iloc[0] == CHECKSUMMED
    assert shown(address_key(CHECKSUMMED.upper().replace("0X", "0x"))) == CHECKSUMMED


def test_addresses_written_with_spaces_or_tabs_around_them_join_the_clean_ones(
    chain: Chain,
) -> None:
    bitcoin = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
    chain.send(CHECKSUMMED, addr("mule"), 5, 1)
    chain.send(addr("mule"), addr("hop"), 5, 2)
    chain.send(addr("hop"), bitcoin, 5, 3)
    chain.send(bitcoin, addr("cashout"), 5, 4)
    chain.rows[0]["from_address"] = f" {CHECKSUMMED}\t"
    chain.rows[1]["to_address"] = addr("hop").upper().replace("0X", "0x") + " "
    chain.rows[2]["to_address"] = f"\t{bitcoin} "
    chain.rows[3]["from_address"] = bitcoin
    result = chain.trace(CHECKSUMMED)
    assert traced(result, "cashout") == 5.0
    assert bitcoin in set(result.addresses.address)


def test_xbt_is_bitcoin(chain: Chain) -> None:
    chain.send("thief", "mule", 1, 1, asset="XBT")
    result = chain.trace("thief")
    assert result.addresses.asset.unique().tolist() == ["BTC"]
    assert result.stolen_usd == pytest.approx(60_000)


# The core refuses what the command line used to refuse alone: a library caller gets the same
# one-line errors, naming the file, the row and the field.


def _inputs_table(path: Path) -> None:
    """A bitcoin-etl inputs table (UTXO columns)."""
    pd.DataFrame(
        {
            "transaction_hash": ["aa"],
            "block_timestamp": pd.to_datetime(["2024-03-01"]),
            "spent_transaction_hash": ["bb"],
            "addresses": ["1A"],
            "value": [1.0],
        }
    ).to_parquet(path)


def test_a_truncated_parquet_file_of_utxo_inputs_is_refused_naming_it(tmp_path: Path) -> None:
    whole = tmp_path / "inputs.parquet"
    _inputs_table(whole)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(InputError, match="not a readable Parquet file") as caught:
        load(cut)
    assert caught.value.path == str(cut) and "\n" not in str(caught.value)


@pytest.mark.parametrize("decimals", [-1, 37, 309, 400])
def test_decimals_no_token_has_are_refused_by_open_transfers(chain: Chain, decimals: int) -> None:
    chain.send("a", "b", 1, 1)
    with engine_for() as engine, pytest.raises(InputError, match="between 0 and 36") as caught:
        open_transfers(engine, chain.write(), decimals=decimals)
    assert caught.value.field == "--decimals"


@pytest.mark.parametrize(
    ("value", "problem"), [("9" * 309, "not a finite number"), ("-5", "negative")]
)
def test_open_transfers_refuses_values_beyond_a_float_and_negative_ones(
    chain: Chain, value: str, problem: str
) -> None:
    chain.send("a", "b", 1, 1)
    chain.send("b", "c", 1, 2)
    chain.rows[1]["value"] = value
    path = chain.write()
    with engine_for() as engine, pytest.raises(InputError, match=problem) as caught:
        open_transfers(engine, path)
    assert (caught.value.path, caught.value.row, caught.value.field) == (str(path), 2, "value")


def test_a_csv_file_that_is_not_utf8_is_refused_naming_the_file_and_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "tx_hash,timestamp,from_address,to_address,value,asset\n"
        f"0x1,2024-03-01,{addr('a')},{addr('b')},1,Caf\xe9\n".encode("latin-1")
    )
    with engine_for() as engine:
        with pytest.raises(InputError, match="not valid UTF-8") as caught:
            load_transfers(engine, [path])
        assert caught.value.path == str(path) and caught.value.row == 2
        assert engine.to_pandas(ibis.memtable({"x": [1]})).x.tolist() == [1], "engine still works"


def test_a_value_times_price_beyond_any_number_names_the_file_row_and_field(
    chain: Chain,
) -> None:
    chain.send("thief", "a", 1, 1)
    chain.send("a", "b", 1e30, 2)
    path = chain.write()
    huge = Prices("a price set far too high", {"ETH": (np.array([0]), np.array([1e300]))})
    with engine_for() as engine, pytest.raises(InputError, match="beyond any number") as caught:
        trace(load_transfers(engine, [path]), TraceSettings((addr("thief"),)), prices=huge)
    assert (caught.value.path, caught.value.row, caught.value.field) == (str(path), 2, "value")
