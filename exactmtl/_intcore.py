"""Integer-array kernels behind :class:`exactmtl.piecewise.Piecewise` (degree <= 1 pieces).

A piecewise-linear function on ``[K[0] / D, K[-1] / D)`` is held as integer arrays:

* ``K`` (length ``N + 1``): knot numerators over the knot denominator ``D > 0``;
* ``A``, ``B`` (length ``N``): on piece ``i`` the function is ``(A[i] + B[i] * u) / M`` in the
  integer coordinate ``u = D * x`` (so the value at a knot ``K[j]`` is ``(A + B K[j]) / M``);
* ``V`` (length ``N``, or ``N + 1`` when closed): the exact value at each knot, over ``M``.

Every array is int64 when a bit-length bound proves that no entry and no intermediate result
reaches ``2^62``; otherwise it is an object array of Python ints. Both are exact. The form is
canonical (equal neighbours merged, ``D`` and then ``M`` in lowest terms), so two functions are
equal iff their arrays are. No float is ever created here.

>>> f = from_steps([0, 1, 2], [3, -1], 2, 1, closed=False)   # 3 on [0, 1/2), -1 on [1/2, 1)
>>> int_inner(f, f)
Fraction(5, 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "Arr",
    "binary",
    "from_steps",
    "int_inner",
    "int_integrate",
]

_LIMIT = 1 << 62
_OBJ = np.dtype(object)


@dataclass(frozen=True, slots=True)
class Arr:
    """The integer form (see the module docstring). Arrays are read-only."""

    K: np.ndarray
    D: int
    A: np.ndarray
    B: np.ndarray
    V: np.ndarray
    M: int
    closed: bool

    @property
    def pieces(self) -> int:
        return len(self.A)

    def has_slope(self) -> bool:
        return bool(np.any(self.B != 0))


# --------------------------------------------------------------------------- checked integers

def mx(a: np.ndarray) -> int:
    """``max |a|`` as a Python int (0 for an empty array)."""
    if a.size == 0:
        return 0
    if a.dtype == _OBJ:
        return max(map(abs, a.tolist()))
    return max(int(a.max()), -int(a.min()))


def obj(a: np.ndarray) -> np.ndarray:
    """``a`` as an object array of Python ints."""
    if a.dtype == _OBJ:
        return a
    out = np.empty(a.shape, dtype=object)
    out[...] = a.tolist() if a.ndim else int(a)
    return out


def demote(a: np.ndarray) -> np.ndarray:
    """int64 when every entry of an object array is below ``2^62`` in absolute value."""
    if a.dtype == _OBJ and mx(a) < _LIMIT:
        return np.array(a.tolist(), dtype=np.int64).reshape(a.shape)
    return a


def ints(values: list[int]) -> np.ndarray:
    """An exact integer array from Python ints: int64 below ``2^62``, else object."""
    if not values:
        return np.zeros(0, dtype=np.int64)
    if max(max(values), -min(values)) < _LIMIT:
        return np.array(values, dtype=np.int64)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def mul(a: Any, b: Any) -> np.ndarray:
    """Exact ``a * b`` (arrays or Python ints), int64 only under the checked bound."""
    a_arr, b_arr = isinstance(a, np.ndarray), isinstance(b, np.ndarray)
    ma = mx(a) if a_arr else abs(a)
    mb = mx(b) if b_arr else abs(b)
    if ma * mb >= _LIMIT or ma >= _LIMIT or mb >= _LIMIT:
        if a_arr:
            a = obj(a)
        if b_arr:
            b = obj(b)
        if not a_arr and not b_arr:
            return a * b
    return a * b


def add(a: Any, b: Any, sign: int = 1) -> np.ndarray:
    """Exact ``a + sign * b``, int64 only under the checked bound."""
    a_arr, b_arr = isinstance(a, np.ndarray), isinstance(b, np.ndarray)
    ma = mx(a) if a_arr else abs(a)
    mb = mx(b) if b_arr else abs(b)
    if ma + mb >= _LIMIT:
        if a_arr:
            a = obj(a)
        if b_arr:
            b = obj(b)
    return a + b if sign > 0 else a - b


def dot(a: np.ndarray, b: np.ndarray) -> int:
    """Exact ``sum(a * b)`` as a Python int."""
    if a.size == 0:
        return 0
    ma, mb = mx(a), mx(b)
    if a.dtype != _OBJ and b.dtype != _OBJ and ma * mb * a.size < _LIMIT:
        return int(np.dot(a, b))
    return int(np.dot(obj(a), obj(b)))


def total(a: np.ndarray) -> int:
    """Exact ``sum(a)`` as a Python int."""
    if a.size == 0:
        return 0
    if a.dtype != _OBJ and mx(a) * a.size < _LIMIT:
        return int(a.sum())
    return int(obj(a).sum())


def gcd_all(a: np.ndarray, start: int = 0) -> int:
    """``gcd(start, *a)`` as a Python int."""
    if a.size == 0 or start == 1:
        return start
    if a.dtype != _OBJ:
        if start and not start & (start - 1):  # a power of two: the lowest set bit of an OR
            low = int(np.bitwise_or.reduce(a)) | start
            return low & -low
        if 0 < start < _LIMIT:  # gcd(start, a) = gcd(start, a mod start): small numbers
            return math.gcd(start, int(np.gcd.reduce(a % start)))
        return math.gcd(start, int(np.gcd.reduce(a)))
    return math.gcd(start, *a.tolist())


def exact_div(a: np.ndarray, g: int) -> np.ndarray:
    """``a // g`` for a Python int ``g >= 1`` (exact when ``g`` divides every entry)."""
    if g == 1:
        return a
    if a.dtype != _OBJ and g >= _LIMIT:
        return obj(a) // g
    return a // g


