"""The same party on several lists: linked (a cross-reference), never silently merged.

Two listed entities in different datasets are cross-referenced when they share a strong identifier
(IMO number, passport, SWIFT/BIC, wallet address, registration number) or when they have the same
schema, the same name (any spelling they list, compared with accents, punctuation and word order
removed) and, for people, a common date of birth.
"""

from __future__ import annotations

from sever.entities import Store

_IDENTIFIER_PROPS = ("imoNumber", "passportNumber", "swiftBic", "publicKey", "registrationNumber")
_NAME_PROPS = ("name", "alias")

_NORMALISED_NAME = (
    "array_to_string(list_sort(list_filter(string_split(regexp_replace("
    "lower(strip_accents(value)), '[^a-z0-9]+', ' ', 'g'), ' '), t -> t <> '')), ' ')"
)


def refresh_crossrefs(store: Store) -> int:
    """Recompute cross-references among the datasets in service; returns how many pairs."""
    id_props = ", ".join(f"'{p}'" for p in _IDENTIFIER_PROPS)
    name_props = ", ".join(f"'{p}'" for p in _NAME_PROPS)
    store.con.execute(
        f"""
        CREATE OR REPLACE TABLE crossrefs AS
        WITH cur AS (
            SELECT s.entity_id, s.schema, s.prop, s.value, s.dataset
            FROM statements s JOIN current_snapshots c USING (snapshot_id)
        ),
        ids AS (
            SELECT entity_id, schema, dataset, prop, upper(replace(value, ' ', '')) AS key
            FROM cur WHERE prop IN ({id_props})
        ),
        names AS (
            SELECT entity_id, schema, dataset, {_NORMALISED_NAME} AS key
            FROM cur WHERE prop IN ({name_props})
        ),
        births AS (SELECT entity_id, left(value, 4) AS year FROM cur WHERE prop = 'birthDate'),
        by_id AS (
            SELECT a.entity_id AS left_id, b.entity_id AS right_id,
                   a.dataset AS left_dataset, b.dataset AS right_dataset,
                   'same ' || a.prop || ' ' || a.key AS reason
            FROM ids a JOIN ids b
              ON a.key = b.key AND a.prop = b.prop AND a.dataset < b.dataset
        ),
        by_name AS (
            SELECT a.entity_id AS left_id, b.entity_id AS right_id,
                   a.dataset AS left_dataset, b.dataset AS right_dataset,
                   'same name ' || a.key AS reason
            FROM names a JOIN names b
              ON a.key = b.key AND a.schema = b.schema AND a.dataset < b.dataset
            WHERE length(a.key) > 3 AND (
                a.schema <> 'Person' OR EXISTS (
                    SELECT 1 FROM births x JOIN births y ON x.year = y.year
                    WHERE x.entity_id = a.entity_id AND y.entity_id = b.entity_id))
        )
        SELECT left_id, right_id, any_value(left_dataset) AS left_dataset,
               any_value(right_dataset) AS right_dataset, min(reason) AS reason
        FROM (SELECT * FROM by_id UNION ALL SELECT * FROM by_name)
        GROUP BY left_id, right_id
        """
    )
    (count,) = store.con.execute("SELECT count(*) FROM crossrefs").fetchone()  # type: ignore[misc]
    return int(count)


def overlap_counts(store: Store) -> list[tuple[str, str, int]]:
    """(dataset, other dataset, number of linked pairs), for ``lists status``."""
    if not _has_table(store):
        return []
    return [
        (a, b, int(n))
        for a, b, n in store.sql(
            "SELECT left_dataset, right_dataset, count(*) FROM crossrefs GROUP BY ALL ORDER BY ALL"
        )
    ]


def _has_table(store: Store) -> bool:
    return bool(store.sql("SELECT 1 FROM information_schema.tables WHERE table_name = 'crossrefs'"))
