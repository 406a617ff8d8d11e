"""Fixtures for screening: a small watchlist home, the built-in lists and their index, and
hand-made FtM entities copied from the OFAC SDN list (2024-05-03) for the matcher's specs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from followthemoney import EntityProxy, model

from sever.home import Home

WATCHLIST: list[dict[str, Any]] = [
    {
        "id": "wl-pak",
        "schema": "Person",
        "properties": {
            "name": ["PAK Chol-su"],
            "birthDate": ["1961-03-04"],
            "nationality": ["kp"],
            "programId": ["DPRK3"],
        },
    },
    {
        "id": "wl-vessel",
        "schema": "Vessel",
        "properties": {"name": ["Chon Ma San"], "imoNumber": ["9123453"], "flag": ["kp"]},
    },
    {
        "id": "wl-org",
        "schema": "Company",
        "properties": {"name": ["Korea Sobaeksu Trading Company"], "programId": ["DPRK3"]},
    },
    {
        "id": "wl-wallet",
        "schema": "CryptoWallet",
        "properties": {
            "publicKey": ["0x098B716B8Aaf21512996dC57EB0615e2383E2f96"],
            "currencySymbol": ["ETH"],
            "holder": ["wl-org"],
        },
    },
    {
        "id": "wl-sanction",
        "schema": "Sanction",
        "properties": {"entity": ["wl-org"], "programId": ["UN-DPRK"], "authority": ["UN"]},
    },
    {
        "id": "wl-ruiz",
        "schema": "Person",
        "properties": {"name": ["Maria Elena Ruiz"], "birthDate": ["1975-06-01"]},
    },
]
"""A user's own watchlist (FtM JSON lines): a DPRK person, vessel, company with its wallet and
sanction, and one unrelated person."""


def write_watchlist(path: Path, entities: list[dict[str, Any]]) -> Path:
    """Write entities as FtM JSON lines and return the path."""
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    return path


@pytest.fixture
def watchlist() -> list[dict]:
    """The hand-made watchlist's entities (FtM JSON), to extend in a test."""
    return [dict(e) for e in WATCHLIST]


@pytest.fixture
def write_list() -> object:
    """``write_list(path, entities)`` writes FtM JSON lines and returns the path."""
    return write_watchlist


@pytest.fixture
def watchlist_home(tmp_path: Path) -> Home:
    """A home holding only WATCHLIST, loaded as the dataset ``mylist``."""
    from sever.lists import load_files

    home = Home.resolve(tmp_path / "wl-home")
    load_files(home, [write_watchlist(tmp_path / "watchlist.jsonl", WATCHLIST)], dataset="mylist")
    return home


@pytest.fixture(scope="session")
def bundled_home(tmp_path_factory: pytest.TempPathFactory, _bundled_store: Path) -> Home:
    """A home holding the built-in snapshot (OFAC SDN 2024-05-03 + UN 2026-02-27): a copy of the
    store the root conftest loads once per session."""
    home = Home.resolve(tmp_path_factory.mktemp("screen-bundled") / "home")
    shutil.copy(_bundled_store, home.store_path)
    return home


@pytest.fixture(scope="session")
def bundled_index(bundled_home: Home) -> object:
    """The screening index over the built-in lists, built once per session."""
    from sever.screen.index import load_index

    return load_index(bundled_home)


def _make(schema: str, entity_id: str | None = None, **props: str | list[str]) -> EntityProxy:
    """An FtM entity with the given properties (a list gives several values)."""
    entity = model.make_entity(schema)
    entity.id = entity_id or f"test-{schema}-{abs(hash(str(props)))}"
    for prop, values in props.items():
        for value in values if isinstance(values, list) else [values]:
            entity.add(prop, value)
    return entity


@pytest.fixture(scope="session")
def make() -> Callable[..., EntityProxy]:
    """``make("Person", name="Kim Jong Un", birthDate="1984-01-08")`` builds an FtM entity."""
    return _make


@pytest.fixture(scope="session")
def kim_jong_un() -> EntityProxy:
    """OFAC SDN 20157: KIM, Jong Un, DOB 08 Jan 1984 (nationality as the UN list gives it)."""
    return _make(
        "Person", "ofac-20157", name="KIM, Jong Un", birthDate="1984-01-08", nationality="kp"
    )


@pytest.fixture(scope="session")
def komid() -> EntityProxy:
    """OFAC SDN 9345, without its a.k.a. KOMID, so that the acronym has to be recognised."""
    return _make("Company", "ofac-9345", name="KOREA MINING DEVELOPMENT TRADING CORPORATION")


@pytest.fixture(scope="session")
def lazarus_wallet() -> EntityProxy:
    """The first of LAZARUS GROUP's eight ETH addresses (OFAC SDN 27307)."""
    return _make(
        "CryptoWallet",
        "ofac-wallet-eth-0x098b716b8aaf21512996dc57eb0615e2383e2f96",
        publicKey="0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
        currencySymbol="ETH",
    )
