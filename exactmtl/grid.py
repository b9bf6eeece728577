"""Step functions on a dyadic grid as integer arrays, and systems of them at scale.

A :class:`GridFunction` of level ``n`` is the right-continuous step function on [0, 1) with the
value ``numerators[c] / 2**exponent`` on the cell ``[c 2^-n, (c+1) 2^-n)``: integer numerators
(numpy ``int64`` while they fit, Python ints otherwise) over one power of two. Sums, products,
integrals and inner products are exact; every int64 operation is preceded by a bit-length bound
that proves it cannot overflow, and falls back to Python ints when the bound fails.

A :class:`GridSystem` holds ``K`` such functions as one ``(K, 2**n)`` array. Its Gram matrix
and its orthonormality verdict go through the fast exact transforms of
:mod:`exactmtl.transforms`: Walsh (or Haar) spectra of all rows in ``O(K N log N)``; when every
function has a single nonzero coefficient the verdict is certified from the spectra alone
(Parseval), otherwise the Gram matrix is formed exactly. :meth:`GridSystem.screen_orthonormal`
is a cheap randomised screen, labelled as such.

>>> from fractions import Fraction
>>> f = GridFunction.from_values([1, Fraction(1, 2), 0, -1])
>>> f.level, f.numerators.tolist(), f.exponent
(2, [2, 1, 0, -2], 1)
>>> f(Fraction(1, 4)), f.integrate(), f.inner(f)
(Fraction(1, 2), Fraction(1, 8), Fraction(9, 16))
>>> W = walsh_system(8)
>>> v = W.is_orthonormal()
>>> bool(v), v.method
(True, 'walsh-spectrum')
"""

from __future__ import annotations

import functools
import operator
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from exactmtl._validate import as_exact, as_exact_int, check_index, check_level_budget
from exactmtl.errors import InvalidArgument, InvalidArgumentType
from exactmtl.piecewise import Piecewise
from exactmtl.sympy_io import as_piecewise
from exactmtl.transforms import (
    INT64_BITS,
    ScreenResult,
    TransformResult,
    _bit_reverse_array,
    _bits_of,
    _butterfly,
    _check_order,
    _exact_values,
    _gray_array,
    _guarded_butterfly,
    _haar_kernel,
    _integer_numerators,
    _narrow_dtype,
    _to_int_array,
)

__all__ = [
    "GramMatrix",
    "GridFunction",
    "GridSystem",
    "OrthogonalityVerdict",
    "haar_system",
    "walsh_system",
]

SPECTRAL_BASES = ("walsh", "haar")
GRAM_METHODS = ("auto", "walsh", "haar", "dense")


# --------------------------------------------------------------------------- int helpers

def _fits(bits: int) -> bool:
    return bits <= INT64_BITS


def _as_object(x: np.ndarray) -> np.ndarray:
    return x if x.dtype == object else x.astype(object)


def _demote(x: np.ndarray) -> np.ndarray:
    """int64 when every entry fits, else the object array itself (canonical storage)."""
    if x.dtype == object and _fits(_bits_of(x)):
        return x.astype(np.int64)
    return x


def _trailing_zeros(x: np.ndarray) -> int | None:
    """Common power of two of all entries (``None`` if all are zero)."""
    if x.size == 0:
        return None
    acc = int(np.bitwise_or.reduce(x)) if x.dtype != object else functools.reduce(
        operator.or_, (int(v) for v in x.flat), 0)
    if acc == 0:
        return None
    return (acc & -acc).bit_length() - 1


def _shift_left(x: np.ndarray, k: int) -> np.ndarray:
    if k == 0:
        return x
    if x.dtype != object and _fits(_bits_of(x) + k):
        return x << k
    return _demote(_as_object(x) << k)


def _exact_binary(a: np.ndarray, b: np.ndarray, op: Any, bits: int) -> np.ndarray:
    """``op(a, b)`` elementwise in int64 when ``bits`` bounds the result, else Python ints."""
    if a.dtype != object and b.dtype != object and _fits(bits):
        return op(a, b)
    return _demote(op(_as_object(a), _as_object(b)))


def _exact_sum(x: np.ndarray, bits: int) -> int:
    if x.dtype != object and _fits(bits):
        return int(x.sum())
    return sum(int(v) for v in x.flat)


def _refine(x: np.ndarray, by: int) -> np.ndarray:
    return x if by == 0 else np.repeat(x, 1 << by, axis=-1)


def _level_of_length(length: int, name: str) -> int:
    if length < 1 or length & (length - 1):
        raise InvalidArgument(
            f"len({name})={length} is not a power of two; expected 2**level entries "
            "(no padding is done)")
    return length.bit_length() - 1


# --------------------------------------------------------------------------- GridFunction

