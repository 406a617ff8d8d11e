"""The network graph: parties, companies, employees and listed entities, and what ties them.

``sever network build`` reads any subset of a company registry, customer parties and accounts,
HR records, log-ins, payments and screening hits, and writes one graph into the home as DuckDB
tables (``network/graph.duckdb``), built in a temporary file and renamed into place, so a reader
sees the old graph or the new one, never half of one.

Tables (plain columns, so the same queries run through Ibis on DuckDB or Spark):

- ``nodes(node_id, kind, label, country, since)``: ``kind`` is ``company``, ``person``, ``party``
  (named as an officer or owner but not described), ``employee`` (one HR record), ``account``
  (an employee's pay account), ``entity`` (a
  list entry) or the kind of a shared value (``address``, ``phone``, ``email``, ``ip``,
  ``device``); ``since`` is a company's incorporation date or an employee's start date.
- ``edges(src, dst, kind, via, share, amount, count)``: ``ownership`` (owner to company,
  ``share`` 0-1), ``directorship`` (director to company), ``address``/``phone``/``email``/``ip``/
  ``device`` (a party or employee to the value it uses; ``via`` says where it was seen:
  ``registry``, ``laptop`` for a laptop's shipping address, ``login``), ``employment`` (employee
  record to employer, the person to their record, ``via`` ``identity``, and the record to the
  account its pay goes to, ``via`` ``pay``), ``payment`` (payer
  to payee, summed: ``amount`` and ``count``), ``list_link`` (party to list entity) and
  ``same_as`` (two records judged one identity by entity resolution, ``via`` ``automatic`` or
  ``analyst``, ``share`` the decision's score; :mod:`sever.network.identities`).
- ``identities(node_id, identity_id, decision_ids)``: every node merged with another, the
  identity it belongs to (one of its records' ids) and the decisions that merged it; analyses
  that count per person or company (the 50 % rule) read through it.
- ``company_payments(src, dst, paid_at, usd)``: every payment between two companies, one each,
  with its time and its amount in US dollars (:data:`sever.tables.currencies.USD_PER_UNIT`), for
  the timing of money between front companies (passed on within days, paid out together).
- ``appointments(director, company, appointed)``: the day each director joined a company's
  board, where the registry says (a director object's optional ``appointed``, ISO date; the
  latest when it names one twice), for the front-company analysis (a board taken over recently).
- ``logins(employee_id, logins, remote_tool_logins, foreign_logins, long_sessions,
  login_countries, residence)``: one row per employee who logged in.
- ``stakes(owner, asset, share, start, end, source)``: every ownership stake as the registry
  states it, before the ``ownership`` edges fold repeats together: the dates a stake starts and
  ends (FtM ``Ownership``) and where it was read, for OFAC's 50 % rule (``sever network
  blocked``). An owner the registry names only inside ``owners`` (``{"owner_id", "name",
  "schema"}``) is a node labelled with that name (``person`` when its schema is ``Person``).

A shared value is a node of its own, so an address shared by 500 companies is 500 edges, not
125,000 pairs; analyses weigh each shared value by how many use it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from sever.errors import InputError
from sever.home import Home
from sever.network.identities import ResolveSettings, apply_identities, resolve_records
from sever.network.merge_store import MergeStore
from sever.network.registry_cells import check_registry_cells
from sever.tables.contracts import (
    ACCOUNTS,
    EMPLOYMENT,
    HITS,
    LOGINS,
    PARTIES,
    REGISTRY,
    TRANSACTIONS,
    Contract,
)
from sever.tables.currencies import USD_PER_UNIT
from sever.tables.engine import Engine
from sever.tables.io import read_input

GRAPH_FILE = "network/graph.duckdb"
"""Where the graph lives, under the home."""

CONTRACTS = {
    "registry": REGISTRY,
    "parties": PARTIES,
    "accounts": ACCOUNTS,
    "employment": EMPLOYMENT,
    "logins": LOGINS,
    "transactions": TRANSACTIONS,
    "hits": HITS,
}
"""Every input the graph is built from, by option name."""

LONG_SESSION_HOURS = 12.0
"""A session this long or longer is counted as long (a remote desktop left open)."""

_OPTIONAL = {
    "parties": (
        "address",
        "phone",
        "email",
        "ip",
        "device_id",
        "directors",
        "owners",
        "birth_date",
        "registration_number",
    ),
}
_USED = {
    "parties": ("party_id", "schema", "name", "country", "incorporation_date"),
    "accounts": ("account_id", "holder_id"),
    "transactions": ("timestamp", "src_account", "dst_account", "amount", "currency"),
    "hits": ("party_id", "entity_id", "score", "match"),
}
"""The contract columns the graph reads, where not all: a file is checked against its whole
contract, but only these columns are copied into the build (at a million parties and ten million
payments, copying unused text columns is most of the time)."""


@dataclass(frozen=True)
class GraphSources:
    """The files a graph is built from; any may be missing."""

    files: dict[str, Path] = field(default_factory=dict)
    registry_format: str | None = None
    """``ftm`` or ``registry``; by default FtM JSON lines when the registry's name ends in one
    of :data:`FTM_SUFFIXES`."""

    def __post_init__(self) -> None:
        unknown = set(self.files) - set(CONTRACTS)
        if unknown:
            raise ValueError(f"unknown graph inputs: {sorted(unknown)}")


@dataclass(frozen=True)
class GraphSummary:
    """What a build wrote: node and edge counts by kind, and where."""

    path: Path
    nodes: dict[str, int]
    edges: dict[str, int]
    identities: dict[str, object] | None = None
    """What entity resolution found (:meth:`ResolveSummary.to_dict`), when it ran."""

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"path": str(self.path), "nodes": self.nodes, "edges": self.edges}
        if self.identities is not None:
            out["identities"] = self.identities
        return out


def graph_path(home: Home) -> Path:
    """The graph file of ``home`` (its folder is created)."""
    path = home.root / GRAPH_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def world_files(folder: Path) -> dict[str, Path]:
    """The inputs a ``sever simulate`` world folder holds, by option name."""
    found = {}
    for name in CONTRACTS:
        for suffix in (".parquet", ".csv"):
            if (folder / f"{name}{suffix}").exists():
                found[name] = folder / f"{name}{suffix}"
    return found


FTM_SUFFIXES = (".jsonl", ".ndjson", ".ftm")
"""A registry file with one of these endings is read as FtM JSON lines."""


def build_graph(
    home: Home,
    sources: GraphSources,
    step: Callable[[str], None] | None = None,
    *,
    resolve: bool = True,
) -> GraphSummary:
    """Build the graph from ``sources`` and put it in place atomically; ``step`` is told the
    name of each stage as it starts (for a progress bar).

    Unless ``resolve`` is False, the records are resolved into identities
    (:mod:`sever.network.identities`) and new automatic decisions go to the home's decision
    store; either way, every positive decision in force becomes a ``same_as`` edge."""
    settings = ResolveSettings() if resolve else None
    with MergeStore.of(home) as store:
        return write_graph(graph_path(home), sources, step, store=store, resolve=settings)


def write_graph(
    target: Path,
    sources: GraphSources,
    step: Callable[[str], None] | None = None,
    *,
    store: MergeStore | None = None,
    resolve: ResolveSettings | None = None,
) -> GraphSummary:
    """Build the graph from ``sources`` into the file ``target``, atomically. The decisions of
    ``store`` are applied, and with ``resolve`` settings the records are resolved first."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix=".ftm-", dir=target.parent) as scratch:
        files = _ftm_registry_as_tables(dict(sources.files), Path(scratch), sources.registry_format)
        return _build(target, temp, files, step, store, resolve)


