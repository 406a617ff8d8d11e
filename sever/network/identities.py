"""Entity resolution: one person or company behind records that spell it differently.

A person appears as a registry director ("KIM Chol Su"), a bank customer ("Kim Chol-su", born
1971-03-02) and an HR record ("Chol Su Kim", paid into the customer's account). The graph keeps
each record as a node; this module finds the records that are one identity, records the decision
with its reasons in the home's decision store (:mod:`sever.network.merge_store`), and writes the
identities into the graph: a ``same_as`` edge per positive decision and an ``identities`` table
(``node_id, identity_id``) that the 50 % rule reads (:mod:`sever.network.blocked`) and proximity
follows.

**Which tool.** nomenklatura's resolver semantics (judgements positive, negative, unsure; by whom,
when; identities as the connected components of the positive judgements), stored in DuckDB
(:mod:`sever.network.merge_store` says why not its SQL table). Splink was not used: it is not
installed, and its strength, Fellegi-Sunter weights learnt by expectation-maximisation over
millions of unlabelled pairs, needs pairs where duplicates are common; a registry, a customer base
and an HR file duplicate few people, and the comparison an analyst must read is better served by
the screening matcher's own name comparison (the one ``sever screen`` explains) and named
attribute weights.

**Candidates** come from blocking, so the pairs grow with the records, not their square: records
that share an e-mail, a phone, an identifier, a normalised name key together with a birth date or
an address, or an HR record whose pay goes to a customer's account. A record known only by its
name (an officer named in a registry) is paired on the name key alone. A block larger than
:attr:`ResolveSettings.largest_block` (a registered agent's address, "James Smith") is not paired:
it cannot tell people apart. Two records whose names share no word and are not spelt alike
(:attr:`ResolveSettings.least_spelling`) are not compared: the people of one household share a
phone, not a name.

**Comparison.** The names are scored by the screening matcher (:func:`sever.screen.score`), which
knows Korean romanisations, legal forms and common names; each other attribute adds or takes
named log-odds (:class:`ResolveSettings`): a shared e-mail, identifier, birth (or incorporation)
date, pay account, or, between people, phone or address for; a different birth date, identifier
or country against. The sum decides: at least
:attr:`ResolveSettings.positive` is an automatic ``positive``, at least
:attr:`ResolveSettings.unsure` is ``unsure`` and waits for an analyst. Every reason is kept in
words. A pair an analyst has judged, or that was ever judged and undone, is never judged again
automatically.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import networkx as nx
import pyarrow as pa
from followthemoney import model

from sever.network.merge_store import MergeStore, Proposal
from sever.screen import prepare, score
from sever.screen.features.companies import LEGAL_FORMS


@dataclass(frozen=True)
class ResolveSettings:
    """Blocking and the weights of the comparison (log-odds added to the names' score).

    The weights are judgements, not fitted: no labelled duplicates exist to fit them on. Each says
    how far one agreement moves the odds that two records with matching names are one person.
    """

    largest_block: int = 50
    """Records sharing one key beyond this many are not paired (the key cannot tell them apart)."""
    least_name_score: float = 0.3
    """Names the matcher scores below this are different names: nothing else can merge them."""
    least_spelling: float = 0.8
    """A candidate pair whose names share no word goes to the matcher only when its sorted words
    are at least this alike (Jaro-Winkler): two people behind one phone rarely share a name."""
    email: float = 4.0
    """A personal e-mail address is near unique."""
    identifier: float = 5.0
    """A registration or identity number is unique where it is stated."""
    birth_date: float = 3.0
    """A shared birth date: one in some 15,000 days."""
    incorporation_date: float = 1.0
    """A shared incorporation date: formation agents register companies in batches on one day
    (a sign of fronts, not of one company)."""
    pay_account: float = 4.0
    """An HR record's salary goes to an account the other record holds."""
    phone: float = 2.5
    """Households and offices share a phone, but rarely two people of one name."""
    address: float = 1.0
    """Families, offices and registered agents share addresses."""
    different_birth_date: float = -5.0
    """Two stated birth (or incorporation) dates that differ: two people or companies, unless one
    is a typing error."""
    different_identifier: float = -5.0
    """Two stated identifiers of one kind that differ."""
    different_country: float = -2.0
    """Two stated countries of residence (or jurisdictions) that differ: people move, but one
    institution's records of one person rarely disagree on it, and one name in two
    jurisdictions is often two companies."""
    positive: float = 0.995
    """Automatic ``positive`` from this probability up (log-odds 5.3): a distinctive name that
    matches and one strong agreement (e-mail, birth date, pay account, identifier), or a common
    name and two."""
    unsure: float = 0.5
    """``unsure``, for an analyst, from this probability up."""


@dataclass(frozen=True)
class Record:
    """One record as the comparison sees it."""

    node_id: str
    source: str
    """``registry``, ``parties``, ``officer`` (a name in a registry's directors or owners) or
    ``employment`` (an HR record)."""
    schema: str
    name: str
    birth_date: str | None = None
    """A person's birth date, a company's incorporation date."""
    identifier: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    country: str | None = None
    """Where a person lives, or a company's jurisdiction."""
    pay_holder: str | None = None
    """For an HR record: who holds the account its pay goes to."""

    def entity(self) -> Any:
        proxy = model.make_entity(self.schema)
        proxy.id = self.node_id
        proxy.add("name", self.name)
        return proxy

    def words(self) -> str:
        where = {"parties": "customer", "employment": "HR record", "officer": "registry officer"}
        return f"{self.name} ({where.get(self.source, self.source)} {self.node_id})"


@dataclass(frozen=True)
class Evidence:
    """One attribute's say: its log-odds and the sentence the analyst reads."""

    weight: float
    words: str


@dataclass(frozen=True)
class Comparison:
    """Two records compared: the verdict, its probability and every reason."""

    left: str
    right: str
    judgement: str | None
    """``positive``, ``unsure`` or None (not the same)."""
    probability: float
    reasons: tuple[str, ...]

    def proposal(self) -> Proposal:
        assert self.judgement is not None
        return Proposal(
            "same_as", self.left, self.right, self.judgement, self.probability, self.reasons
        )


# -- the comparisons, one per attribute ---------------------------------------------------


def same_email(a: Record, b: Record, s: ResolveSettings) -> Evidence | None:
    """Both records give the same e-mail address."""
    if a.email and a.email == b.email:
        return Evidence(s.email, f"same e-mail {a.email}")
    return None


def same_identifier(a: Record, b: Record, s: ResolveSettings) -> Evidence | None:
    """Both give a registration or identity number: the same one for, a different one against."""
    if not (a.identifier and b.identifier):
        return None
    if a.identifier == b.identifier:
        return Evidence(s.identifier, f"same identifier {a.identifier}")
    return Evidence(
        s.different_identifier, f"different identifiers {a.identifier} ≠ {b.identifier}"
    )


def same_birth_date(a: Record, b: Record, s: ResolveSettings) -> Evidence | None:
    """Both give a birth date (a company: its incorporation date): the same for, a different
    one against."""
    if not (a.birth_date and b.birth_date):
        return None
    person = a.schema == "Person"
    said = "born" if person else "incorporated"
    if a.birth_date == b.birth_date:
        weight = s.birth_date if person else s.incorporation_date
        return Evidence(weight, f"both {said} {a.birth_date}")
    return Evidence(s.different_birth_date, f"{said} {a.birth_date} ≠ {b.birth_date}")


def pay_account_held(a: Record, b: Record, s: ResolveSettings) -> Evidence | None:
    """One is an HR record whose salary goes to an account the other holds."""
    for hr, other in ((a, b), (b, a)):
        if hr.pay_holder and hr.pay_holder == other.node_id:
            return Evidence(
                s.pay_account, f"{hr.node_id}'s pay goes to an account {other.node_id} holds"
            )
    return None


def other_country(a: Record, b: Record, s: ResolveSettings) -> Evidence | None:
    """Both state a country (of residence, or of incorporation) and they differ."""
    if a.country and b.country and a.country != b.country:
        return Evidence(s.different_country, f"countries differ: {a.country} ≠ {b.country}")
    return None


def same_phone(a: Record, b: Record, s: ResolveSettings) -> Evidence | None:
    """Two people give the same phone number (digits only). Not for companies: a registered
    agent's or a group's switchboard answers for hundreds."""
    if a.schema == b.schema == "Person" and a.phone and a.phone == b.phone:
        return Evidence(s.phone, f"same phone {a.phone}")
    return None


def same_address(a: Record, b: Record, s: ResolveSettings) -> Evidence | None:
    """Two people give the same address (case and spacing aside); an HR record's is where its
    laptop was shipped. Not for companies: registered agents lend theirs to hundreds."""
    if a.schema == b.schema == "Person" and a.address and a.address == b.address:
        return Evidence(s.address, f"same address {a.address}")
    return None


COMPARISONS: tuple[Callable[[Record, Record, ResolveSettings], Evidence | None], ...] = (
    same_identifier,
    same_email,
    same_birth_date,
    pay_account_held,
    same_phone,
    same_address,
    other_country,
)
"""Every attribute comparison, strongest first; a weight of 0 in the settings switches one off."""


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


class Comparer:
    """Compares records, preparing each record's names once."""

    def __init__(self, settings: ResolveSettings) -> None:
        self.settings = settings
        self._prepared: dict[str, Any] = {}

    def _names(self, record: Record) -> Any:
        found = self._prepared.get(record.node_id)
        if found is None:
            found = self._prepared[record.node_id] = prepare(record.entity())
        return found

    def compare(self, a: Record, b: Record) -> Comparison:
        """The verdict on two records, with the names' comparison and each attribute's say."""
        left, right = (a, b) if a.node_id < b.node_id else (b, a)
        names = score(self._names(left), self._names(right))
        said = [f.reason for f in names.features if f.contribution != 0]
        name_words = f"names score {names.score:.2f}: " + ("; ".join(said) or "nothing agrees")
        if names.score < self.settings.least_name_score:
            return Comparison(left.node_id, right.node_id, None, names.score, (name_words,))
        evidence = [
            found
            for compare in COMPARISONS
            if (found := compare(left, right, self.settings)) and found.weight != 0
        ]
        odds = _logit(names.score) + sum(e.weight for e in evidence)
        probability = 1.0 / (1.0 + math.exp(-odds))
        reasons = (
            f"{left.words()} and {right.words()}",
            name_words,
            *(f"{e.words} ({e.weight:+g})" for e in evidence),
        )
        if probability >= self.settings.positive:
            verdict: str | None = "positive"
        elif probability >= self.settings.unsure:
            verdict = "unsure"
        else:
            verdict = None
        return Comparison(left.node_id, right.node_id, verdict, probability, reasons)


# -- the records and their candidate pairs, in the graph being built ------------------------

_NORMAL = "regexp_replace(strip_accents(lower({0})), '[^a-z0-9]+', ' ', 'g')"

RECORDS_SQL = f"""
CREATE OR REPLACE TEMP TABLE id_records AS
WITH raw AS (
    SELECT company_id AS node_id, 'registry' AS source, 'Company' AS schema, name,
           CAST(incorporation_date AS VARCHAR) AS birth_date, NULL AS identifier, email, phone,
           address, jurisdiction AS country, NULL AS pay_holder, 0 AS rank
    FROM in_registry
    UNION ALL
    SELECT party_id, 'parties', coalesce(schema, 'LegalEntity'), name,
           coalesce(CAST(birth_date AS VARCHAR), CAST(incorporation_date AS VARCHAR)),
           CAST(registration_number AS VARCHAR), email, phone, address, country, NULL, 1
    FROM in_parties
    UNION ALL
    SELECT e.employee_id, 'employment', 'Person', e.name, NULL, NULL, NULL, NULL,
           e.laptop_ship_address, NULL, a.holder_id, 2
    FROM in_employment e LEFT JOIN in_accounts a ON a.account_id = e.pay_account
    WHERE e.party_id IS NULL
    UNION ALL
    SELECT node_id, 'officer', CASE WHEN kind = 'person' THEN 'Person' ELSE 'LegalEntity' END,
           label, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 3
    FROM nodes WHERE kind IN ('person', 'party') AND label IS NOT NULL AND label <> node_id
),
one AS (
    SELECT node_id, arg_min(source, rank) AS source, arg_min(schema, rank) AS schema,
           arg_min(name, rank) AS name, arg_min(birth_date, rank) AS birth_date,
           arg_min(nullif(trim(identifier), ''), rank) AS identifier,
           arg_min(nullif(lower(trim(email)), ''), rank) AS email,
           arg_min(nullif(regexp_replace(phone, '[^0-9+]', '', 'g'), ''), rank) AS phone,
           arg_min(nullif(lower(trim(address)), ''), rank) AS address,
           arg_min(nullif(upper(trim(country)), ''), rank) AS country,
           arg_min(pay_holder, rank) AS pay_holder
    FROM raw WHERE node_id IS NOT NULL AND name IS NOT NULL AND trim(name) <> ''
    GROUP BY node_id
)
SELECT *,
       list_filter(string_split({_NORMAL.format("name")}, ' '),
                   x -> x <> '' AND NOT list_contains($legal, x)) AS tokens,
       birth_date IS NULL AND identifier IS NULL AND email IS NULL AND phone IS NULL
           AND pay_holder IS NULL AS name_only
FROM one
"""

KEYS_SQL = """
CREATE OR REPLACE TEMP TABLE id_keys AS
WITH names AS (
    SELECT node_id, birth_date, address, name_only,
           unnest(list_distinct(list_concat(
               [array_to_string(list_sort(tokens), ' ')],
               CASE WHEN len(tokens) BETWEEN 2 AND 4 THEN list_transform(range(1, len(tokens)),
                   i -> array_to_string(list_sort(list_concat(
                       tokens[1:i-1], [tokens[i] || tokens[i+1]], tokens[i+2:])), ' '))
               ELSE [] END))) AS name_key
    FROM id_records WHERE len(tokens) > 0
)
SELECT node_id, 'email' AS kind, email AS value, false AS name_only
FROM id_records WHERE email IS NOT NULL
UNION ALL SELECT node_id, 'phone', phone, false FROM id_records WHERE length(phone) >= 6
UNION ALL SELECT node_id, 'identifier', identifier, false FROM id_records
    WHERE identifier IS NOT NULL
UNION ALL SELECT node_id, 'name and birth date', name_key || '|' || birth_date, false FROM names
    WHERE birth_date IS NOT NULL
UNION ALL SELECT node_id, 'name and address', name_key || '|' || address, false FROM names
    WHERE address IS NOT NULL
UNION ALL SELECT node_id, 'name', name_key, name_only FROM names  -- only names a bare name has
    WHERE name_key IN (SELECT name_key FROM names WHERE name_only)
"""

PAIRS_SQL = """
WITH sized AS (
    SELECT node_id, kind, value, name_only, count(*) OVER (PARTITION BY kind, value) AS size
    FROM id_keys
),
blocked AS (
    SELECT a.node_id AS left_id, b.node_id AS right_id
    FROM sized a JOIN sized b ON a.kind = b.kind AND a.value = b.value
    WHERE a.kind <> 'name' AND a.node_id < b.node_id AND a.size BETWEEN 2 AND $largest
    UNION ALL  -- a bare name is paired with every record of its name (few: bare names are rare)
    SELECT least(a.node_id, b.node_id), greatest(a.node_id, b.node_id)
    FROM sized a JOIN sized b ON b.kind = 'name' AND a.value = b.value
    WHERE a.kind = 'name' AND a.name_only AND a.node_id <> b.node_id
      AND a.size BETWEEN 2 AND $largest
    UNION ALL
    SELECT least(node_id, pay_holder), greatest(node_id, pay_holder)
    FROM id_records WHERE pay_holder IS NOT NULL AND pay_holder <> node_id
)
SELECT DISTINCT p.left_id, p.right_id
FROM blocked p
JOIN id_records l ON l.node_id = p.left_id
JOIN id_records r ON r.node_id = p.right_id
WHERE ((l.schema = 'Person') = (r.schema = 'Person')
       OR l.schema = 'LegalEntity' OR r.schema = 'LegalEntity')
  -- names that share no word and are not spelt alike never reach the matcher
  AND (len(list_intersect(l.tokens, r.tokens)) > 0
       OR jaro_winkler_similarity(array_to_string(list_sort(l.tokens), ' '),
                                  array_to_string(list_sort(r.tokens), ' ')) >= $alike)
ORDER BY ALL
"""


@dataclass
class ResolveSummary:
    """What one resolution run found and recorded."""

    records: int = 0
    candidates: int = 0
    decided: dict[str, int] = field(default_factory=dict)
    """New automatic decisions by judgement."""
    skipped_blocks: int = 0
    """Keys shared by more records than ``largest_block``: not paired."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "candidate_pairs": self.candidates,
            "new_decisions": self.decided,
            "skipped_blocks": self.skipped_blocks,
        }


def resolve_records(
    con: duckdb.DuckDBPyConnection, store: MergeStore, settings: ResolveSettings | None = None
) -> ResolveSummary:
    """Find the candidate pairs among the records of a graph being built (its ``in_*`` input
    tables and ``nodes``), compare each pair never judged before, and record the automatic
    ``positive`` and ``unsure`` verdicts in ``store``."""
    settings = settings or ResolveSettings()
    con.execute(RECORDS_SQL, {"legal": sorted(LEGAL_FORMS)})
    con.execute(KEYS_SQL)
    summary = ResolveSummary()
    (summary.records,) = con.execute("SELECT count(*) FROM id_records").fetchone()  # type: ignore[misc]
    (summary.skipped_blocks,) = con.execute(  # type: ignore[misc]
        "SELECT count(*) FROM (SELECT 1 FROM id_keys GROUP BY kind, value HAVING count(*) > ?)",
        [settings.largest_block],
    ).fetchone()
    pairs = con.execute(
        PAIRS_SQL, {"largest": settings.largest_block, "alike": settings.least_spelling}
    ).fetchall()
    summary.candidates = len(pairs)
    known = store.ever_judged("same_as")
    fresh = [pair for pair in pairs if pair not in known]
    records = _records(con, {node for pair in fresh for node in pair})
    comparer = Comparer(settings)
    found = [comparer.compare(records[left], records[right]) for left, right in fresh]
    proposals = [c.proposal() for c in found if c.judgement is not None]
    for proposal in proposals:
        summary.decided[proposal.judgement] = summary.decided.get(proposal.judgement, 0) + 1
    store.record_automatic(proposals)
    con.execute("DROP TABLE id_keys")
    con.execute("DROP TABLE id_records")
    return summary


def _records(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, Record]:
    rows = con.execute(
        "SELECT node_id, source, schema, name, birth_date, identifier, email, phone, address, "
        "country, pay_holder FROM id_records WHERE node_id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(ids)],
    ).fetchall()
    return {row[0]: Record(*row) for row in rows}


# -- identities in the graph ---------------------------------------------------------------

_KIND_RANK = {"company": 0, "person": 0, "party": 1, "employee": 2}
"""Which record names an identity: a registry company or person before a named-only officer,
before an HR record; then the smallest id."""


def apply_identities(con: duckdb.DuckDBPyConnection, store: MergeStore | None) -> int:
    """Write the store's positive ``same_as`` decisions into the graph ``con`` (in one
    transaction): a ``same_as`` edge per decision between two nodes of the graph (``via``
    ``automatic`` or ``analyst``, ``share`` the decision's score), and the table
    ``identities(node_id, identity_id, decision_ids)`` for every node merged with another.
    Without a store the table is written empty. Returns the number of merged identities."""
    pairs = store.positive_pairs() if store is not None else []
    decided = {d.decision_id: d for d in store.live("same_as", "positive")} if store else {}
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM edges WHERE kind = 'same_as'")
        con.execute(
            "CREATE OR REPLACE TABLE identities (node_id VARCHAR, identity_id VARCHAR, "
            "decision_ids BIGINT[])"
        )
        nodes = {
            node: kind
            for node, kind in con.execute(
                "SELECT node_id, kind FROM nodes WHERE node_id IN (SELECT unnest(?::VARCHAR[]))",
                [sorted({n for left, right, _ in pairs for n in (left, right)})],
            ).fetchall()
        }
        present = [(a, b, i) for a, b, i in pairs if a in nodes and b in nodes]
        graph = nx.Graph()
        graph.add_edges_from((a, b, {"decision": i}) for a, b, i in present)
        rows = []
        for members in nx.connected_components(graph):
            identity = min(members, key=lambda n: (_KIND_RANK.get(nodes[n], 3), n))
            ids = sorted(graph.edges[e]["decision"] for e in graph.subgraph(members).edges)
            rows.extend((member, identity, ids) for member in sorted(members))
        members = pa.table(
            {
                "node_id": [row[0] for row in rows],
                "identity_id": [row[1] for row in rows],
                "decision_ids": pa.array([row[2] for row in rows], pa.list_(pa.int64())),
            }
        )
        same = pa.table(
            {
                "src": [a for a, _, _ in present],
                "dst": [b for _, b, _ in present],
                "via": ["automatic" if decided[i].automatic else "analyst" for *_, i in present],
                "share": pa.array(
                    [1.0 if decided[i].score is None else decided[i].score for *_, i in present],
                    pa.float64(),
                ),
            }
        )
        # Arrow tables, not executemany: DuckDB runs that row by row.
        con.register("merged_members", members)
        con.register("same_as_edges", same)
        con.execute("INSERT INTO identities SELECT * FROM merged_members")
        con.execute(
            "INSERT INTO edges (src, dst, kind, via, share) "
            "SELECT src, dst, 'same_as', via, share FROM same_as_edges"
        )
        con.unregister("merged_members")
        con.unregister("same_as_edges")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return nx.number_connected_components(graph) if present else 0


def settled(store: MergeStore, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The ``pairs`` whose two records are already one identity through other positive
    decisions (an unsure pair that needs no analyst any more)."""
    graph = nx.Graph()
    graph.add_edges_from((a, b) for a, b, _ in store.positive_pairs())
    return {(a, b) for a, b in pairs if a in graph and b in graph and nx.has_path(graph, a, b)}


def identity_map(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Node → its identity, for every node merged with another (others are their own)."""
    tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    if "identities" not in tables:
        return {}
    return dict(con.execute("SELECT node_id, identity_id FROM identities").fetchall())
