"""Delta re-screening: a customer file against only what changed between two list snapshots.

After every list update, compliance teams re-screen their customers against the entities that
were added or gained values (a new alias, a new wallet, a new identifier). Removed entities and
removed values cannot raise a new hit, so they are not screened. Each hit says what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sever.entities import Store
from sever.entities.diff import SnapshotDiff, diff_snapshots
from sever.errors import SeverError
from sever.home import Home
from sever.screen.batch import BatchResult, PartyRows, Progress, screen_file
from sever.screen.index import ScreeningIndex, build_index, read_records
from sever.screen.search import ScreenOptions


@dataclass
class DeltaResult:
    """A batch run against the changes between two snapshots, and the changes themselves."""

    diff: SnapshotDiff
    batch: BatchResult
    indexed: int
    """How many changed entities could be hit (screenable schemata among the changes)."""

    def summary(self) -> dict[str, Any]:
        return {
            "old": self.diff.old.label,
            "new": self.diff.new.label,
            "added": len(self.diff.added),
            "changed": len(self.diff.changed),
            "removed": len(self.diff.removed),
            "screened_against": self.indexed,
            **self.batch.summary(),
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.batch.to_dict(), "summary": self.summary()}


def change_notes(diff: SnapshotDiff) -> dict[str, dict[str, str]]:
    """For each added or changed entity, the ``change`` column its hits carry."""
    notes = {entity_id: {"change": "added"} for entity_id, _, _ in diff.added}
    for change in diff.changed:
        notes[change.entity_id] = {"change": f"changed: {change.describe()}"}
    return notes


def delta_index(home: Home, old_ref: str, new_ref: str) -> tuple[ScreeningIndex, SnapshotDiff]:
    """An index of the entities added or changed between two snapshots of one dataset."""
    with Store.open(home, read_only=True) as store:
        old, new = store.resolve(old_ref), store.resolve(new_ref)
        if old.dataset != new.dataset:
            raise SeverError(
                f"{old.label} and {new.label} are snapshots of different lists; "
                "a delta compares two versions of the same list"
            )
        if old.snapshot_id == new.snapshot_id:
            raise SeverError(f"{old_ref} and {new_ref} are the same snapshot ({new.label})")
        diff = diff_snapshots(store, old, new)
        records = list(read_records(store, [new.snapshot_id]))
    fingerprint = f"delta-{old.snapshot_id}-{new.snapshot_id}"
    index = build_index(records, fingerprint, [new], only=diff.changed_ids)
    return index, diff


def screen_delta(
    home: Home,
    old_ref: str,
    new_ref: str,
    path: Path,
    options: ScreenOptions | None = None,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    workers: int = 1,
    encoding: str | None = None,
    rows: PartyRows | None = None,
) -> DeltaResult:
    """Re-screen the parties in ``path`` against what changed from ``old_ref`` to ``new_ref``
    (snapshot references as ``sever lists status`` shows them: ``us_ofac_sdn@2022-04-12``,
    ``us_ofac_sdn~1``, a snapshot number). ``encoding`` declares a CSV file's encoding; ``rows``:
    the file's rows already opened."""
    index, diff = delta_index(home, old_ref, new_ref)
    opts = options or ScreenOptions()
    if opts.scope not in ("default", "dprk", diff.new.dataset):
        raise SeverError(f"--scope {opts.scope} does not apply to a delta of {diff.new.dataset}")
    batch = screen_file(
        index,
        path,
        opts,
        strict=strict,
        progress=progress,
        notes=change_notes(diff),
        workers=workers,
        encoding=encoding,
        rows=rows,
    )
    return DeltaResult(diff, batch, len(index.entries))
