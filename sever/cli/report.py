"""``sever report``: a case as a FinCEN SAR, a goAML STR, or a PDF case report.

sever report sar CASE --out sar.xml          FinCEN SAR batch XML, checked against the XSD
sever report goaml CASE --out str.xml        goAML STR XML (goAML 5.0.1, or --xsd FIU.xsd)
sever report pdf CASE --out report.pdf       case report as PDF, with report.html beside it

The filer's details come from ``$SEVER_HOME/report.toml`` (or ``--settings FILE``); see
:mod:`sever.report.settings` for its keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sever.cli.cases import CaseId, Database, HomeOpt, Json, UserOpt, acting
from sever.cli.output import emit, user_errors

app = typer.Typer(
    help=(
        "Draft a case's report: FinCEN SAR XML, goAML STR XML, or a PDF case report. A SAR or "
        "goAML draft needs an escalated case; another reviewer files it with "
        "`sever cases decide CASE reported`. Filer details: $SEVER_HOME/report.toml."
    ),
    no_args_is_help=True,
)

Settings = Annotated[
    Path | None,
    typer.Option(
        "--settings",
        help="Report settings (TOML: [filer] name, tin, …; [goaml] rentity_id, …); default "
        "$SEVER_HOME/report.toml.",
    ),
]


def _run(
    kind: str,
    case: int,
    out: Path,
    home: Path | None,
    database: str | None,
    user: str | None,
    settings: Path | None,
    xsd: Path | None,
    as_json: bool,
) -> None:
    from sever.report.draft import draft_report

    with user_errors():
        store, actor = acting(home, database, user)
        drafted = draft_report(store, actor, case, kind, out, settings_file=settings, xsd=xsd)

    def render() -> None:
        typer.echo(f"{drafted.path} written ({drafted.size:,} bytes, sha256 {drafted.sha256})")
        if drafted.html is not None:
            typer.echo(f"{drafted.html} written")
        if kind != "pdf":
            typer.echo(
                f"case {case}: {kind} draft by {drafted.drafted_by} kept with the case; another "
                f"reviewer files it with: sever cases decide {case} reported --reason TEXT"
            )

    emit(drafted.to_dict(), as_json, render)


@app.command()
def sar(
    case: CaseId,
    out: Annotated[Path, typer.Option("--out", help="The SAR XML file to write.")],
    settings: Settings = None,
    home: HomeOpt = None,
    database: Database = None,
    user: UserOpt = None,
    as_json: Json = False,
) -> None:
    """FinCEN SAR batch XML of an escalated case, validated against the FinCEN XSD before it
    is written; a case missing a subject, amount, date or narrative is refused."""
    _run("sar", case, out, home, database, user, settings, None, as_json)


@app.command()
def goaml(
    case: CaseId,
    out: Annotated[Path, typer.Option("--out", help="The goAML XML file to write.")],
    xsd: Annotated[
        Path | None,
        typer.Option("--xsd", help="Validate against your FIU's goAML schema instead of 5.0.1."),
    ] = None,
    settings: Settings = None,
    home: HomeOpt = None,
    database: Database = None,
    user: UserOpt = None,
    as_json: Json = False,
) -> None:
    """goAML suspicious transaction report (STR) XML of an escalated case: report, transactions,
    parties and accounts, validated against goAML 5.0.1 or --xsd."""
    _run("goaml", case, out, home, database, user, settings, xsd, as_json)


@app.command()
def pdf(
    case: CaseId,
    out: Annotated[
        Path, typer.Option("--out", help="The PDF file to write (its .html twin goes beside).")
    ],
    settings: Settings = None,
    home: HomeOpt = None,
    database: Database = None,
    user: UserOpt = None,
    as_json: Json = False,
) -> None:
    """A case report as PDF and HTML: narrative from the findings' explanations, subjects,
    payments, evidence, and charts (amount over time, flow of funds); made offline."""
    _run("pdf", case, out, home, database, user, settings, None, as_json)
