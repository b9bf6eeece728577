"""Readings of the rate gap (§3.6): the ratio, scaling in T, the exponent gap, depth.

The reference construction (arXiv 2606.16028, main construction §3.5-3.6) at infinite depth,
``T`` tasks with Sawtooth-Walsh heads at frequency ``m = ceil(log2 T)`` and ``K = {0..T-1}``.
Everything here is Theorem B at ``n = oo`` (:func:`exactmtl.closed_forms.theorem_b`, with
``rho`` in closed form so that ``T = 2^120`` is instant) turned into
the four readings of "a sharp gap between optimal rates", with exact values only:

1. **ratio** ``L_sep / L_joint -> T`` (Corollary C);
2. **scaling in T** (:func:`task_scaling`): ``L_joint(eps) < 2^(m+1)/eps <= 4T/eps`` (the
   constant 4 is best possible over all ``T``, and ``L_joint(2^-j) < 2T 2^j``), while
   ``L_sep(eps) >= T 2^m (1/eps - 1) >= T^2 (1/eps - 1)`` (the constant 1 is best possible);
3. **exponent gap** (:func:`rate_exponents`, :func:`exponent_gap`): with
   ``T(eps) = ceil(eps^-beta)``, ``L_joint`` is within ``[1/2, 2] eps^-(1+beta)`` and ``L_sep``
   within ``[1/2, 4] eps^-(1+2beta)`` along ``eps = 2^-j`` (``j >= 1``), so the optimal exponents
   are ``1/(1+beta) > 1/(1+2beta)``;
4. **finite depth** (Theorem A): at depth ``n`` below ``delta_min / 2``, ``L_joint <= 2^n - 1``
   while ``L_sep >= T(2^n - 2^m)``.

:func:`rate_readings` puts the four side by side for one ``(T, eps)`` (:func:`readings_table`
and ``exactmtl bounds --tasks T``; :func:`exponent_table` and ``exactmtl bounds --beta B`` for
reading 3). On the network side, :func:`output_staircase_units` is Lemma T for the
discontinuous task outputs (main construction §4.3).

>>> from fractions import Fraction
>>> s = task_scaling(3, Fraction(1, 8))
>>> s.m, s.joint, s.separate, s.joint_bound, s.separate_bound
(2, (28, 31), (84, 87), Fraction(96, 1), Fraction(63, 1))
>>> rate_exponents(Fraction(1, 2))
(Fraction(2, 3), Fraction(1, 2))
>>> tasks_for_eps(Fraction(1, 2**10), Fraction(1, 3))  # ceil(2^(10/3)) = ceil(10.08)
11
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from exactmtl._validate import as_exact, as_exact_int
from exactmtl.closed_forms import theorem_b_index
from exactmtl.errors import InvalidArgument, ResourceLimitError

__all__ = [
    "EXPONENT_CONSTANTS",
    "MAX_BETA_DENOMINATOR",
    "MAX_RATE_BITS",
    "ExponentGapRow",
    "RateReadings",
    "TaskScaling",
    "exponent_gap",
    "exponent_table",
    "heads_for_tasks",
    "output_staircase_units",
    "power_compare",
    "rate_exponents",
    "rate_readings",
    "readings_table",
    "task_scaling",
    "tasks_for_eps",
]

#: Proven sandwich constants of reading (3) along ``eps = 2^-j``, ``j >= 1`` (derived):
#: ``c1 eps^-(1+b) <= L_joint <= c2 eps^-(1+b)``, ``c3 eps^-(1+2b) <= L_sep <= c4 eps^-(1+2b)``.
EXPONENT_CONSTANTS: dict[str, Fraction] = {
    "c1": Fraction(1, 2), "c2": Fraction(2), "c3": Fraction(1, 2), "c4": Fraction(4),
}


#: Largest ``log2`` of the numbers computed here (``T``, ``2^(m+j)``, ``eps^-beta``): inputs
#: that ask for more are refused with :class:`~exactmtl.errors.ResourceLimitError` first.
MAX_RATE_BITS = 1 << 14
#: Largest denominator ``q`` of ``beta = p/q`` (``T(eps)`` compares ``N^q`` with ``eps^-p``).
MAX_BETA_DENOMINATOR = 1 << 10


def _bits_limit(bits: int, what: str) -> None:
    if bits > MAX_RATE_BITS:
        raise ResourceLimitError(f"{what} needs numbers of about 2^{bits}; the limit is "
                                 f"2^{MAX_RATE_BITS} (exactmtl.rates.MAX_RATE_BITS)")


def _positive_eps(eps: Any) -> Fraction:
    e = as_exact(eps, "eps")
    if e <= 0:
        raise InvalidArgument(f"eps={e} must be > 0 (at infinite depth L(0) is infinite)")
    return e


def _beta(beta: Any) -> Fraction:
    b = as_exact(beta, "beta")
    if b <= 0:
        raise InvalidArgument(f"beta={b} must be a rational > 0 (T(eps) = ceil(eps^-beta))")
    if b.denominator > MAX_BETA_DENOMINATOR:
        raise ResourceLimitError(f"beta={b} has denominator {b.denominator}; expected at most "
                                 f"{MAX_BETA_DENOMINATOR} (exactmtl.rates.MAX_BETA_DENOMINATOR)")
    return b


def _rho_sums(T: int) -> tuple[int, int]:
    """``(rho({0..T-1}), sum_{k<T} rho({k}))`` in closed form: ``2^m - 1`` (``T >= 2``; every
    bit below ``m`` is a pivot) and ``sum_b 2^(b-1) #{1 <= k < T : bit_length(k) = b}``
    (``rho({k}) = 2^(top(k) - 1)``). Instant for ``T = 2^120``; :func:`exactmtl.rho` agrees
    (tests)."""
    m = (T - 1).bit_length()
    joint = (1 << m) - 1 if T >= 2 else 0
    total = 0
    for b in range(1, m + 1):
        count = min(T - 1, (1 << b) - 1) - (1 << (b - 1)) + 1
        total += max(0, count) << (b - 1)
    return joint, total


def _theorem_b_inf(T: int, eps: Fraction) -> tuple[int, tuple[int, int], tuple[int, int]]:
    """``(j, joint, separate)`` of Theorem B at ``n = oo`` for ``K = {0..T-1}``, ``0 < eps < 1``
    (the same values as :func:`exactmtl.closed_forms.theorem_b`, without listing ``K``)."""
    m = (T - 1).bit_length()
    j = theorem_b_index(eps, None, m)
    base = (1 << m) * ((1 << j) - 1)
    rk, rs = _rho_sums(T)
    return j, (base, base + rk), (T * base, T * base + rs)


def heads_for_tasks(T: Any) -> int:
    """``m = ceil(log2 T)``: the least readout frequency with ``T`` orthogonal heads.

    >>> [heads_for_tasks(t) for t in (1, 2, 3, 4, 5, 64, 65)]
    [0, 1, 2, 2, 3, 6, 7]
    """
    T = as_exact_int(T, "T", minimum=1)
    return (T - 1).bit_length()


def _floor_root(num: int, den: int, q: int) -> int:
    """``floor((num/den)^(1/q))`` for ``num >= 0``, ``den, q >= 1`` (integer arithmetic)."""
    x = num // den
    r = 1 << ((x.bit_length() + q - 1) // q) if x else 0  # r^q >= x
    while r and r ** q * den > num:  # Newton from above on floor(x)^(1/q), then adjust
        nxt = ((q - 1) * r + x // r ** (q - 1)) // q
        if nxt >= r:
            break
        r = nxt
    while r ** q * den > num:
        r -= 1
    while (r + 1) ** q * den <= num:
        r += 1
    return r


def power_compare(base: Any, exponent: Any, value: Any) -> int:
    """The sign of ``value - base^exponent`` for rationals ``base > 0``, ``value >= 0`` and a
    rational ``exponent`` (exact: compares ``value^q`` with ``base^p`` for ``exponent = p/q``).

    >>> power_compare(2, Fraction(1, 2), Fraction(141, 100)), power_compare(4, Fraction(1, 2), 2)
    (-1, 0)
    """
    b = as_exact(base, "base")
    if b <= 0:
        raise InvalidArgument(f"base={b} must be > 0")
    r = as_exact(exponent, "exponent")
    v = as_exact(value, "value")
    if v < 0:
        raise InvalidArgument(f"value={v} must be >= 0")
    p, q = r.numerator, r.denominator
    lhs = v ** q
    rhs = b ** p if p >= 0 else 1 / b ** (-p)
    return (lhs > rhs) - (lhs < rhs)


def tasks_for_eps(eps: Any, beta: Any) -> int:
    """``T(eps) = ceil(eps^-beta)`` exactly (``beta = p/q``: the least ``N`` with
    ``N^q >= eps^-p``).

    >>> [tasks_for_eps(Fraction(1, 2**j), Fraction(1, 2)) for j in (1, 2, 3, 4)]
    [2, 2, 3, 4]
    """
    e = _positive_eps(eps)
    b = _beta(beta)
    p, q = b.numerator, b.denominator
    if e < 1:
        _bits_limit(-(-p * e.denominator.bit_length() // q),
                    f"T(eps) = ceil(eps^-beta) (beta = {b}, eps with a "
                    f"{e.denominator.bit_length()}-bit denominator)")
    num, den = e.denominator ** p, e.numerator ** p  # eps^-p = num / den
    n = _floor_root(num, den, q)
    return n if n ** q * den == num else n + 1


def rate_exponents(beta: Any) -> tuple[Fraction, Fraction]:
    """Reading (3): the optimal exponents ``(1/(1+beta), 1/(1+2 beta))`` of joint and separate
    coding when the task count grows as ``T(eps) = ceil(eps^-beta)`` (derived; sandwich
    constants :data:`EXPONENT_CONSTANTS`, checked by :func:`exponent_gap`).

    >>> rate_exponents(1), rate_exponents(Fraction(3, 2))
    ((Fraction(1, 2), Fraction(1, 3)), (Fraction(2, 5), Fraction(1, 4)))
    """
    b = _beta(beta)
    return 1 / (1 + b), 1 / (1 + 2 * b)


def output_staircase_units(n: Any, m: Any, eps: Any) -> tuple[int, int]:
    """Lemma T on a task output ``F = g_{m,k} o h_sigma`` (main construction §4.3): the least
    first-layer width of a Heaviside network of any depth within ``eps`` of ``F`` lies in
    ``[2^q ceil(2^(m-q)/eps) - 2^q, 2^q ceil(2^(m-q)/eps) - 1]``, ``q = max(n, m)``.

    Lower end: ``F`` is affine with ``|slope| 2^(m+1)`` on each level-``q`` cell, so at least
    ``ceil(2^(m-q)/eps)`` pieces meet each cell and only the ``2^q - 1`` cell boundaries can be
    straddled (pieces lemma: units = pieces - 1). Upper end: one optimal staircase per cell.
    Both ends are attained (proofs/m33, exact greedy segmentation for ``n <= 3``).

    >>> output_staircase_units(3, 2, Fraction(1, 16)), 2**6 - 1
    ((56, 63), 63)
    """
    n = as_exact_int(n, "n", minimum=0)
    m = as_exact_int(m, "m", minimum=0)
    e = _positive_eps(eps)
    q = max(n, m)
    _bits_limit(q + e.numerator.bit_length(), f"Lemma T at q = max(n, m) = {q}")
    r = Fraction(1 << m, 1 << q) / e
    per_cell = -(-r.numerator // r.denominator)
    return (1 << q) * per_cell - (1 << q), (1 << q) * per_cell - 1


@dataclass(frozen=True)
class TaskScaling:
    """Reading (2) at one ``(T, eps)``, infinite depth, ``m = ceil(log2 T)``, ``K = {0..T-1}``.

    ``joint`` and ``separate`` are Theorem B's ``(lower, upper)`` at ``n = oo`` (both 0 for
    ``eps >= 1``); ``joint_bound = 4T/eps``, ``sharp_joint_bound = 2^(m+1)/eps`` and
    ``separate_bound = T^2 (1/eps - 1)`` are the closed forms of main construction §3.6 (2)."""

    T: int
    m: int
    eps: Fraction
    j: int | None
    joint: tuple[int, int]
    separate: tuple[int, int]

    @property
    def joint_bound(self) -> Fraction:
        """``4 T / eps`` (strict upper bound on ``L_joint``)."""
        return 4 * self.T / self.eps

    @property
    def sharp_joint_bound(self) -> Fraction:
        """``2^(m+1) / eps`` (strict upper bound; ``<= 4(T-1)/eps`` for ``T >= 2``)."""
        return (1 << (self.m + 1)) / self.eps

    @property
    def separate_bound(self) -> Fraction:
        """``T^2 (1/eps - 1)`` (lower bound on ``L_sep``)."""
        return self.T * self.T * (1 / self.eps - 1)

    @property
    def sharp_separate_bound(self) -> Fraction:
        """``T 2^m (1/eps - 1)`` (lower bound on ``L_sep``, ``>= separate_bound``)."""
        return self.T * (1 << self.m) * (1 / self.eps - 1)

    @property
    def holds(self) -> bool:
        """``L_joint < 2^(m+1)/eps <= 4T/eps`` and ``L_sep >= T 2^m (1/eps-1) >= T^2(1/eps-1)``."""
        return (self.joint[1] < self.sharp_joint_bound <= self.joint_bound
                and self.separate[0] >= self.sharp_separate_bound >= self.separate_bound)


def task_scaling(T: Any, eps: Any) -> TaskScaling:
    """Reading (2), scaling in the number of tasks: ``L_joint(eps) < 4T/eps`` (linear in T) and
    ``L_sep(eps) >= T^2 (1/eps - 1)`` (quadratic in T), from Theorem B at infinite depth.

    Proof: for ``eps in [2^-j, 2^(1-j))`` Theorem B gives ``L_joint <= 2^m(2^j - 1) + rho(K)
    <= 2^(m+j) - 1 < 2^(m+1)/eps`` and ``2^m < 2T``; ``L_sep >= T 2^m (2^j - 1) >=
    T 2^m (1/eps - 1)`` and ``2^m >= T``. Both constants are best possible: ``T = 2^m`` and
    ``eps = 2^-j`` give ``L_sep <= T^2(1/eps - 1) + T(2^m - 1)``; ``T = 2^(m-1) + 1`` and
    ``eps -> 2^(1-j)`` give ``eps L_joint / T -> 4`` as ``m, j -> oo``.

    >>> s = task_scaling(64, Fraction(1, 2**30))
    >>> s.joint[1] < s.joint_bound, s.separate[0] >= s.separate_bound, s.holds
    (True, True, True)
    >>> task_scaling(5, 1).joint
    (0, 0)
    """
    T = as_exact_int(T, "T", minimum=1)
    e = _positive_eps(eps)
    m = heads_for_tasks(T)
    _bits_limit(m + e.denominator.bit_length(),
                f"T tasks (m = ceil(log2 T) = {m}) at eps with a {e.denominator.bit_length()}-bit "
                "denominator")
    if e >= 1:
        return TaskScaling(T, m, e, None, (0, 0), (0, 0))
    j, joint, sep = _theorem_b_inf(T, e)
    return TaskScaling(T, m, e, j, joint, sep)


@dataclass(frozen=True)
class ExponentGapRow:
    """Reading (3) at ``eps = 2^-j``: ``T = ceil(eps^-beta)`` tasks, Theorem B at ``n = oo``."""

    beta: Fraction
    j: int
    T: int
    m: int
    joint: tuple[int, int]
    separate: tuple[int, int]

    @property
    def eps(self) -> Fraction:
        return Fraction(1, 1 << self.j)

    def within(self, constants: dict[str, Any] | None = None) -> dict[str, bool]:
        """Which of the four sandwich inequalities hold (exact comparisons of ``L^q`` with
        ``c^q 2^(j p)`` for the rational exponents ``p/q``)."""
        c = {**EXPONENT_CONSTANTS, **(constants or {})}
        a1 = self.j * (1 + self.beta)
        a2 = self.j * (1 + 2 * self.beta)
        return {
            "c1": power_compare(2, a1, self.joint[0] / c["c1"]) >= 0,
            "c2": power_compare(2, a1, self.joint[1] / c["c2"]) <= 0,
            "c3": power_compare(2, a2, self.separate[0] / c["c3"]) >= 0,
            "c4": power_compare(2, a2, self.separate[1] / c["c4"]) <= 0,
        }


def exponent_gap(beta: Any, j: Any) -> ExponentGapRow:
    """Reading (3) at ``eps = 2^-j`` (``j >= 1``): ``T = ceil(2^(j beta))`` tasks at
    ``m = ceil(log2 T)``, Theorem B's bounds on ``L_joint`` and ``L_sep`` at infinite depth.

    Proven (derived) sandwich, :data:`EXPONENT_CONSTANTS`: ``2^m >= T >= eps^-beta`` and
    ``2^(m-1) <= T - 1 < eps^-beta`` give ``(1/2) eps^-(1+beta) <= 2^m(2^j - 1) <= L_joint <
    2^(m+j) < 2 eps^-(1+beta)`` and ``(1/2) eps^-(1+2beta) <= T 2^m (2^j - 1) <= L_sep <
    T 2^(m+j) < 4 eps^-(1+2beta)``.

    >>> r = exponent_gap(1, 10)
    >>> r.T, r.m, r.joint, r.within()
    (1024, 10, (1047552, 1048575), {'c1': True, 'c2': True, 'c3': True, 'c4': True})
    """
    b = _beta(beta)
    j = as_exact_int(j, "j", minimum=1)
    _bits_limit(j, f"eps = 2^-{j}")
    eps = Fraction(1, 1 << j)
    T = tasks_for_eps(eps, b)
    m = heads_for_tasks(T)
    _, joint, sep = _theorem_b_inf(T, eps)
    return ExponentGapRow(b, j, T, m, joint, sep)


@dataclass(frozen=True)
class RateReadings:
    """The four readings of main construction §3.6 side by side for one ``(T, eps)``.

    ``ratio_lower`` is Corollary C's ``L_sep_lower / L_joint_upper`` (reading 1, ``-> T``);
    ``scaling`` is :class:`TaskScaling` (reading 2); ``beta`` is ``log2 T / log2(1/eps)`` when
    that is rational (``T`` and ``1/eps`` powers of two; else None) with its ``exponents``
    (reading 3); ``depth``, ``finite_sep``, ``finite_joint`` are Theorem A at depth
    ``n = m + j`` below ``delta_min / 2`` (reading 4)."""

    T: int
    eps: Fraction
    scaling: TaskScaling
    ratio_lower: Fraction | None
    beta: Fraction | None
    exponents: tuple[Fraction, Fraction] | None
    depth: int | None
    finite_sep: int | None
    finite_joint: int | None


def _log2_exact(x: Fraction) -> int | None:
    if x.denominator == 1 and x.numerator & (x.numerator - 1) == 0:
        return x.numerator.bit_length() - 1
    return None


def rate_readings(T: Any, eps: Any) -> RateReadings:
    """Readings (1)-(4) of the rate gap for ``T`` tasks at ``eps`` (infinite depth for 1-3).

    >>> r = rate_readings(4, Fraction(1, 16))
    >>> r.ratio_lower, r.beta, r.exponents, (r.depth, r.finite_sep, r.finite_joint)
    (Fraction(80, 21), Fraction(1, 2), (Fraction(2, 3), Fraction(1, 2)), (6, 245, 63))
    """
    s = task_scaling(T, eps)
    T, e, m = s.T, s.eps, s.m
    ratio = Fraction(s.separate[0], s.joint[1]) if s.joint[1] else None
    beta = exps = None
    a, jj = _log2_exact(Fraction(T)), _log2_exact(1 / e)
    if a is not None and jj is not None and a > 0 and jj > 0:
        beta = Fraction(a, jj)
        exps = rate_exponents(beta)
    depth = fsep = fjoint = None
    if s.j is not None:  # Theorem A at depth n = m + j (rho in closed form, as Theorem B)
        depth = m + s.j
        free = (1 << depth) - (1 << m)
        rk, rs = _rho_sums(T)
        fsep, fjoint = T * free + rs, free + rk
    return RateReadings(T, e, s, ratio, beta, exps, depth, fsep, fjoint)



def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, tuple):
        lo, hi = value
        return str(lo) if lo == hi else f"[{lo}, {hi}]"
    return str(value)


def _render(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
             for r in [header, ["-" * w for w in widths], *rows]]
    return "\n".join(lines)


def readings_table(tasks: Any, epss: Any) -> str:
    r"""The four readings of main construction §3.6 for every ``(T, eps)`` as a text table.

    Columns: (1) the ratio bound ``L_sep_lower / L_joint_upper`` (-> T); (2) Theorem B's
    ``L_joint`` and ``L_sep`` at infinite depth next to ``4T/eps`` and ``T^2(1/eps - 1)``;
    (3) ``beta = log T / log(1/eps)`` (when rational) and the exponents
    ``1/(1+beta) > 1/(1+2beta)``; (4) Theorem A at depth ``n = m + j`` below ``delta_min / 2``.

    >>> import re
    >>> " | ".join(re.split(r"\s{2,}", readings_table([2], [Fraction(1, 4)]).splitlines()[2]))
    '2 | 1/4 | 12/7 | [6, 7] | 32 | [12, 13] | 12 | 1/2 | 2/3 > 1/2 | 3 | 13 | 7'
    """
    from exactmtl._validate import as_list

    tasks = as_list(tasks, "tasks", min_len=1, what="task counts, e.g. [2, 4]")
    epss = as_list(epss, "epss", min_len=1, what="exact eps values, e.g. [Fraction(1, 16)]")
    header = ["T", "eps", "(1) ratio >=", "(2) L_joint", "< 4T/eps", "(2) L_sep",
              ">= T^2(1/eps-1)", "(3) beta", "gamma* joint > sep", "(4) n", "L_sep",
              "L_joint"]
    rows = []
    for T in tasks:
        for eps in epss:
            r = rate_readings(T, eps)
            s = r.scaling
            exps = None if r.exponents is None else f"{r.exponents[0]} > {r.exponents[1]}"
            rows.append([str(r.T), str(r.eps), _fmt(r.ratio_lower), _fmt(s.joint),
                         _fmt(s.joint_bound), _fmt(s.separate), _fmt(s.separate_bound),
                         _fmt(r.beta), _fmt(exps), _fmt(r.depth), _fmt(r.finite_sep),
                         _fmt(r.finite_joint)])
    return _render(header, rows)


def exponent_table(beta: Any, js: Any) -> str:
    """Reading (3) along ``eps = 2^-j``: ``T(eps)``, Theorem B's bounds and the four sandwich
    checks with the constants of :data:`EXPONENT_CONSTANTS`.

    >>> print(exponent_table(1, [1, 2]))
    beta = 1: gamma*_joint = 1/2 > gamma*_sep = 1/3; c1 = 1/2, c2 = 2, c3 = 1/2, c4 = 4
    j  eps  T  m  L_joint   L_sep     sandwich
    -  ---  -  -  --------  --------  --------
    1  1/2  2  1  [2, 3]    [4, 5]    holds
    2  1/4  4  2  [12, 15]  [48, 53]  holds
    """
    b = _beta(beta)
    gj, gs = rate_exponents(b)
    c = EXPONENT_CONSTANTS
    head = (f"beta = {b}: gamma*_joint = {gj} > gamma*_sep = {gs}; c1 = {c['c1']}, "
            f"c2 = {c['c2']}, c3 = {c['c3']}, c4 = {c['c4']}")
    rows = []
    for j in js:
        row = exponent_gap(b, j)
        ok = row.within()
        verdict = "holds" if all(ok.values()) else "FAILS " + ",".join(k for k, v in ok.items()
                                                                       if not v)
        rows.append([str(row.j), str(row.eps), str(row.T), str(row.m), _fmt(row.joint),
                     _fmt(row.separate), verdict])
    return head + "\n" + _render(["j", "eps", "T", "m", "L_joint", "L_sep", "sandwich"], rows)
