"""Dyadic rationals p / 2**e: tests, levels and grids.

>>> [str(t) for t in dyadic_grid(2)]
['0', '1/4', '1/2', '3/4', '1']
>>> dyadic_level(Fraction(3, 8)), is_dyadic(Fraction(1, 3))
(3, False)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from exactmtl._validate import as_bool, as_exact, check_dyadic, check_level_budget

__all__ = ["dyadic_grid", "dyadic_level", "is_dyadic"]


def is_dyadic(value: Any) -> bool:
    """True when the exact number ``value`` has a power-of-two denominator.

    >>> is_dyadic(Fraction(3, 8)), is_dyadic(5), is_dyadic(Fraction(1, 6))
    (True, True, False)
    """
    d = as_exact(value, "value").denominator
    return d & (d - 1) == 0


def dyadic_level(value: Any) -> int:
    """The least e >= 0 with value * 2**e an integer; refuses non-dyadic values.

    >>> dyadic_level(Fraction(5, 16)), dyadic_level(3)
    (4, 0)
    >>> dyadic_level(Fraction(1, 3))
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: value=1/3 is not dyadic; expected p/2**e
    """
    return check_dyadic(value, "value").denominator.bit_length() - 1


def dyadic_grid(level: int, *, closed: bool = True) -> tuple[Fraction, ...]:
    """Return the points k / 2**level for k = 0..2**level (k < 2**level when not ``closed``).

    >>> [str(t) for t in dyadic_grid(2, closed=False)]
    ['0', '1/4', '1/2', '3/4']
    >>> dyadic_grid(-1)
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: level=-1 must be an integer >= 0
    """
    n = check_level_budget(level, "level", "dyadic_grid")
    closed = as_bool(closed, "closed")
    size = 1 << n
    stop = size + 1 if closed else size
    return tuple(Fraction(k, size) for k in range(stop))
