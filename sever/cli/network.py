"""``sever network``: front companies, laptop farms and ownership chains that lead to sanctioned
parties."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Find networks: the OFAC 50 % rule over ownership chains, front-company clusters, laptop "
    "farms and paths to sanctioned parties.",
    no_args_is_help=True,
)
