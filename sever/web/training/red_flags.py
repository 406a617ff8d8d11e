"""The red flags of each typology, in words, for the trainee's debrief (``red_flags.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FILE = Path(__file__).with_name("red_flags.toml")


@dataclass(frozen=True)
class RedFlags:
    """What to look for in one typology, and where that advice comes from."""

    typology: str
    title: str
    flags: tuple[str, ...]
    cites: str


@cache
def red_flags() -> dict[str, RedFlags]:
    """Every typology's red flags, read once from the package's data file."""
    data = tomllib.loads(FILE.read_text(encoding="utf-8"))
    return {
        name: RedFlags(name, entry["title"], tuple(entry["flags"]), entry["cites"])
        for name, entry in data.items()
    }


def flags_for(typology: str) -> RedFlags:
    """The red flags of ``typology`` (a plain placeholder for a name the file does not know)."""
    return red_flags().get(typology) or RedFlags(typology, typology, (), "")
