"""The docs are held to the code: every command has help and is in the README's tour."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.main import get_command

from sever.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _commands(group: typer.Typer) -> list[tuple[str, object]]:
    """(`sever verb sub`, click command) for every command, nested groups included."""
    found: list[tuple[str, object]] = []

    def walk(command: object, path: str) -> None:
        found.append((path, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(get_command(group), "sever")
    return found


def test_every_command_has_help_text() -> None:
    missing = [path for path, cmd in _commands(app) if not (getattr(cmd, "help", "") or "")]
    assert missing == []


def test_every_option_has_help_text() -> None:
    undocumented = []
    for path, cmd in _commands(app):
        for param in getattr(cmd, "params", []):
            if param.param_type_name == "option" and not getattr(param, "help", None):
                undocumented.append(f"{path} {param.opts[0]}")
    assert undocumented == []


def test_every_command_is_in_the_readme() -> None:
    missing = [
        path
        for path, cmd in _commands(app)
        if path != "sever" and not re.search(re.escape(path) + r"\b", README)
    ]
    assert missing == []


def test_the_readme_starts_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block
