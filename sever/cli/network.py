"""``sever network``: front companies, laptop farms and ownership chains that lead to sanctioned
parties."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Find networks: the OFAC 50 % rule over ownership chains, front-company clusters, laptop "
    "farms and paths to sanctioned parties.",
    no_args_is_help=True,
)


# -- blocked: OFAC's 50 % rule (its imports are local, so each command's block stands alone) --


@app.command("blocked")
def blocked_command(
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            help="Company registry: the registry table (CSV/Parquet) or FtM JSON lines, read "
            "into a graph of its own (default: the home's graph from `sever network build`).",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="registry or ftm (default: ftm for .jsonl/.ndjson/.ftm, else registry).",
        ),
    ] = None,
    dataset: Annotated[
        str,
        typer.Option(
            "--dataset",
            help="Lists the owners are screened against: default (all), dprk, or one dataset.",
        ),
    ] = "default",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write every verdict to .csv, .parquet or .jsonl."),
    ] = None,
    alerts: Annotated[
        Path | None,
        typer.Option("--alerts", help="Write ownership_50pct findings (.csv, .parquet, .jsonl)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="Cores that screen the owners' names (1-256).")
    ] = 1,
    home: Annotated[
        Path | None,
        typer.Option("--home", help="sever home directory (default: $SEVER_HOME or ~/.sever)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print machine-readable JSON only.")
    ] = False,
) -> None:
    """Entities blocked by OFAC's 50 % rule: owners matched to the lists, shares summed.

    Reads the ownership stakes of the home's graph (`sever network build`), or of --registry.

    \b
      sever network blocked --alerts findings.jsonl --workers 2
      sever network blocked --registry registry.ftm.jsonl --format ftm
      sever network blocked --registry registry.csv --alerts findings.jsonl --json
    """
    import tempfile

    import duckdb
    import pyarrow as pa

    from sever.alerts import write_findings
    from sever.cli.output import console, emit, err_console, print_table, user_errors
    from sever.errors import InputError
    from sever.home import Home
    from sever.lists import ensure_loaded
    from sever.network.blocked import find_blocked
    from sever.network.clusters import linked_by_rule
    from sever.network.graph import GRAPH_FILE, GraphSources, open_graph, write_graph
    from sever.network.merge_store import MergeStore
    from sever.network.rule_links import save_rule_links
    from sever.screen import ScreenOptions, load_index
    from sever.tables.atomic import check_output_path
    from sever.tables.io import RECORD_SUFFIXES, write_records

    with user_errors():
        resolved = Home.resolve(home)
        for path, option in ((out, "--out"), (alerts, "--alerts")):
            if path is not None:
                if path.suffix.lower() not in RECORD_SUFFIXES:
                    raise InputError(
                        path, "unknown output type; use .parquet, .csv or .jsonl", field=option
                    )
                check_output_path(path)
        if not 1 <= workers <= 256:
            raise InputError(None, f"must be between 1 and 256, not {workers}", field="--workers")
        with tempfile.TemporaryDirectory(prefix="sever-blocked-") as scratch:
            if registry is None:
                con = open_graph(resolved)
            else:
                graph = Path(scratch) / "graph.duckdb"
                write_graph(graph, GraphSources({"registry": registry}, registry_format=fmt))
                con = duckdb.connect(str(graph), read_only=True)
            with con, MergeStore.of(resolved) as store:
                ensure_loaded(resolved)
                index = load_index(resolved)
                known = ["default", "dprk", *index.datasets]
                if dataset not in known:
                    raise InputError(
                        None,
                        f"{dataset!r} is not loaded; use one of: {', '.join(known)}",
                        field="--dataset",
                    )
                report = find_blocked(
                    con,
                    index,
                    ScreenOptions(scope=dataset),
                    source=registry or resolved.root / GRAPH_FILE,
                    workers=workers,
                    store=store,
                )
        if registry is None:  # the home's graph: its links serve `sever network clusters`
            save_rule_links(resolved, linked_by_rule(report))
        if out is not None:
            columns = [("entity", pa.string()), ("label", pa.string()), ("status", pa.string())]
            columns += [("share", pa.float64()), ("round", pa.int64()), ("arithmetic", pa.string())]
            verdicts = (v.to_dict() for v in report.outcome.verdicts)
            write_records(verdicts, out, pa.schema(columns))
        if alerts is not None:
            write_findings(report.alerts(), alerts)

        def render() -> None:
            for links in report.links.values():
                for link in links[:1]:
                    console.print(
                        f"[bold]{link.party_name}[/] → {link.caption} ({link.dataset}, "
                        f"score {link.score:.2f})",
                        highlight=False,
                    )
            print_table(
                "OFAC 50 % rule",
                ["entity", "status", "share", "arithmetic"],
                [
                    (v.label, v.status, f"{v.share * 100:g} %", v.arithmetic)
                    for v in report.outcome.verdicts
                ],
            )
            for problem in report.outcome.problems:
                err_console.print(f"[yellow]{problem.kind}:[/] {problem.message}", highlight=False)

        emit(report.to_dict(), as_json, render)


# -- the graph and its analyses: build, clusters, farms, proximity, explain, export ----------

_InputFile = Annotated[Path | None, typer.Option(help="CSV or Parquet.")]
_HomeOpt = Annotated[
    Path | None, typer.Option("--home", help="sever home directory (default: $SEVER_HOME).")
]
_JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]
_FindingsOut = Annotated[
    Path | None, typer.Option("--out", help="Write the findings to .parquet, .csv or .jsonl.")
]
_RawOpt = Annotated[
    bool, typer.Option("--raw", help="Write CSV cells as they are (no ' before formulas).")
]


@app.command("build")
def build_command(
    registry: Annotated[
        Path | None, typer.Option(help="Company registry (company_id, name, directors, owners…).")
    ] = None,
    parties: Annotated[
        Path | None, typer.Option(help="Customer parties (party_id, schema…).")
    ] = None,
    accounts: Annotated[Path | None, typer.Option(help="Accounts (account_id, holder_id).")] = None,
    employment: Annotated[
        Path | None, typer.Option(help="HR records (employee_id, employer_id, party_id…).")
    ] = None,
    logins: Annotated[
        Path | None, typer.Option(help="Log-ins (employee_id, ip, device_id…).")
    ] = None,
    transactions: Annotated[
        Path | None, typer.Option(help="Payments (transactions contract).")
    ] = None,
    hits: Annotated[
        Path | None, typer.Option(help="Screening hits: their matches become list links.")
    ] = None,
    world: Annotated[
        Path | None,
        typer.Option(help="A `sever simulate` folder: every input above it holds, unless given."),
    ] = None,
    no_resolve: Annotated[
        bool,
        typer.Option(
            "--no-resolve",
            help="Skip entity resolution (no new automatic merge decisions; the decisions "
            "already stored are still applied).",
        ),
    ] = False,
    home: _HomeOpt = None,
    as_json: _JsonOpt = False,
) -> None:
    """Build the network graph into the home (replacing the last one atomically), resolving
    records of one person or company into identities (`sever network resolve` reviews them).

    \b
      sever network build --world sim/
      sever network build --registry registry.parquet --employment hr.csv --logins logins.csv
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from sever.cli.output import console, emit, print_table, user_errors
    from sever.errors import InputError
    from sever.home import Home
    from sever.network.graph import CONTRACTS, GraphSources, build_graph, world_files

    with user_errors():
        resolved = Home.resolve(home)
        given = {
            "registry": registry,
            "parties": parties,
            "accounts": accounts,
            "employment": employment,
            "logins": logins,
            "transactions": transactions,
            "hits": hits,
        }
        files = {k: v for k, v in given.items() if v is not None}
        if world is not None:
            if not world.is_dir():
                raise InputError(world, "not a folder written by `sever simulate`", field="--world")
            files = {**world_files(world), **files}
        if not files:
            raise InputError(
                Path("."), f"give at least one input: --{', --'.join(CONTRACTS)} or --world"
            )
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            disable=as_json,
            transient=True,
        ) as progress:
            task = progress.add_task("network build", total=None)
            summary = build_graph(
                resolved,
                GraphSources(files),
                lambda s: progress.update(task, description=s),
                resolve=not no_resolve,
            )

        def render() -> None:
            print_table(
                f"network graph: {summary.path}",
                ["table", "kind", "count"],
                [("nodes", k, f"{v:,}") for k, v in summary.nodes.items()]
                + [("edges", k, f"{v:,}") for k, v in summary.edges.items()],
            )
            if summary.identities is not None:
                found = summary.identities
                new = found["new_decisions"] or {}
                decided = ", ".join(f"{n:,} {judgement}" for judgement, n in sorted(new.items()))
                console.print(
                    f"entity resolution: {found['candidate_pairs']:,} candidate pairs among "
                    f"{found['records']:,} records; new automatic decisions: {decided or 'none'} "
                    "(review: sever network resolve candidates)",
                    highlight=False,
                )

        emit(summary.to_dict(), as_json, render)


