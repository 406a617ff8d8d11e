"""``sever monitor``: DPRK typology rules over transactions, and the learned scorer on top.

sever monitor run TRANSACTIONS [--accounts A] [--parties P] [--hits H] --out alerts.parquet
sever monitor rules                 the rule pack: ids, typologies, parameters
sever monitor train --world DIR     train the scorer on labelled data (e.g. from simulate)
sever monitor score TRANSACTIONS …  run the rules and score each alert with the trained model
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sever.cli.output import EXIT_FINDINGS, console, emit, print_table, user_errors
from sever.errors import InputError
from sever.home import Home

app = typer.Typer(
    help=(
        "Check transactions against DPRK typologies (DuckDB by default, Spark with --engine "
        "spark): `run` raises alerts, `rules` lists the pack, `train` and `score` add the model."
    ),
    no_args_is_help=True,
)

Accounts = Annotated[Path | None, typer.Option(help="Accounts file (account_id, holder_id, …).")]
Parties = Annotated[Path | None, typer.Option(help="Parties file (party_id, schema, name, …).")]
Hits = Annotated[
    Path | None,
    typer.Option(help="Screening hits (party_id, entity_id, score, match, explanation)."),
]
Engine = Annotated[str, typer.Option(help="Where to compute: duckdb (embedded) or spark.")]
Master = Annotated[
    str | None, typer.Option(help="Spark master URL (default local[2]; spark://host:7077).")
]
Rules = Annotated[str | None, typer.Option(help="Comma-separated rule ids (default: all).")]
Set = Annotated[
    list[str] | None, typer.Option("--set", help="RULE.PARAM=VALUE, e.g. fan_out.window_days=14.")
]
Settings = Annotated[Path | None, typer.Option(help="YAML file of {rule_id: {param: value}}.")]
Rates = Annotated[Path | None, typer.Option(help="CSV currency,usd_per_unit (adds to built-in).")]
Out = Annotated[Path | None, typer.Option(help="Write alerts to .parquet, .csv or .jsonl.")]
Raw = Annotated[
    bool,
    typer.Option(
        "--raw",
        help="Write CSV cells exactly as they are (no ' before text a spreadsheet would run).",
    ),
]
HomeOpt = Annotated[Path | None, typer.Option("--home", help="sever home (default $SEVER_HOME).")]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
FailOnHit = Annotated[bool, typer.Option(help="Exit with code 1 when any alert is raised.")]


def _settings(items: list[str] | None, path: Path | None) -> dict[str, dict[str, Any]]:
    from sever.monitor import pack

    settings = pack.read_settings(path) if path else {}
    for rule_id, values in pack.parse_settings(items or []).items():
        settings.setdefault(rule_id, {}).update(values)
    return settings


def _run(
    transactions: Path,
    accounts: Path | None,
    parties: Path | None,
    hits: Path | None,
    engine: str,
    master: str | None,
    rules: str | None,
    set_: list[str] | None,
    settings: Path | None,
    rates: Path | None,
    home: Home,
    incremental: str | None,
    scorer: Any = None,
) -> Any:
    from sever.monitor import run_pack
    from sever.tables.currencies import read_rates

    return run_pack(
        transactions,
        accounts=accounts,
        parties=parties,
        hits=hits,
        engine=engine,
        master=master,
        rules=[r.strip() for r in rules.split(",") if r.strip()] if rules else None,
        settings=_settings(set_, settings),
        rates=read_rates(rates) if rates else None,
        home=home,
        incremental=incremental,
        scorer=scorer,
    )


def _check_out(out: Path | None) -> None:
    """Refuse an --out that cannot be a file before any work is done."""
    if out is None:
        return
    from sever.tables.atomic import check_output_path
    from sever.tables.io import RECORD_SUFFIXES

    check_output_path(out)
    if out.suffix.lower() not in RECORD_SUFFIXES:
        raise InputError(out, "unknown output type; use .parquet, .csv or .jsonl", field="--out")


def _report(result: Any, out: Path | None, as_json: bool, fail_on_hit: bool, raw: bool) -> None:
    from sever.monitor import write_alerts

    if out is not None:
        write_alerts(result.alerts, out, raw=raw)
    payload = {
        "engine": result.engine,
        "transactions": result.transactions,
        "alerts": [alert.to_dict() for alert in result.alerts],
        "skipped": result.skipped,
        "watermark": result.watermark,
        "future_payments": result.future.to_dict() if result.future else None,
        "out": str(out) if out else None,
    }

    def render() -> None:
        console.print(result.summary())
        rows = [
            (a.alert_id, a.typology, a.severity, f"{a.score:.2f}", f"{a.amount:,.0f}",
             len(a.accounts), len(a.tx_ids))
            for a in sorted(result.alerts, key=lambda a: -a.score)[:20]
        ]  # fmt: skip
        if rows:
            print_table(
                "Top alerts",
                ("alert", "typology", "severity", "score", "USD", "accounts", "payments"),
                rows,
                caption=f"written to {out}" if out else None,
            )

    emit(payload, as_json, render)
    if fail_on_hit and result.alerts:
        raise typer.Exit(EXIT_FINDINGS)


@app.command("run")
def run_command(
    transactions: Annotated[Path, typer.Argument(help="Transactions file (Parquet or CSV).")],
    accounts: Accounts = None,
    parties: Parties = None,
    hits: Hits = None,
    engine: Engine = "duckdb",
    master: Master = None,
    rules: Rules = None,
    set_: Set = None,
    settings: Settings = None,
    rates: Rates = None,
    incremental: Annotated[
        str | None,
        typer.Option(help="Evaluate only payments since the last run with this name."),
    ] = None,
    out: Out = None,
    raw: Raw = False,
    home: HomeOpt = None,
    as_json: Json = False,
    fail_on_hit: FailOnHit = False,
) -> None:
    """Run the DPRK rule pack over TRANSACTIONS and write the alerts with their evidence."""
    with user_errors():
        _check_out(out)
        result = _run(transactions, accounts, parties, hits, engine, master, rules, set_,
                      settings, rates, Home.resolve(home), incremental)  # fmt: skip
        _report(result, out, as_json, fail_on_hit, raw)


@app.command("score")
def score_command(
    transactions: Annotated[Path, typer.Argument(help="Transactions file (Parquet or CSV).")],
    accounts: Accounts = None,
    parties: Parties = None,
    hits: Hits = None,
    engine: Engine = "duckdb",
    master: Master = None,
    out: Out = None,
    raw: Raw = False,
    home: HomeOpt = None,
    as_json: Json = False,
    fail_on_hit: FailOnHit = False,
) -> None:
    """Run the rules, then score each alert with the model trained by `sever monitor train`."""
    with user_errors():
        from sever.monitor.training import load_scorer

        _check_out(out)
        where = Home.resolve(home)
        scorer = load_scorer(where.models)
        if scorer is None:
            raise InputError(where.models, "no trained model; run `sever monitor train` first")
        result = _run(transactions, accounts, parties, hits, engine, master, None, None, None,
                      None, where, None, scorer)  # fmt: skip
        _report(result, out, as_json, fail_on_hit, raw)


@app.command("train")
def train_command(
    world: Annotated[
        Path | None,
        typer.Option(help="A `sever simulate` folder: its transactions, accounts and labels."),
    ] = None,
    transactions: Annotated[Path | None, typer.Option(help="Transactions file.")] = None,
    accounts: Accounts = None,
    parties: Parties = None,
    hits: Hits = None,
    tx_labels: Annotated[
        Path | None, typer.Option(help="Labelled payments: a file with a tx_id column.")
    ] = None,
    account_labels: Annotated[
        Path | None, typer.Option(help="Labelled accounts: a file with an account_id column.")
    ] = None,
    home: HomeOpt = None,
    as_json: Json = False,
) -> None:
    """Train the scorer on labelled data (oldest data trains, newest tests) and save it."""
    with user_errors():
        from sever.monitor import run_pack
        from sever.monitor.inputs import prepare
        from sever.monitor.training import train_scorers
        from sever.tables.contracts import ACCOUNTS, HITS, PARTIES, TRANSACTIONS
        from sever.tables.engine import connect
        from sever.tables.io import label_column, read_input

        if world is not None:
            transactions = transactions or world / "transactions.parquet"
            accounts = accounts or world / "accounts.parquet"
            parties = parties or world / "parties.parquet"
            tx_labels = tx_labels or world / "labels" / "transactions.parquet"
            account_labels = account_labels or world / "labels" / "accounts.parquet"
        if transactions is None or tx_labels is None or account_labels is None:
            raise InputError(None, "give --world, or --transactions with --tx-labels and "
                             "--account-labels", field="--world")  # fmt: skip
        where = Home.resolve(home)
        engine = connect("duckdb")
        result = run_pack(transactions, accounts=accounts, parties=parties, hits=hits,
                          engine=engine)  # fmt: skip
        inputs = prepare(
            engine,
            read_input(engine, transactions, TRANSACTIONS),
            accounts=read_input(engine, accounts, ACCOUNTS) if accounts else None,
            parties=read_input(engine, parties, PARTIES) if parties else None,
            hits=read_input(engine, hits, HITS) if hits else None,
        )
        labelled_tx = label_column(tx_labels, "tx_id")
        labelled_accounts = label_column(account_labels, "account_id")
        report = train_scorers(engine, inputs, result.alerts, labelled_tx, labelled_accounts,
                               where.models)  # fmt: skip
        payload = {"models": str(where.models), "tested": report}

        def render() -> None:
            rows = [(level, r["precision"], r["recall"], r["f1"], f"{r['threshold']:.3f}")
                    for level, r in report.items()]  # fmt: skip
            print_table("Scorer, tested on the newest 30 %",
                        ("level", "precision", "recall", "F1", "threshold"), rows,
                        caption=f"saved in {where.models}")  # fmt: skip

        emit(payload, as_json, render)


@app.command("rules")
def rules_command(as_json: Json = False) -> None:
    """List the DPRK rule pack: each rule's id, typology, severity, words and parameters."""
    from sever.monitor import DPRK_PACK

    payload = [
        {
            "id": rule.id,
            "typology": rule.typology,
            "severity": rule.severity,
            "description": rule.description,
            "source": rule.source,
            "needs": list(rule.needs),
            "parameters": [
                {
                    "name": p.name,
                    "default": p.default,
                    "unit": p.unit,
                    "help": p.help,
                    "range": None if isinstance(p.default, tuple) else list(p.bounds),
                }
                for p in rule.params
            ],
        }
        for rule in DPRK_PACK
    ]

    def render() -> None:
        for rule in payload:
            console.print(
                f"[bold]{rule['id']}[/] ({rule['typology']}, {rule['severity']}): "
                f"{rule['description']}"
            )
            for p in rule["parameters"]:
                default = (
                    ",".join(p["default"]) if isinstance(p["default"], tuple) else p["default"]
                )
                unit = f" {p['unit']}" if p["unit"] else ""
                console.print(f"    {p['name']} = {default}{unit}: {p['help']}", highlight=False)

    emit(payload, as_json, render)
