"""Dates of birth: the same day, the same year, close, or contradicting.

Lists often give only a year, or a range of years (OFAC's "DOB 01 Jan 1967 to 31 Dec 1969" becomes
one value per year); customers give a full date. A date that fits at the precision both sides have
counts for the match; dates years apart count strongly against it. A date of birth in the future or
before EARLIEST_BIRTH_YEAR is no one's: it is set aside on either side, counts neither for nor
against, and a line of its own says so.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from sever.screen.features import Observation

if TYPE_CHECKING:
    from sever.screen.prepared import Prepared

DATE_PROPS = ("birthDate",)
MAX_RANGE_YEARS = 10
"""Listed dates of birth this close together are read as a range, not as alternatives."""
YEAR_TOLERANCE = 1
"""Dates of birth at most this many years apart are 'close' (ages estimated, calendars converted)
rather than contradicting."""


EARLIEST_BIRTH_YEAR = 1850
"""Dates of birth before this year are set aside: no one alive was born then, so such a value is a
slip or a placeholder (0001-01-01, 1800-01-01), not evidence."""


def prepare_dates(values: list[str]) -> tuple[str, ...]:
    """Dates as FtM writes them (YYYY, YYYY-MM or YYYY-MM-DD), cut to the day."""
    return tuple(sorted({v[:10] for v in values if len(v) >= 4 and v[:4].isdigit()}))


def implausible(value: str, today: date | None = None) -> str | None:
    """Why a date of birth is no one's (in the future, or before EARLIEST_BIRTH_YEAR), or None
    when it may be someone's. A date given only to the year or month is in the future when
    that year or month is."""
    now = (today or date.today()).isoformat()
    if value > now[: len(value)]:
        return "it is in the future"
    if int(value[:4]) < EARLIEST_BIRTH_YEAR:
        return f"it is before {EARLIEST_BIRTH_YEAR}"
    return None


def _usable(dates: tuple[str, ...]) -> tuple[str, ...]:
    """The dates of birth that may be someone's."""
    if not dates or _all_plausible(dates):
        return dates
    return tuple(d for d in dates if implausible(d) is None)


_STARTED = date.today().isoformat()
"""The day this process started: a date no later than it is no later than today either."""


@lru_cache(maxsize=1 << 14)
def _all_plausible(dates: tuple[str, ...]) -> bool:
    """Every date is someone's: none before EARLIEST_BIRTH_YEAR, none after the day this process
    started (so none in the future today). A pair's features ask this of the same dates a dozen
    times; remembered, it spares asking the clock each time."""
    return all(d <= _STARTED[: len(d)] and int(d[:4]) >= EARLIEST_BIRTH_YEAR for d in dates)


def birth_date_ignored(query: Prepared, candidate: Prepared) -> Observation | None:
    """A date of birth in the future or before EARLIEST_BIRTH_YEAR, on either side, was set aside:
    it counts neither for nor against the match. None when every date was used."""
    notes = []
    for side, dates in (("the query's", query.birth_dates), ("the listed", candidate.birth_dates)):
        notes += [
            f"{side} date of birth {d} is ignored: {why}, so it is no one's"
            for d in dates
            if (why := implausible(d))
        ]
    return Observation(0.0, "; ".join(notes)) if notes else None


def _fits(a: str, b: str) -> bool:
    """True when the less precise date is a prefix of the more precise one."""
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return longer.startswith(shorter)


def _swapped(a: str, b: str) -> bool:
    """True when two full dates differ only by day and month swapped (1984-01-08 / 1984-08-01)."""
    return len(a) == len(b) == 10 and a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]


def birth_date_match(query: Prepared, candidate: Prepared) -> Observation | None:
    """The query's date of birth is the listed one, to the day."""
    qv, cv = _usable(query.birth_dates), _usable(candidate.birth_dates)
    for q in qv:
        for c in cv:
            if q == c and len(q) == 10:
                return Observation(1.0, f"same date of birth {q}", q, c)
    return None


def _within_range(date: str, listed: tuple[str, ...]) -> bool:
    """True when the listed dates span at most MAX_RANGE_YEARS (OFAC's "DOB 01 Jan 1967 to 31 Dec
    1969" is listed as its two ends) and the date falls between them."""
    if len(listed) < 2:
        return False
    first, last = listed[0], listed[-1]
    if int(last[:4]) - int(first[:4]) > MAX_RANGE_YEARS:
        return False
    return first <= date <= last or _fits(date, first) or _fits(date, last)


def birth_year_match(query: Prepared, candidate: Prepared) -> Observation | None:
    """The dates of birth agree as far as the less precise one goes (the list gives only 1955 and
    the query 1955-03-02, or the same year and month), or the query's date falls within the
    listed range of dates."""
    qv, cv = _usable(query.birth_dates), _usable(candidate.birth_dates)
    for q in qv:
        for c in cv:
            if _fits(q, c) and not (q == c and len(q) == 10):
                return Observation(1.0, f"date of birth {q} fits the listed {c}", q, c)
        if _within_range(q, cv):
            listed = f"{cv[0]} to {cv[-1]}"
            return Observation(
                1.0, f"date of birth {q} falls within the listed {listed}", q, listed
            )
    return None


def birth_date_near(query: Prepared, candidate: Prepared) -> Observation | None:
    """The dates of birth do not agree but are close: at most YEAR_TOLERANCE years apart, or day and
    month swapped. Weak evidence against: an estimate or a slip, or another person."""
    qv, cv = _usable(query.birth_dates), _usable(candidate.birth_dates)
    for q in qv:
        for c in cv:
            if _swapped(q, c):
                return Observation(
                    1.0, f"date of birth {q} is the listed {c} with day and month swapped", q, c
                )
            if abs(int(q[:4]) - int(c[:4])) <= YEAR_TOLERANCE:
                return Observation(1.0, f"date of birth {q} is close to the listed {c}", q, c)
    return None


def birth_date_mismatch(query: Prepared, candidate: Prepared) -> Observation | None:
    """Both give a date of birth and none of the query's is within YEAR_TOLERANCE years of a listed
    one: most likely a different person with a similar name."""
    qv, cv = _usable(query.birth_dates), _usable(candidate.birth_dates)
    if not qv or not cv:
        return None
    for q in qv:
        for c in cv:
            if _fits(q, c) or _swapped(q, c) or abs(int(q[:4]) - int(c[:4])) <= YEAR_TOLERANCE:
                return None
        if _within_range(q, cv):
            return None
    listed = ", ".join(cv[:3]) + ("…" if len(cv) > 3 else "")
    return Observation(1.0, f"date of birth {qv[0]} contradicts the listed {listed}", qv[0], cv[0])