@app.command("clusters")
def clusters_command(
    out: _FindingsOut = None,
    pair_weight: Annotated[
        float, typer.Option(help="Least summed tie weight (1/ln of how many share a value).")
    ] = 1.4,
    home: _HomeOpt = None,
    as_json: _JsonOpt = False,
    raw: _RawOpt = False,
) -> None:
    """Front-company clusters: companies tied by rare shared details and officers, raised on the
    signs of a front: members paying one listed or blocked party within days of each other, a
    DPRK link (members dealing with a party screened as listed, or found blocked by `sever
    network blocked` on this graph), money passed through, members paying one outside party
    within days of each other, money between members not under one control.

    \b
      sever network blocked && sever network clusters --out fronts.jsonl
    """
    from sever.alerts import write_findings
    from sever.cli.output import console, emit, err_console, user_errors
    from sever.home import Home
    from sever.network.clusters import ClusterSettings, cluster_alerts, find_clusters
    from sever.network.graph import open_graph
    from sever.network.rule_links import load_rule_links

    with user_errors():
        settings = ClusterSettings(pair_weight=_positive(pair_weight, "--pair-weight"))
        resolved = Home.resolve(home)
        con = open_graph(resolved)
        linked = load_rule_links(resolved)
        if linked is None:
            err_console.print(
                "note: no 50 % rule verdicts for this graph; DPRK links come from screening hits "
                "only (run `sever network blocked` first to count blocked companies too)",
                highlight=False,
            )
        alerts = cluster_alerts(find_clusters(con, settings, linked))
        if out is not None:
            write_findings(alerts, out, raw=raw)
        _show_findings(alerts, as_json, console, emit)


