"""The ``sever`` command: a thin Typer shell over the verb packages (one module per verb)."""

from __future__ import annotations

import os
import sys
from importlib import import_module

import typer

from sever.errors import SeverError

app = typer.Typer(
    name="sever",
    help="Find and cut North Korea's illicit revenue: lists, screening, monitoring, simulation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each verb module defines ``app`` (a Typer sub-application) or ``register(root)``.
_VERBS = (
    "lists",
    "screen",
    "simulate",
    "monitor",
    "trace",
    "network",
    "cases",
    "report",
    "users",
    "audit",
    "serve",
    "demo",
)


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
    """Run the command line. Every error is one line on stderr: a usage error (an option value
    that does not parse, an unknown command) and a SeverError exit 2; an error that no verb turned
    into a clear message exits 70, marked as a bug (``SEVER_DEBUG=1`` shows its traceback)."""
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:  # Typer's (vendored Click) usage and parameter errors
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            sys.stdout.write(ctx.get_help() + "\n")  # `sever` or `sever lists` alone: the help
            sys.exit(2)
        # Typer's own rendering is a multi-line box; scripts and logs want one line.
        where = ctx.command_path if ctx is not None else "sever"
        message = " ".join(exc.format_message().split())
        sys.stderr.write(f"error: {where}: {message} (see {where} --help)\n")
        sys.exit(getattr(exc, "exit_code", 2) or 2)
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        sys.exit(130)
    except SeverError as exc:  # raised outside a verb's own handler (e.g. resolving the home)
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(2)
    except BrokenPipeError:  # `sever … | head`: the reader has gone, nothing to report
        sys.stderr.close()
        sys.exit(1)
    except Exception as exc:  # the last resort: every known error is handled in the verbs
        if os.environ.get("SEVER_DEBUG"):
            raise
        message = str(exc).splitlines()[0][:300] if str(exc) else ""
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}: {message}); this is a bug in sever, "
            "please report it with SEVER_DEBUG=1 output\n"
        )
        sys.exit(70)
    sys.exit(code if isinstance(code, int) else 0)
