"""Arrow schemas of every file a world is written as (``docs/contracts.md``), in one place."""

from __future__ import annotations

import pyarrow as pa

_S = pa.string()
_TS = pa.timestamp("s", tz="UTC")

TRANSACTIONS = pa.schema(
    [
        ("tx_id", _S),
        ("timestamp", _TS),
        ("src_account", _S),
        ("dst_account", _S),
        ("amount", pa.float64()),
        ("currency", _S),
        ("src_bank", _S),
        ("dst_bank", _S),
        ("payment_format", _S),
        ("src_country", _S),
        ("dst_country", _S),
        ("purpose", _S),
    ]
)
TRANSFERS = pa.schema(
    [
        ("transaction_hash", _S),
        ("log_index", pa.int32()),
        ("block_number", pa.int64()),
        ("block_timestamp", _TS),
        ("from_address", _S),
        ("to_address", _S),
        ("value", pa.float64()),
        ("token_address", _S),
        ("asset", _S),
        ("chain", _S),
    ]
)
"""ethereum-etl column names; ``value`` is in whole units of ``asset`` (ETH, BTC, USDT)."""

PARTIES = pa.schema(
    [
        ("party_id", _S),
        ("schema", _S),
        ("name", _S),
        ("birth_date", pa.date32()),
        ("nationality", _S),
        ("country", _S),
        ("address", _S),
        ("phone", _S),
        ("email", _S),
        ("registration_number", _S),
        ("incorporation_date", pa.date32()),
        ("directors", _S),
        ("owners", _S),
        ("ip", _S),
        ("device_id", _S),
        ("party_type", _S),
        ("industry", _S),
    ]
)
ACCOUNTS = pa.schema(
    [
        ("account_id", _S),
        ("holder_id", _S),
        ("bank", _S),
        ("country", _S),
        ("opened", pa.date32()),
        ("account_type", _S),
    ]
)
REGISTRY = pa.schema(
    [
        ("company_id", _S),
        ("name", _S),
        ("jurisdiction", _S),
        ("incorporation_date", pa.date32()),
        ("address", _S),
        ("phone", _S),
        ("email", _S),
        ("directors", _S),
        ("owners", _S),
    ]
)
EMPLOYMENT = pa.schema(
    [
        ("employee_id", _S),
        ("employer_id", _S),
        ("party_id", _S),
        ("name", _S),
        ("start_date", pa.date32()),
        ("pay_account", _S),
        ("laptop_ship_address", _S),
    ]
)
LOGINS = pa.schema(
    [
        ("login_id", _S),
        ("employee_id", _S),
        ("timestamp", _TS),
        ("ip", _S),
        ("ip_country", _S),
        ("device_id", _S),
        ("session_hours", pa.float64()),
        ("remote_tool", _S),
    ]
)
WALLETS = pa.schema([("address", _S), ("chain", _S), ("owner_id", _S), ("wallet_type", _S)])
"""Known service and user wallets (exchange hot and deposit addresses, bridges, mixers, OTC desks):
the wallet tags an investigator starts from. Not part of the ground truth."""

LOOKALIKES = pa.schema([("account_id", _S), ("lookalike", _S), ("imitates", _S)])
"""Legitimate accounts that act like a typology (hard negatives): for evaluation, never a label."""


def _label(key: str) -> pa.Schema:
    return pa.schema([(key, _S), ("scheme_id", _S), ("typology", _S), ("role", _S)])


LABEL_TRANSACTIONS = pa.schema(
    [("tx_id", _S), ("scheme_id", _S), ("typology", _S), ("role", _S), ("table", _S)]
)
"""``table`` says where ``tx_id`` lives: ``transactions`` (bank) or ``transfers`` (its hash)."""
LABEL_ACCOUNTS = _label("account_id")
LABEL_PARTIES = _label("party_id")
LABEL_WALLETS = _label("address")
LABEL_SCHEMES = pa.schema(
    [("scheme_id", _S), ("typology", _S), ("params", _S), ("start", _TS), ("end", _TS)]
)

FILES = {
    "parties": PARTIES,
    "accounts": ACCOUNTS,
    "transactions": TRANSACTIONS,
    "transfers": TRANSFERS,
    "registry": REGISTRY,
    "employment": EMPLOYMENT,
    "logins": LOGINS,
    "wallets": WALLETS,
    "labels/transactions": LABEL_TRANSACTIONS,
    "labels/accounts": LABEL_ACCOUNTS,
    "labels/parties": LABEL_PARTIES,
    "labels/wallets": LABEL_WALLETS,
    "labels/schemes": LABEL_SCHEMES,
}
"""Every table of a world, by its path under the output folder (without the extension)."""
