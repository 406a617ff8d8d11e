"""Labelled (or unlabelled) data in, trained scorers out; scores and model alerts for a run.

What is learned depends on the labels given:

- account labels: an account model (LightGBM);
- payment labels: a payment model (LightGBM);
- both: both models;
- none: an account anomaly model (isolation forest) over the same features.

The data is split fairly (:mod:`sever.monitor.split`): an older and a newer time slice with a gap
between them, each scheme counted once. The model fits on the older slice, calibrates and sets its
threshold there on scores it did not fit (folds grouped so that one scheme's rows never sit on both
sides), and is tested on the newer.

The account model comes in stages (:func:`fit_account_model`): each stage's scores are spread to
every account's counterparties and read by the next, because mules and the sources of a scheme
seldom stand out alone. How many stages is chosen on the fit slice, from scores no model saw the
labels of; the test slice is not looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from sever.alerts import Alert
from sever.errors import InputError
from sever.monitor.features import (
    ALERT_NEIGHBOURHOOD,
    RULE_SUMMARY,
    SCALE_BOUND,
    SPREAD_PREFIX,
    account_features,
    alert_neighbourhood,
    rule_features,
    spread_scores,
    to_matrix,
    transaction_features,
)
from sever.monitor.pack import DPRK_PACK
from sever.monitor.rule import Inputs
from sever.monitor.scorer import (
    ALERT_SHARE,
    TARGET_PRECISION,
    Scorer,
    cross_fit,
    fit_anomaly,
    fit_cross,
)
from sever.monitor.split import Cuts, Labels, slice_labels, time_cuts
from sever.tables.engine import Engine

TX_IDS = ["tx_id", "t", "src_account", "dst_account"]
ACCOUNT_IDS = ["account_id"]
MODES = ("auto", "accounts", "transactions", "both", "anomaly")
"""What ``train`` learns: ``auto`` follows the labels given (none given: ``anomaly``)."""
MODEL_FILES = {"account": "monitor-account.json", "transaction": "monitor-transaction.json"}
MAX_STAGES = 6
"""The most account models in a row (:func:`fit_account_model`)."""
STAGE_GAIN = 0.01
"""A further stage is kept only when it raises the out-of-fold average precision on the fit data by
at least this much: a stage that adds less is noise bought with another model to explain."""
MIN_FLAGGED_PAYMENTS = 2
"""A payment model alerts on an account party to at least this many flagged payments: one could be
the innocent side of someone else's scheme (a victim, a customer), two make a pattern."""


@dataclass
class Slice:
    """The features and labels of one time slice, at both levels (None when not asked for)."""

    name: str
    accounts: pd.DataFrame
    tx: pd.DataFrame | None
    dropped: dict[str, int]
    """Rows left out because their scheme was already counted in an earlier slice."""
    ledger: ir.Table | None = None
    """The slice's payments, over which an account model's stages spread their scores."""


def cuts(engine: Engine, inputs: Inputs) -> Cuts:
    """Where testing begins, and the gap left before it (see ``split``)."""
    return time_cuts(engine.to_pandas(inputs.tx.select("t")).t)


def slices(
    engine: Engine,
    inputs: Inputs,
    alerts: Sequence[Alert],
    rule_ids: Sequence[str],
    labelled_tx: set[str] | None,
    labelled_accounts: set[str] | None,
    bounds: Cuts,
    *,
    raw_only: bool = False,
    fit_share: float = 1.0,
    account_start: dict[str, float] | None = None,
    tx_start: dict[str, float] | None = None,
) -> list[Slice]:
    """Features and labels for the fit and test slices.

    Payment features are computed only when payment labels are given (``labelled_tx`` not None).
    ``fit_share`` below 1 keeps that share of the unlabelled payments of the fit slice (all the
    labelled ones stay; the model then calibrates on that sample); the test slice is always
    whole, so scores are measured on the real mix. ``account_start`` and ``tx_start`` give each
    labelled id its scheme's start, so a scheme that straddles a cut is counted once.
    """
    labelled = engine.table(pd.DataFrame({"tx_id": sorted(labelled_tx or ())}).astype(str))
    out = []
    for name, low, high in bounds.bounds():
        tx = inputs.tx
        if low is not None:
            tx = tx.filter(tx.t >= low)
        if high is not None:
            tx = tx.filter(tx.t < high)
        part = Inputs(tx=tx, accounts=inputs.accounts, hits=inputs.hits, keep=inputs.keep,
                      parties=inputs.parties)  # fmt: skip
        accounts = account_features(engine, part)
        payments = None
        if labelled_tx is not None or raw_only:
            share = fit_share if name == "fit" else 1.0
            payments = transaction_features(
                engine, part, accounts, raw_only=raw_only, keep=labelled, share=share
            )
        if not raw_only:
            ids = payments if payments is not None else engine.to_pandas(tx.select("tx_id"))
            seen = set(ids.tx_id)
            in_slice = [a for a in alerts if seen.intersection(a.tx_ids)]
            _, account_rules = rule_features(in_slice, rule_ids, ids, accounts)
            around = alert_neighbourhood(engine, tx, in_slice, accounts)
            accounts = pd.concat([accounts, account_rules, around], axis=1)
            if payments is not None:
                tx_rules, _ = rule_features(alerts, rule_ids, payments, accounts)
                payments = pd.concat([payments, tx_rules], axis=1)
        dropped = {}
        label, keep = slice_labels(
            accounts.account_id, labelled_accounts or set(), account_start or {}, low, high
        )
        accounts = accounts.assign(label=label)[keep].reset_index(drop=True)
        dropped["accounts"] = int((~keep).sum())
        if payments is not None:
            label, keep = slice_labels(
                payments.tx_id, labelled_tx or set(), tx_start or {}, low, high
            )
            payments = payments.assign(label=label)[keep].reset_index(drop=True)
            dropped["transactions"] = int((~keep).sum())
        out.append(Slice(name, accounts, payments, dropped, tx))
    return out


