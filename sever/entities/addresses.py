"""Wallet address spellings every verb shares (screening matches them, tracing shows them)."""

from __future__ import annotations

from Crypto.Hash import keccak  # pycryptodome: hashlib's sha3_256 is not Ethereum's Keccak-256


def eip55_checksum(address: str) -> str:
    """The EIP-55 mixed-case spelling of an EVM address."""
    hexpart = address[2:].lower()
    digest = keccak.new(digest_bits=256, data=hexpart.encode()).hexdigest()
    return "0x" + "".join(
        ch.upper() if ch.isalpha() and int(digest[i], 16) >= 8 else ch
        for i, ch in enumerate(hexpart)
    )
