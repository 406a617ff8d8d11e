"""The IMO numbers of the listed vessels, for the rule that finds payments naming one.

A payment whose text names a listed vessel's IMO number is about that vessel, whatever spelling
of its name the invoice uses (TYPOLOGIES.md C; OFAC, State and Coast Guard advisory of 2019-03-21
on North Korea's shipping practices). The numbers come from the DPRK lists loaded in the home
at every run, so a list update reaches the rule without new settings; a number given in the
settings (``listed_imo``) is used instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, MutableMapping
from typing import Any

from sever.home import Home
from sever.monitor.rule import Rule

LISTED_IMO = "listed_imo"
"""The parameter of a rule that reads listed vessels' IMO numbers."""
_SEVEN_DIGITS = re.compile(r"(?<!\d)(\d{7})(?!\d)")


def listed_imo_numbers(home: Home) -> tuple[str, ...]:
    """The seven-digit IMO numbers of the vessels on the DPRK lists in ``home`` (sorted; empty
    when no lists are loaded)."""
    from sever.entities import Store

    if not home.store_path.exists():
        return ()
    with Store.open(home, read_only=True) as store:
        numbers = {
            found.group(1)
            for vessel in store.iter_entities(scope="dprk", schemata=["Vessel"])
            for imo in vessel.get("imoNumber", quiet=True)
            if (found := _SEVEN_DIGITS.search(imo))
        }
    return tuple(sorted(numbers))


def fill_listed_imo(
    values: MutableMapping[str, dict[str, Any]], rules: Iterable[Rule], home: Home | None
) -> None:
    """Give every rule of ``rules`` that reads listed IMO numbers and was given none those of
    the home's lists (``$SEVER_HOME`` or ``~/.sever`` when None), in place: read once, only
    when a rule needs them."""
    wanting = [
        rule.id
        for rule in rules
        if any(p.name == LISTED_IMO for p in rule.params) and not values[rule.id][LISTED_IMO]
    ]
    if not wanting:
        return
    numbers = listed_imo_numbers(home or Home.resolve())
    for rule_id in wanting:
        values[rule_id][LISTED_IMO] = numbers
