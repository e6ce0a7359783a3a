"""How a value from a user's input is written in an error message: as TOML writes it, and
a number exactly where six digits would round it onto a range's bound."""

from __future__ import annotations

import datetime
import math


def shown(value: object) -> str:
    """A value read from a file as its TOML reads: `true`, `'text'`, `3`, `an array`, `a table`
    (never Python's `True` or `{'a': 1}`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value[:40])
    if isinstance(value, int | float):
        return number_text(value)
    kinds = (
        (list, "an array"),
        (dict, "a table"),
        (datetime.datetime, "a date-time"),
        (datetime.date, "a date"),
        (datetime.time, "a time"),
    )
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


def number_text(x: float) -> str:
    """`x` in six significant digits, or exactly where those would round it (100000.5 is not
    shown as 100000, nor 2**63 as 9.22337e+18, next to a range that ends there)."""
    try:
        short = f"{x:g}"
    except OverflowError:  # an integer beyond any float
        return "a number too large to show"
    if math.isnan(x) or float(short) == x:
        return short
    exact = str(x) if isinstance(x, int) else repr(x)
    return exact if len(exact) <= 30 else short
