"""Reference rates that put every amount in one unit (US dollars) so thresholds mean one thing.

Rules compare amounts with thresholds in USD. Each transaction's amount is converted with the rate
below for its currency; a currency not in the table is an input error, never a silent zero. The
rates are fixed reference values (approximate mid-market, early 2026), good enough for thresholds
such as "at least 10,000 USD"; supply your own with ``--rates FILE`` (CSV columns
``currency,usd_per_unit``) when exact conversion matters.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from sever.errors import InputError
from sever.tables.csv_input import CsvReader

USD_PER_UNIT: dict[str, float] = {
    "USD": 1.0,
    "EUR": 1.08,
    "GBP": 1.27,
    "CHF": 1.13,
    "JPY": 0.0067,
    "CNY": 0.138,
    "CNH": 0.138,
    "HKD": 0.128,
    "SGD": 0.74,
    "KRW": 0.00072,
    "KPW": 0.0011,
    "RUB": 0.011,
    "AED": 0.272,
    "CAD": 0.73,
    "AUD": 0.66,
    "NZD": 0.60,
    "INR": 0.012,
    "THB": 0.028,
    "VND": 0.000039,
    "MYR": 0.21,
    "IDR": 0.000062,
    "PHP": 0.0175,
    "TWD": 0.031,
    "MNT": 0.00029,
    "LAK": 0.000046,
    "KHR": 0.00024,
    "MXN": 0.055,
    "BRL": 0.18,
    "ZAR": 0.054,
    "TRY": 0.029,
    "SEK": 0.095,
    "NOK": 0.093,
    "DKK": 0.145,
    "PLN": 0.25,
    "NGN": 0.00065,
    "UAH": 0.024,
    "KZT": 0.002,
    "PKR": 0.0036,
    "SAR": 0.267,
    "ILS": 0.27,
    "USDT": 1.0,
    "USDC": 1.0,
}


MAX_RATE = 1e6
"""The largest rate accepted (US dollars per unit); no currency is worth more than this."""

CURRENCY_CODE = re.compile(r"[A-Z0-9]{2,10}")
"""A currency code: ISO 4217 (``EUR``), or a token's ticker (``USDT``)."""


def read_rates(path: str | Path) -> dict[str, float]:
    """Rates from a CSV (``currency, usd_per_unit``); they add to or replace the built-in ones.

    The file is read strictly (UTF-8, or UTF-16 with a byte-order mark); every rate must be a
    positive finite number up to :data:`MAX_RATE`, and a currency may appear only once.
    """
    rates = dict(USD_PER_UNIT)
    seen: dict[str, int] = {}
    reader = CsvReader(path, required=("currency", "usd_per_unit"), what="rates file")
    for line, record in reader:
        code = record["currency"].strip().upper()
        if not CURRENCY_CODE.fullmatch(code):
            raise InputError(
                path,
                f"currency {record['currency']!r} is not a currency code (e.g. EUR, USDT)",
                row=line,
                field="currency",
            )
        if code in seen:
            raise InputError(
                path, f"{code} is given twice (line {seen[code]})", row=line, field="currency"
            )
        seen[code] = line
        rates[code] = _rate(path, line, record["usd_per_unit"])
    return rates


def _rate(path: str | Path, line: int, text: str) -> float:
    """One rate: a positive finite number no larger than MAX_RATE."""
    return positive_number(path, line, "usd_per_unit", text, MAX_RATE)


def positive_number(path: str | Path, line: int, field: str, text: str, most: float) -> float:
    """A positive finite number no larger than ``most`` read from one cell, or an InputError
    naming the file, line and field (rate and price files share it)."""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not 0 < number <= most:
        raise InputError(
            path,
            f"{field} {text!r} is not a positive number up to {most:,.0f}",
            row=line,
            field=field,
        )
    return number
