"""Crypto wallet addresses, normalised so that the same address always gives the same key.

* EVM addresses (Ethereum and its kin) are hexadecimal and case-insensitive: the key is the
  lower-case form. Mixed case carries an EIP-55 checksum; an address whose case fails it was
  mistyped somewhere, and the analyst is told.
* Base58 addresses (Bitcoin 1…/3…, Tron T…) and bech32 addresses (bc1…, ltc1…) are matched exactly;
  their built-in checksums are checked so that a corrupted address is flagged. Bech32 is defined
  case-insensitively but written in one case, so its key is lower case.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from sever.entities.addresses import eip55_checksum

WALLET_PROPS = ("publicKey", "cryptoAddress")
_EVM = re.compile(r"^0x[0-9a-fA-F]{40}$")
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_RE = re.compile(f"^[{_BASE58}]{{25,44}}$")
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_RE = re.compile(r"^([a-z]{1,83})1([" + _BECH32 + r"]{6,})$")


@dataclass(frozen=True, slots=True)
class Address:
    """One wallet address as matched."""

    key: str
    """The form compared: lower case for EVM and bech32, exact otherwise."""
    kind: str
    """evm, base58, bech32 or other."""
    written: str
    checksum_ok: bool | None
    """True or False where the format has a checksum to check; None where it has none."""


def _base58check_ok(address: str) -> bool:
    number = 0
    for ch in address:
        number = number * 58 + _BASE58.index(ch)
    leading = len(address) - len(address.lstrip("1"))
    raw = b"\x00" * leading + number.to_bytes((number.bit_length() + 7) // 8, "big")
    if len(raw) < 5:
        return False
    body, check = raw[:-4], raw[-4:]
    return hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] == check


def _bech32_ok(hrp: str, data: str) -> bool:
    """BIP-173 / BIP-350 checksum (bech32 and bech32m)."""
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    values += [_BECH32.index(c) for c in data]
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(generators):
            if (top >> i) & 1:
                check ^= gen
    return check in (1, 0x2BC830A3)


@lru_cache(maxsize=65536)
def normalise_address(written: str) -> Address | None:
    """The comparable form of one wallet address, or None for an empty value."""
    text = written.strip()
    if not text:
        return None
    if text[:2] == "0X":  # an upper-cased EVM address: the prefix is case-insensitive too
        text = "0x" + text[2:]
    if _EVM.match(text):
        hexpart = text[2:]
        mixed = hexpart != hexpart.lower() and hexpart != hexpart.upper()
        ok = eip55_checksum(text) == text if mixed else None
        return Address(text.lower(), "evm", text, ok)
    lowered = text.lower()
    bech = _BECH32_RE.match(lowered)
    if bech and (text == lowered or text == text.upper()) and len(text) >= 14:
        return Address(lowered, "bech32", text, _bech32_ok(bech.group(1), bech.group(2)))
    if _BASE58_RE.match(text):
        return Address(text, "base58", text, _base58check_ok(text))
    return Address(text, "other", text, None)


def checksum_note(address: Address) -> str:
    """Plain words on an address's checksum, for the explanation."""
    if address.checksum_ok is False and address.kind == "evm":
        return " (its letter case fails the EIP-55 checksum: the address was mistyped somewhere)"
    if address.checksum_ok is False:
        return f" (its {address.kind} checksum fails: the address may be corrupted)"
    return ""