def _ftm_registry_as_tables(
    files: dict[str, Path], scratch: Path, fmt: str | None
) -> dict[str, Path]:
    """An FtM registry (read by :func:`sever.tables.registry.read_ftm`) as a registry table
    of its organisations and, unless parties are given, a parties table of its people."""
    from sever.tables.registry import FORMATS, read_ftm

    registry = files.get("registry")
    if registry is None:
        return files
    chosen = fmt or ("ftm" if registry.name.lower().endswith(FTM_SUFFIXES) else "registry")
    if chosen not in FORMATS:
        raise InputError(
            None,
            f"{chosen!r} is not a registry format; use one of: {', '.join(FORMATS)}",
            field="--format",
        )
    if chosen == "registry":
        return files
    parsed = read_ftm(registry)
    owners: dict[str, list[dict[str, object]]] = {}
    for stake in parsed.stakes:
        owner = parsed.parties[stake.owner]
        owners.setdefault(stake.asset, []).append(
            {
                "owner_id": stake.owner,
                "share": stake.share,
                "name": owner.caption if owner.has("name") else None,
                "schema": owner.schema.name,
                "start": stake.start.isoformat() if stake.start else None,
                "end": stake.end.isoformat() if stake.end else None,
                "source": stake.source,
            }
        )
    directors: dict[str, list[str | dict[str, str]]] = {}
    for link in parsed.directorships:
        directors.setdefault(link.organization, []).append(
            {"id": link.director, "appointed": link.appointed.isoformat()}
            if link.appointed
            else link.director
        )
    companies, people = [], []
    for party_id, proxy in sorted(parsed.parties.items()):
        if proxy.schema.name == "Person":
            people.append(
                {
                    "party_id": party_id,
                    "schema": "Person",
                    "name": proxy.caption,
                    "country": proxy.first("country") or proxy.first("nationality"),
                    "birth_date": (proxy.first("birthDate") or "")[:10] or None,
                    "registration_number": proxy.first("idNumber"),
                    "address": proxy.first("address"),
                    "phone": proxy.first("phone"),
                    "email": proxy.first("email"),
                }
            )
            continue
        companies.append(
            {
                "company_id": party_id,
                "name": proxy.caption,
                "jurisdiction": proxy.first("jurisdiction") or proxy.first("country"),
                "incorporation_date": (proxy.first("incorporationDate") or "")[:10] or None,
                "address": proxy.first("address"),
                "phone": proxy.first("phone"),
                "email": proxy.first("email"),
                "directors": json.dumps(directors.get(party_id, [])),
                "owners": json.dumps(owners.get(party_id, [])),
            }
        )
    out = dict(files)
    out["registry"] = scratch / "registry.parquet"
    pq.write_table(pa.Table.from_pylist(companies, schema=_REGISTRY_SCHEMA), out["registry"])
    if "parties" not in files and people:
        out["parties"] = scratch / "parties.parquet"
        pq.write_table(pa.Table.from_pylist(people), out["parties"])
    return out


