"""DPRK IT workers: remote jobs under stolen or borrowed identities, pay passed straight on.

TYPOLOGIES.md section A: salaries land in the accounts of ordinary US residents whose identities
are used (accounts that go on paying rent and groceries), which forward much of each pay within
days to the facilitator, money-service businesses in China or crypto exchanges; laptops are
shipped to the facilitator's address (a laptop farm) and reached by remote-desktop tools from
abroad.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sever.simulate import calendar
from sever.simulate.background import login_counts, login_seconds, plain_tools, session_hours
from sever.simulate.plant import AccountRef, Plant
from sever.simulate.typologies.registry import typology
from sever.simulate.world import ips, long_session_shares

REMOTE_TOOLS = ("anydesk", "teamviewer", "chrome-remote-desktop", "rdp")
ABROAD = ("CN", "CN", "RU", "KP")


@dataclass(frozen=True)
class Worker:
    """One remote worker: the identity used, the employee record and the pay account."""

    party_id: str
    employee_id: str
    pay: AccountRef
    salary_usd: float
    device_id: str
    home_ip: str
    start_day: int


def _cash_out_points(plant: Plant, facilitator: AccountRef) -> list[AccountRef]:
    """Where forwarded pay goes: the facilitator, a money-service business in China, an exchange."""
    return [facilitator, plant.legit("msb", "CN"), plant.legit("exchange")]


def _salary_usd(plant: Plant) -> float:
    """A monthly salary drawn as the background's employees' salaries are."""
    return float(np.round(np.exp(plant.rng.normal(np.log(4200), 0.45)), -1))


def _ship_to(plant: Plant, identity: AccountRef, drops: list[str], at_drop: float) -> str:
    """Where a worker's laptop goes: one of the scheme's drop addresses with chance ``at_drop``,
    else the home of the identity used (an address nobody else shares)."""
    if plant.rng.random() < at_drop:
        return drops[int(plant.rng.integers(0, len(drops)))]
    return str(plant.party_value(identity, "address"))


def _hire_workers(
    plant: Plant,
    count: int,
    drops: list[str],
    at_drop: float,
    shared_accounts: bool,
    cash_out: list[AccountRef],
) -> list[Worker]:
    """Identities of ordinary US residents hired by legitimate employers and paid into accounts
    that also pay rent and groceries; each pay is forwarded on within days. Laptops go to a drop
    address with chance ``at_drop``, else to the identity's own home."""
    workers = []
    pay_accounts: list[AccountRef] = []
    t0_day = plant.start_second(120) // calendar.DAY
    share = plant.rng.uniform(*plant.scheme.forward_share)
    for index in range(count):
        shared = bool(shared_accounts and pay_accounts) and plant.rng.random() < 0.6
        identity = plant.recruit(
            "payroll_account",
            country="US",
            party_role="stolen_identity",
            label_account=not shared,
        )
        pay = pay_accounts[int(plant.rng.integers(0, len(pay_accounts)))] if shared else identity
        if not shared:
            pay_accounts.append(pay)
        name = str(plant.party_value(identity, "name"))
        employer = plant.legit("employer", "US")
        start = t0_day + int(plant.rng.integers(0, 20)) + index
        ship_to = _ship_to(plant, identity, drops, at_drop)
        employee_id = plant.hire(identity.holder_id, name, employer.holder_id, start, pay, ship_to)
        salary = _salary_usd(plant)
        device = str(plant.party_value(identity, "device_id"))
        home_ip = str(plant.party_value(identity, "ip"))
        workers.append(Worker(identity.holder_id, employee_id, pay, salary, device, home_ip, start))
        for paid, usd in _pay_months(plant, employer, pay, salary, start):
            _forward(plant, pay, paid, usd * share, cash_out)
    plant.params.update(forward_share=round(share, 3))
    return workers


def _pay_months(
    plant: Plant, employer: AccountRef, pay: AccountRef, salary: float, start_day: int
) -> list[tuple[int, float]]:
    """Monthly salaries from the first payday after ``start_day``: (moment, US dollars) each."""
    months = plant.count(plant.scheme.payroll_months)
    paydays = [
        d
        for d in calendar.paydays(plant.world.params.start, plant.world.params.days)
        if d > start_day
    ]
    paid = []
    for payday in paydays[:months]:
        usd = salary * plant.rng.normal(1.0, 0.03)
        paid.append((plant.pay(employer, pay, usd, "salary", day=payday, kind="salary"), usd))
    return paid


