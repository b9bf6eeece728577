"""Closed forms of the main construction: Theorems H, A, B, Corollary C, pure Walsh heads.

main construction §3.1-§3.6 (reference construction; the paper's own statements are
not public). Every formula exists twice:

* as a sympy expression in the symbols of :data:`SYMBOLS` (``n``, ``m``, ``j``, ``T``, ``eps``
  and ``rho_K``, ``rho_k``, ``rho_sum`` for ``rho(K)``, ``rho({k_t})``, ``sum_t rho({k_t})``;
  ``K`` for a top bit), collected in :data:`FORMULAS` for display, limits and substitution;
* as an exact evaluator on integers and Fractions (``theorem_h_length``, ``theorem_a``,
  ``theorem_b``, ``corollary_c``, ``walsh_heads``, ...), which is what the toolkit uses: pure
  integer arithmetic, instant for ``n = 60`` (``2^60`` is an int).

:func:`check_formulas_agree` evaluates both on a grid and compares them exactly; the proofs and
tests compare the evaluators with exhaustive enumeration where it finishes (:func:`coverage`
lists which cases are brute-forced and which are closed-form only).

All statements use the unnormalised heads ``g_{m,k}``; for ``sqrt(3) g`` replace ``eps`` by
``eps / sqrt(3)``. Lengths use the convention ``l in N_0`` (one centre costs 0 bits).

>>> from fractions import Fraction
>>> theorem_h_length(Fraction(1, 16), 3), theorem_h_length(Fraction(1, 32), 60) == 2**4 - 1
(3, True)
>>> a = theorem_a(3, 2, [0, 1, 2, 3])
>>> a.task_lengths, a.L_sep, a.L_joint, a.gap, a.delta_min
((4, 5, 6, 6), 21, 7, 14, Fraction(1, 1))
>>> theorem_a(60, 2, [0, 1, 2, 3]).L_joint == 2**60 - 1
True
>>> evaluate("A.gap", n=60, m=2, T=4, rho_sum=5, rho_K=3) == 3 * (2**60 - 4) + 2
True
>>> corollary_c_limit()
(T, T)
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from exactmtl._validate import as_exact, check_level, shown
from exactmtl.construction import _check_family, _rho_ints, rho
from exactmtl.errors import InvalidArgument

__all__ = [
    "FORMULAS",
    "SYMBOLS",
    "CorollaryC",
    "LengthBounds",
    "TheoremA",
    "TheoremB",
    "WalshHeads",
    "check_formulas_agree",
    "code_length_bounds",
    "corollary_c",
    "corollary_c_limit",
    "coverage",
    "evaluate",
    "golden_table",
    "joint_vs_separate",  # noqa: F822 (module __getattr__: lives in construction_coding)
    "separate_equals_joint",
    "theorem_a",
    "theorem_b",
    "theorem_b_index",
    "theorem_h_count",
    "theorem_h_index",
    "theorem_h_intervals",
    "theorem_h_length",
    "walsh_all_readouts",
    "walsh_heads",
]

# --------------------------------------------------------------------------- symbols, formulas

_n, _m, _j, _T, _K = sympy.symbols("n m j T K", integer=True, nonnegative=True)
_eps = sympy.Symbol("eps", positive=True)
_rK, _rk, _rs = sympy.symbols("rho_K rho_k rho_sum", integer=True, nonnegative=True)

#: The symbols of :data:`FORMULAS` by name.
SYMBOLS: dict[str, sympy.Symbol] = {
    "n": _n, "m": _m, "j": _j, "T": _T, "K": _K, "eps": _eps,
    "rho_K": _rK, "rho_k": _rk, "rho_sum": _rs,
}

_two = sympy.Integer(2)

#: Every closed form as a sympy expression (main construction §2.9, §3.4-§3.6).
FORMULAS: dict[str, sympy.Expr] = {
    # Theorem H: L(eps, H_n) = 2^j - 1 on [H.eps_lower, H.eps_upper), 0 <= j <= n
    "H.L": _two**_j - 1,
    "H.count": _two**(_two**_j - 1),
    "H.eps_lower": _two**(-_j - 1) - _two**(-_n - 1),
    "H.eps_upper": _two**(-_j) - _two**(-_n - 1),
    "H.j_of_eps": sympy.Min(_n, sympy.Max(0, sympy.ceiling(sympy.log(1 / (2 * _eps + _two**(-_n)),
                                                                      2)))),
    "Hinf.L": _two**sympy.ceiling(sympy.log(1 / (2 * _eps), 2)) - 1,
    # Theorem A (eps < delta_min / 2)
    "A.task_count": _two**(_two**_n - _two**_m + _rk),
    "A.joint_count": _two**(_two**_n - _two**_m + _rK),
    "A.delta_min": sympy.Piecewise((_two**(_m - _n + 1), _m < _n), (2, True)),
    "A.L_task": _two**_n - _two**_m + _rk,
    "A.L_sep": _T * (_two**_n - _two**_m) + _rs,
    "A.L_joint": _two**_n - _two**_m + _rK,
    "A.gap": (_T - 1) * (_two**_n - _two**_m) + _rs - _rK,
    "A.ratio": (_T * (_two**_n - _two**_m) + _rs) / (_two**_n - _two**_m + _rK),
    # Theorem B: eps in [B.eps_lower, B.eps_upper), 0 <= j <= n - m
    "B.eps_lower": _two**(-_j) - _two**(_m - _n),
    "B.eps_upper": _two**(1 - _j) - _two**(_m - _n),
    "B.lower": _two**_m * (_two**_j - 1),
    "B.task_upper": _two**_m * (_two**_j - 1) + _rk,
    "B.joint_upper": _two**_m * (_two**_j - 1) + _rK,
    "B.sep_lower": _T * _two**_m * (_two**_j - 1),
    "B.sep_upper": _T * _two**_m * (_two**_j - 1) + _rs,
    # Corollary C (infinite depth, eps in [2^-j, 2^(1-j)), j >= 1)
    "C.sep_lower": _T * (_two**(_m + _j) - _two**_m),
    "C.sep_lower_eps": _T * _two**_m * (1 / _eps - 1),
    "C.joint_upper": _two**(_m + _j) - _two**_m + _rK,
    "C.joint_upper_eps": _two**(_m + 1) / _eps,
    "C.ratio_lower": _T * (_two**(_m + _j) - _two**_m) / (_two**(_m + _j) - 1),
    # pure Walsh heads (main construction §2.9), 0 <= eps < 1
    "W.task_count": _two**(_two**(_K - 1)),
    "W.L_task": _two**(_K - 1),
    "W.L_sep_all": (_two**(2 * _n) - 1) / 3,
    "W.L_joint_all": _two**_n - 1,
}


def evaluate(name: str, **values: Any) -> Any:
    """Substitute exact values into ``FORMULAS[name]``; an int or Fraction when the result is
    rational (sympy otherwise, e.g. ``eps``-expressions with a free ``eps``).

    >>> evaluate("A.L_sep", n=3, m=2, T=4, rho_sum=5)
    21
    >>> evaluate("H.eps_lower", n=3, j=1)
    Fraction(3, 16)
    """
    if name not in FORMULAS:
        raise InvalidArgument(f"name={shown(name)} is not a closed form; expected one of "
                              f"{', '.join(sorted(FORMULAS))}")
    subs = {}
    for key, value in values.items():
        if key not in SYMBOLS:
            raise InvalidArgument(f"{key}={value!r}: unknown symbol; expected one of "
                                  f"{', '.join(SYMBOLS)}")
        v = as_exact(value, key)
        subs[SYMBOLS[key]] = sympy.Rational(v.numerator, v.denominator)
    out = FORMULAS[name].subs(subs)
    if isinstance(out, sympy.Integer):
        return int(out)
    if isinstance(out, sympy.Rational):
        return Fraction(int(out.p), int(out.q))
    return out


# --------------------------------------------------------------------------- helpers

def _eps(eps: Any) -> Fraction:
    e = as_exact(eps, "eps")
    if e < 0:
        raise InvalidArgument(f"eps={e} must be >= 0 (a radius in the sup norm)")
    return e


def _pow2(e: int) -> Fraction:
    return Fraction(1 << e) if e >= 0 else Fraction(1, 1 << -e)


def _least_j(shift: Fraction) -> int:
    """The least ``j >= 0`` with ``2^-j <= shift`` (``shift > 0``)."""
    if shift >= 1:
        return 0
    r = -(-shift.denominator // shift.numerator)  # ceil(1 / shift)
    return (r - 1).bit_length()


# --------------------------------------------------------------------------- Theorem H

def theorem_h_index(eps: Any, n: int | None) -> int | None:
    """``j(eps) = min(n, max(0, ceil(log2(1 / (2 eps + 2^-n)))))``: the ``j`` with
    ``eps in [2^-(j+1) - 2^-(n+1), 2^-j - 2^-(n+1))``. ``n=None`` is infinite depth
    (``eps in [2^-(j+1), 2^-j)``; None for ``eps = 0``).

    >>> [theorem_h_index(Fraction(k, 16), 3) for k in (0, 1, 2, 3, 7)]
    [3, 2, 2, 1, 0]
    """
    e = _eps(eps)
    if n is None:
        return None if e == 0 else _least_j(2 * e)
    n = check_level(n, "n")
    return min(n, _least_j(2 * e + _pow2(-n)))


def theorem_h_length(eps: Any, n: int | None) -> Any:
    """Theorem H: ``L(eps, H_n) = 2^j(eps) - 1``; ``n=None``: Corollary H-infinity
    ``2^ceil(log2(1/(2 eps))) - 1`` (``sympy.oo`` at ``eps = 0``).

    >>> [theorem_h_length(Fraction(k, 32), 4) for k in (0, 1, 3, 7, 15)]
    [15, 7, 3, 1, 0]
    >>> theorem_h_length(Fraction(1, 10), None)
    7
    """
    j = theorem_h_index(eps, n)
    if j is None:
        return sympy.oo
    return (1 << j) - 1


def theorem_h_count(eps: Any, n: int) -> int:
    """``N_ext(eps, H_n) = M(2 eps, H_n) = 2^(2^j - 1)`` (Theorem H).

    >>> theorem_h_count(Fraction(1, 16), 3)
    8
    """
    return 1 << theorem_h_length(eps, check_level(n, "n", minimum=1))


def theorem_h_intervals(n: int) -> list[tuple[Fraction, Fraction | None, int]]:
    """The whole curve ``L(eps, H_n)`` as ``(start, stop, L)`` segments, ``stop=None`` = infinity.

    >>> [(str(a), str(b), v) for a, b, v in theorem_h_intervals(2)]
    [('0', '1/8', 3), ('1/8', '3/8', 1), ('3/8', 'None', 0)]
    """
    n = check_level(n, "n", minimum=1)
    out = []
    for j in range(n, -1, -1):
        lo = _pow2(-(j + 1)) - _pow2(-(n + 1)) if j < n else Fraction(0)
        hi = _pow2(-j) - _pow2(-(n + 1)) if j > 0 else None
        out.append((lo, hi, (1 << j) - 1))
    return out


# --------------------------------------------------------------------------- Theorem A

@dataclass(frozen=True)
class TheoremA:
    """Theorem A for ``(n, m, K)``: exact counts, minimum distance and code lengths below
    ``delta_min / 2`` (main construction §3.5). Integers and Fractions only."""

    n: int
    m: int
    ks: tuple[int, ...]
    heads: str
    task_count_log2: tuple[int, ...]
    joint_count_log2: int
    delta_min: Fraction
    task_lengths: tuple[int, ...]
    L_sep: int
    L_joint: int

    @property
    def T(self) -> int:
        return len(self.ks)

    @property
    def task_counts(self) -> tuple[int, ...]:
        """``|C^(t)| = 2^task_count_log2[t]`` (computed on demand: ``2^(2^n)`` digits)."""
        return tuple(1 << v for v in self.task_count_log2)

    @property
    def joint_count(self) -> int:
        """``|C| = 2^joint_count_log2``."""
        return 1 << self.joint_count_log2

    @property
    def gap(self) -> int:
        """``L_sep - L_joint = (T-1)(2^n - 2^m) + sum_t rho({k_t}) - rho(K)``."""
        return self.L_sep - self.L_joint

    @property
    def ratio(self) -> Fraction | None:
        """``L_sep / L_joint`` (None when ``L_joint = 0``)."""
        return Fraction(self.L_sep, self.L_joint) if self.L_joint else None

    @property
    def eps_bound(self) -> Fraction:
        """The lengths hold for ``0 <= eps < delta_min / 2``."""
        return self.delta_min / 2


def theorem_a(n: int, m: int | None, ks: Sequence[Any],
              heads: str = "sawtooth-walsh") -> TheoremA:
    """Theorem A: ``|C^(t)| = 2^(2^n - 2^m + rho({k_t}))``, ``|C| = 2^(2^n - 2^m + rho(K))``,
    ``delta_min = 2^(m-n+1)`` (``m < n``) or 2 (``m = n``), and for ``eps < delta_min / 2``
    ``L_sep = T(2^n - 2^m) + sum_t rho({k_t})``, ``L_joint = 2^n - 2^m + rho(K)``.

    Pure Walsh heads (``heads="walsh"``, §2.9) are the case ``m = n``: counts ``2^rho``,
    ``delta_min = 2``.

    >>> a = theorem_a(4, 2, [3, 2, 1])
    >>> a.task_lengths, a.L_sep, a.L_joint, a.gap
    ((14, 14, 13), 41, 15, 26)
    >>> theorem_a(3, None, [5, 6, 7], heads="walsh").task_lengths
    (4, 4, 4)
    """
    return _theorem_a(*_check_family(n, m, ks, heads))


@functools.lru_cache(maxsize=1024)
def _theorem_a(n: int, m: int, raw: tuple[int, ...], heads: str) -> TheoremA:
    """:func:`theorem_a` of a validated family (cached: an immutable result)."""
    free = (1 << n) - (1 << m) if heads == "sawtooth-walsh" else 0
    rk = tuple(_rho_ints((k,)) for k in raw)
    rK = _rho_ints(raw)
    lengths = tuple(free + r for r in rk)
    if heads == "walsh" or m == n:
        dmin = Fraction(2)
    else:
        dmin = _pow2(m - n + 1)
    return TheoremA(n, m, raw, heads, lengths, free + rK, dmin, lengths, sum(lengths), free + rK)


def separate_equals_joint(n: int, m: int | None, ks: Sequence[Any],
                          heads: str = "sawtooth-walsh") -> bool:
    """The exact equality condition below ``delta_min / 2`` (from Theorem A):
    ``L_sep == L_joint`` iff ``T = 1``, or ``m = n`` (pure Walsh heads: always) and the nonzero
    ``k_t`` have pairwise distinct bit lengths.

    Proof: ``gap = (T-1)(2^n - 2^m) + (sum_t rho({k_t}) - rho(K))`` with both terms ``>= 0``
    (inserting ``k_t`` into an echelon basis adds at most one pivot, of top bit
    ``<= top(k_t)``); the second vanishes iff every nonzero ``k_t`` keeps its own top bit as a
    new pivot, i.e. iff the top bits are distinct.

    >>> separate_equals_joint(2, 2, [0, 1, 2]), separate_equals_joint(2, 2, [3, 2, 1])
    (True, False)
    >>> separate_equals_joint(3, 1, [0, 1]), separate_equals_joint(3, 1, [1])
    (False, True)
    """
    n, m, raw, heads = _check_family(n, m, ks, heads)
    if len(raw) == 1:
        return True
    if heads == "sawtooth-walsh" and m < n:
        return False
    tops = [k.bit_length() for k in raw if k]
    return len(tops) == len(set(tops))


# --------------------------------------------------------------------------- Theorem B

def theorem_b_index(eps: Any, n: int | None, m: int) -> int | None:
    """The ``j`` of Theorem B: ``eps in [2^-j - 2^(m-n), 2^(1-j) - 2^(m-n))``, ``0 <= j <= n-m``
    (``j = 0``: ``eps >= 1 - 2^(m-n)``). ``n=None``: infinite depth, ``2^(m-n) := 0`` (None at
    ``eps = 0``).

    >>> [theorem_b_index(Fraction(k, 8), 3, 1) for k in (0, 1, 2, 5, 6)]
    [2, 2, 1, 1, 0]
    """
    e = _eps(eps)
    m = check_level(m, "m")
    if n is None:
        return None if e == 0 else _least_j(e)
    n = check_level(n, "n")
    if m > n:
        raise InvalidArgument(f"m={m} must be <= n={n}")
    return _least_j(e + _pow2(m - n))


@dataclass(frozen=True)
class TheoremB:
    """Two-sided bounds of Theorem B at one ``eps``: ``j`` and its interval, per-task and joint
    ``(lower, upper)``; ``separate`` sums the task bounds."""

    n: int | None
    m: int
    ks: tuple[int, ...]
    eps: Fraction
    j: int
    interval: tuple[Fraction, Fraction | None]
    tasks: tuple[tuple[int, int], ...]
    joint: tuple[int, int]

    @property
    def separate(self) -> tuple[int, int]:
        return (sum(lo for lo, _ in self.tasks), sum(hi for _, hi in self.tasks))


def theorem_b(n: int | None, m: int, ks: Sequence[Any], eps: Any) -> TheoremB:
    """Theorem B: ``2^m(2^j - 1) <= L(eps, C^(t)) <= 2^m(2^j - 1) + rho({k_t})`` and the same
    for the joint class with ``rho(K)``, for ``eps`` in the ``j``-th interval
    (:func:`theorem_b_index`). ``n=None``: infinite depth.

    >>> b = theorem_b(3, 1, [1], Fraction(1, 4))
    >>> b.j, b.tasks, [str(t) for t in b.interval]
    (1, ((2, 3),), ['1/4', '3/4'])
    >>> theorem_b(None, 2, [0, 1, 2, 3], Fraction(1, 1000)).joint
    (4092, 4095)
    """
    m = check_level(m, "m")
    if n is None:
        _, _, raw, _ = _check_family(m, m, ks, "sawtooth-walsh")
    else:
        n, m, raw, _ = _check_family(n, m, ks, "sawtooth-walsh")
    e = _eps(eps)
    if n is None and e == 0:
        raise InvalidArgument("eps=0 at infinite depth: the class is infinite (L = oo); "
                              "expected eps > 0")
    return _theorem_b(n, m, raw, e)


def _theorem_b(n: int | None, m: int, raw: tuple[int, ...], e: Fraction) -> TheoremB:
    """:func:`theorem_b` of a validated family and ``eps``."""
    j = _least_j(e) if n is None else _least_j(e + _pow2(m - n))  # theorem_b_index
    shift = Fraction(0) if n is None else _pow2(m - n)
    lo_eps = _pow2(-j) - shift
    hi_eps = None if j == 0 else _pow2(1 - j) - shift
    base = (1 << m) * ((1 << j) - 1)
    tasks = tuple((base, base + _rho_ints((k,))) for k in raw)
    return TheoremB(n, m, raw, e, j, (lo_eps, hi_eps), tasks, (base, base + _rho_ints(raw)))


# --------------------------------------------------------------------------- best known bounds

@dataclass(frozen=True)
class LengthBounds:
    """Best closed-form bounds on the per-task, separate and joint code lengths at ``eps``;
    ``source`` names the theorem (A exact, B bounds, or ``eps >= 1``)."""

    n: int
    m: int
    ks: tuple[int, ...]
    heads: str
    eps: Fraction
    tasks: tuple[tuple[int, int], ...]
    joint: tuple[int, int]
    source: str

    @property
    def separate(self) -> tuple[int, int]:
        return (sum(lo for lo, _ in self.tasks), sum(hi for _, hi in self.tasks))

    @property
    def exact(self) -> bool:
        return all(lo == hi for lo, hi in self.tasks) and self.joint[0] == self.joint[1]


def code_length_bounds(n: int, m: int | None, ks: Sequence[Any], eps: Any,
                       heads: str = "sawtooth-walsh") -> LengthBounds:
    """Best closed-form bounds: exact 0 for ``eps >= 1`` (all outputs lie in [-1, 1]), exact
    Theorem A for ``eps < delta_min / 2``, Theorem B otherwise.

    >>> b = code_length_bounds(3, 2, [0, 1, 2, 3], Fraction(1, 2))
    >>> b.tasks, b.joint, b.source
    (((0, 0), (0, 1), (0, 2), (0, 2)), (0, 3), 'Theorem B (j=0)')
    >>> code_length_bounds(60, 2, [0, 1], Fraction(1, 8)).separate
    (56, 57)
    """
    n, m, raw, heads = _check_family(n, m, ks, heads)
    e = _eps(eps)
    T = len(raw)
    if e >= 1:
        return LengthBounds(n, m, raw, heads, e, ((0, 0),) * T, (0, 0),
                            "eps >= 1 (every output lies in [-1, 1])")
    a = _theorem_a(n, m, raw, heads)
    if e < a.eps_bound:
        return LengthBounds(n, m, raw, heads, e, tuple((v, v) for v in a.task_lengths),
                            (a.L_joint, a.L_joint), "Theorem A (eps < delta_min/2)")
    b = _theorem_b(n, m, raw, e)
    return LengthBounds(n, m, raw, heads, e, b.tasks, b.joint, f"Theorem B (j={b.j})")


# --------------------------------------------------------------------------- Corollary C

@dataclass(frozen=True)
class CorollaryC:
    """Corollary C at infinite depth for ``eps in [2^-j, 2^(1-j))``, ``j >= 1``."""

    m: int
    ks: tuple[int, ...]
    j: int
    sep_lower: int
    joint_upper: int
    ratio_lower: Fraction

    @property
    def T(self) -> int:
        return len(self.ks)


def corollary_c(m: int, ks: Sequence[Any], eps: Any) -> CorollaryC:
    """Corollary C: ``L_sep >= T(2^(m+j) - 2^m) >= T 2^m (1/eps - 1)``,
    ``L_joint <= 2^(m+j) - 2^m + rho(K) < 2^(m+1)/eps``, ratio ``>= T(2^(m+j) - 2^m)/(2^(m+j) - 1)
    -> T`` (infinite depth, ``0 < eps < 1``).

    >>> c = corollary_c(2, [0, 1, 2, 3], Fraction(1, 1000))
    >>> c.j, c.sep_lower, c.joint_upper, c.ratio_lower
    (10, 16368, 4095, Fraction(5456, 1365))
    """
    m = check_level(m, "m")
    _, _, raw, _ = _check_family(m, m, ks, "sawtooth-walsh")
    e = _eps(eps)
    if not 0 < e < 1:
        raise InvalidArgument(f"eps={e} must satisfy 0 < eps < 1 (Corollary C needs j >= 1)")
    j = theorem_b_index(e, None, m)
    top = (1 << (m + j)) - (1 << m)
    T = len(raw)
    return CorollaryC(m, raw, j, T * top, top + rho(raw),
                      Fraction(T * top, (1 << (m + j)) - 1))


def corollary_c_limit() -> tuple[sympy.Expr, sympy.Expr]:
    """The limits of the two ratio expressions: ``C.ratio_lower`` as ``j -> oo`` and Theorem A's
    ``L_sep / L_joint`` as ``n -> oo`` (m fixed), both ``T`` (computed with ``sympy.limit``).

    >>> corollary_c_limit()
    (T, T)
    """
    c = sympy.limit(FORMULAS["C.ratio_lower"], _j, sympy.oo)
    a = sympy.limit(FORMULAS["A.ratio"], _n, sympy.oo)
    return sympy.simplify(c), sympy.simplify(a)


# --------------------------------------------------------------------------- pure Walsh heads

@dataclass(frozen=True)
class WalshHeads:
    """Pure Walsh heads ``pal_k o h_sigma`` (§2.9), ``0 <= eps < 1``: identification."""

    n: int
    ks: tuple[int, ...]
    task_counts: tuple[int, ...]
    joint_count: int
    task_lengths: tuple[int, ...]
    L_sep: int
    L_joint: int


def walsh_heads(n: int, ks: Sequence[Any]) -> WalshHeads:
    """``|{pal_k o h_sigma}| = 2^(2^(K(k)-1))`` with ``K(k)`` the top bit of ``k`` (``k >= 1``;
    1 for ``k = 0``), joint ``2^rho(K)``; for ``0 <= eps < 1``: ``L = log2`` of the counts.

    >>> w = walsh_heads(3, [5, 6, 7])
    >>> w.task_counts, w.L_sep, w.L_joint
    ((16, 16, 16), 12, 7)
    """
    n, _, raw, _ = _check_family(n, None, ks, "walsh")
    lengths = tuple((1 << (k.bit_length() - 1)) if k else 0 for k in raw)
    rK = rho(raw)
    return WalshHeads(n, raw, tuple(1 << v for v in lengths), 1 << rK, lengths, sum(lengths), rK)


def walsh_all_readouts(n: int) -> tuple[int, int]:
    """``(L_sep, L_joint) = ((4^n - 1)/3, 2^n - 1)`` for the readouts ``1 .. 2^n - 1``.

    >>> walsh_all_readouts(3)
    (21, 7)
    """
    n = check_level(n, "n", minimum=1)
    return ((1 << (2 * n)) - 1) // 3, (1 << n) - 1


# --------------------------------------------------------------------------- consistency

def check_formulas_agree(max_n: int = 6) -> int:
    """Compare every sympy formula with the integer evaluators on all ``n <= max_n``, ``m <= n``,
    ``j`` and ``K = {0..min(3, 2^m - 1)}``; raise :class:`~exactmtl.errors.CheckFailed` on a
    difference; return the number of comparisons.

    >>> check_formulas_agree(3) > 50
    True
    """
    from exactmtl.errors import CheckFailed

    count = 0

    def same(name: str, expected: Any, **vals: Any) -> None:
        nonlocal count
        got = evaluate(name, **vals)
        if got != expected:
            raise CheckFailed(f"{name}: sympy gives {got}, the evaluator {expected}", vals)
        count += 1

    for n in range(1, max_n + 1):
        for j in range(n + 1):
            lo, hi, val = theorem_h_intervals(n)[n - j]
            same("H.L", val, j=j)
            if j < n:
                same("H.eps_lower", lo, n=n, j=j)
            if j > 0:
                same("H.eps_upper", hi, n=n, j=j)
            e = lo if j < n else Fraction(0)
            if e > 0:
                same("H.j_of_eps", theorem_h_index(e, n), n=n, eps=e)
        for m in range(n + 1):
            ks = list(range(min(4, 1 << m)))
            a = theorem_a(n, m, ks)
            rs = sum(rho([k]) for k in ks)
            rK = rho(ks)
            same("A.L_sep", a.L_sep, n=n, m=m, T=len(ks), rho_sum=rs)
            same("A.L_joint", a.L_joint, n=n, m=m, rho_K=rK)
            same("A.gap", a.gap, n=n, m=m, T=len(ks), rho_sum=rs, rho_K=rK)
            same("A.delta_min", a.delta_min, n=n, m=m)
            same("A.joint_count", a.joint_count, n=n, m=m, rho_K=rK)
            for k, c, length in zip(ks, a.task_counts, a.task_lengths):
                same("A.task_count", c, n=n, m=m, rho_k=rho([k]))
                same("A.L_task", length, n=n, m=m, rho_k=rho([k]))
            for jb in range(n - m + 1):
                b = theorem_b(n, m, ks, _pow2(-jb) - _pow2(m - n))
                if b.j != jb:
                    raise CheckFailed("theorem_b_index misses its interval", {"n": n, "m": m,
                                                                            "j": jb})
                same("B.lower", b.joint[0], m=m, j=jb)
                same("B.joint_upper", b.joint[1], m=m, j=jb, rho_K=rK)
                same("B.sep_upper", b.separate[1], m=m, j=jb, T=len(ks), rho_sum=rs)
                same("B.eps_lower", b.interval[0], n=n, m=m, j=jb)
        same("W.L_sep_all", walsh_all_readouts(n)[0], n=n)
        same("W.L_joint_all", walsh_all_readouts(n)[1], n=n)
        w = walsh_heads(n, range(1, 1 << n))
        if w.L_sep != walsh_all_readouts(n)[0] or w.L_joint != walsh_all_readouts(n)[1]:
            raise CheckFailed("walsh_heads disagrees with walsh_all_readouts", {"n": n})
        for k in range(1, 1 << n):
            same("W.L_task", walsh_heads(n, [k]).task_lengths[0], K=k.bit_length())
    return count


# --------------------------------------------------------------------------- tables and report

#: main construction §3.7: (n, m, K) of the golden table, in its order.
GOLDEN_CASES: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (1, 0, (0,)), (1, 1, (0, 1)),
    (2, 0, (0,)), (2, 1, (0, 1)), (2, 2, (0, 1, 2)), (2, 2, (3, 2, 1)), (2, 2, (0, 1, 2, 3)),
    (3, 0, (0,)), (3, 1, (0, 1)), (3, 2, (0, 1, 2)), (3, 2, (3, 2, 1)), (3, 2, (0, 1, 2, 3)),
    (4, 0, (0,)), (4, 1, (0, 1)), (4, 2, (0, 1, 2)), (4, 2, (3, 2, 1)), (4, 2, (0, 1, 2, 3)),
)


def golden_table(cases: Sequence[tuple[int, int, Sequence[int]]] = GOLDEN_CASES
                 ) -> list[tuple[int, int, int, tuple[int, ...], tuple[int, ...], int, int,
                                 Fraction]]:
    """§3.7 from Theorem A: rows ``(n, T, m, K, per-task L, L_sep, L_joint, ratio)``.

    >>> golden_table()[11]
    (3, 4, 2, (0, 1, 2, 3), (4, 5, 6, 6), 21, 7, Fraction(3, 1))
    """
    rows = []
    for n, m, ks in cases:
        a = theorem_a(n, m, ks)
        rows.append((n, a.T, m, a.ks, a.task_lengths, a.L_sep, a.L_joint,
                     Fraction(a.L_sep, a.L_joint)))
    return rows


def coverage(max_brute_n: int = 4) -> list[dict[str, Any]]:
    """Which closed forms are checked by brute force and which are closed-form only.

    One row per (claim, depth range); ``route`` is ``"brute force"`` (exhaustive enumeration in
    the proofs / tests), ``"construction"`` (explicit cover and packing verified on all
    sigma) or ``"closed form only"``.

    >>> [r["route"] for r in coverage() if r["claim"] == "Theorem A counts"]
    ['brute force', 'closed form only']
    """
    return [
        {"claim": "Theorem H", "n": "1..3", "route": "brute force",
         "how": "certified L(eps) curve at every threshold (M16)"},
        {"claim": "Theorem H", "n": "4", "route": "construction",
         "how": "cover and copy packing over all 32768 sigma (M16)"},
        {"claim": "Theorem H", "n": ">= 5", "route": "closed form only",
         "how": "sampled cover radius / packing separation (M16)"},
        {"claim": "Theorem A counts", "n": f"1..{max_brute_n}", "route": "brute force",
         "how": "distinct integer cell tables over all sigma (M22)"},
        {"claim": "Theorem A counts", "n": f">= {max_brute_n + 1}", "route": "closed form only",
         "how": "formula (proof via the cellwise structure, checked exactly by M20 for n <= 4)"},
        {"claim": "Theorem A delta_min", "n": "1..3", "route": "brute force",
         "how": "all pairs, attained at a left cell endpoint (M22)"},
        {"claim": "Theorem A delta_min", "n": ">= 4", "route": "closed form only",
         "how": "formula"},
        {"claim": "Theorem A lengths", "n": f"1..{max_brute_n}", "route": "brute force",
         "how": "certified packing = cover (coding, M25)"},
        {"claim": "Theorem B", "n": "1..3", "route": "brute force",
         "how": "all eps in 2^-6 Z (coding, M25)"},
        {"claim": "Theorem B", "n": "4", "route": "brute force",
         "how": "certified L(eps) curves at every eps, every 3.7 family, m <= 4 (M30)"},
        {"claim": "Corollary C", "n": "infinite", "route": "closed form only",
         "how": "Theorem B at n = oo; sympy limit -> T"},
        {"claim": "pure Walsh heads", "n": "1..4", "route": "brute force",
         "how": "counts of distinct tables (M22; n = 4: single k and pairs)"},
        {"claim": "pure Walsh heads", "n": ">= 5", "route": "closed form only",
         "how": "2^rho; L_sep = (4^n - 1)/3 for the readouts 1..2^n - 1 to n = 60 (M25)"},
    ]


def __getattr__(name: str) -> Any:
    """``joint_vs_separate`` moved to :mod:`exactmtl.construction_coding` (it enumerates, which
    sits above this module); the name stays importable from here without an import cycle."""
    if name == "joint_vs_separate":
        from exactmtl.construction_coding import joint_vs_separate

        return joint_vs_separate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