def int_array(a: Any, name: str) -> np.ndarray:
    """A one-dimensional exact integer array (int64, or object past ``2^62``); floats refused."""
    from exactmtl._validate import as_exact_int
    from exactmtl.errors import InvalidArgument, InvalidArgumentType

    arr = np.asarray(a) if isinstance(a, np.ndarray) else None
    if arr is None:
        try:
            arr = np.asarray(list(a), dtype=object)
        except TypeError:
            raise InvalidArgumentType(
                f"{name} has type {type(a).__name__}; expected an array of integers") from None
    if arr.ndim != 1:
        raise InvalidArgument(f"{name} has shape {arr.shape}; expected one row of integers")
    kind = arr.dtype.kind
    if kind in "iu":
        if kind == "u" and arr.size and int(arr.max()) >= _LIMIT:
            return ints([int(v) for v in arr.tolist()])
        out = arr.astype(np.int64)
        return demote(obj(out)) if out.size and mx(out) >= _LIMIT else out
    if kind == "O":
        return ints([as_exact_int(v, f"{name}[{i}]") for i, v in enumerate(arr.tolist())])
    if kind == "b":
        raise InvalidArgumentType(f"{name} is a bool array; expected integers")
    if kind == "f" and arr.size:
        as_exact_int(arr.flat[0], f"{name}[0]")  # raises InexactInputError with the hint
    raise InvalidArgumentType(f"{name} has dtype {arr.dtype}; expected integers (int64 or "
                              "Python ints)")


