"""``sever serve``: the HTTP API (yente-compatible /match and /search, /entities, /algorithms)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sever.cli.output import err_console, user_errors
from sever.errors import SeverError
from sever.home import Home
from sever.serve.settings import settings_help

MAX_WORKERS = 64
"""Most server processes ``--workers`` may ask for."""


def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[
        str, typer.Option(metavar="PORT", help="TCP port, from 1 to 65535.", show_default=True)
    ] = "8000",
    home: Annotated[
        Path | None,
        typer.Option("--home", help="sever home directory (default: $SEVER_HOME or ~/.sever)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help=f"Server processes (1 to {MAX_WORKERS}), forked after the screening index is "
            "built; one process uses one core (default: one per core this machine gives it).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the HTTP API. API keys come from SEVER_API_KEYS="key1:admin,key2:analyst"; without
    them access is open (a warning says so) and /updatez works only on 127.0.0.1. OpenAPI docs
    at /docs and /openapi.json.

    Request lines are not logged: /search URLs carry the names being screened."""
    from sever.screen.workers import available_cores
    from sever.serve.app import create_app
    from sever.serve.server import listen, parse_port, serve
    from sever.serve.settings import ServeSettings

    with user_errors():
        number = parse_port(port)
        if workers is not None and not 1 <= workers <= MAX_WORKERS:
            raise SeverError(f"--workers: {workers} is not between 1 and {MAX_WORKERS}")
        processes = workers or min(available_cores(), MAX_WORKERS)
        settings = ServeSettings.from_env(bind_host=host)
        sock = listen(host, number, shared=processes > 1)
        app = create_app(Home.resolve(home), settings)
        app.state.index.reload()
    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"serving on http://{shown}:{number} (docs at /docs)", highlight=False)
    status = serve(app, sock, header_timeout_s=settings.client_timeout_s, workers=processes)
    if status:
        raise typer.Exit(status)


def _epilog() -> str:
    """The environment settings, for ``sever serve --help``."""
    lines = [f"{name} (default {default}): {text}" for name, default, text in settings_help()]
    return "Settings, from the environment:\n\n" + "\n\n".join(lines)


def register(root: typer.Typer) -> None:
    """Add the ``serve`` command to the root CLI."""
    root.command("serve", epilog=_epilog())(serve_command)
