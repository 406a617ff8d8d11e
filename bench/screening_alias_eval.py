"""Screening evaluation on names sever did not make: the lists' own aliases.

Positives are the alternative names the lists publish (OFAC SDN July 2021 with its ALT.CSV,
OFAC Consolidated 2025-12 with its cons_alt.csv, the UN Consolidated List 2026-02-27 with its
aliases and names in original script). For each listed party with two or more names, one of its
names is the query, and that exact string is removed from the party before the index is built:
the party must be found through its *other* names, end to end (the product's retrieval, then its
score). Each round removes one name per party; a second round removes another.

Negatives are what the same screening returns for the same query that is another party (its
hits), plus, for each query, the other party of the same schema whose name is nearest by a
neutral string measure (rapidfuzz token-sort ratio). A party that shares a name with the query's
party (after case, accents and word order) is neither: the same party on two lists, or namesakes
that no screening by name can tell apart.

Parties are split in two by a hash of their id: the decision threshold that reaches precision 0.97
is chosen on the *tuning* half and reported on the *held-out* half, overall and per group
(the query's script, or the culture of a Latin-script name, companies, vessels). nomenklatura's
logic-v2 scores the same pairs in this process, warmed, at its own threshold and at the threshold
tuned the same way.

Each alias is also given a *kind* by a rule independent of the matcher (see ``alias_kinds.py``):
a spelling habit a name matcher should handle (the same words, joined or split, an acronym, a
spelling or transliteration variant, part of the name), or another name altogether (a former name,
another trading name, a nickname, a translation), and recall is reported per kind and on the
matchable part alone. Precision is also given with the hits on *namesakes* set aside: another
listed party whose name is the query's name or a spelling of it by the same rule (STROYTRANSGAZ
LLC against OAO STROYTRANSGAZ, two entries; KOREA DAESONG against KOREA TAESONG TRADING), which
any screening by name must raise.

Unlisted names: ``faker``'s names for 25 locales, each in its own script (and its company names
for eight), drawn with a fixed seed, screened against every list. A false match is a hit decided
``match`` (at or above the threshold); hits for review are counted apart. A faker name that is a
listed name once folded is a namesake and set aside, also across scripts (see
:func:`namesake_forms`: 김영철 is KIM Yong Chol, Сургутнефтегаз is SURGUTNEFTEGAZ OAO).

    .venv/bin/python bench/screening_alias_eval.py [--rounds 2] [--negatives 20000]
    .venv/bin/python bench/screening_alias_eval.py --unlisted-only   # faker's names alone
    .venv/bin/python bench/screening_alias_eval.py --unlisted-only --locales ko_KR,companies
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import icu
from alias_kinds import MATCHABLE, NAMESAKE, alias_kind
from faker import Faker
from followthemoney import EntityProxy, model, registry
from ko_pron import romanise
from nomenklatura.matching import ScoringConfig, get_algorithm
from rapidfuzz import fuzz, process
from rigour.names import remove_org_types

from sever.lists.sources import SOURCES
from sever.screen.index import Record, ScreeningIndex, build_index, screened
from sever.screen.match import THRESHOLD, prepare, score
from sever.screen.search import MATCH, ScreenOptions, screen_entity

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results" / "screening_alias_eval.json"
NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "abbreviation")
TARGET_PRECISION = 0.97
LOGIC_V2_THRESHOLD = 0.70
"""logic-v2's match threshold as yente applies it by default."""
MIN_GROUP = 50
REVIEW_FLOOR = 0.3
"""Hits down to this score are kept, so that thresholds below the product's can be swept."""

ARABIC_COUNTRIES = frozenset(
    [
        "ae",
        "af",
        "bh",
        "dz",
        "eg",
        "iq",
        "ir",
        "jo",
        "kw",
        "lb",
        "ly",
        "ma",
        "mr",
        "om",
        "pk",
        "ps",
        "qa",
        "sa",
        "sd",
        "so",
        "sy",
        "tn",
        "ye",
    ]
)
SLAVIC_COUNTRIES = frozenset(
    ["ru", "ua", "by", "rs", "ba", "hr", "bg", "mk", "si", "pl", "cz", "sk", "me", "kz"]
)
CHINESE_COUNTRIES = frozenset(["cn", "tw", "hk", "mo"])
KOREAN_COUNTRIES = frozenset(["kp", "kr"])
ARABIC_MARKERS = frozenset(
    [
        "al",
        "el",
        "bin",
        "ibn",
        "abu",
        "abd",
        "abdul",
        "abdel",
        "abdal",
        "muhammad",
        "mohammed",
        "mohammad",
        "mohamed",
        "ahmad",
        "ahmed",
        "hassan",
        "husayn",
        "hussein",
        "husain",
    ]
)
SLAVIC_ENDINGS = ("ovich", "evich", "ovna", "evna", "enko", "ov", "ev", "ova", "eva", "sky", "ski")
_ANY_LATIN = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Lower")
_BGN = icu.Transliterator.createInstance("Russian-Latin/BGN")


