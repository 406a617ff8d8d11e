"""``sever cases``: findings from every verb worked into cases.

sever cases ingest FILE…              hits and alerts (any verb) into cases; idempotent
sever cases list [--state S]          the inbox, most urgent first
sever cases show CASE                 a case with its findings, notes, attachments, decisions
sever cases assign CASE NAME          give a case to someone
sever cases note CASE TEXT            add a note
sever cases attach CASE FILE          keep a file (evidence export) with the case
sever cases decide CASE STATE --reason TEXT
sever cases close CASE --as false_positive|no_action --reason TEXT
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sever.cli.output import emit, print_table, user_errors
from sever.home import Home

if TYPE_CHECKING:
    from sever.cases.ingest import IngestResult
    from sever.cases.roles import Actor
    from sever.cases.store import CaseStore

app = typer.Typer(
    help=(
        "Work findings into cases: ingest hits and alerts, group them by subject, assign, "
        "note, decide with a reason; every action goes to the audit chain."
    ),
    no_args_is_help=True,
)

HomeOpt = Annotated[Path | None, typer.Option("--home", help="sever home (default $SEVER_HOME).")]
Database = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Cases database URL (default $SEVER_DATABASE_URL, else SQLite in the home), e.g. "
        "postgresql://user@host/sever.",
    ),
]
UserOpt = Annotated[
    str | None,
    typer.Option(
        "--user", help="Act as this sever user (default $SEVER_USER, else your login name)."
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


ToCases = Annotated[
    bool,
    typer.Option(
        "--to-cases", help="Also put the findings into the case inbox (as `sever cases ingest`)."
    ),
]


def send_to_cases(
    home: Home, user: str | None, ingest: Callable[[CaseStore, Actor], IngestResult]
) -> None:
    """``--to-cases`` on a detecting verb: ``ingest`` its findings into the home's case store,
    acting as ``user``, and say what that added (on stderr, so ``--json`` stays clean)."""
    from sever.cases.store import CaseStore
    from sever.cases.users import local_actor
    from sever.cli.output import err_console

    store = CaseStore.open(home)
    try:
        done = ingest(store, local_actor(store, user))
    finally:
        store.close()
    err_console.print(
        f"cases: {done.added:,} finding(s) added, {len(done.opened):,} case(s) opened",
        highlight=False,
    )


CaseId = Annotated[int, typer.Argument(help="The case number.", min=1)]
Reason = Annotated[str, typer.Option("--reason", help="Why (recorded with the decision).")]
Version = Annotated[
    int | None,
    typer.Option(help="Refuse if the case changed since this version (as `show` printed it)."),
]


def open_store(home: Path | None, database: str | None) -> CaseStore:
    from sever.cases.store import CaseStore

    return CaseStore.open(Home.resolve(home), database)


def acting(home: Path | None, database: str | None, user: str | None) -> tuple[CaseStore, Actor]:
    """The store and the user acting on it."""
    from sever.cases.users import local_actor

    store = open_store(home, database)
    return store, local_actor(store, user)


def _render_cases(cases: list[dict[str, Any]]) -> None:
    print_table(
        None,
        ["case", "state", "severity", "subject", "findings", "assignee", "due", "title"],
        [
            [
                c["id"],
                c["state"],
                c["severity"],
                f"{c['subject']['kind']}:{c['subject']['id']}",
                c["finding_count"],
                c["assignee"] or "",
                c["due_at"][:10] + (" overdue" if c["overdue"] else ""),
                c["title"],
            ]
            for c in cases
        ],
        caption=f"{len(cases)} case(s)",
    )


@app.command()
def ingest(
    files: Annotated[
        list[Path],
        typer.Argument(help="Findings, alerts or screening hits (.parquet, .csv, .jsonl)."),
    ],
    home: HomeOpt = None,
    database: Database = None,
    user: UserOpt = None,
    as_json: Json = False,
) -> None:
    """Ingest findings from any verb into cases, grouped by subject; the same file twice adds
    nothing, and hits closed as false positives stay closed until a record changes."""
    from sever.cases.ingest import ingest_files

    with user_errors():
        store, actor = acting(home, database, user)
        result = ingest_files(store, actor, files)
    emit(
        result.to_dict(),
        as_json,
        lambda: typer.echo(
            f"{result.added:,} finding(s) added, {result.known:,} already known, "
            f"{result.suppressed:,} suppressed; {len(result.opened):,} case(s) opened, "
            f"{len(result.grown):,} grown"
        ),
    )


@app.command("list")
def list_(
    state: Annotated[
        str | None,
        typer.Option(
            help="Only cases in this state: open, new, in_review, escalated, reported, "
            "closed_false_positive or closed_no_action."
        ),
    ] = None,
    assignee: Annotated[str | None, typer.Option(help="Only cases given to this user.")] = None,
    home: HomeOpt = None,
    database: Database = None,
    as_json: Json = False,
) -> None:
    """The inbox: cases, earliest due date first."""
    from sever.cases.workflow import list_cases

    with user_errors():
        cases = list_cases(open_store(home, database), state=state, assignee=assignee)
    emit(cases, as_json, lambda: _render_cases(cases))


@app.command()
def show(
    case: CaseId, home: HomeOpt = None, database: Database = None, as_json: Json = False
) -> None:
    """One case: its findings with their explanations, notes, attachments and decisions."""
    from sever.cases.workflow import show_case

    with user_errors():
        view = show_case(open_store(home, database), case)
    emit(view, as_json, lambda: _render_case(view))


def _render_case(view: dict[str, Any]) -> None:
    subject = view["subject"]
    typer.echo(f"case {view['id']}: {view['title']}")
    typer.echo(
        f"  {view['state']} · {view['severity']} · subject {subject['kind']} {subject['id']} "
        f"{subject['label']} · assignee {view['assignee'] or '-'} · due {view['due_at'][:10]}"
        f"{' (overdue)' if view['overdue'] else ''} · version {view['version']}"
    )
    for finding in view["findings"]:
        typer.echo(f"  - [{finding['verb']}] {finding['alert_id']}: {finding['explanation']}")
    for note in view["notes"]:
        typer.echo(f"  note by {note['author']} at {note['at'][:19]}: {note['text']}")
    for item in view["attachments"]:
        typer.echo(f"  attachment {item['name']} sha256 {item['sha256']}")
    for decision in view["decisions"]:
        typer.echo(
            f"  {decision['at'][:19]} {decision['actor']}: {decision['from']} → "
            f"{decision['to']}: {decision['reason']}"
        )


@app.command()
def assign(
    case: CaseId,
    assignee: Annotated[str, typer.Argument(help="Who works the case ('-' for nobody).")],
    version: Version = None,
    home: HomeOpt = None,
    database: Database = None,
    user: UserOpt = None,
    as_json: Json = False,
) -> None:
    """Give a case to someone."""
    from sever.cases.workflow import assign as assign_case

    with user_errors():
        store, actor = acting(home, database, user)
        view = assign_case(
            store, actor, case, None if assignee == "-" else assignee, version=version
        )
    emit(
        view, as_json, lambda: typer.echo(f"case {case} assigned to {view['assignee'] or 'nobody'}")
    )


@app.command()
def note(
    case: CaseId,
    text: Annotated[str, typer.Argument(help="The note.")],
    home: HomeOpt = None,
    database: Database = None,
    user: UserOpt = None,
    as_json: Json = False,
) -> None:
    """Add a note to a case."""
    from sever.cases.workflow import add_note

    with user_errors():
        store, actor = acting(home, database, user)
        added = add_note(store, actor, case, text)
    emit(added, as_json, lambda: typer.echo(f"note {added['id']} added to case {case}"))


@app.command()
def attach(
    case: CaseId,
    file: Annotated[Path, typer.Argument(help="The file to keep with the case.")],
    home: HomeOpt = None,
    database: Database = None,
    user: UserOpt = None,
    as_json: Json = False,
) -> None:
    """Keep a file with a case (copied into the home; its SHA-256 goes to the audit chain)."""
    from sever.cases.workflow import attach as attach_file

    with user_errors():
        store, actor = acting(home, database, user)
        kept = attach_file(store, actor, case, file)
    emit(
        kept,
        as_json,
        lambda: typer.echo(f"{kept['name']} kept with case {case} (sha256 {kept['sha256']})"),
    )


@app.command()
def decide(
    case: CaseId,
    state: Annotated[
        str,
        typer.Argument(
            help="in_review, escalated, reported, closed_false_positive or closed_no_action."
        ),
    ],
    reason: Reason,
    version: Version = None,
    home: HomeOpt = None,
    database: Database = None,
    user: UserOpt = None,
    as_json: Json = False,
) -> None:
    """Move a case to a new state, with the reason; the workflow says which moves are allowed."""
    from sever.cases.workflow import decide as decide_case

    with user_errors():
        store, actor = acting(home, database, user)
        view = decide_case(store, actor, case, state, reason, version=version)
    emit(view, as_json, lambda: typer.echo(f"case {case} is now {view['state']}"))


@app.command()
def close(
    case: CaseId,
    outcome: Annotated[
        str, typer.Option("--as", help="false_positive (remembered for screening) or no_action.")
    ],
    reason: Reason,
    version: Version = None,
    home: HomeOpt = None,
    database: Database = None,
    user: UserOpt = None,
    as_json: Json = False,
) -> None:
    """Close a case as a false positive or with no action, with the reason."""
    from sever.cases.workflow import decide as decide_case
    from sever.errors import InputError

    with user_errors():
        if outcome not in ("false_positive", "no_action"):
            raise InputError(None, f"{outcome!r}: choose false_positive or no_action", field="--as")
        store, actor = acting(home, database, user)
        view = decide_case(store, actor, case, f"closed_{outcome}", reason, version=version)
    emit(view, as_json, lambda: typer.echo(f"case {case} is now {view['state']}"))
