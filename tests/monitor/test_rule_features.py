"""Rule hits as model features: the subject of an alert is not its counterparties; the cross-fit.

An alert is about one account (the rule's focus); the other accounts it names are its evidence.
The model must be able to tell them apart, and a model fitted on a whole tuning set must set its
threshold on scores it did not fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sever.alerts import Alert, Reason
from sever.errors import InputError
from sever.monitor.features import RULE_SUMMARY, alert_margin, alert_subject, rule_features
from sever.monitor.scorer import fit_cross


def alert(focus: str, others: tuple[str, ...], *reasons: Reason, rule: str = "fan_in") -> Alert:
    return Alert(
        alert_id=f"{rule}-{focus}",
        typology=rule,
        rule_id=rule,
        severity="medium",
        accounts=tuple(sorted((focus, *others))),
        tx_ids=tuple(f"t-{focus}-{other}" for other in others),
        amount=1.0,
        period_start=None,
        period_end=None,
        score=0.5,
        reasons=reasons,
        evidence={"focus": focus},
    )


AT_LINE = Reason("distinct senders", 10, 10, ">=")
TWICE = Reason("distinct senders", 20, 10, ">=")


def test_the_subject_is_the_focus_even_when_it_sorts_last() -> None:
    assert alert_subject(alert("Z", ("A", "B"), AT_LINE)) == "Z"


@pytest.mark.parametrize(
    ("reasons", "margin"),
    [
        ((AT_LINE,), 1.0),
        ((TWICE,), 2.0),
        ((Reason("x", 40, 10, ">="),), 3.0),
        ((TWICE, AT_LINE), 1.0),  # the weakest condition says how far past the line it went
        ((Reason("max gap (h)", 6, 24, "<="),), 3.0),
        ((Reason("listed name", "KIM"),), 0.0),
        ((), 0.0),
    ],
)
def test_the_margin_says_how_far_past_the_line_an_alert_went(
    reasons: tuple[Reason, ...], margin: float
) -> None:
    assert alert_margin(alert("A", ("B",), *reasons)) == pytest.approx(margin)


def test_an_alert_counts_for_its_subject_and_names_its_counterparties_apart() -> None:
    alerts = [
        alert("HUB", ("S1", "S2", "S3"), TWICE),
        alert("HUB", ("S1",), AT_LINE, rule="rapid_movement"),
        alert("S1", ("X",), AT_LINE, rule="rapid_movement"),
    ]
    accounts = pd.DataFrame({"account_id": ["HUB", "S1", "S2", "X", "QUIET"]})
    tx = pd.DataFrame({"tx_id": ["t-HUB-S1", "t-other"]})
    tx_hits, hits = rule_features(alerts, ["fan_in", "rapid_movement"], tx, accounts)
    hits.index = accounts.account_id
    assert hits.loc["HUB", "rule_fan_in"] == 1 and hits.loc["S1", "rule_fan_in"] == 0
    assert hits.loc["HUB", "rules_as_subject"] == 2
    assert hits.loc["HUB", "rule_margin"] == pytest.approx(2.0)
    assert hits.loc["S1", "named_in_alerts"] == 2 and hits.loc["S1", "rules_naming"] == 2
    assert hits.loc["S2", "named_in_alerts"] == 1 and hits.loc["S2", "rules_as_subject"] == 0
    assert hits.loc["QUIET", list(RULE_SUMMARY)].sum() == 0
    assert tx_hits["rule_fan_in"].tolist() == [1, 0]


def labelled(rng: np.random.Generator, n: int, schemes: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows where the label shows in ``signal`` (with noise); ``noise`` carries nothing."""
    y = (rng.random(n) < 0.05).astype(int)
    frame = pd.DataFrame(
        {"signal": y * 3.0 + rng.normal(size=n), "noise": rng.normal(size=n)},
    )
    groups = np.where(y == 1, rng.integers(0, schemes, n).astype(str), np.arange(n).astype(str))
    return frame.assign(group=groups), y


def test_a_cross_fitted_model_sets_its_threshold_on_scores_it_did_not_fit() -> None:
    rng = np.random.default_rng(5)
    frame, y = labelled(rng, 4_000, schemes=40)
    scorer = fit_cross(
        frame[["signal", "noise"]], y, frame.group.to_numpy(), level="account", target=0.5
    )
    fresh, truth = labelled(rng, 4_000, schemes=40)
    flagged = scorer.score(fresh[["signal", "noise"]]) >= scorer.threshold
    precision = (flagged & (truth == 1)).sum() / flagged.sum()
    recall = (flagged & (truth == 1)).sum() / truth.sum()
    # Out-of-fold calibration holds on fresh rows; an in-sample one would promise far more.
    assert precision >= 0.4 and recall >= 0.4
    assert scorer.importance[0]["feature"] == "signal"
    assert 0.0 <= scorer.threshold <= 1.0


def test_cross_fitting_needs_a_positive_for_every_fold() -> None:
    frame = pd.DataFrame({"a": np.arange(100.0)})
    y = np.zeros(100, dtype=int)
    y[:2] = 1
    with pytest.raises(InputError, match="too few labelled positives"):
        fit_cross(frame, y, np.arange(100).astype(str), level="account")


def test_a_cross_fitted_model_does_not_promise_what_it_only_memorised() -> None:
    rng = np.random.default_rng(11)
    n = 3_000
    y = (rng.random(n) < 0.05).astype(int)
    noise = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    scorer = fit_cross(noise, y, np.arange(n).astype(str), level="account", target=0.5)
    # Trees fitted on noise score their own positives high; scored out of fold they do not,
    # so the calibrated score of any row stays near the share of positives.
    assert scorer.score(noise).max() < 0.5
    assert scorer.score(noise).mean() == pytest.approx(y.mean(), abs=0.03)