def load_parties() -> list[EntityProxy]:
    """Every screenable party of the three published lists, read by sever's own parsers."""
    sets = (
        ("ofac_csv", sorted((DATA / "ofac" / "sdn-2021-07").glob("*.csv"))),
        ("ofac_cons", sorted((DATA / "ofac" / "cons-2025-12").glob("*.csv"))),
        ("un_xml", [DATA / "un" / "consolidated-2026-02-27.xml"]),
    )
    parties = []
    for source, paths in sets:
        parsed = SOURCES[source].parse(paths)
        parties += [e for e in parsed.entities if screened(e.schema.name)]
    return parties


def names_of(entity: EntityProxy) -> list[str]:
    """Every name an entity is listed under, in order, once each."""
    names = [v for p in NAME_PROPS if p in entity.schema.properties for v in entity.get(p)]
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def fold(name: str) -> str:
    """A name's words in any script folded to sorted ASCII (for telling namesakes apart)."""
    text = _ANY_LATIN.transliterate(unicodedata.normalize("NFKC", name))
    words = "".join(ch if ch.isalnum() else " " for ch in text).split()
    return " ".join(sorted(words))


def compact(text: str) -> str:
    """A name's letters and digits in any script folded to ASCII, in written order, without
    spaces (KIM Yong-chol → kimyongchol)."""
    latin = _ANY_LATIN.transliterate(unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in latin if ch.isalnum())


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def _mr(ch: str) -> str:
    """One Hangul syllable in McCune–Reischauer (ko-pron), anything else as it is."""
    return romanise(ch, "mr") if _is_hangul(ch) else ch


SOUTH_TO_NORTH = dict(
    zip("이유양임여연염육용나노뇌누능", "리류량림려련렴륙룡라로뢰루릉", strict=True)
)
"""Family names the South writes without their initial ㄹ and the North with it (이 / 리, Lee / Ri;
나 / 라, Na / Ra): the initial-sound rule of the South's orthography."""


def north_korean(name: str) -> str:
    """A Hangul name as the lists write North Korean names: the family name with its initial ㄹ
    (see SOUTH_TO_NORTH), then McCune–Reischauer syllable by syllable with ㅈ written j (JANG
    Hyon U, not Chang)."""
    text = name.strip()
    if text and text[0] in SOUTH_TO_NORTH:
        text = SOUTH_TO_NORTH[text[0]] + text[1:]
    out = []
    for ch in text:
        latin = _mr(ch)
        if _is_hangul(ch) and latin.startswith("ch") and not latin.startswith("ch'"):
            latin = "j" + latin[2:]
        out.append(latin)
    return "".join(out)


def namesake_forms(name: str, organisation: bool = False) -> set[str]:
    """The forms under which a name is the same name as a listed one, whatever its script: folded
    (see :func:`fold`), its letters run together, Hangul in McCune–Reischauer syllable by syllable
    (ko-pron) and as the lists write North Korean names (see :func:`north_korean`), Cyrillic in
    BGN/PCGN (as Western lists write it) and, for organisations, without legal forms (rigour's
    list: Surgutneftegaz OAO is Surgutneftegaz), taken out of the name as written and of its
    BGN/PCGN form, before the words are sorted or run together: a legal form of several words
    (e.V., Joint Stock Company) is only recognised in its own order. Independent of sever's
    matcher, which reads scripts its own way."""
    forms = {fold(name), compact(name)}
    if any(_is_hangul(ch) for ch in name):
        forms.add(compact("".join(_mr(ch) for ch in name)))
        forms.add(compact(north_korean(name)))
    if any("\u0400" <= ch <= "\u04ff" for ch in name):
        forms.add(compact(_BGN.transliterate(name)))
    if organisation:
        for written in (name, _BGN.transliterate(name)):
            bare = remove_org_types(written, replacement=" ")
            forms |= {fold(bare), compact(bare)}
    return {f for f in forms if f}


