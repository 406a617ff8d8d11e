"""Bounded work per name: the matcher's cost grows at most with the product of the two names'
lengths, and no name, however odd, makes it raise or leave [0, 1].

The complexity checks count work rather than time it: every Python and C function call made
while the matcher runs, with every cache emptied first. The count does not depend on how busy the
machine is, and a search over every combination (the number of ways to pick 8 syllables out of
16 is 12,870) shows as a jump of hundreds of times when the name doubles.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import _lru_cache_wrapper
from typing import Any

import pytest
from followthemoney import EntityProxy, model
from hypothesis import given, settings
from hypothesis import strategies as st

from sever.screen import prepare, score
from sever.screen.features import korean
from sever.screen.features.companies import acronym_matches
from sever.screen.features.names import compare_korean, prepare_name, sequence_similarity

MAX_GROWTH = 4.5
"""Doubling a name may multiply the work by about 4 at most (both names doubling in a comparison
whose work is the product of their lengths), with a little room for fixed costs."""

SYLLABLES = ["kim", "jong", "un", "pak", "chol", "ri", "yong", "su", "nam", "song", "hyok"]
AMBIGUOUS = ["jongun", "sonam", "kunam", "yonggil", "chongil"]
"""Words with more than one Korean reading (jong-un or jon-gun): names of them have as many
readings as the product of their words'."""


