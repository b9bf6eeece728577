"""The one error family of exactmtl; each error is also the builtin users already catch."""

from __future__ import annotations

__all__ = [
    "CheckFailed",
    "ExactMTLError",
    "InexactInputError",
    "InvalidArgument",
    "InvalidArgumentType",
    "UndecidedError",
]


class ExactMTLError(Exception):
    """Base class of every error exactmtl raises on purpose."""


class InvalidArgument(ExactMTLError, ValueError):
    """An argument has the right type but a value outside what is accepted."""


class InvalidArgumentType(ExactMTLError, TypeError):
    """An argument has a type that is not accepted."""


class InexactInputError(InvalidArgumentType):
    """A float (or another inexact number) reached code that only takes exact values."""


class UndecidedError(ExactMTLError, ArithmeticError):
    """A certified comparison could not be decided at the largest precision allowed."""


class CheckFailed(ExactMTLError, AssertionError):
    """An exact check found a counterexample.

    ``case`` holds the parameters of the failing case (JSON-friendly after ``str``).
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
