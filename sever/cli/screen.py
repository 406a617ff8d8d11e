"""``sever screen``: one-off checks, batch files of parties, delta re-screens after list updates."""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from followthemoney import registry
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from sever.cli.cases import ToCases, UserOpt, send_to_cases
from sever.cli.output import (
    EXIT_FINDINGS,
    console,
    emit,
    err_console,
    print_table,
    user_errors,
)
from sever.entities import DEFAULT_SCOPE, DPRK_SCOPE
from sever.errors import SeverError
from sever.home import Home
from sever.lists import ensure_loaded
from sever.screen.batch import (
    BatchResult,
    PartyRows,
    check_hits_path,
    count_rows,
    is_future_date,
    screen_file,
    write_hits,
)
from sever.screen.delta import DeltaResult, screen_delta
from sever.screen.index import ScreeningIndex, load_index
from sever.screen.match import THRESHOLD
from sever.screen.query import QueryError, make_query
from sever.screen.search import (
    REVIEW_CUTOFF,
    Hit,
    Screening,
    ScreenOptions,
    check_filters,
    resolve_algorithm,
    screen_entity,
)
from sever.screen.workers import available_cores

SCOPE_ALIASES = {"all": DEFAULT_SCOPE}
"""``--scope all`` is the ``default`` scope: every list in service."""

SHOWN_HITS = 25
"""How many hits a batch run prints when they are not written to a file."""

MAX_LIMIT = 500
"""Most hits per party ``--limit`` may ask for (the API's ``limit`` has the same bound)."""

MAX_WORKERS = 256
"""Most worker processes ``--workers`` may ask for."""

OPTION_NAMES = {
    "scope": "--scope",
    "include_datasets": "--lists",
    "algorithm": "--algorithm",
    "threshold": "--threshold",
    "cutoff": "--threshold",
    "limit": "--limit",
}
"""The screening options as this command names them, for error messages."""


def _threshold(value: float | None) -> float:
    """The match threshold: a score above 0 and at most 1."""
    if value is None:
        return THRESHOLD
    if not math.isfinite(value) or not 0 < value <= 1:
        raise SeverError(f"--threshold: {value} is not a score above 0 and at most 1")
    return value


def _check_counts(limit: int, workers: int | None) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise SeverError(f"--limit: {limit} is not between 1 and {MAX_LIMIT}")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise SeverError(f"--workers: {workers} is not between 1 and {MAX_WORKERS}")


def _options(
    scope: str, threshold: float | None, lists: str | None, limit: int, algorithm: str | None
) -> ScreenOptions:
    chosen = _threshold(threshold)
    named = [x.strip() for x in (lists or "").split(",")]
    if lists is not None and not any(named):
        raise SeverError("--lists: give one or more list names, comma-separated")
    try:
        resolved = resolve_algorithm(algorithm)
    except QueryError as exc:
        raise QueryError(exc.message, "--algorithm") from None
    return ScreenOptions(
        scope=SCOPE_ALIASES.get(scope, scope),
        threshold=chosen,
        cutoff=min(REVIEW_CUTOFF, chosen),
        limit=limit,
        algorithm=resolved,
        include_datasets=frozenset(x for x in named if x),
    )


