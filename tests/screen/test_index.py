"""The screening index: what it holds, how it is persisted, and how it picks candidates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from followthemoney import model

from sever.home import Home
from sever.lists import load_files
from sever.screen.index import (
    CANDIDATE_LIMIT,
    MAX_KEY_ROWS,
    MIN_SCORED,
    ScreeningIndex,
    current_fingerprint,
    load_index,
)
from sever.screen.match import prepare


def _query(schema: str, **props: str) -> object:
    entity = model.make_entity(schema)
    entity.id = "q"
    for prop, value in props.items():
        entity.add(prop, value)
    return prepare(entity)


def test_only_parties_are_indexed_but_every_record_is_kept(watchlist_home: Home) -> None:
    index = load_index(watchlist_home)
    assert {e.id for e in index.entries} == {
        "wl-pak",
        "wl-vessel",
        "wl-org",
        "wl-wallet",
        "wl-ruiz",
    }
    assert "wl-sanction" in index.records
    assert index.entry("wl-sanction") is None


def test_a_wallet_entry_reports_its_holder_and_the_holders_programs(watchlist_home: Home) -> None:
    wallet = load_index(watchlist_home).entry("wl-wallet")
    assert wallet is not None
    assert wallet.holder == "Korea Sobaeksu Trading Company"
    assert set(wallet.programs) == {"DPRK3", "UN-DPRK"}
    assert wallet.dprk


def test_the_index_is_persisted_under_the_snapshot_checksums(watchlist_home: Home) -> None:
    first = load_index(watchlist_home)
    saved = list(watchlist_home.indexes.glob("screen-*.json"))
    assert [p.name for p in saved] == [f"screen-{first.fingerprint}.json"]
    assert first.fingerprint == current_fingerprint(watchlist_home)
    again = load_index(watchlist_home)
    assert again.fingerprint == first.fingerprint
    assert len(again.entries) == len(first.entries)


def test_a_list_update_rebuilds_the_index(
    watchlist_home: Home, tmp_path: Path, watchlist: list[dict], write_list: Any
) -> None:
    before = load_index(watchlist_home)
    extra = {"id": "wl-new", "schema": "Company", "properties": {"name": ["Ryugyong Shipping"]}}
    path = write_list(tmp_path / "v2.jsonl", [*watchlist, extra])
    load_files(watchlist_home, [path], dataset="mylist")
    after = load_index(watchlist_home)
    assert after.fingerprint != before.fingerprint
    assert after.entry("wl-new") is not None
    assert len(list(watchlist_home.indexes.glob("screen-*.json"))) == 1


def test_the_built_in_lists_are_indexed(bundled_index: ScreeningIndex) -> None:
    schemata = {e.schema for e in bundled_index.entries}
    assert {"Person", "Company", "Vessel", "Airplane", "CryptoWallet"} <= schemata
    assert not schemata & {"Sanction", "UnknownLink", "Passport", "Identification"}
    assert len(bundled_index.entries) > 15_000


def test_a_common_surname_alone_does_not_pull_thousands(bundled_index: ScreeningIndex) -> None:
    query = _query("Person", name="Kim")
    found = bundled_index.candidates(query, lambda _e: True)
    assert 0 < len(found) <= CANDIDATE_LIMIT
    kims = bundled_index.postings.get("t:kim", [])
    assert len(kims) > MAX_KEY_ROWS or len(found) <= len(kims)


def test_candidates_respect_the_scope_filter(bundled_index: ScreeningIndex) -> None:
    query = _query("Person", name="Kim Jong Un")
    found = bundled_index.candidates(query, lambda e: e.dataset == "un_sc_sanctions")
    assert found
    assert all(e.dataset == "un_sc_sanctions" for e in found)


def test_a_mistyped_long_word_still_finds_its_entity(bundled_index: ScreeningIndex) -> None:
    query = _query("Company", name="OBORONLOGISTIKO OOO")
    found = bundled_index.candidates(query, lambda _e: True)
    assert any("OBORONLOGISTIKA" in e.caption.upper() for e in found)


def test_only_strong_candidates_are_scored_past_the_first_few(
    bundled_index: ScreeningIndex,
) -> None:
    query = _query("Person", name="James Smith")
    assert len(bundled_index.candidates(query, lambda _e: True)) <= MIN_SCORED


def test_the_saved_index_is_json_and_reads_back_the_same(watchlist_home: Home) -> None:
    first = load_index(watchlist_home)
    (path,) = watchlist_home.indexes.glob("screen-*.json")
    assert path.read_bytes().startswith(b'["')  # JSON, not a pickle
    again = load_index(watchlist_home)
    assert again.entries == first.entries  # prepared features decoded back equal
    assert again.records.keys() == first.records.keys()
    assert again.records["wl-org"].data == first.records["wl-org"].data


def test_a_pickle_planted_as_the_index_runs_no_code(watchlist_home: Home, tmp_path: Path) -> None:
    """Someone who can write the home replaces the index with a pickle that would run a
    command when unpickled: it is treated as unreadable and the index is rebuilt."""
    import pickle

    first = load_index(watchlist_home)
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self) -> tuple:
            return (Path.touch, (marker,))

    (path,) = watchlist_home.indexes.glob("screen-*.json")
    path.write_bytes(pickle.dumps(Payload()))
    rebuilt = load_index(watchlist_home)
    assert not marker.exists()
    assert {e.id for e in rebuilt.entries} == {e.id for e in first.entries}
    assert path.read_bytes().startswith(b'["')


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b"",
        lambda b: b'["x", 1, 2]',  # the wrong shape
        lambda b: b.replace(b'"wl-pak"', b"12345", 1),  # a value of the wrong type
    ],
)
def test_a_damaged_index_file_is_rebuilt(watchlist_home: Home, damage: Any) -> None:
    first = load_index(watchlist_home)
    (path,) = watchlist_home.indexes.glob("screen-*.json")
    path.write_bytes(damage(path.read_bytes()))
    rebuilt = load_index(watchlist_home)
    assert {e.id for e in rebuilt.entries} == {e.id for e in first.entries}
    assert rebuilt.entry("wl-pak") is not None


def test_the_listed_words_spelling_keys_are_worked_out_at_build_and_saved(
    watchlist_home: Home,
) -> None:
    """A query meets the listed words' keys ready-made: the first query is no slower than the
    next (see sever.screen.features.known_words)."""
    from sever.screen.features import spelling
    from sever.screen.features.known_words import KNOWN

    built = load_index(watchlist_home, rebuild=True)
    assert "sobaeksu" in built.spellings
    keys = built.spellings["sobaeksu"]
    assert keys.sound == spelling.work_out_sound_key("sobaeksu")
    assert keys.korean  # a word of a company name: its Korean readings too
    assert "sobaeksutrading" in built.spellings  # a run of words the matcher may join
    KNOWN.clear()
    again = load_index(watchlist_home)
    assert again.spellings == built.spellings
    assert KNOWN["sobaeksu"] == keys
