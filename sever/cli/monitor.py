"""``sever monitor``: DPRK typology rules over transactions, and the learned scorer on top.

sever monitor run TRANSACTIONS [--accounts A] [--parties P] [--hits H] --out alerts.parquet
sever monitor rules                 the rule pack: ids, typologies, parameters
sever monitor calibrate TX --out S  relative thresholds read off your data, saved for --settings
sever monitor tune TX --account-labels L (--precision P | --alert-budget N) --out S
sever monitor train --world DIR     train the scorer on labelled data (e.g. from simulate)
sever monitor score TRANSACTIONS …  run the rules and score each alert with the trained model
sever monitor import --format amlworld FILE --out DIR   a public benchmark as a labelled world
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sever.cli.cases import ToCases, UserOpt, send_to_cases
from sever.cli.output import EXIT_FINDINGS, console, emit, err_console, print_table, user_errors
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
Settings = Annotated[
    Path | None,
    typer.Option(
        help="Settings file from `calibrate` or `tune` (YAML). Without one, relative "
        "thresholds are calibrated on the input itself."
    ),
]
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


def _settings(
    items: list[str] | None,
    path: Path | None,
    engine: str = "duckdb",
    master: str | None = None,
    rules: str | None = None,
) -> Any:
    """The pack's settings object from the command line: a settings file, then the options."""
    from dataclasses import replace

    from sever.monitor.settings import PackSettings, read_settings

    settings = read_settings(path) if path else PackSettings()
    chosen = tuple(r.strip() for r in rules.split(",") if r.strip()) if rules else None
    changes: dict[str, Any] = {}
    if chosen:
        changes["rules"] = chosen
    if engine != "duckdb" or path is None:
        changes["engine"] = engine
    if master is not None:
        changes["master"] = master
    return replace(settings, **changes).with_set(items or [])


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
        settings=_settings(set_, settings, engine, master, rules),
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
    from sever.alerts import write_findings

    if out is not None:
        write_findings(result.alerts, out, raw=raw)
    payload = {
        "engine": result.engine,
        "transactions": result.transactions,
        "alerts": [alert.to_dict() for alert in result.alerts],
        "skipped": result.skipped,
        "watermark": result.watermark,
        "settings": result.settings.record() if result.settings else None,
        "calibrated": [reading.to_dict() for reading in result.readings],
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
    to_cases: ToCases = False,
    user: UserOpt = None,
    home: HomeOpt = None,
    as_json: Json = False,
    fail_on_hit: FailOnHit = False,
) -> None:
    """Run the DPRK rule pack over TRANSACTIONS and write the alerts with their evidence.

    Without --settings, relative thresholds are calibrated on TRANSACTIONS itself (the summary
    says so); `sever monitor calibrate` saves them so later runs use the same ones."""
    with user_errors():
        _check_out(out)
        resolved = Home.resolve(home)
        result = _run(transactions, accounts, parties, hits, engine, master, rules, set_,
                      settings, rates, resolved, incremental)  # fmt: skip
        if to_cases:
            from sever.cases.ingest import ingest_findings

            source = f"monitor {transactions}"
            send_to_cases(
                resolved,
                user,
                lambda store, actor: ingest_findings(store, actor, result.alerts, source),
            )
        _report(result, out, as_json, fail_on_hit, raw)


SettingsOut = Annotated[Path, typer.Option(help="Write the settings here (.yaml or .yml).")]


def _check_settings_out(out: Path) -> None:
    """Refuse a settings --out that cannot be a YAML file before any work is done."""
    from sever.tables.atomic import check_output_path

    check_output_path(out)
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(out, "settings are YAML; name the file .yaml or .yml", field="--out")


def _volume_rows(volumes: dict[str, dict[str, int]], payments: int) -> list[tuple]:
    per = 10_000 / payments if payments else 0.0
    return [
        (rule_id, v["alerts"], v["accounts"], f"{v['alerts'] * per:.2f}")
        for rule_id, v in volumes.items()
    ]


