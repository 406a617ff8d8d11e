"""Illicit roles are played by ordinary accounts, and planted payments look like ordinary ones.

DESIGN.md "Evaluation": no column value only illicit rows have, no account that exists only for
its scheme. Checked on a small world with every typology planted twice.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sever.simulate import SimulationParams, simulate
from sever.simulate.calendar import UTC_OFFSETS
from sever.simulate.params import TYPOLOGY_NAMES
from tests.simulate.conftest import World

PURPOSE_TEMPLATE = (
    "regexp_replace(regexp_replace(split_part(purpose, '; vessel ', 1), '[0-9]', '#', 'g'),"
    " 'INV-#+', 'INV-#')"
)
"""A purpose with its invoice number blanked. The listed vessel a ``ship_to_ship`` payment names
(``; vessel MV ...``) is cut off: naming a listed vessel is the red flag screening looks for."""

PURPOSE_KIND = f"split_part({PURPOSE_TEMPLATE}, ':', 1)"
"""The kind a purpose names (``trade payment``, ``INV-#``), without the goods."""

LOCAL_HOUR = "(hour(timestamp AT TIME ZONE 'UTC') + coalesce(o.offset, 0) + 24) % 24"

GIVE_AWAYS = {
    "payment_format": "payment_format",
    "purpose": PURPOSE_TEMPLATE,
    "currency": "currency",
    "src_country": "src_country",
    "dst_country": "dst_country",
    "channel and purpose": f"payment_format || ' | ' || {PURPOSE_TEMPLATE}",
    "channel, currency and rounding": (
        "payment_format || ' | ' || currency || ' | ' || "
        "CASE WHEN amount = round(amount) THEN 'whole' ELSE 'cents' END"
    ),
    "purpose and local hour": f"{PURPOSE_KIND} || ' @ ' || ({LOCAL_HOUR} // 4)",
    "purpose and weekday": f"{PURPOSE_KIND} || ' @ ' || (isodow(timestamp) >= 6)",
}
"""Columns, and pairs of columns, whose values an illicit row must share with legitimate ones."""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, home) -> Path:
    out = tmp_path_factory.mktemp("recruits")
    counts = dict.fromkeys(TYPOLOGY_NAMES, 2)
    simulate(SimulationParams(size=100_000, seed=21, scheme_counts=counts), out, home=home)
    return out


@pytest.fixture(scope="module")
def world(small: Path) -> World:
    return World(small)


def _only_planted(root: Path, expression: str) -> list[tuple]:
    """Values of ``expression`` that occur in planted bank payments and in no other."""
    con = duckdb.connect()
    offsets = pd.DataFrame({"country": list(UTC_OFFSETS), "offset": list(UTC_OFFSETS.values())})
    con.register("offsets", offsets)
    return con.execute(
        f"""
        WITH tx AS (
            SELECT t.*, l.tx_id IS NOT NULL AS planted
            FROM read_parquet('{root}/transactions.parquet') t
            LEFT JOIN (
                SELECT tx_id FROM read_parquet('{root}/labels/transactions.parquet')
                WHERE "table" = 'transactions'
            ) l USING (tx_id)
        )
        SELECT {expression} AS value, count(*) AS rows
        FROM tx LEFT JOIN offsets o ON o.country = tx.src_country
        GROUP BY value HAVING bool_and(planted)
        ORDER BY value
        """
    ).fetchall()


@pytest.mark.parametrize("name", list(GIVE_AWAYS))
def test_no_value_occurs_only_in_planted_payments(small: Path, name: str) -> None:
    assert _only_planted(small, GIVE_AWAYS[name]) == []


def test_the_check_finds_a_value_only_planted_rows_have(small: Path) -> None:
    """The give-away query can fail: the listed vessels named in purposes are planted only."""
    assert _only_planted(small, "split_part(purpose, '; vessel ', 2)")


def test_no_account_is_recruited_twice(world) -> None:
    labels = world["labels/accounts"]
    assert labels["account_id"].is_unique
    parties = world["labels/parties"]
    assert not parties.duplicated(["party_id", "scheme_id"]).any()


