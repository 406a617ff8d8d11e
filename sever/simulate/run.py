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
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from sever.errors import InputError
from sever.home import Home
from sever.simulate import background, calendar, schemas
from sever.simulate.identifiers import rng_for
from sever.simulate.labels import write_labels
from sever.simulate.params import MAX_INSTANCES_PER_1000, SimulationParams, validate
from sever.simulate.plant import Plant, Planted, SchemeFull, Stock
from sever.simulate.sanctioned import SanctionedPool, load_pool
from sever.simulate.typologies import REGISTRY
from sever.simulate.world import World, build_world, lookalike_table
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
    """How many instances of each typology were planted, and why some were skipped."""

    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    active_accounts: int = 0
    budget: int = 0


def active_accounts(world: World) -> int:
    """Accounts with ordinary activity: the members of the background's sampling populations."""
    return len(np.unique(np.concatenate([pop.members for pop in world.pops.values()])))


def plant_schemes(world: World, pool: SanctionedPool) -> tuple[Planted, Plan]:
    """Plant the schemes of ``world.params``, each instance from its own random stream.

    Explicit ``scheme_counts`` are planted as asked. Crypto thefts are planted for
    ``illicit_share`` of the chain transfers. The other typologies take turns, in an order drawn
    from the seed, adding one instance each while the accounts with a role stay within
    ``illicit_share`` of the active accounts; an instance that would pass it is undone and its
    typology stops. In a small world, then, only some typologies are planted.
    """
    params = world.params
    planted = Planted(stock=Stock(params.seed))
    plan = Plan(dict.fromkeys(params.typologies, 0), active_accounts=active_accounts(world))
    runnable = []
    for name in params.typologies:
        needs = REGISTRY[name].needs
        wanted = params.scheme_counts.get(name, params.illicit_share > 0)
        if needs and not getattr(pool, needs):
            if wanted:
                plan.warnings.append(f"{name}: no listed {needs} in the store, none planted")
        elif wanted:
            runnable.append(name)

    def attempt(name: str) -> bool:
        """Plant the next instance of ``name``; False (and nothing kept) if it did not fit."""
        point = planted.mark()
        rng = rng_for(params.seed, "scheme", name, plan.counts[name])
        scheme_id = f"S{sum(plan.counts.values()) + 1:06d}"
        plant = Plant(world, planted, name, scheme_id, rng, pool)
        try:
            REGISTRY[name].plant(plant)
        except SchemeFull:
            planted.rollback(point)
            return False
        plant.finish()
        if len(planted.schemes) == point[0]["schemes"]:
            planted.rollback(point)
            return False
        plan.counts[name] += 1
        return True

    for name in runnable:
        for _ in range(params.scheme_counts.get(name, 0)):
            if not attempt(name):
                raise InputError(
                    None,
                    f"{name}: the world has too few accounts for the schemes asked; "
                    "lower the illicit share or scheme counts",
                    field="scheme_counts",
                )
    shared = [n for n in runnable if n not in params.scheme_counts]
    for name in shared:
        typ = REGISTRY[name]
        if typ.expected_tx == 0 and params.illicit_share > 0:
            transfers = params.illicit_share * params.size * params.transfers_per_tx
            for _ in range(max(1, round(transfers / typ.expected_transfers))):
                attempt(name)
    plan.budget = int(params.illicit_share * plan.active_accounts)
    turns = [n for n in shared if REGISTRY[n].expected_tx > 0]
    order = [turns[i] for i in rng_for(params.seed, "plan").permutation(len(turns))]
    most = max(100, params.size * MAX_INSTANCES_PER_1000 // 1000)
    while order:
        for name in list(order):
            point = planted.mark()
            if not attempt(name) or planted.illicit_accounts > plan.budget:
                if len(planted.schemes) > point[0]["schemes"]:
                    planted.rollback(point)
                    plan.counts[name] -= 1
                order.remove(name)
            elif plan.counts[name] >= most:
                order.remove(name)
    return planted, plan


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
    planted, plan = plant_schemes(world, pool)
    apply_party_updates(world, planted)
    say("cast", 1, 1)
    counts = _write_static(world, planted, out)
    illicit_accounts = planted.illicit_accounts
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
    label_counts, missed = write_labels(planted, tx_ids, out, params)
    counts.update(label_counts)
    summary = {
        "seed": params.seed,
        "size": params.size,
        "format": params.format,
        "difficulty": params.difficulty,
        "parameters": params.to_dict(),
        "counts": counts,
        "schemes": {name: count for name, count in plan.counts.items() if count},
        "active_accounts": plan.active_accounts,
        "illicit_accounts": illicit_accounts,
        "prevalence": round(illicit_accounts / max(1, plan.active_accounts), 5),
        "missed_schemes": missed,
        "illicit_transactions": sum(r["table"] == "transactions" for r in planted.tx_labels),
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
            "directors": registry_directors(
                companies["party_id"].to_pylist(),
                companies["directors"].to_pylist(),
                companies["incorporation_date"].to_pylist(),
                dict(zip(world.parties["party_id"], world.parties["appointed"], strict=True)),
            ),
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
        "lookalikes": to_table(lookalike_table(world), schemas.LOOKALIKES),
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


def registry_directors(
    ids: list[str],
    directors: list[str | None],
    incorporated: list[date | None],
    appointed: dict[str, str | None],
) -> list[str | None]:
    """The registry's ``directors`` cells: ``{"id", "appointed"}`` per director, the day each
    joined the board (:mod:`sever.simulate.appointments`); a director with no recorded day
    (a planted company's) joined at formation."""
    cells: list[str | None] = []
    for company, cell, formed in zip(ids, directors, incorporated, strict=True):
        if cell is None:
            cells.append(None)
            continue
        days = json.loads(appointed.get(company) or "{}")
        cells.append(
            json.dumps(
                [{"id": d, "appointed": _iso(days.get(d), formed)} for d in json.loads(cell)]
            )
        )
    return cells


def _iso(day: int | None, formed: date | None) -> str | None:
    if day is not None:
        return (calendar.EPOCH + timedelta(days=int(day))).isoformat()
    return formed.isoformat() if formed is not None else None


def apply_party_updates(world: World, planted: Planted) -> None:
    """Write the schemes' changes into the legitimate parties (nominee directors, shared
    contacts, re-spelled names) before the parties and the registry are written."""
    for index, changes in planted.party_updates:
        for column, value in changes.items():
            if isinstance(value, date):
                value = calendar.day_number(value)
            world.parties[column][index] = value
