"""The learned scorer: a model over account or payment features, calibrated, with its reasons.

Two kinds, one interface:

- **lightgbm** (labels given): gradient-boosted trees fitted on every labelled row, calibrated
  (isotonic) on out-of-fold scores (each row scored by a model that did not see its scheme) so a
  score of 0.8 means about 80 % of such cases were illicit there; the alert threshold is the
  lowest score whose alerts were still 70 % precise on those scores. Reasons are each row's top
  feature contributions (LightGBM's ``pred_contrib``).
- **isolation_forest** (no labels): scikit-learn's isolation forest over the same numeric features;
  the score is the share of the fit rows less anomalous than this one, and the threshold is set
  by an alert budget (the share of rows an analyst can review). Reasons are the features farthest
  from the typical row, in interquartile ranges.

Each scorer also says which features it leans on: the top five with their share (LightGBM's split
gain, or for the forest how much the score moves when a feature is set to its median).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sever.errors import InputError

MODEL_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_child_samples": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_threads": 1,
    "seed": 7,
    "deterministic": True,
    "verbose": -1,
}
"""LightGBM settings. One thread: a model fits every positive and at most
:data:`NEGATIVES_PER_POSITIVE` negatives each, too few rows for threads to pay, and on a busy
machine LightGBM's threads spin waiting for one another (a two-stage model of 500 accounts took
101 s with two threads on two shared cores, 5.5 s with one)."""
ROUNDS = 300
TARGET_PRECISION = 0.7
"""The alert threshold is the lowest score whose alerts were at least this precise in calibration:
as many schemes found as possible while most alerts stay worth an analyst's time."""
NEGATIVES_PER_POSITIVE = 50
"""Training keeps every positive and at most this many negatives each (calibration sees all)."""
FOREST_PARAMS: dict[str, Any] = {"n_estimators": 200, "max_samples": "auto", "random_state": 7}
"""Isolation forest settings (scikit-learn's defaults, more trees, fixed seed)."""
FOREST_SAMPLE = 4_096
"""Rows kept with a forest model: it is refitted from them, identically, when loaded."""
ALERT_SHARE = 0.005
"""Without labels, the share of rows that become alerts: one in two hundred, an alert budget."""
TOP_FEATURES = 5
CROSS_FOLDS = 4
"""Folds when a model is fitted on all of a labelled set and calibrated on out-of-fold scores."""


@dataclass
class Scorer:
    """A trained, calibrated model and what it needs to score new rows the same way."""

    level: str
    kind: str
    columns: list[str]
    categories: dict[str, list[str]]
    calibration_x: list[float]
    calibration_y: list[float]
    threshold: float
    model: Any = None
    importance: list[dict[str, Any]] = field(default_factory=list)
    medians: dict[str, float] = field(default_factory=dict)
    spreads: dict[str, float] = field(default_factory=dict)
    sample: list[list[float]] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    earlier: list[Scorer] = field(default_factory=list)
    """The models of the stages before this one, in order: the scores of the first, spread to
    each account's counterparties, are this model's ``near1_…`` features, and so on (see
    :func:`sever.monitor.training.fit_account_model`). Empty for a one-stage model."""

    @property
    def stages(self) -> int:
        """How many models in a row make this score."""
        return len(self.earlier) + 1

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model's columns in its order; categories as they were in training."""
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise InputError(None, f"features missing for scoring: {', '.join(missing)}")
        matrix = frame[self.columns].copy()
        for column, values in self.categories.items():
            matrix[column] = pd.Categorical(matrix[column].astype(object), categories=values)
        if self.kind == "isolation_forest":
            matrix = matrix.astype(float).fillna(self.medians)
        return matrix

    def raw(self, frame: pd.DataFrame) -> np.ndarray:
        """The model's own output: log-odds (LightGBM) or anomaly, higher is stranger (forest)."""
        matrix = self.matrix(frame)
        if self.kind == "isolation_forest":
            return -self.model.score_samples(matrix.to_numpy())
        return self.model.predict(matrix, num_threads=MODEL_PARAMS["num_threads"])

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated scores in [0, 1]: a probability (labels) or an anomaly rank (no labels)."""
        if frame.empty:
            return np.zeros(0)
        return np.interp(self.raw(frame), self.calibration_x, self.calibration_y)

    def contributions(self, frame: pd.DataFrame, top: int = 3) -> list[list[dict[str, Any]]]:
        """For each row, the features that pushed its score most, with their values."""
        matrix = self.matrix(frame)
        if self.kind == "isolation_forest":
            values = matrix.to_numpy(dtype=float)
            centre = np.array([self.medians[c] for c in self.columns])
            spread = np.array([self.spreads[c] for c in self.columns])
            contrib = (values - centre) / spread
        else:
            contrib = self.model.predict(matrix, pred_contrib=True)[:, :-1]
        out = []
        for row, values in zip(contrib, matrix.itertuples(index=False), strict=True):
            order = np.argsort(-np.abs(row), kind="stable")[:top]
            out.append(
                [
                    {
                        "feature": self.columns[i],
                        "value": _plain(values[i]),
                        "contribution": round(float(row[i]), 4),
                    }
                    for i in order
                ]
            )
        return out

    def save(self, path: str | Path) -> Path:
        """Write the model, its calibration, its feature shares and its earlier stages as one
        JSON file (atomically)."""
        path = Path(path)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(self._payload(), default=_plain), encoding="utf-8")
        partial.replace(path)
        return path

    def _payload(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "kind": self.kind,
            "model": self.model.model_to_string() if self.kind == "lightgbm" else None,
            "columns": self.columns,
            "categories": self.categories,
            "calibration_x": self.calibration_x,
            "calibration_y": self.calibration_y,
            "threshold": self.threshold,
            "importance": self.importance,
            "medians": self.medians,
            "spreads": self.spreads,
            "sample": self.sample,
            "report": self.report,
            "earlier": [stage._payload() for stage in self.earlier],
        }

    @classmethod
    def load(cls, path: str | Path) -> Scorer:
        """A scorer saved by :meth:`save`; a forest is refitted from its kept rows, identically."""
        try:
            return cls._from_payload(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise InputError(path, f"not a sever monitor model: {exc}") from None

    @classmethod
    def _from_payload(cls, payload: dict[str, Any]) -> Scorer:
        earlier = [cls._from_payload(stage) for stage in payload.pop("earlier", [])]
        scorer = cls(**payload, earlier=earlier)
        if scorer.kind == "lightgbm":
            import lightgbm as lgb

            scorer.model = lgb.Booster(model_str=payload["model"])
        else:
            scorer.model = _forest(np.asarray(scorer.sample, dtype=float))
        return scorer


def _plain(value: Any) -> Any:
    """Plain Python values, floats to 4 decimals (as they are shown to the analyst)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if np.isnan(value) else round(value, 4)
    return value


