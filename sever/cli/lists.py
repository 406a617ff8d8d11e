"""``sever lists``: load, update, status, diff and export the sanctions lists."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TransferSpeedColumn,
)

from sever.cli.output import EXIT_USAGE, console, emit, err_console, print_table, user_errors
from sever.entities import DPRK_SCOPE, Store
from sever.entities.diff import diff_snapshots
from sever.errors import InputError
from sever.home import Home
from sever.lists import load_files
from sever.lists.export import FORMATS, export
from sever.lists.guard import MAX_SHRINK_PERCENT, check_max_shrink
from sever.lists.load import ensure_loaded
from sever.lists.status import lists_status
from sever.lists.update import DEFAULT_SOURCES, update
from sever.tables.atomic import atomic_output, check_output_path

app = typer.Typer(
    help="Official sanctions lists (OFAC, UN, EU, UK) and your own watchlists: "
    "load, update, status, diff, export.",
    no_args_is_help=True,
)

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help="sever home directory (default: $SEVER_HOME or ~/.sever)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]
AllowShrinkOption = Annotated[
    bool,
    typer.Option(
        "--allow-shrink",
        help="Load even when the new list removes more than --max-shrink percent of the "
        "entities in service (a list that really shrank).",
    ),
]
MaxShrinkOption = Annotated[
    float,
    typer.Option(
        "--max-shrink",
        help="Largest share (in %) of the entities in service one load may remove without "
        "--allow-shrink.",
    ),
]


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(None, f"not a date (YYYY-MM-DD): {value!r}", field="--published") from None


@app.command("load")
def load_command(
    paths: Annotated[list[Path], typer.Argument(help="Official list files, or a watchlist file.")],
    dataset: Annotated[
        str | None,
        typer.Option(
            "--dataset",
            help="Load the files as your own watchlist named NAME "
            "(FtM JSON lines, or CSV with id,schema,name,…).",
        ),
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(help="Publication date (YYYY-MM-DD) when the file does not state one."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Text encoding of a watchlist that is not UTF-8 (e.g. latin-1, cp1252); "
            "UTF-16 is recognised by its byte-order mark.",
        ),
    ] = None,
    allow_shrink: AllowShrinkOption = False,
    max_shrink: MaxShrinkOption = MAX_SHRINK_PERCENT,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Parse official files into a new, versioned snapshot (format detected from content).

    Files of one format form one set: `sever lists load SDN.CSV ALT.CSV ADD.CSV` loads the OFAC
    SDN list with its aliases and addresses. A bad file stores nothing and names the row at fault.
    A cut official file, or a load that would remove more than --max-shrink percent of the list
    in service, is refused and the list in service is kept.
    """
    with user_errors():
        when = _parse_date(published)
        say = (lambda _m: None) if as_json else (lambda m: err_console.print(f"[dim]{m}[/]"))
        snapshots = load_files(
            Home.resolve(home),
            paths,
            dataset=dataset,
            published=when,
            progress=say,
            encoding=encoding,
            max_shrink=check_max_shrink(max_shrink),
            allow_shrink=allow_shrink,
        )
        emit(
            [s.to_dict() for s in snapshots],
            as_json,
            lambda: print_table(
                "Loaded",
                ["snapshot", "dataset", "source", "published", "entities", "warnings"],
                [
                    (
                        s.snapshot_id,
                        s.dataset,
                        s.source,
                        s.published or "undated",
                        f"{s.entity_count:,}",
                        len(s.warnings),
                    )
                    for s in snapshots
                ],
            ),
        )
        if not as_json:
            for snap in snapshots:
                for warning in snap.warnings[:20]:
                    err_console.print(f"[yellow]warning:[/] {snap.dataset}: {warning}")
                if len(snap.warnings) > 20:
                    err_console.print(
                        f"[yellow]… {len(snap.warnings) - 20} more warnings[/]: "
                        "`sever lists status --json` lists them all"
                    )