def hashed(*parts: object) -> int:
    return int(hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def held_out(entity_id: str) -> bool:
    """The half of the parties the figures are reported on (the other half tunes)."""
    return hashed("split", entity_id) % 2 == 1


def script_of(text: str) -> str:
    """The first non-Latin script in a name, or latin."""
    for ch in text:
        if ch.isalpha() and not ch.isascii():
            name = unicodedata.name(ch, "")
            for script in ("CYRILLIC", "ARABIC", "HANGUL", "CJK", "KHMER", "ETHIOPIC", "GREEK",
                           "HEBREW", "THAI", "DEVANAGARI", "GEORGIAN", "ARMENIAN"):  # fmt: skip
                if name.startswith(script):
                    return {"CJK": "han"}.get(script, script.lower())
    return "latin"


def group_of(entity: EntityProxy, query: str) -> str:
    """The group a pair is reported in: the query's script when not Latin, else vessels,
    companies, and people by the culture of their name."""
    script = script_of(query)
    if script != "latin":
        return f"script:{script}"
    if entity.schema.is_a("Vessel"):
        return "vessels"
    if entity.schema.is_a("Airplane"):
        return "aircraft"
    if not entity.schema.is_a("Person"):
        return "companies"
    countries = set(entity.get_type_values(registry.country))
    programs = " ".join(entity.get("programId", quiet=True)).upper()
    words = fold(query).split()
    if countries & KOREAN_COUNTRIES or "DPRK" in programs:
        return "korean"
    if countries & CHINESE_COUNTRIES:
        return "chinese"
    if countries & ARABIC_COUNTRIES or ARABIC_MARKERS.intersection(words):
        return "arabic-origin"
    if countries & SLAVIC_COUNTRIES or any(w.endswith(SLAVIC_ENDINGS) for w in words):
        return "slavic"
    return "latin-western"


def habits_of(query: str, others: list[str]) -> list[str]:
    """Spelling habits a query shows against the party's other names (for a per-habit line)."""
    tags = []
    if "(" in query:
        tags.append("parentheses")
    if any(ch.isdigit() for ch in query):
        tags.append("digits")
    if any(len(w) == 2 and w.endswith(".") for w in query.split()) or ".." in query.replace(
        " ", ""
    ):
        tags.append("initials-or-dots")
    joined = fold(query).replace(" ", "")
    if any(fold(o).replace(" ", "") == joined and fold(o) != fold(query) for o in others):
        tags.append("joined-or-split")
    return tags


@dataclass
class Query:
    """One alias query: the name, its party, the party's remaining names and the round."""

    text: str
    entity: EntityProxy
    reduced: EntityProxy
    group: str
    habits: list[str]
    held_out: bool
    kind: str
    """What kind of variant the query is of the party's other names (see alias_kinds.py)."""
    true_score: float = 0.0
    retrieved: bool = False
    negatives: dict[str, float] = field(default_factory=dict)
    namesakes: set[str] = field(default_factory=set)
    """The negatives whose names are the query's name or a spelling of it (see NAMESAKE)."""


def without_name(entity: EntityProxy, name: str) -> EntityProxy:
    """The entity with one exact name string removed from every name property."""
    reduced = model.get_proxy(entity.to_dict())
    for prop in NAME_PROPS:
        if prop in reduced.schema.properties and name in reduced.get(prop):
            reduced.remove(prop, name)
    return reduced


def plan_rounds(parties: list[EntityProxy], rounds: int) -> list[list[tuple[EntityProxy, str]]]:
    """For each round, one (party, query name) per party with at least two names left: the
    query names are taken in an order fixed by a hash, a different one each round. Queries that
    are a single word for a person (a nickname) are skipped: no screening matches them alone."""
    planned: list[list[tuple[EntityProxy, str]]] = [[] for _ in range(rounds)]
    for entity in parties:
        names = names_of(entity)
        if len(names) < 2:
            continue
        usable = [
            n for n in names if not (entity.schema.is_a("Person") and len(fold(n).split()) < 2)
        ]
        usable.sort(key=lambda n: hashed(entity.id, n))
        for r, name in enumerate(usable[:rounds]):
            planned[r].append((entity, name))
    return planned


def record(entity: EntityProxy) -> Record:
    return Record(
        raw=json.dumps(entity.to_dict()), caption=entity.caption, dataset="lists", dprk=False
    )


def index_of(parties: Iterable[EntityProxy]) -> ScreeningIndex:
    return build_index((record(e) for e in parties), "alias-eval", [])


IDENTIFIER_PROPS = ("imoNumber", "passportNumber", "swiftBic", "publicKey", "registrationNumber")
"""The strong identifiers the store cross-references lists on (sever/lists/crossref.py)."""
MAX_SHARED = 50
"""A name, identifier or address shared by this many parties or more is too generic to link them."""


def _name_forms(name: str) -> set[str]:
    """A name folded, and folded without what it adds in parentheses (the UN's ``SECOND ACADEMY
    OF NATURAL SCIENCES (KPE.018)`` cites the party listed as ``SECOND ACADEMY OF NATURAL
    SCIENCES``)."""
    forms = {fold(name)}
    bare = re.sub(r"\([^)]*\)", " ", name).strip()
    if bare and bare != name:
        forms.add(fold(bare))
    return {f for f in forms if f}


def _address_key(address: str) -> str:
    """An address's words folded and sorted, without the country (written differently on each
    list: Iran / Iran (Islamic Republic of))."""
    words = fold(re.sub(r"\([^)]*\)", " ", address)).split()
    return " ".join(w for w in words if len(w) > 1)


def linked(parties: list[EntityProxy]) -> tuple[dict[str, set[str]], dict[str, int]]:
    """For each party, the parties that are the same party on another list (or another entry of
    one list), or that no screening by name could tell apart from it. Such a pair is neither a
    positive nor a negative. Linked, like the store's cross-references: the same name once
    folded (with or without a parenthesised addition), the same strong identifier of the same
    kind, or, for parties of one schema, two or more of the same full addresses. Also returns how
    many pairs each rule linked."""
    keys: dict[tuple[str, str], set[str]] = defaultdict(set)
    addresses: dict[str, set[str]] = defaultdict(set)
    for entity in parties:
        for name in names_of(entity):
            for form in _name_forms(name):
                keys[("name", form)].add(entity.id)
        for prop in IDENTIFIER_PROPS:
            if prop in entity.schema.properties:
                for value in entity.get(prop):
                    key = re.sub(r"[^0-9A-Z]", "", value.upper())
                    if len(key) >= 5:
                        keys[(prop, key)].add(entity.id)
        for address in entity.get("address", quiet=True):
            key = _address_key(address)
            if len(key.split()) >= 3:
                addresses[f"{entity.schema.name}|{key}"].add(entity.id)
    shared: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    seen: set[tuple[str, str]] = set()

    def link(ids: set[str], rule: str) -> None:
        for one in ids:
            for other in ids - {one}:
                shared[one].add(other)
                pair = (min(one, other), max(one, other))
                if pair not in seen:
                    seen.add(pair)
                    counts[rule] += 1

    for (rule, _), ids in sorted(keys.items()):
        if 1 < len(ids) < MAX_SHARED:
            link(ids, "name" if rule == "name" else "identifier")
    together: dict[tuple[str, str], int] = defaultdict(int)
    for ids in addresses.values():
        if 1 < len(ids) < MAX_SHARED:
            for one in ids:
                for other in ids - {one}:
                    together[(one, other)] += 1
    link_pairs = [pair for pair, n in together.items() if n >= 2]
    for one, other in link_pairs:
        link({one, other}, "addresses")
    return shared, dict(counts)


def query_entity(schema: str, name: str) -> EntityProxy:
    query = model.make_entity(schema)
    query.id = f"q-{hashed(schema, name):x}"  # logic-v2 caches by entity id
    query.add("name", name)
    return query


def run_round(
    parties: list[EntityProxy],
    plan: list[tuple[EntityProxy, str]],
    twins: dict[str, set[str]],
) -> tuple[list[Query], list[float]]:
    """Build the round's index (query names removed) and screen every query end to end."""
    removed = {entity.id: name for entity, name in plan}
    reduced = {e.id: without_name(e, removed[e.id]) if e.id in removed else e for e in parties}
    started = time.perf_counter()
    index = index_of(reduced.values())
    print(
        f"  index of {len(index.entries):,} parties built in {time.perf_counter() - started:.1f} s"
    )
    options = ScreenOptions(cutoff=REVIEW_FLOOR, limit=10)
    queries, timings = [], []
    for entity, name in plan:
        others = names_of(reduced[entity.id])
        q = Query(
            name,
            entity,
            reduced[entity.id],
            group_of(entity, name),
            habits_of(name, others),
            held_out(entity.id),
            alias_kind(name, others, not entity.schema.is_a("Person")),
        )
        probe = query_entity(entity.schema.name, name)
        started = time.perf_counter()
        screening = screen_entity(index, probe, options)
        timings.append(time.perf_counter() - started)
        for hit in screening.hits:
            if hit.entry.id == entity.id:
                q.true_score, q.retrieved = hit.score, True
            elif hit.entry.id not in twins.get(entity.id, ()):
                q.negatives[hit.entry.id] = hit.score
                other = names_of(reduced[hit.entry.id])
                if alias_kind(name, other, not entity.schema.is_a("Person")) in NAMESAKE:
                    q.namesakes.add(hit.entry.id)
        queries.append(q)
    return queries, timings


def nearest_negatives(
    queries: list[Query], parties: list[EntityProxy], twins: dict[str, set[str]]
) -> list[tuple[Query, EntityProxy]]:
    """For each query, the other party of its schema whose name is nearest by rapidfuzz's
    token-sort ratio on folded names: a hard negative chosen by a neutral measure."""
    by_schema: dict[str, tuple[list[str], list[EntityProxy]]] = defaultdict(lambda: ([], []))
    for entity in parties:
        forms, owners = by_schema[entity.schema.name]
        for name in names_of(entity):
            forms.append(fold(name))
            owners.append(entity)
    pairs = []
    for q in queries:
        forms, owners = by_schema[q.entity.schema.name]
        found = process.extract(fold(q.text), forms, scorer=fuzz.token_sort_ratio, limit=8)
        for _, _, at in found:
            other = owners[at]
            if other.id != q.entity.id and other.id not in twins.get(q.entity.id, ()):
                pairs.append((q, other))
                break
    return pairs


@dataclass
class Pair:
    query: Query
    candidate: EntityProxy
    label: bool
    ours: float = 0.0
    logic_v2: float = 0.0


def score_pairs(pairs: list[Pair]) -> dict[str, float]:
    """Score every pair with both matchers (logic-v2 warmed on the first 200 first); seconds
    per pair, counting the preparation of both sides for ours."""
    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()
    probes = {id(p): query_entity(p.candidate.schema.name, p.query.text) for p in pairs}
    # logic-v2 caches name analysis by entity id: a party with a name removed needs its own id
    copies: dict[int, EntityProxy] = {}
    for p in pairs:
        if id(p.candidate) not in copies:
            copy = model.get_proxy(p.candidate.to_dict())
            copy.id = f"{p.candidate.id}#{len(copies)}"
            copies[id(p.candidate)] = copy
    for p in pairs[:200]:
        algorithm.compare(probes[id(p)], copies[id(p.candidate)], config)
    started = time.perf_counter()
    for p in pairs:
        p.logic_v2 = algorithm.compare(probes[id(p)], copies[id(p.candidate)], config).score
    theirs = time.perf_counter() - started
    started = time.perf_counter()
    for p in pairs:
        p.ours = score(prepare(probes[id(p)]), prepare(p.candidate)).score
    ours = time.perf_counter() - started
    return {
        "ours_us_per_pair": 1e6 * ours / len(pairs),
        "logic_v2_us_per_pair": 1e6 * theirs / len(pairs),
    }


def pr_at(scores: list[tuple[float, bool]], threshold: float) -> tuple[float, float]:
    """Precision and recall at a threshold over (score, label) pairs."""
    tp = sum(1 for s, y in scores if y and s >= threshold)
    fp = sum(1 for s, y in scores if not y and s >= threshold)
    pos = sum(1 for _, y in scores if y)
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / pos if pos else 0.0)