def _frames(parts: Sequence[Slice], level: str) -> list[pd.DataFrame]:
    frames = [p.accounts if level == "account" else p.tx for p in parts]
    if any(f is None for f in frames):
        raise InputError(None, f"no {level} features were computed for the {level} model")
    return frames


def model_columns(frame: pd.DataFrame, level: str, *, with_rules: bool) -> list[str]:
    """The columns a model of this level reads: no ids, no label, no raw amounts (their peer
    ranks instead), rule hits only when asked."""
    ids = ACCOUNT_IDS if level == "account" else TX_IDS
    skip = {*ids, "label", *SCALE_BOUND}
    from_rules = {*RULE_SUMMARY, *ALERT_NEIGHBOURHOOD}
    return [
        c
        for c in frame.columns
        if c not in skip
        and (with_rules or not (c.startswith(("rule_", SPREAD_PREFIX)) or c in from_rules))
    ]


def fit_across(
    tune: Slice,
    test: Slice,
    level: str,
    groups: dict[str, str],
    *,
    with_rules: bool,
    target: float = TARGET_PRECISION,
) -> tuple[Scorer, pd.DataFrame]:
    """Train one scorer on all of a labelled tuning set (calibrated out of fold, see
    :func:`~sever.monitor.scorer.fit_cross`) and score another set with it; returns the scorer
    and ``test`` scored (``score``, ``flagged``). ``groups`` maps a labelled id to its scheme so
    that one scheme's rows never sit on both sides of a fold (other rows are their own group)."""
    fit, scored = _frames([tune, test], level)
    key = ACCOUNT_IDS[0] if level == "account" else TX_IDS[0]
    ids = fit[key].astype(str)
    chosen = model_columns(fit, level, with_rules=with_rules)
    scorer = fit_cross(
        to_matrix(fit[chosen], []),
        fit["label"].astype(int).to_numpy(),
        ids.map(groups).fillna(ids).to_numpy(),
        level=level,
        target=target,
    )
    tested = scored.copy()
    tested["score"] = scorer.score(tested)
    tested["flagged"] = tested["score"] >= scorer.threshold
    return scorer, tested


def fit_account_model(
    engine: Engine,
    fit: pd.DataFrame,
    tx: ir.Table,
    groups: dict[str, str],
    *,
    with_rules: bool = True,
    target: float = TARGET_PRECISION,
    max_stages: int = MAX_STAGES,
) -> Scorer:
    """The account model, in as many stages as help (at most ``max_stages``).

    ``fit`` holds the account features of the fit data with a ``label`` column; ``tx`` its
    payments, over which scores spread; ``groups`` maps a labelled account to its scheme. Each
    stage is LightGBM cross-fitted with folds grouped by scheme
    (:func:`~sever.monitor.scorer.cross_fit`); its out-of-fold scores are spread to every
    account's counterparties (:func:`~sever.monitor.features.spread_scores`) and the next stage
    reads them beside everything the one before read. So no account learns its own label back
    through its neighbours, and the out-of-fold average precision of each stage says whether it
    helped: a stage is kept when it adds at least :data:`STAGE_GAIN`. The choice is recorded in
    the last scorer's report (``stages``); a model that reads no rules has one stage.
    """
    from sklearn.metrics import average_precision_score

    y = fit["label"].astype(int).to_numpy()
    ids = fit["account_id"].astype(str)
    grouping = ids.map(groups).fillna(ids).to_numpy()
    frame = fit
    kept: list[Scorer] = []
    quality: list[float] = []
    for stage in range(1, (max_stages if with_rules else 1) + 1):
        chosen = model_columns(frame, "account", with_rules=with_rules)
        model, held_out = cross_fit(
            to_matrix(frame[chosen], []), y, grouping, level="account", target=target
        )
        quality.append(round(float(average_precision_score(y, held_out)), 4))
        if kept and quality[-1] < quality[-2] + STAGE_GAIN:
            break
        kept.append(model)
        frame = pd.concat([frame, spread_scores(engine, tx, frame, held_out, stage)], axis=1)
    last = kept[-1]
    last.earlier = kept[:-1]
    last.report["stages"] = {"chosen": last.stages, "out_of_fold_average_precision": quality}
    return last


