"""The screening index: candidates for a query without comparing it against every listed entity.

Built from the snapshots in service, it holds:

- one :class:`Entry` per screenable entity (people, companies, vessels, aircraft, wallets…), with
  what a hit shows (caption, list, programs, DPRK flag, a wallet's holder) and the matcher's
  ``Prepared`` features, computed once at build time;
- an inverted index from blocking keys (name keys and identifier keys) to entries;
- every entity record in service (sanctions, identifications, links included), so that the API
  can answer ``/entities/{id}`` with its adjacent entities after the store is closed.

The index is persisted under ``$SEVER_HOME/indexes`` as JSON (:mod:`sever.screen.index_file`: a
file that cannot run code when read), named by the checksums of the snapshots it was built from and
a fingerprint of the matching code, and rebuilt when either changes or the file is unreadable.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from followthemoney import EntityProxy, model

from sever.entities import Snapshot, Store
from sever.home import Home
from sever.screen import index_file
from sever.screen.blocking import blocking_keys, keys_per_name, rarity
from sever.screen.features import spelling
from sever.screen.features.companies import work_out_korean_spellings
from sever.screen.features.identifiers import id_keys
from sever.screen.features.known_words import WordKeys, remember
from sever.screen.index_file import Packed
from sever.screen.match import Prepared, prepare
from sever.tables.atomic import OutputError

INDEX_FORMAT = 4
"""Bumped when the layout of the persisted index changes."""

NOT_SCREENED = frozenset({"Address", "Position"})
"""Matchable FtM schemata that are not parties: they are kept for ``/entities``, never hit."""

MAX_KEY_ROWS = 400
"""A name key shared by more entries than this (a common surname such as KIM) is too common to
pull candidates on its own; it still ranks candidates that rarer keys found."""

CANDIDATE_LIMIT = 30
"""The most candidates handed to the matcher for one query."""

MIN_SCORED = 10
"""Candidates always scored (when there are that many), best ranked first."""

STRONG_COVERAGE = 0.5
"""Past ``MIN_SCORED``, candidates are scored only while a name of theirs shares at least this
much with the query (by key weight), up to ``CANDIDATE_LIMIT``."""

PRE_RANK = 50
"""Candidates, by summed key weight, that are ranked by coverage before scoring."""

SPELLING_RANK = 20
"""Candidates, by the summed weight of the spelling keys they share with the query alone (a
word's consonants, its Mandarin syllables), added to those ``PRE_RANK`` found. A name written in
another script or spelling shares only those keys with the query, one per word, while a name
that shares a written word shares its affixes and joined runs too: by all keys together, a listed
name in Arabic script (حسين التكريتي) ranks behind every Latin name with one word in common."""

SPELLING_EXTRA = 4
"""The most candidates added because they share the query's spelling keys (see
``SPELLING_RANK``) when coverage over all keys left them out."""

SPELLED_COVERAGE = 0.6
"""How much of a candidate's name, by the weight of its spelling keys alone, the query must share
for the candidate to be added on its spelling keys."""

_SPELLING_KEY = ("~", "m:")
"""How the spelling keys of :func:`sever.screen.features.names.spelling_keys` begin."""

SCOPES_REMEMBERED = 256
"""Filter combinations whose emptiness the index remembers (an API client can vary them)."""

_WALLET_LINK = "holder"


@dataclass(slots=True)
class Entry:
    """One screenable entity: what a hit shows, and its prepared matching features."""

    id: str
    schema: str
    caption: str
    dataset: str
    dprk: bool
    programs: tuple[str, ...]
    topics: tuple[str, ...]
    holder: str | None
    """For a wallet: the caption of the party that holds it."""
    last_change: datetime | None
    packed: Packed[Prepared]
    """The prepared features, decoded from the saved index when first scored."""
    names: tuple[tuple[frozenset[str], float], ...] = ()
    """Each name's blocking keys and their summed weight, for ranking candidates."""

    @property
    def prepared(self) -> Prepared:
        """What the matcher compares a query against."""
        return self.packed.get()