_REGISTRY_SCHEMA = pa.schema([(c.name, pa.string()) for c in REGISTRY.columns])


def _build(
    target: Path,
    temp: Path,
    files: dict[str, Path],
    step: Callable[[str], None] | None,
    store: MergeStore | None,
    resolve: ResolveSettings | None,
) -> GraphSummary:
    try:
        con = ibis.duckdb.connect(str(temp))
        con.raw_sql("SET TimeZone = 'UTC'")
        con.raw_sql("SET preserve_insertion_order = false")  # tables are read by key, not order
        engine = Engine("duckdb", con)
        for name, contract in CONTRACTS.items():
            (step or _quiet)(f"reading {name}")
            _load(engine, name, contract, files.get(name))
        raw = con.con
        raw.execute(
            "CREATE TEMP TABLE rates AS SELECT unnest(?::VARCHAR[]) AS currency, "
            "unnest(?::DOUBLE[]) AS usd",
            [list(USD_PER_UNIT), list(USD_PER_UNIT.values())],
        )
        if "registry" in files:
            check_registry_cells(raw, files["registry"])
        for stage, sql in _STAGES:
            (step or _quiet)(stage)
            raw.execute(sql)
        resolved = None
        if store is not None and resolve is not None:
            (step or _quiet)("identities")
            resolved = resolve_records(raw, store, resolve)
        apply_identities(raw, store)
        for name in CONTRACTS:
            raw.execute(f"DROP TABLE in_{name}")
        nodes = dict(raw.execute(_COUNT_NODES).fetchall())
        edges = dict(raw.execute(_COUNT_EDGES).fetchall())
        raw.execute("CHECKPOINT")
        con.disconnect()
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
        Path(f"{temp}.wal").unlink(missing_ok=True)
    return GraphSummary(target, nodes, edges, resolved.to_dict() if resolved else None)


