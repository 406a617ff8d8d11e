"""DPRK IT workers: remote jobs under stolen or borrowed identities, pay passed straight on.

TYPOLOGIES.md section A: salaries land in accounts that forward most of each pay within days to
front companies, money-service businesses in China or crypto exchanges; laptops are shipped to a
facilitator's address (a laptop farm) and reached by remote-desktop tools from abroad.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sever.simulate import calendar
from sever.simulate.plant import AccountRef, Plant
from sever.simulate.typologies.registry import typology
from sever.simulate.world import ips

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


def _cash_out_points(plant: Plant) -> list[AccountRef]:
    """Where forwarded pay goes: a new front company, a Chinese MSB and an exchange."""
    front = plant.company(
        "front_company", "HK" if plant.rng.random() < 0.5 else "CN", industry="software"
    )
    points = [
        plant.account(
            front, "front_company_account", "HK", kind="business", opened_days_ago=(20, 300)
        )
    ]
    points.append(plant.legit("msb", "CN"))
    points.append(plant.legit("exchange"))
    return points


def _hire_workers(
    plant: Plant, count: int, ship_to: str, shared_accounts: bool
) -> tuple[list[Worker], list[int]]:
    """Identities hired by legitimate employers, their pay accounts opened recently.

    Returns the workers and the keys of their salary payments.
    """
    workers = []
    salary_keys: list[int] = []
    pay_accounts: list[AccountRef] = []
    t0_day = plant.start_second(120) // calendar.DAY
    for index in range(count):
        culture = "english" if plant.rng.random() < 0.7 else "korean"
        identity = plant.person("stolen_identity", "US", culture=culture)
        name = plant.row(identity)["name"]
        if shared_accounts and pay_accounts and plant.rng.random() < 0.6:
            pay = pay_accounts[int(plant.rng.integers(0, len(pay_accounts)))]
        else:
            pay = plant.account(identity, "payroll_account", "US", opened_days_ago=(10, 200))
            pay_accounts.append(pay)
        employer = plant.legit("employer", "US")
        start = t0_day + int(plant.rng.integers(0, 20)) + index
        employee_id = plant.hire(identity, name, employer.holder_id, start, pay, ship_to)
        salary = float(np.round(plant.rng.uniform(6000, 14000), -1))
        workers.append(Worker(identity, employee_id, pay, salary, plant.row(identity)["device_id"]))
        salary_keys += _pay_months(plant, employer, pay, salary, start)
    return workers, salary_keys


def _pay_months(
    plant: Plant, employer: AccountRef, pay: AccountRef, salary: float, start_day: int
) -> list[int]:
    """Monthly salaries from the first payday after ``start_day``; returns their keys."""
    months = int(
        plant.rng.integers(plant.scheme.payroll_months[0], plant.scheme.payroll_months[1] + 1)
    )
    paydays = [
        d
        for d in calendar.paydays(plant.world.params.start, plant.world.params.days)
        if d > start_day
    ]
    keys = []
    for payday in paydays[:months]:
        when = payday * calendar.DAY + int(plant.rng.integers(6 * 3600, 10 * 3600))
        keys.append(
            plant.pay(when, employer, pay, salary, "salary", payment_format="ach", purpose="salary")
        )
    return keys


def _forward(plant: Plant, salary_keys: list[int], destinations: list[AccountRef]) -> None:
    """Forward ``forward_share`` of each salary within ``forward_hours``, in one or two legs."""
    for key in salary_keys:
        credit = plant.out.transactions[key]
        pay = AccountRef(
            credit["dst_account"], credit["dst_bank"], credit["dst_country"], credit["currency"], ""
        )
        share = plant.scheme.forward_share * plant.rng.uniform(
            1.0, 1.0 / plant.scheme.forward_share
        )
        share = min(share, 0.99)
        legs = 1 if plant.rng.random() < 0.5 else 2
        for leg in range(legs):
            dst = destinations[int(plant.rng.integers(0, len(destinations)))]
            when = plant.later(credit["seconds"], 1, plant.scheme.forward_hours * 0.95)
            usd = credit["amount"] * share / legs
            purpose = (
                "crypto purchase"
                if dst is destinations[-1]
                else ("consulting fee" if leg == 0 else "remittance")
            )
            plant.pay(when, pay, dst, usd, "forward", purpose=purpose, currency=credit["currency"])


def _remote_logins(plant: Plant, workers: list[Worker], farm_ip: str | None) -> None:
    """Logins from abroad through remote tools, or all from one farm IP, with very long sessions."""
    for worker in workers:
        for _ in range(int(plant.rng.integers(5, 12))):
            when = plant.start_second(1)
            if farm_ip is not None:
                ip, country = farm_ip, "US"
            else:
                country = ABROAD[int(plant.rng.integers(0, len(ABROAD)))]
                ip = str(ips(plant.rng, np.array([country]))[0])
            tool = REMOTE_TOOLS[int(plant.rng.integers(0, len(REMOTE_TOOLS)))]
            hours = float(plant.rng.uniform(12, 60))
            plant.login(worker.employee_id, when, ip, country, worker.device_id, hours, tool)


def _scheme(plant: Plant, count: int, farm: bool) -> None:
    facilitator = plant.person("facilitator", "US", culture="english")
    residence = plant.row(facilitator)["address"]
    farm_ip = plant.row(facilitator)["ip"] if farm else None
    workers, salary_keys = _hire_workers(plant, count, residence, shared_accounts=not farm)
    _forward(plant, salary_keys, _cash_out_points(plant))
    _remote_logins(plant, workers, farm_ip)
    plant.params.update(
        workers=count,
        facilitator=facilitator,
        ship_to=residence,
        farm_ip=farm_ip,
        forward_share=plant.scheme.forward_share,
        forward_hours=plant.scheme.forward_hours,
    )


@typology("it_worker_payroll", "it_workers", expected_tx=50)
def it_worker_payroll(plant: Plant) -> None:
    """Remote IT workers on stolen identities; pay forwarded in days to fronts, MSBs, exchanges."""
    low, high = plant.scheme.it_workers
    _scheme(plant, int(plant.rng.integers(low, high + 1)), farm=False)


@typology("laptop_farm", "it_workers", expected_tx=140)
def laptop_farm(plant: Plant) -> None:
    """Many employees' laptops at one residential address, all logging in from one IP."""
    low, high = plant.scheme.farm_laptops
    _scheme(plant, int(plant.rng.integers(low, high + 1)), farm=True)