def _clear_caches() -> None:
    """Empty every cache of the matching code, so that each count starts from nothing."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("sever.screen"):
            continue
        for value in vars(module).values():
            if isinstance(value, _lru_cache_wrapper):
                value.cache_clear()


def work(fn: Callable[..., Any], *args: Any) -> int:
    """Function calls made while ``fn(*args)`` runs from empty caches: a count of the work. A
    first run, not counted, leaves out what the libraries set up once (transliterators, tables)."""
    fn(*args)
    _clear_caches()
    calls = 0

    def count(_frame: object, event: str, _arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        fn(*args)
    finally:
        sys.setprofile(None)
    return calls


def growth(fn: Callable[[int], Callable[[], Any]], size: int) -> float:
    """How many times more work ``fn(2 * size)`` does than ``fn(size)``."""
    return work(fn(2 * size)) / work(fn(size))


def _words(pool: list[str], count: int, sep: str = " ") -> str:
    """``count`` words cycling through ``pool``: the same name at every size, only longer."""
    return sep.join(pool[i % len(pool)] for i in range(count))


def person(name: str) -> EntityProxy:
    entity = model.make_entity("Person")
    entity.id = f"p-{abs(hash(name))}"
    entity.add("name", name)
    return entity


def company(name: str) -> EntityProxy:
    entity = model.make_entity("Company")
    entity.id = f"c-{abs(hash(name))}"
    entity.add("name", name)
    return entity


# -- complexity ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [4, 8, 16])
def test_the_korean_reader_grows_linearly_with_a_word(size: int) -> None:
    def read(letters: int) -> Callable[[], Any]:
        return lambda: korean.read_romanised(("jongunsonam" * 8)[:letters])

    assert growth(read, size) <= MAX_GROWTH


def test_the_korean_reader_needs_no_recursion_however_long_the_text() -> None:
    def read(letters: int) -> Callable[[], Any]:
        return lambda: korean._reading_tails("jongunsonam" * (letters // 11))

    assert growth(read, 2_000) <= 2.5  # far past the recursion limit of 1,000 frames


@pytest.mark.parametrize(
    ("pool", "sep", "size"),
    [(SYLLABLES, " ", 4), (AMBIGUOUS, " ", 4), (AMBIGUOUS, " ", 16), (AMBIGUOUS, "-", 8),
     (["김정은", "박철수"], " ", 8), (["Ким", "Чен", "Ын", "Нен"], " ", 8),
     (["Korea", "Mining", "Development", "Trading", "Corporation"], " ", 16)],
)  # fmt: skip
def test_reading_a_name_grows_at_most_four_times(pool: list[str], sep: str, size: int) -> None:
    def read(count: int) -> Callable[[], Any]:
        return lambda: prepare_name(_words(pool, count, sep))

    assert growth(read, size) <= MAX_GROWTH


@pytest.mark.parametrize("size", [4, 8])
def test_syllables_in_order_grow_with_the_product_of_lengths(size: int) -> None:
    keys = [korean.hangul_key(ch) for ch in "김정은박철수리영길"]

    def compare(length: int) -> Callable[[], Any]:
        long = tuple(keys[i % len(keys)] for i in range(length))
        short = tuple(keys[(i * 2) % len(keys)] for i in range(length // 2))
        return lambda: sequence_similarity(short, long)

    assert growth(compare, size) <= MAX_GROWTH


@pytest.mark.parametrize(("pool", "size"), [(SYLLABLES, 3), (AMBIGUOUS, 3), (SYLLABLES, 8)])
def test_korean_name_comparison_grows_at_most_four_times(pool: list[str], size: int) -> None:
    def compare(count: int) -> Callable[[], Any]:
        query = prepare_name(_words(pool, count))[0]
        listed = prepare_name(_words(pool[1:], max(2, count // 2)))[0]
        return lambda: compare_korean(query, listed)

    assert growth(compare, size) <= MAX_GROWTH


@pytest.mark.parametrize(
    ("pool", "make", "size"),
    [(SYLLABLES, person, 3), (AMBIGUOUS, person, 3), (SYLLABLES, person, 16),
     (["김정은", "박철수", "리영길"], person, 8), (["Ким", "Чен", "Ын"], person, 8),
     (["Lazarus", "Group", "Bluenoroff"], person, 32),
     (["Korea", "Mining", "Development", "Trading", "Corporation", "KOMID"], company, 16)],
)  # fmt: skip
def test_score_grows_at_most_four_times_when_both_names_double(
    pool: list[str], make: Callable[[str], EntityProxy], size: int
) -> None:
    def compare(count: int) -> Callable[[], Any]:
        query, listed = make(_words(pool, count)), make(_words(pool[::-1], count))
        return lambda: score(prepare(query), prepare(listed))

    assert growth(compare, size) <= MAX_GROWTH


def test_score_of_a_long_query_against_a_short_name_grows_about_linearly() -> None:
    listed = prepare(person("KIM, Jong Un"))

    def compare(count: int) -> Callable[[], Any]:
        query = person(_words(AMBIGUOUS + SYLLABLES, count))
        return lambda: score(prepare(query), listed)

    assert growth(compare, 24) <= 2.5


# -- never raise, never leave [0, 1] ------------------------------------------------------------

ODD_LETTERS = st.sampled_from(
    [*"aeiouykgnhrl -'.,", "김", "정", "은", "金", "正", "Ч", "е", "н", "Ы",
     "\u200b", "\u200f", "\u202e", "\u0301", "\x00", "\ufeff", "ŏ", "ŭ", "١", "م"]
)  # fmt: skip
NAMES = st.one_of(
    st.text(max_size=60),
    st.text(ODD_LETTERS, max_size=60),
    st.lists(st.sampled_from(SYLLABLES + AMBIGUOUS), min_size=1, max_size=12).map(" ".join),
)


@settings(max_examples=150, deadline=None)
@given(NAMES)
def test_any_name_prepares_without_raising(name: str) -> None:
    for form in prepare_name(name):
        assert all(isinstance(token, str) and token for token in form.tokens)


@settings(max_examples=150, deadline=None)
@given(NAMES, NAMES, st.sampled_from([person, company]))
def test_any_two_names_score_within_zero_and_one(
    query: str, listed: str, make: Callable[[str], EntityProxy]
) -> None:
    result = score(make(query), make(listed))
    assert 0.0 <= result.score <= 1.0
    assert all(0.0 <= f.value <= 1.0 for f in result.features), result.features


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=10), st.lists(st.text(max_size=12), max_size=8))
def test_any_acronym_check_answers(acronym: str, words: list[str]) -> None:
    assert acronym_matches(acronym, tuple(w for w in words if w)) in (True, False)
