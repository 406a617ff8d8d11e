"""Addresses as joined and as shown.

EVM addresses (Ethereum and its kin) are case-insensitive hexadecimal: they are joined in lower
case and shown in their EIP-55 mixed-case spelling, so ``0xABC…``, ``0xabc…`` and the checksummed
form are one address. Bech32 addresses (``bc1…``) are case-insensitive too and joined in lower
case. Base58 addresses (Bitcoin ``1…``/``3…``, Tron ``T…``) are case-sensitive and kept exactly.
"""

from __future__ import annotations

import re

import ibis.expr.types as ir

from sever.entities.addresses import eip55_checksum

EVM_PATTERN = r"^0[xX][0-9a-fA-F]{40}$"
BECH32_PREFIXES = ("bc1", "tb1", "ltc1")
_EVM = re.compile(EVM_PATTERN)


def address_key(text: str) -> str:
    """The form an address is joined by: EVM and bech32 in lower case, others as written."""
    stripped = text.strip()
    if _EVM.match(stripped) or stripped.lower().startswith(BECH32_PREFIXES):
        return stripped.lower()
    return stripped


def address_key_expr(value: ir.StringValue) -> ir.StringValue:
    """:func:`address_key` as a table expression, for joining millions of rows on the engine
    (an EVM address is told by its ``0x`` and its 42 characters: lowering a non-hex one of that
    shape changes nothing that could join). Trimming is the slow part on millions of rows, so
    only values that begin or end with a space or a control character are trimmed."""
    padded = (value.ascii_str() <= 32) | (value.right(1).ascii_str() <= 32)
    stripped = padded.ifelse(value.strip(), value)
    lowered = stripped.lower()
    folds = lowered.startswith("0x") & (stripped.length() == 42)
    for prefix in BECH32_PREFIXES:
        folds = folds | lowered.startswith(prefix)
    return folds.ifelse(lowered, stripped)


def shown(key: str) -> str:
    """An address as shown to people: EIP-55 for EVM addresses, as joined otherwise."""
    return eip55_checksum(key) if _EVM.match(key) else key
