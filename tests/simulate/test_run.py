"""A world is deterministic, complete, time-ordered, and its labels are consistent."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from sever.errors import InputError
from sever.simulate import SimulationParams, simulate
from sever.simulate.params import TYPOLOGY_NAMES


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_byte_identical_files(tmp_path: Path, home) -> None:
    params = SimulationParams(size=5_000, seed=7)
    simulate(params, tmp_path / "a", home=home)
    simulate(params, tmp_path / "b", home=home)
    first, second = _hashes(tmp_path / "a"), _hashes(tmp_path / "b")
    assert len(first) == 14
    assert first == second


def test_different_seeds_differ(tmp_path: Path, home) -> None:
    simulate(SimulationParams(size=5_000, seed=1), tmp_path / "a", home=home)
    simulate(SimulationParams(size=5_000, seed=2), tmp_path / "b", home=home)
    first, second = _hashes(tmp_path / "a"), _hashes(tmp_path / "b")
    assert first["transactions.parquet"] != second["transactions.parquet"]
    assert first["labels/schemes.parquet"] != second["labels/schemes.parquet"]


def test_csv_on_request(tmp_path: Path) -> None:
    summary = simulate(SimulationParams(size=3_000, seed=1, format="csv"), tmp_path)
    assert (tmp_path / "transactions.csv").exists()
    assert (tmp_path / "labels" / "transactions.csv").exists()
    frame = pd.read_csv(tmp_path / "transactions.csv")
    assert len(frame) == summary["counts"]["transactions"] == 3_000
    assert list(frame.columns)[:6] == [
        "tx_id",
        "timestamp",
        "src_account",
        "dst_account",
        "amount",
        "currency",
    ]


def test_size_is_exact_and_files_follow_the_contract(world, world_dir: Path) -> None:
    tx = world["transactions"]
    assert len(tx) == 20_000
    assert tx["tx_id"].is_unique
    assert tx["timestamp"].is_monotonic_increasing
    assert list(world["transfers"].columns) == [
        "transaction_hash",
        "log_index",
        "block_number",
        "block_timestamp",
        "from_address",
        "to_address",
        "value",
        "token_address",
        "asset",
        "chain",
    ]
    meta = json.loads((world_dir / "world.json").read_text())
    assert meta["seed"] == 11 and meta["size"] == 20_000
    assert meta["counts"]["transactions"] == 20_000


def test_every_labelled_transaction_exists(world) -> None:
    labels = world["labels/transactions"]
    bank = labels[labels["table"] == "transactions"]
    chain = labels[labels["table"] == "transfers"]
    assert set(bank["tx_id"]) <= set(world["transactions"]["tx_id"])
    assert set(chain["tx_id"]) <= set(world["transfers"]["transaction_hash"])
    assert set(labels["typology"]) <= set(TYPOLOGY_NAMES)


def test_every_scheme_member_is_labelled_and_exists(world) -> None:
    accounts = set(world["accounts"]["account_id"])
    parties = set(world["parties"]["party_id"])
    assert set(world["labels/accounts"]["account_id"]) <= accounts
    assert set(world["labels/parties"]["party_id"]) <= parties
    labelled_accounts = world["labels/accounts"]
    owners = world["accounts"].set_index("account_id")["holder_id"]
    holders = set(owners[labelled_accounts["account_id"]])
    assert holders <= set(world["labels/parties"]["party_id"]) | set(
        world["parties"][world["parties"]["party_type"].isin(["msb", "exchange"])]["party_id"]
    )
    # every account a labelled bank payment touches is labelled, or is a legitimate service,
    # employer or trading partner the scheme used
    tx = world["transactions"].set_index("tx_id")
    used = tx.loc[world["labels/transactions"].query("table == 'transactions'")["tx_id"]]
    touched = set(used["src_account"]) | set(used["dst_account"])
    unlabelled = touched - set(labelled_accounts["account_id"])
    types = world["parties"].set_index("party_id")["party_type"]
    assert set(types[owners[list(unlabelled)]]) <= {
        "employer",
        "msb",
        "exchange",
        "company",
        "merchant",
    }


def test_every_scheme_has_labelled_activity(world) -> None:
    schemes = world["labels/schemes"]
    with_tx = set(world["labels/transactions"]["scheme_id"])
    assert set(schemes["scheme_id"]) == with_tx
    assert (schemes["start"] <= schemes["end"]).all()
    planted = set(schemes["typology"])
    assert set(TYPOLOGY_NAMES) - {"sanctioned_alias", "ship_to_ship"} <= planted


def test_labels_share_matches_the_illicit_share(tmp_path: Path) -> None:
    params = SimulationParams(
        size=100_000, seed=5, illicit_share=0.02, typologies=("fan_in", "cycle", "structuring")
    )
    summary = simulate(params, tmp_path)
    share = summary["illicit_transactions"] / summary["counts"]["transactions"]
    assert 0.01 < share < 0.03


def test_no_illicit_share_means_no_schemes(tmp_path: Path) -> None:
    summary = simulate(SimulationParams(size=3_000, seed=1, illicit_share=0.0), tmp_path)
    assert summary["schemes"] == {}
    assert pd.read_parquet(tmp_path / "labels" / "transactions.parquet").empty


def test_too_many_schemes_for_the_size_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="lower the illicit share"):
        simulate(SimulationParams(size=2_000, seed=1, scheme_counts={"laptop_farm": 40}), tmp_path)


@pytest.mark.parametrize("seed", [3])
def test_small_preset_is_about_100k_transactions(tmp_path: Path, home, seed: int) -> None:
    summary = simulate(SimulationParams(seed=seed), tmp_path, home=home)
    assert summary["counts"]["transactions"] == 100_000
    assert summary["counts"]["transfers"] >= 9_000