@app.command("farms")
def farms_command(
    out: _FindingsOut = None,
    least_employees: Annotated[
        int, typer.Option(help="Group size raised on remote log-ins alone (a household is two).")
    ] = 3,
    monitor_alerts: Annotated[
        Path | None,
        typer.Option(
            help="`sever monitor` findings: pay accounts with it_worker_payroll alerts are a sign."
        ),
    ] = None,
    home: _HomeOpt = None,
    as_json: _JsonOpt = False,
    raw: _RawOpt = False,
) -> None:
    """Laptop farms: employees at different employers whose laptops go to one address or who
    log in from one IP or device.

    \b
      sever network farms --out farms.jsonl --monitor-alerts alerts.parquet
    """
    from sever.alerts import read_findings, write_findings
    from sever.cli.output import console, emit, user_errors
    from sever.home import Home
    from sever.network.farms import FarmSettings, farm_alerts, find_farms, payroll_flagged
    from sever.network.graph import open_graph

    with user_errors():
        settings = FarmSettings(
            least_employees=int(_positive(least_employees, "--least-employees"))
        )
        con = open_graph(Home.resolve(home))
        flagged = payroll_flagged(read_findings(monitor_alerts) if monitor_alerts else [])
        alerts = farm_alerts(find_farms(con, settings), settings, flagged)
        if out is not None:
            write_findings(alerts, out, raw=raw)
        _show_findings(alerts, as_json, console, emit)