def _checked_date(value: str | None) -> str | None:
    """A birth date as given, or a SeverError when it is no date or lies in the future."""
    if value is None:
        return None
    clean = registry.date.clean(value)
    if clean is None:
        raise SeverError(f"--birth-date: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if is_future_date(clean):
        raise SeverError(f"--birth-date: {value} is in the future")
    return clean


def _checked_country(value: str | None) -> str | None:
    if value is None:
        return None
    clean = registry.country.clean(value)
    if clean is None:
        raise SeverError(f"--country: {value!r} is not a country code or name")
    return clean


def _index(home: Home, quiet: bool, options: ScreenOptions) -> ScreeningIndex:
    """The screening index, with the options checked against it; says which lists (and which
    of their publications) the screening covers."""
    with (
        err_console.status("loading the screening index…", spinner="dots") if not quiet else _null()
    ):
        ensure_loaded(home)
        index = load_index(home)
    check_filters(index, options, OPTION_NAMES)
    if not quiet:
        lists = ", ".join(
            f"{s['dataset']} (published {s['published'] or 'undated'})"
            for s in index.snapshots
            if _covers(options, s["dataset"])
        )
        scope = " (DPRK scope)" if DPRK_SCOPE in (options.scope, *options.include_datasets) else ""
        err_console.print(f"[dim]screening against {lists}{scope}[/]", highlight=False)
    return index


def _covers(options: ScreenOptions, dataset: str) -> bool:
    """Whether the scope and ``--lists`` take in (part of) a list."""
    groups = {DEFAULT_SCOPE, DPRK_SCOPE}
    if options.scope not in groups and options.scope != dataset:
        return False
    chosen = options.include_datasets
    return not chosen or bool(chosen & groups) or dataset in chosen


@contextmanager
def _null() -> Any:
    yield


def _one_off_properties(
    name: str | None,
    birth_date: str | None,
    country: str | None,
    id_numbers: list[str],
    imo: str | None,
    wallet: str | None,
) -> tuple[str, dict[str, list[str]]]:
    """The schema a one-off check implies and its query properties."""
    props: dict[str, list[str]] = {}
    if name is not None:
        props["name"] = [name]
    if birth_date is not None:
        props["birthDate"] = [_checked_date(birth_date) or ""]
    if country is not None:
        props["country"] = [_checked_country(country) or ""]
    if id_numbers:
        props["idNumber"] = id_numbers
    if imo:
        props["imoNumber"] = [imo]
    if wallet:
        props["publicKey"] = [wallet]
    implied = "CryptoWallet" if wallet else "Vessel" if imo else "Person" if birth_date else None
    return implied or "LegalEntity", props


def _show_near_misses(screening: Screening) -> None:
    """For a one-off check with no hit: the closest candidates and why they fell short."""
    for hit in screening.hits[:3]:
        console.print(
            f"closest: [bold]{hit.entry.caption}[/] ({hit.entry.id}), below the review cutoff: "
            f"{hit.explanation}",
            highlight=False,
        )


def _show_screening(screening: Screening) -> None:
    if not screening.hits:
        console.print(f"[green]no hit[/] for {screening.query.caption} ({screening.scored} scored)")
        return
    print_table(
        f"Hits for {screening.query.caption}",
        ["entity", "schema", "list", "programs", "holder", "score", "decision"],
        [_hit_cells(h) for h in screening.hits],
    )
    for hit in screening.hits:
        console.print(f"[bold]{hit.entry.caption}[/] ({hit.entry.id}): {hit.explanation}")
        for feature in hit.result.features:
            if feature.contribution:
                console.print(
                    f"  {feature.contribution:+.2f} {feature.name}: {feature.reason}",
                    highlight=False,
                )


def _hit_cells(hit: Hit) -> list[Any]:
    entry = hit.entry
    return [
        entry.caption,
        entry.schema,
        entry.dataset,
        ", ".join(entry.programs),
        entry.holder,
        f"{hit.score:.2f}",
        hit.decision,
    ]


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=quiet,
        transient=True,
    )


def _run_batch(
    home: Home,
    path: Path,
    options: ScreenOptions,
    delta: tuple[str, str] | None,
    strict: bool,
    quiet: bool,
    workers: int,
    encoding: str | None,
) -> BatchResult | DeltaResult:
    rows = PartyRows(path, strict=strict, encoding=encoding)  # a bad file is refused at once
    with _progress(quiet) as bar:
        task = bar.add_task("screening", total=count_rows(path))

        def advance(n: int) -> None:
            bar.advance(task, n)

        if delta is not None:
            ensure_loaded(home)
            return screen_delta(
                home,
                delta[0],
                delta[1],
                path,
                options,
                strict=strict,
                progress=advance,
                workers=workers,
                rows=rows,
            )
        index = _index(home, quiet, options)
        return screen_file(
            index,
            path,
            options,
            strict=strict,
            progress=advance,
            workers=workers,
            rows=rows,
        )


def _show_batch(result: BatchResult | DeltaResult, out: Path | None) -> None:
    batch = result.batch if isinstance(result, DeltaResult) else result
    summary = {k: v for k, v in result.summary().items() if v is not None}
    print_table("Screening summary", ["", "value"], [[k, v] for k, v in summary.items()])
    for problem in batch.problems[:SHOWN_HITS]:
        err_console.print(f"[yellow]skipped or trimmed:[/] {problem}", highlight=False)
    if len(batch.problems) > SHOWN_HITS:
        err_console.print(f"[yellow]… and {len(batch.problems) - SHOWN_HITS} more problems[/]")
    if out is not None:
        console.print(f"{len(batch.rows):,} hits written to {out}")
        return
    if batch.rows:
        shown = batch.rows[:SHOWN_HITS]
        columns = ["query_id", "query_name", "caption", "list", "programs", "score", "decision"]
        print_table(
            f"Hits ({len(shown)} of {len(batch.rows):,}; --out FILE writes them all)",
            ["party", "name", "entity", "list", "programs", "score", "decision"],
            [[row.get(c) for c in columns] for row in shown],
        )


def register(root: typer.Typer) -> None:
    """Add the ``screen`` command to the root CLI."""
    root.command("screen")(screen_command)