class GridFunction:
    """A step function on the level-n dyadic cells: ``numerators[c] / 2**exponent`` on cell c.

    Parameters
    ----------
    level : int
        The grid level ``n`` (``2**n`` cells).
    numerators : sequence of int (length ``2**level``)
        Integer numerators; stored as a read-only int64 array when they fit, else as Python ints.
    exponent : int
        The common denominator is ``2**exponent``. Stored in lowest terms.

    Examples
    --------
    >>> f = GridFunction(2, [2, 2, 0, -4], exponent=2)
    >>> f.numerators.tolist(), f.exponent, f.values.tolist()
    ([1, 1, 0, -2], 1, [Fraction(1, 2), Fraction(1, 2), 0, -1])
    >>> (f * f).integrate(), (f + 1).values.tolist()
    (Fraction(3, 8), [Fraction(3, 2), Fraction(3, 2), 1, 0])
    """

    __slots__ = ("_exp", "_level", "_num")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, level: int, numerators: Any, exponent: int = 0) -> None:
        level = check_level_budget(level, "level", "grid", limit="entries")
        exponent = as_exact_int(exponent, "exponent", minimum=0)
        num, den = _integer_numerators(numerators, "numerators")
        if den != 1:
            raise InvalidArgument(
                f"numerators are not all integers (common denominator {den}); pass integers, "
                "or use GridFunction.from_values for exact dyadic values")
        if num.ndim != 1:
            raise InvalidArgument(
                f"numerators has shape {num.shape}; expected one row of 2**level = "
                f"{1 << level} integers")
        if num.size != 1 << level:
            raise InvalidArgument(
                f"len(numerators)={num.size} must be 2**level = {1 << level} (level={level}); "
                "no padding is done")
        self._set(level, np.array(num, copy=True), exponent)

    def _set(self, level: int, num: np.ndarray, exponent: int) -> None:
        tz = _trailing_zeros(num)
        shift = exponent if tz is None else min(tz, exponent)
        if shift:
            num = num >> shift
        num = _demote(num)
        num.setflags(write=False)
        self._level = level
        self._num = num
        self._exp = exponent - shift

    @classmethod
    def _make(cls, level: int, num: np.ndarray, exponent: int) -> GridFunction:
        obj = cls.__new__(cls)
        obj._set(level, num, exponent)
        return obj

    # ----------------------------------------------------------------- constructors
    @classmethod
    def from_values(cls, values: Any, level: int | None = None) -> GridFunction:
        """From exact dyadic cell values (ints, Fractions p/2^e, sympy Rationals).

        >>> GridFunction.from_values([Fraction(3, 4), 1]).numerators.tolist()
        [3, 4]
        >>> GridFunction.from_values([Fraction(1, 3), 1])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        exactmtl.errors.InvalidArgument: values are not dyadic: their common denominator is 3; ...
        """
        num, den = _integer_numerators(values, "values")
        if num.ndim != 1:
            raise InvalidArgument(f"values has shape {num.shape}; expected one row of 2**n values")
        n = _level_of_length(num.size, "values")
        if level is not None and check_level_budget(level, "level", "grid", limit="entries") != n:
            raise InvalidArgument(
                f"len(values)={num.size} does not match level={level} (expected {1 << level})")
        if den & (den - 1):
            raise InvalidArgument(
                f"values are not dyadic: their common denominator is {den}; a GridFunction has "
                "numerators over one power of two")
        return cls._make(n, num, den.bit_length() - 1)

    @classmethod
    def constant(cls, c: Any, level: int = 0) -> GridFunction:
        """The constant dyadic ``c`` on the level-``level`` grid.

        >>> GridFunction.constant(Fraction(3, 4), 1).values.tolist()
        [Fraction(3, 4), Fraction(3, 4)]
        """
        level = check_level_budget(level, "level", "grid", limit="entries")
        return cls.from_values([as_exact(c, "c")] * (1 << level))

    @classmethod
    def walsh(cls, m: int, level: int, order: str = "paley") -> GridFunction:
        """The Walsh function ``m`` (Paley ``prod r_{i+1}^{m_i}``, from its definition).

        >>> GridFunction.walsh(3, 2).numerators.tolist()
        [1, -1, -1, 1]
        >>> GridFunction.walsh(3, 2, "sequency").numerators.tolist()
        [1, -1, 1, -1]
        """
        level = check_level_budget(level, "level", "grid", limit="entries")
        m = check_index(m, "m", 1 << level, context=f"level={level} has 2**{level} functions")
        pal = int(_paley_index(np.array([m], dtype=np.int64), level, _check_order(order))[0])
        cells = np.arange(1 << level, dtype=np.int64)
        parity = np.zeros(1 << level, dtype=np.int64)
        for i in range(level):
            if pal >> i & 1:
                parity ^= (cells >> (level - 1 - i)) & 1  # r_{i+1}: digit i+1 of x
        return cls._make(level, 1 - 2 * parity, 0)

    @classmethod
    def haar(cls, j: int, k: int, level: int) -> GridFunction:
        """The unnormalised Haar function ``psi_{j,k}`` on the level-``level`` grid (j < level).

        >>> GridFunction.haar(1, 1, 2).numerators.tolist()
        [0, 0, 1, -1]
        """
        level = check_level_budget(level, "level", "grid", limit="entries")
        j = check_index(j, "j", level, context=f"psi_(j,k) is constant on level {level} cells "
                        "only for j < level")
        k = check_index(k, "k", 1 << j, context=f"level j={j} has 2**{j} cells")
        return cls._make(level, _haar_rows(level, j)[k], 0)

    @classmethod
    def from_piecewise(cls, f: Piecewise, level: int | None = None) -> GridFunction:
        """From a right-continuous step :class:`Piecewise` on [0, 1) with dyadic knots and values.

        ``level`` defaults to the finest level of the knots; a given level must contain them.

        >>> from exactmtl.piecewise import Piecewise
        >>> GridFunction.from_piecewise(Piecewise.step([Fraction(1, 4)], [1, 3])).values.tolist()
        [1, 3, 3, 3]
        """
        f = as_piecewise(f, "f")
        if not isinstance(f, Piecewise):
            raise InvalidArgumentType(f"f has type {type(f).__name__}; expected a Piecewise")
        if f.domain != (0, 1):
            raise InvalidArgument(
                f"f is defined on [{f.domain[0]}, {f.domain[1]}); a GridFunction lives on [0, 1)")
        if f.closed:
            raise InvalidArgument(
                "f is defined on the closed interval [0, 1]; a GridFunction lives on [0, 1): "
                "pass f.restrict(0, 1)")
        if not f.is_step():
            raise InvalidArgument(
                f"f has degree {f.degree}; a GridFunction is a step function (degree 0)")
        if not f.is_right_continuous():
            bad = [str(t) for i, t in enumerate(f.knots[:-1])
                   if f.values[i] != (f.polys[i][0] if f.polys[i] else 0)]
            raise InvalidArgument(
                f"f is not right-continuous at x in {{{', '.join(bad)}}}; a GridFunction has the "
                "right limit at every cell's left end")
        dens = [t.denominator for t in f.knots]
        bad_knots = [str(t) for t in f.knots if t.denominator & (t.denominator - 1)]
        if bad_knots:
            raise InvalidArgument(f"f has non-dyadic knots {bad_knots}; expected knots p/2**e")
        finest = max(d.bit_length() - 1 for d in dens)
        if level is None:
            level = finest
        else:
            level = check_level_budget(level, "level", "grid", limit="entries")
            if level < finest:
                raise InvalidArgument(
                    f"level={level} is too coarse: f has a knot at level {finest}")
        size = 1 << level
        starts = [int(t * size) for t in f.knots]
        counts = np.diff(np.array(starts, dtype=np.int64))
        pieces = [p[0] if p else Fraction(0) for p in f.polys]
        num, den = _integer_numerators(pieces, "f values")
        if den & (den - 1):
            raise InvalidArgument(
                f"f has non-dyadic values (common denominator {den}); a GridFunction has "
                "numerators over one power of two")
        return cls._make(level, np.repeat(num, counts), den.bit_length() - 1)

    # ----------------------------------------------------------------- attributes
    @property
    def level(self) -> int:
        return self._level

    @property
    def cells(self) -> int:
        """Number of cells, ``2**level``."""
        return 1 << self._level

    @property
    def numerators(self) -> np.ndarray:
        """Read-only integer numerators (int64, or object array of Python ints)."""
        return self._num

    @property
    def exponent(self) -> int:
        return self._exp

    @property
    def denominator(self) -> int:
        return 1 << self._exp

    @property
    def values(self) -> np.ndarray:
        """Exact cell values (ints if all are integers, else Fractions)."""
        return _exact_values(self._num, 1 << self._exp)

    @property
    def bits(self) -> int:
        """Bit length of the largest |numerator|."""
        return _bits_of(self._num)

    def __len__(self) -> int:
        return 1 << self._level

    def __repr__(self) -> str:
        nums = self._num.tolist()
        text = ", ".join(map(str, nums[:8])) + (", ..." if len(nums) > 8 else "")
        return f"GridFunction(level={self._level}, numerators=[{text}], exponent={self._exp})"

    # ----------------------------------------------------------------- evaluation
    def __call__(self, x: Any) -> Fraction:
        """Exact value at ``x`` in [0, 1)."""
        xf = as_exact(x, "x")
        if not 0 <= xf < 1:
            raise InvalidArgument(f"x={xf} is outside the domain [0, 1)")
        cell = (xf.numerator << self._level) // xf.denominator
        return Fraction(int(self._num[cell]), 1 << self._exp)

    def refine(self, level: int) -> GridFunction:
        """The same function on the finer grid ``level >= self.level``.

        >>> GridFunction(1, [1, 2]).refine(2).numerators.tolist()
        [1, 1, 2, 2]
        """
        level = check_level_budget(level, "level", "grid", limit="entries")
        if level < self._level:
            raise InvalidArgument(
                f"level={level} is coarser than the function's level {self._level}")
        return GridFunction._make(level, _refine(self._num, level - self._level), self._exp)

    def to_piecewise(self) -> Piecewise:
        """The exact :class:`Piecewise` step function (equal neighbours merged).

        >>> GridFunction(2, [1, 1, 0, 0]).to_piecewise().breakpoints
        (Fraction(1, 2),)
        """
        num = self._num
        size = 1 << self._level
        # integer form: knots c / 2^level, values num / 2^exponent (merged by the core)
        return Piecewise.from_arrays(np.arange(size + 1, dtype=np.int64), num,
                                     knot_denominator=size, value_denominator=1 << self._exp)

    # ----------------------------------------------------------------- algebra
    def _align(self, other: GridFunction) -> tuple[int, np.ndarray, np.ndarray]:
        level = max(self._level, other._level)
        return (level, _refine(self._num, level - self._level),
                _refine(other._num, level - other._level))

    def _coerce(self, other: Any) -> GridFunction | None:
        if isinstance(other, GridFunction):
            return other
        if isinstance(other, Piecewise):
            return GridFunction.from_piecewise(other)
        if isinstance(other, (int, Fraction)) or hasattr(other, "denominator"):
            try:
                return GridFunction.from_values([as_exact(other, "other")])
            except InvalidArgument:
                raise InvalidArgument(
                    f"other={other} is not dyadic; a GridFunction takes dyadic constants p/2**e"
                ) from None
        if isinstance(other, float):
            as_exact(other, "other")  # raises InexactInputError with the hint
        return None

    def _addsub(self, other: Any, op: Any) -> GridFunction:
        g = self._coerce(other)
        if g is None:
            return NotImplemented
        level, a, b = self._align(g)
        exp = max(self._exp, g._exp)
        a = _shift_left(a, exp - self._exp)
        b = _shift_left(b, exp - g._exp)
        bits = max(_bits_of(a), _bits_of(b)) + 1
        return GridFunction._make(level, _exact_binary(a, b, op, bits), exp)

    def __add__(self, other: Any) -> GridFunction:
        return self._addsub(other, operator.add)

    __radd__ = __add__

    def __sub__(self, other: Any) -> GridFunction:
        return self._addsub(other, operator.sub)

    def __rsub__(self, other: Any) -> GridFunction:
        return (-self)._addsub(other, operator.add)

    def __neg__(self) -> GridFunction:
        # int64 storage never holds -2**63 (its bit length is 64), so negation cannot wrap
        return GridFunction._make(self._level, -self._num, self._exp)

    def __pos__(self) -> GridFunction:
        return self

    def __mul__(self, other: Any) -> GridFunction:
        g = self._coerce(other)
        if g is None:
            return NotImplemented
        level, a, b = self._align(g)
        bits = _bits_of(a) + _bits_of(b)
        return GridFunction._make(level, _exact_binary(a, b, operator.mul, bits),
                                  self._exp + g._exp)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GridFunction):
            return NotImplemented
        if self._exp != other._exp:
            return False
        _, a, b = self._align(other)
        return bool(np.array_equal(a, b)) if a.dtype == b.dtype else all(
            int(u) == int(v) for u, v in zip(a.flat, b.flat))

    # ----------------------------------------------------------------- integrals
    def integrate(self) -> Fraction:
        """``∫_0^1 f`` exactly.

        >>> GridFunction(2, [1, 2, 3, 4]).integrate()
        Fraction(5, 2)
        """
        total = _exact_sum(self._num, self.bits + self._level)
        return Fraction(total, 1 << (self._exp + self._level))

    def inner(self, other: GridFunction) -> Fraction:
        """``<f, g> = ∫_0^1 f g`` exactly (int64 dot product when a bit bound allows it).

        >>> GridFunction(2, [1, 2, 3, 4]).inner(GridFunction.walsh(1, 2))
        Fraction(-1, 1)
        """
        g = self._coerce(other)
        if g is None:
            raise InvalidArgumentType(
                f"other has type {type(other).__name__}; expected a GridFunction or Piecewise")
        level, a, b = self._align(g)
        bits = _bits_of(a) + _bits_of(b) + level
        if a.dtype != object and b.dtype != object and _fits(bits):
            total = int(np.dot(a, b))
        else:
            total = sum(int(u) * int(v) for u, v in zip(a.flat, b.flat))
        return Fraction(total, 1 << (self._exp + g._exp + level))

    def sup_norm(self) -> Fraction:
        """``max |f|`` (a step function attains its sup on [0, 1)).

        >>> GridFunction(2, [1, -6, 3, 4], exponent=2).sup_norm()
        Fraction(3, 2)
        """
        return Fraction(max(abs(int(self._num.max())), abs(int(self._num.min()))),
                        1 << self._exp)

    # hooks used by exactmtl.piecewise.inner/integrate/sup_norm/equal and bases.gram
    def _exact_inner(self, other: Any) -> Any:
        if isinstance(other, Piecewise) and not (other.is_step() and other.domain == (0, 1)):
            from exactmtl.piecewise import inner

            return inner(self.to_piecewise(), other)  # e.g. a linear function: exact integral
        return self.inner(other)

    def _exact_integrate(self, start: Any = None, stop: Any = None) -> Fraction:
        if start is None and stop is None:
            return self.integrate()
        from exactmtl.piecewise import integrate

        return integrate(self.to_piecewise(), start, stop)

    def _exact_sup_norm(self) -> Fraction:
        return self.sup_norm()

    def _exact_equal(self, other: Any) -> Any:
        from exactmtl.piecewise import equal

        g = other.to_piecewise() if isinstance(other, GridFunction) else other
        return equal(self.to_piecewise(), g)

    def _exact_gram(self, functions: Sequence[Any]) -> Any:
        return GridSystem.from_functions(functions).gram().to_sympy()


