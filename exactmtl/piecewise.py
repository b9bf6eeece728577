"""Exact piecewise-polynomial functions on an interval, with exact point values.

A :class:`Piecewise` on ``[a, b)`` (or ``[a, b]`` when ``closed``) is given by knots
``a = t_0 < t_1 < ... < t_N = b``, one polynomial with rational coefficients on each open piece
``(t_i, t_{i+1})``, and the value at every knot. Step functions and right-continuous functions
(the half-open cells, conventions §A.1) are the case where the value at ``t_i`` is the right limit;
other point values are kept exactly, so ``H(0) = 1`` versus sympy's ``1/2``, compositions with
decreasing maps and exceptional sets are all represented without loss.

Every function is stored in canonical form (equal neighbours merged), so two functions are equal
iff their representations are. The exact core never creates a float.

>>> from fractions import Fraction as Fr
>>> f = Piecewise.step([Fr(1, 2)], [1, -1])          # r_1, the first Rademacher function
>>> f(Fr(1, 4)), f(Fr(1, 2))
(Fraction(1, 1), Fraction(-1, 1))
>>> inner(f, f), integrate(f), sup_norm(f - 1)
(Fraction(1, 1), Fraction(0, 1), Fraction(2, 1))
"""

from __future__ import annotations

import bisect
import functools
import gc
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from exactmtl import _intcore as _ic
from exactmtl._validate import as_bool, as_exact, as_exact_int, as_list, check_budget, shown
from exactmtl.errors import ExactMTLError, InexactInputError, InvalidArgument, InvalidArgumentType
from exactmtl.printing import SympyDisplay

__all__ = [
    "Equality",
    "Piecewise",
    "equal",
    "floor",
    "frac",
    "from_sympy",
    "heaviside",
    "inner",
    "integrate",
    "l2_norm_squared",
    "maximum",
    "minimum",
    "relu",
    "sup_norm",
]

Poly = tuple  # tuple[Fraction, ...]: c0 + c1 x + c2 x^2 + ..., trailing zeros trimmed
_ZERO = Fraction(0)
_ONE = Fraction(1)


# --------------------------------------------------------------------------- polynomials

def _trim(p: Sequence[Fraction]) -> Poly:
    n = len(p)
    while n and not p[n - 1]:
        n -= 1
    return tuple(p[:n])


def _peval(p: Poly, x: Fraction) -> Fraction:
    if not p:
        return _ZERO
    if len(p) == 1:
        c = p[0]
        return c if isinstance(c, Fraction) else Fraction(c)
    if len(p) == 2:  # c0 + c1 x over one denominator: one normalisation instead of two
        c0, c1 = p
        d0, d1, q = c0.denominator, c1.denominator, x.denominator
        return Fraction(c1.numerator * x.numerator * d0 + c0.numerator * d1 * q, d1 * q * d0)
    acc = p[-1]
    for c in reversed(p[:-1]):
        acc = acc * x + c
    return acc if isinstance(acc, Fraction) else Fraction(acc)


def _padd(p: Poly, q: Poly) -> Poly:
    if len(p) < len(q):
        p, q = q, p
    return _trim([a + b for a, b in zip(p, q)] + list(p[len(q):]))


def _pneg(p: Poly) -> Poly:
    return tuple(-c for c in p)


def _pscale(p: Poly, c: Fraction) -> Poly:
    return _trim([a * c for a in p]) if c else ()


def _pmul(p: Poly, q: Poly) -> Poly:
    if not p or not q:
        return ()
    out = [_ZERO] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        if a:
            for j, b in enumerate(q):
                out[i + j] += a * b
    return _trim(out)


def _pcompose_linear(p: Poly, alpha: Fraction, beta: Fraction) -> Poly:
    """p(alpha + beta x) by Horner's scheme on polynomials."""
    if len(p) <= 1:
        return p
    if len(p) == 2:  # the linear case directly: (c0 + c1 alpha) + (c1 beta) x
        c0, c1 = p
        return _trim((c0 + c1 * alpha, c1 * beta))
    lin = (alpha, beta) if beta else (alpha,)
    acc: Poly = (p[-1],)
    for c in reversed(p[:-1]):
        acc = _padd(_pmul(acc, lin), (c,))
    return acc


def _pantiderivative(p: Poly) -> Poly:
    return (_ZERO, *(c / (k + 1) for k, c in enumerate(p)))


def _pintegral(p: Poly, u: Fraction, v: Fraction) -> Fraction:
    if not p:
        return _ZERO
    if len(p) == 1:
        return p[0] * (v - u)
    if len(p) == 2:
        return (v - u) * (p[0] + p[1] * (u + v) / 2)
    big = _pantiderivative(p)
    return _peval(big, v) - _peval(big, u)


def _pderiv(p: Poly) -> Poly:
    return _trim([c * k for k, c in enumerate(p)][1:])


