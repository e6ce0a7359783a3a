"""One declared value (a model parameter, an actor field): its range, unit and source, and
the check that every input of it passes, with one clear line when it fails."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pausegame.errors import InputError
from pausegame.sim.shown import number_text, shown
from pausegame.userfiles import parse_number

Group = Literal[
    "Capability", "Market", "Hazard and loss", "Verification", "Leakage", "Behaviour", "Treaty"
]


class ParameterError(InputError):
    """A parameter or scenario value is unknown, of the wrong type, or out of range."""


@dataclass(frozen=True)
class Parameter:
    """One declared model parameter; `source` is "article: <quote>" or "assumed: <why>"."""

    name: str
    default: float
    low: float
    high: float
    unit: str
    meaning: str
    source: str
    group: Group
    integer: bool = False

    @property
    def range_text(self) -> str:
        """The allowed range as users read it, e.g. `[0, 1]`."""
        return f"[{number_text(self.low)}, {number_text(self.high)}]"

    @property
    def _allowed(self) -> str:
        """`allowed [low, high] unit`, the tail of an out-of-range message."""
        return f"allowed {self.range_text}" + (f" {self.unit}" if self.unit else "")

    def coerce(self, value: object, where: str = "") -> float | int:
        """Return `value` as this parameter's type, or raise one clear `ParameterError` line.

        Integers are range-checked exactly, before any conversion to float (no OverflowError).
        """
        label = f"{where}{self.name}"
        if isinstance(value, str):
            try:
                value = parse_number(value)
            except ValueError:
                text = value.strip()
                digits = text[1:] if text[:1] in ("+", "-") else text
                if digits.isascii() and digits.isdigit():  # longer than any range's bounds
                    raise ParameterError(
                        f"{label}: a whole number of {len(digits):,} digits is out of range: "
                        + self._allowed
                    ) from None
                raise ParameterError(
                    f"{label}: expected a number in {self.range_text}, got {value[:40]!r}"
                ) from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(
                f"{label}: expected a number in {self.range_text}, got {shown(value)}"
            )
        if not (isinstance(value, int) or math.isfinite(value)) or not (
            self.low <= value <= self.high
        ):
            raise ParameterError(f"{label}={number_text(value)} is out of range: {self._allowed}")
        if self.integer:
            if value != int(value):
                raise ParameterError(f"{label}: expected a whole number in {self.range_text}")
            return int(value)  # an int stays exact: seeds above 2**53 must not be rounded
        return float(value)
