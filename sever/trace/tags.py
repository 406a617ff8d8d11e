"""Address tags: who is behind an address, from four sources.

1. The simulator's ``wallets`` file (``address, chain, owner_id, wallet_type``): exchange hot and
   deposit addresses, OTC desks, bridges, mixers and DeFi routers. The owner's name is read from
   ``parties`` beside it when that file is there (``party_id, name``).
2. The wallets of the sanctions lists in the home's store (OFAC's "Digital Currency Address"
   entries, as CryptoWallet entities held by a listed party).
3. GraphSense TagPacks (YAML: ``title, category, label, actor, abuse, tags[address, label,
   currency, category, actor]``; a tag's own fields override the pack's).
4. A user CSV of ``address, service, category`` (optional ``label``): exchange deposit clusters,
   mixers, bridges and OTC desks the analyst knows.

Every tag is put in one :data:`CATEGORIES` vocabulary. What a category means for tracing is said
in :data:`ABSORBING` (funds stop there: the places a freeze request goes) and
:data:`PASS_THROUGH` (services that pool and pay out again: tracing continues through them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sever.errors import InputError
from sever.home import Home
from sever.tables.csv_input import CsvReader
from sever.tables.io import file_format
from sever.tables.text_input import read_text
from sever.trace.addresses import address_key

CATEGORIES = ("exchange", "otc", "mixer", "bridge", "swap", "defi", "sanctioned", "theft", "other")
"""Every tag's category, whatever its source called it."""

ABSORBING = frozenset({"exchange", "otc"})
"""Custodial services: funds sent there are in the service's books and can be frozen by it;
tracing stops at them."""

PASS_THROUGH = frozenset({"mixer", "bridge", "swap", "defi"})
"""Services that take funds in and pay funds out: tracing continues through them."""

_PRIORITY = {name: rank for rank, name in enumerate(CATEGORIES)}

_SIMULATOR_TYPES = {
    "exchange_deposit": ("exchange", "deposit address"),
    "exchange_hot": ("exchange", "hot wallet"),
    "otc": ("otc", "OTC desk"),
    "bridge": ("bridge", "bridge"),
    "mixer": ("mixer", "mixer"),
    "defi_router": ("swap", "DeFi router"),
}
"""The simulator's wallet types that name a service (``user`` wallets are not tags)."""

_TAGPACK_CATEGORIES = {
    "exchange": "exchange",
    "mixing_service": "mixer",
    "mixer": "mixer",
    "bridge": "bridge",
    "defi_dex": "swap",
    "dex": "swap",
    "defi": "defi",
    "defi_lending": "defi",
    "otc": "otc",
}


@dataclass(frozen=True)
class Tag:
    """What is known of one address: the service behind it, its category, label and source."""

    address: str
    service: str
    category: str
    label: str
    source: str

    def words(self) -> str:
        """The tag as an analyst reads it: ``Binance (exchange: deposit address)``."""
        detail = f": {self.label}" if self.label and self.label != self.service else ""
        return f"{self.service} ({self.category}{detail})"


class Tags:
    """Tags by address key; when sources disagree, the most specific category wins."""

    def __init__(self, tags: Iterable[Tag] = ()) -> None:
        self.by_address: dict[str, Tag] = {}
        self.sources: dict[str, int] = {}
        for tag in tags:
            self.add(tag)

    def add(self, tag: Tag) -> None:
        self.sources[tag.source] = self.sources.get(tag.source, 0) + 1
        current = self.by_address.get(tag.address)
        if current is None or _PRIORITY[tag.category] < _PRIORITY[current.category]:
            self.by_address[tag.address] = tag

    def extend(self, tags: Iterable[Tag]) -> None:
        for tag in tags:
            self.add(tag)

    def get(self, address: str) -> Tag | None:
        return self.by_address.get(address)

    def of_category(self, categories: Iterable[str]) -> set[str]:
        wanted = set(categories)
        return {a for a, tag in self.by_address.items() if tag.category in wanted}

    def __len__(self) -> int:
        return len(self.by_address)


def read_tag_file(path: str | Path) -> Iterator[Tag]:
    """Tags from a file, by its kind: a TagPack (``.yaml``), a simulator ``wallets`` file (it has
    ``wallet_type``), or a user CSV (``address, service, category``)."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return read_tagpack(path)
    if file_format(path) == "parquet":
        return read_simulator_wallets(path)
    header = CsvReader(path, lower=True, what="tags file").header
    if "wallet_type" in header:
        return read_simulator_wallets(path)
    return read_user_csv(path)


def read_tagpack(path: str | Path) -> Iterator[Tag]:
    """Tags of one GraphSense TagPack."""
    try:
        pack = yaml.safe_load(read_text(path, what="TagPack"))
    except RecursionError:  # PyYAML builds nested collections recursively
        raise InputError(path, "not a TagPack: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            path,
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            row=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(pack, dict) or not isinstance(pack.get("tags"), list):
        raise InputError(path, "not a TagPack: no list of tags", field="tags")
    source = f"TagPack {Path(path).name}"
    for number, item in enumerate(pack["tags"], start=1):
        if not isinstance(item, dict) or not item.get("address"):
            raise InputError(path, f"tag {number} has no address", field="address")
        if not isinstance(item["address"], str | int):
            raise InputError(path, f"tag {number}: the address is not text", field="address")
        merged = {**{k: v for k, v in pack.items() if k != "tags"}, **item}
        category = _tagpack_category(merged)
        service = str(merged.get("actor") or merged.get("label") or merged.get("title") or "")
        label = str(merged.get("label") or merged.get("title") or "")
        yield Tag(address_key(str(item["address"])), _pretty(service), category, label, source)


def _tagpack_category(tag: dict[str, Any]) -> str:
    """A TagPack tag's category in our vocabulary; sanctions and hacks by their ``abuse``."""
    abuse = str(tag.get("abuse") or "").lower()
    words = f"{tag.get('label', '')} {tag.get('title', '')}".lower()
    if abuse == "sanction" or "ofac" in words or "sanction" in words:
        return "sanctioned"
    if abuse in ("service_hack", "hack", "theft") or "exploiter" in words:
        return "theft"
    return _TAGPACK_CATEGORIES.get(str(tag.get("category") or "").lower(), "other")


