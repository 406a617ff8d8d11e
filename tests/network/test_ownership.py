"""OFAC's 50 % rule as a pure function of stakes and listed ids."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from sever.network.ownership import Stake, apply_50_percent_rule, percent

LISTED = {"l1": "KOMID", "l2": "Korea United Development Bank"}


def stakes(*rows: tuple[str, str, float | None]) -> list[Stake]:
    return [Stake(owner, asset, share) for owner, asset, share in rows]


def verdicts(outcome):  # type: ignore[no-untyped-def]
    return {v.entity: v for v in outcome.verdicts}


def test_shares_of_blocked_owners_are_summed_and_followed_through_blocked_entities() -> None:
    outcome = apply_50_percent_rule(
        stakes(
            ("l1", "a", 0.30),
            ("l2", "a", 0.25),
            ("a", "b", 0.60),
            ("a", "c", 0.40),
            ("l1", "d", 0.25),
            ("b", "d", 0.25),
            ("l1", "e", 0.49),
        ),
        LISTED,
        {"a": "A", "b": "B", "c": "C", "d": "D", "e": "E"},
    )
    found = verdicts(outcome)
    assert {v.entity for v in outcome.blocked} == {"a", "b", "d"}
    assert found["a"].arithmetic == "KOMID 30 % + Korea United Development Bank 25 % = 55 % ≥ 50 %"
    assert found["b"].arithmetic == "A 60 % = 60 % ≥ 50 %"
    assert found["c"].arithmetic == "A 40 % = 40 % < 50 %"
    assert found["d"].arithmetic == "B 25 % + KOMID 25 % = 50 % ≥ 50 %"
    assert found["e"].arithmetic == "KOMID 49 % = 49 % < 50 %"
    assert [found[x].round for x in "abd"] == [1, 2, 3]
    assert outcome.problems == []


def test_a_share_held_through_an_entity_that_is_not_blocked_does_not_count() -> None:
    outcome = apply_50_percent_rule(stakes(("l1", "c", 0.4), ("c", "d", 1.0)), LISTED)
    found = verdicts(outcome)
    assert not found["c"].blocked
    assert "d" not in found  # no blocked owner holds any of D


def test_several_stakes_of_one_owner_in_one_asset_add_up() -> None:
    outcome = apply_50_percent_rule(stakes(("l1", "a", 0.2), ("l1", "a", 0.3)), LISTED)
    assert verdicts(outcome)["a"].blocked
    assert verdicts(outcome)["a"].arithmetic == "KOMID 50 % = 50 % ≥ 50 %"


def test_a_cycle_is_reported_and_the_rule_still_ends() -> None:
    outcome = apply_50_percent_rule(
        stakes(("l1", "a", 0.5), ("a", "b", 0.5), ("b", "a", 0.5), ("b", "c", 0.1)), LISTED
    )
    found = verdicts(outcome)
    assert found["a"].blocked and found["b"].blocked and not found["c"].blocked
    # A is listed-owned 50 %; B's 50 % of A is added once B is blocked.
    assert found["a"].share == 1.0
    cycles = [p for p in outcome.problems if p.kind == "cycle"]
    assert len(cycles) == 1 and set(cycles[0].ids) == {"a", "b"}
    assert "→" in cycles[0].message


def test_a_cycle_of_companies_no_blocked_person_owns_blocks_nothing() -> None:
    outcome = apply_50_percent_rule(stakes(("a", "b", 0.9), ("b", "a", 0.9)), LISTED)
    assert outcome.verdicts == []
    assert [p.kind for p in outcome.problems] == ["cycle"]


def test_self_ownership_is_reported_and_not_counted() -> None:
    outcome = apply_50_percent_rule(stakes(("a", "a", 0.6), ("l1", "a", 0.3)), LISTED)
    assert not verdicts(outcome)["a"].blocked
    assert [p.kind for p in outcome.problems] == ["self_ownership"]


def test_a_listed_entity_that_owns_itself_does_not_crash() -> None:
    outcome = apply_50_percent_rule(stakes(("l1", "l1", 1.0)), LISTED)
    assert outcome.verdicts == []
    assert [p.kind for p in outcome.problems] == ["self_ownership"]


def test_a_missing_share_leaves_the_entity_for_review() -> None:
    outcome = apply_50_percent_rule(stakes(("l1", "a", None), ("l2", "a", 0.2)), LISTED)
    verdict = verdicts(outcome)["a"]
    assert verdict.status == "review" and not verdict.blocked
    assert verdict.arithmetic == (
        "Korea United Development Bank 20 % = 20 % < 50 %; share not stated for KOMID"
    )
    assert [p.kind for p in outcome.problems] == ["missing_share"]


def test_shares_over_100_percent_are_reported_and_an_oversized_stake_is_capped() -> None:
    outcome = apply_50_percent_rule(
        stakes(("l1", "a", 0.6), ("x", "a", 0.7), ("l2", "b", 1.5)), LISTED
    )
    found = verdicts(outcome)
    assert found["a"].blocked and found["b"].blocked
    assert found["b"].share == 1.0
    kinds = sorted(p.kind for p in outcome.problems)
    assert kinds == ["over_100", "share_over_1"]  # B: the one oversized stake, reported once
    assert any("130 %" in p.message for p in outcome.problems)


def test_a_stake_that_ended_is_not_counted() -> None:
    ended = Stake("l1", "a", 0.9, end=date(2020, 1, 1))
    outcome = apply_50_percent_rule([ended], LISTED, as_of=date(2024, 1, 1))
    assert outcome.verdicts == []
    assert [p.kind for p in outcome.problems] == ["ended"]


def test_percent_words() -> None:
    assert percent(0.55) == "55 %"
    assert percent(1 / 3) == "33.33 %"
    assert percent(0.3 + 0.2) == "50 %"


ids = st.sampled_from(["l1", "l2", "a", "b", "c", "d"])
shares = st.one_of(st.none(), st.floats(min_value=0, max_value=2, allow_nan=False))


@given(st.lists(st.tuples(ids, ids, shares), max_size=25))
def test_any_registry_gives_consistent_verdicts_and_never_crashes(rows) -> None:  # type: ignore[no-untyped-def]
    outcome = apply_50_percent_rule(stakes(*rows), LISTED)
    blocked = set(LISTED) | {v.entity for v in outcome.blocked}
    for verdict in outcome.verdicts:
        assert verdict.entity not in LISTED
        assert abs(verdict.share - sum(t.share for t in verdict.terms)) < 1e-9
        assert all(t.owner in blocked and 0 <= t.share <= 1 for t in verdict.terms)
        assert verdict.blocked == (verdict.share >= 0.5 - 1e-9)
    # A fixed point: no entity left unblocked has blocked owners holding 50 % or more.
    held: dict[str, float] = {}
    for owner, asset, share in rows:
        if owner in blocked and owner != asset and share is not None:
            held[asset] = held.get(asset, 0.0) + min(share, 1.0)
    assert all(asset in blocked for asset, total in held.items() if total >= 0.5 + 1e-9)
