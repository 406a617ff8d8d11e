"""``sever simulate``: write a synthetic world with labelled DPRK schemes, or describe one."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sever.cli.output import console, emit, err_console, print_table, user_errors
from sever.errors import InputError
from sever.home import Home
from sever.simulate import TYPOLOGY_NAMES, SimulationParams, simulate
from sever.simulate.describe import describe, plot, public
from sever.simulate.params import FORMATS, parse_size, parse_typologies, with_overrides


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, raw = value.partition("=")
        if not sep or not key.strip():
            raise InputError(None, f"expected KEY=VALUE, got {value!r}", field=option)
        out[key.strip()] = raw.strip()
    return out


def _counts(values: list[str]) -> dict[str, int]:
    counts = {}
    for key, raw in _pairs(values, "--count").items():
        try:
            counts[key] = int(raw)
        except ValueError:
            raise InputError(
                None, f"count for {key} must be a whole number", field="--count"
            ) from None
    return counts


def _run(params: SimulationParams, out: Path, home: Home, quiet: bool) -> dict:
    """Simulate with a Rich progress bar on stderr (silent under ``--json``)."""
    if quiet:
        return simulate(params, out, home=home)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return simulate(params, out, home=home, progress=progress)


def _show_world(summary: dict, out: Path) -> None:
    rows = [(name, f"{count:,}") for name, count in summary["counts"].items()]
    print_table(f"World written to {out}", ["table", "rows"], rows)
    schemes = [(name, count) for name, count in summary["schemes"].items()]
    print_table(
        f"Planted scheme instances ({summary['difficulty']})", ["typology", "instances"], schemes
    )
    console.print(
        f"{summary['illicit_accounts']:,} of {summary['active_accounts']:,} active accounts "
        f"play a role in a scheme ({summary['prevalence']:.2%})"
    )
    for warning in summary["warnings"]:
        err_console.print(f"[yellow]warning:[/] {warning}")


def _show_stats(stats: dict, png: Path) -> None:
    print_table("World", ["table", "rows"], [(k, f"{v:,}") for k, v in stats["counts"].items()])
    amount, degree = stats["amount_usd"], stats["degree"]
    print_table(
        "Heavy tails",
        ["measure", "value"],
        [
            ("USD amount median", f"{amount['median']:,.2f}"),
            ("USD amount p99", f"{amount['p99']:,.2f}"),
            ("top 1 % share of USD volume", f"{amount['top1pct_volume_share']:.1%}"),
            ("Hill tail index, amounts", f"{amount['hill_alpha']:.2f}"),
            ("max out-degree / in-degree", f"{degree['max_out']:,} / {degree['max_in']:,}"),
            ("Hill tail index, in-degree", f"{degree['hill_alpha_in']:.2f}"),
        ],
    )
    print_table(
        "Transactions by weekday", list(stats["weekday"]), [list(stats["weekday"].values())]
    )
    rows = [(t, s["instances"], s["labelled_transactions"]) for t, s in stats["schemes"].items()]
    print_table("Planted schemes", ["typology", "instances", "labelled transactions"], rows)
    share = stats["prevalence"]
    console.print(
        f"labelled accounts: {share['labelled_accounts']:,} of {share['active_accounts']:,} "
        f"active ({share['share']:.2%}); difficulty {stats['difficulty'] or 'not recorded'}"
    )
    console.print(f"plot: {png}")


def simulate_command(
    size: Annotated[
        str,
        typer.Option(help="small (~100k transactions), medium (~5M), large (~50M) or a number."),
    ] = "small",
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives byte-identical files.")
    ] = 0,
    out: Annotated[Path | None, typer.Option(help="Folder to write the world to.")] = None,
    format: Annotated[
        str, typer.Option("--format", help=f"File format: {', '.join(FORMATS)}.")
    ] = "parquet",
    home: Annotated[
        Path | None,
        typer.Option(help="sever home holding the sanctions lists (default $SEVER_HOME)."),
    ] = None,
    difficulty: Annotated[
        str,
        typer.Option(
            help="How hard the schemes are to find: easy (textbook shapes), realistic (wide "
            "ranges, some below any usual threshold) or adversarial (small, slow, spread wide)."
        ),
    ] = "realistic",
    illicit_share: Annotated[
        float | None,
        typer.Option(
            help="Most share of the active accounts that play a role in a scheme "
            "(default 0.01); crypto thefts are planted for this share of chain transfers."
        ),
    ] = None,
    label_noise: Annotated[
        float,
        typer.Option(
            help="Share of schemes the institution never found: left out of labels/, kept in "
            "truth/ for evaluation (default 0)."
        ),
    ] = 0.0,
    label_delay: Annotated[
        float,
        typer.Option(
            help="Mean days from a scheme's last activity to its labelled_at (default 0)."
        ),
    ] = 0.0,
    typologies: Annotated[
        str | None,
        typer.Option(
            help=f"Comma-separated typologies to plant (default all): {', '.join(TYPOLOGY_NAMES)}."
        ),
    ] = None,
    count: Annotated[
        list[str] | None,
        typer.Option(help="Exact instances of a typology, TYPOLOGY=N (repeatable)."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Any other parameter as KEY=VALUE, e.g. days=180, scheme.forward_share=0.8.",
        ),
    ] = None,
    describe_dir: Annotated[
        Path | None,
        typer.Option(
            "--describe", help="Describe the world in this folder instead of writing one."
        ),
    ] = None,
    plot_path: Annotated[
        Path | None,
        typer.Option("--plot", help="Where --describe writes its PNG (default DIR/describe.png)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")
    ] = False,
) -> None:
    """Write a synthetic financial world with labelled DPRK schemes, or describe one."""
    with user_errors():
        if describe_dir is not None:
            stats = describe(describe_dir)
            png = plot(stats, plot_path or describe_dir / "describe.png")
            payload = {**public(stats), "plot": str(png)}
            emit(payload, as_json, lambda: _show_stats(stats, png))
            return
        if out is None:
            raise InputError(
                None, "give --out DIR to write a world (or --describe DIR)", field="--out"
            )
        params = SimulationParams(
            size=parse_size(size),
            seed=seed,
            format=format,
            typologies=parse_typologies(typologies),
            scheme_counts=_counts(count or []),
            difficulty=difficulty,
            label_noise=label_noise,
            label_delay_days=label_delay,
        )
        if illicit_share is not None:
            params = dataclasses.replace(params, illicit_share=illicit_share)
        params = with_overrides(params, _pairs(set_ or [], "--set"))
        summary = _run(params, out, Home.resolve(home), quiet=as_json)
        emit(summary, as_json, lambda: _show_world(summary, out))


def register(root: typer.Typer) -> None:
    """Add the ``simulate`` command to the root CLI."""
    root.command(
        "simulate", help="Write a synthetic world with labelled DPRK schemes, or describe one."
    )(simulate_command)