def categories_of(matrix: pd.DataFrame) -> dict[str, list[str]]:
    """The values each text column took in training, in the order the model knows them."""
    return {
        c: [str(v) for v in matrix[c].cat.categories]
        for c in matrix.columns
        if isinstance(matrix[c].dtype, pd.CategoricalDtype)
    }


def fit_cross(
    matrix: pd.DataFrame,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    level: str,
    folds: int = CROSS_FOLDS,
    rounds: int = ROUNDS,
    target: float = TARGET_PRECISION,
) -> Scorer:
    """LightGBM fitted on every labelled row, calibrated on out-of-fold scores.

    For a labelled set that is all for fitting (a tuning world; the test is elsewhere): each
    row is scored by a model that did not see its ``group`` (its scheme: the accounts of one
    scheme never sit on both sides of a fold), those scores set the calibration and the
    threshold, and the model kept is fitted on all rows. More positives reach the model than in
    a time split, and its features cover the same span as the data it will score.
    """
    return cross_fit(matrix, y, groups, level=level, folds=folds, rounds=rounds, target=target)[0]


def cross_fit(
    matrix: pd.DataFrame,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    level: str,
    folds: int = CROSS_FOLDS,
    rounds: int = ROUNDS,
    target: float = TARGET_PRECISION,
) -> tuple[Scorer, np.ndarray]:
    """:func:`fit_cross`, and each row's out-of-fold raw score (from a model that did not see
    its group), for a second stage that must not learn a row's label through its own score."""
    from sklearn.model_selection import GroupKFold

    if y.sum() < folds:
        raise InputError(None, f"too few labelled positives to cross-fit ({int(y.sum())})")
    scorer = Scorer(
        level, "lightgbm", list(matrix.columns), categories_of(matrix), [0.0, 1.0], [0.0, 1.0], 0.5
    )
    held_out = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=folds).split(matrix, y, groups):
        scorer.model = _boost(matrix.iloc[train], y[train], rounds)
        held_out[test] = scorer.raw(matrix.iloc[test])
    scorer.model = _boost(matrix, y, rounds)
    _calibrate(scorer, held_out, y, target)
    return scorer, held_out


def _boost(matrix: pd.DataFrame, y: np.ndarray, rounds: int) -> Any:
    """LightGBM on every positive and a fixed sample of the negatives."""
    import lightgbm as lgb

    rows = _sample(y)
    return lgb.train(
        MODEL_PARAMS, lgb.Dataset(matrix.iloc[rows], label=y[rows]), num_boost_round=rounds
    )