def _pretty(actor: str) -> str:
    """An actor id as a name: ``lazarusgroup`` stays, ``binance`` becomes ``Binance``."""
    return actor[:1].upper() + actor[1:] if actor.islower() else actor


def read_simulator_wallets(path: str | Path) -> Iterator[Tag]:
    """Service tags of a simulator ``wallets`` file, named from ``parties`` beside it."""

    path = Path(path)
    if file_format(path) == "parquet":
        rows = _parquet_rows(path, ("address", "wallet_type"))
        owners = _party_names(path.with_name("parties.parquet"))
    else:
        rows = [row for _, row in CsvReader(path, required=("address", "wallet_type"), lower=True)]
        owners = _party_names(path.with_name("parties.csv"))
    for row in rows:
        kind = _SIMULATOR_TYPES.get(str(row.get("wallet_type") or ""))
        if kind is None or not row.get("address"):
            continue
        owner = str(row.get("owner_id") or "")
        category, label = kind
        yield Tag(
            address_key(str(row["address"])),
            owners.get(owner, owner),
            category,
            label,
            f"wallets {path.name}",
        )


def _parquet_rows(path: Path, required: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows of a Parquet tags file; one that cannot be read, or lacks a column, is an
    InputError naming it (never a file silently read as no tags)."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow's errors: ArrowInvalid, OSError, …
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(path, f"not a readable Parquet file: {first}") from None
    missing = [name for name in required if name not in table.column_names]
    if missing:
        raise InputError(
            path,
            f"not a wallets file: no column {', '.join(missing)} (a Parquet tags file is the "
            "simulator's wallets file; give other tags as CSV or TagPack YAML)",
            field=missing[0],
        )
    return table.to_pylist()


def _party_names(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path, columns=["party_id", "name"]).to_pylist()
        return {str(r["party_id"]): str(r["name"]) for r in table}
    return {r["party_id"]: r["name"] for _, r in CsvReader(path, required=("party_id", "name"))}


def read_user_csv(path: str | Path) -> Iterator[Tag]:
    """The analyst's own tags: ``address, service, category`` and an optional ``label``."""
    reader = CsvReader(
        path, required=("address", "service", "category"), lower=True, what="tags file"
    )
    for line, row in reader:
        category = row["category"].strip().lower()
        if category not in CATEGORIES:
            raise InputError(
                path,
                f"category {row['category']!r} is not one of {', '.join(CATEGORIES)}",
                row=line,
                field="category",
            )
        if not row["address"]:
            raise InputError(path, "address is empty", row=line, field="address")
        yield Tag(
            address_key(row["address"]),
            row["service"] or category,
            category,
            row.get("label", ""),
            f"tags {Path(path).name}",
        )


def listed_wallets(home: Home) -> Iterator[Tag]:
    """Wallets of the sanctions lists in the home's store, each named by its listed holder."""
    from sever.entities import Store

    if not home.store_path.exists():
        return
    with Store.open(home, read_only=True) as store:
        wallets = list(store.iter_entities(schemata=["CryptoWallet"]))
        names: dict[str, str] = {}
        for wallet in wallets:
            for holder in wallet.get("holder", quiet=True):
                if holder not in names:
                    entity = store.get(holder)
                    names[holder] = entity.caption if entity is not None else holder
        for wallet in wallets:
            holders = [names.get(h, h) for h in wallet.get("holder", quiet=True)]
            service = "; ".join(sorted(set(holders))) or "listed wallet"
            symbol = "/".join(wallet.get("currencySymbol", quiet=True))
            for key in wallet.get("publicKey", quiet=True):
                yield Tag(
                    address_key(key),
                    service,
                    "sanctioned",
                    f"sanctions-listed {symbol} address".strip(),
                    "sanctions lists",
                )


def listed_sources(tags: Tags, holder: str) -> list[str]:
    """The sanctions-listed addresses whose holder's name contains ``holder`` (any case): the
    sources for ``sever trace --from-listed "Lazarus Group"``."""
    wanted = holder.strip().lower()
    return sorted(
        address
        for address, tag in tags.by_address.items()
        if tag.source == "sanctions lists" and wanted in tag.service.lower()
    )
