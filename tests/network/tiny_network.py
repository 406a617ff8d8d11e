"""A hand-written network with one front-company cluster, one laptop farm and their look-alikes:
a registered agent's address shared by thirty companies, a corporate group, a two-adult
household and one employer's VPN."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

FRONTS = ("F1", "F2", "F3")
AGENT_CLIENTS = tuple(f"R{i:02d}" for i in range(30))
GROUP = ("G0", "G1", "G2", "G3")
FARM = ("E_FARM1", "E_FARM2", "E_FARM3", "E_FARM4")
HOUSEHOLD = ("E_HOME1", "E_HOME2")
VPN = tuple(f"E_VPN{i}" for i in range(5))
LISTED_PARTY = "X1"
ENTITY = "ofac-9999"


def _company(cid: str, address: str, phone: str, email: str, directors, owners, inc: str):
    return {
        "company_id": cid,
        "name": f"{cid} Trading Ltd",
        "jurisdiction": "HK",
        "incorporation_date": inc,
        "address": address,
        "phone": phone,
        "email": email,
        "directors": json.dumps(directors),
        "owners": json.dumps(owners),
    }


def write(folder: Path) -> dict[str, Path]:
    """Write the network's tables as Parquet under ``folder``; returns them by option name."""
    folder.mkdir(parents=True, exist_ok=True)
    registry = [
        _company(
            "F1",
            "1 Nathan Rd",
            "+85220000001",
            "f1@example.com",
            ["N1"],
            [{"owner_id": "N1", "share": 1.0}],
            "2024-01-10",
        ),
        _company(
            "F2",
            "2 Canton Rd",
            "+85220000001",
            "f1@example.com",
            ["N1"],
            [{"owner_id": "N1", "share": 1.0}],
            "2024-02-10",
        ),
        _company(
            "F3",
            "1 Nathan Rd",
            "+85220000003",
            "f3@example.com",
            ["N1"],
            [{"owner_id": "N1", "share": 1.0}],
            "2024-03-10",
        ),
    ]
    for i, cid in enumerate(AGENT_CLIENTS):
        registry.append(
            _company(
                cid,
                "Suite 1, 9 Queens Rd, Hong Kong",
                "+85229999999",
                f"{cid.lower()}@example.com",
                ["SEC", f"D{i}"],
                [{"owner_id": f"D{i}", "share": 1.0}],
                "2024-05-01",
            )
        )
    registry.append(
        _company(
            "G0",
            "10 Harbour Rd",
            "+85230000000",
            "g0@example.com",
            ["GD"],
            [{"owner_id": "GP", "share": 1.0}],
            "2001-01-01",
        )
    )
    for cid in GROUP[1:]:
        registry.append(
            _company(
                cid,
                f"{cid} Industrial Park",
                "+85230000000",  # the head office switchboard
                f"{cid.lower()}@example.com",
                ["GD", f"{cid}D"],
                [{"owner_id": "G0", "share": 0.8}, {"owner_id": f"{cid}D", "share": 0.2}],
                "2005-01-01",
            )
        )
    parties = [
        {"party_id": pid, "schema": "Person", "name": f"Person {pid}", "country": "US"}
        for pid in ("N1", "SEC", "GD", "GP", "P_FARM1", "P_FARM2", "P_FARM3", "P_FARM4")
    ] + [
        {
            "party_id": LISTED_PARTY,
            "schema": "Company",
            "name": "Korea Listed Trading",
            "country": "KP",
        }
    ]
    accounts = [
        {"account_id": f"A_{p}", "holder_id": p}
        for p in (*FRONTS, *AGENT_CLIENTS, *GROUP, LISTED_PARTY)
    ]
    payments = []

    def pay(src: str, dst: str, amount: float, day: int = 1) -> None:
        payments.append(
            {
                "tx_id": f"T{len(payments):04d}",
                "timestamp": f"2025-03-{day:02d}T10:00:00Z",
                "src_account": f"A_{src}",
                "dst_account": f"A_{dst}",
                "amount": amount,
                "currency": "USD",
            }
        )

    pay("F1", "F2", 90_000)
    pay("F2", "F3", 88_000, day=2)  # passed on a day later
    pay("F3", LISTED_PARTY, 86_000, day=3)
    pay("F1", LISTED_PARTY, 4_000, day=4)  # two of the three fronts pay the listed party
    pay("R01", "R02", 1_200)  # two clients of one agent trade with each other
    for child in GROUP[1:]:
        pay("G0", child, 50_000)  # a group funds its subsidiaries
    employment = []
    logins = []

    def hire(eid: str, employer: str, party: str, ship_to: str, ip: str, device: str, tool=None):
        employment.append(
            {
                "employee_id": eid,
                "employer_id": employer,
                "party_id": party,
                "name": f"Employee {eid}",
                "start_date": "2025-01-01",
                "pay_account": f"PAY_{eid}",
                "laptop_ship_address": ship_to,
            }
        )
        for day in range(3):
            logins.append(
                {
                    "employee_id": eid,
                    "timestamp": f"2025-02-0{day + 1}T09:00:00Z",
                    "ip": ip,
                    "ip_country": "US",
                    "device_id": device,
                    "session_hours": 14.0 if tool else 8.0,
                    "remote_tool": tool,
                }
            )

    for i, eid in enumerate(FARM):
        hire(
            eid,
            f"EMPLOYER{i}",
            f"P_FARM{i + 1}",
            "12 Elm St, Phoenix",
            "23.1.1.1",
            f"DEV_F{i}",
            "anydesk",
        )
    hire(HOUSEHOLD[0], "EMPLOYER_A", None, "5 Oak Ave, Austin", "24.2.2.2", "DEV_H")
    hire(HOUSEHOLD[1], "EMPLOYER_B", None, "5 Oak Ave, Austin", "24.2.2.2", "DEV_H")
    for i, eid in enumerate(VPN):
        hire(eid, "EMPLOYER_VPN", None, f"{i} Pine St, Denver", "25.3.3.3", f"DEV_V{i}", "vpn")
    hits = [
        {
            "party_id": LISTED_PARTY,
            "entity_id": ENTITY,
            "score": 0.97,
            "match": True,
            "explanation": "name",
        }
    ]
    tables = {
        "registry": registry,
        "parties": parties,
        "accounts": accounts,
        "transactions": payments,
        "employment": employment,
        "logins": logins,
        "hits": hits,
    }
    out = {}
    for name, rows in tables.items():
        path = folder / f"{name}.parquet"
        pq.write_table(pa.Table.from_pylist(rows), path)
        out[name] = path
    return out
