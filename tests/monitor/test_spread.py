"""Scores and alerts spread to counterparties: the mule that pays the collector is found
through the collector."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sever.alerts import Alert
from sever.monitor.features import alert_neighbourhood, describe_feature, spread_scores
from sever.monitor.training import model_columns
from sever.tables.engine import connect

PAYMENTS = [
    # (tx_id, sender, receiver, USD)
    ("t1", "MULE", "HUB", 900.0),
    ("t2", "MULE", "SHOP", 100.0),
    ("t3", "BYSTANDER", "SHOP", 50.0),
    ("t4", "HUB", "OUT", 800.0),
    ("t5", "HUB", "HUB", 10.0),
]


def tx_table(engine):
    frame = pd.DataFrame(PAYMENTS, columns=["tx_id", "src_account", "dst_account", "amount_usd"])
    return engine.table(frame.assign(t=np.arange(len(frame), dtype="int64") * 3_600))


ACCOUNTS = pd.DataFrame({"account_id": ["BYSTANDER", "HUB", "MULE", "OUT", "SHOP", "SILENT"]})


def fan_in(focus: str, named: tuple[str, ...]) -> Alert:
    return Alert(
        alert_id=f"fan_in-{focus}",
        typology="fan_in",
        rule_id="fan_in",
        severity="medium",
        accounts=(focus,),
        tx_ids=named,
        amount=1.0,
        period_start=None,
        period_end=None,
        score=0.5,
        evidence={"focus": focus},
    )


def test_an_alert_spreads_to_the_accounts_that_dealt_with_its_subject() -> None:
    engine = connect("duckdb")
    around = alert_neighbourhood(engine, tx_table(engine), [fan_in("HUB", ("t1",))], ACCOUNTS)
    around.index = ACCOUNTS.account_id
    assert around.loc["MULE", "alerted_counterparties"] == 1
    assert around.loc["MULE", "alerted_flow_share"] == pytest.approx(0.9)
    assert around.loc["MULE", "alerted_payment_share"] == pytest.approx(0.9)
    assert around.loc["OUT", "alerted_flow_share"] == pytest.approx(1.0)
    assert around.loc["OUT", "alerted_payment_share"] == 0
    # The subject's payment to itself does not make it its own counterparty.
    assert around.loc["HUB", "alerted_counterparties"] == 0
    assert around.loc["BYSTANDER"].sum() == 0 and around.loc["SILENT"].sum() == 0


def test_a_model_s_scores_spread_as_ranks_to_the_counterparties() -> None:
    engine = connect("duckdb")
    scores = np.array([0.1, 9.0, 0.3, 0.2, 0.4, 0.0])  # the hub ranks first
    near = spread_scores(engine, tx_table(engine), ACCOUNTS, scores, stage=2)
    near.index = ACCOUNTS.account_id
    assert list(near.columns) == [
        "near2_score_max",
        "near2_score_flow",
        "near2_high",
        "near2_high_share",
    ]
    assert near.loc["MULE", "near2_score_max"] == pytest.approx(1.0)
    assert near.loc["MULE", "near2_high"] == 1
    assert near.loc["MULE", "near2_high_share"] == pytest.approx(0.9)
    assert near.loc["BYSTANDER", "near2_score_max"] < 1.0
    assert near.loc["BYSTANDER", "near2_high"] == 0
    # A model 100 times more confident everywhere spreads the same ranks.
    same = spread_scores(engine, tx_table(engine), ACCOUNTS, scores * 100, stage=2)
    same.index = ACCOUNTS.account_id
    pd.testing.assert_frame_equal(near, same)


def test_spread_features_are_read_only_by_a_model_that_reads_rules() -> None:
    frame = pd.DataFrame(
        columns=["account_id", "label", "n_in", "rule_fan_in", "alerted_flow_share",
                 "near1_score_max"]
    )  # fmt: skip
    assert model_columns(frame, "account", with_rules=False) == ["n_in"]
    assert model_columns(frame, "account", with_rules=True) == [
        "n_in",
        "rule_fan_in",
        "alerted_flow_share",
        "near1_score_max",
    ]
    assert describe_feature("near1_score_max") == (
        "highest rank among its counterparties (1: the top), by the stage-1 model's scores"
    )