@app.command("proximity")
def proximity_command(
    least_risk: Annotated[
        float, typer.Option(help="Least path risk shown (the product of edge strengths, 0-1).")
    ] = 0.25,
    limit: Annotated[int, typer.Option(help="Show at most this many parties.")] = 50,
    home: _HomeOpt = None,
    as_json: _JsonOpt = False,
) -> None:
    """Parties nearest to listed entities: the strongest path from each, with a risk that
    decays with every step.

    \b
      sever network proximity --least-risk 0.1
    """
    from sever.cli.output import emit, print_table, user_errors
    from sever.errors import SeverError
    from sever.home import Home
    from sever.network.graph import open_graph
    from sever.network.proximity import ProximitySettings, nearest_listed

    with user_errors():
        if not 0 < least_risk <= 1:
            raise SeverError(f"--least-risk must be above 0 and at most 1, not {least_risk}")
        con = open_graph(Home.resolve(home))
        found = nearest_listed(con, ProximitySettings(least_risk=least_risk))[: max(limit, 0)]
        rows = [p.to_dict() for p in found]

        def render() -> None:
            print_table(
                "nearest to listed entities",
                ["party", "risk", "hops", "path"],
                [(p.label, f"{p.risk:.3f}", len(p.path) - 1, "; ".join(p.words)) for p in found],
            )

        emit(rows, as_json, render)


@app.command("explain")
def explain_command(
    node_id: Annotated[str, typer.Argument(help="A party, company, employee or entity id.")],
    home: _HomeOpt = None,
    as_json: _JsonOpt = False,
) -> None:
    """One node's evidence in words: its ties and its strongest path to a listed entity.

    \b
      sever network explain P0123456789abcdef
    """
    from sever.cli.output import console, emit, user_errors
    from sever.home import Home
    from sever.network.explain import explain
    from sever.network.graph import open_graph

    with user_errors():
        found = explain(open_graph(Home.resolve(home)), node_id)

        def render() -> None:
            console.print(f"[bold]{found.label}[/] ({found.kind} {found.node_id})", highlight=False)
            for tie in found.ties:
                console.print(f"  {tie}", highlight=False)
            if found.listed_path:
                console.print(f"Nearest listed entity, risk {found.listed_risk:.3f}:")
                for step in found.listed_path:
                    console.print(f"  {step}", highlight=False)
            else:
                console.print("No path to a listed entity.")

        emit(found.to_dict(), as_json, render)


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="ftm, graphml or html.")] = "html",
    around: Annotated[
        str | None, typer.Option(help="Only the nodes within --hops steps of this id.")
    ] = None,
    hops: Annotated[int, typer.Option(help="Steps around --around (default 2).")] = 2,
    home: _HomeOpt = None,
    as_json: _JsonOpt = False,
) -> None:
    """Write the graph as FtM JSON lines, GraphML or one self-contained HTML page.

    \b
      sever network export --format html --around P0123456789abcdef --out net.html
      sever network export --format graphml --out net.graphml
    """
    from sever.cli.output import console, emit, user_errors
    from sever.errors import SeverError
    from sever.home import Home
    from sever.network.export import FORMATS, export, load
    from sever.network.graph import open_graph
    from sever.tables.atomic import check_output_path

    with user_errors():
        if fmt not in FORMATS:
            raise SeverError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        if not 0 <= hops <= 6:
            raise SeverError(f"--hops must be between 0 and 6, not {hops}")
        check_output_path(out)
        graph = load(open_graph(Home.resolve(home)), around, hops)
        export(graph, fmt, out)
        payload = {
            "path": str(out),
            "format": fmt,
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
        }
        emit(
            payload,
            as_json,
            lambda: console.print(
                f"wrote {payload['nodes']:,} nodes and {payload['edges']:,} edges to {out}"
            ),
        )


def _positive(value: float, option: str) -> float:
    from sever.errors import SeverError

    if not value > 0 or value > 1e6:
        raise SeverError(f"{option} must be above 0 (and at most 10^6), not {value}")
    return value