def _quiet(_: str) -> None:
    return None


def _load(engine: Engine, name: str, contract: Contract, path: Path | None) -> None:
    """The input as table ``in_NAME`` with every contract column (empty when not given)."""
    table_name = f"in_{name}"
    used = _USED.get(name, tuple(c.name for c in contract.columns))
    wanted = list(used) + list(_OPTIONAL.get(name, ()))
    if path is None:
        kinds = {c.name: c.kind for c in contract.columns}
        columns = ", ".join(f'CAST(NULL AS {_SQL[kinds[c]]}) AS "{c}"' for c in used)
        extra = "".join(f', CAST(NULL AS VARCHAR) AS "{c}"' for c in _OPTIONAL.get(name, ()))
        engine.con.raw_sql(f"CREATE TABLE {table_name} AS SELECT {columns}{extra} LIMIT 0")
        return
    table = read_input(engine, path, contract)
    for column in _OPTIONAL.get(name, ()):
        if column not in table.columns:
            table = table.mutate(**{column: ibis.null(str)})
    engine.con.create_table(table_name, table.select(*wanted))


_SQL = {"text": "VARCHAR", "number": "DOUBLE", "time": "TIMESTAMPTZ", "date": "DATE"}
_SQL["flag"] = "BOOLEAN"

_OWNERS = (
    '\'[{"owner_id": "VARCHAR", "id": "VARCHAR", "share": "DOUBLE", "name": "VARCHAR", '
    '"schema": "VARCHAR", "start": "VARCHAR", "end": "VARCHAR", "source": "VARCHAR"}]\''
)

