"""``sever trace``: follow stolen crypto hop by hop to the services where it can be frozen.

sever trace --transfers FILE --from ADDR[,ADDR…] [--method poison|haircut|fifo] [--hops N]
            [--since T] [--tags FILE…] --out FILE [--freeze-list FILE] [--html FLOW.html]
"""

from __future__ import annotations

import contextlib
import math
import signal
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from sever.cli.output import console, emit, err_console, print_table, user_errors
from sever.errors import InputError, SeverError
from sever.home import Home

METHOD_HELP = (
    "Taint method: haircut (proportional, the default), poison (everything a tainted wallet "
    "sends) or fifo (oldest funds first)."
)


def _seconds(text: str | None, option: str) -> int | None:
    """A ``YYYY-MM-DD`` date or ISO time (UTC unless it has an offset) as epoch seconds."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            None,
            f"{text!r} is not a date or time (write YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)",
            field=option,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


MAX_LEG_HOURS = 24 * 366
"""With --match-legs: the longest wait for a bridge or mixer payout, in hours (a year)."""


def _check_number(value: float, option: str, low: float, high: float, words: str) -> None:
    """Refuse a number outside ``[low, high]`` (NaN and infinities included)."""
    if not (math.isfinite(value) and low <= value <= high):
        raise InputError(None, f"{value} is not {words}", field=option)


def _check_options(
    decimals: int, bridge_hours: float, mixer_days: float, leg_tolerance: float, asset: str | None
) -> None:
    """Refuse option values no file could make sense of, before any work is done (the trace
    settings check --hops, --min-usd, --method, --direction and the time window)."""
    from sever.trace.transfers import check_decimals

    check_decimals(decimals)
    _check_number(leg_tolerance, "--leg-tolerance", 0, 1, "a share between 0 and 1")
    _check_number(bridge_hours, "--bridge-hours", 0, MAX_LEG_HOURS, "a number of hours, 0 to 8784")
    _check_number(mixer_days, "--mixer-days", 0, MAX_LEG_HOURS / 24, "a number of days, 0 to 366")
    if asset is not None and not asset.strip():
        raise InputError(None, "the asset symbol is empty", field="--asset")


def _sources(values: list[str]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _listed(tags: Any, holders: list[str]) -> tuple[str, ...]:
    """Sources from ``--from-listed``: each holder must have at least one listed wallet."""
    from sever.trace.tags import listed_sources

    found: list[str] = []
    for holder in holders:
        if not holder.strip():
            raise InputError(None, "the holder's name is empty", field="--from-listed")
        addresses = listed_sources(tags, holder)
        if not addresses:
            raise InputError(
                None,
                f"no sanctions-listed wallet of a holder named {holder!r} in "
                "the home's store (load the lists: sever lists load)",
                field="--from-listed",
            )
        found += addresses
    return tuple(found)


def _check_outputs(
    out: Path | None, html: Path | None, freeze: Path | None, alerts: Path | None
) -> None:
    """Refuse outputs that cannot be written before any work is done."""
    from sever.tables.atomic import check_output_path
    from sever.tables.io import RECORD_SUFFIXES

    for path, option in ((out, "--out"), (alerts, "--alerts")):
        if path is not None and path.suffix.lower() not in RECORD_SUFFIXES:
            raise InputError(
                path, "unknown output type; use .parquet, .csv or .jsonl", field=option
            )
    for path in (out, html, freeze, alerts):
        if path is not None:
            check_output_path(path)


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C during an engine query comes back from DuckDB as a query error; the keypress is
    remembered so that it ends the run as an interruption (exit 130, nothing written)."""
    pressed = False

    def handler(signum: int, frame: Any) -> None:
        nonlocal pressed
        pressed = True
        signal.default_int_handler(signum, frame)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    except SeverError:
        if pressed:
            raise KeyboardInterrupt from None
        raise
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A Rich bar on stderr per stage of the trace (reading, hops, moving value); nothing under
    ``--json`` or when stderr is not a terminal."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    shown = not quiet and err_console.is_terminal
    with Progress(*columns, console=err_console, disable=not shown, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield progress


def _tags(files: list[Path], lists: bool, home: Home) -> Any:
    from sever.trace.tags import Tags, listed_wallets, read_tag_file

    tags = Tags()
    if lists:
        tags.extend(listed_wallets(home))
    for path in files:
        tags.extend(read_tag_file(path))
    return tags


def trace_command(
    transfers: Annotated[
        list[Path],
        typer.Option(
            "--transfers",
            help="Transfers file, CSV or Parquet (repeatable); "
            "ethereum-etl and cryo column names are accepted.",
        ),
    ],
    sources: Annotated[
        list[str] | None,
        typer.Option(
            "--from",
            help="Source addresses or a theft transaction hash, "
            "comma-separated (repeatable); any letter case.",
        ),
    ] = None,
    from_listed: Annotated[
        list[str] | None,
        typer.Option(
            "--from-listed",
            help="Also start from the sanctions-listed wallets of holders whose name contains "
            'this (repeatable), e.g. "Lazarus Group".',
        ),
    ] = None,
    method: Annotated[str, typer.Option(help=METHOD_HELP)] = "haircut",
    direction: Annotated[
        str,
        typer.Option(
            help="forward (where the funds went) or backward (where they came from: attribution)."
        ),
    ] = "forward",
    hops: Annotated[int, typer.Option(help="Most hops followed from a source.")] = 20,
    since: Annotated[
        str | None, typer.Option(help="Ignore transfers before this date or time (UTC).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Ignore transfers after this date or time (UTC).")
    ] = None,
    min_usd: Annotated[
        float, typer.Option(help="Tainted amounts below this many US dollars are not followed.")
    ] = 1.0,
    tags: Annotated[
        list[Path] | None,
        typer.Option(
            "--tags",
            help="Address tags (repeatable): a simulator wallets file, a "
            "GraphSense TagPack (.yaml) or a CSV of address,service,category.",
        ),
    ] = None,
    lists: Annotated[
        bool, typer.Option(help="Tag the sanctions-listed wallets of the home's store.")
    ] = True,
    prices: Annotated[
        Path | None,
        typer.Option(
            help="Dated prices, CSV date,asset,usd (default: built-in reference "
            "rates; the output says which)."
        ),
    ] = None,
    asset: Annotated[
        str | None,
        typer.Option(
            help="Asset of files without an asset column (ethereum-etl transactions: ETH)."
        ),
    ] = None,
    decimals: Annotated[
        int, typer.Option(help="Divide values by 10^N (18 for wei, 8 for satoshi).")
    ] = 0,
    cluster_inputs: Annotated[
        bool,
        typer.Option(
            help="Bitcoin: treat the addresses signing inputs of one transaction as one owner."
        ),
    ] = False,
    match_legs: Annotated[
        bool,
        typer.Option(
            help="Match swap, bridge and mixer legs by time and value, and "
            "follow value through them without pooling."
        ),
    ] = False,
    bridge_hours: Annotated[
        float, typer.Option(help="With --match-legs: hours within which a bridge pays out.")
    ] = 6.0,
    mixer_days: Annotated[
        float, typer.Option(help="With --match-legs: days within which a mixer pays out.")
    ] = 30.0,
    leg_tolerance: Annotated[
        float,
        typer.Option(
            help="With --match-legs: largest relative difference of dollar value between the legs."
        ),
    ] = 0.05,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write one row per address that received traced value (.parquet, .csv or .jsonl)."
        ),
    ] = None,
    freeze_list: Annotated[
        Path | None,
        typer.Option(help="Write the freeze-request list per service as NAME.csv and NAME.json."),
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained flow view (HTML).")
    ] = None,
    alerts: Annotated[
        Path | None,
        typer.Option(help="Write crypto_laundering alerts, one per endpoint address."),
    ] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="Write CSV cells exactly as they are (no ' before text a spreadsheet would run).",
        ),
    ] = False,
    home: Annotated[
        Path | None, typer.Option("--home", help="sever home (default $SEVER_HOME).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")
    ] = False,
) -> None:
    """Follow stolen crypto from --from hop by hop to the exchanges where it can be frozen."""
    with user_errors():
        from sever.tables.engine import connect
        from sever.trace.legs import LegRules
        from sever.trace.prices import read_prices, reference_prices
        from sever.trace.run import TraceSettings, trace
        from sever.trace.transfers import load_transfers

        _check_options(decimals, bridge_hours, mixer_days, leg_tolerance, asset)
        _check_outputs(out, html, freeze_list, alerts)
        tagged = _tags(tags or [], lists or bool(from_listed), Home.resolve(home))
        settings = TraceSettings(
            sources=_sources(sources or []) + _listed(tagged, from_listed or []),
            method=method,
            direction=direction,
            hops=hops,
            since=_seconds(since, "--since"),
            until=_seconds(until, "--until"),
            min_usd=min_usd,
            match_legs=match_legs,
            legs=LegRules(bridge_hours, mixer_days, leg_tolerance),
        )
        priced = read_prices(prices) if prices else reference_prices()
        engine = connect()
        try:
            with _interruptible(), _progress(quiet=as_json) as progress:
                loaded = load_transfers(
                    engine,
                    transfers,
                    asset=asset,
                    decimals=decimals,
                    cluster_inputs=cluster_inputs,
                    progress=progress,
                )
                result = trace(loaded, settings, tagged, priced, progress=progress)
        finally:
            engine.close()
        _write(result, out, freeze_list, html, alerts, raw)
        _report(result, out, as_json)


