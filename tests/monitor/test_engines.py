"""DuckDB and Spark give the same alerts on the same world: one rule, two engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from sever.tables.engine import spark_available

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated world (20,000 payments, every typology planted)."""
    from sever.home import Home
    from sever.simulate import SimulationParams, simulate

    out = tmp_path_factory.mktemp("world")
    home = Home.resolve(tmp_path_factory.mktemp("home"))
    simulate(SimulationParams(size=20_000, seed=1), out, home=home)
    return out


def _comparable(result) -> dict[str, tuple]:
    return {
        alert.alert_id: (
            alert.typology,
            alert.accounts,
            alert.tx_ids,
            alert.amount,
            alert.period_start,
            alert.period_end,
            alert.evidence["metrics"],
            alert.explanation,
        )
        for alert in result.alerts
    }


needs_spark = pytest.mark.skipif(not spark_available(), reason="needs PySpark and a Java runtime")


@needs_spark
def test_every_rule_gives_the_same_alerts_on_both_engines(new_ledger) -> None:
    """A hand-made world with one planted pattern per rule family (fast: the default suite)."""
    from sever.monitor import run_pack

    book = new_ledger()
    book.background(people=10, days=60)
    for i in range(10):
        book.pay("HUB", f"M{i}", 3_000, 1 + i)
        book.pay(f"S{i}", "COLLECTOR", 3_000, 5 + i)
    for i, (a, b) in enumerate((("C1", "C2"), ("C2", "C3"), ("C3", "C1"))):
        book.pay(a, b, 50_000 - 500 * i, 20 * i)
    for day in range(8):
        book.pay("STRUCT", "STRUCT", 9_500, 24 * day + 2, payment_format="cash")
    book.pay("ORIGIN", "PASS", 50_000, 5)
    book.pay("PASS", "ONWARD", 49_000, 8)
    frames = book.frames()
    runs = [
        run_pack(
            frames["transactions"],
            accounts=frames["accounts"],
            parties=frames["parties"],
            engine=engine,
        )
        for engine in ("duckdb", "spark")
    ]
    assert {a.rule_id for a in runs[0].alerts} >= {"fan_out", "fan_in", "cycle", "structuring"}
    assert _comparable(runs[1]) == _comparable(runs[0])


@needs_spark
@pytest.mark.slow
def test_duckdb_and_spark_raise_identical_alerts(small_world: Path) -> None:
    """Every rule of the pack on a simulated world (about two minutes on two cores)."""
    from sever.monitor import run_pack

    files = {
        "accounts": small_world / "accounts.parquet",
        "parties": small_world / "parties.parquet",
    }
    on_duckdb = run_pack(small_world / "transactions.parquet", engine="duckdb", **files)
    on_spark = run_pack(small_world / "transactions.parquet", engine="spark", **files)
    assert on_duckdb.alerts, "the world should raise alerts"
    assert len({a.rule_id for a in on_duckdb.alerts}) >= 8
    assert _comparable(on_spark) == _comparable(on_duckdb)