_STAGES: tuple[tuple[str, str], ...] = (
    (
        "companies and people",
        f"""
        CREATE TABLE holders AS
        SELECT company_id AS node_id, directors, owners, address, phone, email,
               CAST(NULL AS VARCHAR) AS ip, CAST(NULL AS VARCHAR) AS device_id, true AS registered
        FROM in_registry
        UNION ALL
        SELECT party_id, directors, owners, address, phone, email, ip, device_id, false
        FROM in_parties;

        CREATE TABLE stated_owners AS
        SELECT coalesce(o.owner_id, o.id) AS owner, h.node_id AS asset, o.share AS share,
               try_cast(o."start" AS DATE) AS "start", try_cast(o."end" AS DATE) AS "end",
               o.source AS source, o.name AS name, o.schema AS schema
        FROM holders h, unnest(from_json(h.owners, {_OWNERS})) AS t(o)
        WHERE json_valid(h.owners) AND coalesce(o.owner_id, o.id) IS NOT NULL
          -- a company both in the registry and among the parties: the registry's stakes
          AND (h.registered OR h.node_id NOT IN (SELECT company_id FROM in_registry));

        CREATE TABLE stakes AS
        SELECT owner, asset, share, "start", "end", source FROM stated_owners;

        CREATE TABLE officer_edges AS
        SELECT DISTINCT owner AS src, asset AS dst, 'ownership' AS kind,
               'registry' AS via, share FROM stakes
        UNION ALL
        SELECT DISTINCT src, dst, 'directorship', 'registry', NULL
        FROM (
            SELECT h.node_id AS dst,
                   CASE WHEN json_type(d) = 'OBJECT'
                        THEN coalesce(d ->> 'id', d ->> 'director_id') ELSE d ->> '$' END AS src
            FROM holders h, unnest(from_json(h.directors, '["JSON"]')) AS t(d)
            WHERE json_valid(h.directors)
        )
        WHERE src IS NOT NULL;

        CREATE TABLE appointments AS
        SELECT director, company, max(appointed) AS appointed
        FROM (
            SELECT coalesce(d ->> 'id', d ->> 'director_id') AS director, h.node_id AS company,
                   try_cast(d ->> 'appointed' AS DATE) AS appointed
            FROM holders h, unnest(from_json(h.directors, '["JSON"]')) AS t(d)
            WHERE json_valid(h.directors) AND json_type(d) = 'OBJECT'
        )
        WHERE director IS NOT NULL AND appointed IS NOT NULL
        GROUP BY ALL;
        """,
    ),
    (
        "shared values",
        """
        CREATE TABLE value_edges AS
        SELECT DISTINCT node_id AS src, kind || ':' || value AS dst, kind, via
        FROM (
            SELECT node_id, 'address' AS kind, lower(trim(address)) AS value, 'registry' AS via
            FROM holders
            UNION ALL SELECT node_id, 'phone', regexp_replace(phone, '[^0-9+]', '', 'g'),
                'registry' FROM holders
            UNION ALL SELECT node_id, 'email', lower(trim(email)), 'registry' FROM holders
            UNION ALL SELECT node_id, 'ip', trim(ip), 'registry' FROM holders
            UNION ALL SELECT node_id, 'device', trim(device_id), 'registry' FROM holders
            UNION ALL SELECT employee_id, 'address', lower(trim(laptop_ship_address)), 'laptop'
                FROM in_employment
            UNION ALL SELECT employee_id, 'ip', trim(ip), 'login' FROM in_logins
            UNION ALL SELECT employee_id, 'device', trim(device_id), 'login' FROM in_logins
        )
        WHERE value IS NOT NULL AND value <> '';
        """,
    ),
    (
        "payments",
        """
        CREATE TEMP TABLE paid AS
        SELECT coalesce(a.holder_id, t.src_account) AS src,
               coalesce(b.holder_id, t.dst_account) AS dst,
               t."timestamp" AS paid_at, t.amount, t.currency
        FROM in_transactions t
        LEFT JOIN in_accounts a ON a.account_id = t.src_account
        LEFT JOIN in_accounts b ON b.account_id = t.dst_account;

        CREATE TABLE payment_edges AS
        SELECT src, dst, sum(amount) AS amount, count(*) AS count FROM paid GROUP BY ALL;

        CREATE TEMP TABLE firms AS
        SELECT company_id AS node_id FROM in_registry
        UNION SELECT party_id FROM in_parties WHERE schema IS DISTINCT FROM 'Person';

        CREATE TABLE company_payments AS
        SELECT p.src, p.dst, p.paid_at, p.amount * r.usd AS usd
        FROM paid p
        JOIN rates r ON r.currency = upper(p.currency)
        SEMI JOIN firms f ON f.node_id = p.src
        SEMI JOIN firms g ON g.node_id = p.dst;
        DROP TABLE paid; DROP TABLE firms;
        """,
    ),
    (
        "edges",
        """
        CREATE TABLE edges AS
        SELECT src, dst, kind, via, share, CAST(NULL AS DOUBLE) AS amount,
               CAST(NULL AS BIGINT) AS count FROM officer_edges
        UNION ALL SELECT src, dst, kind, via, NULL, NULL, NULL FROM value_edges
        UNION ALL SELECT employee_id, employer_id, 'employment', 'employer', NULL, NULL, NULL
            FROM in_employment
        UNION ALL SELECT party_id, employee_id, 'employment', 'identity', NULL, NULL, NULL
            FROM in_employment WHERE party_id IS NOT NULL
        UNION ALL SELECT employee_id, pay_account, 'employment', 'pay', NULL, NULL, NULL
            FROM in_employment WHERE pay_account IS NOT NULL
        UNION ALL SELECT src, dst, 'payment', 'bank', NULL, amount, count FROM payment_edges
        UNION ALL SELECT party_id, entity_id, 'list_link', 'screening', max(score), NULL, NULL
            FROM in_hits WHERE "match" GROUP BY ALL;
        DROP TABLE officer_edges; DROP TABLE value_edges; DROP TABLE payment_edges;
        DROP TABLE holders;
        """,
    ),
    (
        "nodes",
        """
        CREATE TABLE nodes AS
        WITH described AS (
            SELECT company_id AS node_id, 'company' AS kind, name AS label,
                   jurisdiction AS country, incorporation_date AS since, 0 AS rank
            FROM in_registry
            UNION ALL
            SELECT party_id, CASE WHEN schema = 'Person' THEN 'person' ELSE 'company' END,
                   name, country, incorporation_date, 1 FROM in_parties
            UNION ALL
            SELECT employee_id, 'employee', name, NULL, start_date, 0 FROM in_employment
            UNION ALL
            SELECT DISTINCT pay_account, 'account', pay_account, NULL, NULL, 2 FROM in_employment
            WHERE pay_account IS NOT NULL
            UNION ALL
            SELECT DISTINCT entity_id, 'entity', entity_id, NULL, NULL, 0 FROM in_hits
            WHERE "match"
            UNION ALL
            SELECT owner, CASE WHEN schema = 'Person' THEN 'person' ELSE 'party' END, name,
                   NULL, NULL, 3 FROM stated_owners WHERE name IS NOT NULL
        ),
        best AS (
            SELECT node_id, arg_min(kind, rank) AS kind, arg_min(label, rank) AS label,
                   arg_min(country, rank) AS country, arg_min(since, rank) AS since
            FROM described GROUP BY node_id
        ),
        named AS (
            SELECT src AS node_id FROM edges UNION SELECT dst FROM edges
        )
        SELECT * FROM best
        UNION ALL
        SELECT n.node_id,
               CASE WHEN n.node_id LIKE '%:%' AND split_part(n.node_id, ':', 1)
                    IN ('address', 'phone', 'email', 'ip', 'device')
                    THEN split_part(n.node_id, ':', 1) ELSE 'party' END,
               CASE WHEN n.node_id LIKE '%:%' THEN substr(n.node_id, strpos(n.node_id, ':') + 1)
                    ELSE n.node_id END,
               NULL, NULL
        FROM named n ANTI JOIN best b ON b.node_id = n.node_id;
        DROP TABLE stated_owners;
        """,
    ),
    (
        "log-ins",
        f"""
        CREATE TABLE logins AS
        SELECT l.employee_id, count(*) AS logins,
               count(*) FILTER (WHERE l.remote_tool IS NOT NULL
                                AND l.remote_tool NOT IN ('', 'vpn')) AS remote_tool_logins,
               count(*) FILTER (WHERE p.country IS NOT NULL
                                AND l.ip_country <> p.country) AS foreign_logins,
               count(*) FILTER (WHERE l.session_hours >= {LONG_SESSION_HOURS}) AS long_sessions,
               string_agg(DISTINCT l.ip_country, ',' ORDER BY l.ip_country) AS login_countries,
               any_value(p.country) AS residence
        FROM in_logins l
        LEFT JOIN in_employment e ON e.employee_id = l.employee_id
        LEFT JOIN in_parties p ON p.party_id = e.party_id
        GROUP BY l.employee_id;
        """,
    ),
)

_COUNT_NODES = "SELECT kind, count(*) FROM nodes GROUP BY kind ORDER BY kind"
_COUNT_EDGES = "SELECT kind, count(*) FROM edges GROUP BY kind ORDER BY kind"


def open_graph(home: Home) -> duckdb.DuckDBPyConnection:
    """The built graph of ``home``, read-only; an error naming the command when there is none."""
    from sever.errors import SeverError

    path = home.root / GRAPH_FILE
    if not path.exists():
        raise SeverError(f"{path}: no network graph yet; run `sever network build` first")
    return duckdb.connect(str(path), read_only=True)


def reapply_identities(home: Home, store: MergeStore) -> int | None:
    """Write the store's decisions into the home's graph now, in one transaction (after an
    analyst's decision or undo), so the next analysis sees them without a rebuild. Returns the
    number of merged identities; None when no graph has been built."""
    path = home.root / GRAPH_FILE
    if not path.exists():
        return None
    with duckdb.connect(str(path)) as con:
        return apply_identities(con, store)
