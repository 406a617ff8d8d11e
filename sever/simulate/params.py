"""Every knob of a simulated world, declared once with its default and the help an analyst reads.

``SimulationParams`` describes the world (size, dates, currencies, banks, the illicit share) and
``SchemeParams`` the shape of each planted scheme (how many mules, how fast money moves on).
``validate`` turns a bad value into an ``InputError`` naming the field, never a traceback.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from sever.alerts import TYPOLOGIES
from sever.errors import InputError

SIZES = {"small": 100_000, "medium": 5_000_000, "large": 50_000_000}
"""Named sizes: the number of bank transactions written."""

MIN_SIZE = 2_000
MAX_SIZE = 1_000_000_000
"""The largest world written: 20 times ``large``, about 60 GiB of Parquet."""

MAX_INSTANCES_PER_1000 = 5
"""Most instances of one typology that ``--count`` may ask for per 1,000 bank transactions (at
least 100): every scheme needs payments of its own, so more would not fit in the world."""
FORMATS = ("parquet", "csv")

TYPOLOGY_NAMES = TYPOLOGIES
"""The shared vocabulary of ``docs/contracts.md``: simulate labels and monitor alerts use it."""

DEFAULT_BANKS = (
    "US:First Liberty Bank",
    "US:Harborview National",
    "US:Prairie Federal Credit Union",
    "GB:Thameside Bank",
    "DE:Rheinland Handelsbank",
    "CN:Yalu River Commercial Bank",
    "CN:Liaoning Merchants Bank",
    "CN:Pearl Delta Bank",
    "HK:Victoria Harbour Bank",
    "RU:Volga Credit Bank",
    "RU:Primorye Trade Bank",
    "AE:Gulf Crescent Bank",
    "SG:Straits Capital Bank",
    "TH:Chao Phraya Bank",
    "VN:Red River Joint Stock Bank",
    "KR:Hangang Bank",
    "KR:Busan Harbour Bank",
    "JP:Sakura Coast Bank",
)
"""Fictional banks, ``COUNTRY:Name``; each account is held at a bank of its holder's country."""

DEFAULT_CURRENCIES = ("USD", "EUR", "GBP", "CNY", "HKD", "RUB", "AED", "SGD", "THB", "VND", "KRW")


def _p(default: Any, help: str, **kw: Any) -> Any:
    """A dataclass field whose help text travels with it (shown by ``--help`` and the docs)."""
    if isinstance(default, (dict, list)):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help, **kw})
    return field(default=default, metadata={"help": help, **kw})


@dataclass(frozen=True)
class SchemeParams:
    """How each planted scheme instance is shaped. Ranges are inclusive ``(low, high)``; each
    instance draws its own value from the range (counts, days and amounts log-uniform), so one
    world holds small, slow and wide schemes beside blatant ones. The defaults are the
    ``realistic`` difficulty; none of them is a rule's threshold."""

    mules: tuple[int, int] = _p((3, 30), "counterparties of a fan-in, fan-out or hub pattern")
    layers: tuple[int, int] = _p((2, 5), "layers of a stack; hops of a cycle are 3 to 8")
    window_days: tuple[int, int] = _p((3, 60), "days over which one bank-side pattern plays out")
    mule_usd: tuple[float, float] = _p(
        (100.0, 15_000.0), "US dollars of each payment a mule makes or receives"
    )
    flow_usd: tuple[float, float] = _p(
        (2_000.0, 400_000.0),
        "US dollars passed along a cycle or a chain, or scattered from one source",
    )
    bank_hop_hours: tuple[float, float] = _p(
        (1.0, 72.0), "hours between the bank hops of a cycle or a rapid-movement chain"
    )
    reporting_threshold: float = _p(
        10_000.0, "cash reporting threshold that structuring stays under"
    )
    structuring_band: tuple[float, float] = _p(
        (0.5, 0.99), "each structured deposit as a share of the reporting threshold"
    )
    structuring_deposits: tuple[int, int] = _p((3, 25), "deposits made by one structurer")
    it_workers: tuple[int, int] = _p((1, 6), "remote workers in one IT-worker payroll scheme")
    farm_laptops: tuple[int, int] = _p((3, 20), "employee laptops at one laptop farm")
    payroll_months: tuple[int, int] = _p((2, 12), "months an IT worker stays employed")
    forward_share: tuple[float, float] = _p(
        (0.5, 0.95), "share of each salary forwarded on by an IT worker's account"
    )
    forward_hours: tuple[float, float] = _p(
        (4.0, 240.0), "hours within which IT-worker salary is forwarded"
    )
    front_companies: tuple[int, int] = _p((2, 6), "companies in one front-company cluster")
    split_wallets: tuple[int, int] = _p((2, 20), "wallets a stolen balance is split over")
    split_usd: tuple[float, float] = _p(
        (2e4, 2e6),
        "US dollars each split wallet carries, drawn log-uniform per theft; the number of "
        "wallets (the theft over this) is kept within split_wallets",
    )
    peel_hops: tuple[int, int] = _p((3, 8), "hops of a peel chain")
    laundering_days: tuple[int, int] = _p(
        (1, 60),
        "days from a theft to the last cash-out, drawn log-uniform (slow laundering takes weeks)",
    )
    hop_hours: tuple[float, float] = _p(
        (0.05, 48.0),
        "median hours a laundering wallet holds funds before the next hop, drawn log-uniform "
        "per theft: minutes for a fast theft, days for a slow one",
    )
    theft_usd: tuple[float, float] = _p(
        (1e5, 5e8), "size of one theft in US dollars, drawn log-uniform"
    )
    new_account_days: int = _p(30, "an account opened this recently counts as new")


