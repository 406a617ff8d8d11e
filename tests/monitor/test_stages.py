"""The account model in stages: scores spread to counterparties, the stage count chosen on scores
no model saw the labels of, the stages saved and run again in order; schemes read off payments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sever.monitor.scorer import Scorer
from sever.monitor.training import fit_account_model, scheme_groups, score_accounts
from sever.tables.engine import connect

HUBS, MULES, OTHERS = 16, 32, 200


def hub_world(*, mules_labelled: bool) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Hubs that stand out on their own (feature ``x``), mules that look ordinary but each pay a
    hub, and ordinary accounts paying one another. Returns features, payments and schemes."""
    rng = np.random.default_rng(11)
    hubs = [f"H{i:02d}" for i in range(HUBS)]
    mules = [f"M{i:02d}" for i in range(MULES)]
    others = [f"O{i:03d}" for i in range(OTHERS)]
    ids = hubs + mules + others
    x = np.concatenate([rng.normal(3, 1, HUBS), rng.normal(0, 1, MULES + OTHERS)])
    label = [True] * HUBS + [mules_labelled] * MULES + [False] * OTHERS
    accounts = pd.DataFrame({"account_id": ids, "x": x, "label": label})
    paid = [(mule, hubs[i % HUBS]) for i, mule in enumerate(mules)]
    paid += [(other, others[j]) for other in others for j in rng.choice(OTHERS, 2)]
    payments = pd.DataFrame(paid, columns=["src_account", "dst_account"]).assign(
        tx_id=lambda f: [f"t{i}" for i in range(len(f))],
        amount_usd=rng.uniform(100, 1_000, len(paid)),
        t=np.arange(len(paid), dtype="int64") * 600,
    )
    schemes = {hub: hub for hub in hubs} | {mule: hubs[i % HUBS] for i, mule in enumerate(mules)}
    return accounts, payments, schemes


@pytest.mark.parametrize(("mules_labelled", "stages"), [(True, 2), (False, 1)])
def test_a_stage_is_kept_only_when_spreading_scores_helps_on_unseen_folds(
    tmp_path: Path, mules_labelled: bool, stages: int
) -> None:
    engine = connect("duckdb")
    accounts, payments, schemes = hub_world(mules_labelled=mules_labelled)
    tx = engine.table(payments)
    scorer = fit_account_model(engine, accounts, tx, schemes, target=0.5, max_stages=2)
    chosen = scorer.report["stages"]
    assert scorer.stages == chosen["chosen"] == stages
    assert len(chosen["out_of_fold_average_precision"]) == 2
    scored = score_accounts(engine, tx, accounts, scorer)
    found = scored.flagged[scored.account_id.str.startswith("M")].mean()
    if mules_labelled:  # the mules are found through the hubs they pay
        assert found > 0.5
        # Saved and loaded, every stage runs again in order and scores the same.
        loaded = Scorer.load(scorer.save(tmp_path / "model.json"))
        assert loaded.stages == 2
        again = score_accounts(engine, tx, accounts, loaded)
        np.testing.assert_allclose(again["score"], scored["score"])
    else:
        assert found < 0.2


def test_schemes_are_read_off_the_payments_between_labelled_accounts() -> None:
    engine = connect("duckdb")
    payments = pd.DataFrame(
        [("t1", "A", "B"), ("t2", "B", "C"), ("t3", "X", "D"), ("t4", "X", "Y"), ("t5", "E", "X")],
        columns=["tx_id", "src_account", "dst_account"],
    )
    groups = scheme_groups(engine, engine.table(payments), {"A", "B", "C", "D", "E"},
                           {"t3", "t4"})  # fmt: skip
    assert groups["A"] == groups["B"] == groups["C"]
    assert len({groups["A"], groups["D"], groups["E"]}) == 3
    # A payment takes its labelled side's scheme; with no labelled side, its receiver's.
    assert groups["t3"] == groups["D"] and groups["t4"] == "receiver-Y"
    assert "t5" not in groups