def tuned_threshold(scores: list[tuple[float, bool]]) -> float:
    """The lowest threshold at which precision reaches TARGET_PRECISION (best recall)."""
    for t in sorted({s for s, _ in scores} | {1.0}):
        if pr_at(scores, t)[0] >= TARGET_PRECISION:
            return t
    return 1.0


def end_to_end_scores(
    queries: list[Query], namesakes_aside: bool = False
) -> list[tuple[float, bool]]:
    """Each query's true party score (0 when not retrieved), and every other party it hit (but
    its namesakes, with ``namesakes_aside``)."""
    scores = [(q.true_score, True) for q in queries]
    scores += [
        (s, False)
        for q in queries
        for other, s in q.negatives.items()
        if not (namesakes_aside and other in q.namesakes)
    ]
    return scores


def summary(scores: list[tuple[float, bool]], thresholds: dict[str, float]) -> dict:
    out: dict = {
        "positives": sum(1 for _, y in scores if y),
        "negatives": sum(1 for _, y in scores if not y),
    }
    for label, t in thresholds.items():
        precision, recall = pr_at(scores, t)
        out[label] = {"threshold": t, "precision": round(precision, 4), "recall": round(recall, 4)}
    return out


def evaluate(queries: list[Query], pairs: list[Pair]) -> dict:
    """Thresholds tuned on the tuning half; figures on the held-out half, overall and by group."""
    tune_e2e = end_to_end_scores([q for q in queries if not q.held_out])
    tune_ours = [(p.ours, p.label) for p in pairs if not p.query.held_out]
    tune_theirs = [(p.logic_v2, p.label) for p in pairs if not p.query.held_out]
    t_e2e, t_ours, t_theirs = (
        tuned_threshold(tune_e2e),
        tuned_threshold(tune_ours),
        tuned_threshold(tune_theirs),
    )
    held = [q for q in queries if q.held_out]
    held_pairs = [p for p in pairs if p.query.held_out]

    def block(qs: list[Query], ps: list[Pair]) -> dict:
        return {
            "queries": len(qs),
            "retrieved": round(sum(q.retrieved for q in qs) / max(len(qs), 1), 4),
            "end_to_end": summary(end_to_end_scores(qs), {"product": THRESHOLD, "tuned": t_e2e}),
            "end_to_end_namesakes_aside": summary(
                end_to_end_scores(qs, namesakes_aside=True), {"product": THRESHOLD}
            ),
            "pairs_ours": summary(
                [(p.ours, p.label) for p in ps], {"product": THRESHOLD, "tuned": t_ours}
            ),
            "pairs_logic_v2": summary(
                [(p.logic_v2, p.label) for p in ps],
                {"product": LOGIC_V2_THRESHOLD, "tuned": t_theirs},
            ),
        }

    groups: dict[str, list[Query]] = defaultdict(list)
    for q in held:
        groups[q.group].append(q)
        for habit in q.habits:
            groups[f"habit:{habit}"].append(q)
        if q.group.startswith("script:"):
            groups["other scripts"].append(q)
        groups[f"kind:{q.kind}"].append(q)
        groups["matchable" if q.kind in MATCHABLE else "not matchable"].append(q)
    report = {"overall": block(held, held_pairs), "groups": {}}
    for name, qs in sorted(groups.items()):
        ids = {id(q) for q in qs}
        report["groups"][name] = block(qs, [p for p in held_pairs if id(p.query) in ids])
    report["tuned_thresholds"] = {
        "end_to_end": t_e2e,
        "pairs_ours": t_ours,
        "pairs_logic_v2": t_theirs,
    }
    return report


