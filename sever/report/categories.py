"""Which FinCEN SAR suspicious-activity categories each DPRK typology reports as.

A SAR classifies activity with a type (form item 29–40 in the BSA E-Filing SAR; the XSD's
``SuspiciousActivityTypeID``) and a subtype (``SuspiciousActivitySubtypeID``), both from the codes
that ``EFL_SARXBatchSchema.xsd`` enumerates. The mapping below is ours, chosen from those codes'
own descriptions and from FinCEN's DPRK advisories (FIN-2017-A008 on front companies and trade,
the 2022 advisory on DPRK IT workers using false identities, FIN-2019-A003 on virtual currency):

==================  ==========================================================================
typology            SAR categories (type code / subtype code: description)
==================  ==========================================================================
structuring         1/114 Transaction(s) below CTR threshold
it_worker_payroll   4/403 Provided questionable or false documentation;
                    8/809 Suspicious use of third-party transactors (straw-man);
                    9/928 Transaction(s) involving foreign high risk jurisdiction
laptop_farm         8/809 straw-man; 9/911 Two or more individuals working together
front_company       8/809 straw-man; 9/925 Transaction with no apparent economic, business,
                    or lawful purpose
ownership_50pct     9/928 foreign high risk jurisdiction; 9/9999 Other: "sanctioned ownership
                    (OFAC 50 percent rule)"
trade_mismatch      8/823 Trade Based Money Laundering/Black Market Peso Exchange
crypto_laundering   8/821 Suspicious concerning the source of funds;
                    8/8999 Other: "laundering of stolen virtual currency"
fan_in              8/824 Funnel account
fan_out             8/805 Suspicious EFT/wire transfers
scatter_gather      8/807 Suspicious use of multiple accounts
gather_scatter      8/807 multiple accounts; 8/824 Funnel account
cycle               9/925 no apparent economic, business, or lawful purpose
bipartite           8/807 Suspicious use of multiple accounts
stack               8/805 Suspicious EFT/wire transfers (layering through chained payments)
rapid_movement      8/805 Suspicious EFT/wire transfers; 8/812 Transaction out of pattern
sanctioned_alias    9/928 foreign high risk jurisdiction; 9/9999 Other: "match to a DPRK
                    sanctions list entry"
ship_to_ship        8/823 Trade Based Money Laundering; 9/928 foreign high risk jurisdiction
(any other)         9/9999 Other, with the typology's name as the text
==================  ==========================================================================

The XSD allows each subtype once per SAR: categories shared by several typologies are listed once,
and the "Other" texts of one type are joined (at most 50 characters, as the XSD allows).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One SAR suspicious-activity classification: type code, subtype code, and the text an
    "Other" subtype needs."""

    type_id: int
    subtype_id: int
    other: str = ""


OTHER_TEXT_CHARS = 50
"""The longest ``OtherSuspiciousActivityTypeText`` the XSD accepts."""

SAR_CATEGORIES: dict[str, tuple[Category, ...]] = {
    "structuring": (Category(1, 114),),
    "it_worker_payroll": (Category(4, 403), Category(8, 809), Category(9, 928)),
    "laptop_farm": (Category(8, 809), Category(9, 911)),
    "front_company": (Category(8, 809), Category(9, 925)),
    "ownership_50pct": (
        Category(9, 928),
        Category(9, 9999, "sanctioned ownership (OFAC 50 percent rule)"),
    ),
    "trade_mismatch": (Category(8, 823),),
    "crypto_laundering": (
        Category(8, 821),
        Category(8, 8999, "laundering of stolen virtual currency"),
    ),
    "fan_in": (Category(8, 824),),
    "fan_out": (Category(8, 805),),
    "scatter_gather": (Category(8, 807),),
    "gather_scatter": (Category(8, 807), Category(8, 824)),
    "cycle": (Category(9, 925),),
    "bipartite": (Category(8, 807),),
    "stack": (Category(8, 805),),
    "rapid_movement": (Category(8, 805), Category(8, 812)),
    "sanctioned_alias": (
        Category(9, 928),
        Category(9, 9999, "match to a DPRK sanctions list entry"),
    ),
    "ship_to_ship": (Category(8, 823), Category(9, 928)),
}
"""Typology (:data:`sever.alerts.TYPOLOGIES`) → its SAR categories; see the module's table."""

OTHER_SUBTYPE = {1: 1999, 3: 3999, 4: 4999, 8: 8999, 9: 9999, 11: 11999}
"""The "Other" subtype of each type code used here."""


def categories_for(typology: str) -> tuple[Category, ...]:
    """The SAR categories of one typology; an unknown one is "Other" with its name as text."""
    known = SAR_CATEGORIES.get(typology)
    if known is not None:
        return known
    return (Category(9, 9999, typology.replace("_", " ")[:OTHER_TEXT_CHARS]),)


def sar_categories(typologies: Iterable[str]) -> list[Category]:
    """The categories of all a case's typologies: each subtype once, "Other" texts joined."""
    merged: dict[int, Category] = {}
    for typology in typologies:
        for category in categories_for(typology):
            seen = merged.get(category.subtype_id)
            if seen is None:
                merged[category.subtype_id] = category
            elif category.other and category.other not in seen.other:
                text = f"{seen.other}; {category.other}"[:OTHER_TEXT_CHARS].strip()
                merged[category.subtype_id] = Category(seen.type_id, seen.subtype_id, text)
    return sorted(merged.values(), key=lambda c: (c.type_id, c.subtype_id))
