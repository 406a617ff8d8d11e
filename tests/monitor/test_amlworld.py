"""`sever monitor import --format amlworld`: IBM's AMLworld files become a world sever reads.

Every file here is written by the test in AMLworld's published layout (the duplicate ``Account``
header, zero-padded bank ids, ``YYYY/MM/DD HH:MM`` times); no downloaded data is used.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sever.cli import app
from sever.errors import InputError
from sever.monitor.amlworld import HEADER, import_amlworld
from sever.tables.contracts import ACCOUNTS, PARTIES, TRANSACTIONS
from sever.tables.currencies import read_rates
from sever.tables.engine import connect
from sever.tables.io import read_input

ROWS = [
    # a self-payment, a plain cheque, then a small laundering fan-out from 070/8000A0010
    "2022/09/01 00:20,010,8000EBD30,010,8000EBD30,3697.34,US Dollar,3697.34,US Dollar,"
    "Reinvestment,0",
    "2022/09/01 00:25,03208,8000F4580,001,8000F5340,0.01,US Dollar,0.01,US Dollar,Cheque,0",
    "2022/09/01 01:00,070,8000A0010,012,8000B0020,1000.00,Euro,1080.00,US Dollar,ACH,1",
    "2022/09/01 01:05,070,8000A0010,012,8000B0030,2000.00,Euro,2160.00,US Dollar,ACH,1",
    "2022/09/02 09:30,0220,8000C0040,0220,8000C0050,500.00,Yuan,500.00,Yuan,Wire,1",
    "2022/09/02 10:00,10,8000EBD30,03208,8000F4580,70.00,US Dollar,70.00,US Dollar,Credit Card,0",
]  # fmt: skip

PATTERNS = """BEGIN LAUNDERING ATTEMPT - FAN-OUT:  Max 2-degree Fan-Out
2022/09/01 01:00,070,8000A0010,012,8000B0020,1000.00,Euro,1080.00,US Dollar,ACH,1
2022/09/01 01:05,070,8000A0010,012,8000B0030,2000.00,Euro,2160.00,US Dollar,ACH,1
END LAUNDERING ATTEMPT - FAN-OUT
"""


def write_trans(path: Path, rows: list[str] = ROWS, header: str = ",".join(HEADER)) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def trans(tmp_path: Path) -> Path:
    return write_trans(tmp_path / "HI-Tiny_Trans.csv")


@pytest.fixture
def patterns(tmp_path: Path) -> Path:
    path = tmp_path / "HI-Tiny_Patterns.txt"
    path.write_text(PATTERNS, encoding="utf-8")
    return path


def test_payments_become_our_transactions_contract(trans: Path, tmp_path: Path) -> None:
    result = import_amlworld(trans, tmp_path / "world")
    assert result.transactions == len(ROWS)
    engine = connect("duckdb")
    tx = engine.to_pandas(read_input(engine, tmp_path / "world/transactions.parquet", TRANSACTIONS))
    first = tx.iloc[0]
    assert first.tx_id == "aml-1"
    assert first.src_account == first.dst_account == "10-8000EBD30"
    assert str(first.timestamp) == "2022-09-01 00:20:00+00:00"
    # the payer's amount and currency; the received side is kept beside them
    fan = tx[tx.tx_id == "aml-3"].iloc[0]
    assert (fan.amount, fan.currency, fan.amount_received, fan.received_currency) == (
        1080.0, "USD", 1000.0, "EUR",
    )  # fmt: skip
    assert fan.src_bank == "70" and fan.payment_format == "ach"
    assert set(tx.payment_format) == {"reinvestment", "cheque", "ach", "wire", "card"}


def test_a_bank_written_with_and_without_leading_zeros_is_one_account(
    trans: Path, tmp_path: Path
) -> None:
    import_amlworld(trans, tmp_path / "world")
    engine = connect("duckdb")
    accounts = engine.to_pandas(read_input(engine, tmp_path / "world/accounts.parquet", ACCOUNTS))
    assert "10-8000EBD30" in set(accounts.account_id)
    assert "3208-8000F4580" in set(accounts.account_id)
    assert accounts.account_id.is_unique
    assert len(accounts) == 8
    parties = engine.to_pandas(read_input(engine, tmp_path / "world/parties.parquet", PARTIES))
    assert set(parties.party_id) == set(accounts.holder_id)


def test_laundering_payments_and_their_accounts_are_labelled_unknown_without_patterns(
    trans: Path, tmp_path: Path
) -> None:
    result = import_amlworld(trans, tmp_path / "world")
    tx_labels = pd.read_parquet(tmp_path / "world/labels/transactions.parquet")
    assert set(tx_labels.tx_id) == {"aml-3", "aml-4", "aml-5"}
    assert set(tx_labels.typology) == {"unknown"}
    accounts = pd.read_parquet(tmp_path / "world/labels/accounts.parquet")
    assert set(accounts.account_id) == {
        "70-8000A0010", "12-8000B0020", "12-8000B0030", "220-8000C0040", "220-8000C0050",
    }  # fmt: skip
    assert result.laundering_accounts == 5
    assert accounts.set_index("account_id").role["70-8000A0010"] == "payer"


def test_the_patterns_file_names_the_typology_and_the_scheme(
    trans: Path, patterns: Path, tmp_path: Path
) -> None:
    result = import_amlworld(trans, tmp_path / "world", patterns=patterns)
    tx_labels = pd.read_parquet(tmp_path / "world/labels/transactions.parquet")
    by_tx = tx_labels.set_index("tx_id")
    assert by_tx.typology["aml-3"] == by_tx.typology["aml-4"] == "fan_out"
    assert by_tx.scheme_id["aml-3"] == "amlworld-1"
    assert by_tx.typology["aml-5"] == "unknown"  # laundering, but in no block
    assert result.typologies == {"fan_out": 3, "unknown": 2}


def test_rates_come_from_the_files_own_exchanges(trans: Path, tmp_path: Path) -> None:
    result = import_amlworld(trans, tmp_path / "world")
    assert result.rates["EUR"] == pytest.approx(1.08)
    assert result.rates["USD"] == 1.0
    assert "CNY" in result.rates  # never exchanged here: sever's own rate
    assert read_rates(tmp_path / "world/rates.csv")["EUR"] == pytest.approx(1.08)


def test_the_world_runs_through_the_rule_pack(trans: Path, tmp_path: Path) -> None:
    from sever.monitor import run_pack

    import_amlworld(trans, tmp_path / "world")
    world = tmp_path / "world"
    result = run_pack(
        world / "transactions.parquet",
        accounts=world / "accounts.parquet",
        parties=world / "parties.parquet",
        rates=read_rates(world / "rates.csv"),
    )
    assert result.transactions == len(ROWS)


BAD_ROWS = [
    # (row text, line it is on, field named, words in the message)
    ("2022/09/01 00:2x,010,A,010,B,1,US Dollar,1,US Dollar,ACH,0", "Timestamp", "time"),
    ("2022/09/01 00:20,010,A,010,B,abc,US Dollar,1,US Dollar,ACH,0", "Amount Received", "abc"),
    ("2022/09/01 00:20,010,A,010,B,1,US Dollar,-5,US Dollar,ACH,0", "Amount Paid", "-5"),
    ("2022/09/01 00:20,010,A,010,B,1,Doubloon,1,US Dollar,ACH,0", "Receiving Currency", "Doubloon"),
    ("2022/09/01 00:20,010,A,010,B,1,US Dollar,1,US Dollar,Barter,0", "Payment Format", "Barter"),
    ("2022/09/01 00:20,010,A,010,B,1,US Dollar,1,US Dollar,ACH,2", "Is Laundering", "0 or 1"),
    ("2022/09/01 00:20,010,,010,B,1,US Dollar,1,US Dollar,ACH,0", "Account", "account number"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "field", "words"), BAD_ROWS)
def test_a_bad_value_names_file_line_and_column_and_writes_nothing(
    tmp_path: Path, row: str, field: str, words: str
) -> None:
    # a blank line before the bad row: lines are counted as an editor shows them
    path = write_trans(tmp_path / "t.csv", [*ROWS[:2], "", row, ROWS[2]])
    with pytest.raises(InputError) as caught:
        import_amlworld(path, tmp_path / "world")
    error = caught.value
    assert (error.path, error.row, error.field) == (str(path), 5, field)
    assert words in error.message
    assert not (tmp_path / "world").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_a_row_with_a_missing_cell_is_named(tmp_path: Path) -> None:
    path = write_trans(tmp_path / "t.csv", [*ROWS[:3], ROWS[3].rsplit(",", 1)[0]])
    with pytest.raises(InputError) as caught:
        import_amlworld(path, tmp_path / "world")
    assert caught.value.row == 5
    assert "Columns" in caught.value.message or "cells" in caught.value.message


def test_a_quote_never_closed_is_named_at_its_line(tmp_path: Path) -> None:
    path = write_trans(tmp_path / "t.csv", [ROWS[0], ROWS[1].replace(",8000F4580", ',"8000F4580')])
    with pytest.raises(InputError) as caught:
        import_amlworld(path, tmp_path / "world")
    assert (caught.value.row, caught.value.field) == (3, "Account")
    assert "quote" in caught.value.message


def test_a_byte_that_is_not_utf8_is_named_at_its_line(tmp_path: Path) -> None:
    path = write_trans(tmp_path / "t.csv")
    data = path.read_bytes().replace(b"8000F5340", b"8000\xff5340")
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        import_amlworld(path, tmp_path / "world")
    assert caught.value.row == 3
    assert "utf-8" in caught.value.message


def test_a_file_of_another_format_is_refused_at_its_header(tmp_path: Path) -> None:
    path = write_trans(tmp_path / "t.csv", ROWS, header="tx_id,timestamp,src,dst,amount")
    with pytest.raises(InputError) as caught:
        import_amlworld(path, tmp_path / "world")
    assert (caught.value.row, caught.value.field) == (1, "tx_id")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("2022/09/01 01:00,070,A,012,B,1,Euro,1,Euro,ACH,1\n", 1, "outside"),
        ("BEGIN LAUNDERING ATTEMPT - CYCLE: Max 2 hops\n2022/09/01 01:00,070,A\n", 2, "cells"),
        ("BEGIN LAUNDERING ATTEMPT - CYCLE: Max 2 hops\n", 1, "never closed"),
    ],
)
def test_a_broken_patterns_file_is_named(
    trans: Path, tmp_path: Path, text: str, line: int, words: str
) -> None:
    bad = tmp_path / "p.txt"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_amlworld(trans, tmp_path / "world", patterns=bad)
    assert (caught.value.row, words in caught.value.message) == (line, True)


def test_a_second_import_replaces_the_first_whole(trans: Path, tmp_path: Path) -> None:
    import_amlworld(trans, tmp_path / "world")
    (tmp_path / "world/stale.txt").write_text("old", encoding="utf-8")
    import_amlworld(write_trans(tmp_path / "t2.csv", ROWS[:2]), tmp_path / "world")
    assert not (tmp_path / "world/stale.txt").exists()
    assert len(pd.read_parquet(tmp_path / "world/transactions.parquet")) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["HI-Tiny_Trans.csv", "t2.csv", "world"]


def test_cli_imports_and_prints_json(trans: Path, patterns: Path, tmp_path: Path) -> None:
    out = tmp_path / "world"
    result = CliRunner().invoke(
        app,
        ["monitor", "import", "--format", "amlworld", str(trans), "--patterns", str(patterns),
         "--out", str(out), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["transactions"] == len(ROWS)
    assert payload["typologies"]["fan_out"] == 3
    assert json.loads((out / "import.json").read_text())["laundering_transactions"] == 3


def test_cli_names_the_bad_row_in_one_line(tmp_path: Path) -> None:
    path = write_trans(tmp_path / "t.csv", [ROWS[0], ROWS[1].replace("Cheque", "Barter")])
    result = CliRunner().invoke(
        app, ["monitor", "import", "--format", "amlworld", str(path), "--out", str(tmp_path / "w")]
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("error: ")
    assert "row 3" in lines[-1] and "Payment Format" in lines[-1]
    assert "Traceback" not in result.output


def test_cli_refuses_an_unknown_format(trans: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["monitor", "import", "--format", "saml-d", str(trans), "--out", str(tmp_path / "w")]
    )
    assert result.exit_code == 2
    assert "amlworld" in result.output
