"""When money moves: seasonality over the year, a weekly cycle, and hour-of-day profiles.

Timestamps are written in UTC; people act in local time, so each hour drawn from a profile is
shifted by the acting account's country offset (``UTC_OFFSETS``).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

EPOCH = date(1970, 1, 1)
DAY = 86_400

UTC_OFFSETS = {
    "US": -5,
    "GB": 0,
    "DE": 1,
    "CN": 8,
    "HK": 8,
    "RU": 3,
    "AE": 4,
    "SG": 8,
    "TH": 7,
    "VN": 7,
    "KR": 9,
    "JP": 9,
    "KP": 9,
    "VG": -4,
    "MH": 12,
    "SC": 4,
}
"""Hours east of UTC, per country (one zone per country is enough here)."""

WEEKDAY_FACTOR = np.array([1.0, 1.02, 1.03, 1.05, 1.12, 0.8, 0.55])
"""Relative activity Monday…Sunday: business payments stop at weekends, retail peaks on Friday."""

MONTH_FACTOR = np.array([0.9, 0.88, 0.97, 0.98, 1.0, 0.99, 1.0, 1.01, 0.98, 1.02, 1.12, 1.3])
"""Relative activity January…December: a dip after the holidays, a peak before Christmas."""


def _profile(peaks: list[tuple[float, float, float]], floor: float) -> np.ndarray:
    hours = np.arange(24)
    weights = np.full(24, floor)
    for centre, width, height in peaks:
        weights += height * np.exp(-0.5 * ((hours - centre) / width) ** 2)
    return weights / weights.sum()


HOUR_PROFILES = {
    "retail": _profile([(12.5, 1.5, 1.0), (19.0, 2.0, 1.3)], 0.05),
    "business": _profile([(10.0, 1.5, 1.0), (15.0, 1.8, 0.9)], 0.01),
    "evening": _profile([(20.5, 2.0, 1.0), (8.0, 1.0, 0.3)], 0.04),
    "batch": _profile([(2.5, 1.0, 1.0)], 0.01),
    "always": _profile([(14.0, 5.0, 0.4)], 0.3),
}
"""Local hour-of-day distributions: shops, offices, people at home, batches, 24/7 chains."""


def day_number(day: date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH).days


def day_weights(start: date, days: int, weekly: bool = True) -> np.ndarray:
    """Relative activity of each day of the period: weekly cycle, seasons and slow growth."""
    numbers = np.arange(day_number(start), day_number(start) + days)
    weekday = (numbers + 3) % 7  # 1970-01-01 was a Thursday
    months = np.array([(start + timedelta(days=int(i))).month - 1 for i in range(days)])
    weights = MONTH_FACTOR[months] * np.linspace(1.0, 1.08, days)
    if weekly:
        weights = weights * WEEKDAY_FACTOR[weekday]
    return weights / weights.sum()


def weekday_of(day_numbers: np.ndarray) -> np.ndarray:
    """Monday = 0 … Sunday = 6."""
    return (day_numbers + 3) % 7


def timestamps(
    rng: np.random.Generator, day_numbers: np.ndarray, profile: str, offsets: np.ndarray
) -> np.ndarray:
    """UTC epoch seconds for acts on local ``day_numbers`` at hours drawn from ``profile``."""
    n = len(day_numbers)
    hours = rng.choice(24, size=n, p=HOUR_PROFILES[profile])
    seconds = rng.integers(0, 3600, n)
    return day_numbers.astype(np.int64) * DAY + (hours - offsets).astype(np.int64) * 3600 + seconds


def paydays(start: date, days: int) -> list[int]:
    """Day numbers of monthly paydays in the period: the last weekday of each month."""
    out = []
    first, last = day_number(start), day_number(start) + days
    month = date(start.year, start.month, 1)
    while day_number(month) < last:
        following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        pay = following - timedelta(days=1)
        while pay.weekday() >= 5:
            pay -= timedelta(days=1)
        if first <= day_number(pay) < last:
            out.append(day_number(pay))
        month = following
    return out
