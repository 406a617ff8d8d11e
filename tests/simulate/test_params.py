"""Bad parameters get one clear error naming the field; sizes have names."""

from __future__ import annotations

import dataclasses

import pytest

from sever.errors import InputError
from sever.simulate import SIZES, SchemeParams, SimulationParams, validate
from sever.simulate.params import DIFFICULTIES, parse_size, parse_typologies, with_overrides


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"size": -5}, "size", "between"),
        ({"size": 0}, "size", "between"),
        ({"size": 2_000_000_000}, "size", "between"),
        ({"seed": -1}, "seed", "between"),
        ({"illicit_share": 1.5}, "illicit_share", "between"),
        ({"illicit_share": -0.1}, "illicit_share", "between"),
        ({"days": 3}, "days", "between"),
        ({"typologies": ("fan_in", "bogus")}, "typologies", "unknown typology bogus"),
        ({"scheme_counts": {"nope": 2}}, "scheme_counts", "unknown typology nope"),
        ({"scheme_counts": {"fan_in": -1}}, "scheme_counts.fan_in", "between"),
        ({"scheme_counts": {"fan_in": 501}}, "scheme_counts.fan_in", "between 0 and 500"),
        ({"format": "xlsx"}, "format", "parquet, csv"),
        ({"currencies": ("EUR",)}, "currencies", "USD"),
        ({"banks": ("no colon",)}, "banks", "COUNTRY:Name"),
        ({"scheme": SchemeParams(mules=(9, 3))}, "scheme.mules", "low <= high"),
        ({"scheme": SchemeParams(forward_share=(0.5, 1.4))}, "scheme.forward_share", "between"),
        ({"scheme": SchemeParams(mules=(1, 5))}, "scheme.mules", "2 or more"),
        ({"difficulty": "brutal"}, "difficulty", "easy, realistic, adversarial"),
        ({"label_noise": 1.5}, "label_noise", "between"),
        ({"label_delay_days": -1.0}, "label_delay_days", "between"),
    ],
)
def test_bad_parameters_name_their_field(changes: dict, field: str, words: str) -> None:
    params = dataclasses.replace(SimulationParams(), **changes)
    with pytest.raises(InputError) as caught:
        validate(params)
    assert caught.value.field == field
    assert words in str(caught.value)


def test_named_sizes_and_numbers() -> None:
    assert parse_size("small") == SIZES["small"] == 100_000
    assert parse_size("medium") == 5_000_000
    assert parse_size("large") == 50_000_000
    assert parse_size("20000") == 20_000
    assert parse_size("1e6") == 1_000_000
    with pytest.raises(InputError, match="not small, medium, large"):
        parse_size("huge")


def test_typology_lists_are_checked() -> None:
    assert parse_typologies("fan_in, cycle") == ("fan_in", "cycle")
    assert len(parse_typologies(None)) == 17
    with pytest.raises(InputError, match="unknown typology"):
        parse_typologies("fan_in,smuggling")


def test_overrides_are_typed_and_unknown_keys_refused() -> None:
    params = with_overrides(
        SimulationParams(), {"days": "90", "scheme.forward_share": "0.6,0.8", "label_noise": "0.1"}
    )
    assert params.days == 90
    assert params.shape.forward_share == (0.6, 0.8)
    assert params.label_noise == 0.1
    assert params.shape.mules == DIFFICULTIES["realistic"].mules, "the rest of the preset stays"
    with pytest.raises(InputError, match="unknown parameter"):
        with_overrides(SimulationParams(), {"colour": "red"})
    with pytest.raises(InputError, match="not a valid value"):
        with_overrides(SimulationParams(), {"days": "many"})


def test_every_parameter_has_help() -> None:
    for cls in (SimulationParams, SchemeParams):
        for f in dataclasses.fields(cls):
            assert f.metadata.get("help"), f"{cls.__name__}.{f.name} has no help text"


def test_difficulty_chooses_the_scheme_shape_unless_one_is_given() -> None:
    assert SimulationParams().difficulty == "realistic"
    assert SimulationParams().shape == DIFFICULTIES["realistic"]
    easy, hard = SimulationParams(difficulty="easy"), SimulationParams(difficulty="adversarial")
    assert easy.shape.mules[0] > hard.shape.mules[1], "adversarial fans are smaller than easy"
    assert hard.shape.window_days[0] > easy.shape.window_days[1], "and slower"
    assert hard.shape.mule_usd[1] < easy.shape.mule_usd[1], "and move less per payment"
    given = SchemeParams(mules=(4, 5))
    assert SimulationParams(difficulty="easy", scheme=given).shape == given
    recorded = SimulationParams(difficulty="adversarial").to_dict()
    assert recorded["difficulty"] == "adversarial"
    assert tuple(recorded["scheme"]["mules"]) == DIFFICULTIES["adversarial"].mules


def test_realistic_ranges_reach_below_and_above_the_textbook_shapes() -> None:
    """Wide ranges, not a rule's bounds: some schemes are smaller, slower or wider than easy's."""
    easy, real = DIFFICULTIES["easy"], DIFFICULTIES["realistic"]
    for name in ("mules", "window_days", "mule_usd", "structuring_deposits"):
        low, high = getattr(real, name)
        easy_low, easy_high = getattr(easy, name)
        assert low < easy_low and high > easy_high, name