DIFFICULTIES = {
    "easy": SchemeParams(
        mules=(8, 20),
        layers=(3, 4),
        window_days=(14, 14),
        mule_usd=(1_500.0, 9_500.0),
        flow_usd=(20_000.0, 600_000.0),
        bank_hop_hours=(0.5, 12.0),
        structuring_band=(0.88, 0.995),
        structuring_deposits=(8, 20),
        it_workers=(2, 6),
        farm_laptops=(6, 20),
        payroll_months=(4, 10),
        forward_share=(0.9, 0.99),
        forward_hours=(1.0, 72.0),
        front_companies=(3, 6),
    ),
    "realistic": SchemeParams(),
    "adversarial": SchemeParams(
        mules=(2, 6),
        layers=(2, 3),
        window_days=(30, 180),
        mule_usd=(50.0, 3_000.0),
        flow_usd=(1_000.0, 60_000.0),
        bank_hop_hours=(24.0, 240.0),
        structuring_band=(0.3, 0.9),
        structuring_deposits=(3, 8),
        it_workers=(1, 3),
        farm_laptops=(2, 6),
        payroll_months=(2, 12),
        forward_share=(0.3, 0.7),
        forward_hours=(48.0, 720.0),
        front_companies=(2, 3),
    ),
}
"""Scheme shapes by difficulty: ``easy`` plays the blatant textbook shapes (many mules within two
weeks, deposits just under the threshold, pay forwarded within three days); ``realistic`` draws
from wide ranges, some schemes below any usual threshold; ``adversarial`` keeps every scheme
small, slow and spread wide, below the thresholds a rule pack would use."""