def _bulk(func: Callable) -> Callable:
    """Pause the cyclic garbage collector while ``func`` allocates millions of Fractions.

    The objects made here hold no reference cycles; pausing the collector halves the time of
    building a 2**20-piece function (measured) and it is always restored.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper


# --------------------------------------------------------------------------- the type

class Piecewise(SympyDisplay):
    """An exact piecewise-polynomial function on ``[a, b)`` or ``[a, b]``.

    Parameters
    ----------
    knots : sequence of exact numbers
        ``t_0 < t_1 < ... < t_N`` (``N >= 1``); the domain is ``[t_0, t_N)``.
    polys : sequence of coefficient sequences
        ``polys[i] = (c0, c1, ...)``: the polynomial ``c0 + c1 x + ...`` on ``(t_i, t_{i+1})``.
    values : sequence, optional
        The value at each knot ``t_0 .. t_{N-1}`` (and ``t_N`` when closed); ``None`` (whole or
        per entry) means the limit from the right (from the left at a closed right end).
    closed : bool
        Whether the right end ``t_N`` belongs to the domain.

    Examples
    --------
    >>> f = Piecewise([0, Fraction(1, 2), 1], [(0, 2), (2, -2)], closed=True)   # the tent map
    >>> f(Fraction(1, 4)), f(1)
    (Fraction(1, 2), Fraction(0, 1))
    >>> f.breakpoints
    (Fraction(1, 2),)
    """

    __slots__ = ("_arr", "_closed", "_fk", "_fp", "_fv", "_hash", "_ik")

    def __init__(self, knots: Sequence[Any], polys: Sequence[Sequence[Any]],
                 values: Sequence[Any] | None = None, closed: bool = False) -> None:
        knots, polys = as_list(knots, "knots", what="knots"), as_list(polys, "polys", what="polys")
        values = None if values is None else as_list(values, "values", what="values")
        closed = as_bool(closed, "closed")
        ks = tuple(as_exact(t, f"knots[{i}]") for i, t in enumerate(knots))
        if len(ks) < 2:
            raise InvalidArgument(f"knots={list(map(str, ks))} needs at least two entries "
                                  "(the two ends of the domain)")
        for i in range(len(ks) - 1):
            if not ks[i] < ks[i + 1]:
                raise InvalidArgument(
                    f"knots must be strictly increasing; knots[{i}]={ks[i]} and "
                    f"knots[{i + 1}]={ks[i + 1]}")
        if len(polys) != len(ks) - 1:
            raise InvalidArgument(
                f"len(polys)={len(polys)} must be len(knots) - 1 = {len(ks) - 1}")
        ps = tuple(
            _trim([as_exact(c, f"polys[{i}][{j}]") for j, c in enumerate(_as_coeffs(p, i))])
            for i, p in enumerate(polys)
        )
        nvals = len(ks) if closed else len(ks) - 1
        if values is None:
            vals: list[Any] = [None] * nvals
        else:
            vals = list(values)
            if len(vals) != nvals:
                raise InvalidArgument(
                    f"len(values)={len(vals)} must be {nvals} (one per knot"
                    + (", the right end included since closed=True)" if closed else
                       ", the right end excluded)"))
        full = []
        for i, v in enumerate(vals):
            if v is None:
                v = _peval(ps[i], ks[i]) if i < len(ps) else _peval(ps[-1], ks[-1])
            else:
                v = as_exact(v, f"values[{i}]")
            full.append(v)
        self._set(*_canonical(ks, ps, tuple(full), bool(closed)))

    # fast internal constructor: inputs already exact and ordered
    @classmethod
    @_bulk
    def _make(cls, knots: Sequence[Fraction], polys: Sequence[Poly],
              values: Sequence[Fraction], closed: bool) -> Piecewise:
        obj = cls.__new__(cls)
        obj._set(*_canonical(tuple(knots), tuple(polys), tuple(values), closed))
        return obj

    @classmethod
    def _linear_trusted(cls, knots: Sequence[Fraction], pieces: Sequence[Poly],
                        closed: bool) -> Piecewise:
        """Right-continuous function from exact knots and trimmed polys (no validation)."""
        vals = [_peval(p, t) for p, t in zip(pieces, knots)]
        if closed:
            vals.append(_peval(pieces[-1], knots[-1]))
        return cls._make(knots, pieces, vals, closed)

    def _set(self, knots, polys, values, closed) -> None:
        self._fk = knots
        self._fp = polys
        self._fv = values
        self._closed = closed
        self._hash = None
        self._arr = None  # the integer-array form (exactmtl._intcore), made on demand
        self._ik = None  # the knots as integers over one denominator (``_int_knots``)

    @classmethod
    def _from_arr(cls, arr: _ic.Arr, fractions: tuple | None = None) -> Piecewise:
        """A Piecewise held by its canonical integer form (Fractions made only on demand)."""
        obj = cls.__new__(cls)
        obj._fk, obj._fp, obj._fv = fractions if fractions is not None else (None, None, None)
        obj._closed = arr.closed
        obj._hash = None
        obj._arr = arr
        obj._ik = None
        return obj

    def _materialize(self) -> None:
        self._fk, self._fp, self._fv = _ic.to_fractions(self._arr)

    @property
    def _knots(self) -> tuple[Fraction, ...]:
        if self._fk is None:
            self._materialize()
        return self._fk

    @property
    def _polys(self) -> tuple[Poly, ...]:
        if self._fp is None:
            self._materialize()
        return self._fp

    @property
    def _values(self) -> tuple[Fraction, ...]:
        if self._fv is None:
            self._materialize()
        return self._fv

    def _int_knots(self) -> tuple[int, list[int]]:
        """``(D, K)``: knot ``i`` is ``K[i] / D`` (cached); point location then compares ints.

        For ``x = p / q`` (``q > 0``): ``t_i <= x`` iff ``K[i] <= floor(p D / q)`` and
        ``t_i < x`` iff ``K[i] < ceil(p D / q)``, since ``K[i]`` is an integer.
        """
        ik = self._ik
        if ik is None:
            if self._fk is None:
                arr = self._arr
                ik = (arr.D, arr.K.tolist())
            else:
                ks = self._fk
                D = math.lcm(*[t.denominator for t in ks])
                ik = (D, [t.numerator * (D // t.denominator) for t in ks])
            self._ik = ik
        return ik

    def _as_arr(self) -> _ic.Arr | None:
        """The integer-array form (cached), or ``None`` for pieces of degree >= 2."""
        if self._arr is None:
            if self.degree > 1:
                return None
            self._arr = _ic.from_fractions(self._fk, self._fp, self._fv, self._closed)
        return self._arr

    # ----------------------------------------------------------------- constructors
    @classmethod
    def constant(cls, c: Any, domain: tuple[Any, Any] = (0, 1), *,
                 closed: bool = False) -> Piecewise:
        """The constant ``c`` on ``domain``.

        >>> Piecewise.constant(3)(Fraction(1, 2))
        Fraction(3, 1)
        """
        a, b, closed = *_domain(domain), as_bool(closed, "closed")
        v = as_exact(c, "c")
        return cls._make((a, b), (_trim((v,)),), (v, v) if closed else (v,), closed)

    @classmethod
    def identity(cls, domain: tuple[Any, Any] = (0, 1), *, closed: bool = False) -> Piecewise:
        """The function x on ``domain``.

        >>> Piecewise.identity()(Fraction(2, 3)), Piecewise.identity(closed=True).domain
        (Fraction(2, 3), (Fraction(0, 1), Fraction(1, 1)))
        """
        a, b, closed = *_domain(domain), as_bool(closed, "closed")
        return cls._make((a, b), ((_ZERO, _ONE),), (a, b) if closed else (a,), closed)

    @classmethod
    def step(cls, breakpoints: Sequence[Any], values: Sequence[Any],
             domain: tuple[Any, Any] = (0, 1)) -> Piecewise:
        """A right-continuous step function: ``values[i]`` on ``[t_i, t_{i+1})``.

        ``breakpoints`` are the interior points, strictly increasing inside ``domain``.

        >>> f = Piecewise.step([Fraction(1, 4)], [5, 7])
        >>> f(0), f(Fraction(1, 4))
        (Fraction(5, 1), Fraction(7, 1))
        """
        a, b = _domain(domain)
        breakpoints = as_list(breakpoints, "breakpoints", what="breakpoints")
        if len(breakpoints) + 1 >= _ARRAY_MIN_PIECES:
            fast = _steps_from_lists(breakpoints, values, a, b)
            if fast is not None:
                return fast
        ks, values = _interior(breakpoints, a, b), as_list(values, "values", what="values")
        if len(values) != len(ks) - 1:
            raise InvalidArgument(
                f"len(values)={len(values)} must be len(breakpoints) + 1 = {len(ks) - 1}")
        vs = [as_exact(v, f"values[{i}]") for i, v in enumerate(values)]
        if len(vs) >= _ARRAY_MIN_PIECES:
            kn, kden = _ic.scaled(list(ks))
            num, den = _ic.scaled(vs)
            return cls._from_arr(_ic.from_steps(kn, num, kden, den, closed=False))
        return cls._make(ks, tuple(_trim((v,)) for v in vs), tuple(vs), False)

    @classmethod
    def from_arrays(cls, knots: Any, values: Any, *, knot_denominator: Any = 1,
                    value_denominator: Any = 1, slopes: Any = None,
                    slope_denominator: Any = 1, closed: bool = False) -> Piecewise:
        """A right-continuous function from integer arrays (numerators over common denominators).

        On ``[t_i, t_{i+1})``, ``t_i = knots[i] / knot_denominator``, the function is
        ``values[i] / value_denominator + slopes[i] / slope_denominator * (x - t_i)`` (a step
        function when ``slopes`` is omitted); when ``closed`` the value at the right end is the
        left limit. The arrays are int64 or Python-int arrays of any size; the result is held in
        integer form (no ``Fraction`` per piece is made until one is asked for).

        >>> import numpy as np
        >>> f = Piecewise.from_arrays(np.arange(5), np.array([1, 1, -1, 3]), knot_denominator=4,
        ...                           value_denominator=2)
        >>> f.breakpoints, f(Fraction(3, 4)), f.pieces
        ((Fraction(1, 2), Fraction(3, 4)), Fraction(3, 2), 3)
        """
        K = _ic.knot_array(knots, "knots")
        V, vbound = _ic.int_array(values, "values", bound=True)
        kd = as_exact_int(knot_denominator, "knot_denominator", minimum=1)
        vd = as_exact_int(value_denominator, "value_denominator", minimum=1)
        sd = as_exact_int(slope_denominator, "slope_denominator", minimum=1)
        if len(V) != len(K) - 1:
            raise InvalidArgument(f"len(values)={len(V)} must be len(knots) - 1 = {len(K) - 1}")
        S = None
        if slopes is not None:
            S = _ic.int_array(slopes, "slopes")
            if len(S) != len(V):
                raise InvalidArgument(f"len(slopes)={len(S)} must be len(values) = {len(V)}")
        return cls._from_arr(_ic.from_steps(K, V, kd, vd, closed=bool(closed), slopes=S,
                                            slope_den=sd, bound=vbound, owned=True))

    @classmethod
    def linear(cls, breakpoints: Sequence[Any], pieces: Sequence[tuple[Any, Any]],
               domain: tuple[Any, Any] = (0, 1), *, closed: bool = False) -> Piecewise:
        """A right-continuous piecewise-linear function: ``c0 + c1 x`` on each piece.

        >>> s = Piecewise.linear([Fraction(1, 2)], [(0, 2), (-1, 2)])   # sawtooth S_1
        >>> s(Fraction(3, 4))
        Fraction(1, 2)
        """
        a, b, closed = *_domain(domain), as_bool(closed, "closed")
        ks, pieces = _interior(breakpoints, a, b), as_list(pieces, "pieces", what="pieces")
        if len(pieces) != len(ks) - 1:
            raise InvalidArgument(
                f"len(pieces)={len(pieces)} must be len(breakpoints) + 1 = {len(ks) - 1}")
        ps = tuple(_trim([as_exact(c, f"pieces[{i}]") for c in _as_coeffs(p, i)])
                   for i, p in enumerate(pieces))
        vals = [_peval(p, t) for p, t in zip(ps, ks)]
        if closed:
            vals.append(_peval(ps[-1], ks[-1]))
        return cls._make(ks, ps, tuple(vals), closed)

    @classmethod
    def on_grid(cls, values: Sequence[Any]) -> Piecewise:
        """The step function on [0, 1) with ``values[c]`` on the level-n cell ``c``.

        ``len(values)`` must be a power of two.

        >>> Piecewise.on_grid([1, -1, -1, 1]).breakpoints
        (Fraction(1, 4), Fraction(3, 4))
        """
        from exactmtl._validate import check_power_of_two_length

        values = as_list(values, "values", what="values")
        n = check_power_of_two_length(len(values), "values")
        vs = [as_exact(v, f"values[{i}]") for i, v in enumerate(values)]
        if len(vs) >= _ARRAY_MIN_PIECES:
            num, den = _ic.scaled(vs)
            return cls._from_arr(_ic.from_steps(_ic.consecutive(0, len(vs) + 1), num,
                                                len(vs), den, closed=False))
        ks = _grid_knots(n)
        return cls._make(ks, tuple(_trim((v,)) for v in vs), tuple(vs), False)

    # ----------------------------------------------------------------- attributes
    @property
    def knots(self) -> tuple[Fraction, ...]:
        """All knots, both ends of the domain included (canonical form).

        >>> Piecewise.step([Fraction(1, 2)], [1, 1]).knots     # equal neighbours merged
        (Fraction(0, 1), Fraction(1, 1))
        """
        return self._knots

    @property
    def polys(self) -> tuple[Poly, ...]:
        """The coefficient tuples ``(c0, c1, ...)`` on the open pieces.

        >>> Piecewise.linear([], [(1, 2)]).polys
        ((Fraction(1, 1), Fraction(2, 1)),)
        """
        return self._polys

    @property
    def values(self) -> tuple[Fraction, ...]:
        """The exact value at each knot of the domain (the right end too when closed).

        >>> Piecewise.linear([], [(1, 2)], closed=True).values
        (Fraction(1, 1), Fraction(3, 1))
        """
        return self._values

    @property
    def closed(self) -> bool:
        """Whether the right end of the domain belongs to it.

        >>> Piecewise.identity().closed, Piecewise.identity(closed=True).closed
        (False, True)
        """
        return self._closed

    @property
    def domain(self) -> tuple[Fraction, Fraction]:
        """The ends ``(a, b)`` of the domain.

        >>> Piecewise.constant(1, (Fraction(1, 2), 2)).domain
        (Fraction(1, 2), Fraction(2, 1))
        """
        if self._fk is None:
            arr = self._arr
            return Fraction(int(arr.K[0]), arr.D), Fraction(int(arr.K[-1]), arr.D)
        return self._fk[0], self._fk[-1]

    @property
    def breakpoints(self) -> tuple[Fraction, ...]:
        """The interior knots: the points where the function is not one polynomial.

        >>> Piecewise.linear([Fraction(1, 2)], [(0, 2), (-1, 2)]).breakpoints
        (Fraction(1, 2),)
        """
        return self._knots[1:-1]

    @property
    def pieces(self) -> int:
        """The number of polynomial pieces (canonical form).

        >>> Piecewise.on_grid([1, 1, -1, -1]).pieces
        2
        """
        if self._fp is None:
            return self._arr.pieces
        return len(self._fp)

    @property
    def degree(self) -> int:
        """The largest degree of a piece (``-1`` for the zero function, 0 for steps).

        >>> Piecewise.constant(0).degree, Piecewise.constant(3).degree, Piecewise.identity().degree
        (-1, 0, 1)
        """
        if self._fp is None:
            return self._arr.degree()
        return max(map(len, self._fp)) - 1

    def is_step(self) -> bool:
        """True when every piece is constant.

        >>> Piecewise.on_grid([1, 2]).is_step(), Piecewise.identity().is_step()
        (True, False)
        """
        return self.degree <= 0

    def is_right_continuous(self) -> bool:
        """True when the value at every knot is the limit from the right.

        >>> Piecewise.on_grid([1, 2]).is_right_continuous()
        True
        >>> Piecewise([0, Fraction(1, 2), 1], [(1,), (2,)], values=[1, 1]).is_right_continuous()
        False
        """
        if self._arr is not None:
            return self._arr.rc  # canonical: the value array is omitted exactly in this case
        return all(self._values[i] == _peval(p, self._knots[i])
                   for i, p in enumerate(self._polys))

    def exceptional_points(self) -> tuple[Fraction, ...]:
        """Knots whose value is neither the left nor the right limit (isolated values).

        >>> Piecewise([0, Fraction(1, 2), 1], [(1,), (2,)], values=[1, 7]).exceptional_points()
        (Fraction(1, 2),)
        """
        out = []
        for i, t in enumerate(self._knots[:-1]):
            right = _peval(self._polys[i], t)
            left = _peval(self._polys[i - 1], t) if i else right
            if self._values[i] != right and self._values[i] != left:
                out.append(t)
        return tuple(out)

    # ----------------------------------------------------------------- evaluation
    def _locate(self, x: Fraction) -> tuple[int, bool]:
        """(piece index, x is that piece's left knot); x must be in the domain."""
        D, K = self._int_knots()
        pd, q = x.numerator * D, x.denominator
        i = bisect.bisect_right(K, pd // q) - 1
        n = len(K) - 1
        if i < 0 or (i == n and not (self._closed and K[n] * q == pd)):
            a, b = self.domain
            end = "]" if self._closed else ")"
            raise InvalidArgument(f"x={x} is outside the domain [{a}, {b}{end}")
        return i, i == n or K[i] * q == pd

    def __call__(self, x: Any) -> Fraction:
        """Exact value at the exact number ``x``."""
        xf = as_exact(x, "x")
        if self._fk is None:
            arr = self._arr
            if arr.pieces > _POINT_MATERIALIZE:
                p, q = xf.numerator, xf.denominator
                lo, hi = int(arr.K[0]) * q, int(arr.K[-1]) * q
                if not (lo <= p * arr.D < hi or (self._closed and p * arr.D == hi)):
                    self._locate(xf)  # raises the domain error
                return _ic.value_at(arr, p, q)
        i, at_knot = self._locate(xf)
        if at_knot:
            return self._values[i]
        return _peval(self._polys[i], xf)

    def limit(self, x: Any, side: str) -> Fraction:
        """The one-sided limit at ``x`` (``side`` is ``"left"`` or ``"right"``).

        >>> r1 = Piecewise.step([Fraction(1, 2)], [1, -1])
        >>> r1.limit(Fraction(1, 2), "left"), r1.limit(Fraction(1, 2), "right"), r1.limit(1, "left")
        (Fraction(1, 1), Fraction(-1, 1), Fraction(-1, 1))
        """
        xf = as_exact(x, "x")
        if side not in ("left", "right"):
            raise InvalidArgument(f"side={side!r} must be 'left' or 'right'")
        a, b = self.domain
        if (side == "right" and not a <= xf < b) or (side == "left" and not a < xf <= b):
            raise InvalidArgument(f"x={xf} has no {side} limit inside the domain [{a}, {b}]")
        D, K = self._int_knots()  # t_i <= x iff K[i] <= floor(x D); t_i < x iff K[i] < ceil
        xd, q = xf.numerator * D, xf.denominator
        i = (bisect.bisect_right(K, xd // q) if side == "right"
             else bisect.bisect_left(K, -(-xd // q))) - 1
        return _peval(self._polys[i], xf)

    def evaluate_many(self, xs: Iterable[Any]) -> list[Fraction]:
        """Exact values at many points.

        >>> Piecewise.identity().evaluate_many([0, Fraction(1, 3)])
        [Fraction(0, 1), Fraction(1, 3)]
        """
        return [self(x) for x in xs]

    def numeric(self, xs: Any) -> Any:
        """Vectorised **float** evaluation for plotting (the numeric path; not exact).

        >>> Piecewise.step([Fraction(1, 2)], [1, -1]).numeric([0.25, 0.75]).tolist()
        [1.0, -1.0]
        """
        from exactmtl.numeric import evaluate_float

        return evaluate_float(self, xs)

    # ----------------------------------------------------------------- algebra
    @_bulk
    def _binary(self, other: Piecewise, pop: Callable[[Poly, Poly], Poly],
                vop: Callable[[Fraction, Fraction], Fraction], op: str = "") -> Piecewise:
        a, b = self.domain
        if other.domain != (a, b):
            raise InvalidArgument(
                f"the domains differ: [{a}, {b}] and [{other.domain[0]}, {other.domain[1]}]; "
                "use .restrict(...) to bring both to one domain")
        if op and _use_arrays(self, other):
            fa, ga = self._as_arr(), other._as_arr()
            if fa is not None and ga is not None:
                out = _ic.binary(fa, ga, op)
                if out is not None:
                    return Piecewise._from_arr(out)
        closed = self._closed and other._closed
        fk, gk = self._knots, other._knots
        fp, gp, fv, gv = self._polys, other._polys, self._values, other._values
        # the knots as integers over one denominator: the merge compares ints, not Fractions
        Df, Kf = self._int_knots()
        Dg, Kg = other._int_knots()
        if Df != Dg:
            L = math.lcm(Df, Dg)
            Kf = [k * (L // Df) for k in Kf] if L != Df else Kf
            Kg = [k * (L // Dg) for k in Kg] if L != Dg else Kg
        knots, polys, values = [], [], []
        i = j = 0
        nf, ng = len(fp), len(gp)
        t = a
        kt = Kf[0]
        while True:
            # t (key kt) is the current knot; i, j index the pieces of f, g starting at or
            # before t
            vf = fv[i] if Kf[i] == kt else _peval(fp[i], t)
            vg = gv[j] if Kg[j] == kt else _peval(gp[j], t)
            knots.append(t)
            values.append(vop(vf, vg))
            polys.append(pop(fp[i], gp[j]))
            nxt_f, nxt_g = Kf[i + 1], Kg[j + 1]
            if nxt_f < nxt_g:
                t = fk[i + 1]
                kt = nxt_f
                i += 1
            elif nxt_g < nxt_f:
                t = gk[j + 1]
                kt = nxt_g
                j += 1
            else:
                t = fk[i + 1]
                kt = nxt_f
                i += 1
                j += 1
            if i == nf or j == ng:
                break
        knots.append(b)
        if closed:
            values.append(vop(fv[-1], gv[-1]))
        return Piecewise._make(knots, polys, values, closed)

    def _scalar(self, pop: Callable[[Poly], Poly],
                vop: Callable[[Fraction], Fraction], c: Fraction | None = None) -> Piecewise:
        if c is not None and _use_arrays(self):
            arr = self._as_arr()
            if arr is not None:
                return Piecewise._from_arr(_ic.scale(arr, c.numerator, c.denominator))
        polys = tuple(pop(p) for p in self._polys)
        values = tuple(vop(v) for v in self._values)
        if c:  # an invertible scalar map keeps the canonical form: nothing merges
            obj = Piecewise.__new__(Piecewise)
            obj._set(self._knots, polys, values, self._closed)
            return obj
        return Piecewise._make(self._knots, polys, values, self._closed)

    def _coerce(self, other: Any) -> Piecewise | None:
        if isinstance(other, Piecewise):
            return other
        try:
            c = as_exact(other, "other")
        except InexactInputError:  # floats, numpy and sympy Floats: never NotImplemented
            raise
        except InvalidArgumentType:
            return None
        return Piecewise.constant(c, self.domain, closed=self._closed)

    def __add__(self, other: Any) -> Piecewise:
        g = self._coerce(other)
        if g is None:
            return NotImplemented
        return self._binary(g, _padd, lambda u, v: u + v, "add")

    __radd__ = __add__

    def __sub__(self, other: Any) -> Piecewise:
        g = self._coerce(other)
        if g is None:
            return NotImplemented
        return self._binary(g, lambda p, q: _padd(p, _pneg(q)), lambda u, v: u - v, "sub")

    def __rsub__(self, other: Any) -> Piecewise:
        g = self._coerce(other)
        if g is None:
            return NotImplemented
        return g - self

    def __neg__(self) -> Piecewise:
        return self._scalar(_pneg, lambda v: -v, -_ONE)

    def __pos__(self) -> Piecewise:
        return self

    def __mul__(self, other: Any) -> Piecewise:
        if isinstance(other, Piecewise):
            return self._binary(other, _pmul, lambda u, v: u * v, "mul")
        try:
            c = as_exact(other, "other")
        except InexactInputError:
            raise
        except InvalidArgumentType:
            return NotImplemented
        return self._scalar(lambda p: _pscale(p, c), lambda v: v * c, c)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Piecewise:
        if isinstance(other, Piecewise):
            return NotImplemented
        c = as_exact(other, "divisor")
        if not c:
            raise ZeroDivisionError("division of a Piecewise by zero")
        return self * (1 / c)

    def __pow__(self, k: int) -> Piecewise:
        e = as_exact_int(k, "exponent", minimum=0)
        check_budget("pieces", self.pieces * (self.degree * e + 1), f"f**{e} (coefficients)")
        out = Piecewise.constant(1, self.domain, closed=self._closed)
        base = self
        while e:
            if e & 1:
                out = out * base
            e >>= 1
            if e:
                base = base * base
        return out

    def __abs__(self) -> Piecewise:
        return _apply_scalar_map(self, "abs")

    # ----------------------------------------------------------------- structure
    @_bulk
    def compose(self, inner: Piecewise) -> Piecewise:
        """Return ``self ∘ inner`` exactly (``inner`` piecewise linear, values in our domain).

        >>> tent = Piecewise([0, Fraction(1, 2), 1], [(0, 2), (2, -2)], closed=True)
        >>> tt = tent.compose(tent)
        >>> tt.pieces, tt(Fraction(1, 4)), tt(Fraction(3, 8))
        (4, Fraction(1, 1), Fraction(1, 2))
        """
        inner = _user_function(inner, "inner", self)
        if not isinstance(inner, Piecewise):
            raise InvalidArgumentType(
                f"inner={inner!r} has type {type(inner).__name__}; expected a Piecewise")
        if inner.degree > 1:
            bad = next(i for i, p in enumerate(inner._polys) if len(p) > 2)
            raise InvalidArgument(
                f"compose needs a piecewise-linear inner function; inner piece {bad} on "
                f"[{inner._knots[bad]}, {inner._knots[bad + 1]}) has degree "
                f"{len(inner._polys[bad]) - 1}")
        if self.pieces + inner.pieces >= min(_ARRAY_MIN_PIECES, _COMPOSE_MIN_PIECES):
            fa, ga = self._as_arr(), inner._as_arr()
            if fa is not None and ga is not None:
                out = _ic.compose(fa, ga)
                if out is not None:
                    return Piecewise._from_arr(out)
        a, b = self.domain
        fk, fp = self._knots, self._polys
        end = "]" if self._closed else ")"

        D, K = self._int_knots()  # integer keys: t_i <= y iff K[i] <= floor(y D)
        nf = len(fp)
        closed_f = self._closed

        def value_at(y: Fraction, x: Fraction) -> Fraction:
            yd, q = y.numerator * D, y.denominator
            i = bisect.bisect_right(K, yd // q) - 1
            if i < 0 or (i == nf and not (closed_f and K[nf] * q == yd)):
                raise InvalidArgument(
                    f"compose: the inner function takes the value {y} at x={x}, outside the "
                    f"domain [{a}, {b}{end} of the outer function")
            if i == nf or K[i] * q == yd:
                return self._values[i]
            return _peval(fp[i], y)

        def right_of(y: Fraction) -> int:  # bisect_right(fk, y)
            return bisect.bisect_right(K, y.numerator * D // y.denominator)

        def left_of(y: Fraction) -> int:  # bisect_left(fk, y)
            return bisect.bisect_left(K, -(-y.numerator * D // y.denominator))

        knots: list[Fraction] = []
        polys: list[Poly] = []
        values: list[Fraction] = []
        gk = inner._knots
        for idx, g in enumerate(inner._polys):
            u, v = gk[idx], gk[idx + 1]
            alpha = g[0] if g else _ZERO
            beta = g[1] if len(g) > 1 else _ZERO
            knots.append(u)
            values.append(value_at(inner._values[idx], u))
            if not beta:
                polys.append(_trim((value_at(alpha, u),)))
                continue
            yu, yv = alpha + beta * u, alpha + beta * v
            lo, hi = (yu, yv) if yu < yv else (yv, yu)
            if lo < a or hi > b:
                bad = lo if lo < a else hi
                raise InvalidArgument(
                    f"compose: the inner function approaches {bad} on ({u}, {v}), outside the "
                    f"domain [{a}, {b}{end} of the outer function")
            lo_i = right_of(lo)
            hi_i = left_of(hi)
            cuts = fk[lo_i:hi_i]  # outer knots strictly inside (lo, hi)
            if beta < 0:
                cuts = cuts[::-1]
            xs = [(s - alpha) / beta for s in cuts]
            # piece of the outer function met just after x = u
            if beta > 0:
                first = lo_i - 1
                order = range(first, first + len(xs) + 1)
            else:
                first = hi_i - 1
                order = range(first, first - len(xs) - 1, -1)
            for k, fi in enumerate(order):
                if k:
                    knots.append(xs[k - 1])
                    values.append(self._values[fi + (1 if beta < 0 else 0)])
                polys.append(_pcompose_linear(fp[fi], alpha, beta))
        knots.append(gk[-1])
        if inner._closed:
            values.append(value_at(inner._values[-1], gk[-1]))
        return Piecewise._make(knots, polys, values, inner._closed)

    def restrict(self, start: Any, stop: Any, *, closed: bool = False) -> Piecewise:
        """The restriction to ``[start, stop)`` (``[start, stop]`` when ``closed``).

        >>> Piecewise.identity().restrict(0, Fraction(1, 2)).domain
        (Fraction(0, 1), Fraction(1, 2))
        """
        lo, hi = as_exact(start, "start"), as_exact(stop, "stop")
        a, b = self.domain
        if not (a <= lo < hi <= b) or (closed and hi == b and not self._closed):
            raise InvalidArgument(
                f"[start, stop]=[{lo}, {hi}] must lie in the domain [{a}, {b}"
                f"{']' if self._closed else ')'} with start < stop")
        i0 = bisect.bisect_right(self._knots, lo) - 1
        i1 = bisect.bisect_left(self._knots, hi)
        knots = [lo, *self._knots[i0 + 1:i1], hi]
        polys = self._polys[i0:i1]
        values = [self(lo), *self._values[i0 + 1:i1]]
        if closed:
            values.append(self(hi))
        return Piecewise._make(knots, polys, values, closed)

    def range_bounds(self) -> tuple[Fraction, Fraction]:
        """Exact (inf, sup) over the domain of a piecewise-linear function.

        Point values and both one-sided limits of every piece count (the extremes need not be
        attained on a half-open piece).

        >>> Piecewise.linear([], [(1, -2)]).range_bounds()
        (Fraction(-1, 1), Fraction(1, 1))
        >>> Piecewise([0, 1], [(0, 10)], values=[10]).range_bounds()   # 10x, but 10 at x = 0
        (Fraction(0, 1), Fraction(10, 1))
        """
        if self.degree > 1:
            raise InvalidArgument("range_bounds needs degree <= 1 pieces; use sup_norm")
        if self._fk is None or _use_arrays(self):
            arr = self._as_arr()
            lo, hi = _ic.int_range(arr)
            return Fraction(lo, arr.M), Fraction(hi, arr.M)
        cands = list(self._values)
        for i, p in enumerate(self._polys):  # both one-sided limits: a point value may differ
            cands.append(_peval(p, self._knots[i]))
            cands.append(_peval(p, self._knots[i + 1]))
        return min(cands), max(cands)

    # ----------------------------------------------------------------- comparison
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Piecewise):
            return NotImplemented
        if self._arr is not None and other._arr is not None:
            return _ic.equal_arrays(self._arr, other._arr)
        return (self._closed == other._closed and self._knots == other._knots
                and self._polys == other._polys and self._values == other._values)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self._closed, self._knots, self._polys, self._values))
        return self._hash

    def __bool__(self) -> bool:
        raise InvalidArgumentType(
            "the truth value of a Piecewise is ambiguous; use equal(f, g) for a verdict")

    # ----------------------------------------------------------------- sympy
    def to_sympy(self, x: Any = None, *, form: str = "piecewise") -> Any:
        """A sympy expression equal to this function on its domain.

        ``form="piecewise"`` gives a ``Piecewise`` (isolated point values first, as ``Eq``);
        ``form="heaviside"`` gives ``p_0 + Σ (p_i - p_{i-1}) Heaviside(x - t_i, 1) + ...`` with
        ``H(0) = 1`` passed explicitly (sympy's default is 1/2).

        >>> import sympy
        >>> x = sympy.Symbol("x")
        >>> Piecewise.step([Fraction(1, 2)], [1, -1]).to_sympy(x, form="heaviside")
        1 - 2*Heaviside(x - 1/2, 1)
        """
        import sympy

        x = sympy.Symbol("x") if x is None else x

        def expr(p: Poly) -> Any:
            return sum((sympy.Rational(c.numerator, c.denominator) * x**k
                        for k, c in enumerate(p)), sympy.Integer(0))

        def rat(c: Fraction) -> Any:
            return sympy.Rational(c.numerator, c.denominator)

        ks, ps, vs = self._knots, self._polys, self._values
        if form == "piecewise":
            pairs = []
            for i, t in enumerate(ks[:-1]):
                if vs[i] != _peval(ps[i], t):
                    pairs.append((rat(vs[i]), sympy.Eq(x, rat(t))))
            if self._closed and vs[-1] != _peval(ps[-1], ks[-1]):
                pairs.append((rat(vs[-1]), sympy.Eq(x, rat(ks[-1]))))
            for i, p in enumerate(ps):
                last = i == len(ps) - 1
                upper = (x <= rat(ks[i + 1])) if (last and self._closed) else (x < rat(ks[i + 1]))
                pairs.append((expr(p), sympy.And(x >= rat(ks[i]), upper)))
            return sympy.Piecewise(*pairs)
        if form == "heaviside":
            out = expr(ps[0])
            for i in range(1, len(ps)):
                out += (expr(_padd(ps[i], _pneg(ps[i - 1]))) * sympy.Heaviside(x - rat(ks[i]), 1))
            for i, t in enumerate(ks[:-1]):
                d = vs[i] - _peval(ps[i], t)
                if d:
                    point = sympy.Heaviside(x - rat(t), 1) - sympy.Heaviside(x - rat(t), 0)
                    out += rat(d) * point
            return out
        raise InvalidArgument(f"form={form!r} is not a form; expected 'piecewise' or 'heaviside'")

    def _sympy_(self) -> Any:
        return self.to_sympy()

    def __repr__(self) -> str:
        a, b = self.domain
        end = "]" if self._closed else ")"
        if self.pieces <= 4:
            body = ", ".join(
                f"[{self._knots[i]}, {self._knots[i + 1]}): {_poly_str(p)}"
                for i, p in enumerate(self._polys))
            return f"Piecewise({body}; domain [{a}, {b}{end})"
        return (f"Piecewise(<{self.pieces} pieces, degree {self.degree}> on "
                f"[{a}, {b}{end})")


@_bulk
def _grid_knots(level: int) -> tuple[Fraction, ...]:
    """The knots c / 2**level, c = 0..2**level, built without gcd work (dyadic reduction).

    Levels up to 10 are kept (an immutable tuple, at most 2**11 Fractions in all): small grid
    functions are built over and over by the construction and the proofs.
    """
    if level <= 10:
        return _grid_knots_small(level)
    return _build_grid_knots(level)


@functools.lru_cache(maxsize=11)
def _grid_knots_small(level: int) -> tuple[Fraction, ...]:
    return _build_grid_knots(level)


def _build_grid_knots(level: int) -> tuple[Fraction, ...]:
    size = 1 << level
    out = [_ZERO]
    for c in range(1, size + 1):
        tz = (c & -c).bit_length() - 1
        out.append(_coprime(c >> tz, size >> tz))
    return tuple(out)


def _coprime(num: int, den: int) -> Fraction:
    return Fraction(num, den, _normalize=False) if _NORMALIZE_KW else \
        Fraction._from_coprime_ints(num, den)  # type: ignore[attr-defined]


_NORMALIZE_KW = not hasattr(Fraction, "_from_coprime_ints")


def _poly_str(p: Poly) -> str:
    if not p:
        return "0"
    terms = []
    for k, c in enumerate(p):
        if c:
            coef = "" if c == 1 and k else "-" if c == -1 and k else f"{c}*" if k else str(c)
            terms.append(coef if k == 0 else f"{coef}x" if k == 1 else f"{coef}x^{k}")
    return " + ".join(terms)


def _as_coeffs(p: Any, i: int) -> Sequence[Any]:
    if isinstance(p, (list, tuple)):
        return p
    raise InvalidArgumentType(
        f"polys[{i}]={p!r} must be a tuple of coefficients (c0, c1, ...)")


def _domain(domain: tuple[Any, Any]) -> tuple[Fraction, Fraction]:
    try:
        lo, hi = domain
    except (TypeError, ValueError):
        raise InvalidArgumentType(f"domain={shown(domain)} must be a pair (a, b)") from None
    a, b = as_exact(lo, "domain[0]"), as_exact(hi, "domain[1]")
    if not a < b:
        raise InvalidArgument(f"domain=({a}, {b}) must have a < b")
    return a, b


def _steps_from_lists(breakpoints: list, values: Any, a: Fraction, b: Fraction
                      ) -> Piecewise | None:
    """``Piecewise.step`` checked on integer arrays (order by one numpy comparison instead of
    Fraction comparisons); ``None`` on any problem, so that the element-wise path reports it
    with its exact message."""
    try:
        vl = as_list(values, "values", what="values")
        if len(vl) != len(breakpoints) + 1:
            return None
        frac = Fraction
        ks = [a, *[t if t.__class__ is frac else as_exact(t, "breakpoints") for t in breakpoints],
              b]
        vs = [v if v.__class__ is frac else as_exact(v, "values") for v in vl]
    except (ExactMTLError, TypeError, ValueError, ArithmeticError):
        return None
    kn, kden = _ic.scaled(ks)
    if not bool(np.all(kn[1:] > kn[:-1])):
        return None
    num, den = _ic.scaled(vs)
    return Piecewise._from_arr(_ic.from_steps(_ic.shared(kn), num, kden, den, closed=False,
                                              owned=True))


def _interior(breakpoints: Sequence[Any], a: Fraction, b: Fraction) -> tuple[Fraction, ...]:
    ks = [a]
    for i, t in enumerate(as_list(breakpoints, "breakpoints", what="breakpoints")):
        tf = as_exact(t, f"breakpoints[{i}]")
        if not a < tf < b:
            raise InvalidArgument(
                f"breakpoints[{i}]={tf} is outside the open domain ({a}, {b})")
        if tf <= ks[-1]:
            raise InvalidArgument(
                f"breakpoints must be strictly increasing; breakpoints[{i}]={tf} follows {ks[-1]}")
        ks.append(tf)
    ks.append(b)
    return tuple(ks)


def _canonical(knots: tuple, polys: tuple, values: tuple, closed: bool) -> tuple:
    """Merge neighbours with the same polynomial and a continuous value at the shared knot."""
    n = len(polys)
    keep = [0]
    for i in range(1, n):
        p = polys[i]
        if p == polys[keep[-1]] and values[i] == _peval(p, knots[i]):
            continue
        keep.append(i)
    if len(keep) == n:
        return knots, polys, values, closed
    ks = (*(knots[i] for i in keep), knots[-1])
    ps = tuple(polys[i] for i in keep)
    vs = tuple(values[i] for i in keep) + ((values[-1],) if closed else ())
    return ks, ps, vs, closed


# --------------------------------------------------------------------------- calculus

def _user_function(f: Any, name: str, like: Any = None) -> Any:
    """A sympy expression given for a function is read exactly (see exactmtl.sympy_io)."""
    if isinstance(f, Piecewise):
        return f
    from exactmtl.sympy_io import as_piecewise

    return as_piecewise(f, name, like)


def _check_pw(f: Any, name: str) -> Piecewise:
    if isinstance(f, Piecewise):
        return f
    raise InvalidArgumentType(f"{name} has type {type(f).__name__}; expected a Piecewise")


def integrate(f: Piecewise, start: Any = None, stop: Any = None) -> Fraction:
    """The exact integral of ``f`` over its domain (or over ``[start, stop]``).

    >>> integrate(Piecewise.identity())
    Fraction(1, 2)
    """
    f = _user_function(f, "f")
    if hasattr(f, "_exact_integrate"):
        return f._exact_integrate(start, stop)
    f = _check_pw(f, "f")
    if start is not None or stop is not None:
        a, b = f.domain
        f = f.restrict(a if start is None else start, b if stop is None else stop)
    if _use_arrays(f):
        arr = f._as_arr()
        if arr is not None:
            return _ic.int_integrate(arr)
    ks = f._knots
    if f.degree <= 0:
        return sum(((ks[i + 1] - ks[i]) * p[0] for i, p in enumerate(f._polys) if p), _ZERO)
    return sum((_pintegral(p, ks[i], ks[i + 1]) for i, p in enumerate(f._polys)), _ZERO)


def inner(f: Any, g: Any) -> Any:
    """The exact L2 inner product ``∫ f g`` over the common domain.

    >>> from exactmtl import walsh
    >>> inner(walsh(5), walsh(6)), inner(walsh(5), walsh(5))
    (Fraction(0, 1), Fraction(1, 1))
    """
    f, g = _user_function(f, "f", g), _user_function(g, "g", f)
    for a, b in ((f, g), (g, f)):
        hook = getattr(a, "_exact_inner", None)
        if hook is not None:
            return hook(b)
    f = _check_pw(f, "f")
    g = _check_pw(g, "g")
    if f.domain != g.domain:
        if f.degree <= 0 and g.degree <= 0:
            raise InvalidArgument(f"the domains differ: {f.domain} and {g.domain}")
        return integrate(f * g)  # raises the domain error of the product
    if (f.degree <= 0 and g.degree <= 0) or _use_arrays(f, g):
        fa, ga = f._as_arr(), g._as_arr()
        if fa is not None and ga is not None:
            return _ic.int_inner(fa, ga)
    return integrate(f * g)


# Operations on functions with at least this many pieces (together) take the integer-array
# path, whichever form the functions are held in; smaller ones take the Fraction path (less
# fixed overhead). Results of the array path stay in integer form. Tests set this to 0 to force
# the array path.
_ARRAY_MIN_PIECES = 48


# Point evaluation of a function held as integers with at most this many pieces first makes
# its Fractions once (bisection on them is cheaper per call than a numpy search).
_POINT_MATERIALIZE = 256


# compose takes the integer path from this many pieces (outer + inner) on: measured, a 3-piece
# step function composed with the 16-piece sawtooth costs 222 us on Fractions and 145 us on
# integers (78 and 53 us with the 4-piece one), and compositions of linear pieces cost far more
# on Fractions (the 8-piece sawtooth after the 32-piece one: 1640 us against 230 us).
_COMPOSE_MIN_PIECES = 16


def _use_arrays(*fs: Piecewise) -> bool:
    return sum(f.pieces for f in fs) >= _ARRAY_MIN_PIECES


def l2_norm_squared(f: Any) -> Any:
    """``∫ f^2`` exactly.

    >>> l2_norm_squared(Piecewise.identity() - Fraction(1, 2))
    Fraction(1, 12)
    """
    return inner(f, f)


def sup_norm(f: Piecewise) -> Any:
    """``sup |f|`` over the whole domain (every point counts, not an essential sup).

    Exact: a ``Fraction`` for pieces of degree <= 2; for degree >= 3 with irrational critical
    points, the exact value as a sympy number.

    >>> from exactmtl import triangle
    >>> sup_norm(triangle(2) - Fraction(1, 2))
    Fraction(1, 2)
    """
    f = _user_function(f, "f")
    if hasattr(f, "_exact_sup_norm"):
        return f._exact_sup_norm()
    f = _check_pw(f, "f")
    if _use_arrays(f):
        arr = f._as_arr()
        if arr is not None:
            return _ic.int_sup_abs(arr)
    best = max(abs(v) for v in f._values)
    hard = []
    ks = f._knots
    for i, p in enumerate(f._polys):
        if len(p) <= 1:  # a constant piece: its value is the candidate
            if p:
                c = abs(p[0])
                if c > best:
                    best = c
            continue
        u, v = ks[i], ks[i + 1]
        cand = [abs(_peval(p, u)), abs(_peval(p, v))]
        if len(p) == 3 and p[2]:
            vertex = -p[1] / (2 * p[2])
            if u < vertex < v:
                cand.append(abs(_peval(p, vertex)))
        elif len(p) > 3:
            hard.append((p, u, v))
        best = max(best, *cand)
    if not hard:
        return best
    import sympy

    x = sympy.Symbol("x")
    out = [sympy.Rational(best.numerator, best.denominator)]
    for p, u, v in hard:
        expr = sum(sympy.Rational(c.numerator, c.denominator) * x**k for k, c in enumerate(p))
        poly = sympy.Poly(sympy.diff(expr, x), x)
        for r in poly.real_roots():
            if sympy.Rational(u.numerator, u.denominator) < r < sympy.Rational(v.numerator,
                                                                             v.denominator):
                out.append(sympy.Abs(expr.subs(x, r)))
    return sympy.Max(*out)


# --------------------------------------------------------------------------- equality

@dataclass(frozen=True)
class Equality:
    """The exact verdict of :func:`equal` (conventions §A.3).

    ``verdict`` is ``"everywhere"``, ``"except_finite"`` (then ``exceptions`` lists every point
    where the functions differ) or ``"differs"`` (then ``witness`` is an open interval on which
    they differ except at finitely many points, and ``witness_point`` a point with ``f != g``).
    Truthy only for ``"everywhere"``.

    >>> from exactmtl import rademacher, sawtooth
    >>> r = equal(Piecewise.step([Fraction(1, 2)], [0, 1]),
    ...           Piecewise([0, Fraction(1, 2), 1], [(0,), (1,)], values=[0, 0]))
    >>> r.verdict, sorted(r.exceptions), bool(r), r.almost_everywhere
    ('except_finite', [Fraction(1, 2)], False, True)
    >>> d = equal(sawtooth(1), sawtooth(2))
    >>> d.verdict, d.witness, d.almost_everywhere
    ('differs', (Fraction(0, 1), Fraction(1, 4)), False)
    """

    verdict: str
    domain: tuple[Fraction, Fraction]
    exceptions: frozenset | None
    witness: tuple[Fraction, Fraction] | None = None
    witness_point: Fraction | None = None
    values: tuple[Fraction, Fraction] | None = None  # (f, g) at witness_point
    intervals: tuple[tuple[Fraction, Fraction], ...] = ()

    def __bool__(self) -> bool:
        return self.verdict == "everywhere"

    @property
    def almost_everywhere(self) -> bool:
        """True when the functions differ at most on a finite set.

        >>> equal(Piecewise.identity(), Piecewise.identity()).almost_everywhere
        True
        """
        return self.verdict != "differs"

    def __str__(self) -> str:
        if self.verdict == "everywhere":
            return "equal everywhere"
        if self.verdict == "except_finite":
            pts = ", ".join(str(t) for t in sorted(self.exceptions or ()))
            return f"equal except at {{{pts}}}"
        assert self.witness is not None and self.values is not None
        return (f"differ on ({self.witness[0]}, {self.witness[1]}): at x={self.witness_point} "
                f"f={self.values[0]}, g={self.values[1]}")


@_bulk
def equal(f: Any, g: Any) -> Equality:
    """Decide ``f == g`` exactly on the common domain, with the conventions §A.3 report.

    When one function is defined on a closed interval and the other on the half-open one, the
    comparison is on the half-open interval.

    >>> from exactmtl import triangle, tent, sawtooth
    >>> r = equal(triangle(3), tent().compose(sawtooth(2)))
    >>> bool(r), r.exceptions
    (True, frozenset())
    >>> print(equal(sawtooth(1), Piecewise.identity()))
    differ on (0, 1/2): at x=1/4 f=1/2, g=1/4
    """
    f, g = _user_function(f, "f", g), _user_function(g, "g", f)
    if hasattr(f, "_exact_equal"):
        return f._exact_equal(g)
    f = _check_pw(f, "f")
    g = _coerce_like(g, f, "g")
    if f.domain != g.domain:
        raise InvalidArgument(
            f"the domains differ: [{f.domain[0]}, {f.domain[1]}] and "
            f"[{g.domain[0]}, {g.domain[1]}]; restrict one of them first")
    if _use_arrays(f, g) or f._fk is None or g._fk is None:  # (no Fractions made for one)
        fa, ga = f._as_arr(), g._as_arr()
        if fa is not None and ga is not None:
            if _ic.same_pieces(fa, ga):  # canonical forms: only point values may differ
                where = _ic.value_differences(fa, ga)
                exc = frozenset(_ic.fractions(fa.K[where], fa.D))
                return Equality("except_finite" if exc else "everywhere", f.domain, exc)
            return _equal_arrays(f, g, _ic.binary(fa, ga, "sub"))
    if f._knots == g._knots and f._polys == g._polys:  # canonical forms: only values may differ
        n = len(f._polys)
        exc = frozenset(t for t, u, v in zip(f._knots[:n], f._values, g._values) if u != v)
        if f._closed and g._closed and f._values[-1] != g._values[-1]:
            exc = exc | {f._knots[-1]}
        return Equality("except_finite" if exc else "everywhere", f.domain, exc)
    d = f - g
    bad = [i for i, p in enumerate(d._polys) if p]
    if not bad:
        exc = frozenset(t for t, v in zip(d._knots, d._values) if v)
        return Equality("except_finite" if exc else "everywhere", f.domain, exc)
    intervals = tuple((d._knots[i], d._knots[i + 1]) for i in bad)
    u, v = intervals[0]
    p = d._polys[bad[0]]
    x = (u + v) / 2
    k = 2
    while not _peval(p, x):  # at most deg(p) roots: a few tries suffice
        k += 1
        x = u + (v - u) / k
    return Equality("differs", f.domain, None, (u, v), x, (f(x), g(x)), intervals)


def _equal_arrays(f: Piecewise, g: Piecewise, d: _ic.Arr) -> Equality:
    """The verdict of :func:`equal` from the integer form of ``d = f - g`` (the same report as
    the Fraction path: exceptional points, or the first interval where they differ)."""
    import numpy as np

    bad = np.flatnonzero(d.A != 0) if d.Bx is None else np.flatnonzero((d.A != 0) | (d.Bx != 0))
    if bad.size == 0:
        V = d.V
        exc = frozenset(_ic.fractions(d.K[:len(V)][V != 0], d.D))
        return Equality("except_finite" if exc else "everywhere", f.domain, exc)
    lefts = _ic.fractions(d.K[bad], d.D)
    rights = _ic.fractions(d.K[bad + 1], d.D)
    intervals = tuple(zip(lefts, rights))
    u, v = intervals[0]
    i = int(bad[0])
    p = _trim((Fraction(int(d.A[i]), d.M), Fraction(int(d.B[i]) * d.D, d.M)))
    x = (u + v) / 2
    k = 2
    while not _peval(p, x):  # at most deg(p) roots: a few tries suffice
        k += 1
        x = u + (v - u) / k
    return Equality("differs", f.domain, None, (u, v), x, (f(x), g(x)), intervals)


def _coerce_like(g: Any, f: Piecewise, name: str) -> Piecewise:
    if isinstance(g, Piecewise):
        return g
    return Piecewise.constant(as_exact(g, name), f.domain, closed=f.closed)


# --------------------------------------------------------------------------- nonlinear maps

def _outer(kind: str, lo: Fraction, hi: Fraction, h0: Fraction = _ONE) -> Piecewise:
    """The scalar map ``kind`` as an exact Piecewise on a closed interval containing [lo, hi]."""
    a, b = lo - 1, hi + 1
    if kind in ("heaviside", "relu", "abs"):
        a, b = min(a, Fraction(-1)), max(b, Fraction(1))
        if kind == "heaviside":
            return Piecewise._make((a, _ZERO, b), ((), (_ONE,)), (_ZERO, h0, _ONE), True)
        if kind == "relu":
            return Piecewise._make((a, _ZERO, b), ((), (_ZERO, _ONE)), (_ZERO, _ZERO, b), True)
        return Piecewise._make((a, _ZERO, b), ((_ZERO, -_ONE), (_ZERO, _ONE)), (-a, _ZERO, b),
                               True)
    if kind == "floor":
        lo_i, hi_i = math.floor(a), math.floor(b) + 1
        ks = tuple(Fraction(k) for k in range(lo_i, hi_i + 1))
        vals = tuple(Fraction(k) for k in range(lo_i, hi_i + 1))
        return Piecewise._make(ks, tuple(_trim((v,)) for v in vals[:-1]), vals, True)
    raise InvalidArgument(f"kind={kind!r} is not a known scalar map")


def _apply_scalar_map(f: Piecewise, kind: str, h0: Fraction = _ONE) -> Piecewise:
    f = _check_pw(_user_function(f, "f"), "f")
    if f.degree > 1:
        raise InvalidArgument(
            f"{kind} of a Piecewise needs degree <= 1 pieces (exact rational crossings); "
            f"got degree {f.degree}")
    lo, hi = f.range_bounds()
    return _outer(kind, lo, hi, h0).compose(f)


def heaviside(f: Piecewise, h0: Any = 1) -> Piecewise:
    """``H(f(x))`` with ``H(t) = 1`` for ``t > 0``, 0 for ``t < 0`` and ``H(0) = h0``.

    >>> g = heaviside(Piecewise.identity() - Fraction(1, 2))
    >>> g(Fraction(1, 2)), g(Fraction(1, 4))
    (Fraction(1, 1), Fraction(0, 1))
    """
    return _apply_scalar_map(f, "heaviside", as_exact(h0, "h0"))


def relu(f: Piecewise) -> Piecewise:
    """``max(f(x), 0)`` exactly (``f`` piecewise linear).

    >>> g = relu(Piecewise.identity() - Fraction(1, 2))
    >>> g(Fraction(1, 4)), g(Fraction(3, 4)), g.breakpoints
    (Fraction(0, 1), Fraction(1, 4), (Fraction(1, 2),))
    """
    return _apply_scalar_map(f, "relu")


def floor(f: Piecewise) -> Piecewise:
    """``floor(f(x))`` exactly (``f`` piecewise linear).

    >>> floor(3 * Piecewise.identity()).breakpoints
    (Fraction(1, 3), Fraction(2, 3))
    """
    return _apply_scalar_map(f, "floor")


def frac(f: Piecewise) -> Piecewise:
    """``f(x) - floor(f(x))`` exactly (``f`` piecewise linear).

    >>> frac(4 * Piecewise.identity())(Fraction(3, 8))
    Fraction(1, 2)
    """
    f = _user_function(f, "f")
    return f - floor(f)


def maximum(f: Piecewise, g: Piecewise) -> Piecewise:
    """Pointwise ``max(f, g)`` of piecewise-linear functions.

    >>> x = Piecewise.identity()
    >>> m = maximum(x, 1 - x)
    >>> m(Fraction(1, 4)), m(Fraction(3, 4)), m.breakpoints
    (Fraction(3, 4), Fraction(3, 4), (Fraction(1, 2),))
    """
    f, g = _user_function(f, "f", g), _user_function(g, "g", f)
    f, g = _numbers_on_domain(f, g)
    return (f + g + abs(f - g)) / 2


def minimum(f: Piecewise, g: Piecewise) -> Piecewise:
    """Pointwise ``min(f, g)`` of piecewise-linear functions.

    >>> x = Piecewise.identity()
    >>> minimum(x, 1 - x)(Fraction(1, 4)), minimum(x, 1 - x)(Fraction(3, 4))
    (Fraction(1, 4), Fraction(1, 4))
    """
    f, g = _user_function(f, "f", g), _user_function(g, "g", f)
    f, g = _numbers_on_domain(f, g)
    return (f + g - abs(f - g)) / 2


def _numbers_on_domain(f: Any, g: Any) -> tuple[Any, Any]:
    """A number next to a function becomes a constant on its domain (floats refused: never a
    sympy expression through the sympy hooks); two numbers are refused."""
    fn, gn = hasattr(f, "domain"), hasattr(g, "domain")
    if not fn and not gn:
        _check_pw(f, "f")
    if not fn:
        f = _coerce_like(f, g, "f")
    if not gn:
        g = _coerce_like(g, f, "g")
    return f, g


# --------------------------------------------------------------------------- from sympy

def from_sympy(expr: Any, x: Any = None, domain: tuple[Any, Any] = (0, 1), *,
               closed: bool = False) -> Piecewise:
    """Convert a sympy expression in ``x`` to an exact Piecewise on ``domain``.

    ``x`` defaults to the only free symbol. Handles rational numbers, ``x``, ``+``, ``*``,
    integer powers, nested ``Piecewise`` with rational thresholds (``<, <=, >, >=, Eq, Ne`` under
    ``And, Or, Not, Xor, ITE, ...``: ``subs`` results included), ``Heaviside(arg, H0)`` (sympy's
    default ``H0 = 1/2`` is kept), ``Abs``, ``sign``, ``Max``, ``Min``, ``floor``, ``ceiling``,
    ``frac`` and ``Mod`` of piecewise-linear arguments; a common real algebraic factor such as
    ``sqrt(2)`` gives an exact :class:`~exactmtl.bases.ScaledPiecewise`. The reader is
    :func:`exactmtl.sympy_io.read_sympy`.

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> f = from_sympy(2 * x - sympy.Heaviside(x - sympy.Rational(1, 2), 1), x)
    >>> f(Fraction(3, 4)), f.breakpoints
    (Fraction(1, 2), (Fraction(1, 2),))
    >>> from_sympy(sympy.Heaviside(x - sympy.Rational(1, 2)), x)(Fraction(1, 2))
    Fraction(1, 2)
    """
    from exactmtl.sympy_io import read_sympy

    return read_sympy(expr, x, domain, closed=as_bool(closed, "closed"))
