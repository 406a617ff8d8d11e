"""Labelled data in, trained scorers out; and scores with reasons attached to a run's alerts.

Time is respected throughout: the period is cut into three slices, oldest first. Features of each
slice are computed from that slice's payments only, as a monitoring system would have seen them
then; the model fits on the first slice, calibrates on the second and is tested on the newest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sever.alerts import Alert
from sever.monitor.features import account_features, rule_features, transaction_features
from sever.monitor.pack import DPRK_PACK
from sever.monitor.rule import Inputs
from sever.monitor.scorer import CALIBRATION_SHARE, TEST_SHARE, Scorer, train
from sever.tables.engine import Engine

SLICES = ("fit", "calibrate", "test")
TX_IDS = ["tx_id", "t", "src_account", "dst_account"]
ACCOUNT_IDS = ["account_id", "first_t"]


@dataclass
class Slice:
    """The features and labels of one time slice, at both levels."""

    name: str
    accounts: pd.DataFrame
    tx: pd.DataFrame


def cuts(engine: Engine, inputs: Inputs) -> tuple[int, int]:
    """Time cut-offs (seconds): calibration starts at the first, testing at the second."""
    times = engine.to_pandas(inputs.tx.select("t")).t
    test = int(times.quantile(1 - TEST_SHARE))
    calibrate = int(times[times < test].quantile(1 - CALIBRATION_SHARE))
    return calibrate, test


def slices(
    engine: Engine,
    inputs: Inputs,
    alerts: Sequence[Alert],
    rule_ids: Sequence[str],
    labelled_tx: set[str],
    labelled_accounts: set[str],
    bounds: tuple[int, int],
    *,
    raw_only: bool = False,
    fit_share: float = 1.0,
) -> list[Slice]:
    """Features and labels for the fit, calibration and test slices.

    ``fit_share`` below 1 keeps that share of the unlabelled payments of the fit slice (all the
    labelled ones stay); calibration and test slices are always whole, so scores stay calibrated
    and measured on the real mix.
    """
    labelled = engine.table(pd.DataFrame({"tx_id": sorted(labelled_tx)}).astype(str))
    edges = [None, *bounds, None]
    out = []
    for name, low, high in zip(SLICES, edges, edges[1:], strict=False):
        tx = inputs.tx
        if low is not None:
            tx = tx.filter(tx.t >= low)
        if high is not None:
            tx = tx.filter(tx.t < high)
        part = Inputs(tx=tx, accounts=inputs.accounts, hits=inputs.hits, keep=inputs.keep)
        accounts = account_features(engine, part)
        share = fit_share if name == "fit" else 1.0
        payments = transaction_features(
            engine, part, accounts, raw_only=raw_only, keep=labelled, share=share
        )
        if not raw_only:
            tx_rules, _ = rule_features(alerts, rule_ids, payments, accounts)
            seen = set(payments.tx_id)
            in_slice = [a for a in alerts if seen.intersection(a.tx_ids)]
            _, account_rules = rule_features(in_slice, rule_ids, payments, accounts)
            accounts = pd.concat([accounts, account_rules], axis=1)
            payments = pd.concat([payments, tx_rules], axis=1)
        accounts["label"] = accounts.account_id.isin(labelled_accounts)
        payments["label"] = payments.tx_id.isin(labelled_tx)
        out.append(Slice(name, accounts, payments))
    return out


def fit_level(
    parts: Sequence[Slice], level: str, *, with_rules: bool, columns: Sequence[str] | None = None
) -> tuple[Scorer, pd.DataFrame]:
    """Train one scorer on fit + calibrate slices; returns it and the test slice, scored."""
    frames = [getattr(p, "accounts" if level == "account" else "tx") for p in parts]
    ids = ACCOUNT_IDS if level == "account" else TX_IDS
    rule_columns = [c for c in frames[0].columns if c.startswith("rule_")]
    drop = [*ids, "label", *([] if with_rules else rule_columns)]
    if columns is not None:
        drop = [c for c in frames[0].columns if c not in columns]
    order = np.concatenate([np.full(len(f), i) for i, f in enumerate(frames)])
    both = pd.concat(frames, ignore_index=True)
    # The split follows slice order: fit, calibrate, test; the slices are already in time order.
    shares = [len(f) for f in frames]
    test_share = shares[2] / len(both)
    calibration_share = shares[1] / (shares[0] + shares[1])
    scorer, _ = train(
        both.drop(columns=["label"]),
        both["label"],
        pd.Series(order, dtype=float),
        level=level,
        drop=[c for c in drop if c != "label"],
        test_share=test_share,
        calibration_share=calibration_share,
    )
    test = frames[2].copy()
    test["score"] = scorer.score(test)
    test["flagged"] = test["score"] >= scorer.threshold
    return scorer, test


def attach_scores(
    alerts: Sequence[Alert], scorer: Scorer, accounts: pd.DataFrame, top: int = 3
) -> list[Alert]:
    """Each alert scored by the account model (its highest-scoring account), with the reasons."""
    from dataclasses import replace

    frame = accounts.set_index("account_id", drop=False)
    scored = []
    for alert in alerts:
        known = [a for a in alert.accounts if a in frame.index]
        if not known:
            scored.append(alert)
            continue
        rows = frame.loc[known]
        values = scorer.score(rows)
        best = int(np.argmax(values))
        reasons = scorer.contributions(rows.iloc[[best]], top=top)[0]
        said = ", ".join(
            f"{r['feature']} = {r['value']} ({r['contribution']:+.2f})" for r in reasons
        )
        evidence = dict(alert.evidence) | {
            "model": {"account": known[best], "score": float(values[best]), "top": reasons}
        }
        scored.append(
            replace(
                alert,
                score=round(float(values[best]), 4),
                evidence=evidence,
                explanation=alert.explanation
                + f" Model score {values[best]:.2f} for {known[best]}; it weighed: {said}.",
            )
        )
    return scored


MODEL_FILES = {"account": "monitor-account.json", "transaction": "monitor-transaction.json"}


def train_scorers(
    engine: Engine,
    inputs: Inputs,
    alerts: Sequence[Alert],
    labelled_tx: set[str],
    labelled_accounts: set[str],
    models_dir: Path,
) -> dict:
    """Train the account and payment scorers (rule hits included) and save them in ``models_dir``.

    Returns what was tested on the newest slice: precision, recall and F1 at both levels.
    """
    rule_ids = [rule.id for rule in DPRK_PACK]
    bounds = cuts(engine, inputs)
    parts = slices(engine, inputs, alerts, rule_ids, labelled_tx, labelled_accounts, bounds)
    report = {}
    for level in ("account", "transaction"):
        scorer, tested = fit_level(parts, level, with_rules=True)
        truth = tested["label"].astype(bool)
        flagged = tested["flagged"]
        tp = int((truth & flagged).sum())
        precision = tp / max(1, int(flagged.sum()))
        recall = tp / max(1, int(truth.sum()))
        scorer.report = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if tp else 0.0,
            "test_rows": len(tested),
            "threshold": scorer.threshold,
        }
        scorer.save(models_dir / MODEL_FILES[level])
        report[level] = scorer.report
    return report


def load_scorer(models_dir: Path, level: str = "account") -> Scorer | None:
    """The scorer trained into this home, or None when none has been trained."""
    path = models_dir / MODEL_FILES[level]
    return Scorer.load(path) if path.exists() else None


def scored_alerts(
    engine: Engine, inputs: Inputs, alerts: Sequence[Alert], scorer: Scorer
) -> list[Alert]:
    """The run's alerts with model scores and contributions, from features over all its data."""
    rule_ids = [rule.id for rule in DPRK_PACK]
    accounts = account_features(engine, inputs)
    payments = engine.to_pandas(inputs.tx.select("tx_id"))
    _, account_rules = rule_features(alerts, rule_ids, payments, accounts)
    return attach_scores(alerts, scorer, pd.concat([accounts, account_rules], axis=1))
