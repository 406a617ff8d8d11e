"""``sever simulate --describe DIR``: the statistics of a written world, and a PNG of its shape.

Computed with DuckDB straight from the files, so a 50M-row world is described in bounded memory.
Heavy tails are reported as the share of volume carried by the top 1 % and a Hill estimate of the
tail index (below 2: infinite variance, as real payment amounts and degrees have).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from sever.errors import InputError

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def table_path(world: Path, name: str) -> Path:
    """The file of table ``name`` in a world folder, whichever format it was written in."""
    for ext in ("parquet", "csv"):
        path = world / f"{name}.{ext}"
        if path.exists():
            return path
    raise InputError(world, f"not a simulated world: no {name}.parquet or {name}.csv")


def _source(world: Path, name: str) -> str:
    path = table_path(world, name)
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv_auto"
    return f"{reader}('{path.as_posix()}')"


def hill_alpha(values: np.ndarray, tail: float = 0.01) -> float | None:
    """Hill estimate of the power-law tail index from the largest ``tail`` share of ``values``."""
    data = np.sort(values[values > 0])[::-1]
    k = max(10, int(len(data) * tail))
    if len(data) <= k:
        return None
    logs = np.log(data[:k] / data[k])
    return float(k / logs.sum()) if logs.sum() > 0 else None


def top_share(values: np.ndarray, top: float = 0.01) -> float:
    """Share of the total carried by the largest ``top`` share of values."""
    data = np.sort(values)[::-1]
    k = max(1, int(len(data) * top))
    total = data.sum()
    return float(data[:k].sum() / total) if total else 0.0


def describe(world: str | Path) -> dict[str, Any]:
    """Counts, amount and degree tails, daily and weekly cycles, the planted schemes, and the
    share of active accounts (those with a payment) that carry a label."""
    world = Path(world)
    if not world.is_dir():
        raise InputError(world, "no such world folder")
    con = duckdb.connect()
    tx = _source(world, "transactions")
    meta_path = world / "world.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    counts = {
        name: con.execute(f"SELECT count(*) FROM {_source(world, name)}").fetchone()[0]  # type: ignore[index]
        for name in ("parties", "accounts", "transactions", "transfers", "registry", "employment",
                     "logins")
    }  # fmt: skip
    usd = con.execute(f"SELECT amount FROM {tx} WHERE currency = 'USD'").fetchnumpy()["amount"]
    out_deg = con.execute(f"SELECT count(*) c FROM {tx} GROUP BY src_account").fetchnumpy()["c"]
    in_deg = con.execute(f"SELECT count(*) c FROM {tx} GROUP BY dst_account").fetchnumpy()["c"]
    hours = con.execute(
        f"SELECT hour(timestamp AT TIME ZONE 'UTC') h, count(*) c FROM {tx} GROUP BY h ORDER BY h"
    ).fetchall()
    weekdays = con.execute(
        f"SELECT isodow(timestamp AT TIME ZONE 'UTC') d, count(*) c FROM {tx} GROUP BY d ORDER BY d"
    ).fetchall()
    typologies = con.execute(
        f"""SELECT s.typology, count(DISTINCT s.scheme_id), count(t.tx_id)
            FROM {_source(world, "labels/schemes")} s
            LEFT JOIN {_source(world, "labels/transactions")} t USING (scheme_id)
            GROUP BY s.typology ORDER BY s.typology"""
    ).fetchall()
    labelled = sum(row[2] for row in typologies)
    active = con.execute(
        f"SELECT count(*) FROM (SELECT src_account FROM {tx} UNION SELECT dst_account FROM {tx})"
    ).fetchone()[0]  # type: ignore[index]
    with_role = con.execute(
        f"SELECT count(DISTINCT account_id) FROM {_source(world, 'labels/accounts')}"
    ).fetchone()[0]  # type: ignore[index]
    return {
        "world": str(world),
        "seed": meta.get("seed"),
        "difficulty": meta.get("difficulty"),
        "prevalence": {
            "active_accounts": int(active),
            "labelled_accounts": int(with_role),
            "share": with_role / max(1, active),
        },
        "counts": counts,
        "amount_usd": {
            "count": len(usd),
            "median": float(np.median(usd)) if len(usd) else None,
            "p99": float(np.quantile(usd, 0.99)) if len(usd) else None,
            "max": float(usd.max()) if len(usd) else None,
            "top1pct_volume_share": top_share(usd),
            "hill_alpha": hill_alpha(usd),
        },
        "degree": {
            "max_out": int(out_deg.max()),
            "max_in": int(in_deg.max()),
            "mean_out": float(out_deg.mean()),
            "top1pct_in_share": top_share(in_deg.astype(float)),
            "hill_alpha_in": hill_alpha(in_deg.astype(float)),
        },
        "hour_utc": {int(h): int(c) for h, c in hours},
        "weekday": {WEEKDAYS[int(d) - 1]: int(c) for d, c in weekdays},
        "schemes": {
            t: {"instances": int(n), "labelled_transactions": int(c)} for t, n, c in typologies
        },
        "labelled_share": labelled / max(1, counts["transactions"] + counts["transfers"]),
        "_series": {"usd": usd, "out_degree": out_deg, "in_degree": in_deg},
    }


def _ccdf(ax: Any, values: np.ndarray, label: str) -> None:
    data = np.sort(values[values > 0])
    if not len(data):
        return
    survival = 1.0 - np.arange(len(data)) / len(data)
    step = max(1, len(data) // 5000)
    ax.loglog(data[::step], survival[::step], label=label)


def plot(stats: dict[str, Any], path: str | Path) -> Path:
    """A PNG of the amount and degree distributions (log-log survival) and the time cycles."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = stats["_series"]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    _ccdf(axes[0][0], series["usd"], "USD amounts")
    axes[0][0].set(title="Amounts (USD): P(X > x)", xlabel="amount", ylabel="share above")
    _ccdf(axes[0][1], series["out_degree"].astype(float), "out-degree")
    _ccdf(axes[0][1], series["in_degree"].astype(float), "in-degree")
    axes[0][1].set(title="Account degree: P(D > d)", xlabel="transactions")
    axes[0][1].legend()
    hours = stats["hour_utc"]
    axes[1][0].bar(list(hours), list(hours.values()))
    axes[1][0].set(title="Transactions by hour (UTC)", xlabel="hour")
    days = stats["weekday"]
    axes[1][1].bar(list(days), list(days.values()))
    axes[1][1].set(title="Transactions by weekday")
    fig.suptitle(f"sever simulated world (seed {stats.get('seed')})")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=90, metadata={"Software": None})
    plt.close(fig)
    return path


def public(stats: dict[str, Any]) -> dict[str, Any]:
    """The statistics without the raw series (what ``--json`` prints)."""
    return {k: v for k, v in stats.items() if not k.startswith("_")}
