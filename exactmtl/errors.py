"""The one error family of exactmtl; each error is also the builtin users already catch."""

from __future__ import annotations

__all__ = [
    "CheckFailed",
    "ExactMTLError",
    "InexactInputError",
    "InvalidArgument",
    "InvalidArgumentType",
    "MissingDependency",
    "ResourceLimitError",
    "UndecidedError",
]


class ExactMTLError(Exception):
    """Base class of every error exactmtl raises on purpose.

    >>> from exactmtl import walsh
    >>> try:
    ...     walsh(-1)
    ... except ExactMTLError as exc:
    ...     print(type(exc).__name__, exc)
    InvalidArgument m=-1 must be an integer >= 0
    """


class InvalidArgument(ExactMTLError, ValueError):
    """An argument has the right type but a value outside what is accepted (a ValueError).

    >>> from exactmtl import fwht
    >>> try:
    ...     fwht([1, 2, 3])
    ... except ValueError as exc:
    ...     print(exc)
    len(values)=3 is not a power of two; expected 2**n entries (no padding is done)
    """


class InvalidArgumentType(ExactMTLError, TypeError):
    """An argument has a type that is not accepted (a TypeError).

    >>> from exactmtl import rademacher
    >>> isinstance(InvalidArgumentType("x"), TypeError)
    True
    >>> rademacher(True)
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgumentType: k=True is a bool; expected an integer
    """


class InexactInputError(InvalidArgumentType):
    """A float (or another inexact number) reached code that only takes exact values.

    >>> from exactmtl import sawtooth
    >>> sawtooth(3)(0.1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InexactInputError: x=0.1 is a float; pass Fraction('0.1') or ...
    """


class ResourceLimitError(ExactMTLError, ValueError):
    """A small input asks for more time or memory than a documented limit allows (a ValueError).

    Raised *before* the work starts; the message names the limit and how to raise it.

    >>> from exactmtl.certified import certify
    >>> import sympy
    >>> certify(sympy.pi, "<", 4, max_prec=10**9)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.ResourceLimitError: max_prec=1000000000 bits exceeds the precision limit ...
    """


class UndecidedError(ExactMTLError, ArithmeticError):
    """A certified comparison could not be decided at the largest precision allowed.

    >>> isinstance(UndecidedError("x"), ArithmeticError)
    True
    """


class CheckFailed(ExactMTLError, AssertionError):
    """An exact check found a counterexample.

    ``case`` holds the parameters of the failing case (JSON-friendly after ``str``).

    >>> exc = CheckFailed("Gram matrix is not I", {"n": 3})
    >>> str(exc), exc.case, isinstance(exc, AssertionError)
    ('Gram matrix is not I [n=3]', {'n': 3}, True)
    """

    def __init__(self, message: str, case: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.case = dict(case or {})

    def __str__(self) -> str:
        if not self.case:
            return self.message
        where = ", ".join(f"{k}={v}" for k, v in self.case.items())
        return f"{self.message} [{where}]"


class MissingDependency(ExactMTLError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings it.

    >>> isinstance(MissingDependency("pip install 'exactmtl[plot]'"), ImportError)
    True
    """
