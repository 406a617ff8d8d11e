"""`sever demo` runs the whole pipeline and reports what it found against the ground truth."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sever.cli import app
from sever.home import Home


def test_the_demo_runs_end_to_end_and_finds_planted_schemes(loaded_home: Home) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--home", str(loaded_home.root), "--size", "20000", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{\n") :])
    assert {"lists", "world", "screening", "monitor", "recall", "examples"} <= set(report)
    assert report["screening"]["parties"] > 0
    recall = {r["typology"]: r for r in report["recall"]}
    for typology in ("cycle", "fan_out", "structuring"):
        assert recall[typology]["found"] == recall[typology]["planted"] > 0, typology
    alias = recall["sanctioned_alias"]
    assert alias["in_any_alert"] == alias["planted"] and alias["found"] >= 1
    assert all(example["explanation"] for example in report["examples"])
    assert (loaded_home.root / "world" / "alerts.parquet").exists()


def test_a_bad_size_is_a_usage_error(home: Home) -> None:
    result = CliRunner().invoke(app, ["demo", "--home", str(home.root), "--size", "huge"])
    assert result.exit_code == 2
    assert "--size" in result.output