# --------------------------------------------------------------------------- definitions

def _paley_index(k: np.ndarray, level: int, order: str) -> np.ndarray:
    """Paley index of the function with index ``k`` in ``order`` (main construction §2.4)."""
    if order == "paley":
        return k
    if order == "sequency":
        return _gray_array(k)
    return _bit_reverse_array(k, level)


def _paley_rows(level: int) -> np.ndarray:
    """All Paley Walsh functions from the definition: ``w_{m + 2^i} = w_m r_{i+1}``."""
    size = 1 << level
    rows = np.empty((size, size), dtype=np.int64)
    rows[0] = 1
    cells = np.arange(size, dtype=np.int64)
    for i in range(level):
        rademacher = 1 - 2 * ((cells >> (level - 1 - i)) & 1)  # r_{i+1} on the level-n cells
        np.multiply(rows[: 1 << i], rademacher, out=rows[1 << i: 2 << i])
    return rows


def _haar_rows(level: int, j: int) -> np.ndarray:
    """``psi_{j,k}`` for k < 2^j on the level-n cells: +1 left half, -1 right half of I_{j,k}."""
    cells = np.arange(1 << level, dtype=np.int64)
    owner = cells >> (level - j)
    sign = 1 - 2 * ((cells >> (level - j - 1)) & 1)
    return np.where(owner[None, :] == np.arange(1 << j, dtype=np.int64)[:, None], sign, 0)


