"""The ``sever`` command: a thin Typer shell over the verb packages (one module per verb)."""

from __future__ import annotations

from importlib import import_module

import typer

app = typer.Typer(
    name="sever",
    help="Find and cut North Korea's illicit revenue: lists, screening, monitoring, simulation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each verb module defines ``app`` (a Typer sub-application) or ``register(root)``.
_VERBS = ("lists", "screen", "simulate", "monitor", "serve", "demo")


def _register() -> None:
    for verb in _VERBS:
        try:
            module = import_module(f"sever.cli.{verb}")
        except ModuleNotFoundError as exc:  # a verb not written yet
            if exc.name == f"sever.cli.{verb}":
                continue
            raise
        if hasattr(module, "register"):
            module.register(app)
        else:
            app.add_typer(module.app, name=verb)


_register()


def main() -> None:
    app()
