"""Wallet addresses: EVM in any letter case with the EIP-55 checksum checked; base58 and bech32
exact, their checksums checked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from followthemoney import EntityProxy

from sever.entities.addresses import eip55_checksum
from sever.screen import score
from sever.screen.features.wallets import normalise_address

LAZARUS_ETH = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"


def test_eip55_checksum_of_a_listed_address() -> None:
    assert eip55_checksum(LAZARUS_ETH.lower()) == LAZARUS_ETH


@pytest.mark.parametrize(
    ("written", "kind", "checksum_ok"),
    [(LAZARUS_ETH, "evm", True), (LAZARUS_ETH.lower(), "evm", None),
     (LAZARUS_ETH.replace("B716", "b716"), "evm", False),
     ("12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", "base58", True),
     ("12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9i", "base58", False),
     ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bech32", True),
     ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx", "bech32", False)],
)  # fmt: skip
def test_addresses_are_recognised_and_checked(
    written: str, kind: str, checksum_ok: bool | None
) -> None:
    address = normalise_address(written)
    assert address is not None
    assert (address.kind, address.checksum_ok) == (kind, checksum_ok)


def test_base58_is_exact_and_evm_is_not() -> None:
    assert (
        normalise_address("12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h").key
        != normalise_address("12qtd5bfwrsdnsazy76uve1xycgntojh9h").key
    )
    assert (
        normalise_address(LAZARUS_ETH).key
        == normalise_address(LAZARUS_ETH.upper().replace("0X", "0x")).key
    )


def test_a_mistyped_case_still_matches_and_says_so(
    make: Callable[..., EntityProxy], lazarus_wallet: EntityProxy
) -> None:
    result = score(
        make("CryptoWallet", publicKey=LAZARUS_ETH.replace("B716", "b716")), lazarus_wallet
    )
    assert result.score == 1.0
    assert "EIP-55" in result.explanation


def test_an_evm_address_written_all_upper_case_is_the_same_address() -> None:
    upper = normalise_address(LAZARUS_ETH.upper())
    assert upper is not None and upper.kind == "evm"
    assert upper.key == LAZARUS_ETH.lower()
