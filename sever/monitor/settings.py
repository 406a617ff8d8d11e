"""One settings object for the rule pack: which rules, their thresholds, the engine, and where
each threshold came from.

The command line and the API build a :class:`PackSettings`; ``run_pack`` takes it whole. A
threshold the settings do not give is read off the data being screened (see
:mod:`sever.monitor.calibrate`) when its parameter is relative, and is the rule's published
default otherwise. Settings are saved as YAML (``sever monitor calibrate`` and ``tune`` write
them) and read back strictly: an unknown key, rule or parameter is an error naming the file, the
line and the field. Their record (an id made from the thresholds, the source and the input) is
written into every alert, so each alert says which thresholds raised it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from sever.errors import InputError
from sever.monitor import pack
from sever.monitor.rule import Rule, RuleError
from sever.tables.atomic import atomic_output
from sever.tables.text_input import read_text

SOURCES = {
    "defaults": "the pack's published defaults",
    "data": "calibrated on the data, without labels",
    "labels": "tuned on labelled data",
    "user": "set by hand",
}
"""Where a settings file's thresholds came from."""

VERSION = 1
KEYS = ("version", "source", "input", "engine", "master", "rules", "thresholds", "basis")
"""The keys a settings file may hold; any other is refused."""


@dataclass(frozen=True)
class PackSettings:
    """Everything a run of the pack is told, in one object.

    ``thresholds`` maps rule ids to ``{parameter: value}``; parameters left out take the rule's
    default, or are calibrated on the input when they are relative. ``basis`` says in words where
    each given value came from ("above the 99.5th percentile for accounts sending money in
    tx.parquet (9)"). ``input`` describes the data the thresholds were computed from.
    """

    rules: tuple[str, ...] | None = None
    """Rule ids to run (all of the pack when None)."""
    thresholds: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    basis: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    engine: str = "duckdb"
    master: str | None = None
    """Spark master URL (``local[2]`` when None)."""
    source: str = "user"
    input: Mapping[str, Any] | None = None
    file: str | None = None
    """The file these settings were read from, if any (not saved)."""

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise RuleError(f"unknown settings source {self.source!r}; use {', '.join(SOURCES)}")
        if self.rules is not None:
            pack.select(self.rules)
        for rule_id in self.thresholds:
            if rule_id not in pack.RULES:
                raise RuleError(f"settings name unknown rule(s) {rule_id}")

    @property
    def chosen(self) -> tuple[Rule, ...]:
        """The rules this run evaluates."""
        return pack.select(self.rules)

    def values(self, rule: Rule) -> dict[str, Any]:
        """``rule``'s parameter values: its defaults, then what these settings give (checked)."""
        return rule.settings(self.thresholds.get(rule.id))

    def missing(self, rule: Rule) -> tuple[str, ...]:
        """The relative parameters and paced windows of ``rule`` these settings leave to
        calibration."""
        given = self.thresholds.get(rule.id) or {}
        return tuple(p.name for p in (*rule.paced, *rule.relative) if p.name not in given)

    def with_values(
        self, values: Mapping[str, Mapping[str, Any]], basis: Mapping[str, Mapping[str, str]]
    ) -> PackSettings:
        """These settings with more thresholds given (and the words for where they came from)."""
        thresholds = {k: dict(v) for k, v in self.thresholds.items()}
        bases = {k: dict(v) for k, v in self.basis.items()}
        for rule_id, params in values.items():
            thresholds.setdefault(rule_id, {}).update(params)
            for name in params:
                words = basis.get(rule_id, {}).get(name)
                if words:
                    bases.setdefault(rule_id, {})[name] = words
                else:
                    bases.get(rule_id, {}).pop(name, None)
        return replace(self, thresholds=thresholds, basis=bases)

    def with_set(self, items: Iterable[str]) -> PackSettings:
        """These settings with ``RULE.PARAM=VALUE`` overrides from the command line."""
        values = pack.parse_settings(items)
        words = {r: dict.fromkeys(params, "set with --set") for r, params in values.items()}
        for rule_id, params in values.items():
            if rule_id not in pack.RULES:
                raise RuleError(f"settings name unknown rule(s) {rule_id}")
            pack.RULES[rule_id].settings(params)
        return self.with_values(values, words)

    def record(self) -> dict[str, Any]:
        """What every alert carries: an id for these thresholds, their source, file and input."""
        return {
            "id": self.digest(),
            "source": self.source,
            "file": self.file,
            "input": dict(self.input) if self.input else None,
        }

    def digest(self) -> str:
        """A short id that changes whenever a threshold, the source or the input changes."""
        body = json.dumps(
            {"thresholds": _plain(self.thresholds), "source": self.source, "input": self.input},
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """The settings as saved: every key :func:`read_settings` accepts."""
        return {
            "version": VERSION,
            "source": self.source,
            "input": dict(self.input) if self.input else None,
            "engine": self.engine,
            "master": self.master,
            "rules": list(self.rules) if self.rules is not None else None,
            "thresholds": _plain(self.thresholds),
            "basis": _plain(self.basis),
        }


def _plain(mapping: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Nested mappings as plain, sorted dicts with lists for tuples (YAML and JSON alike)."""
    return {
        rule_id: {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in sorted(params.items())
        }
        for rule_id, params in sorted(mapping.items())
    }


def write_settings(settings: PackSettings, path: str | Path) -> Path:
    """Save settings as YAML, atomically, with a header that says what the file is."""
    path = Path(path)
    header = (
        "# sever monitor settings: the rule pack's thresholds and where each came from.\n"
        f"# source: {settings.source} ({SOURCES[settings.source]}). "
        "Use with `sever monitor run TX --settings FILE`.\n"
    )
    text = header + yaml.safe_dump(settings.to_dict(), sort_keys=False, allow_unicode=True)
    with atomic_output(path) as temp:
        temp.write_text(text, encoding="utf-8")
    return path


def read_settings(path: str | Path) -> PackSettings:
    """Settings from a YAML file, read strictly: unknown keys, rules and parameters are errors
    that name the file, the line and the field."""
    text = read_text(path, what="settings file")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        raise InputError(
            path,
            f"not valid YAML: {getattr(exc, 'problem', None) or 'cannot parse'}",
            row=where.line + 1 if where is not None else None,
        ) from None
    except RecursionError:  # PyYAML nests one call per level of [[[...]]]
        raise InputError(path, "not valid settings: nested too deeply") from None
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise InputError(path, "settings must be a mapping of version, source, thresholds, …")

    def fail(message: str, *keys: str) -> InputError:
        return InputError(path, message, row=_line(root, keys), field=".".join(keys) or None)

    for key in data:
        if key not in KEYS:
            hint = "; rule thresholds go under 'thresholds:'" if key in pack.RULES else ""
            raise fail(f"unknown key {str(key)!r}{hint}; allowed: {', '.join(KEYS)}", str(key))
    if data.get("version", VERSION) != VERSION:
        raise fail(f"version {data['version']!r} is not {VERSION}, the one sever reads", "version")
    source = data.get("source") or "user"
    if source not in SOURCES:
        raise fail(f"unknown source {source!r}; use {', '.join(SOURCES)}", "source")
    engine = data.get("engine") or "duckdb"
    if engine not in ("duckdb", "spark"):
        raise fail(f"unknown engine {engine!r}; use duckdb or spark", "engine")
    master = data.get("master")
    if master is not None and not isinstance(master, str):
        raise fail("master must be a Spark master URL", "master")
    given = data.get("input")
    if given is not None and not isinstance(given, Mapping):
        raise fail("input must map names to values", "input")
    rules = data.get("rules")
    if rules is not None:
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise fail("rules must be a list of rule ids", "rules")
        unknown = [r for r in rules if r not in pack.RULES]
        if unknown:
            raise fail(f"unknown rule(s) {', '.join(unknown)}", "rules")
    thresholds = _nested(data.get("thresholds"), "thresholds", fail)
    basis = _nested(data.get("basis"), "basis", fail)
    for rule_id, params in thresholds.items():
        rule = pack.RULES[rule_id]
        for name, value in params.items():
            try:
                rule.settings({name: value})
            except RuleError as exc:
                raise fail(str(exc), "thresholds", rule_id, name) from None
    return PackSettings(
        rules=tuple(rules) if rules is not None else None,
        thresholds=thresholds,
        basis={r: {k: str(v) for k, v in p.items()} for r, p in basis.items()},
        engine=engine,
        master=master,
        source=source,
        input=dict(given) if given else None,
        file=str(path),
    )


def _nested(value: Any, key: str, fail: Any) -> dict[str, dict[str, Any]]:
    """A ``{rule_id: {parameter: value}}`` section, checked for shape and known rule ids."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise fail(f"{key} must map rule ids to {{parameter: value}}", key)
    out: dict[str, dict[str, Any]] = {}
    for rule_id, params in value.items():
        if str(rule_id) not in pack.RULES:
            raise fail(f"unknown rule {rule_id!r}", key, str(rule_id))
        if not isinstance(params, Mapping):
            raise fail(f"{key}.{rule_id} must map parameters to values", key, str(rule_id))
        out[str(rule_id)] = {str(k): v for k, v in params.items()}
    return out


def _line(node: Any, keys: Iterable[str]) -> int | None:
    """The 1-based line of the value at ``keys`` in a composed YAML document, or of the deepest
    key found on the way."""
    line = None
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            break
        match = next((pair for pair in node.value if str(pair[0].value) == key), None)
        if match is None:
            break
        line = match[0].start_mark.line + 1
        node = match[1]
    return line
