"""Integer-array kernels behind :class:`exactmtl.piecewise.Piecewise` (degree <= 1 pieces).

A piecewise-linear function on ``[K[0] / D, K[-1] / D)`` is held as integer arrays:

* ``K`` (length ``N + 1``): knot numerators over the knot denominator ``D > 0``; consecutive
  integers (a uniform grid) are one read-only array shared by every function on that grid
  (:func:`consecutive`), so building on a grid copies no knots and two functions on it are
  aligned by an identity test;
* ``A``, ``B`` (length ``N``): on piece ``i`` the function is ``(A[i] + B[i] * u) / M`` in the
  integer coordinate ``u = D * x`` (so the value at a knot ``K[j]`` is ``(A + B K[j]) / M``);
  ``B`` is not stored (``Bx is None``) when every piece is constant;
* ``V`` (length ``N``, or ``N + 1`` when closed): the exact value at each knot, over ``M``; not
  stored (``Vx is None``) when the function is right-continuous, i.e. ``V[i] == A[i] + B[i] K[i]``
  for every ``i < N`` (step functions, sawtooth and triangle waves, network outputs: the common
  case costs no array); ``end`` is the value at the right end when the domain is closed.

Every array is int64 when a bound proves that no entry and no intermediate result reaches
``2^62`` in absolute value; otherwise it is an object array of Python ints. Both are exact. Bounds
on ``|A|``, ``|B|``, ``|V|`` are carried with the form (``Arr.bound``) so that the checks cost no
pass over the data; ``|K|`` is bounded by its two ends (knots are increasing). The form is
canonical (equal neighbours merged, ``D`` and then ``M`` in lowest terms, ``Bx``/``Vx`` omitted
exactly when all slopes are zero / the function is right-continuous), so two functions are equal
iff their arrays are. No float is ever created here.

>>> f = from_steps([0, 1, 2], [3, -1], 2, 1, closed=False)   # 3 on [0, 1/2), -1 on [1/2, 1)
>>> int_inner(f, f)
Fraction(5, 1)
>>> f.Vx is None and f.Bx is None      # right-continuous step function: two arrays, K and A
True
"""

from __future__ import annotations

import bisect
import math
import operator
import weakref
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "Arr",
    "binary",
    "from_steps",
    "int_inner",
    "int_integrate",
    "make",
]

_LIMIT = 1 << 62
_OBJ = np.dtype(object)
_PROBE = 64  # entries read by a gcd before a full pass (a common factor 1 is usually seen early)


class Arr:
    """The integer form (see the module docstring). Arrays are read-only.

    ``B`` and ``V`` are the slope and point-value arrays, made on demand from ``A`` and ``K``
    when they are not stored (``Bx`` / ``Vx`` is ``None``).
    """

    __slots__ = ("A", "Bx", "D", "K", "M", "Vx", "_bd", "closed", "end")

    def __init__(self, K: np.ndarray, D: int, A: np.ndarray, Bx: np.ndarray | None,
                 Vx: np.ndarray | None, M: int, closed: bool, end: int | None = None,
                 bounds: dict | None = None) -> None:
        self.K, self.D, self.A, self.Bx, self.Vx, self.M = K, D, A, Bx, Vx, M
        self.closed = closed
        self.end = end
        self._bd = dict(bounds) if bounds else {}

    def __repr__(self) -> str:
        return (f"Arr(pieces={self.pieces}, D={self.D}, M={self.M}, closed={self.closed}, "
                f"slopes={self.Bx is not None}, right_continuous={self.Vx is None})")

    @property
    def pieces(self) -> int:
        return len(self.A)

    def has_slope(self) -> bool:
        return self.Bx is not None

    @property
    def rc(self) -> bool:
        """Right-continuous: the value at every knot but the right end is the right limit."""
        return self.Vx is None

    @property
    def B(self) -> np.ndarray:
        if self.Bx is not None:
            return self.Bx
        z = np.zeros(len(self.A), dtype=np.int64)
        z.setflags(write=False)
        return z

    @property
    def V(self) -> np.ndarray:
        """The point values (made from ``A``, ``B``, ``K`` when not stored)."""
        if self.Vx is not None:
            return self.Vx
        left = self.left()
        return _append(left, self.end) if self.closed else left

    def left(self) -> np.ndarray:
        """``A + B K[:-1]``: the right limit at each left knot (a new array or ``A``)."""
        if self.Bx is None:
            return self.A
        return badd(self.A, self.bound("A"),
                    *bmul(self.Bx, self.bound("B"), self.K[:-1], self.bound("K")))[0]

    def right(self) -> np.ndarray:
        """``A + B K[1:]``: the left limit at each right knot."""
        if self.Bx is None:
            return self.A
        return badd(self.A, self.bound("A"),
                    *bmul(self.Bx, self.bound("B"), self.K[1:], self.bound("K")))[0]

    def bound(self, name: str) -> int:
        """An upper bound on ``|entries|`` of ``K``, ``A``, ``B`` or ``V`` (cached)."""
        if name == "K":
            return max(abs(int(self.K[0])), abs(int(self.K[-1])))
        b = self._bd.get(name)
        if b is None:
            if name == "A":
                b = mx(self.A)
            elif name == "B":
                b = 0 if self.Bx is None else mx(self.Bx)
            elif self.Vx is not None:
                b = mx(self.Vx)
            else:
                b = self.bound("A") + self.bound("B") * self.bound("K")
                if self.end is not None:
                    b = max(b, abs(self.end))
            self._bd[name] = b
        return b

    def degree(self) -> int:
        """1 with a slope, else 0 unless every piece is zero (-1); cached."""
        d = self._bd.get("deg")
        if d is None:
            d = 1 if self.Bx is not None else 0 if bool(self.A.any()) else -1
            self._bd["deg"] = d
        return d


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
    try:
        arr = np.array(values, dtype=np.int64)
    except OverflowError:
        arr = None
    if arr is not None and mx(arr) < _LIMIT:
        return arr
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def bmul(a: Any, ma: int, b: Any, mb: int) -> tuple[Any, int]:
    """``(a * b, bound)`` from bounds ``ma >= |a|``, ``mb >= |b|`` (arrays or Python ints):
    int64 only when the bound of the product is below ``2^62``."""
    m = ma * mb
    if m >= _LIMIT or ma >= _LIMIT or mb >= _LIMIT:
        a = obj(a) if isinstance(a, np.ndarray) else a
        b = obj(b) if isinstance(b, np.ndarray) else b
    return a * b, m


def badd(a: Any, ma: int, b: Any, mb: int, sign: int = 1) -> tuple[Any, int]:
    """``(a + sign * b, bound)`` from bounds, int64 only below ``2^62``."""
    m = ma + mb
    if m >= _LIMIT:
        a = obj(a) if isinstance(a, np.ndarray) else a
        b = obj(b) if isinstance(b, np.ndarray) else b
    return (a + b if sign > 0 else a - b), m


def bscale(a: Any, ma: int, s: int) -> tuple[Any, int]:
    """``(a * s, bound)`` for a Python int ``s`` (no pass when ``s == 1``)."""
    if s == 1:
        return a, ma
    return bmul(a, ma, s, abs(s))


def bdot(a: np.ndarray, b: np.ndarray, total: int) -> int:
    """Exact ``sum(a * b)`` given ``total >= sum |a * b|`` (then no partial sum exceeds it)."""
    if a.size == 0:
        return 0
    if a.dtype != _OBJ and b.dtype != _OBJ and total < _LIMIT:
        return int(np.dot(a, b))
    return int(np.dot(obj(a), obj(b)))