def stage_features(
    engine: Engine, tx: ir.Table, accounts: pd.DataFrame, scorer: Scorer
) -> pd.DataFrame:
    """``accounts`` with what the scorer's earlier stages say about each account's
    counterparties: each stage's scores spread over ``tx`` (the payments they were made from)."""
    for stage, model in enumerate(scorer.earlier, start=1):
        near = spread_scores(engine, tx, accounts, model.raw(accounts), stage)
        accounts = pd.concat([accounts, near], axis=1)
    return accounts


def score_accounts(
    engine: Engine, tx: ir.Table, accounts: pd.DataFrame, scorer: Scorer
) -> pd.DataFrame:
    """Account features scored by an account scorer, all its stages run in order: ``accounts``
    with the spread features, ``score`` and ``flagged`` (at or above its threshold)."""
    scored = stage_features(engine, tx, accounts, scorer)
    scored["score"] = scorer.score(scored)
    scored["flagged"] = scored["score"] >= scorer.threshold
    return scored


def scheme_groups(
    engine: Engine, tx: ir.Table, accounts: set[str], payments: set[str] | None = None
) -> dict[str, str]:
    """Labelled accounts (and labelled payments) grouped as the schemes they play in, read off
    the payments: labelled accounts that paid each other are one group. Cross-fitting keeps a
    group on one side of a fold, so a mule is never scored by a model that learned from its
    collector. A labelled payment takes its sender's group, else its receiver's (when only one
    side is labelled); with neither side labelled, the payments to one receiver are one group."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    names = sorted(accounts)
    index = {name: i for i, name in enumerate(names)}
    known = engine.table(pd.DataFrame({"known": names}, dtype=str))
    marked = engine.table(pd.DataFrame({"marked": sorted(payments or ())}, dtype=str))
    edges = tx.select("tx_id", "src_account", "dst_account")
    edges = edges.left_join(marked, edges.tx_id == marked.marked)
    both = edges.src_account.isin(known.known) & edges.dst_account.isin(known.known)
    links = engine.to_pandas(
        edges.filter(both | edges.marked.notnull()).select(
            "tx_id", "src_account", "dst_account", linked=both, labelled=edges.marked.notnull()
        )
    )
    paired = links[links.linked]
    src = paired.src_account.map(index).to_numpy()
    dst = paired.dst_account.map(index).to_numpy()
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(len(names), len(names)))
    _, component = connected_components(graph, directed=False)
    out = {name: f"scheme-{component[i]}" for name, i in index.items()}
    for row in links[links.labelled].itertuples(index=False):
        side = row.src_account if row.src_account in index else row.dst_account
        out[str(row.tx_id)] = out.get(side, f"receiver-{row.dst_account}")
    return out


def measure(tested: pd.DataFrame) -> dict[str, Any]:
    """Precision, recall and F1 of the flagged rows against the labels."""
    truth = tested["label"].astype(bool)
    flagged = tested["flagged"].astype(bool)
    tp = int((truth & flagged).sum())
    precision = tp / max(1, int(flagged.sum()))
    recall = tp / max(1, int(truth.sum()))
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / (precision + recall), 4) if tp else 0.0,
        "flagged": int(flagged.sum()),
        "positives": int(truth.sum()),
        "test_rows": len(tested),
    }


def learn_levels(mode: str, labels: Labels) -> dict[str, bool]:
    """Which levels to train, each with True when it is an anomaly model (no labels)."""
    given = labels.mode
    if mode == "auto":
        mode = {"none": "anomaly"}.get(given, given)
    needs = {"accounts": "account labels", "transactions": "payment labels"}
    for level, words in needs.items():
        if mode in (level, "both") and given not in (level, "both"):
            raise InputError(None, f"--mode {mode} needs {words}", field="--mode")
    if mode == "anomaly":
        return {"account": True}
    levels = {"accounts": ["account"], "transactions": ["transaction"]}.get(
        mode, ["account", "transaction"]
    )
    return dict.fromkeys(levels, False)


def train_scorers(
    engine: Engine,
    inputs: Inputs,
    alerts: Sequence[Alert],
    labels: Labels,
    models_dir: Path,
    *,
    mode: str = "auto",
    alert_share: float = ALERT_SHARE,
) -> dict[str, Any]:
    """Train the scorers the labels allow (rule hits included as features), save them in
    ``models_dir`` (removing models of levels not trained now) and return what was measured on
    the newest slice: precision, recall, F1 (when labels exist), threshold, top features."""
    levels = learn_levels(mode, labels)
    rule_ids = [rule.id for rule in DPRK_PACK]
    bounds = cuts(engine, inputs)
    parts = slices(
        engine, inputs, alerts, rule_ids,
        labels.tx if "transaction" in levels else None, labels.accounts, bounds,
        account_start=labels.account_start, tx_start=labels.tx_start,
    )  # fmt: skip
    fit, test = parts
    groups = (
        scheme_groups(engine, fit.ledger, labels.accounts or set(), labels.tx)
        if labels.mode != "none"
        else {}
    )
    report: dict[str, Any] = {}
    for level, anomaly in levels.items():
        if anomaly:
            chosen = model_columns(fit.accounts, level, with_rules=True)
            scorer = fit_anomaly(to_matrix(fit.accounts[chosen], []), fit.accounts,
                                 level=level, alert_share=alert_share)  # fmt: skip
            tested = test.accounts.assign(score=scorer.score(test.accounts))
            tested["flagged"] = tested["score"] >= scorer.threshold
        elif level == "account":
            scorer = fit_account_model(engine, fit.accounts, fit.ledger, groups)
            tested = score_accounts(engine, test.ledger, test.accounts, scorer)
        else:
            scorer, tested = fit_across(fit, test, level, groups, with_rules=True)
        scorer.report = {
            "kind": scorer.kind,
            "threshold": round(scorer.threshold, 4),
            "top_features": scorer.importance,
            "slices": {
                p.name: {"rows": len(_frames([p], level)[0]), "dropped": p.dropped} for p in parts
            },
            "gap_seconds": bounds.gap,
        } | ({"stages": scorer.report["stages"]} if "stages" in scorer.report else {})
        if (labels.accounts if level == "account" else labels.tx) is not None:
            scorer.report["tested"] = measure(tested)
        scorer.save(models_dir / MODEL_FILES[level])
        report[level] = scorer.report
    for level, name in MODEL_FILES.items():
        if level not in levels:
            (models_dir / name).unlink(missing_ok=True)
    return report


def load_scorer(models_dir: Path, level: str = "account") -> Scorer | None:
    """The scorer trained into this home at this level, or None when none has been trained."""
    path = models_dir / MODEL_FILES[level]
    return Scorer.load(path) if path.exists() else None


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


def scored_alerts(
    engine: Engine, inputs: Inputs, alerts: Sequence[Alert], scorer: Scorer
) -> list[Alert]:
    """The run's alerts, then one model alert per account the model flags (whether or not a rule
    named it), each with its reasons in words. An account model also scores the rule alerts; a
    payment model flags payments, and its alerts name their senders."""
    from sever.monitor.model_alerts import model_alerts

    rule_ids = [rule.id for rule in DPRK_PACK]
    accounts = account_features(engine, inputs)
    ids = engine.to_pandas(inputs.tx.select("tx_id"))
    tx_rules, account_rules = rule_features(alerts, rule_ids, ids, accounts)
    around = alert_neighbourhood(engine, inputs.tx, alerts, accounts)
    accounts = pd.concat([accounts, account_rules, around], axis=1)
    if scorer.level == "account":
        accounts = stage_features(engine, inputs.tx, accounts, scorer)
        flagged = accounts.assign(score=scorer.score(accounts))
        return [
            *attach_scores(alerts, scorer, accounts),
            *model_alerts(engine, inputs, scorer, flagged, accounts, alerts),
        ]
    payments = transaction_features(engine, inputs, accounts)
    payments = payments.merge(pd.concat([ids, tx_rules], axis=1), on="tx_id")
    scored = payments.assign(score=scorer.score(payments))
    flagged = scored[scored["score"] >= scorer.threshold]
    # A flagged payment does not say which side is illicit: each side is a candidate, and an
    # account becomes an alert when it is a party to several flagged payments.
    sides = pd.concat(
        [flagged.assign(account_id=flagged[side]) for side in ("src_account", "dst_account")]
    )
    counts = sides["account_id"].value_counts()
    chosen = sides[sides["account_id"].isin(counts.index[counts >= MIN_FLAGGED_PAYMENTS])]
    return [*alerts, *model_alerts(engine, inputs, scorer, chosen, accounts, alerts)]
