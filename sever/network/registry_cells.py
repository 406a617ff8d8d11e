"""The registry table's JSON cells, checked where the graph reads them (in DuckDB).

``owners`` is a JSON list of objects ``{"owner_id", "share", "name"?, "schema"?}``, the share a
fraction 0–1 or ``null`` when not stated; ``directors`` a JSON list of ids, or of objects with an
``id`` (and a ``name``, and an ``appointed`` ISO date: the day the director joined the
board). The graph build reads the cells with DuckDB's JSON functions, which pass over what they
cannot read; so before it does, the first faulty cell is refused as one InputError naming the
file, the row and the column, and no stake is silently lost.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.compute as pc

from sever.errors import InputError
from sever.tables.io import read_column
from sever.tables.registry import PARTY_SCHEMATA

_SCHEMATA = ", ".join(f"'{s}'" for s in PARTY_SCHEMATA)
_NAMES = ", ".join(PARTY_SCHEMATA)

_FAULTS = f"""
WITH cells AS (
    SELECT company_id, 'owners' AS column_name, owners AS cell FROM in_registry
    WHERE trim(coalesce(owners, '')) <> ''
    UNION ALL
    SELECT company_id, 'directors', directors FROM in_registry
    WHERE trim(coalesce(directors, '')) <> ''
),
lists AS (
    SELECT company_id, column_name, cell,
           CASE WHEN NOT json_valid(cell) THEN 'not JSON'
                WHEN json_type(cell) <> 'ARRAY' THEN 'must be a JSON list' END AS fault
    FROM cells
),
items AS (
    SELECT company_id, column_name, item, json_type(item) AS kind,
           coalesce(item ->> 'owner_id', item ->> 'id', item ->> 'director_id') AS item_id,
           json_type(item -> 'share') AS share_kind,
           try_cast(item ->> 'share' AS DOUBLE) AS share, item ->> 'schema' AS item_schema,
           CASE WHEN json_type(item) = 'OBJECT' THEN item ->> 'appointed' END AS appointed
    FROM lists, unnest(from_json(cell, '["JSON"]')) AS t(item)
    WHERE fault IS NULL
),
faults AS (
    SELECT company_id, column_name, fault FROM lists WHERE fault IS NOT NULL
    UNION ALL
    SELECT company_id, column_name,
        CASE
            WHEN column_name = 'owners' AND kind <> 'OBJECT'
                THEN 'each owner must be an object, not ' || item
            WHEN column_name = 'directors' AND kind NOT IN ('OBJECT', 'VARCHAR')
                THEN 'each director must be an id or an object, not ' || item
            WHEN kind = 'OBJECT' AND trim(coalesce(item_id, '')) = ''
                THEN 'an item without an id: ' || item
            WHEN share_kind IS NOT NULL AND share_kind <> 'NULL'
                 AND (share_kind NOT IN ('BIGINT', 'UBIGINT', 'DOUBLE') OR share < 0)
                THEN 'share ' || (item -> 'share') || ' is not a finite fraction of at least 0'
            WHEN column_name = 'directors' AND appointed IS NOT NULL
                 AND try_cast(appointed AS DATE) IS NULL
                THEN 'appointed ''' || appointed || ''' is not a date (YYYY-MM-DD)'
            WHEN item_schema IS NOT NULL AND item_schema NOT IN ({_SCHEMATA})
                THEN 'schema ''' || item_schema || ''' is not one of {_NAMES}'
        END
    FROM items
)
SELECT company_id, column_name, fault FROM faults WHERE fault IS NOT NULL
ORDER BY company_id, column_name DESC LIMIT 1
"""


def check_registry_cells(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse the first faulty ``owners`` or ``directors`` cell of table ``in_registry`` (read
    from ``path``) with an InputError naming the file, row and column."""
    found = con.execute(_FAULTS).fetchone()
    if found is None:
        return
    company_id, column, fault = found
    raise InputError(path, fault, row=_row_of(path, company_id), field=column)


def _row_of(path: Path, company_id: str) -> int | None:
    """The 1-based data row of a company in a local file (None when it cannot be told)."""
    ids = read_column(path, "company_id") if path.is_file() else None
    if ids is None:
        return None
    mask = pc.equal(pc.utf8_trim_whitespace(ids.cast("string")), company_id.strip())
    rows = pc.indices_nonzero(mask).to_pylist()
    return int(rows[0]) + 1 if rows else None
