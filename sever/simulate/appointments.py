"""When each director of a legitimate company was appointed: the registry's officer history.

Registries (Companies House, Hong Kong's Companies Registry, FtM ``Directorship.startDate``)
give each officer's appointment date. Front companies are often older companies taken over by a
nominee shortly before they are used, so a recent appointment to an old company is a sign; but
boards change for ordinary reasons all the time, and the simulated registry must carry those too,
or the date alone would give the fronts away. Each legitimate company's directors are appointed
at its formation unless one of these replaced them since:

- ordinary turnover: a director resigns or retires and a successor joins
  (:data:`TURNOVER_PER_YEAR`);
- a sale of the company: the buyer's board is appointed on one day (:data:`SALE_PER_YEAR`);
- a corporate group's restructuring: the parent's director joins every subsidiary's board on one
  day (:data:`GROUP_RESTRUCTURE_SHARE`);
- an owner-managed family of companies bought, or handed to a successor, in one go: the owner
  joins every board on one day (:data:`FAMILY_TAKEOVER_SHARE`);
- a registered agent's client moving a set of vehicles to the agent, or buying aged shelf
  companies: the agent's nominee joins every board within weeks (the honest twin of a front
  cluster taken over), and single vehicles bought off the shelf (:data:`SHELF_SHARE`).

The rates are assumptions of this simulator, not figures from a registry; they are chosen so that
a recent appointment to an older company is common among legitimate companies (about one in six
companies had one in the last two years), and the shortcut check of ``bench/network_eval.py``
proves that the date alone does not separate the fronts.

The appointments are drawn from a random stream of their own, so the rest of a world is the same
with or without them. Each company's are a JSON object ``{director id: day number}``.
"""

from __future__ import annotations

import json

import numpy as np

from sever.simulate.identifiers import rng_for

TURNOVER_PER_YEAR = 0.06
"""Yearly rate at which one director is replaced by a successor (resignations, retirements)."""
SALE_PER_YEAR = 0.025
"""Yearly rate at which a company is sold and its whole board replaced on one day."""
GROUP_RESTRUCTURE_SHARE = 0.3
"""Share of corporate groups that appointed the parent's director to their subsidiaries on one
day within the last :data:`RECENT_YEARS` (a restructuring or an acquisition)."""
FAMILY_TAKEOVER_SHARE = 0.25
"""Share of owner-managed families whose owner joined every board on one day within the last
:data:`RECENT_YEARS` (bought the businesses, or took them over from a parent)."""
CLIENT_SET_MOVED_SHARE = 0.6
"""Share of a registered agent's client sets not formed together whose vehicles were moved to
the agent, or bought from its shelf, together: the nominee joins every board within weeks."""
SHELF_SHARE = 0.2
"""Share of other nominee-served companies whose nominee was appointed after formation (an aged
shelf company bought from the agent, or a change of agent)."""
RECENT_YEARS = 5.0
"""The window in which group, family and client-set events fall, uniformly."""
TOGETHER_DAYS = 45
"""Days over which one event's appointments spread (the filings of one deal)."""


def appointments(
    seed: int,
    start: int,
    directors: np.ndarray,
    incorporated: np.ndarray,
    is_person: np.ndarray,
    parent: np.ndarray,
    family: np.ndarray,
    client_set: np.ndarray,
    nominee_served: np.ndarray,
) -> np.ndarray:
    """Each company's directors' appointment days (JSON ``{director id: day}``; None for people),
    the period starting on day ``start``; ``parent``, ``family`` and ``client_set`` number each
    company's group (its parent), family and client set (-1: none)."""
    rng = rng_for(seed, "appointments")
    days: list[dict[str, int] | None] = [None] * len(directors)
    for index in np.flatnonzero(~is_person):
        formed = int(incorporated[index])
        sold = start - int(rng.exponential(365.25 / SALE_PER_YEAR))
        board_from = sold if sold > formed else formed + int(rng.integers(0, 15))
        mine: dict[str, int] = {}
        for director in json.loads(directors[index] or "[]"):
            successor = start - int(rng.exponential(365.25 / TURNOVER_PER_YEAR))
            mine[director] = min(start - 1, max(board_from, successor))
        days[index] = mine
    for key, share in (
        (parent, GROUP_RESTRUCTURE_SHARE),
        (family, FAMILY_TAKEOVER_SHARE),
        (client_set, CLIENT_SET_MOVED_SHARE),
    ):
        _joined_together(rng, start, days, directors, incorporated, key, share)
    single = np.flatnonzero(nominee_served & (client_set < 0))
    for index in single[rng.random(len(single)) < SHELF_SHARE]:
        day = start - int(rng.integers(1, int(RECENT_YEARS * 365)))
        if day > int(incorporated[index]) and days[index]:
            days[index] = dict.fromkeys(days[index], day)
    return np.array([None if d is None else json.dumps(d) for d in days], dtype=object)


def _joined_together(
    rng: np.random.Generator,
    start: int,
    days: list[dict[str, int] | None],
    directors: np.ndarray,
    incorporated: np.ndarray,
    key: np.ndarray,
    share: float,
) -> None:
    """For ``share`` of the sets of companies numbered alike in ``key`` (not formed together), the
    director they have in common joins every board formed before one recent day, within
    :data:`TOGETHER_DAYS`, in place."""
    members_of: dict[int, list[int]] = {}
    for index in np.flatnonzero(key >= 0):
        members_of.setdefault(int(key[index]), []).append(int(index))
    for number in sorted(members_of):
        members = members_of[number]
        if rng.random() >= share or len(members) < 2:
            continue
        formed = incorporated[members]
        if formed.max() - formed.min() <= TOGETHER_DAYS:
            continue  # formed together: appointed at formation
        common = set.intersection(*(set(json.loads(directors[m] or "[]")) for m in members))
        if not common:
            continue
        officer = sorted(common)[0]
        day = start - int(rng.integers(1, int(RECENT_YEARS * 365)))
        for member in members:
            mine = days[member]
            if mine is not None and int(incorporated[member]) < day:
                mine[officer] = min(start - 1, day + int(rng.integers(0, TOGETHER_DAYS)))
