"""Resource budgets: every large allocation or long computation is checked against a limit first.

A call that would exceed a budget raises :class:`exactmtl.errors.ResourceLimitError` *before*
allocating, naming the limit and how to raise it. The defaults cover the default proof run and
the documented examples; a computation that is large on purpose raises the limit it needs for
its own block (claim A8 with ``--full`` builds 2**22 pieces, the deep benchmarks 2**26), so the
defaults still stop an accidental blow-up. Raise a limit for one block
with ``with exactmtl.limits(pieces=2**26): ...`` (also usable as a decorator), or for the whole
session with :func:`set_limits`.

=========== ====================================================================== =======
limit       what it bounds                                                         default
=========== ====================================================================== =======
pieces      pieces, knots or grid points (exact Fractions) one call may build      2**21
entries     entries of an integer or float array one call may build                2**26
level       a dyadic level / depth / index whose cost grows like its bit size      2**16
bits        working precision (bits) of a certified numeric evaluation             2**16
members     members of a finite class of functions                                 2**16
exponent    size (bits) of an exact input number, or of one built from an exponent 2**16
ops         estimated elementary steps of a superlinear exact computation          2**30
=========== ====================================================================== =======

>>> import exactmtl
>>> exactmtl.current_limits().pieces
2097152
>>> with exactmtl.limits(pieces=2**10):
...     exactmtl.current_limits().pieces
1024
>>> exactmtl.current_limits().pieces
2097152
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from exactmtl.errors import InvalidArgument, InvalidArgumentType, ResourceLimitError

__all__ = [
    "Limits",
    "check_budget",
    "check_power_budget",
    "current_limits",
    "limits",
    "set_limits",
]


@dataclasses.dataclass(frozen=True)
class Limits:
    """The budgets in force (see the module docstring for their meaning).

    >>> Limits().bits
    65536
    """

    pieces: int = 1 << 21
    entries: int = 1 << 26
    level: int = 1 << 16
    bits: int = 1 << 16
    members: int = 1 << 16
    exponent: int = 1 << 16
    ops: int = 1 << 30

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidArgumentType(f"Limits: {f.name} has type {type(value).__name__}; "
                                          "expected an int >= 1")
            if value < 1:
                raise InvalidArgument(f"Limits: {f.name}={_big(value)} must be an int >= 1")


_NAMES = tuple(f.name for f in dataclasses.fields(Limits))
_CURRENT: ContextVar[Limits] = ContextVar("exactmtl_limits", default=Limits())  # noqa: B039


def current_limits() -> Limits:
    """The budgets in force in this context.

    >>> current_limits().level
    65536
    """
    return _CURRENT.get()


def _changed(changes: dict[str, Any]) -> Limits:
    for name, value in changes.items():
        if name not in _NAMES:
            raise InvalidArgument(f"limits: unknown limit {name!r}; expected one of "
                                  f"{', '.join(_NAMES)}")
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgumentType(f"limits: {name} has type {type(value).__name__}; "
                                      "expected an int >= 1")
        if value < 1:
            raise InvalidArgument(f"limits: {name}={_big(value)} must be an int >= 1")
    return dataclasses.replace(current_limits(), **changes)


@contextlib.contextmanager
def limits(**changes: int) -> Iterator[Limits]:
    """Raise (or lower) budgets inside a ``with`` block; the previous ones come back after.

    Parameters
    ----------
    **changes : int
        New values for any of ``pieces``, ``entries``, ``level``, ``bits``, ``members``,
        ``exponent``, ``ops``.

    >>> from exactmtl import rademacher, ResourceLimitError
    >>> with limits(pieces=8):
    ...     rademacher(3).pieces
    8
    >>> with limits(pieces=8):
    ...     rademacher(4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.ResourceLimitError: rademacher(k=4) needs 2**4 pieces; the limit is ...
    """
    token = _CURRENT.set(_changed(changes))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def set_limits(**changes: int) -> Limits:
    """Change budgets for the rest of the session (this context); returns the previous ones.

    >>> old = set_limits(bits=2**18)
    >>> current_limits().bits, old.bits
    (262144, 65536)
    >>> _ = set_limits(**dataclasses.asdict(old))
    """
    old = current_limits()
    _CURRENT.set(_changed(changes))
    return old


def _refuse(limit: str, what: str, needed_text: str, needed: int | None) -> ResourceLimitError:
    allowed = getattr(current_limits(), limit)
    return ResourceLimitError(
        f"{what} needs {needed_text} {_UNITS[limit]}; the limit is {limit}={allowed} "
        f"(raise it with `with exactmtl.limits({limit}=...):`)",
        limit=limit, needed=needed, allowed=allowed)


_UNITS = {"pieces": "pieces", "entries": "array entries", "level": "as level",
          "bits": "bits of precision", "members": "members", "exponent": "bits",
          "ops": "elementary steps"}


def _big(n: int) -> str:
    """An int for a message (Python refuses to print ints of more than 4300 digits)."""
    return str(n) if n.bit_length() <= 4000 else f"<int of {n.bit_length()} bits>"


def check_budget(limit: str, needed: int, what: str) -> int:
    """Refuse ``needed`` units of ``limit`` when over budget; return ``needed``.

    >>> check_budget("bits", 128, "kl(prec=128)")
    128
    >>> check_budget("bits", 10**9, "kl(prec=1000000000)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.ResourceLimitError: kl(prec=1000000000) needs 1000000000 bits of precision; ...
    """
    if needed > getattr(current_limits(), limit):
        raise _refuse(limit, what, _big(needed), needed)
    return needed


def check_power_budget(limit: str, exponent: int, what: str, *, base: int = 2,
                       factor: int = 1) -> int:
    """Refuse ``factor * base**exponent`` units of ``limit`` without computing the power.

    >>> check_power_budget("pieces", 10, "walsh(level=10)")
    1024
    >>> check_power_budget("pieces", 40, "walsh(level=40)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.ResourceLimitError: walsh(level=40) needs 2**40 pieces; the limit is ...
    """
    allowed = getattr(current_limits(), limit)
    # base**exponent > allowed for sure once exponent exceeds allowed's bit length
    if exponent > allowed.bit_length() or factor * base ** exponent > allowed:
        text = (f"{base}**{_big(exponent)}" if factor == 1 else
                f"{_big(factor)}*{base}**{_big(exponent)}")
        raise _refuse(limit, what, text, None)
    return factor * base ** exponent
