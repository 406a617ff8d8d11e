"""What is loaded: per dataset, its source, publication date, and counts by schema and program."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sever.entities import DPRK_SCOPE, Snapshot, Store
from sever.lists.crossref import overlap_counts

PARTY_SCHEMATA = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")


@dataclass
class DatasetStatus:
    snapshot: Snapshot
    parties: int
    by_schema: dict[str, int]
    by_program: dict[str, int]
    history: int
    """How many snapshots of this dataset the store keeps."""

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.snapshot.to_dict(),
            "parties": self.parties,
            "by_schema": self.by_schema,
            "by_program": self.by_program,
            "snapshots_kept": self.history,
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
        parties = sum(n for schema, n in by_schema.items() if schema in PARTY_SCHEMATA)
        statuses.append(
            DatasetStatus(snap, parties, by_schema, by_program, len(store.snapshots(snap.dataset)))
        )
    return ListsStatus(scope, statuses, overlap_counts(store))