def _activity(world) -> pd.DataFrame:
    """Every bank payment leg of every labelled account, flagged planted or ordinary."""
    tx = world["transactions"]
    planted = set(world["labels/transactions"]["tx_id"])
    legs = pd.concat(
        [
            tx[["tx_id", "timestamp", "src_account"]].rename(columns={"src_account": "account_id"}),
            tx[["tx_id", "timestamp", "dst_account"]].rename(columns={"dst_account": "account_id"}),
        ]
    )
    legs = legs.merge(world["labels/accounts"], on="account_id")
    legs["planted"] = legs["tx_id"].isin(planted)
    return legs


def test_recruits_lead_ordinary_lives_before_during_and_after(world) -> None:
    legs = _activity(world)
    schemes = world["labels/schemes"].set_index("scheme_id")
    ordinary = legs[~legs["planted"]]
    recruits = world["labels/accounts"].query("role != 'new_account'")
    before = after = 0
    for row in recruits.itertuples():
        mine = ordinary[ordinary["account_id"] == row.account_id]["timestamp"]
        assert len(mine) >= 3, f"{row.account_id} ({row.role}) has no ordinary life"
        before += bool((mine < schemes.loc[row.scheme_id, "start"]).any())
        after += bool((mine > schemes.loc[row.scheme_id, "end"]).any())
    assert before >= 0.8 * len(recruits) and after >= 0.8 * len(recruits)


def test_recruited_accounts_are_as_old_as_anyone_s(world) -> None:
    opened = world["accounts"].set_index("account_id")["opened"]
    recruits = world["labels/accounts"].query("role != 'new_account'")["account_id"]
    start = pd.Timestamp("2024-01-01").date()
    ages = (start - opened[recruits]).map(lambda d: d.days)
    legit = (start - opened.drop(recruits)).map(lambda d: d.days)
    assert 0.5 < ages.median() / legit.median() < 2.0


def test_new_accounts_go_on_being_used_after_the_scheme(world) -> None:
    legs = _activity(world)
    new = world["labels/accounts"].query("role == 'new_account'")["account_id"]
    assert len(new)
    ordinary = legs[~legs["planted"] & legs["account_id"].isin(new)]
    assert ordinary["account_id"].nunique() >= 0.8 * len(new)
    opened = world["accounts"].set_index("account_id")["opened"]
    first = ordinary.groupby("account_id")["timestamp"].min().dt.date
    assert (first > opened[first.index]).all(), "used only once opened"


def test_members_live_where_their_account_is_and_near_one_another(world) -> None:
    accounts = world["accounts"].set_index("account_id")
    parties = world["parties"].set_index("party_id")["country"]
    labels = world["labels/accounts"].merge(accounts, left_on="account_id", right_index=True)
    assert (labels["holder_id"].map(parties) == labels["country"]).all()
    bank = labels[labels["typology"].isin(["fan_in", "fan_out", "bipartite", "stack"])]
    for _, members in bank.groupby("scheme_id"):
        assert members["country"].value_counts(normalize=True).iloc[0] >= 0.5


def test_planted_person_to_person_payments_cross_borders_as_often_as_ordinary_ones(world) -> None:
    tx = world["transactions"]
    p2p = tx[tx["purpose"] == "transfer"]
    planted = p2p["tx_id"].isin(set(world["labels/transactions"]["tx_id"]))
    abroad = p2p["src_country"] != p2p["dst_country"]
    assert abroad[planted].mean() < 3 * abroad[~planted].mean() + 0.1


def test_adversarial_schemes_are_smaller_and_slower_than_easy_ones(tmp_path: Path) -> None:
    shapes = {}
    for difficulty in ("easy", "adversarial"):
        out = tmp_path / difficulty
        params = SimulationParams(
            size=20_000, seed=6, difficulty=difficulty, scheme_counts={"fan_in": 4}
        )
        simulate(params, out)
        tx = pd.read_parquet(out / "transactions.parquet")
        labels = pd.read_parquet(out / "labels" / "transactions.parquet").merge(tx, on="tx_id")
        by = labels.groupby("scheme_id")
        spans = by["timestamp"].max() - by["timestamp"].min()
        shapes[difficulty] = (by["src_account"].nunique(), spans)
    easy_sources, easy_spans = shapes["easy"]
    hard_sources, hard_spans = shapes["adversarial"]
    assert hard_sources.max() < easy_sources.min(), "fewer sources than any easy fan-in"
    assert hard_spans.median() > easy_spans.max(), "spread over longer windows"
