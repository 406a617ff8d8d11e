"""How every command prints: a Rich table for people, JSON on stdout for scripts (``--json``).

Exit codes: 0 success, 1 findings when the user asked ``--fail-on-hit``, 2 usage or input errors.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from sever.errors import SeverError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

console = Console()
err_console = Console(stderr=True)


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def print_json(payload: Any) -> None:
    """Machine-readable output: JSON on stdout only."""
    sys.stdout.write(json.dumps(payload, default=_default, ensure_ascii=False, indent=2) + "\n")


def print_table(
    title: str | None,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    caption: str | None = None,
) -> None:
    table = Table(title=title, caption=caption, show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(table)


def emit(payload: Any, as_json: bool, render: Callable[[], None]) -> None:
    """Print ``payload`` as JSON when ``--json`` was given, else call ``render`` for people."""
    if as_json:
        print_json(payload)
    else:
        render()


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn SeverError into one red line on stderr and exit code 2; never a traceback."""
    try:
        yield
    except SeverError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None
    except OSError as exc:  # the machine said no: disk full, permission, a path that is a file
        where = f"{exc.filename}: " if exc.filename else ""
        message = f"{where}{exc.strerror or exc}"
        err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted:[/] nothing partial was kept")
        raise typer.Exit(130) from None