def screen_command(
    file: Annotated[
        Path | None,
        typer.Argument(help="CSV or Parquet of parties: party_id, schema, name, [birth_date…]."),
    ] = None,
    name: Annotated[str | None, typer.Option(help="One-off check of this name.")] = None,
    birth_date: Annotated[str | None, typer.Option(help="Birth date (YYYY[-MM[-DD]]).")] = None,
    country: Annotated[str | None, typer.Option(help="Country (code or name).")] = None,
    schema: Annotated[
        str | None,
        typer.Option(help="FtM schema of the one-off query: Person, Company, Vessel…"),
    ] = None,
    id_number: Annotated[
        list[str] | None, typer.Option("--id-number", help="Identifier (repeatable).")
    ] = None,
    imo: Annotated[str | None, typer.Option(help="IMO number of a vessel.")] = None,
    wallet: Annotated[str | None, typer.Option(help="Crypto wallet address.")] = None,
    delta: Annotated[
        tuple[str, str] | None,
        typer.Option(
            help="Re-screen FILE against only what changed between two snapshots, "
            "e.g. --delta us_ofac_sdn~1 us_ofac_sdn.",
            metavar="OLD NEW",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write hits to .csv, .parquet or .jsonl.")
    ] = None,
    scope: Annotated[
        str, typer.Option(help="dprk, all, or one list (us_ofac_sdn, a watchlist…).")
    ] = "all",
    threshold: Annotated[
        float | None,
        typer.Option(help=f"Match threshold, above 0 and at most 1 (default {THRESHOLD})."),
    ] = None,
    lists: Annotated[
        str | None,
        typer.Option(help="Only these lists, comma-separated (list names as in lists status)."),
    ] = None,
    limit: Annotated[int, typer.Option(help=f"Most hits per party, 1 to {MAX_LIMIT}.")] = 5,
    algorithm: Annotated[
        str | None, typer.Option(help="Scoring algorithm (see /algorithms).")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Stop at the first bad row.")] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            help="Encoding of a CSV FILE, e.g. latin-1 or cp1252 (default: UTF-8, or UTF-16 "
            "by its byte-order mark)."
        ),
    ] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="Write CSV cells as they are: no ' before text a spreadsheet would run as a "
            "formula (=, +, -, @).",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(help=f"Cores to screen a file on, 1 to {MAX_WORKERS} (default: all)."),
    ] = None,
    fail_on_hit: Annotated[
        bool, typer.Option("--fail-on-hit", help="Exit with code 1 when anything matches.")
    ] = False,
    to_cases: ToCases = False,
    user: UserOpt = None,
    home: Annotated[
        Path | None,
        typer.Option("--home", help="sever home directory (default: $SEVER_HOME or ~/.sever)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print machine-readable JSON only.")
    ] = False,
) -> None:
    """Screen parties against the sanctions lists: a file, a delta after a list update, or one name.

    Hits that a case closed as false positives are left out until the list entry or the party's
    record changes (the summary counts them).

    \b
      sever screen customers.csv --out hits.csv --scope dprk
      sever screen --delta us_ofac_sdn~1 us_ofac_sdn customers.parquet
      sever screen --name "Kim Jong Un" --birth-date 1984-01-08
    """
    with user_errors():
        resolved = Home.resolve(home)
        _check_counts(limit, workers)
        options = _options(scope, threshold, lists, limit, algorithm)
        one_off = any(v is not None for v in (name, birth_date, country, imo, wallet)) or bool(
            id_number
        )
        if file is None and not one_off:
            raise SeverError("give a FILE of parties, or --name (or --imo, --wallet) for a one-off")
        if file is not None and one_off:
            raise SeverError("give either a FILE or a one-off query (--name…), not both")
        if file is None:
            for given, option in ((out, "--out"), (delta, "--delta"), (encoding, "--encoding")):
                if given is not None:
                    raise SeverError(f"{option} applies to a FILE of parties, not a one-off check")
            found = _one_off(
                resolved,
                options,
                as_json,
                name,
                birth_date,
                country,
                id_number,
                imo,
                wallet,
                schema,
            )
        else:
            if out is not None:
                check_hits_path(out)  # before the work: a bad --out is known at once
            cores = workers or available_cores()
            result = _run_batch(resolved, file, options, delta, strict, as_json, cores, encoding)
            batch = result.batch if isinstance(result, DeltaResult) else result
            from sever.cases.suppress import drop_decided_hits  # SQLAlchemy loads only here

            batch.rows, decided = drop_decided_hits(resolved, batch.rows)
            batch.suppressed = len(decided)
            if out is not None:
                write_hits(out, batch.rows, raw=raw)
            if to_cases:
                from sever.cases.ingest import ingest_hits

                rows, source = batch.rows, f"screen {file}"
                send_to_cases(
                    resolved, user, lambda store, actor: ingest_hits(store, actor, rows, source)
                )
            emit(result.to_dict(), as_json, lambda: _show_batch(result, out))
            found = batch.matched_parties > 0
    if fail_on_hit and found:
        raise typer.Exit(EXIT_FINDINGS)


def _one_off(
    home: Home,
    options: ScreenOptions,
    as_json: bool,
    name: str | None,
    birth_date: str | None,
    country: str | None,
    id_number: list[str] | None,
    imo: str | None,
    wallet: str | None,
    schema: str | None,
) -> bool:
    """Screen one party given on the command line; True when it matches."""
    implied, props = _one_off_properties(name, birth_date, country, id_number or [], imo, wallet)
    query = make_query(schema or implied, props, query_id="one-off", where="query")
    index = _index(home, as_json, options)
    screening = screen_entity(index, query, options)
    emit(screening.to_dict(), as_json, lambda: _show_screening(screening))
    if not screening.hits and not as_json:
        _show_near_misses(screen_entity(index, query, replace(options, cutoff=0.0)))
    return bool(screening.matches)