def _calibrate(scorer: Scorer, raw: np.ndarray, y: np.ndarray, target: float) -> None:
    """Isotonic calibration of raw scores against labels, the alert threshold for ``target``
    precision, and the features the model leans on."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(raw, y)
    scorer.calibration_x = [float(v) for v in iso.X_thresholds_]
    scorer.calibration_y = [float(v) for v in iso.y_thresholds_]
    calibrated = np.interp(raw, scorer.calibration_x, scorer.calibration_y)
    scorer.threshold = threshold_for_precision(calibrated, y, target)
    scorer.importance = top_shares(scorer.columns, scorer.model.feature_importance("gain"))


def fit_anomaly(
    fit: pd.DataFrame,
    calibration: pd.DataFrame,
    *,
    level: str,
    alert_share: float = ALERT_SHARE,
) -> Scorer:
    """An isolation forest over the numeric features of the fit rows; scores are ranks among the
    calibration rows, and the top ``alert_share`` of them is where alerts begin."""
    numeric = [c for c in fit.columns if not isinstance(fit[c].dtype, pd.CategoricalDtype)]
    values = fit[numeric].astype(float)
    medians = {c: float(v) if pd.notna(v) else 0.0 for c, v in values.median().items()}
    filled = values.fillna(medians)
    spread = filled.quantile(0.75) - filled.quantile(0.25)
    spreads = {c: float(v) if v > 0 else 1.0 for c, v in spread.items()}
    rng = np.random.default_rng(FOREST_PARAMS["random_state"])
    keep = np.sort(rng.choice(len(filled), size=min(len(filled), FOREST_SAMPLE), replace=False))
    sample = filled.to_numpy()[keep]
    scorer = Scorer(level, "isolation_forest", numeric, {}, [0.0, 1.0], [0.0, 1.0], 0.5)
    scorer.model = _forest(sample)
    scorer.medians, scorer.spreads = medians, spreads
    scorer.sample = sample.tolist()  # full precision: the forest is refitted from these
    raw = np.sort(scorer.raw(calibration))
    if len(raw) == 0:
        raise InputError(None, "no rows in the calibration period to rank anomalies against")
    # The calibration maps a raw anomaly to the share of calibration rows at or below it.
    unique, counts = np.unique(raw, return_counts=True)
    scorer.calibration_x = [float(v) for v in unique]
    scorer.calibration_y = [float(v) for v in np.cumsum(counts) / len(raw)]
    scorer.threshold = round(1.0 - alert_share, 6)
    scorer.importance = top_shares(numeric, _median_swap_effect(scorer, calibration))
    return scorer


def _forest(sample: np.ndarray) -> Any:
    from sklearn.ensemble import IsolationForest

    return IsolationForest(**FOREST_PARAMS).fit(sample)


def _median_swap_effect(scorer: Scorer, frame: pd.DataFrame) -> np.ndarray:
    """For each feature, how much the forest's score moves, on average, when it is set to its
    median: a permutation importance that needs no labels."""
    rows = frame.iloc[: min(len(frame), 2_000)]
    base = scorer.raw(rows)
    effect = []
    for column in scorer.columns:
        changed = rows.copy()
        changed[column] = scorer.medians[column]
        effect.append(float(np.mean(np.abs(scorer.raw(changed) - base))))
    return np.asarray(effect)


def top_shares(columns: list[str], weights: np.ndarray, top: int = TOP_FEATURES) -> list[dict]:
    """The ``top`` features by weight, each with its share of the total weight."""
    weights = np.asarray(weights, dtype=float)
    total = weights.sum()
    if total <= 0:
        return []
    order = np.argsort(-weights, kind="stable")[:top]
    return [{"feature": columns[i], "share": round(float(weights[i] / total), 4)} for i in order]


def _sample(y: np.ndarray) -> np.ndarray:
    """Every positive and a fixed random share of the negatives."""
    rows = np.arange(len(y))
    positives = rows[y == 1]
    negatives = rows[y == 0]
    keep = min(len(negatives), max(1, len(positives)) * NEGATIVES_PER_POSITIVE)
    chosen = np.random.default_rng(7).choice(negatives, size=keep, replace=False)
    return np.sort(np.concatenate([positives, chosen]))


def threshold_for_precision(scores: np.ndarray, y: np.ndarray, target: float) -> float:
    """The lowest score cut-off at which the flagged rows are still ``target`` precise.

    Falls back to the cut-off with the best F1 when no cut-off reaches the target.
    """
    order = np.argsort(-scores, kind="stable")
    ranked, truth = scores[order], y[order]
    tp = np.cumsum(truth)
    flagged = np.arange(1, len(truth) + 1)
    # Only cut between distinct scores: rows with equal scores are flagged together.
    last_of_score = np.append(ranked[1:] != ranked[:-1], True)
    precision = np.where(last_of_score, tp / flagged, 0.0)
    reaching = np.flatnonzero(precision >= target)
    if len(reaching):
        return float(ranked[reaching[-1]])
    f1 = np.where(last_of_score, 2 * tp / (flagged + truth.sum()), 0.0)
    return float(ranked[int(np.argmax(f1))])
