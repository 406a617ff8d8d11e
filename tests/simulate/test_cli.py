"""``sever simulate`` end to end through the real CLI over a temporary home."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sever.cli import app

runner = CliRunner()


def test_simulate_writes_a_world_and_prints_json(tmp_path: Path, home) -> None:
    out = tmp_path / "world"
    result = runner.invoke(
        app,
        [
            "simulate",
            "--size",
            "3000",
            "--seed",
            "4",
            "--out",
            str(out),
            "--home",
            str(home.root),
            "--typologies",
            "fan_out,cycle",
            "--count",
            "cycle=3",
            "--set",
            "days=120",
            "--illicit-share",
            "0.2",
            "--difficulty",
            "easy",
            "--label-noise",
            "0.25",
            "--label-delay",
            "30",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["counts"]["transactions"] == 3000
    assert summary["schemes"]["cycle"] == 3
    assert set(summary["schemes"]) == {"fan_out", "cycle"}
    assert summary["parameters"]["days"] == 120
    assert summary["difficulty"] == "easy"
    assert summary["parameters"]["label_delay_days"] == 30
    assert summary["missed_schemes"] == round(0.25 * sum(summary["schemes"].values()))
    assert (out / "transactions.parquet").exists() and (out / "labels" / "schemes.parquet").exists()
    assert (out / "truth" / "schemes.parquet").exists()


def test_the_human_summary_states_the_prevalence(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["simulate", "--size", "3000", "--seed", "2", "--out", str(tmp_path / "w")]
    )
    assert result.exit_code == 0, result.output
    assert "active accounts" in result.stdout and "realistic" in result.stdout


def test_describe_prints_statistics_and_writes_a_png(tmp_path: Path, world_dir: Path) -> None:
    png = tmp_path / "d.png"
    result = runner.invoke(
        app, ["simulate", "--describe", str(world_dir), "--plot", str(png), "--json"]
    )
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["counts"]["transactions"] == 20_000
    assert png.exists()
    human = runner.invoke(app, ["simulate", "--describe", str(world_dir), "--plot", str(png)])
    assert human.exit_code == 0 and "Heavy tails" in human.stdout


def test_bad_parameters_exit_2_with_one_clear_line(tmp_path: Path) -> None:
    cases = [
        (["--size", "-5"], "size must be between 2000 and"),
        (["--size", "huge"], "not small, medium, large"),
        (["--illicit-share", "1.5"], "illicit_share must be between"),
        (["--typologies", "fan_in,smuggling"], "unknown typology smuggling"),
        (["--count", "cycle=many"], "whole number"),
        (["--set", "nonsense=1"], "unknown parameter"),
        (["--set", "difficulty=easy"], "unknown parameter"),
        (["--difficulty", "brutal"], "difficulty must be one of easy, realistic, adversarial"),
        (["--label-noise", "2"], "label_noise must be between"),
        (["--label-delay", "-3"], "label_delay_days must be between"),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["simulate", "--out", str(tmp_path / "w"), *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in " ".join(result.output.split()), (args, result.output)
        assert "Traceback" not in result.output


def test_out_is_required_to_write(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "--size", "3000"])
    assert result.exit_code == 2
    assert "--out" in result.output


def test_help_documents_every_option() -> None:
    result = runner.invoke(app, ["simulate", "--help"])
    assert result.exit_code == 0
    for option in (
        "--size",
        "--seed",
        "--out",
        "--format",
        "--home",
        "--illicit-share",
        "--difficulty",
        "--label-noise",
        "--label-delay",
        "--typologies",
        "--count",
        "--set",
        "--describe",
        "--plot",
        "--json",
    ):
        assert option in result.output
