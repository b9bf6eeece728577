"""Argument checks in one place: exact numbers, levels, indices, lengths.

Every message echoes ``name=value`` and says what was expected.
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal
from fractions import Fraction
from typing import Any

from exactmtl.budgets import check_budget, check_power_budget, current_limits
from exactmtl.errors import InexactInputError, InvalidArgument, InvalidArgumentType

__all__ = [
    "as_bool",
    "as_choice",
    "as_exact",
    "as_exact_expr",
    "as_exact_int",
    "as_exact_list",
    "as_float",
    "as_float_array",
    "as_index",
    "as_list",
    "as_matrix",
    "as_seed",
    "check_budget",
    "check_dyadic",
    "check_index",
    "check_level",
    "check_level_budget",
    "check_power_budget",
    "check_power_of_two_length",
    "checked_args",
    "is_exact_number",
    "shown",
]


def _float_hint(value: Any) -> str:
    number = float(value)  # float ok: only formats the refused input for the message
    if not math.isfinite(number):
        return "a non-finite float has no exact value"
    text = repr(number)
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
    cls = value.__class__
    if cls is Fraction:  # the hot paths: a Fraction the caller already holds, a small int
        return value
    if cls is int and value.bit_length() <= _FAST_BITS:
        return Fraction(value)
    frac = _as_exact(value, name)
    if frac.numerator.bit_length() > _FAST_BITS or frac.denominator.bit_length() > _FAST_BITS:
        _check_size(frac.numerator, name)
        _check_size(frac.denominator, name)
    return frac


_FAST_BITS = 4000  # below this size no budget lookup is needed (the default is far above)


def _check_size(n: int, name: str) -> None:
    """Exact inputs are bounded by the ``exponent`` budget (bits), checked before any work."""
    bits, lim = n.bit_length(), current_limits()
    # certified enclosures carry endpoints of about ``bits`` (precision) bits: allow those too
    if bits > max(lim.exponent, lim.bits + 64):
        check_budget("exponent", bits, f"{name} (an exact number of {bits} bits)")


def _as_exact(value: Any, name: str) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise InvalidArgumentType(f"{name}={_shown(value)} is a bool; expected an exact number")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        raise InexactInputError(f"{name}={_shown(value)} is a float; {_float_hint(value)}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidArgument(
                f"{name}={_shown(value)} is not finite; expected an exact rational")
        return Fraction(value)
    mod = type(value).__module__ or ""
    if mod.startswith("numpy"):
        import numpy as np

        if isinstance(value, np.integer):
            return Fraction(int(value))
        if isinstance(value, np.floating):
            raise InexactInputError(
                f"{name}={_shown(value)} is a numpy float; {_float_hint(value)}"
            )
    if mod.startswith("sympy"):
        import sympy

        if isinstance(value, sympy.Float):
            raise InexactInputError(
                f"{name}={_shown(value)} is a sympy Float; {_float_hint(value)}")
        if isinstance(value, sympy.Rational):
            return Fraction(int(value.p), int(value.q))
        if isinstance(value, sympy.Basic) and value.is_number:
            raise InvalidArgumentType(
                f"{name}={_shown(value, str)} is not a rational number; exact code takes int, "
                "Fraction or "
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
        f"{name}={_shown(value)} has type {type(value).__name__}; expected an exact number "
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
        raise InvalidArgumentType(f"{name}={_shown(value)} is a bool; expected an integer")
    if isinstance(value, float):
        hint = (f"pass the int {_shown(int(value), str)}" if value.is_integer()
                else "pass an int")
        raise InexactInputError(f"{name}={_shown(value)} is a float; expected an integer ({hint})")
    if not isinstance(value, int):
        frac = as_exact(value, name)
        if frac.denominator != 1:
            raise InvalidArgument(
                f"{name}={_shown(value, str)} is not an integer; expected an integer")
        value = frac.numerator
    value = int(value)
    if value.bit_length() > _FAST_BITS:
        _check_size(value, name)
    if minimum is not None and value < minimum:
        bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise InvalidArgument(f"{name}={_shown(value, str)} must be an integer {bound}")
    if maximum is not None and value > maximum:
        bound = f"<= {maximum}" if minimum is None else f"in [{minimum}, {maximum}]"
        raise InvalidArgument(f"{name}={_shown(value, str)} must be an integer {bound}")
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
    level = as_exact_int(value, name, minimum=minimum)
    if level > current_limits().level:
        check_budget("level", level, f"{name}={_shown(level, str)}")
    return level


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
            f"{name}={_shown(idx, str)} is out of range; expected 0 <= {name} < {bound}{extra}")
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
        raise InvalidArgument(f"{name}={_shown(frac, str)} is not dyadic; expected p/2**e")
    return frac


# --------------------------------------------------------------------------- issue 11: one contract

def _shown(value: Any, conv: Any = repr) -> str:
    """``repr`` (or ``conv``) for messages, safe and short: a huge int never breaks a message
    (Python refuses to print ints of more than 4300 digits)."""
    if isinstance(value, int) and value.bit_length() > 4000:
        return f"<int of {value.bit_length()} bits>"
    if isinstance(value, Fraction) and max(value.numerator.bit_length(),
                                           value.denominator.bit_length()) > 4000:
        return f"<Fraction of {value.numerator.bit_length()}/{value.denominator.bit_length()} bits>"
    try:
        text = conv(value)
    except (ValueError, TypeError, RecursionError):  # e.g. a huge number inside a container
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


def as_bool(value: Any, name: str) -> bool:
    """A flag: ``True``/``False`` (or a numpy bool) only -- never a truthy number or string.

    >>> as_bool(True, "closed")
    True
    >>> as_bool(float("nan"), "closed")  # float ok: refused
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgumentType: closed=nan has type float; expected True or False
    """
    if isinstance(value, bool):
        return value
    if type(value).__module__.startswith("numpy") and type(value).__name__ == "bool":
        return bool(value)
    raise InvalidArgumentType(
        f"{name}={_shown(value)} has type {type(value).__name__}; expected True or False")


def as_seed(value: Any, name: str = "seed", *, allow_none: bool = True) -> int | None:
    """A random seed: an int >= 0 (or None when allowed); floats and bools are refused.

    >>> as_seed(7), as_seed(None)
    (7, None)
    >>> as_seed(1.5)
    Traceback (most recent call last):
    ...
    exactmtl.errors.InexactInputError: seed=1.5 is a float; expected an integer (pass an int)
    """
    if value is None and allow_none:
        return None
    return as_exact_int(value, name, minimum=0)


def as_choice(value: Any, name: str, choices: Any) -> str:
    """One of a fixed set of strings.

    >>> as_choice("paley", "order", ("paley", "sequency"))
    'paley'
    >>> as_choice(3, "order", ("paley", "sequency"))
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgumentType: order=3 has type int; expected one of 'paley', 'sequency'
    """
    options = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise InvalidArgumentType(
            f"{name}={_shown(value)} has type {type(value).__name__}; expected one of {options}")
    if value not in choices:
        raise InvalidArgument(f"{name}={value!r} is not one of {options}")
    return value


def as_list(value: Any, name: str, *, min_len: int = 0, max_len: int | None = None,
            what: str = "entries") -> list[Any]:
    """The items of a finite iterable (list, tuple, range, array, generator) as a list.

    Strings, bytes, mappings and sets (no order) are refused; the length is checked against
    ``min_len``/``max_len`` and the ``pieces`` budget (sized inputs before being copied).

    >>> as_list((1, 2), "ks")
    [1, 2]
    >>> as_list(0.5, "functions")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgumentType: functions=0.5 has type float; expected a list or ...
    """
    if isinstance(value, (str, bytes, dict, set, frozenset)) or value is None or not hasattr(
            value, "__iter__"):
        raise InvalidArgumentType(f"{name}={_shown(value)} has type {type(value).__name__}; "
                                  f"expected a list or tuple of {what}")
    if hasattr(value, "__len__"):
        try:
            n = len(value)
        except TypeError:  # e.g. a 0-d numpy array
            raise InvalidArgumentType(
                f"{name}={_shown(value)} is a scalar array; expected a list or tuple of {what}"
            ) from None
        except OverflowError:  # range(10**30)
            n = None
        check_budget("pieces", n if n is not None else 1 << 64, f"{name} with its {what}")
    items = []
    cap = current_limits().pieces
    for item in value:
        items.append(item)
        if len(items) > cap:
            check_budget("pieces", len(items), f"{name} with its {what}")
    if len(items) < min_len:
        have = "is empty" if not items else f"has {len(items)} {what}"
        raise InvalidArgument(f"{name} {have}; expected at least {min_len} {what}")
    if max_len is not None and len(items) > max_len:
        raise InvalidArgument(f"{name} has {len(items)} {what}; expected at most {max_len}")
    return items


def as_exact_list(value: Any, name: str, *, min_len: int = 0,
                  max_len: int | None = None) -> list[Fraction]:
    """A list of exact rationals (``name[i]`` is echoed in errors).

    >>> as_exact_list([1, Fraction(1, 2)], "ys")
    [Fraction(1, 1), Fraction(1, 2)]
    >>> as_exact_list([0.1, 0.2], "coefficients")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InexactInputError: coefficients[0]=0.1 is a float; ...
    """
    items = as_list(value, name, min_len=min_len, max_len=max_len, what="exact numbers")
    return [as_exact(v, f"{name}[{i}]") for i, v in enumerate(items)]


def as_matrix(value: Any, name: str, *, exact: bool = True, min_rows: int = 0,
              min_cols: int = 0, integer: bool = False) -> list[list[Any]]:
    """A rectangular list of rows (exact rationals when ``exact``); ragged rows are refused.

    >>> as_matrix([[1, 2], [3, 4]], "A")
    [[Fraction(1, 1), Fraction(2, 1)], [Fraction(3, 1), Fraction(4, 1)]]
    >>> as_matrix([[1, 2], [3]], "A")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: A is ragged (rows of different lengths): row 1 has 1 ...
    """
    rows = as_list(value, name, min_len=min_rows, what="rows")
    out = []
    for i, row in enumerate(rows):
        items = as_list(row, f"{name}[{i}]", what="entries")
        if out and len(items) != len(out[0]):
            raise InvalidArgument(
                f"{name} is ragged (rows of different lengths): row {i} has {len(items)} "
                f"entries, row 0 has {len(out[0])}")
        if integer:
            items = [as_exact_int(v, f"{name}[{i}][{j}]") for j, v in enumerate(items)]
        elif exact:
            items = [as_exact(v, f"{name}[{i}][{j}]") for j, v in enumerate(items)]
        out.append(items)
    if out and len(out[0]) < min_cols:
        raise InvalidArgument(f"{name} has {len(out[0])} columns; expected at least {min_cols}")
    check_budget("pieces", len(out) * (len(out[0]) if out else 0), f"{name} with its entries")
    return out


def as_exact_expr(value: Any, name: str) -> Any:
    """An exact real number as sympy: a rational or an exact expression (``sqrt(2)``, ``log(3)``).

    Floats, sympy Floats, NaN, infinities, symbols and non-real numbers are refused.

    >>> as_exact_expr(Fraction(1, 2), "c")
    1/2
    >>> as_exact_expr(__import__("sympy").Float(0.5), "c")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InexactInputError: c=0.500000000000000 is a sympy Float ...
    """
    import sympy

    if not isinstance(value, sympy.Basic) or isinstance(value, sympy.Rational):
        frac = as_exact(value, name)
        return sympy.Rational(frac.numerator, frac.denominator)
    if isinstance(value, sympy.Float) or value.atoms(sympy.Float):
        raise InexactInputError(f"{name}={_shown(value)} is a sympy Float (or contains one); "
                                "pass sympy.Rational or an exact expression")
    if not isinstance(value, sympy.Expr) or value.free_symbols or not value.is_number:
        raise InvalidArgumentType(f"{name}={_shown(value)} is not a number; expected an exact "
                                  "real number (int, Fraction, sympy.Rational or expression)")
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or value.is_extended_real is False:
        raise InvalidArgument(f"{name}={_shown(value)} is not a finite real number")
    return value


def as_float(value: Any, name: str) -> float:
    """A finite real float for a numeric (float-zone) parameter; NaN, bools and strings refused.

    >>> as_float(1, "rho")
    1.0
    >>> as_float(float("nan"), "rho")  # float ok: numeric path
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: rho=nan is not finite; expected a finite real number
    """
    import math

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidArgumentType(
            f"{name}={_shown(value)} has type {type(value).__name__}; expected a real number")
    try:
        out = float(value)  # float ok: the numeric path asked for a float
    except OverflowError:
        raise InvalidArgument(f"{name}={_shown(value)} is too large for a float") from None
    if not math.isfinite(out):
        raise InvalidArgument(f"{name}={_shown(value)} is not finite; expected a finite real "
                              "number")
    return out


def check_level_budget(value: Any, name: str, func: str | None = None, *, minimum: int = 0,
                       extra: int = 0, limit: str = "pieces") -> int:
    """A level ``n`` (integer >= ``minimum``) for which ``func`` builds ``2**(n + extra)`` items.

    >>> check_level_budget(3, "k", "rademacher")
    3
    >>> check_level_budget(10**9, "k", "rademacher")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.ResourceLimitError: rademacher(k=1000000000) needs 2**1000000000 pieces; ...
    """
    n = as_exact_int(value, name, minimum=minimum)
    exponent = max(n + extra, 0)
    allowed = getattr(current_limits(), limit)
    if exponent <= allowed.bit_length() and 1 << exponent <= allowed:
        return n  # within budget: the message below is not needed (issue 12: hot path)
    if func is None:  # the public function that called us names itself in the message
        import sys

        func = sys._getframe(1).f_code.co_name
    check_power_budget(limit, exponent, f"{func}({name}={_shown(n)})")
    return n


def as_index(value: Any, name: str, *, minimum: int = 0) -> int:
    """A non-negative integer index whose cost grows with its bit length (``level`` budget).

    >>> as_index(5, "n")
    5
    >>> as_index(2**(2**20), "n")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.ResourceLimitError: n (an exact number of 1048577 bits) needs ...
    """
    n = as_exact_int(value, name, minimum=minimum)
    bits = abs(n).bit_length()
    if bits > current_limits().level:
        check_budget("level", bits, f"{name} has {bits} bits")
    return n


def as_float_array(value: Any, name: str, *, ndim: int | tuple[int, ...] = (1, 2)) -> Any:
    """A finite float64 numpy array for a numeric (float-zone) parameter; size within budget.

    >>> as_float_array([[1, 0], [0, 1]], "W").shape
    (2, 2)
    >>> as_float_array([1, float("nan")], "u")
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: u has a NaN or infinite entry; expected finite numbers
    """
    import numpy as np

    if isinstance(value, (str, bytes, dict, bool)) or value is None:
        raise InvalidArgumentType(f"{name}={_shown(value)} has type {type(value).__name__}; "
                                  "expected an array of real numbers")
    try:
        arr = np.asarray(value, dtype=float)  # float ok: numeric path
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidArgumentType(f"{name}={_shown(value)} is not an array of real numbers "
                                  f"({exc})") from None
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in dims:
        raise InvalidArgument(f"{name} has {arr.ndim} dimensions (shape {arr.shape}); expected "
                              + " or ".join(map(str, dims)))
    check_budget("entries", arr.size, f"{name} with its entries")
    if not np.isfinite(arr).all():
        raise InvalidArgument(f"{name} has a NaN or infinite entry; expected finite numbers")
    return arr


def _kind_checker(kind: str) -> Any:
    """The converter for one argument kind of :func:`checked_args`."""
    if kind.startswith("int>="):
        low = int(kind[5:])
        return lambda v, n: as_exact_int(v, n, minimum=low)
    if kind.startswith("float"):
        rng = kind[5:]  # "", "[0,1]" or ">=0"

        def conv(v: Any, n: str) -> float:
            x = as_float(v, n)
            if rng == "[0,1]" and not 0 <= x <= 1:
                raise InvalidArgument(f"{n}={x} must be in [0, 1]")
            if rng == "[-1,1]" and not -1 <= x <= 1:
                raise InvalidArgument(f"{n}={x} must be in [-1, 1]")
            if rng == ">=0" and x < 0:
                raise InvalidArgument(f"{n}={x} must be >= 0")
            if rng == ">0" and not x > 0:
                raise InvalidArgument(f"{n}={x} must be > 0")
            return x
        return conv
    if kind == "seed":
        return lambda v, n: as_seed(v, n, allow_none=False)
    if kind == "bool":
        return as_bool
    if kind == "array":
        return lambda v, n: as_float_array(v, n)
    raise ValueError(f"unknown argument kind {kind!r}")  # a programming error in exactmtl


def checked_args(budget: Any = None, **kinds: str) -> Any:
    """Decorator: convert and check the named arguments before the call (one edge for all).

    Kinds: ``"int>=K"``, ``"float"`` (finite; ``"float[0,1]"``, ``"float[-1,1]"``,
    ``"float>=0"``, ``"float>0"``), ``"seed"``, ``"bool"``, ``"array"`` (finite float array).
    ``budget(args)`` gets the checked arguments (a dict) and may call :func:`check_budget`.

    >>> @checked_args(n="int>=1", rho="float[-1,1]")
    ... def f(n, rho=0.5):
    ...     return n * rho
    >>> f(2, rho=1)
    2.0
    >>> f(2.5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InexactInputError: n=2.5 is a float; expected an integer (pass an int)
    """
    import functools
    import inspect

    convs = {name: _kind_checker(kind) for name, kind in kinds.items()}

    def deco(func: Any) -> Any:
        sig = inspect.signature(func)
        missing = set(convs) - set(sig.parameters)
        if missing:
            raise ValueError(f"checked_args: {func.__name__} has no parameter {missing}")

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            for name, conv in convs.items():
                value = bound.arguments[name]
                if value is not None or sig.parameters[name].default is not None:
                    bound.arguments[name] = conv(value, name)
            if budget is not None:
                budget(bound.arguments)
            return func(*bound.args, **bound.kwargs)

        return wrapper

    return deco


def shown(value: Any) -> str:
    """``repr(value)`` for an error message: short, and safe for huge ints (Python refuses to
    print an int of more than 4300 digits, which would replace the clear error by a generic one).

    >>> shown(2**(10**5))
    '<int of 100001 bits>'
    """
    return _shown(value)