def false_matches(pairs: list[Pair], limit: int = 60) -> list[dict]:
    """Held-out negative pairs that our matcher decides a match, to read."""
    out = [
        {
            "query": p.query.text,
            "query_party": p.query.entity.caption,
            "hit": p.candidate.caption,
            "hit_names": names_of(p.candidate)[:4],
            "ours": p.ours,
            "logic_v2": round(p.logic_v2, 4),
        }
        for p in pairs
        if p.query.held_out and not p.label and p.ours >= THRESHOLD
    ]
    random.Random(5).shuffle(out)
    return out[:limit]


def misses(queries: list[Query], limit: int = 60) -> list[dict]:
    """Held-out queries whose party was not found as a match, to read."""
    out = []
    for q in queries:
        if q.held_out and q.true_score < THRESHOLD:
            out.append(
                {
                    "group": q.group,
                    "query": q.text,
                    "other_names": names_of(q.reduced)[:6],
                    "score": q.true_score,
                    "retrieved": q.retrieved,
                    "kind": q.kind,
                }
            )
    random.Random(3).shuffle(out)
    return out[:limit]


# --- unlisted names, per locale, from faker ----------------------------------------------------

LOCALES = (
    "en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "es_MX", "it_IT", "pt_BR", "pl_PL", "ru_RU",
    "uk_UA", "tr_TR", "ar_AA", "ar_EG", "ar_SA", "fa_IR", "he_IL", "hi_IN", "zh_CN", "zh_TW",
    "ko_KR", "ja_JP", "vi_VN", "th_TH", "id_ID",
)  # fmt: skip
"""faker's locales screened: the Western locales customer files are full of, and the names of
the regions sanctions programmes reach (Russia and Ukraine, the Middle East and Iran, China,
the Koreas, Japan, South and South-East Asia), each in its own script."""
COMPANY_LOCALES = ("en_US", "de_DE", "fr_FR", "ru_RU", "zh_CN", "ko_KR", "ja_JP", "ar_AA")
"""faker's locales whose company names are screened (as one ``companies`` batch)."""
FAKER_SEED = 20260227