def _write(
    result: Any,
    out: Path | None,
    freeze: Path | None,
    html: Path | None,
    alerts: Path | None,
    raw: bool,
) -> None:
    """Every output asked for, all renamed into place together (or none, on an error or
    Ctrl-C)."""
    from sever.trace.flow_html import write_flow_html
    from sever.trace.freeze import freeze_requests, write_freeze_list
    from sever.trace.output import all_or_nothing, write_addresses

    with all_or_nothing() as stage:
        if out is not None:
            write_addresses(result.addresses, stage(out), raw=raw)
        if freeze is not None:
            # The freeze list is two files, NAME.csv and NAME.json, named from one stem.
            stage(freeze.with_suffix(".json"))
            requests = freeze_requests(result.addresses, result.flows)
            write_freeze_list(stage(freeze.with_suffix(".csv")), requests, raw=raw)
        if html is not None:
            write_flow_html(stage(html), result)
        if alerts is not None:
            from sever.alerts import write_findings

            write_findings(result.alerts, stage(alerts), raw=raw)


def _report(result: Any, out: Path | None, as_json: bool) -> None:
    from sever.trace.endpoints import endpoints

    ends = endpoints(result.addresses)
    payload = {
        **result.summary(),
        "endpoints": ends.to_dict(orient="records"),
        "patterns": [p.to_dict() for p in result.patterns],
        "alerts": [a.to_dict() for a in result.alerts],
        "out": str(out) if out else None,
    }

    def render() -> None:
        console.print(result.headline())
        console.print(f"[dim]{result.summary()['method']} Prices: {result.prices}.[/]")
        handling = result.handling
        console.print(
            f"[dim]{handling['rows_read']:,} transfers read; set aside {handling['failed']:,} "
            f"failed, {handling['zero_value']:,} zero-value, {handling['self_transfers']:,} self "
            f"transfers; {len(result.addresses):,} addresses received traced value.[/]"
        )
        rows = [
            (
                r.service,
                r.address,
                f"{r.traced_value:,.4f} {r.asset}",
                f"{r.traced_usd:,.0f}",
                f"{r.share:.1%}",
                r.min_hops,
                f"{r.first_arrival:%Y-%m-%d %H:%M}",
            )
            for r in ends.head(20).itertuples()
        ]
        if rows:
            print_table(
                "Endpoints: where the funds can be frozen",
                ("service", "address", "traced", "USD", "share", "hops", "first"),
                rows,
                caption=f"written to {out}" if out else None,
            )
        counts: dict[str, int] = {}
        for pattern in result.patterns:
            counts[pattern.name] = counts.get(pattern.name, 0) + 1
        if counts:
            console.print("Patterns: " + ", ".join(f"{k} ×{v}" for k, v in counts.items()))

    emit(payload, as_json, render)


def register(root: typer.Typer) -> None:
    """Add ``sever trace`` to the root command."""
    root.command("trace")(trace_command)
