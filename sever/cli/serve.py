"""``sever serve``: the HTTP API (yente-compatible /match and /search, /entities, /algorithms)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sever.cli.output import err_console, user_errors
from sever.home import Home


def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    home: Annotated[
        Path | None,
        typer.Option("--home", help="sever home directory (default: $SEVER_HOME or ~/.sever)."),
    ] = None,
) -> None:
    """Serve the HTTP API. API keys come from SEVER_API_KEYS="key1:admin,key2:analyst"; without
    them access is open (a warning says so). OpenAPI docs at /docs and /openapi.json.

    Request lines are not logged: /search URLs carry the names being screened."""
    import uvicorn

    from sever.serve.app import create_app

    with user_errors():
        app = create_app(Home.resolve(home))
    err_console.print(f"serving on http://{host}:{port} (docs at /docs)")
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)


def register(root: typer.Typer) -> None:
    """Add the ``serve`` command to the root CLI."""
    root.command("serve")(serve_command)