def mul(a: Any, b: Any) -> np.ndarray:
    """Exact ``a * b`` (arrays or Python ints), int64 only under the checked bound."""
    ma = mx(a) if isinstance(a, np.ndarray) else abs(a)
    mb = mx(b) if isinstance(b, np.ndarray) else abs(b)
    return bmul(a, ma, b, mb)[0]


def add(a: Any, b: Any, sign: int = 1) -> np.ndarray:
    """Exact ``a + sign * b``, int64 only under the checked bound."""
    ma = mx(a) if isinstance(a, np.ndarray) else abs(a)
    mb = mx(b) if isinstance(b, np.ndarray) else abs(b)
    return badd(a, ma, b, mb, sign)[0]


def dot(a: np.ndarray, b: np.ndarray) -> int:
    """Exact ``sum(a * b)`` as a Python int."""
    if a.size == 0:
        return 0
    return bdot(a, b, mx(a) * mx(b) * a.size)


def total(a: np.ndarray) -> int:
    """Exact ``sum(a)`` as a Python int."""
    if a.size == 0:
        return 0
    if a.dtype != _OBJ and mx(a) * a.size < _LIMIT:
        return int(a.sum())
    return int(obj(a).sum())


def _any(a: np.ndarray) -> bool:
    """Whether some entry is nonzero (one read pass)."""
    return bool(a.any())


def _v2(a: np.ndarray) -> int:
    """The largest power of two dividing every entry of an int64 array (0 when all are 0)."""
    low = int(np.bitwise_or.reduce(a))
    return low & -low


def _divides_all(a: np.ndarray, q: int) -> bool:
    """Whether ``q`` divides every entry (one pass)."""
    if q & (q - 1) == 0 and a.dtype != _OBJ:
        return not bool((a & (q - 1)).any())
    return not bool((a % q).any())


def _gcd_with(a: np.ndarray, g: int) -> int:
    """``gcd(g, *a)`` for an int64 array and ``0 < g < 2^62``: one ``%`` pass per prime of ``g``
    (trial division up to 1024; a larger cofactor takes one gcd reduction)."""
    out = 1
    if g % 2 == 0:
        e = (g & -g)
        low = _v2(a)
        out = e if low == 0 else min(e, low)
        while g % 2 == 0:
            g //= 2
    p = 3
    while g > 1 and p < 1024 and p * p <= g:
        if g % p == 0:
            e = 0
            while g % p == 0:
                g //= p
                e += 1
            pk = 1
            for _ in range(e):
                if not _divides_all(a, pk * p):
                    break
                pk *= p
            out *= pk
        p += 2
    if g > 1:
        if g < 1024 * 1024:  # no factor below 1024 and below 2^20: g is prime
            if _divides_all(a, g):
                out *= g
        else:
            out *= math.gcd(g, int(np.gcd.reduce(a % g)))
    return out


def gcd_all(a: np.ndarray, start: int = 0) -> int:
    """``gcd(start, *a)`` as a Python int (usually decided by the first few entries)."""
    if a.size == 0 or start == 1:
        return start
    if start and a.size > _PROBE:
        start = math.gcd(start, *a[:_PROBE].tolist())  # the answer divides this
        if start == 1:
            return 1
    if a.dtype != _OBJ:
        if start and not start & (start - 1):  # a power of two: the lowest set bit of an OR
            low = int(np.bitwise_or.reduce(a)) | start
            return low & -low
        if 0 < start < _LIMIT:
            return _gcd_with(a, start)
        return math.gcd(start, int(np.gcd.reduce(a)))
    return math.gcd(start, *a.tolist())


def exact_div(a: np.ndarray, g: int) -> np.ndarray:
    """``a // g`` for a Python int ``g >= 1`` (exact when ``g`` divides every entry)."""
    if g == 1:
        return a
    if a.dtype != _OBJ and g >= _LIMIT:
        return obj(a) // g
    if a.dtype != _OBJ and not g & (g - 1):  # a power of two: an (exact) arithmetic shift
        return a >> (g.bit_length() - 1)
    return a // g


def int_array(a: Any, name: str, *, bound: bool = False, scan: bool = True) -> Any:
    """A one-dimensional exact integer array (int64, or object past ``2^62``); floats refused.

    With ``bound=True`` returns ``(array, max |entry|)`` (one max and one min pass). The array is
    always a new one (never a view of ``a``). ``scan=False`` (for increasing knots, whose bound
    is read at the ends afterwards by :func:`sorted_checked`): int64 input is copied unscanned.
    """
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
            out = ints([int(v) for v in arr.tolist()])
        else:
            out = np.array(arr, dtype=np.int64, copy=True)
            if not scan:
                return out
            m = mx(out)
            if m >= _LIMIT:
                out = obj(out)
            return (out, m) if bound else out
    elif kind == "O":
        out = ints([as_exact_int(v, f"{name}[{i}]") for i, v in enumerate(arr.tolist())])
    else:
        if kind == "b":
            raise InvalidArgumentType(f"{name} is a bool array; expected integers")
        if kind == "f" and arr.size:
            as_exact_int(arr.flat[0], f"{name}[0]")  # raises InexactInputError with the hint
        raise InvalidArgumentType(f"{name} has dtype {arr.dtype}; expected integers (int64 or "
                                  "Python ints)")
    return (out, mx(out)) if bound else out


_GRIDS: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def consecutive(start: int, count: int) -> np.ndarray:
    """The read-only int64 knots ``start, start + 1, ..., start + count - 1``, shared.

    Every function held on the same uniform grid holds this one array while any of them lives
    (a weak cache): no copy per function, and two such functions have a common refinement by an
    identity test. The caller keeps ``|start|, |start + count - 1| < 2^62``.

    >>> consecutive(0, 5) is consecutive(0, 5), consecutive(0, 5).tolist()
    (True, [0, 1, 2, 3, 4])
    """
    key = (start, count)
    out = _GRIDS.get(key)
    if out is None:
        out = np.arange(start, start + count, dtype=np.int64)
        out.setflags(write=False)
        _GRIDS[key] = out
    return out


def knot_array(a: Any, name: str) -> np.ndarray:
    """Strictly increasing integer knots (at least two) as an array the caller no longer holds.

    Consecutive integers (the uniform grid) give the shared :func:`consecutive` array, read in
    place without a copy; other knots are copied (the caller's array stays writable), and are an
    object array when an end reaches ``2^62``. Refusals name ``name``, what was expected and the
    first offending pair.

    >>> knot_array(np.arange(3, 7), "knots") is consecutive(3, 4)
    True
    """
    from exactmtl.errors import InvalidArgument

    view = isinstance(a, np.ndarray) and a.ndim == 1 and a.dtype.kind == "i"
    K = a if view else int_array(a, name, scan=False)
    if len(K) < 2:
        raise InvalidArgument(f"len({name})={len(K)} needs at least two entries (the two ends "
                              "of the domain)")
    up = K[1:] > K[:-1]
    if not bool(up.all()):
        i = int(np.flatnonzero(~up)[0])
        raise InvalidArgument(f"{name} must be strictly increasing; {name}[{i}]={K[i]} and "
                              f"{name}[{i + 1}]={K[i + 1]}")
    out = shared(K)
    if out is K and view:
        out = np.array(K, dtype=np.int64, copy=True)
    return sorted_checked(out)


