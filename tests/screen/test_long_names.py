"""Limits on names: a query name over MAX_NAME_CHARS is a clear error, a stored list entry over the
limits is left out of matching (reported, never a crash), and a name just under the limit screens
against the whole built-in index at once, whatever it is made of."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable

import pytest
from followthemoney import EntityProxy

from sever.entities.limits import MAX_NAME_CHARS, MAX_NAMES_PER_ENTITY
from sever.screen import prepare
from sever.screen.index import Record, ScreeningIndex, build_index
from sever.screen.query import QueryError, make_query
from sever.screen.search import screen_entity

MAX_CPU_SECONDS = 1.0
"""CPU time one screening of a long name may take (it takes about 0.05 s): measured as this
process's CPU time, so that other work on the machine does not count."""


def _fill(words: list[str], length: int, sep: str = " ") -> str:
    """Words drawn at random (fixed seed) up to just under ``length`` characters."""
    rng = random.Random(length)
    out: list[str] = []
    while len(sep.join([*out, words[0]])) < length:
        out.append(rng.choice(words))
    return sep.join(out)


LONG_NAMES = {
    "korean words": _fill(["kim", "jongun", "pak", "sonam", "chol", "ri", "yonggil", "hyon"], 499),
    "korean hyphenated": _fill(["kim", "jong-un", "so-nam", "chol", "ri", "yong-gil"], 499, "-"),
    "one long word": "a" * 499,
    "repeated word": _fill(["Lazarus"], 499),
    "hangul words": _fill(["김정은", "박철수", "리영길"], 499),
    "hangul run together": ("김정은" * 200)[:499],
    "chinese characters": ("金正恩" * 200)[:499],
    "cyrillic words": _fill(["Ким", "Чен", "Ын", "Пак", "Нен"], 499),
    "cyrillic run together": ("чжененн" * 100)[:499],
    "mixed scripts": _fill(["Kim", "김정은", "Ким", "金正恩", "Jong-un", "O'Kuk", "Ryŏl"], 499),
    "company words": _fill(["Korea", "Mining", "Development", "Trading", "Corporation"], 499),
    "initials": _fill(list("ABCDEFGHK"), 499),
    "right-to-left and invisible": _fill(["محمد", "\u200f", "\u200b", "علي", "é\u0301"], 499),
}


@pytest.mark.parametrize("kind", LONG_NAMES)
@pytest.mark.parametrize("schema", ["Person", "Company"])
def test_a_name_just_under_the_limit_screens_at_once(
    bundled_index: ScreeningIndex, kind: str, schema: str
) -> None:
    name = LONG_NAMES[kind]
    assert len(name) <= MAX_NAME_CHARS
    started = time.process_time()
    screening = screen_entity(bundled_index, make_query(schema, {"name": name}))
    spent = time.process_time() - started
    assert spent < MAX_CPU_SECONDS, f"{kind}: {spent:.2f} s"
    assert all(0 <= hit.score <= 1 for hit in screening.hits)


@pytest.mark.parametrize("length", [MAX_NAME_CHARS + 1, 1_000, 10_000, 1_000_000])
def test_a_longer_query_name_is_a_clear_error(length: int) -> None:
    started = time.process_time()
    with pytest.raises(QueryError) as error:
        make_query("Person", {"name": "Kim Jong Un " * (length // 12) + "x" * (length % 12)})
    assert time.process_time() - started < MAX_CPU_SECONDS
    message = str(error.value)
    assert f"{length:,} characters" in message and f"at most {MAX_NAME_CHARS}" in message
    assert "\n" not in message


def test_a_name_at_the_limit_is_accepted() -> None:
    query = make_query("Person", {"name": "k" * MAX_NAME_CHARS})
    assert query.get("name") == ["k" * MAX_NAME_CHARS]


def test_too_many_names_in_one_query_is_a_clear_error() -> None:
    names = {prop: [f"{prop} name {i}" for i in range(50)] for prop in ("name", "alias")}
    names |= {"previousName": [f"old name {i}" for i in range(50)]}
    names |= {"weakAlias": [f"weak name {i}" for i in range(50)]}
    make_query("Person", names)  # 200 names: at the limit
    names["abbreviation"] = ["one more"]
    with pytest.raises(QueryError, match=f"at most {MAX_NAMES_PER_ENTITY}"):
        make_query("Person", names)


def _record(entity_id: str, schema: str, **props: list[str]) -> Record:
    data = {"id": entity_id, "schema": schema, "properties": props}
    return Record(raw=json.dumps(data), caption=entity_id, dataset="oldlist", dprk=False)


def test_a_stored_name_over_the_limit_is_left_out_and_reported(
    make: Callable[..., EntityProxy], caplog: pytest.LogCaptureFixture
) -> None:
    huge = "Ri " + "Chol " * 200_000  # a 1 MB name from a store loaded before the check
    entity = make("Person", "old-1", name=huge, alias="Ri Chol Ung")
    with caplog.at_level(logging.WARNING):
        started = time.process_time()
        prepared = prepare(entity)
        assert time.process_time() - started < MAX_CPU_SECONDS
    assert [n.original for n in prepared.names] == ["Ri Chol Ung"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "old-1" in warnings[0] and str(MAX_NAME_CHARS) in warnings[0]


def test_names_past_the_limit_per_entity_are_left_out(make: Callable[..., EntityProxy]) -> None:
    aliases = [f"Alias Number {i:04d}" for i in range(MAX_NAMES_PER_ENTITY + 50)]
    prepared = prepare(make("Person", "old-2", name="Pak Chol Su", alias=aliases))
    assert len({n.original for n in prepared.names}) == MAX_NAMES_PER_ENTITY


def test_an_index_with_an_oversized_entry_still_builds_and_screens() -> None:
    huge = "Kim " * 250_000
    records = [
        _record("old-1", "Person", name=[huge], alias=["Ri Chol Ung"]),
        _record("old-2", "Person", name=[huge], passportNumber=["PD123456"]),
        _record("ok-1", "Person", name=["Pak Chol Su"], birthDate=["1961-03-04"]),
    ]
    index = build_index(records, "test", [])
    by_alias = screen_entity(index, make_query("Person", {"name": "Ri Chol Ung"}))
    assert [h.entry.id for h in by_alias.matches] == ["old-1"]
    by_passport = screen_entity(
        index, make_query("Person", {"name": "Mohammed Ali", "passportNumber": "PD123456"})
    )
    assert [h.entry.id for h in by_passport.hits] == ["old-2"]
    other = screen_entity(index, make_query("Person", {"name": "Pak Chol Su"}))
    assert [h.entry.id for h in other.matches] == ["ok-1"]
