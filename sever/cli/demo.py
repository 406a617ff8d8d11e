"""``sever demo``: the whole pipeline on a small simulated world, explained as it goes.

The built-in lists are loaded, a world with planted DPRK schemes is simulated, its parties are
screened against the lists, its transactions are monitored with the DPRK rule pack (the screening
hits feed the sanctioned-counterparty rules), the planted crypto theft is traced with ``sever
trace``'s haircut method to the exchange deposit addresses where it can be frozen, ``sever
network`` finds front-company clusters, laptop farms and 50 %-rule entities, and the findings are
summarised by typology with one worked example each and a check against the world's ground truth;
finally every finding goes into the case inbox, two cases are worked through to a filed SAR, and a
training exercise is made from the demo world. With ``--serve`` the web app then serves it all.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from sever.alerts import write_findings
from sever.cli.demo_cases import work_cases
from sever.cli.demo_network import find_networks, network_found
from sever.cli.demo_web import prepare_web, print_logins
from sever.cli.output import console, emit, print_table, user_errors
from sever.entities import Store
from sever.errors import InputError
from sever.home import Home
from sever.lists import ensure_loaded
from sever.lists.status import lists_status
from sever.monitor import run_pack
from sever.screen.batch import screen_file, write_hits
from sever.screen.index import load_index
from sever.simulate import SIZES, TYPOLOGY_NAMES, SimulationParams, simulate
from sever.tables.engine import connect
from sever.trace.endpoints import endpoints
from sever.trace.flow_html import write_flow_html
from sever.trace.freeze import freeze_requests, write_freeze_list
from sever.trace.prices import reference_prices
from sever.trace.run import TraceResult, TraceSettings, trace
from sever.trace.tags import Tags, read_tag_file
from sever.trace.transfers import load_transfers

FOUND_SHARE = 0.5
"""A planted theft counts as found when the trace puts at least this share of the US dollars the
plant cashed out on the very deposit addresses and OTC desks it cashed out to."""

CASH_OUT_ROLES = ("cash_out_deposit", "otc_broker")
"""The labelled roles of the wallets a planted theft is cashed out to."""


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


def _planted_cash_out(world: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The planted thefts' sources (labelled ``theft_receiver`` wallets) and their cash-out
    transfers (the theft's own labelled transfers into its deposit addresses and OTC desks), in
    dollars."""
    wallets = pd.read_parquet(world / "labels" / "wallets.parquet")
    wallets = wallets[wallets.typology == "crypto_laundering"]
    sources = wallets[wallets.role == "theft_receiver"]
    ends = wallets[wallets.role.isin(CASH_OUT_ROLES)]
    transfers = pd.read_parquet(
        world / "transfers.parquet",
        columns=["transaction_hash", "block_timestamp", "to_address", "value", "asset"],
    )
    # Cash-out addresses may be busy customers' deposit addresses and the world's OTC desks, which
    # also receive ordinary money: count only the theft's own labelled transfers into them.
    labelled = pd.read_parquet(
        world / "labels" / "transactions.parquet", columns=["tx_id", "scheme_id"]
    )
    cash = transfers.merge(ends, left_on="to_address", right_on="address").merge(
        labelled, left_on=["transaction_hash", "scheme_id"], right_on=["tx_id", "scheme_id"]
    )
    price = reference_prices().usd(
        cash.asset.to_numpy(dtype=object), cash.block_timestamp.astype("int64").to_numpy() // 10**9
    )
    cash = cash.assign(usd=cash.value.to_numpy() * price, key=cash.address.str.lower())
    return sources, cash[["scheme_id", "key", "usd"]]