def _forward(
    plant: Plant, pay: AccountRef, paid: int, usd: float, destinations: list[AccountRef]
) -> None:
    """Pass ``usd`` of a salary paid at ``paid`` on within ``forward_hours``, in one or two legs."""
    hours = plant.span(plant.scheme.forward_hours)
    legs = 1 if plant.rng.random() < 0.5 else 2
    for _ in range(legs):
        dst = destinations[int(plant.rng.integers(0, len(destinations)))]
        plant.pay(
            pay, dst, usd / legs, "forward", earliest=paid + 3600, latest=paid + int(hours * 3600)
        )


REMOTE_SOFTWARE_SHARE = 0.6
"""Share of farms whose workers reach the laptops through remote-access software (AnyDesk,
TeamViewer…), visible in the log-ins; the rest use hardware KVM-over-IP devices plugged into the
laptops (DOJ, June 2025), which leave no trace of a tool: their log-ins carry the tools of
ordinary ones."""
SOFTWARE_USE = 0.7
"""Share of a software farm's (or a worker abroad's) log-ins that name the remote tool."""
FARM_IP_USE = 0.85
"""Share of a farm worker's log-ins from the farm's IP (the rest from the identity's home)."""


def _remote_logins(plant: Plant, workers: list[Worker], farm_ip: str | None) -> None:
    """Logins from abroad, or mostly from one farm IP (now and then from the identity's home).
    Workers abroad and software farms (every farm at ``easy`` difficulty) name a remote tool most
    of the time; KVM farms do not.
    They log in on working days after the hire, in US business hours (the hours they are paid
    for), as everybody logs in at their own business hours.
    Session lengths follow the law of everybody's (:func:`background.session_hours`): a farm's
    laptops are worked in shifts like anyone's. At a farm some laptops serve two identities: a
    worker then logs in on another worker's device."""
    textbook = plant.world.params.difficulty == "easy"  # the blatant shape: remote software
    software = farm_ip is None or textbook or plant.rng.random() < REMOTE_SOFTWARE_SHARE
    for worker in workers:
        device = worker.device_id
        if farm_ip is not None and len(workers) > 1 and plant.rng.random() < 0.3:
            device = workers[int(plant.rng.integers(0, len(workers)))].device_id
        count = int(login_counts(plant.rng, plant.world.params.logins_per_employee, 1)[0])
        long_share = long_session_shares(plant.rng, 1)[0]
        hours = session_hours(plant.rng, np.full(count, long_share))
        plain = plain_tools(plant.rng, count)
        moments = login_seconds(
            plant.rng, plant.world, np.full(count, worker.start_day), np.full(count, "US")
        )
        for index, when in enumerate(moments.tolist()):
            if farm_ip is not None and plant.rng.random() < FARM_IP_USE:
                ip, country = farm_ip, "US"
            elif farm_ip is not None:
                ip, country = worker.home_ip, "US"
            else:
                country = ABROAD[int(plant.rng.integers(0, len(ABROAD)))]
                ip = str(ips(plant.rng, np.array([country]))[0])
            tool = plain[index]
            if software and plant.rng.random() < SOFTWARE_USE:
                tool = REMOTE_TOOLS[int(plant.rng.integers(0, len(REMOTE_TOOLS)))]
            plant.login(worker.employee_id, when, ip, country, device, float(hours[index]), tool)


def _scheme(plant: Plant, count: int, farm: bool) -> None:
    facilitator = plant.recruit("facilitator", country="US")
    residence = str(plant.party_value(facilitator, "address"))
    farm_ip = str(plant.party_value(facilitator, "ip")) if farm else None
    cash_out = _cash_out_points(plant, facilitator)
    drops = [residence]
    if farm and count > 5 and plant.rng.random() < 0.4:
        drops.append(plant.out.stock.take("address", "US"))  # a second house, a relative's
    at_drop = plant.rng.uniform(0.75, 1.0) if farm else plant.rng.uniform(0.0, 0.4)
    workers = _hire_workers(plant, count, drops, at_drop, not farm, cash_out)
    _remote_logins(plant, workers, farm_ip)
    plant.params.update(
        workers=count,
        employees=[worker.employee_id for worker in workers],
        facilitator=facilitator.holder_id,
        ship_to=drops,
        farm_ip=farm_ip,
    )


@typology("it_worker_payroll", "it_workers", expected_tx=50)
def it_worker_payroll(plant: Plant) -> None:
    """Remote IT workers on stolen identities; pay forwarded in days to fronts, MSBs, exchanges."""
    _scheme(plant, plant.count(plant.scheme.it_workers), farm=False)


@typology("laptop_farm", "it_workers", expected_tx=140)
def laptop_farm(plant: Plant) -> None:
    """Many employees' laptops at one residential address, all logging in from one IP."""
    _scheme(plant, plant.count(plant.scheme.farm_laptops), farm=True)
