"""The DPRK rule pack: every typology rule under one stable id, and how users tune them.

Parameters are overridden by ``rule_id.param=value`` settings or a YAML file mapping rule ids to
``{param: value}``; an unknown rule or parameter is an error, never ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from sever.errors import InputError
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
from sever.tables.text_input import read_text

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


def read_settings(path: str | Path) -> dict[str, dict[str, Any]]:
    """Settings from a YAML file: ``{rule_id: {param: value}}``, read strictly (UTF-8)."""
    text = read_text(path, what="rule settings file")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        raise InputError(
            path,
            f"not valid YAML: {getattr(exc, 'problem', None) or 'cannot parse'}",
            row=where.line + 1 if where is not None else None,
        ) from None
    except RecursionError:  # PyYAML nests one call per level of [[[...]]]
        raise InputError(path, "not valid rule settings: nested too deeply") from None
    if not isinstance(data, Mapping) or not all(isinstance(v, Mapping) for v in data.values()):
        raise InputError(path, "rule settings must map rule ids to {parameter: value}")
    return {str(k): dict(v) for k, v in data.items()}


def resolve(
    rules: Iterable[Rule], settings: Mapping[str, Mapping[str, Any]] | None
) -> dict[str, dict[str, Any]]:
    """Each rule's parameter values: defaults, then the user's settings (checked)."""
    settings = dict(settings or {})
    unknown = [rule_id for rule_id in settings if rule_id not in RULES]
    if unknown:
        raise RuleError(f"settings name unknown rule(s) {', '.join(unknown)}")
    return {rule.id: rule.settings(settings.get(rule.id)) for rule in rules}
