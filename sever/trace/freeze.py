"""The freeze-request list: per service, the deposit addresses that received traced value, how
much and when, with every transfer, ready to send to the service's compliance team.

Written twice, side by side: ``NAME.csv`` (one row per service and address, for a spreadsheet)
and ``NAME.json`` (one object per service with its addresses and their transfers).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sever.tables.atomic import atomic_output
from sever.tables.csv_output import write_csv
from sever.trace.addresses import address_key, shown
from sever.trace.endpoints import endpoints

FREEZE_COLUMNS = (
    "service",
    "category",
    "address",
    "asset",
    "traced_value",
    "traced_usd",
    "share",
    "first_arrival",
    "last_arrival",
    "transfers",
    "tx_hashes",
)


def freeze_requests(rows: pd.DataFrame, flows: pd.DataFrame) -> list[dict[str, Any]]:
    """One request per service: its addresses with amounts, times and transfers."""
    requests = []
    ends = endpoints(rows)
    into_ends = flows[flows.dst.isin({address_key(a) for a in ends.address})]
    by_address = {
        key: part.sort_values("seconds") for key, part in into_ends.groupby(["dst", "asset"])
    }
    for service, part in ends.groupby("service", sort=False):
        addresses = []
        for row in part.itertuples():
            key = address_key(row.address)
            into = by_address.get((key, row.asset), into_ends.iloc[0:0])
            addresses.append(
                {
                    "address": row.address,
                    "asset": row.asset,
                    "traced_value": round(float(row.traced_value), 8),
                    "traced_usd": _money(row.traced_usd),
                    "share": _share(row.share),
                    "first_arrival": row.first_arrival.isoformat(),
                    "last_arrival": row.last_arrival.isoformat(),
                    "transfers": [
                        {
                            "tx_hash": t.tx_hash,
                            "timestamp": pd.Timestamp(t.seconds, unit="s", tz="UTC").isoformat(),
                            "from": shown(t.src),
                            "value": round(float(t.value), 8),
                            "traced_value": round(float(t.tainted), 8),
                        }
                        for t in into.itertuples()
                    ],
                }
            )
        requests.append(
            {
                "service": str(service),
                "category": str(part.category.iloc[0]),
                "traced_usd": _money(part.traced_usd.sum()),
                "addresses": addresses,
            }
        )
    return requests


def write_freeze_list(
    path: str | Path, requests: list[dict[str, Any]], *, raw: bool = False
) -> tuple[Path, Path]:
    """Write ``NAME.csv`` and ``NAME.json`` beside each other, atomically."""
    path = Path(path)
    csv_path, json_path = path.with_suffix(".csv"), path.with_suffix(".json")
    flat = [
        {
            "service": request["service"],
            "category": request["category"],
            **{k: v for k, v in address.items() if k != "transfers"},
            "transfers": len(address["transfers"]),
            "tx_hashes": ";".join(t["tx_hash"] for t in address["transfers"]),
        }
        for request in requests
        for address in request["addresses"]
    ]
    write_csv(csv_path, FREEZE_COLUMNS, flat, raw=raw)
    with atomic_output(json_path) as temp:
        temp.write_text(json.dumps({"requests": requests}, indent=2, ensure_ascii=False))
    return csv_path, json_path


def _money(value: Any) -> float | None:
    return round(float(value), 2) if pd.notna(value) else None


def _share(value: Any) -> float | None:
    return round(float(value), 6) if pd.notna(value) else None
