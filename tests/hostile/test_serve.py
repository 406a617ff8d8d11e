"""``sever serve`` with absurd options and settings: one line, exit 2, before anything starts.

Every case fails before the lists are read or a port is held, so each child exits in seconds."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.hostile.conftest import assert_clean_error, run_sever

START_TIMEOUT = 60
"""Seconds a refused start may take before the case counts as a hang."""

CASES = [
    (["--port", "99999"], {}, ["--port", "1 to 65535"]),
    (["--port", "-1"], {}, ["--port", "1 to 65535"]),
    (["--port", "0"], {}, ["--port", "1 to 65535"]),
    (["--port", "http"], {}, ["--port", "1 to 65535"]),
    (["--host", "no-such-host.invalid"], {}, ["--host", "cannot listen"]),
    (["--host", ""], {}, ["--host", "interface"]),
    ([], {"SEVER_REQUEST_BUDGET_S": "-1"}, ["SEVER_REQUEST_BUDGET_S", "0.1 to 600"]),
]


@pytest.mark.parametrize(("args", "env", "words"), CASES)
def test_absurd_serve_options_are_one_line(
    cli_home: Path, args: list[str], env: dict[str, str], words: list[str]
) -> None:
    run = run_sever("serve", *args, home=cli_home, env=env, timeout=START_TIMEOUT)
    assert_clean_error(run, *words)
    assert not (cli_home / "store.duckdb").exists(), "nothing was loaded for a refused start"


def test_a_port_in_use_is_one_line(cli_home: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        run = run_sever("serve", "--port", port, home=cli_home, timeout=START_TIMEOUT)
    assert_clean_error(run, f"127.0.0.1:{port}", "in use")