def _show_findings(alerts: list, as_json: bool, console: object, emit: object) -> None:
    """The findings as JSON, or each with its evidence path in words."""

    def render() -> None:
        console.print(f"{len(alerts)} findings", highlight=False)
        for alert in alerts:
            console.print(
                f"[bold]{alert.typology}[/] {alert.severity} score {alert.score}: "
                f"{len(alert.subjects)} subjects",
                highlight=False,
            )
            for step in alert.evidence.get("path", [])[:12]:
                console.print(f"  {step}", highlight=False)

    emit([a.to_dict() for a in alerts], as_json, render)


# -- resolve: review, decide and undo the merge decisions of entity resolution ---------------

resolve_app = typer.Typer(
    help="Entity resolution: list the merge decisions, decide a pair, undo a decision. Build "
    "proposes them; each decision is stored with who, when and why, and can be undone.",
    no_args_is_help=True,
)
app.add_typer(resolve_app, name="resolve")

_Relation = Annotated[
    str,
    typer.Option(
        "--relation",
        help="same_as (two records of the graph) or list_link (a record and a list entity).",
    ),
]


@resolve_app.command("candidates")
def resolve_candidates_command(
    judgement: Annotated[
        str,
        typer.Option(
            "--judgement",
            help="Which decisions in force: unsure (the queue), positive, negative or all.",
        ),
    ] = "unsure",
    relation: Annotated[str, typer.Option("--relation", help="same_as, list_link or all.")] = "all",
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many.")] = 50,
    home: _HomeOpt = None,
    as_json: _JsonOpt = False,
) -> None:
    """The decisions in force, newest first: by default the unsure pairs waiting for an analyst,
    each with its score and its reasons.

    \b
      sever network resolve candidates
      sever network resolve candidates --judgement positive --json
    """
    from sever.cli.output import console, emit, user_errors
    from sever.errors import InputError
    from sever.home import Home
    from sever.network.identities import settled
    from sever.network.merge_store import JUDGEMENTS, RELATIONS, MergeStore

    with user_errors():
        if judgement not in (*JUDGEMENTS, "all"):
            raise InputError(
                None,
                f"use one of: {', '.join(JUDGEMENTS)}, all; not {judgement!r}",
                field="--judgement",
            )
        if relation not in (*RELATIONS, "all"):
            raise InputError(
                None,
                f"use one of: {', '.join(RELATIONS)}, all; not {relation!r}",
                field="--relation",
            )
        with MergeStore.of(Home.resolve(home), read_only=True) as store:
            found = store.live(
                None if relation == "all" else relation,
                None if judgement == "all" else judgement,
            )
            if judgement == "unsure":  # pairs made one identity by other decisions need no one
                done = settled(store, [(d.left_id, d.right_id) for d in found])
                found = [d for d in found if (d.left_id, d.right_id) not in done]
        found = found[: max(limit, 0)]
        rows = [d.to_dict() for d in found]

        def render() -> None:
            console.print(f"{len(found)} decisions ({judgement})", highlight=False)
            for d in found:
                console.print(
                    f"[bold]#{d.decision_id}[/] {d.relation} {d.left_id} ~ {d.right_id}: "
                    f"{d.words()}",
                    highlight=False,
                    soft_wrap=True,
                )

        emit(rows, as_json, render)


