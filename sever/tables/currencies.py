"""Reference rates that put every amount in one unit (US dollars) so thresholds mean one thing.

Rules compare amounts with thresholds in USD. Each transaction's amount is converted with the rate
below for its currency; a currency not in the table is an input error, never a silent zero. The
rates are fixed reference values (approximate mid-market, early 2026), good enough for thresholds
such as "at least 10,000 USD"; supply your own with ``--rates FILE`` (CSV columns
``currency,usd_per_unit``) when exact conversion matters.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sever.errors import InputError

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


def read_rates(path: str | Path) -> dict[str, float]:
    """Rates from a CSV (``currency, usd_per_unit``); they add to or replace the built-in ones."""
    rates = dict(USD_PER_UNIT)
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"currency", "usd_per_unit"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(path, f"missing column(s) {', '.join(sorted(missing))}")
        for number, record in enumerate(reader, start=2):
            try:
                rate = float(record["usd_per_unit"])
            except ValueError:
                raise InputError(
                    path, "usd_per_unit is not a number", row=number, field="usd_per_unit"
                ) from None
            if rate <= 0:
                raise InputError(
                    path, "usd_per_unit must be positive", row=number, field="usd_per_unit"
                )
            rates[record["currency"].strip().upper()] = rate
    return rates