@app.command("calibrate")
def calibrate_command(
    transactions: Annotated[Path, typer.Argument(help="Transactions file (Parquet or CSV).")],
    out: SettingsOut,
    accounts: Accounts = None,
    parties: Parties = None,
    hits: Hits = None,
    engine: Engine = "duckdb",
    master: Master = None,
    rules: Rules = None,
    set_: Set = None,
    rates: Rates = None,
    home: HomeOpt = None,
    as_json: Json = False,
) -> None:
    """Read every relative threshold off your own data (no labels), save them as a settings
    file for `run --settings`, and print the alerts each rule would raise on this data."""
    with user_errors():
        from sever.monitor.settings import write_settings
        from sever.monitor.tune import calibrate_pack
        from sever.tables.currencies import read_rates

        _check_settings_out(out)
        made = calibrate_pack(transactions, accounts=accounts, parties=parties, hits=hits,
                              settings=_settings(set_, None, engine, master, rules),
                              rates=read_rates(rates) if rates else None)  # fmt: skip
        write_settings(made.settings, out)
        payload = made.to_dict() | {"out": str(out)}

        def render() -> None:
            rows = [(r.rule, r.param, r.value, r.short()) for r in made.readings]
            print_table("Thresholds read off the data",
                        ("rule", "parameter", "value", "from"), rows)  # fmt: skip
            print_table(
                f"Expected alerts on these {made.transactions:,} payments",
                ("rule", "alerts", "accounts", "per 10k payments"),
                _volume_rows(made.volumes, made.transactions),
                caption=f"settings {made.settings.digest()} written to {out}",
            )

        emit(payload, as_json, render)