def faker_names(locale: str, count: int, make: str = "name") -> list[str]:
    """Up to ``count`` distinct names (or company names) from one faker locale, with a seed
    fixed per locale: the same names on every run."""
    fake = Faker(locale)
    fake.seed_instance(hashed(FAKER_SEED, locale, make))
    draw = getattr(fake, make)
    found: dict[str, None] = {}
    for _ in range(count * 5):
        if len(found) >= count:
            break
        found.setdefault(draw(), None)
    return list(found)


def unlisted_rates(
    index: ScreeningIndex,
    count: int,
    listed_forms: set[str],
    only: Iterable[str] = (),
    done: Callable[[dict], None] = lambda figures: None,
) -> dict:
    """Share of faker's names (per locale, and company names) that any listed party matches. A
    false match is a hit decided ``match`` (at or above the threshold); hits for review are
    counted apart. A name that is a listed name once folded (a namesake) is set aside. ``only``:
    the batches to screen in that order (locales, ``companies``), all when empty; ``done`` is
    handed the figures so far after each batch (a long run stopped halfway keeps what it
    screened)."""
    wanted = list(only) or [*LOCALES, "companies"]
    batches = {loc: ("Person", faker_names(loc, count)) for loc in wanted if loc != "companies"}
    if "companies" in wanted:
        per_locale = max(count // len(COMPANY_LOCALES), 1)
        companies = [n for loc in COMPANY_LOCALES for n in faker_names(loc, per_locale, "company")]
        batches["companies"] = ("Company", companies)
    options = ScreenOptions(limit=3)
    out = {}
    for label, (schema, names) in batches.items():
        started = time.perf_counter()
        hits, reviews, homonyms, examples = 0, 0, 0, []
        for name in names:
            if namesake_forms(name, schema != "Person") & listed_forms:
                homonyms += 1
                continue
            screening = screen_entity(index, query_entity(schema, name), options)
            matched = [h for h in screening.hits if h.decision == MATCH]
            if matched:
                hits += 1
                examples.append({"query": name, "hit": matched[0].entry.caption,
                                 "score": matched[0].score,
                                 "why": matched[0].explanation})  # fmt: skip
            elif screening.hits:
                reviews += 1
        screened_count = len(names) - homonyms
        out[label] = {
            "drawn": len(names),
            "screened": screened_count,
            "listed_namesakes_skipped": homonyms,
            "false_matches": hits,
            "rate": round(hits / max(screened_count, 1), 5),
            "reviews": reviews,
            "review_rate": round(reviews / max(screened_count, 1), 5),
            "examples": examples[:40],
        }
        print(
            f"  {label:10} {hits:5d} / {screened_count:6d} = {hits / max(screened_count, 1):.3%}"
            f"  (review {reviews / max(screened_count, 1):.2%}; "
            f"{time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        done(out)
    return out


def fmt(block: dict, key: str) -> str:
    p = block[key]
    return f"{p['recall']:.3f} @{p['precision']:.3f}"


def print_report(report: dict) -> None:
    print(
        f"\n{'held-out group':30} {'n':>5} {'found':>6} | end-to-end ours   product      tuned"
        f"       | pairs ours product  tuned       | logic-v2 product  tuned"
        f"       | namesakes aside"
    )
    rows = [("overall", report["overall"]), *report["groups"].items()]
    for name, b in rows:
        if b["queries"] < MIN_GROUP and name != "overall":
            continue
        print(
            f"{name:30} {b['queries']:5d} {b['retrieved']:6.3f} | "
            f"{fmt(b['end_to_end'], 'product')}  {fmt(b['end_to_end'], 'tuned')} | "
            f"{fmt(b['pairs_ours'], 'product')}  {fmt(b['pairs_ours'], 'tuned')} | "
            f"{fmt(b['pairs_logic_v2'], 'product')}  {fmt(b['pairs_logic_v2'], 'tuned')} | "
            f"{fmt(b['end_to_end_namesakes_aside'], 'product')}"
        )
    print("(recall @precision; 'tuned' = threshold for precision 0.97 chosen on the tuning half)")
    print(
        "kind: what variant the alias is of the party's other names, by the rule in "
        "alias_kinds.py; matchable = " + ", ".join(MATCHABLE) + "; not matchable = another "
        "name (different-words, unrelated)"
    )
    print(
        "namesakes aside: end to end, hits on another listed party whose name is the query's or "
        "a spelling of it (" + ", ".join(NAMESAKE) + ") not counted as false"
    )
    print(f"tuned thresholds: {report['tuned_thresholds']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="names removed per party")
    parser.add_argument("--negatives", type=int, default=20_000, help="faker names per locale")
    parser.add_argument(
        "--unlisted-only",
        action="store_true",
        help="only screen faker's names (the output's other sections are kept as they are)",
    )
    parser.add_argument(
        "--locales",
        default="",
        help="faker batches to screen, comma-separated, in that order (locales, companies); all "
        "when empty",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    only = [b for b in args.locales.split(",") if b]
    unknown = set(only) - {*LOCALES, "companies"}
    if unknown:
        parser.error(f"--locales: unknown batch {', '.join(sorted(unknown))}")

    parties = load_parties()
    listed_forms = {
        form
        for e in parties
        for n in names_of(e)
        for form in namesake_forms(n, not e.schema.is_a("Person"))
    }
    result = {
        "data": "OFAC SDN 2021-07 (with ALT.CSV), OFAC Consolidated 2025-12, UN 2026-02-27",
        "threshold": THRESHOLD,
    }
    if not args.unlisted_only:
        result |= alias_figures(parties, args.rounds)
    elif args.output.is_file():
        result = json.loads(args.output.read_text()) | result
    print(f"\nfaker's names ({args.negatives:,} per locale): false matches per locale")
    kept = result.get("unlisted_faker_names", {}) if only else {}
    result.pop("unlisted_written_names", None)  # the hand-written pools faker replaced
    args.output.parent.mkdir(parents=True, exist_ok=True)

    def save(screened: dict) -> None:
        """Write the results with the batches screened so far (a subset keeps the others)."""
        result["unlisted_faker_names"] = kept | screened
        args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    save(unlisted_rates(index_of(parties), args.negatives, listed_forms, only, save))
    print(f"written to {args.output}")


def alias_figures(parties: list[EntityProxy], rounds: int) -> dict:
    """The alias benchmark: every round screened, pairs scored by both matchers, the figures."""
    twins, link_counts = linked(parties)
    print(f"{len(parties):,} listed parties; pairs set aside as one party: {link_counts}")
    queries: list[Query] = []
    timings: list[float] = []
    for r, plan in enumerate(plan_rounds(parties, rounds)):
        print(f"round {r + 1}: {len(plan):,} alias queries")
        found, spent = run_round(parties, plan, twins)
        queries += found
        timings += spent
    pairs = [Pair(q, q.reduced, True) for q in queries]
    by_id = {e.id: e for e in parties}
    for q in queries:
        for other_id in sorted(q.negatives, key=q.negatives.__getitem__, reverse=True)[:3]:
            pairs.append(Pair(q, by_id[other_id], False))
    pairs += [Pair(q, other, False) for q, other in nearest_negatives(queries, parties, twins)]
    speed = score_pairs(pairs)
    report = evaluate(queries, pairs)
    print_report(report)
    timings.sort()
    speed |= {
        "alias_query_ms_p50": 1000 * statistics.median(timings),
        "alias_query_ms_p99": 1000 * timings[int(len(timings) * 0.99)],
    }
    print(f"speed: {speed}")
    return {
        "rounds": rounds,
        "same_party_pairs_set_aside": link_counts,
        "logic_v2_threshold": LOGIC_V2_THRESHOLD,
        "held_out": report,
        "speed": speed,
        "misses": misses(queries),
        "false_matches": false_matches(pairs),
    }


if __name__ == "__main__":
    main()