def shared(K: np.ndarray) -> np.ndarray:
    """Strictly increasing knots ``K`` as the shared :func:`consecutive` array when they have no
    gap (one look at the two ends), else ``K`` itself."""
    lo, hi = int(K[0]), int(K[-1])
    if hi - lo == len(K) - 1 and max(-lo, hi) < _LIMIT:
        return consecutive(lo, len(K))
    return K


def sorted_checked(K: np.ndarray) -> np.ndarray:
    """An increasing int64 array as an object array when an end reaches ``2^62`` (else as is)."""
    if K.dtype != _OBJ and K.size and max(-int(K[0]), int(K[-1])) >= _LIMIT:
        return obj(K)
    return K


def scaled(xs: list[Fraction]) -> tuple[np.ndarray, int]:
    """(integer array ``k``, common denominator ``d``) with ``xs[i] == k[i] / d`` exactly."""
    nums = list(map(_NUM, xs))
    dens = set(map(_DEN, xs))
    den = math.lcm(*dens)
    if len(dens) > 1:
        nums = [x.numerator * (den // x.denominator) for x in xs]
    return ints(nums), den


_NUM = operator.attrgetter("numerator")
_DEN = operator.attrgetter("denominator")


def _frozen(*arrays: np.ndarray | None) -> None:
    for a in arrays:
        if a is not None:
            a.setflags(write=False)


# --------------------------------------------------------------------------- normal form

def make(K: np.ndarray, D: int, A: np.ndarray, B: np.ndarray | None, V: np.ndarray | None,
         M: int, closed: bool, *, merge: bool = True, end: int | None = None,
         bounds: dict | None = None, merge_at: np.ndarray | None = None,
         owned: bool = False) -> Arr:
    """The canonical form: merge equal neighbours, ``D`` then ``M`` in lowest terms.

    ``B=None``: every slope is zero. ``V=None``: right-continuous (trusted, no check); then
    ``end`` is the value at the right end when ``closed`` (default: the left limit there). An
    explicit ``V`` (length ``N``, or ``N + 1`` when closed) is checked and dropped when the
    function is right-continuous. ``bounds``: known upper bounds ``{"A": .., "B": .., "V": ..}``
    on the absolute entries (trusted; they save passes). ``merge=False``: the caller knows no two
    neighbours are equal; ``merge_at``: the only knot indices where neighbours may be equal.
    ``owned=True``: the arrays are new ones nobody else holds (merging may then compact them in
    place).
    """
    closed = bool(closed)
    bd = {k: v for k, v in (bounds or {}).items() if v is not None}
    n = len(A)
    kb = max(abs(int(K[0])), abs(int(K[-1])))
    if B is not None and not _any(B):
        B = None
        bd.pop("B", None)
    if V is not None:
        if closed:
            end = int(V[n])
        if B is None:
            lin = A
        else:
            ab = bd.get("A") if "A" in bd else mx(A)
            bb = bd.get("B") if "B" in bd else mx(B)
            bd["A"], bd["B"] = ab, bb
            lin = badd(A, ab, *bmul(B, bb, K[:-1], kb))[0]
        if bool(np.array_equal(V[:n], lin)):
            V = None
            bd.pop("V", None)
    elif closed and end is None:
        end = int(A[-1]) + (int(B[-1]) * int(K[-1]) if B is not None else 0)
    if not closed:
        end = None
    if merge and n > 1:
        if merge_at is None:
            same = A[1:] == A[:-1]
            if B is not None:
                same &= B[1:] == B[:-1]
            idx = np.flatnonzero(same) + 1
        else:
            idx = merge_at[(merge_at > 0) & (merge_at < n)]
            same = A[idx] == A[idx - 1]
            if B is not None:
                same &= B[idx] == B[idx - 1]
            idx = idx[same]
        if idx.size and V is not None:
            at = A[idx] if B is None else add(A[idx], mul(B[idx], K[idx]))
            if at.dtype == _OBJ or V.dtype == _OBJ:
                at, Vi = obj(at), obj(V[idx])
            else:
                Vi = V[idx]
            idx = idx[at == Vi]
        if idx.size:
            K = _remove(K, idx, owned)
            A = _remove(A, idx, owned)
            if B is not None:
                B = _remove(B, idx, owned)
            if V is not None:
                V = _remove(V, idx, owned)
            n = len(A)
    # D in lowest terms: u' = u / g, so B' = B * g
    g = gcd_all(K, D)
    if g > 1:
        K = exact_div(K, g)
        D //= g
        if B is not None:
            bb = bd.get("B") if "B" in bd else mx(B)
            B, bd["B"] = bmul(B, bb, g, g)
    h = gcd_all(A, M)
    if h > 1 and B is not None:
        h = gcd_all(B, h)
    if h > 1 and V is not None:
        h = gcd_all(V, h)
    if h > 1 and end is not None:
        h = math.gcd(h, end)
    if h > 1:
        A = exact_div(A, h)
        if B is not None:
            B = exact_div(B, h)
        if V is not None:
            V = exact_div(V, h)
        if end is not None:
            end //= h
        M //= h
        bd = {k: v // h for k, v in bd.items()}
    out = []
    for x in (K, A, B, V):
        if x is not None:
            if x.dtype == _OBJ:
                x = demote(x)
            if not x.flags.c_contiguous:
                x = np.ascontiguousarray(x)
            x.setflags(write=False)
        out.append(x)
    K, A, B, V = out
    bd.pop("deg", None)
    return Arr(K, D, A, B, V, M, closed, end, bd)


def _remove(a: np.ndarray, idx: np.ndarray, owned: bool = False) -> np.ndarray:
    """``a`` without the entries at the increasing indices ``idx`` (slice copies when few; in
    place, returning a view, when ``owned`` and writeable)."""
    if not len(idx):
        return a
    if len(idx) > _FEW:
        keep = np.ones(len(a), dtype=bool)
        keep[idx] = False
        return a[keep]
    if owned and a.flags.writeable and a.flags.c_contiguous:
        ids = idx.tolist()
        dst = ids[0]
        for k, i in enumerate(ids):
            nxt = ids[k + 1] if k + 1 < len(ids) else len(a)
            a[dst:dst + nxt - i - 1] = a[i + 1:nxt]  # an overlapping copy to the left
            dst += nxt - i - 1
        return a[:dst]
    out = np.empty(len(a) - len(idx), dtype=a.dtype)
    src = dst = 0
    for i in idx.tolist():
        out[dst:dst + i - src] = a[src:i]
        dst += i - src
        src = i + 1
    out[dst:] = a[src:]
    return out


def _insert(a: np.ndarray, pos: np.ndarray, vals: np.ndarray) -> np.ndarray:
    """``np.insert(a, pos, vals)`` for increasing ``pos`` (slice copies when few)."""
    if len(pos) > _FEW:
        return np.insert(a, pos, vals)
    dt = _OBJ if _OBJ in (a.dtype, vals.dtype) else a.dtype
    out = np.empty(len(a) + len(pos), dtype=dt)
    src = dst = 0
    for i, v in zip(pos.tolist(), vals.tolist()):
        out[dst:dst + i - src] = a[src:i]
        dst += i - src
        out[dst] = v
        dst += 1
        src = i
    out[dst:] = a[src:]
    return out


def from_steps(K: Any, values: Any, D: int, M: int, *, closed: bool,
               slopes: Any = None, slope_den: int = 1, bound: int | None = None,
               owned: bool = False) -> Arr:
    """Right-continuous: value ``values[i] / M`` at knot ``K[i] / D``, slope ``slopes / slope_den``.

    When ``closed`` the value at the right end is the left limit there. ``bound``: a known upper
    bound on ``|values|`` (trusted). No point-value array is stored. ``owned``: ``K`` and
    ``values`` are new arrays the result may keep and compact in place.

    >>> f = from_steps([0, 1], [0], 1, 1, closed=True, slopes=[1])   # the identity on [0, 1]
    >>> f.A.tolist(), f.B.tolist(), f.V.tolist(), f.M
    ([0], [1], [0, 1], 1)
    """
    K = np.asarray(K) if isinstance(K, np.ndarray) else ints(list(K))
    vals = np.asarray(values) if isinstance(values, np.ndarray) else ints(list(values))
    S = None
    if slopes is not None:
        S = np.asarray(slopes) if isinstance(slopes, np.ndarray) else ints(list(slopes))
        if not _any(S):
            S = None
    if S is None:
        return make(K, D, vals, None, None, M, closed, owned=owned,
                    bounds=None if bound is None else {"A": bound})
    # f = v/M + s/(sd D) (u - K) over Mt = lcm(M, sd D)
    Mt = math.lcm(M, slope_den * D)
    B = mul(S, Mt // (slope_den * D))
    Vv = mul(vals, Mt // M)
    A = add(Vv, mul(B, K[:-1]), -1)
    return make(K, D, A, B, None, Mt, closed)


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
    B = None
    if slopes:
        scale = {s: s * M / D for s in slopes}
        B = ints([0 if c is None else int(scale[c]) for c in c1])
    return make(ints(K), D, ints(A), B, ints(V), M, closed, merge=False)


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

class _Side:
    """One function on a common knot denominator: per-piece arrays and bounds."""

    __slots__ = ("A", "B", "K", "M", "V", "bA", "bB", "closed", "end", "f")

    def __init__(self, f: Arr, s: int) -> None:
        self.f = f
        self.closed = f.closed
        self.K, self.A, self.B, self.V, self.M, self.end = f.K, f.A, f.Bx, f.Vx, f.M, f.end
        self.bA, self.bB = f.bound("A"), f.bound("B")
        if s != 1:
            self.K = bscale(f.K, f.bound("K"), s)[0]
            if f.Bx is not None:  # (A + B u) / M = (A s + B u') / (M s) with u' = s u
                self.A, self.bA = bscale(f.A, self.bA, s)
                if f.Vx is not None:
                    self.V = bscale(f.Vx, f.bound("V"), s)[0]
                if f.end is not None:
                    self.end = f.end * s
                self.M = f.M * s

    def bK(self) -> int:
        return max(abs(int(self.K[0])), abs(int(self.K[-1])))


def _first_mismatch(a: np.ndarray, i: int, b: np.ndarray, j: int, length: int) -> int:
    """The least ``t < length`` with ``a[i + t] != b[j + t]`` (``length`` if none): chunks
    growing from 2^12, so the cost is about the distance to the mismatch."""
    pos, chunk = 0, 1 << 12
    while pos < length:
        stop = min(length, pos + chunk)
        neq = a[i + pos:i + stop] != b[j + pos:j + stop]
        if neq.any():
            return pos + int(neq.argmax())
        pos = stop
        chunk = min(chunk * 2, 1 << 18)
    return length


_BLOCK = 1 << 15  # entries per slice of a blocked kernel (its temporaries stay in cache)
_FEW = 64  # at most this many knots of one function missing from the other: insertion merge


def _few_differences(a: np.ndarray, b: np.ndarray) -> tuple[list, list] | None:
    """For strictly increasing ``a``, ``b`` with the same ends: ``(ins_a, ins_b)``, where
    ``ins_a`` lists ``(index into a, index into b)`` of the knots of ``b`` missing from ``a``
    (inserted before ``a[index]``) and ``ins_b`` likewise; ``None`` past ``_FEW`` differences."""
    n, m = len(a), len(b)
    if a[0] != b[0] or a[-1] != b[-1]:
        return None
    i = j = 0
    ins_a: list[tuple[int, int]] = []
    ins_b: list[tuple[int, int]] = []
    while i < n and j < m:
        t = _first_mismatch(a, i, b, j, min(n - i, m - j))
        i += t
        j += t
        if i >= n or j >= m:
            break
        if a[i] < b[j]:  # a[i] is not in b: it lies between b[j - 1] = a[i - 1] and b[j]
            ins_b.append((j, i))
            i += 1
        else:
            ins_a.append((i, j))
            j += 1
        if len(ins_a) + len(ins_b) > _FEW:
            return None
    if i != n or j != m:  # the ends differ: not a merge of one domain
        return None
    return ins_a, ins_b


class _Union:
    """The common refinement of two knot arrays and the maps of per-piece arrays onto it.

    Three kinds: the same knots (no work), a few knots missing on either side (slice copies,
    one pass per array), or general (gathers by piece index). For the first two, ``runs`` lists
    ``(start, stop, a_offset, b_offset)``: union pieces ``start <= t < stop`` lie in piece
    ``t - a_offset`` of ``a`` and ``t - b_offset`` of ``b``, so kernels can work on slices.
    """

    def __init__(self, a: np.ndarray, b: np.ndarray) -> None:
        self.kind = "same"
        self._K: np.ndarray | None = a
        self.n = len(a)  # union knots
        self.runs: list[tuple[int, int, int, int]] | None = [(0, len(a) - 1, 0, 0)]
        if same(a, b):
            return
        few = _few_differences(a, b)
        if few is not None:
            self.kind = "insert"
            ins_a, ins_b = few
            self.pa = np.array([p for p, _ in ins_a], dtype=np.intp)
            self.pb = np.array([p for p, _ in ins_b], dtype=np.intp)
            src = np.array([q for _, q in ins_a], dtype=np.intp)
            if len(src):  # the union knots are made when asked for (inner needs only n)
                self._K, self._a, self._new = None, a, b[src]
            self.n = len(a) + len(src)
            # union positions of the inserted knots: the maps to pieces of a, b shift there
            at_a = [p + k for k, p in enumerate(self.pa.tolist())]
            at_b = [p + k for k, p in enumerate(self.pb.tolist())]
            cuts = sorted({0, *at_a, *at_b})
            total_len = self.n - 1
            self.runs = []
            for i, start in enumerate(cuts):
                stop = cuts[i + 1] if i + 1 < len(cuts) else total_len
                self.runs.append((start, stop, bisect.bisect_right(at_a, start),
                                  bisect.bisect_right(at_b, start)))
            return
        self.kind = "index"
        self.runs = None
        self._K, self.ia, self.ib, self.ona, self.onb = _union_index(a, b)
        self.n = len(self._K)

    @property
    def K(self) -> np.ndarray:
        """The union knots (increasing; the ends are those of ``a`` and ``b``)."""
        if self._K is None:
            self._K = _insert(self._a, self.pa, self._new)
        return self._K

    def pieces(self, arr: np.ndarray | None, side: int) -> np.ndarray | None:
        """A per-piece array of side 0 (``a``) or 1 (``b``) on the union pieces."""
        if arr is None or self.kind == "same":
            return arr
        if self.kind == "insert":
            out = np.empty(self.n - 1, dtype=arr.dtype)
            for start, stop, oa, ob in self.runs:
                o = oa if side == 0 else ob
                out[start:stop] = arr[start - o:stop - o]
            return out
        return arr[self.ia if side == 0 else self.ib]

    def combine(self, op: Any, x: np.ndarray, y: np.ndarray, dtype: Any) -> np.ndarray:
        """``op(x on the union, y on the union)`` for per-piece arrays of ``a`` and ``b``, slice by
        slice into one new array (no copies of ``x`` and ``y`` on the union)."""
        out = np.empty(self.n - 1, dtype=dtype)
        for start, stop, oa, ob in self.runs:
            op(x[start - oa:stop - oa], y[start - ob:stop - ob], out=out[start:stop])
        return out

    def values(self, s: _Side, side: int) -> np.ndarray:
        """The point values of side ``s`` at the union knots but the last (over ``s.M``)."""
        n = len(s.A)
        K = self.K
        if s.V is None:  # right-continuous: the right limit at every knot
            A, B = self.pieces(s.A, side), self.pieces(s.B, side)
            if B is None:
                return A
            return badd(A, s.bA, *bmul(B, s.bB, K[:-1], _kb(K)))[0]
        if self.kind == "same":
            return s.V[:n]
        if self.kind == "insert":
            p = self.pa if side == 0 else self.pb
            if not len(p):
                return s.V[:n]
            at = K[p + np.arange(len(p))]  # the inserted knots (positions in the union)
            lin = s.A[p - 1] if s.B is None else add(s.A[p - 1], mul(s.B[p - 1], at))
            Vh = s.V[:n]
            if lin.dtype == _OBJ or Vh.dtype == _OBJ:
                lin, Vh = obj(lin), obj(Vh)
            return _insert(Vh, p, lin)
        idx = self.ia if side == 0 else self.ib
        on = self.ona if side == 0 else self.onb
        A = s.A[idx]
        lin = A if s.B is None else add(A, mul(s.B[idx], K[:-1]))
        Vi = s.V[idx]
        if lin.dtype == _OBJ or Vi.dtype == _OBJ:
            lin, Vi = obj(lin), obj(Vi)
        return np.where(on, Vi, lin)


def _kb(K: np.ndarray) -> int:
    return max(abs(int(K[0])), abs(int(K[-1])))


def _union_index(a: np.ndarray, b: np.ndarray) -> tuple:
    """The sorted union ``u`` of two strictly increasing arrays with the same ends, and for each
    union piece ``u[j] .. u[j+1]`` the piece of ``a`` (of ``b``) containing it, and whether
    ``u[j]`` is a knot of ``a`` (of ``b``): for int64 knots one stable sort of the two runs
    (a linear merge) with the side tagged in the lowest bit; otherwise one binary search."""
    if a.dtype != _OBJ and b.dtype != _OBJ:  # entries below 2^62: 2 K + 1 fits int64
        c = np.concatenate((a << 1, (b << 1) | 1))
        c.sort(kind="stable")
        v = c >> 1
        first = np.empty(len(c), dtype=bool)  # the first of each value: the a entry of a pair
        first[0] = True
        np.not_equal(v[1:], v[:-1], out=first[1:])
        idx = np.flatnonzero(first)
        u = v[idx]
        tag = (c & 1).astype(bool)
        ona = ~tag[idx]
        nxt = np.append(first[1:], True)  # a pair: the entry after the a entry is b's
        onb = tag[idx] | ~nxt[idx]
        ia = np.cumsum(ona[:-1]) - 1
        ib = np.cumsum(onb[:-1]) - 1
        return u, ia, ib, ona[:-1], onb[:-1]
    n, m = len(a), len(b)
    pos = np.searchsorted(a, b)  # a[pos - 1] < b[j] <= a[pos]
    dup = a[np.minimum(pos, n - 1)] == b
    new = ~dup
    before = np.cumsum(new) - new  # new entries of b before b[j]
    ub = pos + before  # union position of b[j]
    total_len = n + m - int(np.count_nonzero(dup))
    onb = np.zeros(total_len, dtype=bool)
    onb[ub] = True
    ona = np.ones(total_len, dtype=bool)
    ona[ub[new]] = False
    u = np.empty(total_len, dtype=a.dtype if a.dtype == b.dtype else _OBJ)
    u[ona] = a
    u[ub[new]] = b[new]
    ia = np.cumsum(ona) - 1
    ib = np.cumsum(onb) - 1
    return u, ia[:-1], ib[:-1], ona[:-1], onb[:-1]


class Merged:
    """Two functions on the union of their knots, over common denominators ``D`` and ``M``s."""

    def __init__(self, f: Arr, g: Arr, values: bool = True) -> None:
        D = math.lcm(f.D, g.D)
        fs, gs = _Side(f, D // f.D), _Side(g, D // g.D)
        if fs.K.dtype == _OBJ or gs.K.dtype == _OBJ:
            fs.K, gs.K = obj(fs.K), obj(gs.K)
        u = _Union(fs.K, gs.K)
        self.u = u
        self.D = D
        self.closed = f.closed and g.closed
        self.f, self.g = fs, gs
        self._fA = self._gA = None
        self.fB, self.gB = u.pieces(fs.B, 0), u.pieces(gs.B, 1)
        self.rc = fs.V is None and gs.V is None
        self.fV = self.gV = None
        if values and not self.rc:
            self.fV, self.gV = u.values(fs, 0), u.values(gs, 1)
            if self.closed:
                self.fV = _append(self.fV, fs.end)
                self.gV = _append(self.gV, gs.end)


    @property
    def K(self) -> np.ndarray:
        """The union knots over ``D``."""
        return self.u.K

    @property
    def fA(self) -> np.ndarray:
        if self._fA is None:
            self._fA = self.u.pieces(self.f.A, 0)
        return self._fA

    @property
    def gA(self) -> np.ndarray:
        if self._gA is None:
            self._gA = self.u.pieces(self.g.A, 1)
        return self._gA

    def runs_int64(self, *arrays: np.ndarray) -> bool:
        """Whether slice-wise kernels apply: runs known and every array int64."""
        return self.u.runs is not None and all(a.dtype != _OBJ for a in arrays)


def _append(a: np.ndarray, x: int) -> np.ndarray:
    if a.dtype == _OBJ or abs(x) >= _LIMIT:
        return np.concatenate((obj(a), ints([x]).astype(object)))
    return np.concatenate((a, np.array([x], dtype=a.dtype)))


def merge(f: Arr, g: Arr, values: bool = True) -> Merged:
    return Merged(f, g, values)


def _lin2(fa: Any, ba: int, sa: int, ga: Any, bb: int, sb: int, sign: int) -> tuple[Any, int]:
    """``fa * sa + sign * ga * sb`` with bounds; either array may be ``None`` (zero)."""
    if fa is None and ga is None:
        return None, 0
    if ga is None:
        return bscale(fa, ba, sa)
    if fa is None:
        return bscale(ga, bb, sign * sb)
    x, bx = bscale(fa, ba, sa)
    y, by = bscale(ga, bb, sb)
    return badd(x, bx, y, by, sign)


def binary(f: Arr, g: Arr, op: str) -> Arr | None:
    """``f + g``, ``f - g`` or ``f * g`` in integer form; ``None`` when the product is quadratic."""
    if op == "mul" and f.has_slope() and g.has_slope():
        return None
    m = merge(f, g)
    fs, gs = m.f, m.g
    end = None
    if op in ("add", "sub"):
        M = math.lcm(fs.M, gs.M)
        sf, sg = M // fs.M, M // gs.M
        sign = 1 if op == "add" else -1
        A, bA = _lin2(m.fA, fs.bA, sf, m.gA, gs.bA, sg, sign)
        B, bB = _lin2(m.fB, fs.bB, sf, m.gB, gs.bB, sg, sign)
        V = None
        if not m.rc:
            V = badd(*bscale(m.fV, mx(m.fV), sf), *bscale(m.gV, mx(m.gV), sg), sign)[0]
        elif m.closed:
            end = fs.end * sf + sign * gs.end * sg
        return make(m.K, m.D, A, B, V, M, m.closed, end=end, bounds={"A": bA, "B": bB})
    # product with at most one sloped factor: (fA + fB u)(gA + gB u), one of fB, gB zero
    M = fs.M * gs.M
    if m.fB is None and m.gB is None and m.rc and fs.bA * gs.bA < _LIMIT \
            and m.runs_int64(fs.A, gs.A):
        # step times step: the product written slice by slice (no union copies of f and g)
        A = m.u.combine(np.multiply, fs.A, gs.A, np.int64)
        return make(m.K, m.D, A, None, None, M, m.closed,
                    end=fs.end * gs.end if m.closed else None, bounds={"A": fs.bA * gs.bA})
    fA, fB, fV, fb = m.fA, m.fB, m.fV, (fs.bA, fs.bB)
    gA, gB, gV, gb = m.gA, m.gB, m.gV, (gs.bA, gs.bB)
    if fB is not None:
        fA, fB, fV, fb, gA, gB, gV, gb = gA, gB, gV, gb, fA, fB, fV, fb
        fs, gs = gs, fs
    A, bA = bmul(fA, fb[0], gA, gb[0])
    B, bB = (None, 0) if gB is None else bmul(fA, fb[0], gB, gb[1])
    V = None
    if not m.rc:
        V = bmul(fV, mx(fV), gV, mx(gV))[0]
    elif m.closed:
        end = fs.end * gs.end
    return make(m.K, m.D, A, B, V, M, m.closed, end=end, bounds={"A": bA, "B": bB})


def scale(f: Arr, num: int, den: int) -> Arr:
    """``f * num / den`` (``den > 0``)."""
    if num == 0:
        return make(f.K, f.D, np.zeros(len(f.A), dtype=np.int64), None, None, 1, f.closed,
                    end=0)
    A, bA = bscale(f.A, f.bound("A"), num)
    B, bB = (None, 0) if f.Bx is None else bscale(f.Bx, f.bound("B"), num)
    V = None if f.Vx is None else bscale(f.Vx, f.bound("V"), num)[0]
    end = None if f.end is None else f.end * num
    return make(f.K, f.D, A, B, V, f.M * den, f.closed, merge=False, end=end,
                bounds={"A": bA, "B": bB})


# --------------------------------------------------------------------------- integrals

def _diff(K: np.ndarray) -> tuple[np.ndarray, int]:
    """``(K[1:] - K[:-1], K[-1] - K[0])``: the piece lengths and their sum (a bound)."""
    span = int(K[-1]) - int(K[0])
    if K.dtype != _OBJ and span < _LIMIT:
        return np.diff(K), span
    return np.diff(obj(K)), span


def int_integrate(f: Arr) -> Fraction:
    """``∫ f`` over the domain: ``sum du (2A + B (u0 + u1)) / (2 M D)``."""
    du, span = _diff(f.K)
    bA = f.bound("A")
    if not f.has_slope():
        return Fraction(bdot(du, f.A, span * bA), f.M * f.D)
    bK, bB = f.bound("K"), f.bound("B")
    s, bs = badd(f.K[1:], bK, f.K[:-1], bK)
    inner, bi = badd(*bscale(f.A, bA, 2), *bmul(f.Bx, bB, s, bs))
    return Fraction(bdot(du, inner, span * bi), 2 * f.M * f.D)


def int_inner(f: Arr, g: Arr) -> Fraction:
    """``∫ f g`` over the common domain (``f``, ``g`` of degree <= 1), one merge."""
    m = merge(f, g, values=False)
    fK = m.f.K  # the union has the ends of f and m.u.n knots
    span = int(fK[-1]) - int(fK[0])
    den = m.f.M * m.g.M * m.D
    b, d = m.fB, m.gB
    ba, bb, bc, bd = m.f.bA, m.f.bB, m.g.bA, m.g.bB
    if m.fB is None and m.gB is None:
        fA, gA = m.f.A, m.g.A
        if span < _LIMIT and span * ba * bc < _LIMIT and m.runs_int64(fK, fA, gA):
            # every partial sum of du a c is at most span ba bc: int64, slice by slice, with no
            # product array, no union copies of f and g and no full array of piece lengths
            unit = span == m.u.n - 1  # increasing integers without a gap: every du is 1
            K = None if unit else m.K  # the union knots are needed only for uneven lengths
            tot = 0
            for start, stop, oa, ob in m.u.runs:
                step = stop - start if unit else _BLOCK
                for lo in range(start, stop, step):
                    hi = min(lo + step, stop)
                    a, c = fA[lo - oa:hi - oa], gA[lo - ob:hi - ob]
                    tot += int(np.dot(a, c) if unit else
                               np.einsum("i,i,i->", K[lo + 1:hi + 1] - K[lo:hi], a, c))
            return Fraction(tot, den)
    K = m.K
    du, span = _diff(K)
    if m.fB is None and m.gB is None:
        a, c = m.fA, m.gA
        P, bP = bmul(a, ba, c, bc)
        return Fraction(bdot(du, P, span * bP), den)
    # 6 ∫ (a + b u)(c + d u) du = 6 ac du + 3 (ad + bc)(u1^2 - u0^2) + 2 bd (u1^3 - u0^3)
    a, c = m.fA, m.gA
    u0, u1 = m.K[:-1], m.K[1:]
    bK = _kb(m.K)
    ac, bac = bmul(a, ba, c, bc)
    tot = 6 * bdot(du, ac, span * bac)
    cross, bcross = None, 0
    if d is not None:
        cross, bcross = bmul(a, ba, d, bd)
    if b is not None:
        y, by = bmul(b, bb, c, bc)
        cross, bcross = (y, by) if cross is None else badd(cross, bcross, y, by)
    s, bs = badd(u1, bK, u0, bK)
    sq, _ = bmul(du, span, s, bs)
    tot += 3 * bdot(sq, cross, span * bs * bcross)
    if b is not None and d is not None:
        q, bq = badd(*badd(*bmul(u1, bK, u1, bK), *bmul(u1, bK, u0, bK)), *bmul(u0, bK, u0, bK))
        cube, _ = bmul(du, span, q, bq)
        bd_, bbd = bmul(b, bb, d, bd)
        tot += 2 * bdot(cube, bd_, span * bq * bbd)
    return Fraction(tot, 6 * den)


def int_sup_abs(f: Arr) -> Fraction:
    """``sup |f|`` over the domain (every point counts)."""
    cands = [mx(f.left())]
    if f.has_slope():
        cands.append(mx(f.right()))
    if f.Vx is not None:
        cands.append(mx(f.Vx))
    if f.end is not None:
        cands.append(abs(f.end))
    return Fraction(max(cands), f.M)


def int_range(f: Arr) -> tuple[int, int]:
    """(inf, sup) numerators over ``M``: point values and both one-sided limits of each piece."""
    arrays = [f.left()]
    if f.has_slope():
        arrays.append(f.right())
    if f.Vx is not None:
        arrays.append(f.Vx)
    los = [int(x.min()) for x in arrays if x.size]
    his = [int(x.max()) for x in arrays if x.size]
    if f.end is not None:
        los.append(f.end)
        his.append(f.end)
    return min(los), max(his)


def _knot_value(f: Arr, i: int) -> int:
    """The numerator (over ``M``) of the value at knot ``i`` (``i == N``: the closed end)."""
    if i == len(f.A):
        return f.end
    if f.Vx is not None:
        return int(f.Vx[i])
    return int(f.A[i]) + (int(f.Bx[i]) * int(f.K[i]) if f.Bx is not None else 0)


def value_at(f: Arr, p: int, q: int) -> Fraction:
    """The value at ``x = p / q`` (``q > 0``, inside the domain)."""
    # piece: the last knot K[i] with K[i] / D <= p / q, i.e. K[i] <= floor(p D / q)
    K = f.K
    i = _search(K, (p * f.D) // q, "right") - 1
    if i == len(f.A) or int(K[i]) * q == p * f.D:
        return Fraction(_knot_value(f, i), f.M)
    b = int(f.Bx[i]) if f.Bx is not None else 0
    return Fraction(int(f.A[i]) * q + b * p * f.D, f.M * q)


def same(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether two arrays hold the same entries (no pass when they are one array)."""
    return x is y or (len(x) == len(y) and bool(np.array_equal(x, y)))


def _same_or_none(x: np.ndarray | None, y: np.ndarray | None) -> bool:
    if x is None or y is None:
        return x is None and y is None
    return same(x, y)


def same_pieces(f: Arr, g: Arr) -> bool:
    """Same knots and pieces over the same denominators (point values may differ)."""
    return (f.D == g.D and f.M == g.M and same(f.K, g.K) and same(f.A, g.A)
            and _same_or_none(f.Bx, g.Bx))


def equal_arrays(f: Arr, g: Arr) -> bool:
    """Whether two canonical integer forms are the same function."""
    return (f.closed == g.closed and f.end == g.end and same_pieces(f, g)
            and _same_or_none(f.Vx, g.Vx))


def value_differences(f: Arr, g: Arr) -> np.ndarray:
    """For ``same_pieces(f, g)``: the knot indices where the point values differ (the right end
    counts when both are closed)."""
    n = len(f.A)
    if f.Vx is None and g.Vx is None:
        where = np.zeros(0, dtype=np.intp)
    else:
        fv, gv = f.V[:n], g.V[:n]
        if fv.dtype == _OBJ or gv.dtype == _OBJ:
            fv, gv = obj(fv), obj(gv)
        where = np.flatnonzero(fv != gv)
    if f.closed and g.closed and f.end != g.end:
        where = np.concatenate((where, [n]))
    return where


# --------------------------------------------------------------------------- composition

def _outer_at(KfM: np.ndarray, f: Arr, Y: np.ndarray, Mg: int) -> np.ndarray:
    """Values of ``f`` at the points ``Y / (Mg Df)`` (inside its domain), over ``Mf Mg``."""
    idx = np.searchsorted(KfM, Y, side="right") - 1
    n = len(f.A)
    last = idx >= n
    pidx = np.where(last, n - 1, idx)
    on = (KfM[idx] == Y) | last
    lin = add(mul(f.A[pidx], Mg), mul(f.B[pidx], Y))
    fV = f.V
    knot = mul(fV[np.where(last, len(fV) - 1, idx)], Mg)
    if lin.dtype == _OBJ or knot.dtype == _OBJ:
        lin, knot = obj(lin), obj(knot)
    return np.where(on, knot, lin)


def _outer_scalar(f: Arr, Y: int, Mg: int) -> int:
    """The value of ``f`` at ``Y / (Mg Df)`` (inside its domain), numerator over ``Mf Mg``."""
    i = _search(f.K, Y // Mg, "right") - 1  # K[i] Mg <= Y  iff  K[i] <= floor(Y / Mg)
    n = len(f.A)
    if i >= n:
        return f.end * Mg
    if int(f.K[i]) * Mg == Y:
        return _knot_value(f, i) * Mg
    b = int(f.Bx[i]) if f.Bx is not None else 0
    return int(f.A[i]) * Mg + b * Y


# Inner functions with at most this many pieces (or fewer than 1/32 of the outer's) are composed
# block by block: one slice of the outer function per inner piece, no index arrays. A block
# costs about 9 us and the general path about 200 us plus its arrays (measured: a 3-piece step
# function composed with the 64-piece sawtooth takes 580 us by blocks, 260 us in general; with
# the 16-piece one 145 and 215 us), hence 16.
_BLOCK_PIECES = 16


def compose(f: Arr, g: Arr) -> Arr | None:
    """``f ∘ g`` (both of degree <= 1); ``None`` when ``g`` leaves the domain of ``f`` (the
    caller then raises the exact error through the Fraction path)."""
    ng = len(g.A)
    if ng <= _BLOCK_PIECES or 32 * ng <= len(f.A):
        return _compose_blocks(f, g)
    return _compose_general(f, g)


def _search(K: np.ndarray, t: int, side: str) -> int:
    """``np.searchsorted(K, t, side)`` for a Python int ``t`` of any size (O(log N) compares,
    also on object arrays)."""
    if K.dtype != _OBJ and abs(t) >= _LIMIT:  # beyond every int64 entry (all below 2^62)
        return len(K) if t > 0 else 0
    return int(np.searchsorted(K, t, side=side))


def _compose_blocks(f: Arr, g: Arr) -> Arr | None:
    """``f ∘ g`` for an inner function with few pieces: each increasing (decreasing) piece of
    ``g`` maps a contiguous run of the pieces of ``f`` onto the output, in order (reversed)."""
    Df, Mg, Mf = f.D, g.M, f.M
    ng = len(g.A)
    gK = g.K.tolist()
    gA = g.A.tolist()
    gB = g.Bx.tolist() if g.Bx is not None else [0] * ng
    gV = [_knot_value(g, i) for i in range(ng + (1 if g.closed else 0))]
    fK0, fKN = int(f.K[0]), int(f.K[-1])
    aM, bM = fK0 * Mg, fKN * Mg
    # the domain check (the same rule as the general path)
    for j in range(ng):
        yl = (gA[j] + gB[j] * gK[j]) * Df
        yr = (gA[j] + gB[j] * gK[j + 1]) * Df
        lo, hi = min(yl, yr), max(yl, yr)
        if lo < aM or hi > bM:
            return None
        if gB[j] == 0 and not (lo <= bM if f.closed else lo < bM):
            return None
    for v in gV:
        if v * Df < aM or not (v * Df <= bM if f.closed else v * Df < bM):
            return None
    L = 1
    for b in gB:
        if b:
            L = math.lcm(L, abs(b))
    # the blocks: (j, first f piece, last f piece + 1, step) and their sizes
    blocks = []
    size = 0
    for j in range(ng):
        if gB[j] == 0:
            blocks.append((j, 0, 0, 0))
            size += 1
            continue
        yl = (gA[j] + gB[j] * gK[j]) * Df
        yr = (gA[j] + gB[j] * gK[j + 1]) * Df
        lo, hi = min(yl, yr), max(yl, yr)
        r0 = _search(f.K, lo // Mg, "right")  # first knot with K Mg > lo
        r1 = _search(f.K, -(-hi // Mg), "left")  # first knot with K Mg >= hi
        blocks.append((j, r0, r1, 1 if gB[j] > 0 else -1))
        size += r1 - r0 + 1
    fA, fB = f.A, f.Bx
    fV = f.Vx
    bKf = max(abs(fK0), abs(fKN))
    bAf, bBf = f.bound("A"), f.bound("B")
    # bounds of every output entry, to choose int64 or object arrays
    gAm = max(map(abs, gA))
    bK = max(abs(k) for k in gK) * Df * L
    for j, _r0, _r1, s in blocks:
        if s:
            bK = max(bK, (bKf * Mg + abs(gA[j]) * Df) * (L // abs(gB[j])))
    bA = L * (bAf * Mg + bBf * Df * gAm)
    flat_vals = {j: L * _outer_scalar(f, gA[j] * Df, Mg) for j, _, _, s in blocks if not s}
    if flat_vals:
        bA = max(bA, max(map(abs, flat_vals.values())))
    bB = bBf * max(map(abs, gB))
    rc = f.Vx is None and g.Vx is None and all(b >= 0 for b in gB)
    knot_vals = [L * _outer_scalar(f, v * Df, Mg) for v in gV]
    bV = L * Mg * f.bound("V")
    if knot_vals:
        bV = max(bV, max(map(abs, knot_vals)))
    scalars = [L * Mg, Df * gAm, max(map(abs, gB)), L] + [
        (L // abs(gB[j])) * (abs(gA[j]) * Df + Mg) for j, _, _, s in blocks if s]
    big = max(bK, bA, bB, bV, *scalars) >= _LIMIT or any(
        x.dtype == _OBJ for x in (f.K, f.A, fB, fV) if x is not None)
    dt = _OBJ if big else np.dtype(np.int64)
    fK = obj(f.K) if big else f.K
    if big:
        fA = obj(fA)
        fB = None if fB is None else obj(fB)
        fV = None if fV is None else obj(fV)
    K = np.empty(size + 1, dtype=dt)
    A = np.empty(size, dtype=dt)
    B = None if fB is None else np.zeros(size, dtype=dt)
    V = None if rc else np.empty(size + (1 if g.closed else 0), dtype=dt)
    starts = []
    pos = 0
    for j, r0, r1, s in blocks:
        starts.append(pos)
        K[pos] = gK[j] * Df * L
        if not s:  # a flat piece of g: f at the constant value
            A[pos] = flat_vals[j]
            if V is not None:
                V[pos] = knot_vals[j]
            pos += 1
            continue
        cnt = r1 - r0
        pieces = slice(r0 - 1, r1)
        step = L // gB[j]  # knots u' = (K_f Mg - A_g Df) L / B_g
        kx = K[pos + 1:pos + 1 + cnt]
        src = fK[r0:r1] if s > 0 else fK[r0:r1][::-1]
        _affine(src, Mg, -gA[j] * Df, step, kx)
        a_out = A[pos:pos + cnt + 1]
        pa = fA[pieces] if s > 0 else fA[pieces][::-1]
        if fB is None:
            _affine(pa, L * Mg, 0, 1, a_out)
        else:
            pb = fB[pieces] if s > 0 else fB[pieces][::-1]
            # L (A_f Mg + B_f Df A_g) + B_f B_g u'
            np.multiply(pb, Df * gA[j], out=a_out)
            a_out += pa * Mg if Mg != 1 else pa
            if L != 1:
                a_out *= L
            np.multiply(pb, gB[j], out=B[pos:pos + cnt + 1])
        if V is not None:
            V[pos] = knot_vals[j]
            if cnt:
                idx = np.arange(r0, r1) if s > 0 else np.arange(r1 - 1, r0 - 1, -1)
                if fV is not None:
                    vx = fV[idx]
                else:
                    vx = fA[idx] if fB is None else fA[idx] + fB[idx] * fK[idx]
                V[pos + 1:pos + 1 + cnt] = vx * (L * Mg)
        pos += cnt + 1
    K[size] = gK[-1] * Df * L
    end = None
    if g.closed:
        end = knot_vals[-1]
        if V is not None:
            V[size] = end
    at = np.array(starts, dtype=np.intp)
    return make(K, g.D * Df * L, A, B, V, Mf * Mg * L, g.closed, end=end,
                bounds={"A": bA, "B": bB}, merge_at=at)


def _affine(src: np.ndarray, mul_by: int, plus: int, times: int, out: np.ndarray) -> None:
    """``out[:] = (src * mul_by + plus) * times`` in place (bounds checked by the caller)."""
    if mul_by != 1:
        np.multiply(src, mul_by, out=out)
        if plus:
            out += plus
    elif plus:
        np.add(src, plus, out=out)
    else:
        out[...] = src
    if times != 1:
        out *= times


def _compose_general(f: Arr, g: Arr) -> Arr | None:
    """``f ∘ g`` for any piecewise-linear inner ``g``: index arrays over all output pieces."""
    Df, Mg = f.D, g.M
    KfM = mul(f.K, Mg)
    if KfM.dtype == _OBJ:
        KfM = obj(KfM)
    aM, bM = KfM[0], KfM[-1]
    gB = g.B
    Yl = mul(add(g.A, mul(gB, g.K[:-1])), Df)
    Yr = mul(add(g.A, mul(gB, g.K[1:])), Df)
    Yv = mul(g.V, Df)
    if any(x.dtype == _OBJ for x in (Yl, Yr, Yv)) or KfM.dtype == _OBJ:
        Yl, Yr, Yv, KfM = obj(Yl), obj(Yr), obj(Yv), obj(KfM)
    sloped = gB != 0
    lo = np.where(Yl < Yr, Yl, Yr)
    hi = np.where(Yl < Yr, Yr, Yl)
    top_ok = (Yv <= bM) if f.closed else (Yv < bM)
    const_ok = (lo <= bM) if f.closed else (lo < bM)
    if not (bool(np.all(Yv >= aM)) and bool(np.all(top_ok)) and bool(np.all(lo >= aM))
            and bool(np.all(hi <= bM)) and bool(np.all(sloped | const_ok))):
        return None
    L = 1
    if sloped.any():
        mags = np.abs(gB[sloped])
        L = int(mags[0])
        if not bool(np.all(mags == mags[0])):
            L = math.lcm(*[int(s) for s in np.unique(mags).tolist()])
    r0 = np.searchsorted(KfM, lo, side="right")
    r1 = np.searchsorted(KfM, hi, side="left")
    count = np.where(sloped, r1 - r0, 0)
    sign = np.where(gB > 0, 1, -1)
    first = np.where(sloped, np.where(gB > 0, r0 - 1, r1 - 1), 0)
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
    scale_ = (L // gB[piece][cross]) if L < _LIMIT and gB.dtype != _OBJ else \
        obj(np.array([L // int(b) for b in gB[piece][cross].tolist()], dtype=object))
    Kx = mul(add(KfM[cidx[cross]], mul(g.A[piece][cross], Df), -1), scale_)
    Kfirst = Kin[:-1][piece[~cross]]
    if Kx.dtype == _OBJ or Kfirst.dtype == _OBJ:
        Kx, Kfirst = obj(Kx), obj(Kfirst)
    K = np.empty(len(piece) + 1, dtype=Kx.dtype)
    K[:-1][cross] = Kx
    K[:-1][~cross] = Kfirst
    K[-1] = Kin[-1]
    # values: at inner knots the outer value there, at crossings the outer knot value
    fV = f.V
    Pk = mul(_outer_at(KfM, f, Yv, Mg), L)
    Vx = mul(mul(fV[cidx[cross]], Mg), L)
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
    fB = f.B
    Asl = mul(add(mul(f.A[fsafe], Mg), mul(mul(fB[fsafe], Df), Ag)), L)
    Bsl = mul(fB[fsafe], gB[piece])
    Pc = mul(_outer_at(KfM, f, mul(g.A, Df), Mg), L)[piece]
    if Asl.dtype == _OBJ or Pc.dtype == _OBJ:
        Asl, Pc = obj(Asl), obj(Pc)
    sp = sloped[piece]
    A = np.where(sp, Asl, Pc)
    B = np.where(sp, Bsl, 0)
    return make(K, g.D * Df * L, A, B, V, f.M * Mg * L, g.closed)
