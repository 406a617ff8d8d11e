"""The DPRK rule pack: every typology rule under one stable id.

Parameters are overridden by ``rule_id.param=value`` settings or a settings file
(:mod:`sever.monitor.settings`); an unknown rule or parameter is an error, never ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sever.monitor.rule import Rule, RuleError
from sever.monitor.rules import (
    corridors,
    counterparties,
    crypto,
    cycles,
    fans,
    movement,
    payroll,
    purpose,
    screening,
)

DPRK_PACK: tuple[Rule, ...] = (
    *payroll.RULES,
    *movement.RULES,
    *fans.RULES,
    *cycles.RULES,
    *counterparties.RULES,
    *corridors.RULES,
    *purpose.RULES,
    *screening.RULES,
    *crypto.RULES,
)

RULES: dict[str, Rule] = {rule.id: rule for rule in DPRK_PACK}


def select(ids: Iterable[str] | None = None) -> tuple[Rule, ...]:
    """The rules named (all of the pack when none are)."""
    if not ids:
        return DPRK_PACK
    unknown = [i for i in ids if i not in RULES]
    if unknown:
        raise RuleError(f"unknown rule(s) {', '.join(unknown)}; the pack has {', '.join(RULES)}")
    return tuple(RULES[i] for i in ids)


def parse_settings(items: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``fan_out.min_counterparties=10`` settings as ``{rule: {param: value}}``."""
    settings: dict[str, dict[str, Any]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        rule_id, dot, param = key.strip().partition(".")
        if not sep or not dot:
            raise RuleError(f"setting {item!r} is not RULE.PARAM=VALUE")
        settings.setdefault(rule_id, {})[param] = value.strip()
    return settings


def resolve(
    rules: Iterable[Rule], settings: Mapping[str, Mapping[str, Any]] | None
) -> dict[str, dict[str, Any]]:
    """Each rule's parameter values: defaults, then the user's settings (checked)."""
    settings = dict(settings or {})
    unknown = [rule_id for rule_id in settings if rule_id not in RULES]
    if unknown:
        raise RuleError(f"settings name unknown rule(s) {', '.join(unknown)}")
    return {rule.id: rule.settings(settings.get(rule.id)) for rule in rules}
