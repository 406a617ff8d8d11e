"""bitcoin-etl inputs and outputs become transfers; common-input clustering joins co-signers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sever.trace.run import TraceSettings, trace
from sever.trace.transfers import load_transfers
from tests.trace.trace_chain import engine_for

THIEF, COSIGNER = "1ThiefAddressxxxxxxxxxxxxxxxxxxxx", "3CosignerAddressxxxxxxxxxxxxxxxxx"


def bitcoin_etl(folder: Path) -> tuple[Path, Path]:
    """Two transactions: the thief and a co-signer pay 3 + 1 BTC to a mule (3.9) and change
    back to the thief (0.09, fee 0.01); then the mule pays an exchange."""
    inputs = pd.DataFrame(
        {
            "transaction_hash": ["t1", "t1", "t2"],
            "block_timestamp": [
                "2024-03-01 09:00:00",
                "2024-03-01 09:00:00",
                "2024-03-01 10:00:00",
            ],
            "block_number": [1, 1, 2],
            "index": [0, 1, 0],
            "spent_transaction_hash": ["p0", "p1", "t1"],
            "spent_output_index": [0, 0, 0],
            "addresses": [f"['{THIEF}']", f"['{COSIGNER}']", "['bc1qmule']"],
            "value": [300_000_000, 100_000_000, 390_000_000],
        }
    )
    outputs = pd.DataFrame(
        {
            "transaction_hash": ["t1", "t1", "t2"],
            "block_timestamp": [
                "2024-03-01 09:00:00",
                "2024-03-01 09:00:00",
                "2024-03-01 10:00:00",
            ],
            "block_number": [1, 1, 2],
            "index": [0, 1, 0],
            "addresses": ["['bc1qmule']", f"['{THIEF}']", "['bc1qexchange']"],
            "value": [390_000_000, 9_000_000, 390_000_000],
        }
    )
    inputs.to_csv(folder / "inputs.csv", index=False)
    outputs.to_csv(folder / "outputs.csv", index=False)
    return folder / "inputs.csv", folder / "outputs.csv"


def test_inputs_and_outputs_become_proportional_transfers(tmp_path: Path) -> None:
    paths = bitcoin_etl(tmp_path)
    with engine_for() as engine:
        loaded = load_transfers(engine, list(paths))
        rows = engine.to_pandas(loaded.table)
        result = trace(loaded, TraceSettings((THIEF,), min_usd=0.0))
    to_mule = rows[(rows.src == THIEF) & (rows.dst == "bc1qmule")].value.sum()
    assert to_mule == pytest.approx(3.9 * 3 / 4)
    assert loaded.handling.self_transfers == 1  # the thief's change
    assert set(rows.asset) == {"BTC"}
    reached = result.addresses.set_index("address")
    assert reached.loc["bc1qexchange", "traced_value"] == pytest.approx(3.9 * 3 / 4)


def test_common_input_clustering_makes_co_signers_one_owner(tmp_path: Path) -> None:
    paths = bitcoin_etl(tmp_path)
    with engine_for() as engine:
        loaded = load_transfers(engine, list(paths), cluster_inputs=True)
        result = trace(loaded, TraceSettings((THIEF,), min_usd=0.0))
    reached = result.addresses.set_index("address")
    assert reached.loc["bc1qexchange", "traced_value"] == pytest.approx(3.9)