@dataclass
class Record:
    """An entity in service as stored (its FtM JSON), with its provenance dates.

    The JSON is decoded on first use and saved as text, so that the index saves and loads fast.
    """

    raw: str
    caption: str
    dataset: str
    dprk: bool
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None
    _data: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def data(self) -> dict[str, Any]:
        """The entity as an FtM dict: ``id``, ``schema``, ``properties``."""
        if self._data is None:
            self._data = orjson.loads(self.raw)
        return self._data

    def proxy(self) -> EntityProxy:
        return model.get_proxy(self.data)


@dataclass
class ScreeningIndex:
    """Entries, their blocking keys, and every entity record in service."""

    fingerprint: str
    snapshots: list[dict[str, Any]]
    entries: list[Entry] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)
    id_postings: dict[str, list[int]] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)
    referrers: dict[str, list[str]] = field(default_factory=dict)
    """For each entity id, the ids of the entities that point at it (its sanctions, wallets…)."""
    rows: dict[str, int] = field(default_factory=dict)
    key_weights: dict[str, float] = field(default_factory=dict)
    spellings: dict[str, WordKeys] = field(default_factory=dict)
    """The spelling keys of every word of the listed names (see
    :mod:`sever.screen.features.known_words`), worked out once at build time."""
    complete: bool = True
    """False for an index of some entities only (a delta's changes): filters that leave none of
    its entries are then no mistake."""
    _topics: list[str] | None = field(default=None, repr=False, compare=False)
    _in_scope: dict[Any, bool] = field(default_factory=dict, repr=False, compare=False)
    _id_rank: list[int] | None = field(default=None, repr=False, compare=False)

    @property
    def datasets(self) -> list[str]:
        return sorted({s["dataset"] for s in self.snapshots})

    @property
    def topics(self) -> list[str]:
        """The FtM topics the indexed entities carry (``sanction``, ``poi``…)."""
        if self._topics is None:
            self._topics = sorted({t for entry in self.entries for t in entry.topics})
        return self._topics

    def has_entries_in(self, key: Any, keep: Callable[[Entry], bool]) -> bool:
        """Whether any entry passes ``keep``, remembered under ``key`` (the filters it stands
        for), so that a batch of queries with the same filters looks once."""
        found = self._in_scope.get(key)
        if found is None:
            if len(self._in_scope) >= SCOPES_REMEMBERED:
                self._in_scope.clear()
            found = any(map(keep, self.entries))
            self._in_scope[key] = found
        return found

    @property
    def id_rank(self) -> list[int]:
        """Each row's place in the order of entity ids: the last tie-break wherever candidates
        are ranked or cut, so that equally good candidates come in the same order in every
        process and whatever order the lists were read in."""
        if self._id_rank is None:
            rank = [0] * len(self.entries)
            by_id = sorted(range(len(self.entries)), key=lambda row: self.entries[row].id)
            for place, row in enumerate(by_id):
                rank[row] = place
            self._id_rank = rank
        return self._id_rank

    def decode_all(self) -> None:
        """Decode every entry's saved matching features now rather than when first scored (a
        long-running server does this once, before putting the index out of the garbage
        collector's sight: see ``sever.serve.state.settle_memory``)."""
        for entry in self.entries:
            entry.packed.get()

    def entry(self, entity_id: str) -> Entry | None:
        row = self.rows.get(entity_id)
        return self.entries[row] if row is not None else None

    def weight(self, key: str) -> float:
        """A key's rarity weight; a key no listed entity has weighs as much as the rarest."""
        weight = self.key_weights.get(key)
        return weight if weight is not None else rarity(1, len(self.entries))

    def candidates(
        self,
        query: Prepared,
        keep: Callable[[Entry], bool] | None,
        limit: int = CANDIDATE_LIMIT,
        at_least: int = MIN_SCORED,
    ) -> list[Entry]:
        """The entries worth scoring against ``query``, likeliest first (``keep``: a filter).

        Entries sharing an identifier (IMO number, passport, wallet address…) come first. Then
        the entries sharing name keys: the ``PRE_RANK`` with the most key weight are ranked by
        how much of their best name the query covers; the first ``at_least`` are kept, and
        after them those with a strong coverage, up to ``limit``. A key held by more than
        ``MAX_KEY_ROWS`` entries is ignored unless nothing rarer matched.
        """
        chosen = self._by_identifier(query, keep)
        keys = blocking_keys(query)
        pool, spelled = self._by_name_keys(keys, keep, exclude={e.id for e in chosen})
        if len(pool) <= min(at_least, limit - len(chosen)):
            return chosen + pool  # all of them are scored: no need to rank
        query_weight = math.fsum(map(self.weight, keys))
        scored = [(self._coverage(keys, query_weight, entry), entry) for entry in pool]
        scored.sort(key=lambda item: (-item[0], item[1].id))
        for rank, (cover, entry) in enumerate(scored):
            if len(chosen) >= limit or (rank >= at_least and cover < STRONG_COVERAGE):
                break
            chosen.append(entry)
        return chosen + self._spelled_alike(keys, scored, spelled, chosen, limit)

    def _spelled_alike(
        self,
        keys: set[str],
        scored: list[tuple[float, Entry]],
        shared: dict[int, float],
        chosen: list[Entry],
        limit: int,
    ) -> list[Entry]:
        """Up to ``SPELLING_EXTRA`` candidates left out by coverage over all keys whose name
        shares most of its spelling keys with the query's (a name in another script);
        ``shared``: the spelling-key weight each row shares with the query, over all its names.
        """
        spelled = {key for key in keys if key.startswith(_SPELLING_KEY)}
        room = min(SPELLING_EXTRA, limit - len(chosen))
        if len(spelled) < 2 or room <= 0:
            return []
        spelled_weight = math.fsum(map(self.weight, spelled))
        # a Dice coverage of SPELLED_COVERAGE needs at least half that share of the query's weight
        least = spelled_weight * SPELLED_COVERAGE / 2
        taken = {entry.id for entry in chosen}
        found = []
        for _, entry in scored:
            if entry.id in taken or shared.get(self.rows[entry.id], 0.0) < least:
                continue
            cover = self._coverage(spelled, spelled_weight, entry, spelled_only=True)
            if cover >= SPELLED_COVERAGE:
                found.append((cover, entry))
        found.sort(key=lambda item: (-item[0], item[1].id))
        return [entry for _, entry in found[:room]]

    def _by_identifier(self, query: Prepared, keep: Callable[[Entry], bool] | None) -> list[Entry]:
        rows = {row for key in id_keys(query) for row in self.id_postings.get(key, ())}
        found = [self.entries[row] for row in sorted(rows)]
        return [e for e in found if keep is None or keep(e)]

    def _by_name_keys(
        self, keys: set[str], keep: Callable[[Entry], bool] | None, exclude: set[str]
    ) -> tuple[list[Entry], dict[int, float]]:
        """Up to ``PRE_RANK`` entries kept by the filter, with the most key weight first, then
        up to ``SPELLING_RANK`` more with the most spelling-key weight; and the spelling-key
        weight each row shares with the query."""
        weights: dict[int, float] = {}
        spelled: dict[int, float] = {}
        common: list[list[int]] = []
        # Keys in sorted order and exactly rounded sums: the ranking, its ties included, must not
        # depend on the process's string-hash seed (a set's order does).
        for key in sorted(keys):
            rows = self.postings.get(key)
            if not rows:
                continue
            if len(rows) > MAX_KEY_ROWS:
                common.append(rows)
                continue
            weight = self.key_weights[key]
            found = weights.get
            for row in rows:
                weights[row] = found(row, 0.0) + weight
            if key.startswith(_SPELLING_KEY):
                found = spelled.get
                for row in rows:
                    spelled[row] = found(row, 0.0) + weight
        if not weights and common:
            weights = dict.fromkeys(min(common, key=len), 1.0)
        rows = list(weights)
        if len(rows) > PRE_RANK:  # only those at least as heavy as the PRE_RANK-th need sorting
            floor = sorted(weights.values(), reverse=True)[PRE_RANK - 1]
            rows = [row for row, weight in weights.items() if weight >= floor]
        pool = self._kept(rows, weights, keep, exclude)
        if len(pool) < PRE_RANK and len(rows) < len(weights):  # the filter left too few
            pool = self._kept(list(weights), weights, keep, exclude)
        if len(spelled) > SPELLING_RANK and len(rows) < len(weights):
            floor = sorted(spelled.values(), reverse=True)[SPELLING_RANK - 1]
            heavy = [row for row, weight in spelled.items() if weight >= floor]
            taken = {entry.id for entry in pool} | exclude
            pool += self._kept(heavy, spelled, keep, taken, SPELLING_RANK)
        return pool, spelled

    def _kept(
        self,
        rows: list[int],
        weights: dict[int, float],
        keep: Callable[[Entry], bool] | None,
        exclude: set[str],
        most: int = PRE_RANK,
    ) -> list[Entry]:
        """The first ``most`` of these rows that the filter keeps, heaviest first, equal
        weights in the order of entity ids."""
        # Two stable sorts, each on a key the interpreter reads without calling back into Python:
        # by id, then by weight, heaviest first (a sort in reverse keeps equal keys in order).
        rows.sort(key=self.id_rank.__getitem__)
        rows.sort(key=weights.__getitem__, reverse=True)
        if keep is None and not exclude:  # nothing to pass over (most queries)
            return list(map(self.entries.__getitem__, rows[:most]))
        pool = []
        for entry in map(self.entries.__getitem__, rows):
            if (keep is None or keep(entry)) and entry.id not in exclude:
                pool.append(entry)
                if len(pool) == most:
                    break
        return pool

    def _coverage(
        self, keys: set[str], query_weight: float, entry: Entry, spelled_only: bool = False
    ) -> float:
        """How much of the entry's best-covered name the query shares (Dice over key weights);
        with ``spelled_only``, over the spelling keys alone (``keys`` are the query's)."""
        best = 0.0
        weight_of = self.key_weights.__getitem__
        for name_keys, name_weight in entry.names:
            if keys.isdisjoint(name_keys):  # most of a listed party's aliases (no set to make)
                continue
            if spelled_only:
                if len(keys & name_keys) < 2:  # one word alike is no name in another script
                    continue
                # exactly rounded, so in any order
                name_weight = math.fsum(
                    weight_of(key) for key in name_keys if key.startswith(_SPELLING_KEY)
                )
            cover = 2 * math.fsum(map(weight_of, keys & name_keys)) / (query_weight + name_weight)
            if cover > best:
                best = cover
        return best

    def adjacent(self, entity_id: str) -> Iterator[Record]:
        """Entities that point at this one (its sanctions, wallets, documents, links)."""
        for other in self.referrers.get(entity_id, ()):
            record = self.records.get(other)
            if record is not None:
                yield record