def scaled(xs: list[Fraction]) -> tuple[np.ndarray, int]:
    """(integer array ``k``, common denominator ``d``) with ``xs[i] == k[i] / d`` exactly."""
    nums = [x.numerator for x in xs]
    dens = {x.denominator for x in xs}
    den = math.lcm(*dens)
    if den != 1:
        nums = [x.numerator * (den // x.denominator) for x in xs]
    return ints(nums), den


def _frozen(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.setflags(write=False)


# --------------------------------------------------------------------------- normal form

def make(K: np.ndarray, D: int, A: np.ndarray, B: np.ndarray, V: np.ndarray, M: int,
         closed: bool, *, merge: bool = True) -> Arr:
    """The canonical form: merge equal neighbours, ``D`` then ``M`` in lowest terms."""
    if merge and len(A) > 1:
        same = (A[1:] == A[:-1]) & (B[1:] == B[:-1])
        idx = np.nonzero(same)[0] + 1
        if idx.size:
            at = add(A[idx], mul(B[idx], K[idx]))
            cont = at == V[idx]
            if np.any(cont):
                keep = np.ones(len(K), dtype=bool)
                keep[idx[cont]] = False
                K = K[keep]
                A, B = A[keep[:-1]], B[keep[:-1]]
                V = V[keep] if closed else V[keep[:-1]]
    # D in lowest terms: u' = u / g, so B' = B * g
    g = gcd_all(K, D)
    if g > 1:
        K = exact_div(K, g)
        D //= g
        if np.any(B != 0):
            B = mul(B, g)
    h = gcd_all(V, gcd_all(B, gcd_all(A, M)))
    if h > 1:
        A, B, V, M = exact_div(A, h), exact_div(B, h), exact_div(V, h), M // h
    K, A, B, V = demote(K), demote(A), demote(B), demote(V)
    K, A, B, V = (np.ascontiguousarray(x) for x in (K, A, B, V))
    _frozen(K, A, B, V)
    return Arr(K, D, A, B, V, M, bool(closed))


def from_steps(K: Any, values: Any, D: int, M: int, *, closed: bool,
               slopes: Any = None, slope_den: int = 1) -> Arr:
    """Right-continuous: value ``values[i] / M`` at knot ``K[i] / D``, slope ``slopes / slope_den``.

    >>> f = from_steps([0, 1], [0], 1, 1, closed=True, slopes=[1])   # the identity on [0, 1]
    >>> f.A.tolist(), f.B.tolist(), f.V.tolist(), f.M
    ([0], [1], [0, 1], 1)
    """
    K = np.asarray(K) if isinstance(K, np.ndarray) else ints(list(K))
    vals = np.asarray(values) if isinstance(values, np.ndarray) else ints(list(values))
    n = len(K) - 1
    if slopes is None or not np.any(np.asarray(slopes) != 0):
        A = vals
        B = np.zeros(n, dtype=np.int64)
        Mt = M
        V = A
        if closed:
            V = np.concatenate((A, A[-1:]))
        return make(K, D, A, B, V, Mt, closed)
    S = np.asarray(slopes) if isinstance(slopes, np.ndarray) else ints(list(slopes))
    # f = v/M + s/(sd D) (u - K) over Mt = lcm(M, sd D)
    Mt = math.lcm(M, slope_den * D)
    B = mul(S, Mt // (slope_den * D))
    Vv = mul(vals, Mt // M)
    A = add(Vv, mul(B, K[:-1]), -1)
    V = Vv
    if closed:
        last = add(A[-1:], mul(B[-1:], K[-1:]))
        V = np.concatenate((obj(Vv) if last.dtype == _OBJ else Vv,
                            obj(last) if Vv.dtype == _OBJ else last))
    return make(K, D, A, B, V, Mt, closed)


def from_fractions(knots: tuple, polys: tuple, values: tuple, closed: bool) -> Arr:
    """The integer form of canonical Fraction data (pieces of degree <= 1)."""
    kn = [t.numerator for t in knots]
    kd = [t.denominator for t in knots]
    D = math.lcm(*set(kd))
    K = [n * (D // d) for n, d in zip(kn, kd)] if D != 1 else kn
    c0 = [p[0] if p else Fraction(0) for p in polys]
    c1 = [p[1] if len(p) > 1 else None for p in polys]
    dens = {c.denominator for c in c0}
    dens.update(v.denominator for v in values)
    slopes = {c for c in c1 if c is not None}
    for s in slopes:
        dens.add((s / D).denominator)
    M = math.lcm(*dens)
    A = [c.numerator * (M // c.denominator) for c in c0]
    V = [v.numerator * (M // v.denominator) for v in values]
    if slopes:
        scale = {s: s * M / D for s in slopes}
        B = [0 if c is None else int(scale[c]) for c in c1]
    else:
        B = [0] * len(c0)
    return make(ints(K), D, ints(A), ints(B), ints(V), M, closed, merge=False)


# --------------------------------------------------------------------------- Fractions

def _raw_fraction_factory() -> Any:
    """``(n, d) -> Fraction`` for coprime ints with d > 0, skipping the gcd (checked once)."""
    new = object.__new__

    def raw(n: int, d: int) -> Fraction:
        f = new(Fraction)
        f._numerator = n  # type: ignore[attr-defined]
        f._denominator = d  # type: ignore[attr-defined]
        return f

    try:
        probe = raw(-3, 4)
        if (probe == Fraction(-3, 4) and hash(probe) == hash(Fraction(-3, 4))
                and probe + 1 == Fraction(1, 4) and str(probe) == "-3/4"):
            return raw
    except (AttributeError, TypeError):  # pragma: no cover - other Python implementations
        pass
    return lambda n, d: Fraction(n, d)  # pragma: no cover


_frac = _raw_fraction_factory()


def fractions(num: np.ndarray, den: int) -> list[Fraction]:
    """Exact Fractions ``num[i] / den``, one shared object per distinct value when few."""
    if num.size == 0:
        return []
    if num.dtype != _OBJ and den < _LIMIT:
        srt = np.sort(num)
        distinct = 1 + int(np.count_nonzero(srt[1:] != srt[:-1]))
        if 4 * distinct <= len(num):
            uniq = srt[np.concatenate([[True], srt[1:] != srt[:-1]])]
            g = np.gcd(uniq, den)
            vals = list(map(_frac, (uniq // g).tolist(), (den // g).tolist()))
            return [vals[i] for i in np.searchsorted(uniq, num).tolist()]
        g = np.gcd(num, den)
        return list(map(_frac, (num // g).tolist(), (den // g).tolist()))
    out = []
    for n in num.tolist():
        g = math.gcd(n, den)
        out.append(_frac(n // g, den // g))
    return out


def to_fractions(f: Arr) -> tuple[tuple, tuple, tuple]:
    """(knots, polys, values) as the Fraction tuples of the old representation."""
    knots = tuple(fractions(f.K, f.D))
    c0 = fractions(f.A, f.M)
    zero = Fraction(0)
    if f.has_slope():
        c1 = fractions(mul(f.B, f.D), f.M)
        polys = tuple((a, s) if s else ((a,) if a else ()) for a, s in zip(c0, c1))
    else:
        polys = tuple((a,) if a != zero else () for a in c0)
    values = tuple(fractions(f.V, f.M))
    return knots, polys, values


# --------------------------------------------------------------------------- merging

def _rescale_D(f: Arr, s: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """(K, A, B, V, M) with the knot denominator multiplied by ``s``."""
    if s == 1:
        return f.K, f.A, f.B, f.V, f.M
    K = mul(f.K, s)
    if f.has_slope():
        return K, mul(f.A, s), f.B, mul(f.V, s), f.M * s
    return K, f.A, f.B, f.V, f.M


def _at(K: np.ndarray, idx: np.ndarray, cuts: np.ndarray, A: np.ndarray, B: np.ndarray,
        V: np.ndarray) -> np.ndarray:
    """Values at ``cuts`` (each in piece ``idx``): the knot value where a cut is a knot."""
    on = K[idx] == cuts
    lin = add(A[idx], mul(B[idx], cuts))
    if lin.dtype == _OBJ or V.dtype == _OBJ:
        lin, Vv = obj(lin), obj(V)
    else:
        Vv = V
    return np.where(on, Vv[idx], lin)


@dataclass
class Merged:
    """Two functions on the union of their knots, over common denominators ``D`` and ``M``s."""

    K: np.ndarray
    D: int
    fA: np.ndarray
    fB: np.ndarray
    fV: np.ndarray
    fM: int
    gA: np.ndarray
    gB: np.ndarray
    gV: np.ndarray
    gM: int
    closed: bool


def _union_index(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sorted union ``u`` of two sorted arrays, and for each ``u[j]`` the index of the last
    entry of ``a`` (of ``b``) that is ``<= u[j]``: one stable sort of two runs (a linear merge).
    """
    c = np.concatenate((a, b))
    order = np.argsort(c, kind="stable")
    cs = c[order]
    from_a = order < len(a)
    kind = np.int32 if len(c) < 1 << 31 else np.int64
    ia = np.cumsum(from_a, dtype=kind) - 1
    ib = np.arange(len(c), dtype=kind) - ia - 1  # entries of b among the first j + 1, minus 1
    last = np.concatenate((cs[1:] != cs[:-1], [True]))
    return cs[last], ia[last], ib[last]


def merge(f: Arr, g: Arr, values: bool = True) -> Merged:
    D = math.lcm(f.D, g.D)
    fK, fA, fB, fV, fM = _rescale_D(f, D // f.D)
    gK, gA, gB, gV, gM = _rescale_D(g, D // g.D)
    if fK.dtype == _OBJ or gK.dtype == _OBJ:
        fK, gK = obj(fK), obj(gK)
    same = len(fK) == len(gK) and bool(np.array_equal(fK, gK))
    closed = f.closed and g.closed
    if same:
        if values:
            fV = fV[:len(fK)] if closed else fV[:len(fK) - 1]
            gV = gV[:len(fK)] if closed else gV[:len(fK) - 1]
        return Merged(fK, D, fA, fB, fV, fM, gA, gB, gV, gM, closed)
    K, fi, gi = _union_index(fK, gK)
    fi, gi = fi[:-1], gi[:-1]  # the piece of f, g that each union piece lies in
    if not values:
        return Merged(K, D, fA[fi], fB[fi], fV, fM, gA[gi], gB[gi], gV, gM, closed)
    lefts = K[:-1]
    fVv = _at(fK, fi, lefts, fA, fB, fV)
    gVv = _at(gK, gi, lefts, gA, gB, gV)
    if closed:
        fVv = np.concatenate((fVv, fV[-1:].astype(fVv.dtype)))
        gVv = np.concatenate((gVv, gV[-1:].astype(gVv.dtype)))
    return Merged(K, D, fA[fi], fB[fi], fVv, fM, gA[gi], gB[gi], gVv, gM, closed)


def binary(f: Arr, g: Arr, op: str) -> Arr | None:
    """``f + g``, ``f - g`` or ``f * g`` in integer form; ``None`` when the product is quadratic."""
    if op == "mul" and f.has_slope() and g.has_slope():
        return None
    m = merge(f, g)
    if op in ("add", "sub"):
        M = math.lcm(m.fM, m.gM)
        sf, sg = M // m.fM, M // m.gM
        sign = 1 if op == "add" else -1
        A = add(mul(m.fA, sf), mul(m.gA, sg), sign)
        B = add(mul(m.fB, sf), mul(m.gB, sg), sign)
        V = add(mul(m.fV, sf), mul(m.gV, sg), sign)
        return make(m.K, m.D, A, B, V, M, m.closed)
    # product with at most one sloped factor: (fA + fB u)(gA + gB u), one of fB, gB zero
    if f.has_slope():
        m.fA, m.fB, m.fV, m.fM, m.gA, m.gB, m.gV, m.gM = (m.gA, m.gB, m.gV, m.gM,
                                                          m.fA, m.fB, m.fV, m.fM)
    A = mul(m.fA, m.gA)
    B = mul(m.fA, m.gB)
    V = mul(m.fV, m.gV)
    return make(m.K, m.D, A, B, V, m.fM * m.gM, m.closed)


def scale(f: Arr, num: int, den: int) -> Arr:
    """``f * num / den`` (``den > 0``)."""
    return make(f.K, f.D, mul(f.A, num), mul(f.B, num), mul(f.V, num), f.M * den, f.closed,
                merge=num == 0)


# --------------------------------------------------------------------------- integrals

def int_integrate(f: Arr) -> Fraction:
    """``∫ f`` over the domain: ``sum du (2A + B (u0 + u1)) / (2 M D)``."""
    du = add(f.K[1:], f.K[:-1], -1)
    if f.has_slope():
        inner = add(mul(f.A, 2), mul(f.B, add(f.K[1:], f.K[:-1])))
        return Fraction(dot(du, inner), 2 * f.M * f.D)
    return Fraction(dot(du, f.A), f.M * f.D)


def int_inner(f: Arr, g: Arr) -> Fraction:
    """``∫ f g`` over the common domain (``f``, ``g`` of degree <= 1), one merge."""
    m = merge(f, g, values=False)
    u0, u1 = m.K[:-1], m.K[1:]
    du = add(u1, u0, -1)
    den = m.fM * m.gM * m.D
    fs, gs = bool(np.any(m.fB != 0)), bool(np.any(m.gB != 0))
    if not fs and not gs:
        return Fraction(dot(du, mul(m.fA, m.gA)), den)
    # 6 ∫ (a + b u)(c + d u) du = 6 ac du + 3 (ad + bc)(u1^2 - u0^2) + 2 bd (u1^3 - u0^3)
    a, b, c, d = m.fA, m.fB, m.gA, m.gB
    sq = mul(du, add(u1, u0))
    cube = mul(du, add(add(mul(u1, u1), mul(u1, u0)), mul(u0, u0)))
    tot = 6 * dot(du, mul(a, c))
    tot += 3 * dot(sq, add(mul(a, d), mul(b, c)))
    tot += 2 * dot(cube, mul(b, d))
    return Fraction(tot, 6 * den)


def int_sup_abs(f: Arr) -> Fraction:
    """``sup |f|`` over the domain (every point counts)."""
    cands = [mx(f.V)]
    cands.append(mx(add(f.A, mul(f.B, f.K[:-1]))))
    cands.append(mx(add(f.A, mul(f.B, f.K[1:]))))
    return Fraction(max(cands), f.M)


def int_range(f: Arr) -> tuple[int, int]:
    """(inf, sup) numerators over ``M``: point values and both one-sided limits of each piece."""
    left = add(f.A, mul(f.B, f.K[:-1]))
    right = add(f.A, mul(f.B, f.K[1:]))
    los = [int(x.min()) for x in (f.V, left, right) if x.size]
    his = [int(x.max()) for x in (f.V, left, right) if x.size]
    return min(los), max(his)


def value_at(f: Arr, p: int, q: int) -> Fraction:
    """The value at ``x = p / q`` (``q > 0``, inside the domain)."""
    # piece: the last knot K[i] with K[i] / D <= p / q, i.e. K[i] <= floor(p D / q)
    t = (p * f.D) // q
    K = f.K
    if K.dtype == _OBJ:
        import bisect

        i = bisect.bisect_right(K.tolist(), t) - 1
    else:
        i = int(np.searchsorted(K, t, side="right")) - 1
    if i == len(f.A) or int(K[i]) * q == p * f.D:
        return Fraction(int(f.V[i]), f.M)
    return Fraction(int(f.A[i]) * q + int(f.B[i]) * p * f.D, f.M * q)


def same_pieces(f: Arr, g: Arr) -> bool:
    """Same knots and pieces over the same denominators (point values may differ)."""
    return (f.D == g.D and f.M == g.M and len(f.K) == len(g.K)
            and bool(np.array_equal(f.K, g.K)) and bool(np.array_equal(f.A, g.A))
            and bool(np.array_equal(f.B, g.B)))


def equal_arrays(f: Arr, g: Arr) -> bool:
    """Whether two canonical integer forms are the same function."""
    return (f.closed == g.closed and f.D == g.D and f.M == g.M and len(f.K) == len(g.K)
            and bool(np.array_equal(f.K, g.K)) and bool(np.array_equal(f.A, g.A))
            and bool(np.array_equal(f.B, g.B)) and bool(np.array_equal(f.V, g.V)))


# --------------------------------------------------------------------------- composition

def _outer_at(KfM: np.ndarray, f: Arr, Y: np.ndarray, Mg: int) -> np.ndarray:
    """Values of ``f`` at the points ``Y / (Mg Df)`` (inside its domain), over ``Mf Mg``."""
    idx = np.searchsorted(KfM, Y, side="right") - 1
    n = len(f.A)
    last = idx >= n
    pidx = np.where(last, n - 1, idx)
    on = (KfM[idx] == Y) | last
    lin = add(mul(f.A[pidx], Mg), mul(f.B[pidx], Y))
    knot = mul(f.V[np.where(last, len(f.V) - 1, idx)], Mg)
    if lin.dtype == _OBJ or knot.dtype == _OBJ:
        lin, knot = obj(lin), obj(knot)
    return np.where(on, knot, lin)


def compose(f: Arr, g: Arr) -> Arr | None:
    """``f ∘ g`` (both of degree <= 1); ``None`` when ``g`` leaves the domain of ``f`` (the
    caller then raises the exact error through the Fraction path)."""
    Df, Mg = f.D, g.M
    KfM = mul(f.K, Mg)
    if KfM.dtype == _OBJ:
        KfM = obj(KfM)
    aM, bM = KfM[0], KfM[-1]
    Yl = mul(add(g.A, mul(g.B, g.K[:-1])), Df)
    Yr = mul(add(g.A, mul(g.B, g.K[1:])), Df)
    Yv = mul(g.V, Df)
    if any(x.dtype == _OBJ for x in (Yl, Yr, Yv)) or KfM.dtype == _OBJ:
        Yl, Yr, Yv, KfM = obj(Yl), obj(Yr), obj(Yv), obj(KfM)
    sloped = g.B != 0
    lo = np.where(Yl < Yr, Yl, Yr)
    hi = np.where(Yl < Yr, Yr, Yl)
    top_ok = (Yv <= bM) if f.closed else (Yv < bM)
    const_ok = (lo <= bM) if f.closed else (lo < bM)
    if not (bool(np.all(Yv >= aM)) and bool(np.all(top_ok)) and bool(np.all(lo >= aM))
            and bool(np.all(hi <= bM)) and bool(np.all(sloped | const_ok))):
        return None
    L = 1
    if sloped.any():
        mags = np.abs(g.B[sloped])
        L = int(mags[0])
        if not bool(np.all(mags == mags[0])):
            L = math.lcm(*[int(s) for s in np.unique(mags).tolist()])
    r0 = np.searchsorted(KfM, lo, side="right")
    r1 = np.searchsorted(KfM, hi, side="left")
    count = np.where(sloped, r1 - r0, 0)
    sign = np.where(g.B > 0, 1, -1)
    first = np.where(sloped, np.where(g.B > 0, r0 - 1, r1 - 1), 0)
    sub = count + 1
    ng = len(g.A)
    piece = np.repeat(np.arange(ng), sub)
    starts = np.concatenate(([0], np.cumsum(sub)[:-1]))
    k = np.arange(len(piece)) - starts[piece]
    fidx = first[piece] + sign[piece] * k
    cross = k > 0
    cidx = fidx + (sign[piece] < 0)
    # knots in the new coordinate u' = Dg Df L x
    Kin = mul(mul(g.K, Df), L)
    scale = (L // g.B[piece][cross]) if L < _LIMIT and g.B.dtype != _OBJ else \
        obj(np.array([L // int(b) for b in g.B[piece][cross].tolist()], dtype=object))
    Kx = mul(add(KfM[cidx[cross]], mul(g.A[piece][cross], Df), -1), scale)
    Kfirst = Kin[:-1][piece[~cross]]
    if Kx.dtype == _OBJ or Kfirst.dtype == _OBJ:
        Kx, Kfirst = obj(Kx), obj(Kfirst)
    K = np.empty(len(piece) + 1, dtype=Kx.dtype)
    K[:-1][cross] = Kx
    K[:-1][~cross] = Kfirst
    K[-1] = Kin[-1]
    # values: at inner knots the outer value there, at crossings the outer knot value
    Pk = mul(_outer_at(KfM, f, Yv, Mg), L)
    Vx = mul(mul(f.V[cidx[cross]], Mg), L)
    Vfirst = Pk[:ng][piece[~cross]]
    if Vx.dtype == _OBJ or Vfirst.dtype == _OBJ or Pk.dtype == _OBJ:
        Vx, Vfirst, Pk = obj(Vx), obj(Vfirst), obj(Pk)
    V = np.empty(len(piece) + (1 if g.closed else 0), dtype=Vx.dtype)
    V[:len(piece)][cross] = Vx
    V[:len(piece)][~cross] = Vfirst
    if g.closed:
        V[-1] = Pk[-1]
    # pieces: L (Af Mg + Bf Df Ag) + Bf Bg u' on sloped inner pieces, L f(Ag / Mg) on flat ones
    fsafe = np.where(sloped[piece], fidx, 0)
    Ag = g.A[piece]
    Asl = mul(add(mul(f.A[fsafe], Mg), mul(mul(f.B[fsafe], Df), Ag)), L)
    Bsl = mul(f.B[fsafe], g.B[piece])
    Pc = mul(_outer_at(KfM, f, mul(g.A, Df), Mg), L)[piece]
    if Asl.dtype == _OBJ or Pc.dtype == _OBJ:
        Asl, Pc = obj(Asl), obj(Pc)
    sp = sloped[piece]
    A = np.where(sp, Asl, Pc)
    B = np.where(sp, Bsl, 0)
    return make(K, g.D * Df * L, A, B, V, f.M * Mg * L, g.closed)
