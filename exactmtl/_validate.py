"""Argument checks in one place: exact numbers, levels, indices, lengths.

Every message echoes ``name=value`` and says what was expected.
"""

from __future__ import annotations

import numbers
from decimal import Decimal
from fractions import Fraction
from typing import Any

from exactmtl.errors import InexactInputError, InvalidArgument, InvalidArgumentType

__all__ = [
    "as_exact",
    "as_exact_int",
    "check_dyadic",
    "check_index",
    "check_level",
    "check_power_of_two_length",
    "is_exact_number",
]


def _float_hint(value: Any) -> str:
    text = repr(float(value))  # float ok: only formats the refused input for the message
    return f"pass Fraction({text!r}) or sympy.Rational({text!r}) for an exact value"


def is_exact_number(value: Any) -> bool:
    """Return True when ``value`` is an int, Fraction, Decimal or sympy/numpy exact rational.

    >>> is_exact_number(Fraction(1, 3)), is_exact_number(0.5)
    (True, False)
    """
    try:
        as_exact(value, "value")
    except (TypeError, ValueError):
        return False
    return True


def as_exact(value: Any, name: str) -> Fraction:
    """Convert an exact rational to ``Fraction``; refuse floats and irrationals.

    Parameters
    ----------
    value : int, Fraction, Decimal, sympy.Rational or numpy integer
    name : str
        The argument's name, echoed in error messages.

    >>> as_exact(3, "x"), as_exact(Fraction(1, 4), "x")
    (Fraction(3, 1), Fraction(1, 4))
    >>> as_exact(0.1, "x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InexactInputError: x=0.1 is a float; pass Fraction('0.1') or ...
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise InvalidArgumentType(f"{name}={value!r} is a bool; expected an exact number")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        raise InexactInputError(f"{name}={value!r} is a float; {_float_hint(value)}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidArgument(f"{name}={value!r} is not finite; expected an exact rational")
        return Fraction(value)
    mod = type(value).__module__ or ""
    if mod.startswith("numpy"):
        import numpy as np

        if isinstance(value, np.integer):
            return Fraction(int(value))
        if isinstance(value, np.floating):
            raise InexactInputError(
                f"{name}={value!r} is a numpy float; {_float_hint(value)}"
            )
    if mod.startswith("sympy"):
        import sympy

        if isinstance(value, sympy.Float):
            raise InexactInputError(f"{name}={value!r} is a sympy Float; {_float_hint(value)}")
        if isinstance(value, sympy.Rational):
            return Fraction(int(value.p), int(value.q))
        if isinstance(value, sympy.Basic) and value.is_number:
            raise InvalidArgumentType(
                f"{name}={value} is not a rational number; exact code takes int, Fraction or "
                "sympy.Rational (use exactmtl.certify for irrational constants)"
            )
    if mod.startswith("flint"):
        try:
            return Fraction(int(value.p), int(value.q))  # fmpq
        except AttributeError:
            try:
                return Fraction(int(value))  # fmpz
            except (TypeError, ValueError):
                pass
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    raise InvalidArgumentType(
        f"{name}={value!r} has type {type(value).__name__}; expected an exact number "
        "(int, Fraction or sympy.Rational)"
    )


def as_exact_int(value: Any, name: str, *, minimum: int | None = None,
                 maximum: int | None = None) -> int:
    """Return ``value`` as an int, refusing floats, non-integers and values out of range.

    >>> as_exact_int(3, "k", minimum=0)
    3
    >>> as_exact_int(-1, "k", minimum=0)
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: k=-1 must be an integer >= 0
    >>> as_exact_int(2.0, "k")
    Traceback (most recent call last):
    ...
    exactmtl.errors.InexactInputError: k=2.0 is a float; expected an integer (pass the int 2)
    """
    if isinstance(value, bool):
        raise InvalidArgumentType(f"{name}={value!r} is a bool; expected an integer")
    if isinstance(value, float):
        hint = (f"pass the int {int(value)}" if value.is_integer()
                else "pass an int")
        raise InexactInputError(f"{name}={value!r} is a float; expected an integer ({hint})")
    if not isinstance(value, int):
        frac = as_exact(value, name)
        if frac.denominator != 1:
            raise InvalidArgument(f"{name}={value} is not an integer; expected an integer")
        value = frac.numerator
    value = int(value)
    if minimum is not None and value < minimum:
        bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise InvalidArgument(f"{name}={value} must be an integer {bound}")
    if maximum is not None and value > maximum:
        bound = f"<= {maximum}" if minimum is None else f"in [{minimum}, {maximum}]"
        raise InvalidArgument(f"{name}={value} must be an integer {bound}")
    return value


def check_level(value: Any, name: str = "level", *, minimum: int = 0) -> int:
    """A dyadic level: an integer >= ``minimum``.

    >>> check_level(3)
    3
    >>> check_level(Fraction(1, 2), "n")
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: n=1/2 is not an integer; expected an integer
    """
    return as_exact_int(value, name, minimum=minimum)


def check_index(value: Any, name: str, bound: int, *, context: str = "") -> int:
    """An index in ``range(bound)``; ``context`` explains where the bound comes from.

    >>> check_index(3, "m", 8)
    3
    >>> check_index(8, "m", 8, context="level=3 has 8 functions")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: m=8 is out of range; expected 0 <= m < 8 (level=3 ...)
    """
    idx = as_exact_int(value, name, minimum=0)
    if idx >= bound:
        extra = f" ({context})" if context else ""
        raise InvalidArgument(
            f"{name}={idx} is out of range; expected 0 <= {name} < {bound}{extra}")
    return idx


def check_power_of_two_length(length: int, name: str = "values") -> int:
    """Return n with ``length == 2**n``; refuse other lengths (never pad silently).

    >>> check_power_of_two_length(8)
    3
    >>> check_power_of_two_length(6)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: len(values)=6 is not a power of two; expected 2**n ...
    """
    if length < 1 or length & (length - 1):
        raise InvalidArgument(
            f"len({name})={length} is not a power of two; expected 2**n entries "
            "(no padding is done)"
        )
    return length.bit_length() - 1


def check_dyadic(value: Any, name: str) -> Fraction:
    """An exact number whose denominator is a power of two.

    >>> check_dyadic(Fraction(3, 8), "t")
    Fraction(3, 8)
    >>> check_dyadic(Fraction(1, 3), "t")
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: t=1/3 is not dyadic; expected p/2**e
    """
    frac = as_exact(value, name)
    d = frac.denominator
    if d & (d - 1):
        raise InvalidArgument(f"{name}={frac} is not dyadic; expected p/2**e")
    return frac
