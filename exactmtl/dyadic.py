"""Dyadic rationals p / 2**e: tests, levels and grids.

>>> [str(t) for t in dyadic_grid(2)]
['0', '1/4', '1/2', '3/4', '1']
>>> dyadic_level(Fraction(3, 8)), is_dyadic(Fraction(1, 3))
(3, False)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from exactmtl._validate import as_exact, check_dyadic, check_level

__all__ = ["dyadic_grid", "dyadic_level", "is_dyadic"]


def is_dyadic(value: Any) -> bool:
    """True when the exact number ``value`` has a power-of-two denominator."""
    d = as_exact(value, "value").denominator
    return d & (d - 1) == 0


def dyadic_level(value: Any) -> int:
    """The least e >= 0 with value * 2**e an integer; refuses non-dyadic values."""
    return check_dyadic(value, "value").denominator.bit_length() - 1


def dyadic_grid(level: int, *, closed: bool = True) -> tuple[Fraction, ...]:
    """Return the points k / 2**level for k = 0..2**level (k < 2**level when not ``closed``)."""
    n = check_level(level, "level")
    size = 1 << n
    stop = size + 1 if closed else size
    return tuple(Fraction(k, size) for k in range(stop))
