"""What the account holder's own record says: identifiers shared with other parties, the people
who direct and own it.

A bank knows its customers' addresses, phones, e-mails, the IP addresses and devices they log in
from, and for a company its directors and owners. TYPOLOGIES.md names what in those records is a
red flag: companies that share an address, phone or e-mail (A1, front companies), accounts that
share a device or IP address (A5 and B1, laptop farms and remote IT workers), a nominee director
who sits on many boards (A1), and ownership that leads to North Korea (A2, the 50 % rule). None of
these is proof: registered agents and co-working spaces give hundreds of companies one address,
families share a phone, an office shares an IP address. So each is a count the model weighs
against everything else, never an alert on its own.

The parties table is the small table of a file (one row per customer), so the counts are taken in
pandas after one read from the engine.
"""

from __future__ import annotations

import json

import pandas as pd

from sever.monitor.rule import Inputs
from sever.tables.engine import Engine

SHARED_IDENTIFIERS = ("address", "phone", "email", "ip", "device_id")
"""Party fields that should be the holder's own; another party with the same value is counted."""
SEED_COUNTRIES = ("KP",)
"""A director or owner in one of these countries links the holder to North Korea."""
HOLDER_FEATURES = (
    *(f"shared_{name}" for name in SHARED_IDENTIFIERS),
    "director_boards",
    "owner_holdings",
    "seed_linked",
    "screened",
)
"""The per-account features :func:`holder_features` returns, besides ``account_id``."""


def holder_features(engine: Engine, inputs: Inputs) -> pd.DataFrame:
    """One row per account whose holder is in the parties table: for each identifier, how many
    other parties give the same value; the most boards one of its directors sits on and the most
    companies one of its owners holds; whether a director or owner is a party of a seed country;
    the best screening hit on its holder, when screening hits are given."""
    if inputs.parties is None or inputs.accounts is None:
        return pd.DataFrame({"account_id": pd.Series([], dtype=str)})
    parties = engine.to_pandas(inputs.parties)
    holders = engine.to_pandas(inputs.accounts.select("account_id", "holder_id"))
    out = pd.DataFrame({"party_id": parties["party_id"].astype(str)})
    for name in SHARED_IDENTIFIERS:
        value = _normal(parties[name])
        out[f"shared_{name}"] = (value.map(value.value_counts()) - 1).fillna(0).to_numpy()
    directors = _people(parties, "directors")
    owners = _people(parties, "owners")
    out["director_boards"] = _most_held(out.party_id, directors)
    out["owner_holdings"] = _most_held(out.party_id, owners)
    seeds = set(parties.party_id[_normal(parties["country"]).str.upper().isin(SEED_COUNTRIES)])
    linked = pd.concat([directors, owners])
    linked = set(linked.party_id[linked.person_id.isin(seeds)])
    out["seed_linked"] = out.party_id.isin(linked).astype(float)
    joined = holders.merge(out, left_on="holder_id", right_on="party_id", how="inner")
    joined = joined.merge(_screened(engine, inputs), on="account_id", how="left")
    joined["screened"] = joined["screened"].fillna(0.0)
    return joined.drop(columns=["holder_id", "party_id"]).reset_index(drop=True)


def _screened(engine: Engine, inputs: Inputs) -> pd.DataFrame:
    """Per account: the best score of a screening hit on its holder (0 when none or no hits)."""
    if inputs.hits is None:
        return pd.DataFrame({"account_id": pd.Series([], dtype=str), "screened": []})
    hits = inputs.hits
    best = hits.group_by("account_id").aggregate(screened=hits.score.max())
    return engine.to_pandas(best).astype({"account_id": str, "screened": float})


def _normal(values: pd.Series) -> pd.Series:
    """Text as compared: case and surrounding spaces ignored; empty text is no value."""
    text = values.astype("string").str.strip().str.lower()
    return text.where(text != "")


def _people(parties: pd.DataFrame, field: str) -> pd.DataFrame:
    """(party_id, person_id) for each director or owner a party names. The field holds a JSON
    list of ids or of ``{"owner_id": …}`` objects, or ids separated by ``;``."""
    rows = []
    for party, text in zip(parties["party_id"], parties[field], strict=True):
        for person in _ids(text):
            rows.append((str(party), person))
    return pd.DataFrame(rows, columns=["party_id", "person_id"]).drop_duplicates()


def _ids(text: object) -> list[str]:
    """The party ids in one directors or owners value."""
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        found = json.loads(text)
    except ValueError:
        return [part.strip() for part in text.split(";") if part.strip()]
    found = found if isinstance(found, list) else [found]
    ids = [item.get("owner_id") if isinstance(item, dict) else item for item in found]
    return [str(i) for i in ids if i not in (None, "")]


def _most_held(party_ids: pd.Series, people: pd.DataFrame) -> pd.Series:
    """For each party, the most parties any one of its directors (or owners) is named on; 0 when
    it names none."""
    if people.empty:
        return pd.Series(0.0, index=party_ids.index)
    held = people.person_id.map(people.person_id.value_counts())
    most = held.groupby(people.party_id).max()
    return party_ids.map(most).fillna(0).astype(float).to_numpy()