# -- building ---------------------------------------------------------------------------------


def screened(schema_name: str) -> bool:
    """Whether entities of this schema are parties a query can hit."""
    schema = model.get(schema_name)
    return bool(schema and schema.matchable and schema.name not in NOT_SCREENED)


def build_index(
    records: Iterable[Record],
    fingerprint: str,
    snapshots: list[Snapshot],
    *,
    only: Collection[str] | None = None,
) -> ScreeningIndex:
    """Index every screenable record (or those whose ids are in ``only``); keep all records
    for entity lookups, holders and programs."""
    index = ScreeningIndex(
        fingerprint=fingerprint, snapshots=[s.to_dict() for s in snapshots], complete=only is None
    )
    for record in records:
        index.records[record.data["id"]] = record
    _link_referrers(index)
    for entity_id, record in index.records.items():
        if screened(record.data["schema"]) and (only is None or entity_id in only):
            _add_entry(index, entity_id, record)
    _weigh_keys(index)
    index.spellings = _spellings(index)
    remember(index.spellings)
    return index


def _spellings(index: ScreeningIndex) -> dict[str, WordKeys]:
    """The spelling keys of every word of every listed name, and of every run of words the
    matcher may try joined; Korean readings for the words of names that are not people's."""
    words: set[str] = set()
    org_words: set[str] = set()
    runs: set[str] = set()
    for entry in index.entries:
        prepared = entry.prepared
        for name in prepared.names:
            (words if prepared.is_person else org_words).update(name.tokens)
            runs.update(spelling.joined_runs(name.tokens))
    written = words | org_words
    # the written words first: preparing the names left their keys in the caches, which the
    # runs (words no name writes) would push out
    return {
        word: WordKeys(
            spelling.work_out_sound_key(word),
            spelling.work_out_mandarin_key(word),
            tuple(sorted(work_out_korean_spellings(word))) if word in org_words else None,
        )
        for word in [*written, *(runs - written)]
    }


