"""What the holder's own record says: shared identifiers, directors, owners, tied counterparties.

Each feature is checked on a hand-made bank whose answer is known; a file without the optional
party columns gives zeros, not an error.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from sever.monitor.features import FEATURE_WORDS, account_features
from sever.monitor.holders import HOLDER_FEATURES, holder_features
from sever.monitor.inputs import prepare
from sever.tables.contracts import ACCOUNTS, HITS, PARTIES, TRANSACTIONS, conform
from sever.tables.engine import connect

if TYPE_CHECKING:
    from conftest import Ledger


@pytest.fixture
def book(new_ledger: type[Ledger]) -> Ledger:
    """A small bank: one person who shops, and nothing else yet."""
    made = new_ledger()
    made.pay("BG000", "SHOP0", 40, 1)
    return made


def holders(
    book: Ledger, drop: tuple[str, ...] = (), hits: list[dict] | None = None
) -> pd.DataFrame:
    """The holder features of the ledger's accounts, by account."""
    frames = book.frames()
    engine = connect("duckdb")
    parties = frames["parties"].drop(columns=[c for c in drop if c in frames["parties"]])
    inputs = prepare(
        engine,
        conform(engine.table(frames["transactions"]), TRANSACTIONS, "<tx>"),
        accounts=conform(engine.table(frames["accounts"]), ACCOUNTS, "<accounts>"),
        parties=conform(engine.table(parties), PARTIES, "<parties>"),
        hits=conform(engine.table(pd.DataFrame(hits)), HITS, "<hits>") if hits else None,
    )
    return holder_features(engine, inputs).set_index("account_id")


def fronts(book: Ledger) -> None:
    """Two companies with one phone and one nominee director, who also sits on a third board;
    the first pays the second. A fourth company is owned by a party in North Korea."""
    for name in ("FA", "FB", "FC", "FD"):
        book.account(name, kind="company", country="HK")
    book.parties["P-NOMINEE"] = {"party_id": "P-NOMINEE", "schema": "Person", "name": "Nominee"}
    book.parties["P-KP"] = {"party_id": "P-KP", "schema": "Company", "name": "Korea Trading",
                            "country": "KP"}  # fmt: skip
    for name in ("FA", "FB", "FC"):
        book.parties[f"P-{name}"]["directors"] = json.dumps(["P-NOMINEE"])
    for name in ("FA", "FB"):
        book.parties[f"P-{name}"]["phone"] = "+852 5555 0101"
    book.parties["P-FD"]["owners"] = json.dumps([{"owner_id": "P-KP", "share": 0.6}])
    book.pay("FA", "FB", 40_000, 10)
    book.pay("FC", "FD", 40_000, 20)


def test_every_holder_feature_has_words_for_the_analyst() -> None:
    for name in HOLDER_FEATURES:
        assert name in FEATURE_WORDS, name


def test_a_shared_phone_counts_the_other_customers_who_give_it(book: Ledger) -> None:
    fronts(book)
    book.parties["P-BG000"]["phone"] = " +852 5555 0101 "  # spaces do not make it another
    found = holders(book)
    assert found.shared_phone["FA"] == 2
    assert found.shared_phone["FC"] == 0


def test_a_nominee_director_shows_on_every_board_he_sits_on(book: Ledger) -> None:
    fronts(book)
    found = holders(book)
    assert [found.director_boards[a] for a in ("FA", "FB", "FC")] == [3, 3, 3]
    assert found.director_boards["FD"] == 0


def test_an_owner_in_north_korea_links_the_company(book: Ledger) -> None:
    fronts(book)
    found = holders(book)
    assert found.seed_linked["FD"] == 1
    assert found.seed_linked["FA"] == 0


def test_a_screening_hit_on_the_holder_gives_its_score(book: Ledger) -> None:
    fronts(book)
    hit = {"entity_id": "NK-1", "explanation": "alias"}
    hits = [
        {"party_id": "P-FB", "score": 0.83, "match": True, **hit},
        {"party_id": "P-FC", "score": 0.9, "match": False, **hit},
    ]
    found = holders(book, hits=hits)
    assert found.screened["FB"] == 0.83
    assert found.screened["FC"] == 0  # the screener did not call it a match
    assert found.screened["FA"] == 0


def test_parties_without_identifiers_give_zeros(book: Ledger) -> None:
    fronts(book)
    found = holders(book, drop=("phone", "directors", "owners"))
    assert (found[list(HOLDER_FEATURES)] == 0).all().all()


def test_account_features_carry_the_holder_features(book: Ledger) -> None:
    fronts(book)
    frames = book.frames()
    engine = connect("duckdb")
    inputs = prepare(
        engine,
        conform(engine.table(frames["transactions"]), TRANSACTIONS, "<tx>"),
        accounts=conform(engine.table(frames["accounts"]), ACCOUNTS, "<accounts>"),
        parties=conform(engine.table(frames["parties"]), PARTIES, "<parties>"),
    )
    found = account_features(engine, inputs).set_index("account_id")
    assert found.shared_phone["FB"] == 1
    assert found.director_boards["FB"] == 3