@app.command("tune")
def tune_command(
    transactions: Annotated[Path, typer.Argument(help="Transactions file (Parquet or CSV).")],
    account_labels: Annotated[
        Path,
        typer.Option(help="Accounts known to be illicit: account_id (and typology) columns."),
    ],
    out: SettingsOut,
    tx_labels: Annotated[
        Path | None,
        typer.Option(help="Payments known to be illicit (tx_id): adds payment-level figures."),
    ] = None,
    precision: Annotated[
        float | None,
        typer.Option(help="Per rule, the threshold with most recall at this precision (0-1)."),
    ] = None,
    alert_budget: Annotated[
        int | None,
        typer.Option(help="Across the pack, the thresholds that find most within N alerts."),
    ] = None,
    accounts: Accounts = None,
    parties: Parties = None,
    hits: Hits = None,
    engine: Engine = "duckdb",
    master: Master = None,
    rules: Rules = None,
    set_: Set = None,
    rates: Rates = None,
    home: HomeOpt = None,
    as_json: Json = False,
) -> None:
    """Above- and below-the-line testing on labelled data: per rule, a precision/recall curve
    over its relative threshold; the thresholds meeting --precision or --alert-budget are
    saved as a settings file for `run --settings`."""
    with user_errors():
        from sever.monitor.settings import write_settings
        from sever.monitor.tune import read_account_labels, tune_pack
        from sever.tables.currencies import read_rates
        from sever.tables.io import label_column

        if (precision is None) == (alert_budget is None):
            raise InputError(None, "give --precision P or --alert-budget N (one of them)",
                             field="--precision")  # fmt: skip
        if precision is not None and not 0 < precision <= 1:
            raise InputError(None, f"precision must be above 0 and at most 1, not {precision}",
                             field="--precision")  # fmt: skip
        if alert_budget is not None and alert_budget < 1:
            raise InputError(None, f"the alert budget must be at least 1, not {alert_budget}",
                             field="--alert-budget")  # fmt: skip
        _check_settings_out(out)
        labelled = read_account_labels(account_labels)
        paid = label_column(tx_labels, "tx_id") if tx_labels else None
        made = tune_pack(transactions, account_labels=labelled, tx_labels=paid,
                         precision=precision, budget=alert_budget, accounts=accounts,
                         parties=parties, hits=hits,
                         settings=_settings(set_, None, engine, master, rules),
                         rates=read_rates(rates) if rates else None)  # fmt: skip
        write_settings(made.settings, out)
        payload = made.to_dict() | {"out": str(out)}

        def render() -> None:
            for curve in made.curves:
                rows = [
                    ("*" if point == curve.chosen else "", f"{point.threshold:,.4g}", point.alerts,
                     point.accounts, f"{point.precision:.2f}", f"{point.recall:.2f}")
                    for point in curve.points
                ]  # fmt: skip
                print_table(f"{curve.rule}.{curve.param} ({curve.op})",
                            ("", "threshold", "alerts", "accounts", "precision", "recall"), rows,
                            caption=curve.note or None)  # fmt: skip
            print_table(f"Tuned for {made.target}: alerts per rule",
                        ("rule", "alerts", "accounts"),
                        [(r, v["alerts"], v["accounts"]) for r, v in made.volumes.items()],
                        caption=f"settings {made.settings.digest()} written to {out}")  # fmt: skip

        emit(payload, as_json, render)


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
    """Run the rules, score each alert with the model trained by `sever monitor train`, and add
    one model alert (rule `model`, or `anomaly` without labels) per account the model flags."""
    with user_errors():
        from sever.monitor.training import load_scorer

        _check_out(out)
        where = Home.resolve(home)
        scorer = load_scorer(where.models) or load_scorer(where.models, "transaction")
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
    mode: Annotated[
        str,
        typer.Option(
            help="What to learn: auto (from the labels given; none: anomaly), accounts, "
            "transactions, both, or anomaly (isolation forest, labels only measure it)."
        ),
    ] = "auto",
    alert_share: Annotated[
        float,
        typer.Option(help="Anomaly mode: share of accounts that become alerts (0.0001-0.5)."),
    ] = 0.005,
    home: HomeOpt = None,
    as_json: Json = False,
) -> None:
    """Train the scorer on labelled (or unlabelled) data, oldest slice first, and save it."""
    with user_errors():
        from sever.monitor import run_pack
        from sever.monitor.inputs import prepare
        from sever.monitor.training import MODES, train_scorers
        from sever.tables.contracts import ACCOUNTS, HITS, PARTIES, TRANSACTIONS
        from sever.tables.engine import connect
        from sever.tables.io import read_input

        if mode not in MODES:
            raise InputError(None, f"unknown mode {mode!r}; use {', '.join(MODES)}",
                             field="--mode")  # fmt: skip
        if not 0.0001 <= alert_share <= 0.5:
            raise InputError(None, "must lie between 0.0001 and 0.5", field="--alert-share")
        if world is not None:
            transactions = transactions or world / "transactions.parquet"
            accounts = accounts or world / "accounts.parquet"
            parties = parties or world / "parties.parquet"
            tx_labels = tx_labels or world / "labels" / "transactions.parquet"
            account_labels = account_labels or world / "labels" / "accounts.parquet"
        if transactions is None:
            raise InputError(None, "give --world, or --transactions (with --tx-labels and/or "
                             "--account-labels, or neither for an anomaly model)",
                             field="--world")  # fmt: skip
        where = Home.resolve(home)
        engine = connect("duckdb")
        labels = _labels(world, tx_labels, account_labels)
        result = run_pack(transactions, accounts=accounts, parties=parties, hits=hits,
                          engine=engine)  # fmt: skip
        inputs = prepare(
            engine,
            read_input(engine, transactions, TRANSACTIONS),
            accounts=read_input(engine, accounts, ACCOUNTS) if accounts else None,
            parties=read_input(engine, parties, PARTIES) if parties else None,
            hits=read_input(engine, hits, HITS) if hits else None,
        )
        report = train_scorers(engine, inputs, result.alerts, labels, where.models, mode=mode,
                               alert_share=alert_share)  # fmt: skip
        payload = {"models": str(where.models), "labels": labels.mode, "trained": report}

        def render() -> None:
            rows = [(level, r["kind"], *(r.get("tested", {}).get(k, "-") for k in
                     ("precision", "recall", "f1", "positives")), f"{r['threshold']:.3f}")
                    for level, r in report.items()]  # fmt: skip
            print_table("Scorer, tested on the newest slice (after a gap)",
                        ("level", "model", "precision", "recall", "F1", "positives",
                         "threshold"), rows, caption=f"saved in {where.models}")  # fmt: skip
            shares = [(level, f["feature"], f"{f['share']:.1%}")
                      for level, r in report.items() for f in r["top_features"]]  # fmt: skip
            print_table("Top five features (share of the model's weight)",
                        ("level", "feature", "share"), shares)  # fmt: skip

        emit(payload, as_json, render)


