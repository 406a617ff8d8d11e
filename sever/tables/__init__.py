"""Bulk tables: the engine that computes them, the contracts they must meet, and file I/O."""

from sever.tables.contracts import ACCOUNTS, HITS, PARTIES, TRANSACTIONS, Contract, conform
from sever.tables.engine import DEFAULT_ENGINE, ENGINES, Engine, EngineError, connect

__all__ = [
    "ACCOUNTS",
    "DEFAULT_ENGINE",
    "ENGINES",
    "HITS",
    "PARTIES",
    "TRANSACTIONS",
    "Contract",
    "Engine",
    "EngineError",
    "conform",
    "connect",
]
