"""``sever demo``: the whole pipeline on a small simulated world, explained as it goes.

The built-in lists are loaded, a world with planted DPRK schemes is simulated, its parties are
screened against the lists, its transactions are monitored with the DPRK rule pack (the screening
hits feed the sanctioned-counterparty rules), and the alerts are summarised by typology with one
worked example each and a check against the world's ground truth.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from sever.cli.output import console, emit, print_table, user_errors
from sever.entities import Store
from sever.errors import InputError
from sever.home import Home
from sever.lists import ensure_loaded
from sever.lists.status import lists_status
from sever.monitor import run_pack, write_alerts
from sever.screen.batch import screen_file, write_hits
from sever.screen.index import load_index
from sever.simulate import SIZES, SimulationParams, simulate


def _step(title: str) -> None:
    console.rule(f"[bold]{title}")


def _recall_by_typology(world: Path, alerts: pd.DataFrame) -> pd.DataFrame:
    """Per typology: planted scheme instances, how many have a payment in an alert of their own
    typology, and how many in any alert (a front company's payments may raise a fan-in alert)."""
    labels = pd.read_parquet(world / "labels" / "transactions.parquet")
    any_alert: set[str] = set()
    own_alert: set[tuple[str, str]] = set()
    for typology, ids in zip(alerts.get("typology", []), alerts.get("tx_ids", []), strict=True):
        any_alert.update(ids)
        own_alert.update((typology, tx) for tx in ids)
    labels["any"] = labels["tx_id"].isin(any_alert)
    labels["own"] = [
        (t, x) in own_alert for t, x in zip(labels.typology, labels.tx_id, strict=True)
    ]
    per_scheme = labels.groupby(["typology", "scheme_id"])[["own", "any"]].any().reset_index()
    return (
        per_scheme.groupby("typology")
        .agg(planted=("scheme_id", "nunique"), found=("own", "sum"), in_any_alert=("any", "sum"))
        .reset_index()
    )


def run_demo(home: Home, seed: int, size: int) -> dict[str, Any]:
    """Run every stage and return what each produced (also what ``--json`` prints)."""
    report: dict[str, Any] = {}
    world = home.root / "world"
    _step("1. Sanctions lists (built-in snapshot; `sever lists update` fetches the current ones)")
    ensure_loaded(home)
    with Store.open(home, read_only=True) as store:
        status = lists_status(store)
    for d in status.datasets:
        console.print(
            f"{d.snapshot.dataset}: published {d.snapshot.published}, {d.parties:,} listed parties,"
            f" {d.under_dprk_programs:,} under DPRK programs"
        )
    report["lists"] = status.to_dict()

    _step(
        f"2. A simulated world: {size:,} bank transactions with planted DPRK schemes (seed {seed})"
    )
    started = time.perf_counter()
    facts = simulate(SimulationParams(size=size, seed=seed), world, home=home)
    console.print(
        f"written to {world} in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in facts["counts"].items() if isinstance(v, int))
    )
    report["world"] = facts

    _step("3. Screening the world's parties against the lists")
    index = load_index(home)
    batch = screen_file(index, world / "parties.parquet", workers=2)
    hits_path = world / "hits.parquet"
    write_hits(hits_path, batch.rows)
    matches = [r for r in batch.rows if r["decision"] == "match"]
    console.print(
        f"{batch.parties:,} parties screened in {batch.seconds:.1f} s: {len(matches)} matches, "
        f"{len(batch.rows) - len(matches)} for review"
    )
    for row in matches[:3]:
        console.print(f"  • [bold]{row['query_name']}[/] → {row['caption']}: {row['explanation']}")
    report["screening"] = batch.summary()

    _step("4. Monitoring the world's transactions with the DPRK rule pack (DuckDB)")
    result = run_pack(
        world / "transactions.parquet",
        accounts=world / "accounts.parquet",
        parties=world / "parties.parquet",
        hits=hits_path,
    )
    write_alerts(result.alerts, world / "alerts.parquet")
    alerts = result.to_frame()
    console.print(result.summary())
    report["monitor"] = {"alerts": len(alerts), "seconds": round(sum(result.seconds.values()), 2)}

    _step("5. What was found, against the world's ground truth, with one worked example each")
    recall = _recall_by_typology(world, alerts)
    print_table(
        "Planted scheme instances found (by an alert of their typology, or by any alert)",
        ["typology", "planted", "found", "in any alert", "alerts raised"],
        [
            (
                r.typology,
                r.planted,
                r.found,
                r.in_any_alert,
                int((alerts["typology"] == r.typology).sum()),
            )
            for r in recall.itertuples()
        ],
    )
    report["recall"] = recall.to_dict("records")
    examples = alerts.sort_values("score", ascending=False).drop_duplicates("typology")
    for alert in examples.itertuples():
        console.print(f"[bold]{alert.typology}[/] ({alert.rule_id}, score {alert.score:.2f}):")
        console.print(f"  {alert.explanation}", highlight=False)
    report["examples"] = examples[["typology", "rule_id", "score", "explanation"]].to_dict(
        "records"
    )
    console.print(
        f"\nFiles: {world}/hits.parquet (screening), {world}/alerts.parquet (alerts), "
        f"{world}/labels/ (ground truth). Next: `sever serve --home {home.root}`."
    )
    return report


def register(root: typer.Typer) -> None:
    @root.command("demo")
    def demo_command(
        home: Annotated[
            Path | None,
            typer.Option("--home", help="sever home for the demo (default: $SEVER_HOME)."),
        ] = None,
        seed: Annotated[int, typer.Option(help="Seed of the simulated world.")] = 7,
        size: Annotated[
            str, typer.Option(help="World size: small, medium, large or a number.")
        ] = "small",
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ) -> None:
        """Run the whole pipeline on a small simulated world: lists, screening, monitoring, and a
        summary of alerts by typology with a worked example of each, explained."""
        with user_errors():
            if not (size in SIZES or size.isdigit()):
                raise InputError(None, "small, medium, large or a number", field="--size")
            count = SIZES[size] if size in SIZES else int(size)
            report = run_demo(Home.resolve(home), seed, count)
            emit(report, as_json, lambda: None)
