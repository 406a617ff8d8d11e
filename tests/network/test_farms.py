"""Laptop farms: employees of several employers whose laptops go to one home or who log in from
one IP, raised on two signs of a farm; a household of two, a shared house, co-working members,
commercial-VPN users and one employer's VPN are not farms."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from sever.alerts import Alert, write_findings
from sever.cli import app
from sever.home import Home
from sever.network.farms import Farm, FarmSettings, farm_alerts, farm_signs, find_farms, is_suspect
from sever.network.graph import GRAPH_FILE, GraphSources, build_graph
from tests.network import tiny_network

runner = CliRunner()


@pytest.fixture
def con(tmp_path):
    home = Home.resolve(tmp_path / "home")
    build_graph(home, GraphSources(tiny_network.write(tmp_path / "in")))
    return duckdb.connect(str(home.root / GRAPH_FILE), read_only=True)


def test_the_farm_is_raised_with_its_evidence(con) -> None:
    alerts = farm_alerts(find_farms(con, FarmSettings()), FarmSettings())
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.typology == "laptop_farm"
    assert {s.id for s in alert.subjects} == set(tiny_network.FARM)
    assert "4 employees: laptops shipped to 12 elm st, phoenix" in alert.explanation
    assert "12 through remote-access tools" in alert.explanation
    assert "signs of a farm: laptops of 4 employees of different employers shipped" in (
        alert.explanation
    )


def test_one_employers_vpn_ties_nobody(con) -> None:
    grouped = {e for farm in find_farms(con, FarmSettings()) for e in farm.employees}
    assert not grouped & set(tiny_network.VPN)


def test_a_household_is_grouped_but_not_raised(con) -> None:
    farms = find_farms(con, FarmSettings())
    household = [f for f in farms if set(f.employees) == set(tiny_network.HOUSEHOLD)]
    assert household, "two employers' laptops at one address do form a group"
    assert not farm_alerts(household, FarmSettings())


def test_a_smaller_threshold_raises_the_household_on_its_shared_address_and_computer(con) -> None:
    settings = FarmSettings(least_employees=2)
    household = [f for f in find_farms(con, settings) if "E_HOME1" in f.employees]
    words = [w for w, _ in farm_signs(household[0], settings)]
    assert words == [
        "laptops of 2 employees of different employers shipped to one address",
        "one device logs in for employees of different employers",
    ]
    assert len(farm_alerts(find_farms(con, settings), settings)) == 2


def _group(size: int, address: bool, device: bool, remote: int, foreign: int) -> Farm:
    """A group of ``size`` employees at as many employers, 10 log-ins each, ``remote`` and
    ``foreign`` of them remote-controlled or from abroad (per employee)."""
    employees = tuple(f"E{i}" for i in range(size))
    values = [("ip", "203.0.113.9", size)]
    if address:
        values.append(("address", "1 main st", size))
    if device:
        values.append(("device", "D1", 2))
    return Farm(
        employees=employees,
        labels={},
        employers=tuple(f"C{i}" for i in range(size)),
        values=tuple(values),
        logins=10 * size,
        remote_logins=remote * size,
        foreign_logins=foreign * size,
        long_sessions=0,
        pay_accounts={},
    )


@pytest.mark.parametrize(
    ("what", "group", "raised"),
    [
        (
            "a shared house: laptops at one address, plain log-ins",
            _group(5, True, False, 1, 0),
            False,
        ),
        ("co-working members: one IP, plain log-ins", _group(12, False, False, 1, 0), False),
        ("commercial-VPN users: one IP abroad", _group(20, False, False, 0, 9), False),
        ("a farm reached by remote-desktop software", _group(6, True, False, 7, 0), True),
        ("a farm reached by KVM, one laptop for two identities", _group(6, True, True, 1, 0), True),
        (
            "remote desktops and a shared laptop, laptops at homes",
            _group(4, False, True, 7, 0),
            True,
        ),
    ],
)
def test_a_group_is_raised_on_two_signs_of_a_farm(what: str, group: Farm, raised: bool) -> None:
    assert is_suspect(group, FarmSettings()) is raised, what


def _household_logs_in(con, remote: bool, long: bool) -> None:
    """Shadow the graph's log-ins: the household's through remote tools and from abroad (as a
    traveller's are), in sessions of 12 hours or more where ``long``."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE logins AS SELECT * REPLACE ("
        f"CASE WHEN employee_id LIKE 'E_HOME%' AND {remote} THEN logins "
        "ELSE remote_tool_logins END AS remote_tool_logins, "
        f"CASE WHEN employee_id LIKE 'E_HOME%' AND {remote} THEN logins "
        "ELSE foreign_logins END AS foreign_logins, "
        f"CASE WHEN employee_id LIKE 'E_HOME%' AND {long} THEN logins "
        "ELSE long_sessions END AS long_sessions) FROM main.logins"
    )


def test_a_travelling_household_is_not_raised_unless_its_laptops_stay_on(con) -> None:
    settings = FarmSettings()
    _household_logs_in(con, remote=True, long=False)
    household = [f for f in find_farms(con, settings) if "E_HOME1" in f.employees]
    assert household[0].remote_share == 1.0
    assert not farm_alerts(household, settings), "travellers log out at night"
    _household_logs_in(con, remote=True, long=True)
    household = [f for f in find_farms(con, settings) if "E_HOME1" in f.employees]
    assert farm_alerts(household, settings), "two laptops reached remotely and left on"


def test_monitor_payroll_alerts_on_pay_accounts_add_to_the_evidence(con) -> None:
    settings = FarmSettings()
    farms = find_farms(con, settings)
    alert = farm_alerts(farms, settings, {"PAY_E_FARM2"})[0]
    assert "pay of E_FARM2 (PAY_E_FARM2) forwarded on (monitor)" in alert.explanation
    assert "PAY_E_FARM2" in alert.accounts
    plain = farm_alerts(farms, settings)[0]
    assert alert.score > plain.score


def test_cli_reads_monitor_findings(tmp_path) -> None:
    files = tiny_network.write(tmp_path / "in")
    home = str(tmp_path / "home")
    build_graph(Home.resolve(home), GraphSources(files))
    monitor = tmp_path / "monitor.jsonl"
    write_findings(
        [
            Alert(
                "m1",
                "it_worker_payroll",
                "payroll.forward",
                "high",
                ("PAY_E_FARM1",),
                (),
                1.0,
                None,
                None,
                0.9,
            )
        ],
        monitor,
    )
    result = runner.invoke(
        app, ["network", "farms", "--home", home, "--monitor-alerts", str(monitor), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert "PAY_E_FARM1) forwarded on" in result.output