@resolve_app.command("decide")
def resolve_decide_command(
    left: Annotated[str, typer.Argument(help="A record id (node of the graph).")],
    right: Annotated[str, typer.Argument(help="Another record id, or a list entity id.")],
    judgement: Annotated[
        str, typer.Option("--judgement", help="positive (the same), negative or unsure.")
    ],
    why: Annotated[str, typer.Option("--why", help="The reason, in words (kept with it).")],
    user: Annotated[
        str | None, typer.Option("--user", help="Who decides (default: the login name).")
    ] = None,
    relation: _Relation = "same_as",
    home: _HomeOpt = None,
    as_json: _JsonOpt = False,
) -> None:
    """Judge a pair: it replaces the decision in force (kept, and back again on undo), and the
    home's graph is updated at once, so the next analysis sees it.

    \b
      sever network resolve decide P123 E456 --judgement positive --why "same passport"
      sever network resolve decide P123 ofac-9345 --relation list_link --judgement negative \
        --why "born 1990, the listed man 1951"
    """
    from sever.cli.output import console, emit, user_errors
    from sever.errors import InputError
    from sever.home import Home
    from sever.network.graph import GRAPH_FILE, open_graph, reapply_identities
    from sever.network.merge_store import MergeStore

    with user_errors():
        resolved = Home.resolve(home)
        if relation == "same_as" and (resolved.root / GRAPH_FILE).exists():
            with open_graph(resolved) as con:
                known = {
                    node
                    for (node,) in con.execute(
                        "SELECT node_id FROM nodes WHERE node_id IN (?, ?)", [left, right]
                    ).fetchall()
                }
            for value, name in ((left, "LEFT"), (right, "RIGHT")):
                if value not in known:
                    raise InputError(None, f"no record {value!r} in the network graph", field=name)
        with MergeStore.of(resolved) as store:
            decision = store.decide(left, right, judgement, why=why, user=user, relation=relation)
            identities = reapply_identities(resolved, store)
        payload = {"decision": decision.to_dict(), "graph_identities": identities}
        emit(
            payload,
            as_json,
            lambda: console.print(
                f"#{decision.decision_id} {decision.relation} {decision.left_id} ~ "
                f"{decision.right_id}: {decision.words()}",
                highlight=False,
                soft_wrap=True,
            ),
        )


@resolve_app.command("undo")
def resolve_undo_command(
    decision_id: Annotated[int, typer.Argument(help="The decision's number (#N in the lists).")],
    user: Annotated[
        str | None, typer.Option("--user", help="Who undoes it (default: the login name).")
    ] = None,
    home: _HomeOpt = None,
    as_json: _JsonOpt = False,
) -> None:
    """Undo a decision in force: the decision it replaced comes back (or the pair is undecided
    again), and the home's graph is updated at once. The undone decision is kept, marked undone.

    \b
      sever network resolve undo 42
    """
    from sever.cli.output import console, emit, user_errors
    from sever.home import Home
    from sever.network.graph import reapply_identities
    from sever.network.merge_store import MergeStore

    with user_errors():
        resolved = Home.resolve(home)
        with MergeStore.of(resolved) as store:
            restored = store.undo(decision_id, user=user)
            identities = reapply_identities(resolved, store)
        payload = {
            "undone": decision_id,
            "restored": restored.to_dict() if restored else None,
            "graph_identities": identities,
        }

        def render() -> None:
            console.print(f"undid #{decision_id}", highlight=False)
            if restored is not None:
                console.print(
                    f"in force again: #{restored.decision_id} {restored.words()}",
                    highlight=False,
                    soft_wrap=True,
                )
            else:
                console.print("the pair is undecided again", highlight=False)

        emit(payload, as_json, render)


@resolve_app.command("history")
def resolve_history_command(
    record_id: Annotated[str, typer.Argument(help="A record id or list entity id.")],
    home: _HomeOpt = None,
    as_json: _JsonOpt = False,
) -> None:
    """Every decision that names a record, in force or not, oldest first.

    \b
      sever network resolve history P123
    """
    from sever.cli.output import console, emit, user_errors
    from sever.home import Home
    from sever.network.merge_store import MergeStore

    with user_errors():
        with MergeStore.of(Home.resolve(home), read_only=True) as store:
            found = store.history(record_id)

        def render() -> None:
            for d in found:
                state = "in force" if d.live else f"{d.retired_how} by {d.retired_by}"
                console.print(
                    f"#{d.decision_id} {d.relation} {d.left_id} ~ {d.right_id} ({state}): "
                    f"{d.words()}",
                    highlight=False,
                    soft_wrap=True,
                )

        emit([d.to_dict() for d in found], as_json, render)