def walsh_system(level: int, order: str = "paley") -> GridSystem:
    """All ``2**level`` Walsh functions on the level-n grid, built from their definition.

    Paley rows come from ``w_{m+2^i} = w_m r_{i+1}`` (Rademacher products), then are listed in
    ``order`` (sequency index s -> Paley ``gray(s)``, Hadamard i -> Paley ``bit_reverse(i)``).
    Memory ``8 * 4**level`` bytes.

    >>> walsh_system(2, "sequency").numerators.tolist()
    [[1, 1, 1, 1], [1, 1, -1, -1], [1, -1, -1, 1], [1, -1, 1, -1]]
    """
    level = check_level_budget(level, "level", "walsh_system", extra=level, limit="entries")
    order = _check_order(order)
    rows = _paley_rows(level)
    if order != "paley":
        rows = rows[_paley_index(np.arange(1 << level, dtype=np.int64), level, order)]
    return GridSystem(level, rows, name=f"walsh(level={level}, order={order})")


def haar_system(level: int) -> GridSystem:
    """The unnormalised Haar system ``1, psi_{j,k}`` (j < level), row ``2^j + k`` = psi_{j,k}.

    >>> haar_system(2).numerators.tolist()
    [[1, 1, 1, 1], [1, 1, -1, -1], [1, -1, 0, 0], [0, 0, 1, -1]]
    """
    level = check_level_budget(level, "level", "haar_system", extra=level, limit="entries")
    rows = np.empty((1 << level, 1 << level), dtype=np.int64)
    rows[0] = 1
    for j in range(level):
        rows[1 << j: 2 << j] = _haar_rows(level, j)
    return GridSystem(level, rows, name=f"haar(level={level})")


# --------------------------------------------------------------------------- Gram, verdicts