def _weigh_keys(index: ScreeningIndex) -> None:
    """Rarity weights of every key, and the summed weight of each entry's names."""
    total = len(index.entries)
    index.key_weights = {key: rarity(len(rows), total) for key, rows in index.postings.items()}
    for entry in index.entries:
        # exactly rounded: a plain sum over a set would depend on the string-hash seed
        entry.names = tuple(
            (keys, math.fsum(index.key_weights[k] for k in keys)) for keys, _ in entry.names
        )


def _link_referrers(index: ScreeningIndex) -> None:
    for entity_id, record in index.records.items():
        schema = model.get(record.data["schema"])
        if schema is None:
            continue
        for prop_name, values in record.data.get("properties", {}).items():
            prop = schema.get(prop_name)
            if prop is None or prop.type.name != "entity":
                continue
            for target in values:
                index.referrers.setdefault(target, []).append(entity_id)


def _add_entry(index: ScreeningIndex, entity_id: str, record: Record) -> None:
    proxy = record.proxy()
    prepared = prepare(proxy)
    entry = Entry(
        id=entity_id,
        schema=proxy.schema.name,
        caption=record.caption,
        dataset=record.dataset,
        dprk=record.dprk,
        programs=tuple(sorted(_programs(index, proxy))),
        topics=tuple(sorted(proxy.get("topics", quiet=True))),
        holder=_holder(index, proxy),
        last_change=record.last_change,
        packed=Packed(prepared),
    )
    row = len(index.entries)
    index.entries.append(entry)
    index.rows[entity_id] = row
    per_name = keys_per_name(prepared)
    entry.names = tuple((keys, 0.0) for keys in per_name)
    for key in frozenset().union(*per_name):
        index.postings.setdefault(key, []).append(row)
    for key in id_keys(prepared):
        index.id_postings.setdefault(key, []).append(row)


