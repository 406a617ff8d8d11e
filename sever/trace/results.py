"""One row per address that received traced value: how much, how far, when, and what it is.

Roles, in the analyst's words:

- ``source``: where the stolen value starts (a ``--from`` address);
- ``endpoint``: a custodial service (exchange, OTC desk) that received traced value; the funds
  are on its books and it can freeze them;
- ``mixer``, ``bridge``, ``swap``, ``defi``: a service the value passed through;
- ``holding``: an address that still holds traced value at the end of the data (where the money
  is now, outside any service);
- ``passed``: an address that received traced value and sent it all on.
"""

from __future__ import annotations

import pandas as pd

from sever.trace.addresses import shown
from sever.trace.sources import Start
from sever.trace.tags import ABSORBING, PASS_THROUGH, Tags

ADDRESS_COLUMNS = (
    "address",
    "asset",
    "traced_value",
    "traced_usd",
    "share",
    "min_hops",
    "first_arrival",
    "last_arrival",
    "paths",
    "held_value",
    "tag",
    "service",
    "category",
    "role",
)
"""The columns of ``--out``, in order."""


def address_rows(
    flows: pd.DataFrame,
    reached: pd.DataFrame,
    start: Start,
    tags: Tags,
    stolen_usd: float,
    holdings: pd.DataFrame,
) -> pd.DataFrame:
    """The per-address table (times still in seconds; :func:`with_times` makes them times)."""
    received = _totals(flows[~flows.dst.isin(start.addresses)], "dst")
    sent = _totals(flows[flows.src.isin(start.addresses)], "src")
    rows = pd.concat([sent, received], ignore_index=True)
    hops = reached.set_index("address").min_hops
    rows["min_hops"] = rows.address.map(hops).fillna(-1).astype("int64")
    rows["share"] = rows.traced_usd / stolen_usd if stolen_usd > 0 else float("nan")
    held = holdings.groupby(["address", "asset"], sort=False).held.sum().rename("held_value")
    rows = rows.join(held, on=["address", "asset"])
    rows["held_value"] = rows.held_value.fillna(0.0)
    found = [tags.get(a) for a in rows.address]
    rows["tag"] = [t.words() if t else "" for t in found]
    rows["service"] = [t.service if t else "" for t in found]
    rows["category"] = [t.category if t else "" for t in found]
    rows["role"] = [
        _role(a, t.category if t else "", h, start)
        for a, t, h in zip(rows.address, found, rows.held_value, strict=True)
    ]
    rows = rows.sort_values(["min_hops", "traced_usd"], ascending=[True, False])
    rows["address"] = rows.address.map(shown)
    return rows[list(ADDRESS_COLUMNS)].reset_index(drop=True)


def _role(address: str, category: str, held: float, start: Start) -> str:
    """An address's part in the flow (see the module's docstring)."""
    if address in start.addresses:
        return "source"
    if category in ABSORBING:
        return "endpoint"
    if category in PASS_THROUGH:
        return category
    return "holding" if held > 0 else "passed"


def with_times(rows: pd.DataFrame) -> pd.DataFrame:
    """Arrival seconds as UTC times."""
    return rows.assign(
        first_arrival=pd.to_datetime(rows.first_arrival, unit="s", utc=True),
        last_arrival=pd.to_datetime(rows.last_arrival, unit="s", utc=True),
    )


def _totals(flows: pd.DataFrame, side: str) -> pd.DataFrame:
    """Traced value, USD, first and last arrival and path count per address on one ``side``
    (``src`` or ``dst``) of the flows."""
    return (
        flows.groupby([side, "asset"], sort=False)
        .agg(
            traced_value=("tainted", "sum"),
            traced_usd=("tainted_usd", "sum"),
            first_arrival=("seconds", "min"),
            last_arrival=("seconds", "max"),
            paths=("tainted", "size"),
        )
        .reset_index()
        .rename(columns={side: "address"})
    )
