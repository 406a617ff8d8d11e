"""The pack's settings object: built by the API and the CLI, saved as YAML, read back strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from sever.errors import InputError
from sever.monitor.rule import RuleError
from sever.monitor.settings import PackSettings, read_settings, write_settings


def test_settings_round_trip_through_yaml(tmp_path: Path) -> None:
    made = PackSettings(
        rules=("fan_out", "cycle"),
        thresholds={"fan_out": {"min_counterparties": 12, "exempt_holder_types": ("bank",)}},
        basis={"fan_out": {"min_counterparties": "more than the 99.5th percentile (11)"}},
        engine="spark",
        master="local[1]",
        source="data",
        input={"transactions": "tx.parquet", "payments": 1000},
    )
    path = write_settings(made, tmp_path / "s.yaml")
    again = read_settings(path)
    assert again.file == str(path)
    assert again.to_dict() == made.to_dict()
    assert again.digest() == made.digest()


def test_the_record_changes_with_any_threshold() -> None:
    one = PackSettings(thresholds={"fan_out": {"min_counterparties": 12}})
    other = PackSettings(thresholds={"fan_out": {"min_counterparties": 13}})
    assert one.digest() != other.digest()
    assert one.record() == {"id": one.digest(), "source": "user", "file": None, "input": None}


@pytest.mark.parametrize(
    ("text", "row", "field", "words"),
    [
        ("version: 1\nthresholds:\n  fan_out:\n    min_fans: 3\n", 4,
         "thresholds.fan_out.min_fans", "no parameter 'min_fans'"),
        ("thresholds:\n  fan_out:\n    window_days: 0\n", 3, "thresholds.fan_out.window_days",
         "between 1 and 3650"),
        ("source: data\nthresholdz: {}\n", 2, "thresholdz", "unknown key"),
        ("basis:\n  nope: {}\n", 2, "basis.nope", "unknown rule"),
        ("rules: [fan_out, nope]\n", 1, "rules", r"unknown rule\(s\) nope"),
        ("engine: oracle\n", 1, "engine", "unknown engine"),
        ("fan_out:\n  min_total: 5\n", 1, "fan_out", "go under 'thresholds:'"),
    ],
)  # fmt: skip
def test_a_bad_settings_file_names_the_line_and_the_field(
    tmp_path: Path, text: str, row: int, field: str, words: str
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=words) as caught:
        read_settings(path)
    assert (caught.value.path, caught.value.row, caught.value.field) == (str(path), row, field)


def test_command_line_overrides_are_checked_and_remembered() -> None:
    made = PackSettings().with_set(["fan_out.min_counterparties=9"])
    assert made.thresholds == {"fan_out": {"min_counterparties": "9"}}
    assert made.basis["fan_out"]["min_counterparties"] == "set with --set"
    with pytest.raises(RuleError, match="no parameter"):
        PackSettings().with_set(["fan_out.min_fans=3"])
    with pytest.raises(RuleError, match="unknown rule"):
        PackSettings(thresholds={"fan_outt": {}})


def test_an_empty_file_is_settings_that_give_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("# nothing yet\n")
    made = read_settings(path)
    assert made.thresholds == {} and made.source == "user" and made.rules is None