def _thefts_found(result: TraceResult, cash: pd.DataFrame) -> pd.DataFrame:
    """Per planted theft: dollars cashed out, dollars the trace put on those very addresses, and
    whether that is most of it (:data:`FOUND_SHARE`)."""
    ends = endpoints(result.addresses)
    traced = ends.groupby(ends.address.str.lower()).traced_usd.sum()
    per = cash.assign(traced=cash.key.map(traced).fillna(0.0))
    planted = per.groupby("scheme_id").usd.sum()
    right = per.drop_duplicates("key").groupby("scheme_id").traced.sum()
    frame = pd.DataFrame({"cashed_out_usd": planted, "traced_usd": right.reindex(planted.index)})
    frame["found"] = frame.traced_usd >= FOUND_SHARE * frame.cashed_out_usd
    return frame.reset_index()


def _print_trace(result: TraceResult, per_theft: pd.DataFrame) -> None:
    """The headline, the five largest endpoints and each theft's attribution."""
    console.print(result.headline(), highlight=False)
    rows = [
        (r.service, r.address, f"{r.traced_value:,.4f} {r.asset}", f"{r.traced_usd:,.0f}")
        for r in endpoints(result.addresses).head(5).itertuples()
    ]
    if rows:
        print_table("Top endpoints: where to freeze", ["service", "address", "traced", "USD"], rows)
    for r in per_theft.itertuples():
        console.print(
            f"  theft {r.scheme_id}: {r.traced_usd:,.0f} of {r.cashed_out_usd:,.0f} USD cashed out "
            f"traced to its own deposit addresses ({'found' if r.found else 'not found'})",
            highlight=False,
        )