def _own_programs(index: ScreeningIndex, entity_id: str, data: dict[str, Any]) -> set[str]:
    found = set(data["properties"].get("programId", []))
    for other in index.adjacent(entity_id):
        if other.data["schema"] == "Sanction":
            found.update(other.data["properties"].get("programId", []))
    return found


def _programs(index: ScreeningIndex, proxy: EntityProxy) -> set[str]:
    """Program codes of an entity: its own and its sanctions', and for a wallet its holder's."""
    found = _own_programs(index, proxy.id or "", index.records[proxy.id or ""].data)
    for holder in proxy.get(_WALLET_LINK, quiet=True):
        record = index.records.get(holder)
        if record is not None:
            found |= _own_programs(index, holder, record.data)
    return found


def _holder(index: ScreeningIndex, proxy: EntityProxy) -> str | None:
    """The caption of a wallet's holder, as a hit on the wallet reports it."""
    captions = [
        index.records[h].caption for h in proxy.get(_WALLET_LINK, quiet=True) if h in index.records
    ]
    return "; ".join(captions) or None


# -- persistence ------------------------------------------------------------------------------


_QUERY_SIDE = frozenset(
    {"__init__.py", "batch.py", "delta.py", "query.py", "search.py", "workers.py"}
)
"""Screening modules that never shape what the index holds: editing them keeps the index."""


