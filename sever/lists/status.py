"""What is loaded: per dataset, its source, publication date, and counts by schema and program."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sever.entities import DPRK_SCOPE, Snapshot, Store
from sever.lists.crossref import overlap_counts
from sever.lists.scope import is_dprk_program
from sever.lists.sources.watchlist import WATCHLIST

PARTY_SCHEMATA = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")


@dataclass
class DatasetStatus:
    snapshot: Snapshot
    parties: int
    """Listed parties (topic ``sanction``; every party of a user watchlist), not e.g. the
    unlisted vessel owners the lists name."""
    by_schema: dict[str, int]
    by_program: dict[str, int]
    history: int
    """How many snapshots of this dataset the store keeps."""
    under_dprk_programs: int = 0
    """Listed parties under at least one DPRK sanctions program."""

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.snapshot.to_dict(),
            "parties": self.parties,
            "by_schema": self.by_schema,
            "by_program": self.by_program,
            "snapshots_kept": self.history,
            "under_dprk_programs": self.under_dprk_programs,
        }


@dataclass
class ListsStatus:
    scope: str
    datasets: list[DatasetStatus]
    overlap: list[tuple[str, str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "datasets": [d.to_dict() for d in self.datasets],
            "overlap": [{"dataset": a, "other": b, "linked_pairs": n} for a, b, n in self.overlap],
        }


def lists_status(store: Store, scope: str = "all") -> ListsStatus:
    """Counts for every dataset in service; ``scope='dprk'`` counts only the DPRK scope."""
    dprk_only = scope == DPRK_SCOPE
    flag = " AND dprk" if dprk_only else ""
    statuses = []
    for snap in store.current_snapshots():
        by_schema = dict(
            store.sql(
                f"SELECT schema, count(*) FROM entities WHERE snapshot_id = ?{flag} "
                "GROUP BY schema ORDER BY count(*) DESC",
                [snap.snapshot_id],
            )
        )
        placeholders = ", ".join("?" for _ in PARTY_SCHEMATA)
        by_program = dict(
            store.sql(
                f"""
                SELECT s.value, count(DISTINCT s.entity_id) FROM statements s
                JOIN entities e ON e.snapshot_id = s.snapshot_id AND e.entity_id = s.entity_id
                WHERE s.snapshot_id = ? AND s.prop = 'programId'
                  AND s.schema IN ({placeholders}){flag.replace("dprk", "e.dprk")}
                GROUP BY s.value ORDER BY count(DISTINCT s.entity_id) DESC, s.value
                """,
                [snap.snapshot_id, *PARTY_SCHEMATA],
            )
        )
        parties = _listed_parties(store, snap, dprk_only)
        history = len(store.snapshots(snap.dataset))
        statuses.append(
            DatasetStatus(snap, parties, by_schema, by_program, history, _under_dprk(store, snap))
        )
    return ListsStatus(scope, statuses, overlap_counts(store))


def _listed_parties(store: Store, snap: Snapshot, dprk_only: bool) -> int:
    placeholders = ", ".join("?" for _ in PARTY_SCHEMATA)
    listed = (
        ""
        if snap.source == WATCHLIST
        else (
            " AND entity_id IN (SELECT entity_id FROM statements WHERE snapshot_id = e.snapshot_id"
            " AND prop = 'topics' AND value = 'sanction')"
        )
    )
    [(count,)] = store.sql(
        f"SELECT count(*) FROM entities e WHERE snapshot_id = ? AND schema IN ({placeholders})"
        f"{' AND dprk' if dprk_only else ''}{listed}",
        [snap.snapshot_id, *PARTY_SCHEMATA],
    )
    return int(count)


def _under_dprk(store: Store, snap: Snapshot) -> int:
    codes = store.sql(
        "SELECT DISTINCT value FROM statements WHERE snapshot_id = ? AND prop = 'programId'",
        [snap.snapshot_id],
    )
    dprk = [code for (code,) in codes if is_dprk_program(code)]
    if not dprk:
        return 0
    [(count,)] = store.sql(
        f"""SELECT count(DISTINCT entity_id) FROM statements
            WHERE snapshot_id = ? AND prop = 'programId'
              AND schema IN ({", ".join("?" for _ in PARTY_SCHEMATA)})
              AND value IN ({", ".join("?" for _ in dprk)})""",
        [snap.snapshot_id, *PARTY_SCHEMATA, *dprk],
    )
    return int(count)
