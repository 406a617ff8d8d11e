"""Real data: the Atomic Wallet laundering flow (WWW 2025 ground truth) and the OFAC-listed
Lazarus Group Ethereum addresses of the built-in lists."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from sever.trace.addresses import shown
from sever.trace.run import TraceSettings, trace
from sever.trace.tags import Tags, listed_wallets, read_tag_file, read_user_csv
from sever.trace.transfers import load_transfers
from tests.trace.trace_chain import Chain, engine_for

ATOMIC = "chain/atomic-wallet-2023"


def lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def atomic(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The flow written in the transfers contract (values are US dollars: asset USD), the
    victims, the terminals, and the analyst's tags: the dataset's own labels of the terminals."""
    folder = tmp_path_factory.mktemp("atomic")
    raw = pd.read_csv(shared_data / ATOMIC / "transfers.csv")
    path = folder / "transfers.csv"
    pd.DataFrame(
        {
            "tx_hash": raw.Tx_hash,
            "timestamp": raw.Timestamp,
            "from_address": raw.From,
            "to_address": raw.To,
            "value": raw.Value_in_USD,
            "asset": "USD",
            "block_number": raw.Block,
        }
    ).to_csv(path, index=False)
    terminals = lines(shared_data / ATOMIC / "terminals.csv")
    labels = raw.drop_duplicates("To").set_index("To").To_label
    service = labels.reindex(terminals).fillna("").str.split(r"[_:]", regex=True).str[0]
    tags = folder / "terminal_tags.csv"
    pd.DataFrame(
        {"address": terminals, "service": service.str.strip(), "category": "exchange"}
    ).to_csv(tags, index=False)
    return {
        "transfers": path,
        "sources": lines(shared_data / ATOMIC / "sources.csv"),
        "terminals": terminals,
        "tags": tags,
        "packs": sorted((shared_data / "crypto" / "tagpacks").glob("*.yaml")),
    }


def run_atomic(atomic: dict, method: str, tags: Tags) -> pd.DataFrame:
    with engine_for() as engine:
        loaded = load_transfers(engine, [atomic["transfers"]])
        settings = TraceSettings(tuple(atomic["sources"]), method=method, min_usd=0.0)
        return trace(loaded, settings, tags)


def test_every_atomic_terminal_is_reached_from_the_victims(atomic: dict) -> None:
    result = run_atomic(atomic, "poison", Tags())
    reached = set(result.addresses.address.str.lower())
    assert set(atomic["terminals"]) <= reached
    assert len(atomic["terminals"]) == 101


def test_terminals_are_named_by_the_tags_that_know_them(atomic: dict) -> None:
    packs = Tags(tag for pack in atomic["packs"] for tag in read_tag_file(pack))
    known = {t: packs.get(t) for t in atomic["terminals"] if packs.get(t)}
    assert known, "the TagPacks know at least one terminal (a Binance deposit)"
    analyst = Tags(packs.by_address.values())
    analyst.extend(read_user_csv(atomic["tags"]))
    rows = run_atomic(atomic, "poison", analyst).addresses.set_index("address")
    for address, tag in known.items():
        assert rows.loc[shown(address), "service"] == tag.service
    ends = rows.loc[[shown(t) for t in atomic["terminals"]]]
    assert (ends.service != "").all() and (ends.role == "endpoint").all()
    assert {"Bitget", "Huobi", "THORChain", "Binance"} <= set(ends.service)


def test_haircut_brings_most_of_the_stolen_value_to_the_terminals(atomic: dict) -> None:
    """Not all: the file values each transfer in dollars at its own time and holds only the
    illicit edges, so some wallets pay out more than the file shows them receiving; haircut and
    FIFO take the difference as clean money from before the data."""
    result = run_atomic(atomic, "haircut", Tags(read_user_csv(atomic["tags"])))
    ends = result.addresses[result.addresses.role == "endpoint"]
    assert ends.traced_usd.sum() / result.stolen_usd >= 0.8
    assert len(ends) >= 0.95 * len(atomic["terminals"])


def test_listed_lazarus_addresses_are_sources_in_any_letter_case(loaded_home, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tags = Tags(listed_wallets(loaded_home))
    lazarus = sorted(
        a
        for a, t in tags.by_address.items()
        if "LAZARUS" in t.service.upper() and a.startswith("0x")
    )
    assert len(lazarus) >= 5
    chain, spell = Chain(tmp_path), random.Random(7)
    cases = (str.lower, lambda a: "0x" + a[2:].upper(), shown)
    for number, address in enumerate(lazarus):
        written = cases[number % 3](address)
        chain.send(written, f"mule{number}", 1.0 + number, 1 + number)
    given = [cases[spell.randrange(3)](a) for a in lazarus]
    with engine_for() as engine:
        loaded = load_transfers(engine, [chain.write()])
        result = trace(loaded, TraceSettings(tuple(given), min_usd=0.0), tags)
    sources = result.addresses[result.addresses.role == "source"]
    assert sorted(sources.address.str.lower()) == lazarus
    assert set(sources.service) == {"LAZARUS GROUP"} and not result.missing_sources


def test_trace_from_listed_lazarus_wallets_by_name(loaded_home, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``--from-listed "Lazarus Group"`` starts from every listed Lazarus wallet, whatever letter
    case the transfers file writes them in."""
    import json

    from typer.testing import CliRunner

    from sever.cli import app

    lazarus = sorted(
        a
        for a, t in Tags(listed_wallets(loaded_home)).by_address.items()
        if "LAZARUS" in t.service.upper() and a.startswith("0x")
    )
    chain = Chain(tmp_path)
    for number, address in enumerate(lazarus):
        chain.send("0x" + address[2:].upper(), f"mule{number}", 1.0, 1 + number)
    result = CliRunner().invoke(
        app,
        [
            "trace",
            "--transfers",
            str(chain.write()),
            "--from-listed",
            "lazarus group",
            "--home",
            str(loaded_home.root),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert sorted(s.lower() for s in payload["settings"]["sources"]) == lazarus
    assert payload["missing_sources"] == [] and payload["stolen_usd"] == len(lazarus) * 3000
