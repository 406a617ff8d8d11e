"""The chain-transfers contract: one row per movement of value between two addresses.

Required columns are ``tx_hash, timestamp, from_address, to_address, value``, and ``asset``
(checked by the reader, :mod:`sever.trace.transfers`, because files of the native coin carry
none: ethereum-etl transactions and traces are ETH, and the user says so with ``--asset``);
``chain``, ``block_number``, ``log_index``, ``status`` and ``token_address`` are optional.
The column names written by the tools investigators already use are accepted as they are (see
:data:`TRANSFERS` ``aliases``):

- ethereum-etl (transactions, token transfers, traces): ``transaction_hash`` or ``hash``,
  ``block_timestamp``, ``receipt_status`` (transactions) or ``status`` (traces);
- cryo (``native_transfers``, ``erc20_transfers``): ``transaction_hash``, ``timestamp``; the
  token contract ``erc20`` is read as ``token_address``;
- bitcoin-etl inputs and outputs are not transfers yet (an input names no receiver): they are
  turned into transfers by :mod:`sever.trace.utxo` before this contract applies.

``value`` is in whole units of ``asset`` (ETH, not wei); a file in base units (wei, satoshi) is
scaled by the caller (``sever trace --decimals 18``). The usual checks of
:mod:`sever.tables.contracts` apply: a value that is not a finite number, is negative or above
:data:`MAX_VALUE` is an error naming the file, the row and the field, and so is a time outside
1970 to 9999.
"""

from __future__ import annotations

from sever.tables.contracts import Column, Contract

MAX_VALUE = 1e30
"""The largest value accepted, in any unit: room for amounts still written in base units (10^12
ETH in wei), far above any real transfer."""

TRANSFERS = Contract(
    "transfers",
    key=None,
    columns=(
        Column("tx_hash", "text", True, "hash of the transaction; several rows may share one"),
        Column("timestamp", "time", True, "block time (converted to UTC)"),
        Column("from_address", "text", True, "the sending address, any letter case"),
        Column("to_address", "text", True, "the receiving address, any letter case"),
        Column("value", "number", True, "amount in whole units of `asset`", 0.0, MAX_VALUE),
        Column("asset", "text", help="ETH, BTC (XBT is read as BTC), USDT, or a token contract"),
        Column("chain", "text", help="ethereum, bitcoin, tron…"),
        Column("block_number", "number", help="block height, orders rows within a second"),
        Column("log_index", "number", help="position within the block"),
        Column("status", "flag", help="false for a failed transaction (ethereum-etl receipts)"),
        Column("token_address", "text", help="token contract, empty for the native coin"),
    ),
    aliases=(
        ("transaction_hash", "tx_hash"),
        ("hash", "tx_hash"),
        ("block_timestamp", "timestamp"),
        ("receipt_status", "status"),
        ("erc20", "token_address"),
    ),
)
