"""``simulate(params, out)``: build a world, plant the schemes, stream every table to ``out``.

Order of work: the legitimate cast; the planted schemes (small, kept in memory); the static tables
(parties, accounts, registry, employment, wallets); then bank transactions and chain transfers day
range by day range, merged with the planted rows and written in time order, so memory stays
bounded whatever the size; logins; the labels; ``world.json``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from sever.errors import InputError
from sever.home import Home
from sever.simulate import background, calendar, schemas
from sever.simulate.identifiers import rng_for
from sever.simulate.params import SimulationParams, validate
from sever.simulate.plant import Plant, Planted, Stock
from sever.simulate.sanctioned import SanctionedPool, load_pool
from sever.simulate.typologies import REGISTRY
from sever.simulate.world import World, build_world
from sever.simulate.writer import TableWriter, rows_to_table, to_table, write_table

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as work advances (e.g. to drive a progress bar)."""

MAX_OFFSET = 12 * 3600
"""No local time is more than 12 hours ahead of UTC: rows later than a chunk's end minus this
wait for the next chunk, so the files come out in time order."""


LIST_USERS = {"sanctioned_alias", "ship_to_ship", "crypto_laundering", "ownership_50pct"}
"""Typologies that plant real listed parties, names or wallets when the lists are loaded."""


@dataclass
class Plan:
    """How many instances of each typology to plant, and why some were skipped."""

    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)


def plan_schemes(params: SimulationParams, pool: SanctionedPool) -> Plan:
    """Instance counts: explicit ``scheme_counts`` win; else the illicit share sets them."""
    bank = [n for n in params.typologies if REGISTRY[n].expected_tx > 0]
    counts: dict[str, int] = {}
    warnings: list[str] = []
    for name in params.typologies:
        typ = REGISTRY[name]
        if name in params.scheme_counts:
            count = params.scheme_counts[name]
        elif params.illicit_share <= 0:
            count = 0
        elif typ.expected_tx > 0:
            count = max(1, round(params.illicit_share * params.size / len(bank) / typ.expected_tx))
        else:
            transfers = params.illicit_share * params.size * params.transfers_per_tx
            count = max(1, round(transfers / typ.expected_transfers))
        if count and typ.needs and not getattr(pool, typ.needs):
            warnings.append(f"{name}: no listed {typ.needs} in the store, none planted")
            count = 0
        counts[name] = count
    return Plan(counts, warnings)


def plant_schemes(world: World, plan: Plan, pool: SanctionedPool) -> Planted:
    """Plant every scheme instance of the plan, each from its own random stream."""
    planted = Planted(stock=Stock(world.params.seed))
    number = 0
    for name, count in plan.counts.items():
        for index in range(count):
            number += 1
            rng = rng_for(world.params.seed, "scheme", name, index)
            plant = Plant(world, planted, name, f"S{number:06d}", rng, pool)
            REGISTRY[name].plant(plant)
            plant.finish()
    return planted


def _output_folder(out: Path) -> Path:
    """The folder to write the world to, created; a path that is a file (or under one) is an
    error naming it."""
    if out.exists() and not out.is_dir():
        raise InputError(out, "is a file; --out names a folder to write the world to")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(out, f"cannot create the folder: {exc.strerror or exc}") from None
    return out


