"""Reading transfers: the tools' own column names, strict errors, and normalisation that is the
same on every run and said in the output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sever.errors import InputError
from sever.trace.addresses import address_key, shown
from sever.trace.transfers import load_transfers
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


def test_xbt_is_bitcoin(chain: Chain) -> None:
    chain.send("thief", "mule", 1, 1, asset="XBT")
    result = chain.trace("thief")
    assert result.addresses.asset.unique().tolist() == ["BTC"]
    assert result.stolen_usd == pytest.approx(60_000)
