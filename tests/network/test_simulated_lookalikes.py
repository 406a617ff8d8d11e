"""The simulated registry does not give front companies away: legitimate families of companies
and shared-office tenants also share owners and addresses and pay each other in circles, and the
planted front clusters vary in how their money moves."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from sever.simulate.params import SimulationParams
from sever.simulate.world import build_world


@pytest.fixture(scope="module")
def world():
    return build_world(SimulationParams(size=1_000_000, seed=5))


def test_a_family_of_companies_shares_one_owner_and_often_an_address(world) -> None:
    parties = world.parties
    family = parties["family"]
    numbers = np.unique(family[family >= 0])
    assert len(numbers) >= 5
    shared_owner = 0
    for number in numbers:
        members = np.flatnonzero(family == number)
        owners = [{o["owner_id"] for o in json.loads(parties["owners"][m])} for m in members]
        shared_owner += bool(set.intersection(*owners))
    assert shared_owner == len(numbers), "one person owns every company of a family"
    addresses = Counter(parties["address"][family >= 0])
    assert max(addresses.values()) >= 2


def test_related_companies_pay_each_other_in_circles(world) -> None:
    src, dst = world.groups["peer_src"], world.groups["peer_dst"]
    assert len(src) > 0
    payers = Counter(src.tolist())
    payees = Counter(dst.tolist())
    assert payers == payees, "in a circle every member pays once and is paid once"


def test_young_companies_exist_outside_the_schemes(world) -> None:
    parties = world.parties
    company = parties["schema"] == "Company"
    age = world.first_day - parties["incorporation_date"][company]
    assert (age < 365).mean() > 0.1, "companies formed within the last year are common"
