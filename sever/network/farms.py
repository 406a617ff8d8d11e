"""Laptop farms: employees, at different employers, whose laptops go to one address or who log in
from one IP or one device.

A shared value ties employees only when they work for at least two employers: staff of one
company behind its VPN or at its office share an IP by design. Employees tied through such values
form a group. A group larger than a household (:attr:`FarmSettings.least_employees`), or one
that leaves laptops on for half a day and more (:attr:`FarmSettings.long_share`), is raised when
the signs of a farm it shows add up to :attr:`FarmSettings.raise_at`, each worth named points
(the red flags of the FBI, State and Treasury advisory on DPRK IT workers, May 2022, and DOJ's
laptop-farm cases):

- **laptops at one address** (2): the laptops of :attr:`FarmSettings.least_employees` or more
  employees of different employers ship to one address;
- **remote-access tools** (2): at least :attr:`FarmSettings.remote_share` of the log-ins go
  through remote-desktop software (AnyDesk, TeamViewer…), or stay open 12 hours and more;
- **one computer, several employers** (1): one device logs in for employees of different
  employers (a laptop serving two identities);
- **abroad** (1): at least :attr:`FarmSettings.remote_share` of the log-ins come from a country
  other than the stated residence.

Look-alikes each show one sign, not two: people sharing a house ship their laptops home and log
in plainly; co-working members and commercial-VPN users share an IP, not an address, and a
VPN server abroad puts them in another country; a household of two whose members travel logs in
from abroad and through remote desktops too, but shuts its laptops at night. A farm whose workers
reach the laptops through hardware (KVM-over-IP) shows no tool; with its laptops at one address
it is raised only when a device serves two employers' staff as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import networkx as nx

from sever.alerts import Alert, Reason, Subject, alert_id


@dataclass(frozen=True)
class FarmSettings:
    """The thresholds of the laptop-farm analysis (none read off the simulator)."""

    least_employees: int = 3
    """A group this large may be raised, and laptops of this many at one address are a sign: two
    adults of one household share an address, an IP and sometimes a computer."""
    remote_share: float = 0.4
    """Least share of a group's log-ins through remote-access tools or left open 12 hours or
    more (whichever is more) for the remote sign, and from abroad for the abroad sign. On the
    tuning world (seed 3, medium) three or four employees at one address that log in plainly (a
    quarter to a third of log-ins remote) were households joined by a shared value, not farms."""
    long_share: float = 0.2
    """A smaller group is raised only when at least this share of its sessions last 12 hours or
    more as well: laptops left on for someone to reach remotely. Travellers log in from abroad
    and through remote desktops as often as a farm's workers do, but log out (on the tuning world
    no household of two reached a tenth)."""
    most_shared: int = 500
    """Values used by more employees than this (a carrier-grade NAT, a big co-working space) are
    not followed."""
    address_points: float = 2.0
    """Points of laptops of ``least_employees`` or more employees of different employers shipped
    to one address (the advisory's first red flag: laptops sent to an address not the
    employee's)."""
    remote_points: float = 2.0
    """Points of remote-controlled log-ins (``remote_share`` of them through remote-access tools
    or left open)."""
    device_points: float = 1.0
    """Points of one device logging in for employees of different employers."""
    abroad_points: float = 1.0
    """Points of log-ins from outside the stated residence (``remote_share`` of them). One point:
    a commercial VPN server abroad does the same for many honest users."""
    raise_at: float = 3.0
    """Least points that raise a group: two signs, one of them laptops at one address or remote
    control. On the tuning world (seed 3, medium, 40 farms) laptops at one address alone raised
    about thirty shared houses and households, and log-ins from abroad or through remote tools
    alone raised commercial-VPN users and travellers."""


@dataclass(frozen=True)
class Farm:
    """Employees tied by shared laptop addresses, IPs or devices, and their log-in signs."""

    employees: tuple[str, ...]
    labels: dict[str, str]
    employers: tuple[str, ...]
    values: tuple[tuple[str, str, int], ...]
    logins: int
    remote_logins: int
    foreign_logins: int
    long_sessions: int
    pay_accounts: dict[str, str]
    """Each employee's pay account, where the HR records give one."""

    @property
    def long_share(self) -> float:
        """The share of log-ins in sessions of 12 hours or more."""
        return self.long_sessions / self.logins if self.logins else 0.0

    @property
    def remote_share(self) -> float:
        """The share of log-ins through remote-access tools or left open (whichever is more)."""
        flagged = max(self.remote_logins, self.long_sessions)
        return flagged / self.logins if self.logins else 0.0

    @property
    def foreign_share(self) -> float:
        """The share of log-ins from a country other than the stated residence."""
        return self.foreign_logins / self.logins if self.logins else 0.0

    @property
    def shares_a_device(self) -> bool:
        """Whether one device logs in for employees of different employers."""
        return any(kind == "device" for kind, _, _ in self.values)

    @property
    def most_at_one_address(self) -> int:
        """The most employees whose laptops ship to one address."""
        return max((count for kind, _, count in self.values if kind == "address"), default=0)

    def evidence_path(self) -> list[str]:
        """The shared values in words, one sentence each."""
        out = []
        for kind, value, count in self.values:
            where = {"address": "laptops shipped to", "ip": "log-ins from IP"}.get(
                kind, "log-ins on device"
            )
            out.append(f"{count} employees: {where} {value}")
        out.append(
            f"{len(self.employees)} employees at {len(self.employers)} employers; of "
            f"{self.logins} log-ins, {self.remote_logins} through remote-access tools, "
            f"{self.foreign_logins} from outside the stated residence, "
            f"{self.long_sessions} sessions of 12 hours or more"
        )
        return out


_SHARED = """
WITH used AS (
    SELECT v.src AS employee, v.dst AS value, v.kind, w.dst AS employer
    FROM edges v
    JOIN nodes n ON n.node_id = v.src AND n.kind = 'employee'
    LEFT JOIN edges w ON w.src = v.src AND w.kind = 'employment' AND w.via = 'employer'
    WHERE v.kind IN ('address', 'ip', 'device') AND v.via IN ('laptop', 'login')
),
shared AS (
    SELECT value FROM used GROUP BY value
    HAVING count(DISTINCT employee) BETWEEN 2 AND ? AND count(DISTINCT employer) >= 2
)
SELECT u.employee, u.value, u.kind, u.employer FROM used u JOIN shared USING (value)
"""


def find_farms(con: duckdb.DuckDBPyConnection, settings: FarmSettings) -> list[Farm]:
    """Every group of employees tied by shared values across employers, largest first."""
    graph = nx.Graph()
    kinds: dict[str, str] = {}
    employer_of: dict[str, str] = {}
    for employee, value, kind, employer in con.execute(_SHARED, [settings.most_shared]).fetchall():
        graph.add_edge(employee, value)
        kinds[value] = kind
        employer_of[employee] = employer
    groups = []
    for component in nx.connected_components(graph):
        employees = sorted(n for n in component if n not in kinds)
        values = sorted(
            (kinds[v], v.split(":", 1)[1], graph.degree(v)) for v in component if v in kinds
        )
        groups.append((employees, values))
    farms = _describe(con, groups, employer_of)
    return sorted(farms, key=lambda f: (-len(f.employees), f.employees))


def forwarded(farm: Farm, flagged: set[str]) -> list[str]:
    """The employees whose pay account ``monitor`` flagged for payroll forwarding."""
    return [e for e in farm.employees if farm.pay_accounts.get(e) in flagged]


def _describe(
    con: duckdb.DuckDBPyConnection,
    groups: list[tuple[list[str], list[tuple[str, str, int]]]],
    employer_of: dict[str, str],
) -> list[Farm]:
    """Each group as a Farm: labels, log-in counts and pay accounts, in a few queries over all
    groups (a world of a million parties has tens of thousands of two-person households)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE members AS "
        "SELECT unnest(?::VARCHAR[]) AS node_id, unnest(?::INTEGER[]) AS farm",
        [[e for g, _ in groups for e in g], [i for i, (g, _) in enumerate(groups) for _ in g]],
    )
    labels = dict(
        con.execute(
            "SELECT n.node_id, n.label FROM nodes n JOIN members USING (node_id)"
        ).fetchall()
    )
    counts = {
        int(farm): tuple(int(x) for x in rest)
        for farm, *rest in con.execute(
            """SELECT m.farm, sum(logins), sum(remote_tool_logins), sum(foreign_logins),
                      sum(long_sessions)
               FROM logins l JOIN members m ON m.node_id = l.employee_id GROUP BY m.farm"""
        ).fetchall()
    }
    pay = dict(
        con.execute(
            """SELECT e.src, e.dst FROM edges e JOIN members m ON m.node_id = e.src
               WHERE e.kind = 'employment' AND e.via = 'pay'"""
        ).fetchall()
    )
    farms = []
    for number, (employees, values) in enumerate(groups):
        logins, remote, foreign, long = counts.get(number, (0, 0, 0, 0))
        farms.append(
            Farm(
                employees=tuple(employees),
                labels={e: labels[e] for e in employees if e in labels},
                employers=tuple(sorted({employer_of[e] for e in employees if employer_of.get(e)})),
                values=tuple(values),
                logins=logins,
                remote_logins=remote,
                foreign_logins=foreign,
                long_sessions=long,
                pay_accounts={e: pay[e] for e in employees if e in pay},
            )
        )
    return farms


def farm_signs(farm: Farm, settings: FarmSettings) -> tuple[tuple[str, float], ...]:
    """The signs of a farm the group shows, in words, each with its points."""
    signs = (
        (
            farm.most_at_one_address >= settings.least_employees,
            settings.address_points,
            f"laptops of {farm.most_at_one_address} employees of different employers shipped "
            "to one address",
        ),
        (
            farm.remote_share >= settings.remote_share,
            settings.remote_points,
            f"{farm.remote_share:.0%} of log-ins through remote-access tools or left open",
        ),
        (
            farm.shares_a_device,
            settings.device_points,
            "one device logs in for employees of different employers",
        ),
        (
            farm.foreign_share >= settings.remote_share,
            settings.abroad_points,
            f"{farm.foreign_share:.0%} of log-ins from outside the stated residence",
        ),
    )
    return tuple((words, points) for shown, points, words in signs if shown and points > 0)


def is_suspect(farm: Farm, settings: FarmSettings) -> bool:
    """Larger than a household or with laptops left on, and signs of a farm that add up to
    :attr:`FarmSettings.raise_at`."""
    sized = (
        len(farm.employees) >= settings.least_employees or farm.long_share >= settings.long_share
    )
    return sized and sum(p for _, p in farm_signs(farm, settings)) >= settings.raise_at


def payroll_flagged(alerts: Iterable[Alert]) -> set[str]:
    """The pay accounts that ``monitor`` raised ``it_worker_payroll`` alerts on (payroll
    forwarding): what :func:`farm_alerts` takes as ``flagged``."""
    return {
        account
        for alert in alerts
        if alert.typology == "it_worker_payroll"
        for account in alert.accounts
    }


def farm_alerts(
    farms: list[Farm], settings: FarmSettings, flagged: set[str] | None = None
) -> list[Alert]:
    """One ``laptop_farm`` finding per suspect group; ``flagged`` are the pay accounts that
    ``monitor`` raised ``it_worker_payroll`` alerts on (payroll forwarding), a further sign."""
    alerts = []
    for farm in farms:
        if not is_suspect(farm, settings):
            continue
        passed_on = forwarded(farm, flagged or set())
        signs = farm_signs(farm, settings)
        points = sum(p for _, p in signs)
        reasons = (
            Reason(
                "employees tied by shared laptop addresses, IPs or devices",
                len(farm.employees),
                settings.least_employees,
                ">=",
            ),
            Reason("distinct employers", len(farm.employers), 2, ">="),
            Reason("points of the signs of a farm", points, settings.raise_at, ">="),
            *(Reason("sign of a farm", f"{words} ({points:g} points)") for words, points in signs),
            Reason("share of sessions of 12 h or more", round(farm.long_share, 2)),
            Reason("employees whose pay is forwarded (monitor alerts)", len(passed_on)),
        )
        path = farm.evidence_path()
        path.append("signs of a farm: " + "; ".join(words for words, _ in signs))
        path += [f"pay of {e} ({farm.pay_accounts[e]}) forwarded on (monitor)" for e in passed_on]
        score = min(1.0, 0.1 * points + 0.05 * len(farm.employees) + 0.1 * len(passed_on))
        alerts.append(
            Alert(
                alert_id=alert_id("network.laptop_farm", farm.employees[0], farm.employees),
                typology="laptop_farm",
                rule_id="network.laptop_farm",
                severity="high" if len(farm.employees) >= settings.least_employees else "medium",
                tx_ids=(),
                amount=0.0,
                period_start=None,
                period_end=None,
                score=round(score, 3),
                reasons=reasons,
                accounts=tuple(sorted(set(farm.pay_accounts.values()))),
                evidence={"employees": list(farm.employees), "path": path},
                explanation="; ".join(path),
                verb="network",
                subjects=tuple(Subject("party", e, farm.labels.get(e, "")) for e in farm.employees),
            )
        )
    return alerts
