"""`sever simulate` and `sever demo` with absurd option values: one clear line, never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import assert_clean_error, run_sever

CASES = [
    (["--size", "-5"], "size must be between"),
    (["--size", "1e99"], "size must be between"),
    (["--size", "inf"], "is not small, medium, large or a number"),
    (["--size", "nan"], "is not small, medium, large or a number"),
    (["--seed", "-1"], "seed must be between"),
    (["--illicit-share", "nan"], "illicit_share must be between"),
    (["--illicit-share", "2"], "illicit_share must be between"),
    (["--typologies", "nosuch"], "unknown typology nosuch"),
    (["--count", "fan_in=100000000"], "scheme_counts.fan_in must be between"),
    (["--count", "fan_in=-3"], "scheme_counts.fan_in must be between"),
    (["--count", "fan_in=abc"], "whole number"),
    (["--set", "days=100000"], "days must be between"),
    (["--set", "nokey=5"], "unknown parameter"),
    (["--format", "xlsx"], "format must be one of"),
]


@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_absurd_simulate_options_are_one_line_errors(
    tmp_path: Path, cli_home: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "world"
    run = run_sever("simulate", "--size", "2000", *args, "--out", out, home=cli_home, timeout=60)
    assert_clean_error(run, message)
    assert not out.exists() or not any(out.iterdir())


def test_an_output_folder_that_is_a_file_is_refused(tmp_path: Path, cli_home: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    for out in (afile, afile / "world"):
        run = run_sever("simulate", "--size", "2000", "--out", out, home=cli_home, timeout=60)
        assert_clean_error(run, "afile")
    assert afile.read_text() == "keep me"


def test_describe_refuses_what_is_not_a_world(tmp_path: Path, cli_home: Path) -> None:
    assert_clean_error(
        run_sever("simulate", "--describe", tmp_path / "none", home=cli_home), "no such"
    )
    assert_clean_error(run_sever("simulate", "--describe", tmp_path, home=cli_home), "not a")


def test_demo_refuses_absurd_sizes_and_seeds(cli_home: Path) -> None:
    assert_clean_error(run_sever("demo", "--size", "-1", home=cli_home), "size")
    assert_clean_error(run_sever("demo", "--seed", "-1", home=cli_home), "seed")
