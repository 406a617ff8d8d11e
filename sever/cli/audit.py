"""``sever audit``: the tamper-evident chain of every action on cases and users.

sever audit verify [--head HASH]    exit 1 and the first bad record when the chain is broken
sever audit export --out FILE       the chain and its head hash, to anchor elsewhere
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sever.cli.cases import Database, HomeOpt, Json, open_store
from sever.cli.output import EXIT_FINDINGS, emit, user_errors

app = typer.Typer(
    help="Check and export the audit chain: each record hashes the one before it.",
    no_args_is_help=True,
)


@app.command()
def verify(
    head: Annotated[
        str | None,
        typer.Option(help="A head hash kept elsewhere (from `export`): it must be in the chain."),
    ] = None,
    home: HomeOpt = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Walk the chain and name the first edited, deleted, reordered or inserted record (exit 1)."""
    from sever.cases import audit

    with user_errors():
        store = open_store(home, database)
        with store.read() as session:
            verdict = audit.verify(session, head)
    emit(verdict.to_dict(), as_json, lambda: typer.echo(verdict.sentence()))
    if not verdict.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="Write the chain here (JSON).")],
    home: HomeOpt = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Write the whole chain with its head hash, so the head can be kept elsewhere."""
    from sever.cases import audit
    from sever.tables.atomic import atomic_output

    with user_errors():
        store = open_store(home, database)
        with store.read() as session:
            chain = audit.export(session)
        with atomic_output(out) as temp:
            temp.write_text(
                json.dumps(chain, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
    summary = {
        "out": str(out),
        "records": len(chain["records"]),
        "head": chain["head"],
        "verified": chain["verified"]["ok"],
    }
    emit(
        summary,
        as_json,
        lambda: typer.echo(
            f"{summary['records']:,} record(s) written to {out}; head {chain['head']['hash']}"
        ),
    )
