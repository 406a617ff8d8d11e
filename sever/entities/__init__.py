"""The FtM entity store: statements, versioned snapshots, diffs."""

from sever.entities.store import DEFAULT_SCOPE, DPRK_SCOPE, Snapshot, Store

__all__ = ["DEFAULT_SCOPE", "DPRK_SCOPE", "Snapshot", "Store"]