def _labels(world: Path | None, tx_labels: Path | None, account_labels: Path | None) -> Any:
    """The labels given, with each scheme's start where the files say it (a simulated world's
    ``labels/schemes.parquet``), else each account's first labelled payment."""
    from sever.monitor.split import Labels, scheme_starts
    from sever.tables.io import label_column

    labels = Labels(
        accounts=label_column(account_labels, "account_id") if account_labels else None,
        tx=label_column(tx_labels, "tx_id") if tx_labels else None,
    )
    schemes = world / "labels" / "schemes.parquet" if world is not None else None
    if schemes is None or not schemes.is_file():
        return labels
    import pandas as pd

    known = pd.read_parquet(schemes, columns=["scheme_id", "start"])
    for path, key, field in ((account_labels, "account_id", "account_start"),
                             (tx_labels, "tx_id", "tx_start")):  # fmt: skip
        if path is not None and path.suffix == ".parquet":
            members = pd.read_parquet(path)
            if {key, "scheme_id"} <= set(members.columns):
                setattr(labels, field, scheme_starts(members, key, known))
    return labels


@app.command("rules")
def rules_command(as_json: Json = False) -> None:
    """List the DPRK rule pack: each rule's id, typology, severity, words and parameters
    ([calibrated]: read off the data by `calibrate` or a run without --settings; [paced]: a
    window scaled to the data's pace the same way)."""
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
                    "calibrated": (
                        {
                            "quantile": p.relative.quantile,
                            "over": p.relative.over,
                            "floor": p.relative.floor,
                        }
                        if p.relative
                        else None
                    ),
                    "paced": p.paced,
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
                # Escaped: rich would read a bare [calibrated] as markup and drop it.
                fitted = " \\[calibrated]" if p["calibrated"] else ""
                fitted += " \\[paced]" if p["paced"] else ""
                console.print(
                    f"    {p['name']} = {default}{unit}{fitted}: {p['help']}", highlight=False
                )

    emit(payload, as_json, render)


IMPORT_FORMATS = ("amlworld",)
"""Public benchmark formats `sever monitor import` converts."""


@app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="The benchmark's transaction file, e.g. HI-Small_Trans.csv.")
    ],
    out: Annotated[
        Path, typer.Option(help="Folder for the converted world (replaced when it exists).")
    ],
    format_: Annotated[
        str,
        typer.Option("--format", help="The file's format: amlworld (AMLworld's *_Trans.csv)."),
    ] = "amlworld",
    patterns: Annotated[
        Path | None,
        typer.Option(help="AMLworld's *_Patterns.txt: labels get the pattern as typology."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Convert a public AML benchmark into sever's transactions, accounts, parties and labels."""
    with user_errors():
        if format_ not in IMPORT_FORMATS:
            raise InputError(
                None, f"unknown format {format_!r}; use {', '.join(IMPORT_FORMATS)}",
                field="--format",
            )  # fmt: skip
        from sever.monitor.amlworld import import_amlworld

        def step(text: str) -> None:
            if not as_json:
                err_console.print(f"[dim]{text}…[/]", highlight=False)

        result = import_amlworld(file, out, patterns=patterns, progress=step)
        payload = result.to_dict()

        def render() -> None:
            rows = [(typology, n) for typology, n in result.typologies.items()]
            console.print(
                f"{result.transactions:,} payments, {result.accounts:,} accounts, "
                f"{result.laundering_transactions:,} laundering payments, written to {out}; "
                f"run it with --rates {out / 'rates.csv'}",
                highlight=False,
            )
            print_table("Labelled accounts", ("typology", "accounts"), rows)

        emit(payload, as_json, render)
