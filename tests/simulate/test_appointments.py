"""Directors' appointment dates in the simulated registry: planted fronts taken over by a nominee
recently, and legitimate boards that change for ordinary reasons often enough that the date alone
does not give the fronts away."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sever.simulate import SimulationParams, calendar
from sever.simulate.run import registry_directors
from sever.simulate.typologies.front_companies import TAKEOVER_DAYS
from sever.simulate.world import build_world

RECENT = 730


@pytest.fixture(scope="module")
def cast():
    """The legitimate cast of a medium world of the tuning seed (built, not written)."""
    return build_world(SimulationParams(size=5_000_000, seed=3))


def _companies(cast) -> list[tuple[int, dict[str, int]]]:
    parties = cast.parties
    return [
        (int(parties["incorporation_date"][i]), json.loads(parties["appointed"][i]))
        for i in np.flatnonzero(parties["schema"] == "Company")
    ]


def test_every_director_of_a_company_has_a_day_not_before_its_formation(cast) -> None:
    parties = cast.parties
    start = calendar.day_number(cast.params.start)
    for index in np.flatnonzero(parties["schema"] == "Company"):
        days = json.loads(parties["appointed"][index])
        assert set(days) == set(json.loads(parties["directors"][index]))
        assert all(parties["incorporation_date"][index] <= d < start for d in days.values())


def test_legitimate_boards_often_change_long_after_formation_recently(cast) -> None:
    """The honest twin of a takeover: turnover, sales, successions, restructurings."""
    start = calendar.day_number(cast.params.start)
    companies = _companies(cast)
    changed = [
        formed
        for formed, days in companies
        if any(start - d < RECENT and d - formed >= 180 for d in days.values())
    ]
    assert 0.08 <= len(changed) / len(companies) <= 0.35


def test_some_legitimate_sets_take_one_officer_onto_their_boards_together(cast) -> None:
    """Groups restructured, families handed on, client sets moved to an agent: one officer
    joins several older boards within weeks, as a front cluster's nominee does."""
    start = calendar.day_number(cast.params.start)
    parties = cast.parties
    seats: dict[str, list[int]] = defaultdict(list)
    for index in np.flatnonzero(parties["schema"] == "Company"):
        formed = int(parties["incorporation_date"][index])
        for officer, day in json.loads(parties["appointed"][index]).items():
            if start - day < RECENT and day - formed >= 180:
                seats[officer].append(day)
    together = [d for d in seats.values() if len(d) >= 2 and max(d) - min(d) <= 45]
    assert len(together) >= 10, "about a dozen in a medium world, more than its default fronts"


def test_the_registry_names_each_director_with_the_day_they_joined() -> None:
    cells = registry_directors(
        ["c1", "c2", "c3"],
        ['["p1", "p2"]', '["p3"]', None],
        [date(2010, 1, 1), date(2020, 5, 1), None],
        {"c1": json.dumps({"p1": calendar.day_number(date(2024, 3, 1))})},
    )
    assert json.loads(cells[0]) == [
        {"id": "p1", "appointed": "2024-03-01"},
        {"id": "p2", "appointed": "2010-01-01"},
    ], "a director with no recorded day joined at formation"
    assert json.loads(cells[1]) == [{"id": "p3", "appointed": "2020-05-01"}]
    assert cells[2] is None


def test_fronts_are_taken_over_shortly_before_the_period_or_formed_with_their_nominee(
    every_typology_dir: Path,
) -> None:
    world = json.loads((every_typology_dir / "world.json").read_text())
    start = date.fromisoformat(world["parameters"]["start"])
    registry = pd.read_parquet(every_typology_dir / "registry.parquet").set_index("company_id")
    labels = pd.read_parquet(every_typology_dir / "labels" / "parties.parquet")
    schemes = pd.read_parquet(every_typology_dir / "labels" / "schemes.parquet")
    scheme = schemes[schemes["typology"] == "front_company"].iloc[0]
    params = json.loads(scheme["params"])
    fronts = labels[
        (labels["scheme_id"] == scheme["scheme_id"]) & (labels["role"] == "front_company")
    ]
    for company in fronts["party_id"]:
        row = registry.loc[company]
        days = {d["id"]: date.fromisoformat(d["appointed"]) for d in json.loads(row["directors"])}
        nominee = next(d for d in days if d in params["nominee_directors"])
        formed = row["incorporation_date"]
        if params["formed_together"]:
            assert 0 <= (days[nominee] - formed).days < 15
        else:
            assert days[nominee] > formed, "an older company, taken over"
            assert 1 <= (start - days[nominee]).days <= TAKEOVER_DAYS[1]
