"""Registry of official list formats: each module defines ``SOURCE``; order is detection order."""

from __future__ import annotations

from importlib import import_module

from sever.lists.sources.base import ParsedList, Source, sniff

_MODULES = ("ofac_xml", "ofac_csv", "ofac_cons", "un_xml", "eu_xml", "uk_fcdo", "watchlist")


def _load() -> dict[str, Source]:
    registry: dict[str, Source] = {}
    for module_name in _MODULES:
        try:
            module = import_module(f"sever.lists.sources.{module_name}")
        except ModuleNotFoundError as exc:  # a source still being written
            if exc.name == f"sever.lists.sources.{module_name}":
                continue
            raise
        source: Source = module.SOURCE
        registry[source.name] = source
    return registry


SOURCES: dict[str, Source] = _load()

__all__ = ["SOURCES", "ParsedList", "Source", "sniff"]