@app.command("update")
def update_command(
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            help=f"Source to fetch (repeatable). Default: {', '.join(DEFAULT_SOURCES)}.",
        ),
    ] = None,
    url: Annotated[
        list[str] | None,
        typer.Option(help="Fetch SOURCE from a mirror instead: SOURCE=URL (repeatable)."),
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Load even when the files have not changed since last time.")
    ] = False,
    allow_shrink: AllowShrinkOption = False,
    max_shrink: MaxShrinkOption = MAX_SHRINK_PERCENT,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Download the current official files (conditional, retried, checked), then load them.

    Offline or a failed download gives a clear message and the last good snapshot stays in service.
    """
    with user_errors():
        overrides: dict[str, list[str]] = {}
        for item in url or []:
            name, sep, address = item.partition("=")
            if not sep or not address:
                raise InputError(None, f"expected SOURCE=URL, got {item!r}", field="--url")
            overrides.setdefault(name, []).append(address)
        sources = source or [*DEFAULT_SOURCES]
        check_max_shrink(max_shrink)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=err_console,
            disable=as_json,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def show(name: str, done: int, total: int | None) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(name, total=total)
                bar.update(tasks[name], completed=done, total=total)

            results = update(
                Home.resolve(home),
                sources,
                overrides,
                show,
                force,
                max_shrink=max_shrink,
                allow_shrink=allow_shrink,
            )
        failed = [r for r in results if r.error]

        def render() -> None:
            rows = []
            for r in results:
                if r.error:
                    state = f"[red]failed[/]: {r.error}; last good snapshot kept"
                elif r.unchanged:
                    state = "unchanged since last fetch"
                else:
                    assert r.snapshot is not None
                    state = f"loaded {r.snapshot.label}, {r.snapshot.entity_count:,} entities"
                rows.append((r.source, state))
            print_table("Update", ["source", "result"], rows)

        emit([r.to_dict() for r in results], as_json, render)
        if failed:
            raise typer.Exit(EXIT_USAGE)


@app.command("status")
def status_command(
    scope: Annotated[
        str, typer.Option(help="`all`, or `dprk` to count only the DPRK scope.")
    ] = "all",
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """What is loaded: source, publication date, counts by schema and program, list overlap.

    An empty home gets the built-in snapshot first (OFAC SDN and the UN list bundled with sever).
    """
    with user_errors():
        if scope not in ("all", DPRK_SCOPE):
            raise InputError(None, f"scope must be 'all' or 'dprk', not {scope!r}", field="--scope")
        resolved = Home.resolve(home)
        ensure_loaded(resolved)
        with Store.open(resolved, read_only=True) as store:
            status = lists_status(store, scope)

        def render() -> None:
            rows = [
                (
                    d.snapshot.dataset,
                    d.snapshot.source,
                    d.snapshot.published or "undated",
                    f"{d.parties:,}",
                    f"{d.under_dprk_programs:,}",
                    f"{d.by_schema.get('CryptoWallet', 0):,}",
                    f"#{d.snapshot.snapshot_id} ({d.history} kept)",
                )
                for d in status.datasets
            ]
            print_table(
                f"Lists in service (scope: {scope})",
                ["dataset", "source", "published", "parties", "DPRK programs", "wallets",
                 "snapshot"],
                rows,
            )  # fmt: skip
            for d in status.datasets:
                schemata = " · ".join(f"{k} {v:,}" for k, v in d.by_schema.items())
                programs = " · ".join(f"{k} {v:,}" for k, v in list(d.by_program.items())[:10])
                console.print(
                    f"[bold]{d.snapshot.dataset}[/] entities: {schemata}", highlight=False
                )
                console.print(f"  top programs: {programs}", highlight=False)
            if status.overlap:
                print_table(
                    "Parties on several lists (linked, not merged)",
                    ["dataset", "other dataset", "linked pairs"],
                    status.overlap,
                )

        emit(status.to_dict(), as_json, render)


@app.command("diff")
def diff_command(
    old: Annotated[
        str | None,
        typer.Argument(
            help="Old snapshot: #id, DATASET (current), DATASET@YYYY-MM-DD or DATASET~1 "
            "(the one before current). Default: us_ofac_sdn~1."
        ),
    ] = None,
    new: Annotated[
        str | None,
        typer.Argument(help="New snapshot, same forms. Default: the current one of OLD's dataset."),
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to show per section (table output).")] = 50,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Entities added, removed and changed (per property) between two snapshots."""
    with user_errors():
        with Store.open(Home.resolve(home), read_only=True) as store:
            old_snap = store.resolve(old or "us_ofac_sdn~1")
            new_snap = store.resolve(new or old_snap.dataset)
            result = diff_snapshots(store, old_snap, new_snap)

        def render() -> None:
            console.print(
                f"[bold]{old_snap.label}[/] → [bold]{new_snap.label}[/]: "
                f"{len(result.added):,} added, {len(result.removed):,} removed, "
                f"{len(result.changed):,} changed"
            )
            if result.added:
                print_table("Added", ["id", "schema", "name"], result.added[:limit])
            if result.removed:
                print_table("Removed", ["id", "schema", "name"], result.removed[:limit])
            if result.changed:
                print_table(
                    "Changed",
                    ["id", "name", "what changed"],
                    [(c.entity_id, c.caption, c.describe()) for c in result.changed[:limit]],
                )

        emit(result.to_dict(), as_json, render)


@app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}.")] = "ftm",
    scope: Annotated[
        str, typer.Option(help="default (all lists), dprk, or one dataset name.")
    ] = "default",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write to this file (whole or not at all) instead of stdout."),
    ] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="CSV: write cells as they are, without the leading ' that keeps a spreadsheet "
            "from running a value starting with = + - @ as a formula.",
        ),
    ] = False,
    home: HomeOption = None,
) -> None:
    """Export entities as FtM JSON lines (readable by OpenSanctions/Aleph tooling) or CSV."""
    with user_errors():
        if fmt not in FORMATS:
            raise InputError(None, f"unknown format {fmt!r}; choose {FORMATS}", field="--format")
        if out is not None:
            check_output_path(out)
        resolved = Home.resolve(home)
        ensure_loaded(resolved)
        with Store.open(resolved, read_only=True) as store:
            if out is None:
                count = export(store, scope, fmt, sys.stdout, raw=raw)
            else:
                with (
                    atomic_output(out) as temp,
                    open(temp, "w", encoding="utf-8", newline="") as fh,
                ):
                    count = export(store, scope, fmt, fh, raw=raw)
                err_console.print(f"wrote {count:,} entities to {out}")
