"""A hand-written world where one man is written three ways: KIM Chol Su, a registry's director
and 60 % owner of Amber Harbour Trading (RD1, known by name only); Kim Chol-su, a bank customer
with a birth date and a screening hit on a list entity (C1); and Chol Su Kim, an HR record whose
pay goes to the customer's account (E1). Another customer of the same name, born fourteen years
later, is a different man (C2)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ENTITY = "ofac-555"
COMPANY = "A1"


def write(folder: Path) -> dict[str, Path]:
    """Write the world's tables as Parquet under ``folder``; returns them by option name."""
    folder.mkdir(parents=True, exist_ok=True)
    director = {"owner_id": "RD1", "name": "KIM Chol Su", "schema": "Person", "share": 0.6}
    tables = {
        "registry": [
            {
                "company_id": COMPANY,
                "name": "Amber Harbour Trading Ltd",
                "jurisdiction": "HK",
                "directors": json.dumps([{"id": "RD1", "name": "KIM Chol Su"}]),
                "owners": json.dumps([director]),
            }
        ],
        "parties": [
            {
                "party_id": "C1",
                "schema": "Person",
                "name": "Kim Chol-su",
                "birth_date": "1971-03-02",
                "country": "CN",
                "phone": "+86 139 0000 1111",
                "email": "cs.kim@example.cn",
                "address": "12 Binjiang Rd, Dandong",
            },
            {
                "party_id": "C2",
                "schema": "Person",
                "name": "Kim Chol Su",
                "birth_date": "1985-07-19",
                "country": "CN",
                "phone": "+86 139 0000 2222",
                "email": "kim85@example.cn",
                "address": "8 Jiefang Rd, Shenyang",
            },
        ],
        "accounts": [
            {"account_id": "ACC1", "holder_id": "C1"},
            {"account_id": "ACC2", "holder_id": "C2"},
        ],
        "employment": [
            {
                "employee_id": "E1",
                "employer_id": "EMP1",
                "party_id": None,
                "name": "Chol Su Kim",
                "start_date": "2025-01-01",
                "pay_account": "ACC1",
                "laptop_ship_address": "12 Binjiang Rd, Dandong",
            }
        ],
        "hits": [
            {
                "party_id": "C1",
                "entity_id": ENTITY,
                "score": 0.95,
                "match": True,
                "explanation": "name and birth date",
            }
        ],
    }
    out = {}
    for name, rows in tables.items():
        out[name] = folder / f"{name}.parquet"
        pq.write_table(pa.Table.from_pylist(rows), out[name])
    return out
