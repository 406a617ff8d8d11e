"""Identifiers that decide a match on their own: IMO numbers, passport and ID numbers, SWIFT/BIC,
registration numbers, wallet addresses.

Each identifier is normalised the same way for the query and the listed entity (upper case, letters
and digits only, the 'IMO' prefix dropped, a BIC cut to its eight-character institution code), and
written as a key such as ``imo:9143843``. The index uses the same keys (:func:`id_keys`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from followthemoney import EntityProxy

from sever.screen.features import Observation

if TYPE_CHECKING:
    from sever.screen.prepared import Prepared
from sever.screen.features.wallets import WALLET_PROPS, Address, checksum_note, normalise_address

ID_PROPS: dict[str, tuple[str, ...]] = {
    "imo": ("imoNumber",),
    "doc": ("passportNumber", "idNumber", "socialSecurityNumber"),
    "bic": ("swiftBic",),
    "reg": (
        "registrationNumber", "taxNumber", "innCode", "ogrnCode", "leiCode", "vatCode", "dunsCode",
        "okpoCode", "uniqueEntityId", "mmsi", "icaoCode", "serialNumber", "licenseNumber",
    ),
}  # fmt: skip
"""Which properties hold which kind of identifier."""

KIND_WORDS = {
    "imo": "IMO number",
    "doc": "passport/ID number",
    "bic": "SWIFT/BIC code",
    "reg": "registration number",
    "wallet": "wallet address",
}
MIN_ID_LENGTH = 5
"""Shorter document and registration numbers are too likely to collide to decide anything."""


@dataclass(frozen=True, slots=True)
class Identifiers:
    """The normalised identifiers of one entity."""

    keys: frozenset[str]
    """kind:value keys, e.g. imo:9143843, doc:918320780, wallet:0x098b…"""
    shown: dict[str, str]
    """Each key with the value as written, for the explanation."""
    wallets: tuple[Address, ...] = ()
    invalid_imo: tuple[str, ...] = ()


def imo_valid(digits: str) -> bool:
    """True when a seven-digit IMO number's last digit is its check digit."""
    if len(digits) != 7 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(digits[6])


def normalise_identifier(kind: str, value: str) -> str | None:
    """The comparable form of one identifier, or None when it is too short or not valid."""
    text = "".join(ch for ch in value.upper() if ch.isalnum())
    if kind == "imo":
        text = text.removeprefix("IMO")
        return text if imo_valid(text) else None
    if kind == "bic":
        return text[:8] if len(text) in (8, 11) else None
    return text if len(text) >= MIN_ID_LENGTH else None


def prepare_identifiers(entity: EntityProxy) -> Identifiers:
    """Every identifier of an entity, normalised."""
    keys: dict[str, str] = {}
    invalid_imo: list[str] = []
    for kind, props in ID_PROPS.items():
        for prop in props:
            if prop not in entity.schema.properties:
                continue
            for value in entity.get(prop, quiet=True):
                norm = normalise_identifier(kind, value)
                if norm is not None:
                    keys.setdefault(f"{kind}:{norm}", value)
                elif kind == "imo":
                    invalid_imo.append(value)
    wallets: list[Address] = []
    for prop in WALLET_PROPS:
        if prop not in entity.schema.properties:
            continue
        for value in entity.get(prop, quiet=True):
            address = normalise_address(value)
            if address is not None:
                wallets.append(address)
                keys.setdefault(f"wallet:{address.key}", value)
    return Identifiers(frozenset(keys), keys, tuple(wallets), tuple(invalid_imo))


def id_keys(entity_or_prepared: object) -> set[str]:
    """Index keys of an entity's identifiers, normalised the same way for queries and listed
    entities."""
    if isinstance(entity_or_prepared, EntityProxy):
        return set(prepare_identifiers(entity_or_prepared).keys)
    return set(entity_or_prepared.ids.keys)  # type: ignore[attr-defined]


def identifier_match(query: Prepared, candidate: Prepared) -> Observation | None:
    """An identifier of the query — IMO number, passport or ID number, SWIFT/BIC, registration
    number or wallet address — is also an identifier of the listed entity. This decides the match
    on its own."""
    qv, cv = query.ids, candidate.ids
    shared = sorted(qv.keys & cv.keys)
    if not shared:
        return None
    key = shared[0]
    kind = key.split(":", 1)[0]
    q, c = qv.shown[key], cv.shown[key]
    note = ""
    if kind == "wallet":
        address = next((a for a in qv.wallets if f"wallet:{a.key}" == key), None)
        note = checksum_note(address) if address else ""
        if q != c:
            note = " (same address, written in a different letter case)" + note
    return Observation(1.0, f"same {KIND_WORDS[kind]}: {q} = {c}{note}", q, c)


def imo_mismatch(query: Prepared, candidate: Prepared) -> Observation | None:
    """Both are vessels (or ship owners) with IMO numbers, and the numbers differ: an IMO number
    stays with a ship for life, so these are different ships."""
    qv, cv = query.ids, candidate.ids
    q = sorted(k for k in qv.keys if k.startswith("imo:"))
    c = sorted(k for k in cv.keys if k.startswith("imo:"))
    if not q or not c or set(q) & set(c):
        return None
    q_imo, c_imo = qv.shown[q[0]], cv.shown[c[0]]
    return Observation(1.0, f"different IMO numbers: {q_imo} ≠ {c_imo}", q_imo, c_imo)
