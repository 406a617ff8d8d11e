"""Diffs report entities added, removed and changed, per property."""

from __future__ import annotations

from pathlib import Path

from followthemoney import model

from sever.entities import Store
from sever.entities.diff import diff_snapshots
from sever.home import Home
from sever.lists import load_files


def entity(schema: str, entity_id: str, **props: str | list[str]):
    e = model.make_entity(schema)
    e.id = entity_id
    for prop, value in props.items():
        e.add(prop, value)
    return e


def test_added_removed_and_changed_properties(home: Home) -> None:
    with Store.open(home) as store:
        old = store.write_snapshot(
            "l",
            "t",
            [
                entity("Person", "a", name="Kim Jong Un", birthDate="1984"),
                entity("Person", "b", name="Gone"),
            ],
            published=None,
            files=[],
        )
        new = store.write_snapshot(
            "l",
            "t",
            [
                entity("Person", "a", name="Kim Jong Un", birthDate=["1984", "1983"]),
                entity("Person", "c", name="New"),
            ],
            published=None,
            files=[],
        )
        diff = diff_snapshots(store, old, new)
    assert [i for i, _, _ in diff.added] == ["c"]
    assert [i for i, _, _ in diff.removed] == ["b"]
    [change] = diff.changed
    assert change.entity_id == "a"
    assert [(c.prop, c.added, c.removed) for c in change.changes] == [("birthDate", ["1983"], [])]
    assert diff.changed_ids == {"a", "c"}


def test_a_new_wallet_reads_as_a_change_of_its_holder(home: Home) -> None:
    party = entity("Organization", "p", name="LAZARUS GROUP")
    wallet = entity("CryptoWallet", "w", publicKey="0xabc", currencySymbol="ETH", holder="p")
    with Store.open(home) as store:
        old = store.write_snapshot("l", "t", [party], published=None, files=[])
        new = store.write_snapshot("l", "t", [party, wallet], published=None, files=[])
        diff = diff_snapshots(store, old, new)
    [change] = diff.changed
    assert change.entity_id == "p"
    assert [(c.prop, c.added) for c in change.changes] == [("cryptoWallets", ["ETH 0xabc"])]


def test_the_ronin_bridge_address_appears_on_lazarus_group(home: Home, shared_data: Path) -> None:
    """OFAC added Lazarus Group's Ronin-bridge ETH address on 2022-04-14."""
    ofac = shared_data / "ofac"
    [old] = load_files(home, [ofac / "sdn-2022-04-12" / "sdn.csv"])
    [new] = load_files(home, [ofac / "sdn-2022-04-14" / "sdn.csv"])
    assert (old.published.isoformat(), new.published.isoformat()) == ("2022-04-12", "2022-04-14")
    with Store.open(home, read_only=True) as store:
        diff = diff_snapshots(store, old, new)
    lazarus = next(c for c in diff.changed if c.entity_id == "ofac-27307")
    wallets = next(c for c in lazarus.changes if c.prop == "cryptoWallets")
    assert wallets.added == ["ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96"]
    assert not diff.removed
