"""The learned scorer: a gradient-boosted model over account or payment features, calibrated.

Training splits by time (older data trains, the most recent is held out for testing, never the
other way round), fits LightGBM on the oldest part, fits an isotonic calibration on the next part
so a score of 0.8 means about 80 % of such cases were illicit, and picks there the lowest alert
threshold whose alerts are still 70 % precise. Each score comes with its top feature contributions
(LightGBM's ``pred_contrib``), so an analyst sees why the model rates an account high.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sever.errors import InputError
from sever.monitor.features import to_matrix

MODEL_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 63,
    "min_child_samples": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_threads": 2,
    "seed": 7,
    "deterministic": True,
    "verbose": -1,
}
"""LightGBM settings; ``rounds`` and the split shares are arguments of :func:`train`."""

ROUNDS = 300
TEST_SHARE = 0.3
CALIBRATION_SHARE = 0.2
TARGET_PRECISION = 0.7
"""The alert threshold is the lowest score whose alerts were at least this precise in calibration:
as many schemes found as possible while most alerts stay worth an analyst's time."""
NEGATIVES_PER_POSITIVE = 50
"""Training keeps every positive and at most this many negatives each (calibration sees all)."""


@dataclass
class Split:
    """Which rows train, calibrate and test: by time, oldest first."""

    fit: np.ndarray
    calibrate: np.ndarray
    test: np.ndarray
    cut_calibrate: float
    cut_test: float


def time_split(times: pd.Series, test_share: float, calibration_share: float) -> Split:
    """Oldest rows fit the model, the next ones calibrate it, the newest test it."""
    cut_test = float(times.quantile(1 - test_share))
    before = times < cut_test
    cut_calibrate = float(times[before].quantile(1 - calibration_share))
    fit = (times < cut_calibrate).to_numpy()
    calibrate = (before & (times >= cut_calibrate)).to_numpy()
    return Split(fit, calibrate, (~before).to_numpy(), cut_calibrate, cut_test)


@dataclass
class Scorer:
    """A trained, calibrated model and what it needs to score new rows the same way."""

    level: str
    model: Any
    columns: list[str]
    categories: dict[str, list[str]]
    calibration_x: list[float]
    calibration_y: list[float]
    threshold: float
    report: dict[str, Any] = field(default_factory=dict)

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model's columns in its order; categories as they were in training."""
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise InputError(None, f"features missing for scoring: {', '.join(missing)}")
        matrix = frame[self.columns].copy()
        for column, values in self.categories.items():
            matrix[column] = pd.Categorical(matrix[column].astype(object), categories=values)
        return matrix

    def raw(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict(self.matrix(frame), num_threads=MODEL_PARAMS["num_threads"])

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated probabilities that each row belongs to an illicit scheme."""
        return np.interp(self.raw(frame), self.calibration_x, self.calibration_y)

    def contributions(self, frame: pd.DataFrame, top: int = 3) -> list[list[dict[str, Any]]]:
        """For each row, the features that pushed its score most, with their values."""
        matrix = self.matrix(frame)
        contrib = self.model.predict(matrix, pred_contrib=True)[:, :-1]
        out = []
        for row, values in zip(contrib, matrix.itertuples(index=False), strict=True):
            order = np.argsort(-np.abs(row))[:top]
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
        """Write the model and its calibration as one JSON file (atomically)."""
        path = Path(path)
        payload = {
            "level": self.level,
            "model": self.model.model_to_string(),
            "columns": self.columns,
            "categories": self.categories,
            "calibration_x": self.calibration_x,
            "calibration_y": self.calibration_y,
            "threshold": self.threshold,
            "report": self.report,
        }
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(payload, default=_plain), encoding="utf-8")
        partial.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Scorer:
        import lightgbm as lgb

        try:
            payload = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(path, f"not a sever monitor model: {exc}") from None
        model = lgb.Booster(model_str=payload.pop("model"))
        return cls(model=model, **payload)


def _plain(value: Any) -> Any:
    """Plain Python values, floats to 4 decimals (as they are shown to the analyst)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return None if np.isnan(value) else round(value, 4)
    return value


def train(
    frame: pd.DataFrame,
    labels: pd.Series,
    times: pd.Series,
    *,
    level: str,
    drop: list[str],
    rounds: int = ROUNDS,
    test_share: float = TEST_SHARE,
    calibration_share: float = CALIBRATION_SHARE,
) -> tuple[Scorer, Split]:
    """Fit, calibrate and choose a threshold; returns the scorer and the time split used."""
    import lightgbm as lgb
    from sklearn.isotonic import IsotonicRegression

    y = labels.astype(int).to_numpy()
    split = time_split(times, test_share, calibration_share)
    if y[split.fit].sum() == 0 or y[split.calibrate].sum() == 0:
        raise InputError(
            None, "too few labelled positives before the test period to train and calibrate"
        )
    matrix = to_matrix(frame, drop)
    categories = {
        c: [str(v) for v in matrix[c].cat.categories]
        for c in matrix.columns
        if isinstance(matrix[c].dtype, pd.CategoricalDtype)
    }
    rows = _sample(y, split.fit)
    booster = lgb.train(
        MODEL_PARAMS,
        lgb.Dataset(matrix.iloc[rows], label=y[rows]),
        num_boost_round=rounds,
    )
    scorer = Scorer(level, booster, list(matrix.columns), categories, [0.0, 1.0], [0.0, 1.0], 0.5)
    raw = scorer.raw(frame.iloc[np.flatnonzero(split.calibrate)])
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(raw, y[split.calibrate])
    scorer.calibration_x = [float(v) for v in iso.X_thresholds_]
    scorer.calibration_y = [float(v) for v in iso.y_thresholds_]
    calibrated = np.interp(raw, scorer.calibration_x, scorer.calibration_y)
    scorer.threshold = threshold_for_precision(calibrated, y[split.calibrate], TARGET_PRECISION)
    return scorer, split


def _sample(y: np.ndarray, fit: np.ndarray) -> np.ndarray:
    """Every positive of the fitting period and a fixed random share of its negatives."""
    rows = np.flatnonzero(fit)
    positives = rows[y[rows] == 1]
    negatives = rows[y[rows] == 0]
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