def simulate(
    params: SimulationParams,
    out: str | Path,
    *,
    home: Home | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write a world to ``out``; returns what ``world.json`` holds (seed, parameters, counts)."""
    validate(params)
    out = _output_folder(Path(out))
    say = progress or (lambda _stage, _done, _total: None)
    say("cast", 0, 1)
    world = build_world(params)
    pool = load_pool(home) if set(params.typologies) & LIST_USERS else SanctionedPool()
    plan = plan_schemes(params, pool)
    planted = plant_schemes(world, plan, pool)
    say("cast", 1, 1)
    counts = _write_static(world, planted, out)
    _release_static(world, planted)
    salaries = background.salary_count(world)
    budget = params.size - salaries - len(planted.transactions)
    if budget < 0:
        raise InputError(
            None,
            f"the planted schemes and salaries need {salaries + len(planted.transactions):,} "
            f"transactions, more than size {params.size:,}; "
            "lower the illicit share or scheme counts",
            field="illicit_share",
        )
    tx_ids = _stream_transactions(world, planted, budget, out, say, counts)
    _stream_transfers(world, planted, out, say, counts)
    counts["logins"] = _write_logins(world, planted, out)
    counts.update(_write_labels(planted, tx_ids, out, params.format))
    summary = {
        "seed": params.seed,
        "size": params.size,
        "format": params.format,
        "parameters": params.to_dict(),
        "counts": counts,
        "schemes": {name: count for name, count in plan.counts.items() if count},
        "illicit_transactions": len(planted.transactions),
        "illicit_transfers": len(planted.transfers),
        "sanctioned_available": pool.summary(),
        "warnings": [*pool.warnings, *plan.warnings],
        "units": {
            "transactions.amount": "currency units",
            "transfers.value": "whole units of asset",
        },
    }
    (out / "world.json").write_text(
        json.dumps(summary, indent=2, sort_keys=True, default=str) + "\n"
    )
    return summary


def _write_static(world: World, planted: Planted, out: Path) -> dict[str, int]:
    """Parties, accounts, registry, employment and wallets, legitimate and planted, sorted by id."""
    fmt = world.params.format
    parties = _concat(
        to_table(world.parties, schemas.PARTIES), planted.parties, schemas.PARTIES, "party_id"
    )
    acc = world.accounts
    accounts = _concat(
        to_table(
            {
                "account_id": acc.ids,
                "holder_id": world.parties["party_id"][acc.holder],
                "bank": acc.bank,
                "country": acc.country,
                "opened": acc.opened,
                "account_type": acc.kind,
            },
            schemas.ACCOUNTS,
        ),
        planted.accounts,
        schemas.ACCOUNTS,
        "account_id",
    )
    companies = parties.filter(pa.compute.equal(parties["schema"], "Company"))
    registry = pa.table(
        {
            "company_id": companies["party_id"],
            "name": companies["name"],
            "jurisdiction": companies["country"],
            "incorporation_date": companies["incorporation_date"],
            "address": companies["address"],
            "phone": companies["phone"],
            "email": companies["email"],
            "directors": companies["directors"],
            "owners": companies["owners"],
        },
        schema=schemas.REGISTRY,
    )
    staff = world.employees
    party_ids = world.parties["party_id"]
    remote_address = np.where(staff["remote"], world.parties["address"][staff["party"]], None)
    employment = _concat(
        to_table(
            {
                "employee_id": staff["employee_id"],
                "employer_id": party_ids[staff["employer"]],
                "party_id": party_ids[staff["party"]],
                "name": world.parties["name"][staff["party"]],
                "start_date": staff["start"],
                "pay_account": acc.ids[staff["person_account"]],
                "laptop_ship_address": remote_address,
            },
            schemas.EMPLOYMENT,
        ),
        planted.employment,
        schemas.EMPLOYMENT,
        "employee_id",
    )
    wallets = _concat(
        to_table(world.wallets, schemas.WALLETS), planted.wallet_tags, schemas.WALLETS, "address"
    )
    tables = {
        "parties": parties,
        "accounts": accounts,
        "registry": registry,
        "employment": employment,
        "wallets": wallets,
    }
    return {name: write_table(out, name, table, fmt) for name, table in tables.items()}


STREAMING_PARTY_COLUMNS = ("party_id", "party_type", "industry", "ip", "device_id")
"""What activity still reads from the parties once their table is written."""


def _release_static(world: World, planted: Planted) -> None:
    """Free what the static tables needed and streaming does not (bounded memory at scale)."""
    world.parties = {k: v for k, v in world.parties.items() if k in STREAMING_PARTY_COLUMNS}
    planted.parties.clear()
    planted.accounts.clear()
    planted.employment.clear()
    planted.party_index.clear()


def _concat(legit: pa.Table, rows: list[dict[str, Any]], schema: pa.Schema, key: str) -> pa.Table:
    """Legitimate and planted rows in one table sorted by ``key``: position says nothing."""
    table = pa.concat_tables([legit, rows_to_table(rows, schema)])
    return table.sort_by(key)


def _chunks(counts: np.ndarray, first_day: int, chunk_size: int) -> list[tuple[int, int]]:
    """Consecutive day ranges ``[a, b)`` holding about ``chunk_size`` rows each."""
    out, start, running = [], 0, 0
    for offset, count in enumerate(counts):
        running += int(count)
        if running >= chunk_size:
            out.append((first_day + start, first_day + offset + 1))
            start, running = offset + 1, 0
    if start < len(counts):
        out.append((first_day + start, first_day + len(counts)))
    return out


def _sorted(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    order = np.argsort(columns["seconds"], kind="stable")
    return {k: v[order] for k, v in columns.items()}


def _split(
    columns: dict[str, np.ndarray], cut: float
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Rows before ``cut`` (to write now) and from ``cut`` on (carried to the next chunk)."""
    index = int(np.searchsorted(columns["seconds"], cut, side="left"))
    return {k: v[:index] for k, v in columns.items()}, {k: v[index:] for k, v in columns.items()}


def _merge(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    parts = [p for p in parts if p and len(p["seconds"])]
    if not parts:
        return {}
    return _sorted({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})


def _planted_columns(rows: list[dict[str, Any]], names: list[str]) -> dict[str, np.ndarray]:
    """Planted rows as sorted columns (with ``key`` for bank payments)."""
    if not rows:
        return {}
    columns = {}
    for name in names:
        values = [row[name] for row in rows]
        kind = (
            np.int64
            if name in ("seconds", "key", "log_index", "block_number")
            else (np.float64 if name in ("amount", "value") else object)
        )
        columns[name] = np.array(values, dtype=kind)
    return _sorted(columns)


def _take_window(
    columns: dict[str, np.ndarray], end: float
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    if not columns:
        return {}, {}
    return _split(columns, end)


def _stream_transactions(
    world: World, planted: Planted, budget: int, out: Path, say: Progress, counts: dict[str, int]
) -> dict[int, str]:
    """Background payments, salaries and planted payments in time order; returns planted tx ids."""
    params = world.params
    weights = calendar.day_weights(params.start, params.days)
    per_day = rng_for(params.seed, "bank-days").multinomial(budget, weights)
    paydays = set(calendar.paydays(params.start, params.days))
    names = [f.name for f in schemas.TRANSACTIONS if f.name not in ("tx_id", "timestamp")]
    pending = _planted_columns(planted.transactions, ["key", "seconds", *names])
    chunks = _chunks(per_day, world.first_day, params.chunk_size)
    carry: dict[str, np.ndarray] = {}
    written = 0
    tx_ids: dict[int, str] = {}
    with TableWriter(out, "transactions", schemas.TRANSACTIONS, params.format) as writer:
        for number, (a, b) in enumerate(chunks):
            last = number == len(chunks) - 1
            rng = rng_for(params.seed, "bank", a)
            days = np.repeat(np.arange(a, b), per_day[a - world.first_day : b - world.first_day])
            parts = [background.bank_table(world, background.bank_payments(rng, world, days))]
            parts += [
                background.bank_table(world, background.salaries(rng, world, d))
                for d in range(a, b)
                if d in paydays
            ]
            for part in parts:
                part["key"] = np.full(len(part["seconds"]), -1, dtype=np.int64)
            end = np.inf if last else b * calendar.DAY - MAX_OFFSET
            now, pending = _take_window(pending, end)
            merged = _merge([carry, *parts, now])
            ready, carry = (merged, {}) if last else _split(merged, end)
            if not ready:
                continue
            ids = np.char.add(
                "T",
                np.char.zfill(np.arange(written, written + len(ready["seconds"])).astype(str), 12),
            )
            ready["tx_id"] = ids.astype(object)
            for key, tx_id in zip(
                ready["key"][ready["key"] >= 0], ready["tx_id"][ready["key"] >= 0], strict=True
            ):
                tx_ids[int(key)] = str(tx_id)
            ready["timestamp"] = ready["seconds"]
            writer.write(to_table(ready, schemas.TRANSACTIONS))
            written += len(ready["seconds"])
            say("transactions", written, params.size)
    counts["transactions"] = written
    return tx_ids


def _stream_transfers(
    world: World, planted: Planted, out: Path, say: Progress, counts: dict[str, int]
) -> None:
    """Background chain transfers and planted laundering flows, in time order."""
    params = world.params
    target = int(params.size * params.transfers_per_tx)
    budget = max(0, int((target - len(planted.transfers)) / 1.12))  # swaps add a second leg
    weights = calendar.day_weights(params.start, params.days, weekly=False)
    per_day = rng_for(params.seed, "chain-days").multinomial(budget, weights)
    names = [f.name for f in schemas.TRANSFERS if f.name != "block_timestamp"]
    pending = _planted_columns(planted.transfers, ["seconds", *names])
    chunks = _chunks(per_day, world.first_day, params.chunk_size)
    carry: dict[str, np.ndarray] = {}
    written = 0
    with TableWriter(out, "transfers", schemas.TRANSFERS, params.format) as writer:
        for number, (a, b) in enumerate(chunks):
            last = number == len(chunks) - 1
            rng = rng_for(params.seed, "chain", a)
            days = np.repeat(np.arange(a, b), per_day[a - world.first_day : b - world.first_day])
            part = background.transfer_table(background.chain_transfers(rng, world, days))
            end = np.inf if last else b * calendar.DAY - MAX_OFFSET
            now, pending = _take_window(pending, end)
            merged = _merge([carry, part, now])
            ready, carry = (merged, {}) if last else _split(merged, end)
            if not ready:
                continue
            ready["block_timestamp"] = ready["seconds"]
            writer.write(to_table(ready, schemas.TRANSFERS))
            written += len(ready["seconds"])
            say("transfers", written, target)
    counts["transfers"] = written


def _write_logins(world: World, planted: Planted, out: Path) -> int:
    """Logins of legitimate remote staff and of planted workers, in time order, numbered."""
    legit = background.logins(world)
    names = [
        "employee_id",
        "seconds",
        "ip",
        "ip_country",
        "device_id",
        "session_hours",
        "remote_tool",
    ]
    extra = _planted_columns(planted.logins, names) if planted.logins else {}
    if extra:
        extra["session_hours"] = extra["session_hours"].astype(np.float64)
    merged = _merge([legit, extra])
    n = len(merged["seconds"])
    merged["login_id"] = np.char.add("L", np.char.zfill(np.arange(n).astype(str), 10)).astype(
        object
    )
    merged["timestamp"] = merged["seconds"]
    return write_table(out, "logins", to_table(merged, schemas.LOGINS), world.params.format)


def _write_labels(planted: Planted, tx_ids: dict[int, str], out: Path, fmt: str) -> dict[str, int]:
    """Ground truth: labelled transactions, accounts, parties, wallets and schemes."""
    tx_rows = []
    for row in planted.tx_labels:
        tx_id = tx_ids[row["key"]] if row["table"] == "transactions" else row["key"]
        tx_rows.append({**row, "tx_id": tx_id})
    tables = {
        "labels/transactions": (tx_rows, schemas.LABEL_TRANSACTIONS),
        "labels/accounts": (planted.account_labels, schemas.LABEL_ACCOUNTS),
        "labels/parties": (planted.party_labels, schemas.LABEL_PARTIES),
        "labels/wallets": (planted.wallet_labels, schemas.LABEL_WALLETS),
        "labels/schemes": (planted.schemes, schemas.LABEL_SCHEMES),
    }
    return {
        name: write_table(out, name, rows_to_table(rows, schema), fmt)
        for name, (rows, schema) in tables.items()
    }
