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
    assert len(first) == 15
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


def test_every_scheme_member_is_labelled_and_exists(every_typology) -> None:
    world = every_typology
    accounts = set(world["accounts"]["account_id"])
    parties = set(world["parties"]["party_id"])
    labelled_accounts = world["labels/accounts"]
    assert set(labelled_accounts["account_id"]) <= accounts
    assert set(world["labels/parties"]["party_id"]) <= parties
    owners = world["accounts"].set_index("account_id")["holder_id"]
    assert set(owners[labelled_accounts["account_id"]]) <= set(world["labels/parties"]["party_id"])
    # an account a labelled payment touches is labelled, or is an ordinary counterparty (an
    # employer, a money-service business, an exchange, a trading partner, a person paid)
    labels = world["labels/transactions"].query("table == 'transactions'")
    used = labels.merge(world["transactions"], on="tx_id")
    members = world["labels/parties"].groupby("scheme_id")["party_id"].agg(set)
    labelled = set(labelled_accounts["account_id"])
    for scheme_id, rows in used.groupby("scheme_id"):
        touched = set(rows["src_account"]) | set(rows["dst_account"])
        assert touched <= accounts
        through = {a for a in touched - labelled if owners[a] in members[scheme_id]}
        assert not through, f"{scheme_id} pays through a member's unlabelled account"


def test_every_scheme_has_labelled_activity(every_typology) -> None:
    schemes = every_typology["labels/schemes"]
    with_tx = set(every_typology["labels/transactions"]["scheme_id"])
    assert set(schemes["scheme_id"]) == with_tx
    assert (schemes["start"] <= schemes["end"]).all()
    assert set(schemes["typology"]) == set(TYPOLOGY_NAMES)


def test_at_most_one_percent_of_active_accounts_play_a_role(tmp_path: Path) -> None:
    """Realistic prevalence by default: counted from the files, not from the summary."""
    summary = simulate(SimulationParams(size=60_000, seed=5), tmp_path)
    tx = pd.read_parquet(tmp_path / "transactions.parquet", columns=["src_account", "dst_account"])
    active = set(tx["src_account"]) | set(tx["dst_account"])
    planted = set(pd.read_parquet(tmp_path / "labels" / "accounts.parquet")["account_id"])
    assert planted <= active, "every account with a role also has activity"
    assert 0 < len(planted) <= 0.01 * len(active)
    assert summary["illicit_accounts"] == len(planted)
    assert summary["prevalence"] <= 0.01


def test_the_illicit_share_caps_the_accounts_with_a_role(tmp_path: Path) -> None:
    share = 0.04
    summary = simulate(SimulationParams(size=20_000, seed=2, illicit_share=share), tmp_path)
    assert summary["illicit_accounts"] <= share * summary["active_accounts"]
    assert summary["illicit_accounts"] > 0.5 * share * summary["active_accounts"]
    assert len(summary["schemes"]) >= 3


def test_explicit_counts_are_planted_exactly_beside_the_share(tmp_path: Path) -> None:
    params = SimulationParams(size=20_000, seed=3, scheme_counts={"cycle": 3, "fan_in": 0})
    summary = simulate(params, tmp_path)
    assert summary["schemes"]["cycle"] == 3
    assert "fan_in" not in summary["schemes"]


def test_missed_schemes_leave_the_labels_but_stay_in_the_truth(tmp_path: Path) -> None:
    params = SimulationParams(
        size=20_000,
        seed=4,
        label_noise=0.3,
        label_delay_days=20.0,
        scheme_counts={"fan_in": 4, "cycle": 3, "structuring": 3},
    )
    summary = simulate(params, tmp_path)
    truth = pd.read_parquet(tmp_path / "truth" / "schemes.parquet")
    known = pd.read_parquet(tmp_path / "labels" / "schemes.parquet")
    assert summary["missed_schemes"] == round(0.3 * len(truth)) == len(truth) - len(known)
    assert set(known["scheme_id"]) < set(truth["scheme_id"])
    for name in ("transactions", "accounts", "parties"):
        labels = pd.read_parquet(tmp_path / "labels" / f"{name}.parquet")
        full = pd.read_parquet(tmp_path / "truth" / f"{name}.parquet")
        assert set(labels["scheme_id"]) <= set(known["scheme_id"])
        assert set(labels["scheme_id"]) < set(full["scheme_id"]) <= set(truth["scheme_id"])
    assert (truth["labelled_at"] >= truth["end"]).all()
    assert (truth["labelled_at"] - truth["end"]).mean() > pd.Timedelta(days=5)


def test_by_default_labels_are_the_whole_truth_and_come_at_once(world, world_dir: Path) -> None:
    assert not (world_dir / "truth").exists()
    schemes = world["labels/schemes"]
    assert (schemes["labelled_at"] == schemes["end"]).all()
    dated = world["labels/accounts"].merge(schemes[["scheme_id", "labelled_at"]], on="scheme_id")
    assert (dated["labelled_at_x"] == dated["labelled_at_y"]).all()


def test_world_json_records_the_difficulty(tmp_path: Path) -> None:
    simulate(SimulationParams(size=5_000, seed=1, difficulty="adversarial"), tmp_path)
    meta = json.loads((tmp_path / "world.json").read_text())
    assert meta["difficulty"] == meta["parameters"]["difficulty"] == "adversarial"
    assert meta["parameters"]["scheme"]["mules"] == [2, 6]


def test_no_illicit_share_means_no_schemes(tmp_path: Path) -> None:
    summary = simulate(SimulationParams(size=3_000, seed=1, illicit_share=0.0), tmp_path)
    assert summary["schemes"] == {}
    assert pd.read_parquet(tmp_path / "labels" / "transactions.parquet").empty


def test_too_many_schemes_for_the_size_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="lower the illicit share or scheme counts"):
        simulate(SimulationParams(size=2_000, seed=1, scheme_counts={"laptop_farm": 40}), tmp_path)


@pytest.mark.parametrize("seed", [3])
def test_small_preset_is_about_100k_transactions(tmp_path: Path, home, seed: int) -> None:
    summary = simulate(SimulationParams(seed=seed), tmp_path, home=home)
    assert summary["counts"]["transactions"] == 100_000
    assert summary["counts"]["transfers"] >= 9_000
