"""The ground truth of a world, and the labels an institution would actually hold.

Real labels are late and incomplete: a case is filed weeks after the money moved, and some schemes
are never found. Two options of ``SimulationParams`` model that, both off by default so an
evaluation stays exact unless asked:

- ``label_noise``: that share of schemes is missed. Their rows are left out of ``labels/`` (what a
  detector may learn from) and kept in ``truth/`` (every planted scheme, for evaluation only).
  ``truth/`` is written only when some scheme is missed; otherwise ``labels/`` is the truth.
- ``label_delay_days``: each scheme is labelled an exponentially distributed number of days (this
  mean) after its last activity. Every label row carries ``labelled_at``; with no delay it is the
  moment of the scheme's last activity. Labels may arrive after the simulated period ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from sever.simulate import schemas
from sever.simulate.calendar import DAY
from sever.simulate.identifiers import rng_for
from sever.simulate.params import SimulationParams
from sever.simulate.plant import Planted
from sever.simulate.writer import rows_to_table, write_table

LABELLED_AT = pa.field("labelled_at", pa.timestamp("s", tz="UTC"))
"""When the institution learnt of the scheme (UTC); never before its last planted activity."""

FILES = {
    "transactions": schemas.LABEL_TRANSACTIONS,
    "accounts": schemas.LABEL_ACCOUNTS,
    "parties": schemas.LABEL_PARTIES,
    "wallets": schemas.LABEL_WALLETS,
    "schemes": schemas.LABEL_SCHEMES,
}


def label_dates(planted: Planted, params: SimulationParams) -> dict[str, int]:
    """When each scheme was labelled (epoch seconds): its end plus the drawn delay."""
    rng = rng_for(params.seed, "label-delay")
    delays = (
        rng.exponential(params.label_delay_days * DAY, len(planted.schemes))
        if params.label_delay_days > 0
        else np.zeros(len(planted.schemes))
    )
    return {
        row["scheme_id"]: int(row["end"] + delay)
        for row, delay in zip(planted.schemes, delays, strict=True)
    }


def missed_schemes(planted: Planted, params: SimulationParams) -> set[str]:
    """The schemes the institution never found: ``label_noise`` of them, chosen at random."""
    ids = [row["scheme_id"] for row in planted.schemes]
    count = round(params.label_noise * len(ids))
    if not count:
        return set()
    rng = rng_for(params.seed, "label-noise")
    return {ids[i] for i in rng.choice(len(ids), size=count, replace=False)}


def write_labels(
    planted: Planted, tx_ids: dict[int, str], out: Path, params: SimulationParams
) -> tuple[dict[str, int], int]:
    """Write ``labels/`` (and ``truth/`` when schemes were missed); returns the row counts by
    file and the number of missed schemes."""
    tx_rows = [
        {**row, "tx_id": tx_ids[row["key"]] if row["table"] == "transactions" else row["key"]}
        for row in planted.tx_labels
    ]
    rows = {
        "transactions": tx_rows,
        "accounts": planted.account_labels,
        "parties": planted.party_labels,
        "wallets": planted.wallet_labels,
        "schemes": planted.schemes,
    }
    dated = label_dates(planted, params)
    missed = missed_schemes(planted, params)
    counts = {}
    for name, schema in FILES.items():
        full = [{**row, "labelled_at": dated[row["scheme_id"]]} for row in rows[name]]
        schema = schema.append(LABELLED_AT)
        known = [row for row in full if row["scheme_id"] not in missed]
        counts[f"labels/{name}"] = _write(out, f"labels/{name}", known, schema, params.format)
        if missed:
            counts[f"truth/{name}"] = _write(out, f"truth/{name}", full, schema, params.format)
    return counts, len(missed)


def _write(out: Path, name: str, rows: list[dict[str, Any]], schema: pa.Schema, fmt: str) -> int:
    return write_table(out, name, rows_to_table(rows, schema), fmt)