def _code_fingerprint() -> str:
    """A hash of the matching code: an index prepared by other matching code is rebuilt."""
    digest = hashlib.sha256(str(INDEX_FORMAT).encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        if path.parent == package and path.name in _QUERY_SIDE:
            continue
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def index_fingerprint(snapshots: Iterable[Snapshot]) -> str:
    """The name of the index for a set of snapshots in service and the current matching code."""
    digest = hashlib.sha256(_code_fingerprint().encode())
    for snap in sorted(snapshots, key=lambda s: s.dataset):
        digest.update(f"{snap.dataset}:{snap.checksum}".encode())
    return digest.hexdigest()[:24]


def index_path(home: Home, fingerprint: str) -> Path:
    return home.indexes / f"screen-{fingerprint}.json"


def read_records(store: Store, snapshot_ids: Sequence[int] | None = None) -> Iterator[Record]:
    """Every entity of the given snapshots (by default those in service), with its list, DPRK
    flag and provenance dates."""
    if snapshot_ids is None:
        snapshot_ids = [s.snapshot_id for s in store.current_snapshots()]
    ids = list(snapshot_ids)
    if not ids:
        return
    marks = ", ".join("?" for _ in ids)
    seen = {
        entity_id: (first, last, change)
        for entity_id, first, last, change in store.sql(
            f"""SELECT entity_id, min(first_seen), max(last_seen), max(first_seen)
                FROM statements WHERE snapshot_id IN ({marks}) GROUP BY entity_id""",
            ids,
        )
    }
    rows = store.sql(
        f"""SELECT s.dataset, e.dprk, e.caption, e.data
            FROM entities e JOIN snapshots s ON s.snapshot_id = e.snapshot_id
            WHERE e.snapshot_id IN ({marks}) ORDER BY s.dataset, e.entity_id""",
        ids,
    )
    for dataset, dprk, caption, data in rows:
        record = Record(data, caption, dataset, bool(dprk))
        dates = seen.get(record.data["id"])
        if dates is not None:
            record.first_seen, record.last_seen, record.last_change = dates
        yield record


def save_index(home: Home, index: ScreeningIndex) -> Path:
    """Write the index atomically and remove indexes of older snapshots (and old pickles)."""
    path = index_path(home, index.fingerprint)
    index_file.save(path, index)
    for old in [*home.indexes.glob("screen-*.json"), *home.indexes.glob("screen-*.pkl")]:
        if old != path:
            old.unlink(missing_ok=True)
    return path


def current_fingerprint(home: Home) -> str:
    """The fingerprint the index must have for the snapshots in service now."""
    with Store.open(home, read_only=True) as store:
        return index_fingerprint(store.current_snapshots())


def load_index(home: Home, *, rebuild: bool = False) -> ScreeningIndex:
    """The index for the snapshots in service: read from disk, or built and saved.

    The store is open only while records are read; the index lives in memory after that.
    """
    with Store.open(home, read_only=True) as store:
        snapshots = store.current_snapshots()
        fingerprint = index_fingerprint(snapshots)
        path = index_path(home, fingerprint)
        stored = None if rebuild else _read_saved(path)
        records = None if stored is not None else list(read_records(store))
    if stored is not None:
        remember(stored.spellings)
        return stored
    index = build_index(records or [], fingerprint, snapshots)
    with contextlib.suppress(OutputError):  # a saved index only saves time: a full disk
        save_index(home, index)  # must not stop screening
    return index


def _read_saved(path: Path) -> ScreeningIndex | None:
    """A saved index, or None when there is none or it cannot be read (it is then rebuilt)."""
    if not path.is_file():
        return None
    try:
        return index_file.load(path, ScreeningIndex)
    except (OSError, index_file.UnreadableIndex):
        return None