@dataclass(frozen=True)
class GramMatrix:
    """An exact Gram matrix ``[<f_i, f_j>] = numerators / denominator``.

    ``method`` says how it was formed (``"walsh"`` / ``"haar"``: sparse product of exact
    spectra; ``"dense"``: integer matrix product), ``path`` the integer arithmetic used.

    >>> g = haar_system(2).gram("dense")
    >>> g.shape, g.method, g.path, g.values.tolist()[2]
    ((4, 4), 'dense', 'int64', [0, 0, Fraction(1, 2), 0])
    """

    numerators: np.ndarray = field(repr=False)
    denominator: int
    method: str
    path: str

    @property
    def shape(self) -> tuple[int, int]:
        """``(K, K)``.

        >>> walsh_system(3).gram().shape
        (8, 8)
        """
        return self.numerators.shape  # type: ignore[return-value]

    @property
    def values(self) -> np.ndarray:
        """Exact entries (ints if all integral, else Fractions).

        >>> walsh_system(1).gram().values.tolist()
        [[1, 0], [0, 1]]
        """
        return _exact_values(self.numerators, self.denominator)

    def entry(self, i: int, j: int) -> Fraction:
        """The exact entry ``<f_i, f_j>``.

        >>> haar_system(2).gram().entry(3, 3)
        Fraction(1, 2)
        """
        return Fraction(int(self.numerators[i, j]), self.denominator)

    def mismatch(self, diagonal: Any = 1) -> tuple[int, int, Fraction] | None:
        """First entry differing from ``diagonal * I`` (``diagonal=None``: off-diagonal only).

        >>> g = haar_system(2).gram()
        >>> g.mismatch(1), g.mismatch(None)
        ((2, 2, Fraction(1, 2)), None)
        """
        num = self.numerators
        d = None
        if diagonal is not None:
            dd = as_exact(diagonal, "diagonal") * self.denominator
            if dd.denominator != 1:
                return (0, 0, self.entry(0, 0))
            d = int(dd)
        # the verdict without a K x K temporary: the diagonal, then a count of the nonzeros
        diag = np.diagonal(num)
        diag_ok = d is None or bool((diag == d).all())
        if diag_ok and np.count_nonzero(num) == np.count_nonzero(diag):
            return None
        # a mismatch exists: find the first one (row-major) in blocks of rows
        k = num.shape[0]
        step = max(1, (1 << 20) // max(1, num.shape[1]))
        for start in range(0, k, step):
            block = num[start:start + step]
            diff = block != 0
            r = np.arange(block.shape[0])
            on = start + r < num.shape[1]
            r = r[on]
            diff[r, start + r] = False if d is None else block[r, start + r] != d
            bad = np.argwhere(diff)
            if bad.size:
                i, j = (int(v) for v in bad[0])
                return start + i, j, self.entry(start + i, j)
        return None  # pragma: no cover (the counts above said a mismatch exists)

    def is_identity(self) -> bool:
        """Exactly the identity matrix?

        >>> walsh_system(4).gram().is_identity(), haar_system(2).gram().is_identity()
        (True, False)
        """
        return self.mismatch(1) is None

    def to_sympy(self) -> Any:
        """A sympy Matrix of Rationals (small systems; for display and interop).

        >>> haar_system(1).gram().to_sympy()
        Matrix([
        [1, 0],
        [0, 1]])
        """
        import sympy

        den = self.denominator
        rows = [[sympy.Rational(int(v), den) for v in row] for row in self.numerators.tolist()]
        return sympy.Matrix(rows)


@dataclass(frozen=True)
class OrthogonalityVerdict:
    """Exact verdict: is the system orthonormal (or orthogonal)? Truthy iff it holds.

    ``certificate`` records what was computed (method, arithmetic path, the spectral indices);
    ``counterexample`` is ``{"i": .., "j": .., "inner": <f_i, f_j>}`` when it fails.

    >>> v = haar_system(3).is_orthonormal()
    >>> bool(v), v.method, v.counterexample
    (False, 'haar-spectrum', {'i': 2, 'j': 2, 'inner': Fraction(1, 2)})
    """

    holds: bool
    property: str
    method: str
    certificate: dict
    counterexample: dict | None = None
    exact: bool = True

    def __bool__(self) -> bool:
        return self.holds

    def __str__(self) -> str:
        if self.holds:
            return f"{self.property} (exact, {self.method})"
        c = self.counterexample or {}
        return (f"not {self.property}: <f_{c.get('i')}, f_{c.get('j')}> = {c.get('inner')} "
                f"(exact, {self.method})")


def _row_transform(num: np.ndarray, level: int, basis: str, *,
                   keep_narrow: bool = False) -> tuple[np.ndarray, str, np.ndarray]:
    """Spectra of all rows (integers), the arithmetic path, and the Parseval weights.

    ``<f_i, f_j> * 2^(2e) = sum_b F_ib F_jb weight_b / 2^scale`` with ``scale`` chosen below.
    ``keep_narrow``: the spectra may come back as int16/int32 (the certified narrow run of the
    butterfly; internal readers only, which widen the few values they multiply).
    """
    if basis == "walsh":
        out, path, _, _, _ = _guarded_butterfly(num, level, "auto", level, _butterfly,
                                                keep_narrow=keep_narrow)
        weights = np.ones(num.shape[1], dtype=np.int64)
    else:
        out, path, _, _, _ = _guarded_butterfly(num, level, "auto", level, _haar_kernel(level),
                                                keep_narrow=keep_narrow)
        js = np.zeros(num.shape[1], dtype=np.int64)
        for j in range(level):
            js[1 << j: 2 << j] = j
        weights = np.left_shift(1, level - js)  # 2^n for the mean, 2^(n-j) for psi_{j,k}
        weights[0] = 1 << level
    return out, path, weights


_ROW_BLOCK_BYTES = 1 << 21  # narrow spectra are produced a few MiB of rows at a time


def _narrow_row_blocks(num: np.ndarray, level: int,
                       basis: str) -> Iterator[tuple[int, np.ndarray]] | None:
    """The spectra of the rows, block of rows by block, when the certified narrow run applies.

    The same kernel and the same overflow bound as :func:`_row_transform` (``bits(max|num|) +
    level <= 15`` for int16, ``<= 31`` for int32, on arrays of at least 2^16 entries: every
    intermediate fits), but no array of the whole spectrum is ever formed: each yielded block
    is a small reused-size temporary. ``None`` when that path does not apply (the caller then
    transforms the whole array through :func:`_row_transform`).
    """
    if num.dtype == object:
        return None
    narrow = _narrow_dtype(_bits_of(num) + level, num.size)
    if narrow is None:
        return None
    kernel = _butterfly if basis == "walsh" else _haar_kernel(level)
    step = max(1, _ROW_BLOCK_BYTES // (np.dtype(narrow).itemsize * num.shape[1]))

    def blocks() -> Iterator[tuple[int, np.ndarray]]:
        for start in range(0, num.shape[0], step):
            yield start, kernel(num[start:start + step].astype(narrow))
    return blocks()


def _parseval_weights(level: int, basis: str) -> np.ndarray:
    if basis == "walsh":
        return np.ones(1 << level, dtype=np.int64)
    js = np.zeros(1 << level, dtype=np.int64)
    for j in range(level):
        js[1 << j: 2 << j] = j
    weights = np.left_shift(1, level - js)
    weights[0] = 1 << level
    return weights


def _scale(level: int, basis: str) -> int:
    # walsh: sum_x v_i v_j = (1/N) sum_m F_im F_jm and <.,.> carries another 1/N -> 2^(2n)
    # haar: coefficients are C / 2^n, weights 2^-j = w / 2^n, integral of 1 is 1 -> 2^(3n)
    return 2 * level if basis == "walsh" else 3 * level


class GridSystem:
    """``K`` step functions on one level-n grid: a ``(K, 2**n)`` integer array over ``2**e``.

    >>> S = GridSystem.from_functions([GridFunction.walsh(1, 3), GridFunction.haar(0, 0, 3)])
    >>> S.gram().values.tolist()
    [[1, 1], [1, 1]]
    >>> print(S.is_orthonormal())
    not orthonormal: <f_0, f_1> = 1 (exact, walsh-spectrum)
    """

    __slots__ = ("_exp", "_level", "_name", "_num")

    def __init__(self, level: int, numerators: Any, exponent: int = 0, *,
                 name: str | None = None) -> None:
        level = check_level_budget(level, "level", "grid", limit="entries")
        exponent = as_exact_int(exponent, "exponent", minimum=0)
        num, den = _integer_numerators(numerators, "numerators")
        if den != 1:
            raise InvalidArgument(
                f"numerators are not all integers (common denominator {den}); pass integers "
                "and an exponent, or use GridSystem.from_functions")
        if num.ndim != 2 or num.shape[1] != 1 << level or num.shape[0] == 0:
            raise InvalidArgument(
                f"numerators has shape {num.shape}; expected (K, 2**level) = (K, {1 << level}) "
                "with K >= 1")
        num = _to_int_array(num)
        num.setflags(write=False)
        self._level, self._num, self._exp, self._name = level, num, exponent, name

    @classmethod
    def from_functions(cls, functions: Iterable[Any], level: int | None = None) -> GridSystem:
        """Stack GridFunctions (or step Piecewise functions) on their common finest grid.

        >>> from exactmtl.piecewise import Piecewise
        >>> S = GridSystem.from_functions([GridFunction(1, [1, -1]),
        ...                                Piecewise.step([Fraction(1, 4)], [Fraction(1, 2), 0])])
        >>> S.level, S.exponent, S.numerators.tolist()
        (2, 1, [[2, 2, -2, -2], [1, 0, 0, 0]])
        """
        fs = [f if isinstance(f, GridFunction) else GridFunction.from_piecewise(f)
              for f in functions]
        if not fs:
            raise InvalidArgument("functions is empty; expected at least one function")
        top = max(f.level for f in fs)
        if level is not None:
            level = check_level_budget(level, "level", "grid", limit="entries")
            if level < top:
                raise InvalidArgument(f"level={level} is coarser than a function's level {top}")
            top = level
        exp = max(f.exponent for f in fs)
        rows = [_shift_left(_refine(f.numerators, top - f.level), exp - f.exponent) for f in fs]
        if any(r.dtype == object for r in rows):
            stacked = np.array([_as_object(r) for r in rows], dtype=object)
        else:
            stacked = np.stack(rows)
        return cls(top, stacked, exp)

    # ----------------------------------------------------------------- access
    @property
    def level(self) -> int:
        return self._level

    @property
    def numerators(self) -> np.ndarray:
        return self._num

    @property
    def exponent(self) -> int:
        return self._exp

    def __len__(self) -> int:
        return self._num.shape[0]

    def __getitem__(self, i: int) -> GridFunction:
        i = check_index(i, "i", len(self), context=f"the system has {len(self)} functions")
        return GridFunction._make(self._level, self._num[i].copy(), self._exp)

    def __iter__(self) -> Iterator[GridFunction]:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        what = self._name or f"{len(self)} functions"
        return f"GridSystem({what}, level={self._level}, exponent={self._exp})"

    # ----------------------------------------------------------------- spectra
    def spectra(self, basis: str = "walsh") -> TransformResult:
        """Exact Walsh (Hadamard order) or Haar spectra of all rows, with the arithmetic path.

        >>> r = GridSystem(2, [[1, 2, 3, 4]]).spectra()
        >>> r.values.tolist(), r.path
        ([[10, -2, -4, 0]], 'int64')
        """
        basis = _check_basis(basis)
        out, path, _ = _row_transform(self._num, self._level, basis)
        if basis == "walsh":
            return TransformResult(out, 1 << self._exp, "fwht", "hadamard", self._level, path,
                                   "rows transformed by the certified butterfly",
                                   _bits_of(self._num))
        return TransformResult(out, 1 << (self._exp + self._level), "haar", None, self._level,
                               path, "rows transformed by the certified Haar kernel",
                               _bits_of(self._num))

    # ----------------------------------------------------------------- Gram
    def gram(self, method: str = "auto") -> GramMatrix:
        """The exact Gram matrix ``[<f_i, f_j>]``.

        ``"walsh"``/``"haar"``: spectra of every row by the fast transform (O(K N log N)), then
        the sparse exact product of the spectra (Parseval; cost ``sum_b nnz_b^2``);
        ``"dense"``: the integer product ``V V^T`` (O(K^2 N)); ``"auto"`` takes the first
        spectral basis whose product is cheap, else dense.

        >>> walsh_system(3).gram().is_identity()
        True
        >>> g = haar_system(2).gram("haar")
        >>> g.method, [g.entry(i, i) for i in range(4)]
        ('haar', [Fraction(1, 1), Fraction(1, 1), Fraction(1, 2), Fraction(1, 2)])
        """
        if method not in GRAM_METHODS:
            raise InvalidArgument(
                f"method={method!r} is not a Gram method; expected one of "
                + ", ".join(repr(m) for m in GRAM_METHODS))
        k, size = self._num.shape
        bases = SPECTRAL_BASES if method == "auto" else (method,)
        if method == "auto":
            left = []
            for basis in SPECTRAL_BASES:
                applies, got = self._blocked_sparse_gram(basis)
                if got is not None:
                    return got
                if not applies:
                    left.append(basis)
            bases = tuple(left)
        if method in ("auto", *SPECTRAL_BASES):
            for basis in bases:
                spec, path, weights = _row_transform(self._num, self._level, basis,
                                                     keep_narrow=True)
                nz = spec != 0
                cols = nz.sum(axis=0)
                cost = int((cols.astype(np.int64) ** 2).sum())
                if method != "auto" or cost <= 4 * (k + size) * max(1, self._level):
                    gnum = _sparse_gram(spec, weights, nz)
                    scale = _scale(self._level, basis) + 2 * self._exp
                    return GramMatrix(gnum, 1 << scale, basis, path)
        return self._dense_gram()

    def _blocked_sparse_gram(self, basis: str) -> tuple[bool, GramMatrix | None]:
        """``gram("auto")`` for one basis on the narrow path, one block of rows at a time.

        Keeps only the nonzeros of the spectra (never the whole spectrum). ``None`` when the
        narrow path does not apply, or when the sparse product would cost more than the
        ``"auto"`` limit (then ``gram`` goes on to the next basis); the flag says whether the
        narrow path applied. Cauchy-Schwarz,
        ``sum_b nnz_b^2 >= nnz^2 / N``, lets a dense spectrum be refused after few blocks.
        """
        k, size = self._num.shape
        blocks = _narrow_row_blocks(self._num, self._level, basis)
        if blocks is None:
            return False, None
        limit = 4 * (k + size) * max(1, self._level)
        rows, cols, vals = [], [], []
        nnz = 0
        for start, spec in blocks:
            r, c = np.divmod(np.flatnonzero(spec), size)
            nnz += r.size
            if nnz * nnz > limit * size:
                return True, None
            rows.append(r + start)
            cols.append(c)
            vals.append(spec[r, c].astype(np.int64))
        col_all = np.concatenate(cols)
        counts = np.bincount(col_all, minlength=size)
        if int((counts.astype(np.int64) ** 2).sum()) > limit:
            return True, None
        gnum = _sparse_gram_triplets(np.concatenate(rows), col_all, np.concatenate(vals),
                                     _parseval_weights(self._level, basis), k, size)
        scale = _scale(self._level, basis) + 2 * self._exp
        return True, GramMatrix(gnum, 1 << scale, basis, "int64")

    def _dense_gram(self) -> GramMatrix:
        num = self._num
        bits = 2 * _bits_of(num) + self._level
        den = 1 << (self._level + 2 * self._exp)
        if num.dtype != object and _fits(bits):
            return GramMatrix(num @ num.T, den, "dense", "int64")
        obj = _as_object(num)
        return GramMatrix(_demote(obj.dot(obj.T)), den, "dense", "object")

    # ----------------------------------------------------------------- verdicts
    def is_orthonormal(self) -> OrthogonalityVerdict:
        """Exact verdict: ``<f_i, f_j> = delta_ij`` for all i, j.

        Structured route: if every row has a single nonzero Walsh (or Haar) coefficient, the
        verdict follows from the spectra alone by Parseval — distinct indices and unit norms —
        in O(K N log N) with no Gram matrix. Otherwise the exact Gram matrix is compared with I.

        >>> walsh_system(6, "sequency").is_orthonormal().certificate["functions"]
        64
        >>> bad = walsh_system(3).numerators.copy(); bad[5, 2] *= -1
        >>> print(GridSystem(3, bad).is_orthonormal())
        not orthonormal: <f_0, f_5> = -1/4 (exact, dense-gram)
        """
        return self._verdict(normal=True)

    def is_orthogonal(self) -> OrthogonalityVerdict:
        """Exact verdict: ``<f_i, f_j> = 0`` for ``i != j`` (norms arbitrary, nonzero).

        >>> bool(haar_system(5).is_orthogonal()), bool(haar_system(5).is_orthonormal())
        (True, False)
        """
        return self._verdict(normal=False)

    def _verdict(self, normal: bool) -> OrthogonalityVerdict:
        prop = "orthonormal" if normal else "orthogonal"
        k, size = self._num.shape
        for basis in SPECTRAL_BASES:
            single = self._single_coefficients(basis)
            if single is None:
                continue
            idx, coef, path, weights = single
            scale = _scale(self._level, basis) + 2 * self._exp
            cert = {"method": f"{basis}-spectrum", "basis": basis, "level": self._level,
                    "functions": k, "path": path,
                    "reason": "each function has exactly one nonzero "
                              f"{basis} coefficient; Parseval gives the Gram matrix"}
            order = np.argsort(idx, kind="stable")
            same = np.nonzero(idx[order][1:] == idx[order][:-1])[0]
            if same.size:
                i, j = sorted((int(order[same[0]]), int(order[same[0] + 1])))
                val = Fraction(int(coef[i]) * int(coef[j]) * int(weights[idx[i]]), 1 << scale)
                return OrthogonalityVerdict(False, prop, f"{basis}-spectrum", cert,
                                            {"i": i, "j": j, "inner": val})
            sq = [int(c) * int(c) * int(w) for c, w in zip(coef.tolist(), weights[idx].tolist())]
            if normal:
                for i, s in enumerate(sq):
                    if s != 1 << scale:
                        return OrthogonalityVerdict(False, prop, f"{basis}-spectrum", cert,
                                                    {"i": i, "j": i,
                                                     "inner": Fraction(s, 1 << scale)})
            cert["indices"] = "distinct"
            if k <= 4096:
                cert["spectral_index"] = idx.tolist()
            return OrthogonalityVerdict(True, prop, f"{basis}-spectrum", cert)
        # the dense product costs k^2 N: past 2^30 the exact spectral Gram (sparse when the
        # spectra are, as for a perturbed Walsh system) decides instead
        g = self._dense_gram() if k * k * size <= (1 << 30) else self.gram()
        bad = g.mismatch(1 if normal else None)
        if not normal and bad is None:
            zero = np.nonzero(np.diagonal(g.numerators) == 0)[0]
            if zero.size:
                i = int(zero[0])
                bad = (i, i, Fraction(0))
        cert = {"method": f"{g.method}-gram", "level": self._level, "functions": k,
                "path": g.path}
        if bad is None:
            return OrthogonalityVerdict(True, prop, f"{g.method}-gram", cert)
        i, j, val = bad
        return OrthogonalityVerdict(False, prop, f"{g.method}-gram", cert,
                                    {"i": i, "j": j, "inner": val})

    def _single_coefficients(self, basis: str) -> tuple[np.ndarray, np.ndarray, str,
                                                        np.ndarray] | None:
        """(index, value) of each row's only nonzero coefficient, or None if some row has not
        exactly one. On the narrow path block by block (stops at the first block that fails)."""
        k = self._num.shape[0]
        blocks = _narrow_row_blocks(self._num, self._level, basis)
        if blocks is None:
            spec, path, weights = _row_transform(self._num, self._level, basis)
            nz = spec != 0
            if not (nz.sum(axis=1) == 1).all():
                return None
            idx = nz.argmax(axis=1)
            return idx, spec[np.arange(k), idx], path, weights
        idx = np.empty(k, dtype=np.int64)
        coef = np.empty(k, dtype=np.int64)
        for start, spec in blocks:
            nz = spec != 0
            if not (np.count_nonzero(nz, axis=1) == 1).all():
                return None
            i = nz.argmax(axis=1)
            idx[start:start + i.size] = i
            coef[start:start + i.size] = spec[np.arange(i.size), i]
        return idx, coef, "int64", _parseval_weights(self._level, basis)

    def screen_orthonormal(self, trials: int = 2, seed: int = 0,
                           entry_bits: int = 32) -> ScreenResult:
        """Randomised screen (Freivalds): ``V (V^T r) == N 2^(2e) r`` for random integer ``r``.

        A **screen, not a proof**: exact integer arithmetic, O(K N) per trial; a system whose
        Gram matrix is not ``I`` passes one trial with probability at most ``2^-entry_bits``.

        >>> s = walsh_system(10).screen_orthonormal()
        >>> s.passed, s.label
        (True, 'randomised screen, not a proof')
        >>> bool(haar_system(4).screen_orthonormal())
        False
        """
        trials = as_exact_int(trials, "trials", minimum=1)
        entry_bits = as_exact_int(entry_bits, "entry_bits", minimum=1, maximum=62)
        rng = random.Random(seed)
        num = self._num
        k, size = num.shape
        target = size << (2 * self._exp)
        bits = 2 * _bits_of(num) + entry_bits + k.bit_length() + self._level
        use64 = num.dtype != object and _fits(bits)
        mat = num if use64 else _as_object(num)
        for t in range(trials):
            r = np.array([rng.getrandbits(entry_bits) for _ in range(k)],
                         dtype=np.int64 if use64 else object)
            got = mat @ (mat.T @ r)
            expected = r * target
            bad = np.nonzero(got != expected)[0]
            if bad.size:
                i = int(bad[0])
                return ScreenResult(False, t + 1, seed, "V V^T r == N r (Gram = I)", Fraction(0),
                                    {"trial": t, "index": i, "got": int(got[i]),
                                     "expected": int(expected[i])})
        return ScreenResult(True, trials, seed, "V V^T r == N r (Gram = I)",
                            Fraction(1, 1 << (entry_bits * trials)))


def _check_basis(basis: Any) -> str:
    if basis not in SPECTRAL_BASES:
        raise InvalidArgument(
            f"basis={basis!r} is not a spectral basis; expected one of "
            + ", ".join(repr(b) for b in SPECTRAL_BASES))
    return basis


def _sparse_gram(spec: np.ndarray, weights: np.ndarray,
                 nz: np.ndarray | None = None) -> np.ndarray:
    """``G = F diag(w) F^T`` exactly, visiting only the nonzeros of each column of ``F``.

    ``spec`` may be int16/int32 (a narrow butterfly run): its nonzeros are widened to int64
    before any product. ``nz`` is ``spec != 0`` when the caller has it already.
    """
    rows, cols = np.nonzero(spec if nz is None else nz)
    vals = _to_int_array(spec[rows, cols])
    return _sparse_gram_triplets(rows, cols, vals, weights, spec.shape[0], spec.shape[1])


def _sparse_gram_triplets(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray,
                          weights: np.ndarray, k: int, size: int) -> np.ndarray:
    """``G = F diag(w) F^T`` from the nonzeros ``F[rows, cols] = vals`` (int64 or object)."""
    wts = weights[cols]
    bits = 2 * _bits_of(vals) + _bits_of(wts) + max(1, size).bit_length()
    use64 = vals.dtype != object and _fits(bits)
    dtype = np.int64 if use64 else object
    gram = np.zeros((k, k), dtype=dtype)
    if not use64:
        vals = _as_object(vals)
        wts = _as_object(wts)
    order = np.argsort(cols, kind="stable")
    rows, cols, vals, wts = rows[order], cols[order], vals[order], wts[order]
    bounds = np.flatnonzero(np.diff(cols)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [cols.size]))
    sizes = ends - starts
    single = starts[sizes == 1]
    if single.size:
        r = rows[single]
        np.add.at(gram, (r, r), vals[single] * vals[single] * wts[single])
    for s, e in zip(starts[sizes > 1].tolist(), ends[sizes > 1].tolist()):
        rs = rows[s:e]
        v = vals[s:e]
        gram[np.ix_(rs, rs)] += np.outer(v, v) * wts[s]
    return _demote(gram) if gram.dtype == object else gram