@dataclass(frozen=True)
class SimulationParams:
    """A whole world: its size, calendar, money, population and the schemes planted in it."""

    size: int = _p(SIZES["small"], "bank transactions to write (small, medium, large or a number)")
    seed: int = _p(0, "random seed; the same seed and parameters give byte-identical files")
    start: date = _p(date(2024, 1, 1), "first day of the simulated period")  # noqa: RUF009
    days: int = _p(365, "length of the simulated period in days")
    difficulty: str = _p(
        "realistic", "how hard the planted schemes are to tell apart: easy, realistic, adversarial"
    )
    illicit_share: float = _p(
        0.01,
        "most share of the active bank accounts that play a role in a scheme (recruited or "
        "opened for it); crypto thefts are planted for this share of chain transfers",
    )
    label_noise: float = _p(
        0.0,
        "share of schemes the institution never found: left out of labels/, kept in truth/",
    )
    label_delay_days: float = _p(
        0.0, "mean days from a scheme's last activity to the day it was labelled (labelled_at)"
    )
    typologies: tuple[str, ...] = _p(TYPOLOGY_NAMES, "typologies to plant (default: all)")
    scheme_counts: Mapping[str, int] = _p(
        {}, "exact instance counts per typology; the others share what the illicit share leaves"
    )
    tx_per_person: float = _p(60.0, "bank transactions per legitimate person over the period")
    company_share: float = _p(0.08, "companies per legitimate person")
    employment_rate: float = _p(0.6, "share of persons paid a salary")
    remote_share: float = _p(0.15, "share of employees working remotely (with login records)")
    logins_per_employee: int = _p(10, "login events recorded per remote employee")
    transfers_per_tx: float = _p(0.1, "chain transfers written per bank transaction")
    currencies: tuple[str, ...] = _p(DEFAULT_CURRENCIES, "currencies in use; others fall to USD")
    banks: tuple[str, ...] = _p(DEFAULT_BANKS, "banks as COUNTRY:Name")
    chunk_size: int = _p(250_000, "transactions generated and written per chunk")
    format: str = _p("parquet", "output format: parquet or csv")
    scheme: SchemeParams | None = _p(  # noqa: RUF009
        None, "shape of the planted schemes (default: the preset of the difficulty)"
    )

    @property
    def shape(self) -> SchemeParams:
        """The scheme shape in force: the one given, else the difficulty's preset."""
        return self.scheme or DIFFICULTIES.get(self.difficulty, DIFFICULTIES["realistic"])

    @property
    def end(self) -> date:
        """The day after the simulated period."""
        from datetime import timedelta

        return self.start + timedelta(days=self.days)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values, for ``world.json``."""
        data = dataclasses.asdict(self)
        data["start"] = self.start.isoformat()
        data["scheme_counts"] = dict(sorted(self.scheme_counts.items()))
        data["scheme"] = dataclasses.asdict(self.shape)
        return data


def parse_size(value: str | int) -> int:
    """``small``, ``medium``, ``large`` or a positive number of transactions."""
    if isinstance(value, int):
        return value
    text = str(value).strip().lower().replace("_", "")
    if text in SIZES:
        return SIZES[text]
    try:
        number = float(text)
        return int(number) if math.isfinite(number) else _not_a_size(value)
    except (ValueError, OverflowError):
        raise InputError(
            None, f"size {value!r} is not small, medium, large or a number", field="size"
        ) from None


def _not_a_size(value: object) -> int:
    raise InputError(None, f"size {value!r} is not small, medium, large or a number", field="size")


def parse_typologies(value: str | None) -> tuple[str, ...]:
    """A comma-separated list of typology names; empty means all."""
    if not value:
        return TYPOLOGY_NAMES
    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    _check_typologies(names, "typologies")
    return names


def _check_typologies(names: Any, name: str) -> None:
    unknown = [n for n in names if n not in TYPOLOGY_NAMES]
    if unknown:
        raise InputError(
            None,
            f"unknown typolog{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}; "
            f"known: {', '.join(TYPOLOGY_NAMES)}",
            field=name,
        )


def _check_range(name: str, value: Any, low: float, high: float | None = None) -> None:
    if high is None:
        ok = value >= low
        bound = f"at least {low}"
    else:
        ok = low <= value <= high
        bound = f"between {low} and {high}"
    if not ok:
        raise InputError(None, f"{name} must be {bound}, got {value}", field=name)


def validate(params: SimulationParams) -> SimulationParams:
    """Raise ``InputError`` naming the first bad field; return the parameters unchanged."""
    _check_range("size", params.size, MIN_SIZE, MAX_SIZE)
    _check_range("seed", params.seed, 0, 2**63 - 1)
    _check_range("days", params.days, 28, 3660)
    _check_range("illicit_share", params.illicit_share, 0.0, 0.5)
    _check_range("label_noise", params.label_noise, 0.0, 1.0)
    _check_range("label_delay_days", params.label_delay_days, 0.0, 3650.0)
    if params.difficulty not in DIFFICULTIES:
        raise InputError(
            None,
            f"difficulty must be one of {', '.join(DIFFICULTIES)}, got {params.difficulty!r}",
            field="difficulty",
        )
    for name in ("company_share", "employment_rate", "remote_share", "transfers_per_tx"):
        _check_range(name, getattr(params, name), 0.0, 1.0)
    _check_range("tx_per_person", params.tx_per_person, 5.0)
    _check_range("logins_per_employee", params.logins_per_employee, 1)
    _check_range("chunk_size", params.chunk_size, 10_000)
    _check_typologies(params.typologies, "typologies")
    _check_typologies(params.scheme_counts, "scheme_counts")
    most = max(100, params.size * MAX_INSTANCES_PER_1000 // 1000)
    for name, count in params.scheme_counts.items():
        _check_range(f"scheme_counts.{name}", count, 0, most)
    if params.format not in FORMATS:
        raise InputError(
            None,
            f"format must be one of {', '.join(FORMATS)}, got {params.format!r}",
            field="format",
        )
    if "USD" not in params.currencies:
        raise InputError(
            None, "currencies must include USD (the settlement currency)", field="currencies"
        )
    if not params.banks or any(":" not in b for b in params.banks):
        raise InputError(None, "banks must be a non-empty list of COUNTRY:Name", field="banks")
    _validate_scheme(params.shape)
    return params


def _validate_scheme(scheme: SchemeParams) -> None:
    for f in fields(scheme):
        value = getattr(scheme, f.name)
        if isinstance(value, tuple):
            low, high = value
            if low > high or low <= 0:
                raise InputError(
                    None,
                    f"{f.name} must be a range (low, high) with 0 < low <= high, got {value}",
                    field=f"scheme.{f.name}",
                )
    _check_range("scheme.forward_share", scheme.forward_share[1], 0.1, 1.0)
    _check_range("scheme.structuring_band", scheme.structuring_band[1], 0.01, 1.0)
    _check_range("scheme.reporting_threshold", scheme.reporting_threshold, 100.0)
    _check_range("scheme.window_days", scheme.window_days[1], 1, 365)
    _check_range("scheme.forward_hours", scheme.forward_hours[1], 1, 24 * 60)
    _check_range("scheme.new_account_days", scheme.new_account_days, 1, 365)
    if scheme.mules[0] < 2:
        raise InputError(None, "scheme.mules must start at 2 or more", field="scheme.mules")


def with_overrides(params: SimulationParams, overrides: Mapping[str, str]) -> SimulationParams:
    """Apply ``KEY=VALUE`` settings (``scheme.forward_share=0.8``) typed like their defaults."""
    scheme_changes: dict[str, Any] = {}
    top_changes: dict[str, Any] = {}
    fixed = ("scheme", "typologies", "scheme_counts", "size", "seed", "difficulty")
    for key, raw in overrides.items():
        in_scheme = key.startswith("scheme.")
        target, name = (params.shape, key[7:]) if in_scheme else (params, key)
        known = {f.name for f in fields(target)}
        if name not in known or (not in_scheme and name in fixed):
            raise InputError(None, f"unknown parameter {key!r}", field=key)
        value = _typed(key, getattr(target, name), raw)
        (scheme_changes if in_scheme else top_changes)[name] = value
    if scheme_changes:
        top_changes["scheme"] = dataclasses.replace(params.shape, **scheme_changes)
    return dataclasses.replace(params, **top_changes)


def _typed(key: str, current: Any, raw: str) -> Any:
    """Convert ``raw`` to the type of ``current``; a bad value names the parameter."""
    try:
        if isinstance(current, bool):
            return raw.lower() in ("1", "true", "yes")
        if isinstance(current, date):
            return date.fromisoformat(raw)
        if isinstance(current, tuple) and current and isinstance(current[0], str):
            return tuple(v.strip() for v in raw.split(",") if v.strip())
        if isinstance(current, tuple):
            kind = type(current[0])
            return tuple(kind(v) for v in raw.split(","))
        return type(current)(raw)
    except ValueError:
        raise InputError(None, f"{raw!r} is not a valid value for {key}", field=key) from None
