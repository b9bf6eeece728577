"""Code lengths of the reference construction: its classes as finite classes, L_sep and L_joint.

For the reference construction (main construction §2.6-§2.8, §3.4-§3.7), :func:`separate_bits` and
:func:`joint_bits` enumerate every sign pattern ``sigma`` (depth ``n <= 4``, integer cell tables
built from the digit-flip form; n = 4 is certified through the cellwise structure) or use the
closed forms of :mod:`exactmtl.closed_forms` (Theorems A and B, §3.5); the ``*_report``
variants say which route was taken and carry the closed-form bounds next to every enumerated
value as a cross-check.

Imports point one way: this module sits above :mod:`exactmtl.covering` (generic finite classes),
:mod:`exactmtl.construction` and :mod:`exactmtl.closed_forms`; :mod:`exactmtl.coding`
re-exports both coding modules.

>>> K, e = [0, 1, 2, 3], Fraction(1, 4)
>>> separate_bits(n=3, m=2, ks=K, eps=e), joint_bits(n=3, m=2, ks=K, eps=e)
(21, 7)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from exactmtl._validate import as_choice
from exactmtl.closed_forms import (
    _eps,
    code_length_bounds,
    theorem_a,
    theorem_b_index,
)
from exactmtl.construction import _check_family
from exactmtl.construction_certify import solver as certify_structured
from exactmtl.construction_tables import (
    MAX_BRUTE_DEPTH,
    OutputTable,
    _check_instance,
    feature_class,
    output_table,
)
from exactmtl.covering import (
    _ZERO,
    DEFAULT_MAX_MEMBERS,
    DEFAULT_NODE_LIMIT,
    FiniteClass,
    _certify,
    _check_convention,
    _check_eps,
)
from exactmtl.errors import InvalidArgument, UndecidedError
from exactmtl.jointsep import JointSeparateReport

__all__ = [
    "HEADS",
    "MAX_BRUTE_DEPTH",
    "ROUTES",
    "BitsReport",
    "OutputTable",
    "bits_reports",
    "bounds_table",
    "feature_class",
    "joint_bits",
    "joint_bits_report",
    "joint_vs_separate",
    "output_table",
    "separate_bits",
    "separate_bits_report",
]

HEADS = ("sawtooth-walsh", "walsh")

# --------------------------------------------------------------------------- joint vs separate

ROUTES = ("auto", "brute", "closed")


@dataclass(frozen=True)
class BitsReport:
    """A code length of the construction with the route that produced it.

    ``kind`` is ``"task"`` (one marginal class), ``"separate"`` (the sum over the tasks; its
    ``parts`` are the task reports) or ``"joint"``. ``value`` is the exact code length when
    known, else None and ``lower <= L <= upper``. ``route`` is ``"brute force"`` (every sign
    pattern enumerated, certified by packing = cover), ``"closed form"`` (an exact formula),
    ``"bounds"`` (two-sided bounds only) or ``"mixed"`` (separate: tasks by different routes).
    ``closed`` holds the closed-form bounds when a formula applies (also on the brute-force
    route, as a cross-check: ``consistent`` is False if the enumeration leaves them).
    ``certificate`` (brute force) is the cover and packing that fix the value: a
    :class:`~exactmtl.construction_certify.ConstructionCertificate` (its ``to_json()`` is
    re-checked by :func:`exactmtl.coding_check.check_certificate`) or a
    :class:`~exactmtl.covering.CodeLengthCertificate`.
    """

    kind: str
    n: int
    m: int
    ks: tuple[int, ...]
    heads: str
    eps: Fraction
    convention: str
    value: int | None
    lower: int
    upper: int
    route: str
    source: str
    closed: tuple[int, int] | None = None
    parts: tuple[BitsReport, ...] = ()
    certificate: Any = field(default=None, repr=False, compare=False)

    @property
    def exact(self) -> bool:
        return self.value is not None

    @property
    def consistent(self) -> bool:
        """False when an enumerated value lies outside the closed-form bounds."""
        own = self.value is None or self.closed is None or (
            self.closed[0] <= self.value <= self.closed[1])
        return own and all(p.consistent for p in self.parts)

    def display(self) -> str:
        """``"7"`` or ``"[6, 7]"``."""
        return str(self.value) if self.value is not None else f"[{self.lower}, {self.upper}]"

    def __int__(self) -> int:
        if self.value is None:
            raise UndecidedError(
                f"{self.kind} code length at eps={self.eps} (n={self.n}, m={self.m}, "
                f"ks={list(self.ks)}, heads={self.heads!r}) is only bounded: "
                f"{self.lower} <= L <= {self.upper} ({self.source})")
        return self.value


def _closed_reports(n: int, m: int, ks: tuple[int, ...], eps: Fraction, heads: str,
                    convention: str) -> tuple[list[BitsReport], BitsReport]:
    """Per-task and joint reports from :func:`exactmtl.closed_forms.code_length_bounds`:
    0 for ``eps >= 1``, Theorem A below ``delta_min / 2``, Theorem B bounds otherwise (pure
    Walsh heads: ``rho`` for ``eps < 1``).
    """
    b = code_length_bounds(n, m, ks, eps, heads)

    def one(kind: str, kk: tuple[int, ...], lo: int, hi: int) -> BitsReport:
        if convention == "N":
            lo, hi = max(lo, 1), max(hi, 1)
        return BitsReport(kind, n, m, kk, heads, eps, convention, lo if lo == hi else None, lo,
                          hi, "closed form" if lo == hi else "bounds", b.source, (lo, hi))

    tasks = [one("task", (k,), lo, hi) for k, (lo, hi) in zip(ks, b.tasks)]
    return tasks, one("joint", ks, *b.joint)


def _reports(n: Any, m: Any, ks: Any, eps: Any, heads: Any, convention: str,
             route: str) -> tuple[BitsReport, BitsReport]:
    """(separate, joint) reports for one instance."""
    n, m, ks, heads = _check_instance(n, m, ks, heads)
    e = _ZERO if eps is None else _check_eps(eps)
    conv = _check_convention(convention)
    if not isinstance(route, str):
        as_choice(route, "route", ROUTES)
    if route not in ROUTES:
        raise InvalidArgument(f"route={route!r} is not a route; expected one of "
                              f"{', '.join(map(repr, ROUTES))}")
    if route == "brute" and n > MAX_BRUTE_DEPTH:
        raise InvalidArgument(f"route='brute' needs n <= {MAX_BRUTE_DEPTH} (every sign pattern "
                              f"is enumerated); got n={n}")
    tasks, joint = _closed_reports(n, m, ks, e, heads, conv)
    if route == "brute" or (route == "auto" and n <= MAX_BRUTE_DEPTH):
        where = f"enumeration of all {1 << ((1 << n) - 1)} sign patterns"
        table: list[OutputTable] = []

        def tab_() -> OutputTable:  # built only when the generic search needs it
            if not table:
                table.append(output_table(n, m, ks, heads))
            return table[0]

        def attempt(cls_: Callable[[], FiniteClass], task: int | None,
                    old: BitsReport) -> BitsReport:
            try:  # the structured search (feature-group orbits), then the generic one
                s = certify_structured(n, m, ks, task, heads).certify(e, conv)
                return BitsReport(old.kind, n, m, old.ks, heads, e, conv, s.code_length,
                                  s.code_length, s.code_length, "brute force",
                                  f"{where}: {s.method}", old.closed, certificate=s)
            except UndecidedError:
                pass
            try:
                c = _certify(cls_(), e, conv, DEFAULT_NODE_LIMIT, DEFAULT_MAX_MEMBERS)
            except UndecidedError:
                if route == "brute":
                    raise
                return old
            return BitsReport(old.kind, n, m, old.ks, heads, e, conv, c.code_length,
                              c.code_length, c.code_length, "brute force",
                              f"{where}: {c.members} members, {c.method}", old.closed,
                              certificate=c)

        tasks = [attempt(lambda t=t: tab_().marginal(t), t, rep) for t, rep in enumerate(tasks)]
        joint = (BitsReport("joint", n, m, ks, heads, e, conv, tasks[0].value, tasks[0].lower,
                            tasks[0].upper, tasks[0].route, tasks[0].source, tasks[0].closed,
                            certificate=tasks[0].certificate)
                 if len(ks) == 1 else attempt(lambda: tab_().joint(), None, joint))
    routes = {t.route for t in tasks}
    sep_route = routes.pop() if len(routes) == 1 else "mixed"
    exact = all(t.exact for t in tasks)
    sep = BitsReport("separate", n, m, ks, heads, e, conv,
                     sum(t.value for t in tasks) if exact else None,  # type: ignore[misc]
                     sum(t.lower for t in tasks), sum(t.upper for t in tasks), sep_route,
                     "sum over the tasks of the marginal code lengths",
                     None if any(t.closed is None for t in tasks) else
                     (sum(t.closed[0] for t in tasks), sum(t.closed[1] for t in tasks)),
                     tuple(tasks))
    return sep, joint


def separate_bits_report(n: int, m: int | None = None, ks: Sequence[int] | None = None,
                         eps: Any = None, heads: str = "sawtooth-walsh", *,
                         convention: str = "N0", route: str = "auto") -> BitsReport:
    """``L_sep(eps) = sum_t L(eps, pi_t C)`` for the construction, with the route taken.

    Parameters
    ----------
    n : int >= 1
        Feature depth.
    m : int, optional
        Readout frequency (``m <= n``); default: the least ``m`` with every ``k < 2^m``
        (Sawtooth-Walsh) or ``n`` (pure Walsh heads).
    ks : sequence of distinct ints
        The readout indices ``k_1 .. k_T``.
    eps : exact number >= 0, optional
        Default 0: identification (any eps below half the minimum distance gives the same,
        e.g. every ``0 <= eps < 1`` for pure Walsh heads).
    heads : {"sawtooth-walsh", "walsh"}
    convention : {"N0", "N"}
    route : {"auto", "brute", "closed"}
        ``"auto"``: enumerate every sign pattern for ``n <= 3`` and for ``n = 4`` (where a
        cheap certificate exists), closed forms otherwise.

    >>> r = separate_bits_report(n=3, m=2, ks=[0, 1, 2, 3], eps=Fraction(1, 4))
    >>> r.value, [t.value for t in r.parts], r.route, r.closed
    (21, [4, 5, 6, 6], 'brute force', (21, 21))
    >>> separate_bits_report(n=60, m=2, ks=[0, 1], eps=Fraction(1, 8)).display()
    '[56, 57]'
    """
    return _reports(n, m, ks, eps, heads, convention, route)[0]


def joint_bits_report(n: int, m: int | None = None, ks: Sequence[int] | None = None,
                      eps: Any = None, heads: str = "sawtooth-walsh", *,
                      convention: str = "N0", route: str = "auto") -> BitsReport:
    """``L_joint(eps) = L(eps, C)`` for the construction, with the route taken.

    Parameters as in :func:`separate_bits_report`.

    >>> r = joint_bits_report(n=3, m=2, ks=[0, 1, 2, 3], eps=Fraction(1, 4))
    >>> r.value, r.route
    (7, 'brute force')
    >>> joint_bits_report(n=60, m=2, ks=[0, 1, 2, 3], route="closed").value == 2**60 - 1
    True
    """
    return _reports(n, m, ks, eps, heads, convention, route)[1]


def separate_bits(n: int, m: int | None = None, ks: Sequence[int] | None = None,
                  eps: Any = None, heads: str = "sawtooth-walsh", *,
                  convention: str = "N0", route: str = "auto") -> int:
    """``L_sep(eps)`` of the construction as an int (see :func:`separate_bits_report`).

    Raises :class:`~exactmtl.errors.UndecidedError` (with the bounds) where only two-sided
    bounds are known.

    >>> separate_bits(n=3, m=2, ks=[0, 1, 2, 3], eps=Fraction(1, 4))
    21
    >>> separate_bits(n=3, ks=[5, 6, 7], heads="walsh")
    12
    """
    return int(separate_bits_report(n, m, ks, eps, heads, convention=convention, route=route))


def joint_bits(n: int, m: int | None = None, ks: Sequence[int] | None = None,
               eps: Any = None, heads: str = "sawtooth-walsh", *,
               convention: str = "N0", route: str = "auto") -> int:
    """``L_joint(eps)`` of the construction as an int (see :func:`joint_bits_report`).

    >>> joint_bits(n=3, m=2, ks=[0, 1, 2, 3], eps=Fraction(1, 4))
    7
    >>> joint_bits(n=3, ks=[5, 6, 7], heads="walsh")
    7
    """
    return int(joint_bits_report(n, m, ks, eps, heads, convention=convention, route=route))


def bits_reports(n: int, m: int | None = None, ks: Sequence[int] | None = None,
                 eps: Any = None, heads: str = "sawtooth-walsh", *, convention: str = "N0",
                 route: str = "auto") -> tuple[BitsReport, BitsReport]:
    """``(separate_bits_report(...), joint_bits_report(...))`` computed together (one table).

    >>> sep, joint = bits_reports(3, 1, [0, 1], Fraction(1, 4))
    >>> sep.value, joint.value
    (5, 3)
    """
    return _reports(n, m, ks, eps, heads, convention, route)


def _interval(lo: Any, hi: Any) -> str:
    return str(lo) if lo == hi else f"[{lo}, {hi}]"


def bounds_table(n: int, m: int | None = None, ks: Sequence[int] | None = None,
                 eps: Any = None, heads: str = "sawtooth-walsh", *, convention: str = "N0",
                 route: str = "auto") -> str:
    """The joint/separate table printed by ``exactmtl bounds`` (per-task L, L_sep, L_joint, gap,
    ratio, and for each value its route: brute force or closed form).

    >>> lines = bounds_table(2, 1, [0, 1]).splitlines()
    >>> lines[0]
    'n=2, m=1, ks=[0, 1], heads=sawtooth-walsh, eps=0, convention N0'
    >>> [" ".join(line.split()[:2]) for line in lines[3:]]
    ['task k=0', 'task k=1', 'L_sep 5', 'L_joint 3', 'gap 2', 'ratio 5/3']
    """
    sep, joint = _reports(n, m, ks, eps, heads, convention, route)
    T = len(sep.ks)
    rows = [("quantity", "L", "route", "closed form", "how")]
    for p in sep.parts:
        rows.append((f"task k={p.ks[0]}", p.display(), p.route,
                     "-" if p.closed is None else _interval(*p.closed), p.source))
    for rep, name in ((sep, "L_sep"), (joint, "L_joint")):
        rows.append((name, rep.display(), rep.route,
                     "-" if rep.closed is None else _interval(*rep.closed), rep.source))
    gap_lo, gap_hi = sep.lower - joint.upper, sep.upper - joint.lower
    thm = ""
    below = sep.eps < Fraction(1 << sep.m, 1 << sep.n) or (sep.m == sep.n and sep.eps < 1)
    if sep.heads == "sawtooth-walsh" and below:
        thm = (f"; Theorem A (eps < delta_min/2): gap >= (T-1)(2^n - 2^m) = "
               f"{(T - 1) * ((1 << sep.n) - (1 << sep.m))}")
    rows.append(("gap", _interval(gap_lo, gap_hi), "-", "-", "L_sep - L_joint" + thm))
    if joint.lower > 0:
        ratio = _interval(Fraction(sep.lower, joint.upper), Fraction(sep.upper, joint.lower))
    else:
        ratio = "undefined (L_joint = 0)" if joint.upper == 0 else "-"
    rows.append(("ratio", ratio, "-", "-", f"L_sep / L_joint (at most T = {T})"))
    head = (f"n={sep.n}, m={sep.m}, ks={list(sep.ks)}, heads={sep.heads}, eps={sep.eps}, "
            f"convention {sep.convention}")
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [head]
    for k, r in enumerate(rows):
        lines.append("  ".join(v.ljust(w) for v, w in zip(r[:4], widths)) + "  " + r[4])
        if k == 0:
            lines.append("  ".join("-" * w for w in widths) + "  ---")
    return "\n".join(line.rstrip() for line in lines)


def joint_vs_separate(n: int = 3, m: int | None = 2, ks: Sequence[Any] = (0, 1, 2, 3),
                      eps: Any = Fraction(1, 4), heads: str = "sawtooth-walsh") -> Any:
    """Joint versus separate description length of the construction as a
    :class:`~exactmtl.jointsep.JointSeparateReport` (companions §D.5).

    Values: Theorem A (exact, ``eps < delta_min / 2``) or ``0`` (``eps >= 1``); elsewhere
    exhaustive enumeration (``n <= 4``), else
    :class:`~exactmtl.errors.UndecidedError` with Theorem B's bounds. The equality condition
    is exact: below ``delta_min / 2``, ``L_sep == L_joint`` iff ``T = 1`` or (``m = n`` and the
    nonzero ``k_t`` have distinct bit lengths) (:func:`separate_equals_joint`); for
    ``1 - 2^(m-n) > eps >= delta_min / 2`` and ``T >= 2`` Theorem B forces ``L_sep > L_joint``;
    for ``eps >= 1`` both are 0.

    >>> r = joint_vs_separate()
    >>> r.joint, r.separate, r.ratio, r.equal
    (Fraction(7, 1), Fraction(21, 1), Fraction(1, 3), False)
    >>> joint_vs_separate(60, 2, [0, 1, 2, 3], 0).gain == 3 * (2**60 - 4) + 2
    True
    """
    n, m, raw, heads = _check_family(n, m, ks, heads)
    e = _eps(eps)
    bounds = code_length_bounds(n, m, raw, e, heads)
    T = len(raw)
    how = bounds.source
    if bounds.exact:
        sep, joint = bounds.separate[0], bounds.joint[0]
    elif n <= 4:
        try:
            s_rep, j_rep = bits_reports(n, m, raw, e, heads, route="brute")
        except UndecidedError as exc:
            raise UndecidedError(
                f"eps={e} (n={n}, m={m}, ks={list(raw)}): the enumeration is undecided ({exc}); "
                f"Theorem B gives L_sep in {list(bounds.separate)}, L_joint in "
                f"{list(bounds.joint)}") from None
        sep, joint = s_rep.value, j_rep.value
        how = "exhaustive enumeration (packing = cover)"
    else:
        raise UndecidedError(
            f"eps={e} (n={n}, m={m}, ks={list(raw)}): only Theorem B's bounds are known, "
            f"L_sep in {list(bounds.separate)}, L_joint in {list(bounds.joint)}")
    below = e < theorem_a(n, m, raw, heads).eps_bound
    if e >= 1:
        cond = "eps >= 1: both are 0 (always equal)"
    elif below:
        cond = ("eps < delta_min/2 (Theorem A): L_sep == L_joint iff T = 1 or (m = n and the "
                "nonzero k_t have distinct bit lengths); gap = (T-1)(2^n - 2^m) + "
                "sum_t rho({k_t}) - rho(K)")
    elif T >= 2 and theorem_b_index(e, n, m) >= 1:
        cond = ("Theorem B: for T >= 2 and eps < 1 - 2^(m-n), L_sep >= T 2^m(2^j - 1) > "
                "2^m(2^j - 1) + rho(K) >= L_joint: never equal")
    else:
        cond = ("1 - 2^(m-n) <= eps < 1: decided by enumeration only (Theorem B gives "
                "[0, rho] per class)")
    setting = (f"n={n}, m={m}, K={list(raw)}, heads={heads}, eps={e} (T={T}, {how})")
    return JointSeparateReport(
        "main construction (arXiv 2606.16028, reference; main construction §3.5)", setting,
        "bits (minimax code length)", joint, sep, cond,
        notes="joint: one code for F_sigma; separate: sum of the marginal code lengths")
