"""The ``sever`` command: a thin Typer shell over the verb packages (one module per verb)."""

from __future__ import annotations

import os
import sys
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
    """Run the command line. An error that no verb turned into a clear message is still one line
    (exit 70) rather than a traceback; ``SEVER_DEBUG=1`` shows the traceback for a bug report."""
    try:
        app()
    except Exception as exc:  # the last resort: every known error is handled in the verbs
        if os.environ.get("SEVER_DEBUG"):
            raise
        message = str(exc).splitlines()[0][:300] if str(exc) else ""
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}: {message}); this is a bug in sever, "
            "please report it with SEVER_DEBUG=1 output\n"
        )
        sys.exit(70)