def _trace_thefts(world: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """Trace every planted theft from its source wallets with the haircut method, tagged by the
    world's wallets file; write the freeze list, the flow view and the trace's findings (one per
    endpoint, ``trace.parquet``) into the world folder."""
    sources, cash = _planted_cash_out(world)
    if sources.empty:
        console.print("no crypto theft was planted in this world")
        return {"thefts": 0}, pd.DataFrame(columns=["scheme_id", "found"])
    started = time.perf_counter()
    tags = Tags(read_tag_file(world / "wallets.parquet"))
    settings = TraceSettings(tuple(sorted(set(sources.address))), match_legs=True)
    engine = connect()
    try:
        result = trace(load_transfers(engine, [world / "transfers.parquet"]), settings, tags)
    finally:
        engine.close()
    freeze_csv, freeze_json = write_freeze_list(
        world / "freeze", freeze_requests(result.addresses, result.flows)
    )
    flow = write_flow_html(world / "flow.html", result)
    write_findings(result.alerts, world / "trace.parquet")
    per_theft = _thefts_found(result, cash)
    _print_trace(result, per_theft)
    console.print(
        f"{time.perf_counter() - started:.1f} s. Freeze list: {freeze_csv} and {freeze_json}; "
        f"flow view: {flow}",
        highlight=False,
    )
    report = {
        **result.summary(),
        "thefts": int(sources.scheme_id.nunique()),
        "found": int(per_theft.found.sum()),
        "per_theft": per_theft.to_dict("records"),
        "endpoints": len(endpoints(result.addresses)),
        "alerts": len(result.alerts),
        "freeze_list": [str(freeze_csv), str(freeze_json)],
        "html": str(flow),
        "findings": str(world / "trace.parquet"),
    }
    return report, per_theft


def _with_trace(recall: pd.DataFrame, per_theft: pd.DataFrame) -> pd.DataFrame:
    """The crypto_laundering row's ``found`` from the trace (monitoring cannot find it)."""
    recall = recall.copy()
    row = recall.typology == "crypto_laundering"
    found = int(per_theft.found.sum())
    recall.loc[row, "found"] = found
    recall.loc[row, "in_any_alert"] = recall.loc[row, "in_any_alert"].clip(lower=found)
    return recall


def _with_network(recall: pd.DataFrame, found: dict[str, int]) -> pd.DataFrame:
    """The network typologies' ``found`` from the network stage (monitoring sees payments only)."""
    recall = recall.copy()
    for typology, count in found.items():
        row = recall.typology == typology
        recall.loc[row, "found"] = count
        recall.loc[row, "in_any_alert"] = recall.loc[row, "in_any_alert"].clip(lower=count)
    return recall


def run_demo(home: Home, seed: int, size: int) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Run every stage and return what each produced (also what ``--json`` prints), and the
    web app's log-ins."""
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
    # a demo shows every typology once, in its textbook (easy) shape; realistic worlds plant
    # schemes for at most 1 % of the accounts, too few to show each typology in a small world
    demo = SimulationParams(
        size=size, seed=seed, difficulty="easy", scheme_counts=dict.fromkeys(TYPOLOGY_NAMES, 1)
    )
    facts = simulate(demo, world, home=home)
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
    write_findings(result.alerts, world / "alerts.parquet")
    alerts = result.to_frame()
    console.print(result.summary())
    report["monitor"] = {"alerts": len(alerts), "seconds": round(sum(result.seconds.values()), 2)}

    _step("5. Tracing the planted crypto theft to the deposit addresses where it can be frozen")
    report["trace"], per_theft = _trace_thefts(world)

    _step("6. Networks: front-company clusters, laptop farms and OFAC's 50 % rule")
    report["network"], network = find_networks(home, world, hits_path, world / "alerts.parquet")

    _step("7. What was found, against the world's ground truth, with one worked example each")
    recall = _with_network(
        _with_trace(_recall_by_typology(world, alerts), per_theft), network_found(world, network)
    )
    traced_alerts = report["trace"].get("alerts", 0)
    print_table(
        "Planted scheme instances found (by an alert of their typology, or by any alert)",
        ["typology", "planted", "found", "in any alert", "alerts raised"],
        [
            (
                r.typology,
                r.planted,
                r.found,
                r.in_any_alert,
                int((alerts["typology"] == r.typology).sum())
                + (traced_alerts if r.typology == "crypto_laundering" else 0)
                + sum(1 for finding in network if finding.typology == r.typology),
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
    _step("8. Cases: every finding in one inbox, two cases worked through to a filed SAR")
    findings = [hits_path, world / "alerts.parquet", world / "network.parquet"]
    findings += [world / "trace.parquet"] if (world / "trace.parquet").exists() else []
    report["cases"] = work_cases(home, findings)
    _step("9. Training: an exercise on this world, scored against its planted schemes")
    report["training"], logins = prepare_web(home, world, size, findings)

    console.print(
        f"\nFiles: {world}/hits.parquet (screening), {world}/alerts.parquet (alerts), "
        f"{world}/freeze.csv and freeze.json (freeze requests), {world}/flow.html (flow view), "
        f"{world}/network.parquet (network findings), {world}/trace.parquet (trace findings), "
        f"{world}/labels/ (ground truth), {home.root}/reports/ (SARs and PDFs). Next: "
        f"`sever cases list --home {home.root}` and `sever serve --home {home.root}`."
    )
    return report, logins


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
        serve: Annotated[
            bool,
            typer.Option(
                "--serve",
                help="Then serve the web app on http://127.0.0.1:PORT and print a log-in "
                "(`make demo` does); stop it with Ctrl-C.",
            ),
        ] = False,
        port: Annotated[str, typer.Option(help="Port for --serve.")] = "8000",
    ) -> None:
        """Run the whole pipeline on a small simulated world: lists, screening, monitoring, and a
        summary of alerts by typology with a worked example of each, explained."""
        with user_errors():
            if not (size in SIZES or size.isdigit()):
                raise InputError(None, "small, medium, large or a number", field="--size")
            count = SIZES[size] if size in SIZES else int(size)
            resolved = Home.resolve(home)
            report, logins = run_demo(resolved, seed, count)
            emit(report, as_json, lambda: None)
        if serve:
            from sever.cli.serve import serve_command

            print_logins(logins, f"http://127.0.0.1:{port}")
            serve_command(host="127.0.0.1", port=port, home=resolved.root)
