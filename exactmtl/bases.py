"""Rademacher, Haar and Walsh functions (all orderings), sawtooth, tent and triangle waves.

All are exact :class:`~exactmtl.piecewise.Piecewise` functions on [0, 1) (tent and triangle on
[0, 1], conventions §A.1). Conventions §A.4-§A.7: ``r_k(x) = (-1)^floor(2^k x)``; Haar
``psi_{j,k}`` is +1 on the left half of ``I_{j,k}``; Paley ``w_m = prod r_{i+1}^{m_i}``.

>>> from fractions import Fraction
>>> walsh(5)(Fraction(3, 8))
Fraction(-1, 1)
>>> [walsh(s, order="sequency").pieces - 1 for s in range(6)]    # sign changes
[0, 1, 2, 3, 4, 5]
>>> gram([rademacher(1), haar(1, 0), haar(1, 1)])
Matrix([
[1,   0,   0],
[0, 1/2,   0],
[0,   0, 1/2]])
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from exactmtl import _intcore
from exactmtl._validate import (
    as_bool,
    as_choice,
    as_exact_expr,
    as_index,
    as_list,
    check_budget,
    check_index,
    check_level,
    check_level_budget,
    check_power_budget,
)
from exactmtl.errors import InvalidArgument, InvalidArgumentType
from exactmtl.piecewise import (
    _ARRAY_MIN_PIECES,
    Piecewise,
    _bulk,
    _grid_knots,
    equal,
    inner,
    integrate,
    sup_norm,
)
from exactmtl.printing import SympyDisplay
from exactmtl.sympy_io import as_piecewise

_Z = Fraction(0)
_ONE = Fraction(1)

__all__ = [
    "WALSH_ORDERS",
    "ScaledPiecewise",
    "bit_reverse",
    "convert_walsh_index",
    "gram",
    "gray",
    "gray_inverse",
    "haar",
    "rademacher",
    "sawtooth",
    "tent",
    "triangle",
    "walsh",
]

WALSH_ORDERS = ("paley", "sequency", "hadamard")


# --------------------------------------------------------------------------- index maps

def gray(n: int) -> int:
    """The Gray code ``n XOR (n >> 1)`` (sequency index -> Paley index).

    >>> [gray(s) for s in range(8)]
    [0, 1, 3, 2, 6, 7, 5, 4]
    """
    n = as_index(n, "n")
    return n ^ (n >> 1)


def gray_inverse(g: int) -> int:
    """The inverse Gray code ``g ^ (g >> 1) ^ (g >> 2) ^ ...`` (Paley -> sequency).

    >>> [gray_inverse(gray(s)) for s in range(8)]
    [0, 1, 2, 3, 4, 5, 6, 7]
    """
    g = as_index(g, "g")
    out = 0
    while g:
        out ^= g
        g >>= 1
    return out


def bit_reverse(i: int, bits: int) -> int:
    """Reverse the ``bits``-bit binary string of ``i`` (Hadamard <-> Paley at that level).

    >>> [bit_reverse(i, 3) for i in range(8)]
    [0, 4, 2, 6, 1, 5, 3, 7]
    """
    bits = check_level(bits, "bits")
    i = check_index(i, "i", 1 << bits, context=f"a {bits}-bit index")
    out = 0
    for _ in range(bits):
        out = (out << 1) | (i & 1)
        i >>= 1
    return out


def _check_order(order: str, name: str = "order") -> str:
    if isinstance(order, str) and order not in WALSH_ORDERS:
        raise InvalidArgument(
            f"{name}={order!r} is not a Walsh ordering; expected one of {', '.join(WALSH_ORDERS)}")
    return as_choice(order, name, WALSH_ORDERS)


def convert_walsh_index(i: int, source: str, target: str, level: int | None = None) -> int:
    """Map a Walsh index between orderings (the same function, another name).

    Hadamard indices depend on the level (the Sylvester matrix size 2**level).

    >>> [convert_walsh_index(i, "hadamard", "sequency", level=3) for i in range(8)]
    [0, 7, 3, 4, 1, 6, 2, 5]
    """
    _check_order(source, "source")
    _check_order(target, "target")
    if "hadamard" in (source, target) and level is None:
        raise InvalidArgument("converting to or from order='hadamard' needs level=n "
                              "(the Sylvester matrix has size 2**n)")
    if level is not None:
        level = check_level(level, "level")
        i = check_index(i, "i", 1 << level, context=f"level={level} has 2**{level} functions")
    else:
        i = as_index(i, "i")
    if source == "sequency":
        pal = gray(i)
    elif source == "hadamard":
        pal = bit_reverse(i, level)  # type: ignore[arg-type]
    else:
        pal = i
    if target == "sequency":
        return gray_inverse(pal)
    if target == "hadamard":
        return bit_reverse(pal, level)  # type: ignore[arg-type]
    return pal


# --------------------------------------------------------------------------- functions

def rademacher(k: int) -> Piecewise:
    """``r_k(x) = (-1)^floor(2^k x)``; ``r_0 = 1``.

    >>> rademacher(2).breakpoints
    (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))
    """
    k = check_level_budget(k, "k", "rademacher")
    size = 1 << k
    if k == 0:
        return Piecewise.constant(1)
    return Piecewise.on_grid([1 - 2 * (c & 1) for c in range(size)])


def haar(j: int, k: int, normalized: bool = False) -> Piecewise | ScaledPiecewise:
    """Haar wavelet ``psi_{j,k}``: +1 on the left half of ``I_{j,k}``, -1 on the right half.

    With ``normalized=True`` the result is ``2^(j/2) psi_{j,k}`` with the factor carried exactly
    (a :class:`ScaledPiecewise`; its inner products are exact sympy numbers).

    >>> from exactmtl import inner
    >>> inner(haar(3, 1), haar(3, 1)), inner(haar(3, 1, normalized=True), haar(3, 1, True))
    (Fraction(1, 8), 1)
    """
    j = check_level(j, "j")
    k = check_index(k, "k", 1 << j, context=f"level j={j} has 2**{j} cells")
    normalized = as_bool(normalized, "normalized")
    size = 1 << (j + 1)
    knots = [Fraction(2 * k, size), Fraction(2 * k + 1, size), Fraction(2 * k + 2, size)]
    vals = [1, -1]
    breaks = [t for t in knots if 0 < t < 1]
    if knots[0] > 0:
        vals = [0, *vals]
    if knots[-1] < 1:
        vals = [*vals, 0]
    base = Piecewise.step(breaks, vals)
    if not normalized:
        return base
    import sympy

    return ScaledPiecewise(sympy.sqrt(sympy.Integer(2)) ** j, base)


def walsh(m: int, order: str = "paley", level: int | None = None) -> Piecewise:
    """The Walsh function of index ``m`` in the given ordering.

    ``order="paley"``: ``w_m = prod_i r_{i+1}^{m_i}``; ``"sequency"``: ``wal_m`` with exactly
    ``m`` sign changes (``= pal_{gray(m)}``); ``"hadamard"``: row ``m`` of the Sylvester matrix of
    size ``2**level`` (``level`` required). With ``level`` given, ``m < 2**level`` is checked.

    >>> walsh(3, order="sequency").breakpoints
    (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))
    >>> walsh(1, order="hadamard", level=2)(Fraction(1, 4))
    Fraction(-1, 1)
    """
    _check_order(order)
    if order == "hadamard" and level is None:
        raise InvalidArgument("walsh(..., order='hadamard') needs level=n: row m of the "
                              "Sylvester matrix of size 2**n")
    if level is not None:
        level = check_level(level, "level")
        m = check_index(m, "m", 1 << level, context=f"level={level} has 2**{level} Walsh functions")
    else:
        m = as_index(m, "m")
    check_power_budget("pieces", (m if level is None else (1 << level) - 1).bit_length(),
                       f"walsh(m={m}, order={order!r}, level={level})")
    pal = convert_walsh_index(m, order, "paley", level)
    return _paley_walsh(pal) if pal.bit_length() <= 12 else _paley_walsh.__wrapped__(pal)


@functools.lru_cache(maxsize=1024)
def _paley_walsh(pal: int) -> Piecewise:
    """``w_pal`` (Paley index, validated); cached for small indices (Piecewise is immutable,
    like the cached heads of :mod:`exactmtl.construction`)."""
    bits = pal.bit_length()
    rev = bit_reverse(pal, bits) if bits else 0
    if bits == 0:
        return Piecewise.constant(1)
    return Piecewise.on_grid([1 - 2 * (bin(rev & c).count("1") & 1) for c in range(1 << bits)])


@_bulk
def sawtooth(k: int) -> Piecewise:
    """``S_k(x) = frac(2^k x)`` on [0, 1) (``S_0(x) = x``).

    >>> sawtooth(2)(Fraction(3, 8))
    Fraction(1, 2)
    """
    k = check_level_budget(k, "k", "sawtooth")
    size = 1 << k
    if size < _ARRAY_MIN_PIECES:
        slope = Fraction(size)
        pieces = [(Fraction(-c), slope) for c in range(size)]
        return Piecewise._make(_grid_knots(k), pieces, (_Z,) * size, False)
    # in u = 2^k x: S_k = u - c on cell c, value 0 at each knot (integer form, no Fractions)
    cells = np.arange(size, dtype=np.int64)
    np.negative(cells, out=cells)
    arr = _intcore.make(_intcore.consecutive(0, size + 1), size, cells,
                        np.ones(size, dtype=np.int64), None, 1, False, merge=False,
                        bounds={"A": size, "B": 1})  # right-continuous: no value array
    return Piecewise._from_arr(arr)


def tent() -> Piecewise:
    """The tent map ``T(x) = 2x`` on [0, 1/2], ``2 - 2x`` on [1/2, 1] (domain [0, 1]).

    >>> tent()(1), tent()(Fraction(1, 2))
    (Fraction(0, 1), Fraction(1, 1))
    """
    return Piecewise.linear([Fraction(1, 2)], [(0, 2), (2, -2)], closed=True)


@_bulk
def triangle(k: int) -> Piecewise:
    """The triangle wave ``T^k`` (tent composed ``k`` times; ``T^0`` = identity) on [0, 1].

    Built from its closed form: slope ``±2^k`` on the level-k cells, values 0 and 1 alternately
    at the points ``i 2^-k``.

    >>> triangle(2).pieces, triangle(2)(Fraction(1, 4)), triangle(2)(1)
    (4, Fraction(1, 1), Fraction(0, 1))
    """
    k = check_level_budget(k, "k", "triangle")
    if k == 0:
        return Piecewise.identity(closed=True)
    size = 1 << k
    if size < _ARRAY_MIN_PIECES:
        up, down = Fraction(size), Fraction(-size)
        pieces = [(Fraction(-c), up) if c % 2 == 0 else (Fraction(c + 1), down)
                  for c in range(size)]
        values = (_Z, _ONE) * (size // 2) + (_Z,)  # T^k(c 2^-k) = c mod 2
        return Piecewise._make(_grid_knots(k), pieces, values, True)
    # in u = 2^k x: u - c on even cells, c + 1 - u on odd ones; T^k(c 2^-k) = c mod 2
    # (built in place: 24 bytes per piece, no value array since T^k is continuous)
    A = np.arange(size, dtype=np.int64)
    A[0::2] *= -1
    A[1::2] += 1
    B = np.ones(size, dtype=np.int64)
    B[1::2] = -1
    arr = _intcore.make(_intcore.consecutive(0, size + 1), size, A, B, None, 1, True,
                        merge=False, end=0, bounds={"A": size, "B": 1})
    return Piecewise._from_arr(arr)


# --------------------------------------------------------------------------- scaled

class ScaledPiecewise(SympyDisplay):
    """An exact piecewise function times an exact sympy constant (e.g. ``2^(j/2)``).

    >>> h = haar(1, 0, normalized=True)
    >>> h(Fraction(1, 8))
    sqrt(2)
    """

    __slots__ = ("base", "factor")

    def __init__(self, factor: Any, base: Piecewise) -> None:
        if not isinstance(base, Piecewise):
            raise InvalidArgumentType(f"base has type {type(base).__name__}; expected Piecewise")
        self.factor = as_exact_expr(factor, "factor")
        self.base = base

    def __call__(self, x: Any) -> Any:
        import sympy

        v = self.base(x)
        return self.factor * sympy.Rational(v.numerator, v.denominator)

    def _parts(self, other: Any) -> tuple[Any, Piecewise]:
        import sympy

        if isinstance(other, ScaledPiecewise):
            return other.factor, other.base
        if isinstance(other, Piecewise):
            return sympy.Integer(1), other
        raise InvalidArgumentType(f"cannot pair a ScaledPiecewise with {type(other).__name__}")

    def _exact_inner(self, other: Any) -> Any:
        import sympy

        fac, base = self._parts(other)
        v = inner(self.base, base)
        return sympy.nsimplify(self.factor * fac) * sympy.Rational(v.numerator, v.denominator)

    def _exact_integrate(self, start: Any = None, stop: Any = None) -> Any:
        import sympy

        v = integrate(self.base, start, stop)
        return self.factor * sympy.Rational(v.numerator, v.denominator)

    def _exact_sup_norm(self) -> Any:
        import sympy

        v = sup_norm(self.base)
        return abs(self.factor) * sympy.sympify(v)

    def _exact_equal(self, other: Any) -> Any:
        fac, base = self._parts(other)
        if fac == self.factor:
            return equal(self.base, base)
        raise InvalidArgument("equal() of scaled functions with different factors is not "
                              "supported; compare the bases")

    def to_sympy(self, x: Any = None, **kw: Any) -> Any:
        """The sympy expression ``factor * base.to_sympy(x)``.

        >>> import sympy
        >>> x = sympy.Symbol("x")
        >>> e = haar(1, 0, normalized=True).to_sympy(x, form="heaviside")
        >>> [e.subs(x, sympy.Rational(t, 8)) for t in (1, 3, 5)]
        [sqrt(2), -sqrt(2), 0]
        """
        return self.factor * self.base.to_sympy(x, **kw)

    def __repr__(self) -> str:
        return f"{self.factor} * {self.base!r}"

    @property
    def domain(self) -> tuple[Fraction, Fraction]:
        """The domain of the base function.

        >>> haar(0, 0, normalized=True).domain
        (Fraction(0, 1), Fraction(1, 1))
        """
        return self.base.domain

    @property
    def closed(self) -> bool:
        """Whether the right end of the domain belongs to it (as for the base function)."""
        return self.base.closed

    def _sympy_(self) -> Any:
        return self.to_sympy()


# --------------------------------------------------------------------------- Gram

def gram(functions: Sequence[Any]) -> Any:
    """The exact Gram matrix ``[<f_i, f_j>]`` as a sympy Matrix of Rationals.

    >>> gram([walsh(m) for m in range(4)]) == __import__("sympy").eye(4)
    True
    """
    import sympy

    fs = as_list(functions, "functions", min_len=1, what="functions")
    check_budget("pieces", len(fs) ** 2, f"gram of {len(fs)} functions")
    like = next((f for f in fs if isinstance(f, (Piecewise, ScaledPiecewise))), None)
    fs = [as_piecewise(f, f"functions[{i}]", like) for i, f in enumerate(fs)]
    hook = getattr(fs[0], "_exact_gram", None)
    if hook is not None:
        return hook(fs)
    fast = _gram_affine(fs)
    if fast is not None:
        num, den = fast
        return sympy.Matrix(len(fs), len(fs),
                            lambda i, j: sympy.Rational(int(num[i, j]), den))
    return _gram_pairwise(fs)


def _gram_pairwise(fs: list[Piecewise]) -> Any:
    """The Gram matrix by one exact ``inner`` per pair (the general route, and the oracle of
    :func:`_gram_affine` in the tests)."""
    import sympy

    n = len(fs)
    entries: dict[tuple[int, int], Any] = {}
    for i in range(n):
        for j in range(i, n):
            v = inner(fs[i], fs[j])
            if isinstance(v, Fraction):
                v = sympy.Rational(v.numerator, v.denominator)
            entries[i, j] = entries[j, i] = v
    return sympy.Matrix(n, n, lambda i, j: entries[i, j])


_ZERO = Fraction(0)


def _gram_affine(fs: list[Piecewise]) -> tuple[np.ndarray, int] | None:
    """``(numerators, denominator)`` of the Gram matrix of piecewise-affine functions on one
    domain, all pairs at once; None for anything else.

    On each cell ``[t0, t1]`` of the union of the knots every function is affine, with end
    values ``f0 = f(t0+)`` and ``f1 = f(t1-)``, and ``integral f g = (t1 - t0) (2 f0 g0 + f0 g1
    + f1 g0 + 2 f1 g1) / 6`` exactly (Simpson's rule is exact for quadratics; point values do
    not count). The end values are integers over one denominator, the cell widths over
    another, and the sums over cells are two integer matrix products (int64 under a checked
    bound, Python ints past it).
    """
    if not all(type(f) is Piecewise and f.degree <= 1 for f in fs):
        return None
    domain = fs[0].domain
    if any(f.domain != domain for f in fs):
        return None
    grid = sorted({t for f in fs for t in f.knots})
    cells = len(grid) - 1
    ends: list[list[Fraction]] = []
    for f in fs:
        row0, row1 = [], []
        ks, ps = f.knots, f.polys
        j = 0
        for c in range(cells):
            t0, t1 = grid[c], grid[c + 1]
            while ks[j + 1] <= t0:
                j += 1
            p = ps[j]
            a = p[0] if p else _ZERO
            b = p[1] if len(p) > 1 else _ZERO
            row0.append(a + b * t0)
            row1.append(a + b * t1)
        ends.append(row0)
        ends.append(row1)
    den = math.lcm(1, *(v.denominator for row in ends for v in row))
    wden = math.lcm(*(t.denominator for t in grid))
    widths = [(grid[c + 1] - grid[c]) * wden for c in range(cells)]
    vals = [[v.numerator * (den // v.denominator) for v in row] for row in ends]
    top = max((abs(v) for row in vals for v in row), default=0)
    wtop = max((int(w) for w in widths), default=0)
    dtype = np.int64 if 6 * max(cells, 1) * max(wtop, 1) * max(top, 1) ** 2 < 1 << 62 else object
    arr = np.array(vals, dtype=dtype).reshape(len(fs), 2, cells)
    w = np.array([int(v) for v in widths], dtype=dtype)
    f0, f1 = arr[:, 0], arr[:, 1]
    num = (f0 * w) @ (2 * f0 + f1).T + (f1 * w) @ (f0 + 2 * f1).T
    return num, 6 * wden * den * den
