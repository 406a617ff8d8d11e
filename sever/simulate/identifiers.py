"""Random streams and identifiers that are the same for the same seed, whatever the chunking.

Every part of the world draws from its own ``numpy.random.Generator(PCG64)`` seeded from the world
seed and a fixed key (``("day", 12)``, ``("scheme", "cycle", 3)``), so output is byte-identical for
a seed. Identifiers (parties, accounts, wallets, hashes) look random and carry no hint of whether
their owner is legitimate or planted: order and format leak nothing to a detector.
"""

from __future__ import annotations

import zlib

import numpy as np

_HEX = np.array(list("0123456789abcdef"))
_BASE32 = np.array(list("qpzry9x8gf2tvdw0s3jn54khce6mua7l"))
_BASE58 = np.array(list("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"))


def _key_int(part: str | int) -> int:
    return part if isinstance(part, int) else zlib.crc32(part.encode("utf-8"))


def rng_for(seed: int, *key: str | int) -> np.random.Generator:
    """The random stream of one part of the world, fixed by the seed and the part's key."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=tuple(_key_int(k) for k in key))
    return np.random.Generator(np.random.PCG64(sequence))


def mix64(values: np.ndarray, salt: int) -> np.ndarray:
    """SplitMix64's finaliser over ``values + salt``: a bijection (no collisions)."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + np.uint64(salt & 0xFFFFFFFFFFFFFFFF)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _chars(table: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """Rows of digit indices to strings, one per row, without a Python loop."""
    letters = table[digits]
    width = letters.shape[1]
    return np.ascontiguousarray(letters).view(f"<U{width}").ravel().astype(object)


def hex_ids(prefix: str, seed: int, namespace: str, index: np.ndarray) -> np.ndarray:
    """``prefix`` + 16 hex digits, unique per (namespace, index) and stable for the seed."""
    mixed = mix64(index, seed * 0x9E3779B97F4A7C15 + zlib.crc32(namespace.encode()))
    nibbles = (
        mixed[:, None] >> (np.arange(15, -1, -1, dtype=np.uint64) * np.uint64(4))
    ) & np.uint64(15)
    return prefix + _chars(_HEX, nibbles.astype(np.int64))


def hex_id(prefix: str, seed: int, namespace: str, index: int) -> str:
    """One id of ``hex_ids`` (the same bijection, without numpy's per-call cost)."""
    mask = 0xFFFFFFFFFFFFFFFF
    salt = (seed * 0x9E3779B97F4A7C15 + zlib.crc32(namespace.encode())) & mask
    z = (index + salt) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return f"{prefix}{z ^ (z >> 31):016x}"


def random_hex(rng: np.random.Generator, n: int, length: int, prefix: str = "") -> np.ndarray:
    """Random lowercase hex strings (transaction hashes, Ethereum addresses)."""
    return prefix + _chars(_HEX, rng.integers(0, 16, (n, length)))


def eth_addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ethereum-style addresses: ``0x`` and 40 hex digits."""
    return random_hex(rng, n, 40, "0x")


def btc_addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    """Bech32-style Bitcoin addresses: ``bc1q`` and 38 characters."""
    return "bc1q" + _chars(_BASE32, rng.integers(0, 32, (n, 38)))


def tron_addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    """TRON-style addresses: ``T`` and 33 base58 characters."""
    return "T" + _chars(_BASE58, rng.integers(0, 58, (n, 33)))


def chain_addresses(rng: np.random.Generator, chain: str, n: int) -> np.ndarray:
    """Addresses in the format of ``chain`` (ethereum, bitcoin or tron)."""
    maker = {"ethereum": eth_addresses, "bitcoin": btc_addresses, "tron": tron_addresses}[chain]
    return maker(rng, n)


def tx_hashes(rng: np.random.Generator, chains: np.ndarray) -> np.ndarray:
    """Transaction hashes: ``0x``-prefixed on Ethereum, bare 64 hex digits elsewhere."""
    raw = random_hex(rng, len(chains), 64)
    return np.where(chains == "ethereum", "0x" + raw, raw).astype(object)
