"""Certified PAC-Bayes, compression and multi-task bounds (companions §D.1, arXiv 2501.19067).

Every bound here returns a rigorous enclosure (:class:`exactmtl.certified.Enclosure`, exact
dyadic endpoints): ``value.lo <= true bound <= value.hi``, so "the bound is below 1/2" is a
proof when ``value.hi < 1/2``. Inputs are exact (int, Fraction, sympy Rational; complexity terms
may be sympy expressions such as ``bits * log(2)`` or enclosures); floats are refused.

* :func:`kl` -- the binary KL divergence kl(q||p) = q ln(q/p) + (1-q) ln((1-q)/(1-p));
  :func:`kl_inverse` -- kl^-1(q, c) = sup{p >= q : kl(q||p) <= c} by monotone bisection on
  rationals with certified comparisons (``hi`` is a certified rational upper bound).
* :func:`occam_bound` -- Occam/compression: kl(r_hat || r) <= (l ln 2 + ln(2 sqrt(N)/delta))/N
  for a hypothesis with an l-bit prefix-free description.
* PAC-Bayes forms with KL(Q||P) in nats: :func:`seeger_bound` (Maurer-Seeger kl form, with the
  exact constant :func:`maurer_xi` ``xi(N) <= 2 sqrt(N)``), :func:`mcallester_bound`,
  :func:`catoni_bound`, :func:`fast_rate_bound` r <= r_hat + B + sqrt(B^2 + 2 r_hat B)
  **(derived)**: the minimum over lambda of :func:`fast_rate_family`, attained at the closed form
  :func:`fast_rate_lambda`.
* Multi-task: :func:`multitask_occam_bound` with l_tot = l(Q) + sum_i l(alpha_i) over the n m
  samples (the shared bits cost l(Q)/n per task), :func:`transfer_bound` for a new task whose
  shared part is fixed (only l(alpha) is paid), :func:`joint_vs_separate`.
* Prefix codes: Elias gamma/delta lengths come from :mod:`exactmtl.prefixcodes`;
  :func:`elias_kraft_sum` is their exact Kraft sum over 1..N in closed form.

>>> e = kl_inverse(Fraction(1, 10), Fraction(1, 20))
>>> e.lo <= e.hi, e.width <= Fraction(1, 2**40), e.certainly_below(Fraction(23, 100))
(True, True, True)
>>> maurer_xi(4)
Fraction(103, 32)
>>> b = occam_bound(Fraction(1, 20), bits=1000, N=20000, delta=Fraction(1, 20))
>>> b.certainly_below(Fraction(13, 100)), b.certainly_below(Fraction(12, 100))
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import comb
from typing import Any

from exactmtl._validate import (
    as_choice,
    as_exact,
    as_exact_expr,
    as_exact_int,
    check_budget,
    checked_args,
    shown,
)
from exactmtl.certified import DEFAULT_MAX_PREC, Enclosure, enclose, precision
from exactmtl.errors import InvalidArgument, InvalidArgumentType
from exactmtl.jointsep import JointSeparateReport
from exactmtl.prefixcodes import elias_delta_length, elias_gamma_length

__all__ = [
    "BOUND_PREC",
    "DEFAULT_TOL",
    "XI_EXACT_LIMIT",
    "Bound",
    "amortised_bits",
    "catoni_bound",
    "elias_kraft_sum",
    "fast_rate_bound",
    "fast_rate_family",
    "fast_rate_lambda",
    "joint_vs_separate",
    "kl",
    "kl_expression",
    "kl_inverse",
    "kl_inverse_float",
    "maurer_xi",
    "mcallester_bound",
    "multitask_occam_bound",
    "occam_bound",
    "occam_complexity",
    "seeger_bound",
    "transfer_bound",
]

DEFAULT_TOL = Fraction(1, 2**40)
BOUND_PREC = 128
XI_EXACT_LIMIT = 2000


# --------------------------------------------------------------------------- validation

def _prob(value: Any, name: str) -> Fraction:
    v = as_exact(value, name)
    if not 0 <= v <= 1:
        raise InvalidArgument(f"{name}={v} is not a probability; expected 0 <= {name} <= 1")
    return v


def _delta(value: Any) -> Fraction:
    v = as_exact(value, "delta")
    if not 0 < v < 1:
        raise InvalidArgument(f"delta={v} is not a confidence level; expected 0 < delta < 1")
    return v


def _samples(value: Any) -> int:
    """A sample size N: an integer in [1, 2**63) (the certified roots take a machine degree)."""
    n = as_exact_int(value, "N", minimum=1)
    if n >= 2**63:
        raise InvalidArgument(f"N has {n.bit_length()} bits; sample sizes must be < 2**63")
    return n


def _nonneg(value: Any, name: str) -> Fraction:
    v = as_exact(value, name)
    if v < 0:
        raise InvalidArgument(f"{name}={v} is negative; expected {name} >= 0")
    return v


def _exact_or_symbol(value: Any, name: str, *, nonneg: bool = False) -> Any:
    """A sympy value: an exact real number (rational or expression such as ``sqrt(2)``) or a
    symbolic expression (free symbols, for the proofs); Floats refused, signs checked."""
    import sympy

    if isinstance(value, sympy.Basic) and not isinstance(value, sympy.Rational) and \
            value.free_symbols:
        if value.atoms(sympy.Float):
            as_exact_expr(value, name)  # raises the InexactInputError
        out = value
    elif isinstance(value, sympy.Basic) and not isinstance(value, sympy.Rational):
        out = as_exact_expr(value, name)
    else:
        out = _rat(as_exact(value, name))
    if nonneg and out.is_negative:
        raise InvalidArgument(f"{name}={out} is negative; expected {name} >= 0")
    return out


def _rat(value: Fraction) -> Any:
    import sympy

    return sympy.Rational(value.numerator, value.denominator)


def _complexity_ends(value: Any, name: str) -> tuple[Any, Any]:
    """A non-negative complexity term (nats) as (lower, upper) sympy numbers: a rational, a sympy
    expression (both ends the same expression) or an Enclosure (its rational endpoints)."""
    import sympy

    if isinstance(value, Enclosure):
        if value.hi < 0:
            raise InvalidArgument(f"{name}={value} is negative; expected {name} >= 0")
        return _rat(max(value.lo, Fraction(0))), _rat(value.hi)
    if isinstance(value, sympy.Basic) and not isinstance(value, sympy.Rational):
        value = as_exact_expr(value, name)
        e = enclose(value, BOUND_PREC)
        if e.hi < 0:
            raise InvalidArgument(f"{name}={value} is negative; expected {name} >= 0")
        return value, value
    v = _nonneg(value, name)
    return _rat(v), _rat(v)


# --------------------------------------------------------------------------- kl

def _kl_arb(q: Fraction, p: Fraction) -> Any:
    """The arb ball of kl(q||p) at the current precision; None when kl is +infinity."""
    import flint

    if q == p:
        return flint.arb(0)
    if p in (0, 1):
        return None
    out = flint.arb(0)
    if q > 0:
        r = q / p
        out += flint.arb(flint.fmpq(q.numerator, q.denominator)) * flint.arb(
            flint.fmpq(r.numerator, r.denominator)).log()
    if q < 1:
        s = (1 - q) / (1 - p)
        out += flint.arb(flint.fmpq((1 - q).numerator, (1 - q).denominator)) * flint.arb(
            flint.fmpq(s.numerator, s.denominator)).log()
    return out


def kl(q: Any, p: Any, *, prec: int = BOUND_PREC) -> Enclosure:
    """Certified enclosure of kl(q||p) = q ln(q/p) + (1 - q) ln((1 - q)/(1 - p)) (0 ln 0 = 0).

    Exact 0 when ``q == p``; ``InvalidArgument`` when kl is infinite (``p`` in {0, 1}, ``q != p``).

    >>> kl(Fraction(1, 2), Fraction(1, 2))
    Enclosure(lo=Fraction(0, 1), hi=Fraction(0, 1), prec=None)
    >>> e = kl(0, Fraction(1, 2))              # ln 2
    >>> e.certainly_above(Fraction(6931, 10**4)), e.certainly_below(Fraction(6932, 10**4))
    (True, True)
    >>> kl(Fraction(1, 2), 0)
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: kl(q=1/2 || p=0) is +infinity; expected 0 < p < 1 or p == q
    """
    q, p = _prob(q, "q"), _prob(p, "p")
    prec = check_budget("bits", as_exact_int(prec, "prec", minimum=2), f"kl(prec={prec})")
    if q == p:
        return Enclosure.point(0)
    with precision(prec) as bits:
        ball = _kl_arb(q, p)
        if ball is None:
            raise InvalidArgument(f"kl(q={q} || p={p}) is +infinity; expected 0 < p < 1 or p == q")
        return Enclosure.from_arb(ball, bits)


def kl_expression(q: Any, p: Any) -> Any:
    """kl(q||p) as an exact sympy expression (for :func:`exactmtl.certify` and display).

    >>> print(kl_expression(0, Fraction(1, 2)))
    log(2)
    """
    import sympy

    q, p = _prob(q, "q"), _prob(p, "p")
    if q == p:
        return sympy.Integer(0)
    if p in (0, 1):
        raise InvalidArgument(f"kl(q={q} || p={p}) is +infinity; expected 0 < p < 1 or p == q")
    out = sympy.Integer(0)
    if q > 0:
        out += _rat(q) * sympy.log(_rat(q / p))
    if q < 1:
        out += _rat(1 - q) * sympy.log(_rat((1 - q) / (1 - p)))
    return out


def _bracket(q: Fraction, c: Fraction, tol: Fraction, max_prec: int) -> tuple[Fraction,
                                                                              Fraction, int]:
    """Rationals a <= p* < b (p* = kl^-1(q, c)) with kl(q||a) <= c and kl(q||b) > c certified,
    b - a <= tol unless a comparison stays undecided up to max_prec (then the bracket so far)."""
    import flint

    a, b, top = q, Fraction(1), 64
    carb_cache: dict[int, Any] = {}
    while b - a > tol:
        m = (a + b) / 2
        bits, side = 64, None
        while side is None:
            with precision(bits):
                if bits not in carb_cache:
                    carb_cache[bits] = flint.arb(flint.fmpq(c.numerator, c.denominator))
                d = _kl_arb(q, m) - carb_cache[bits]
                if d <= 0:
                    side = "low"
                elif d > 0:
                    side = "high"
            top = max(top, bits)
            if side is None:
                if bits >= max_prec:
                    return a, b, top
                bits = min(2 * bits, max_prec)
        if side == "low":
            a = m
        else:
            b = m
    return a, b, top


def kl_inverse(q: Any, c: Any, *, tol: Any = DEFAULT_TOL,
               max_prec: int = DEFAULT_MAX_PREC) -> Enclosure:
    """Certified enclosure of kl^-1(q, c) = sup{p in [q, 1] : kl(q||p) <= c}.

    Monotone bisection on rationals with certified comparisons kl(q||p) vs c (precision raised
    from 64 bits as needed): ``lo`` has kl(q||lo) <= c and ``hi`` has kl(q||hi) > c (or hi = 1),
    both certified, and ``hi - lo <= tol``. ``c`` may be a rational, a sympy expression or an
    :class:`Enclosure` [c_lo, c_hi]: kl^-1 is increasing in c, so ``lo`` comes from c_lo and
    ``hi`` from c_hi -- ``hi`` is a certified upper bound for every c in the enclosure.
    Exact cases: kl^-1(q, 0) = q and kl^-1(1, c) = 1.

    >>> e = kl_inverse(0, 1)                   # 1 - 1/e = 0.63212...
    >>> e.certainly_above(Fraction(63212, 10**5)), e.certainly_below(Fraction(63213, 10**5))
    (True, True)
    >>> kl_inverse(Fraction(1, 3), 0)
    Enclosure(lo=Fraction(1, 3), hi=Fraction(1, 3), prec=None)
    >>> kl_inverse(Fraction(3, 2), 1)
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: q=3/2 is not a probability; expected 0 <= q <= 1
    """
    q = _prob(q, "q")
    tol = as_exact(tol, "tol")
    if tol <= 0:
        raise InvalidArgument(f"tol={tol} must be > 0")
    # bisection steps ~ log2(1/tol); each compares at up to max_prec bits
    check_budget("bits", max(0, (1 / tol).__ceil__().bit_length()), f"kl_inverse(tol={tol})")
    max_prec = as_exact_int(max_prec, "max_prec", minimum=64)
    check_budget("bits", max_prec, f"kl_inverse(max_prec={max_prec})")
    if isinstance(c, Enclosure):
        c_enc = c
    else:
        import sympy

        if isinstance(c, sympy.Basic) and not isinstance(c, sympy.Rational):
            c_enc = enclose(as_exact_expr(c, "c"), BOUND_PREC)
        else:
            c_enc = Enclosure.point(as_exact(c, "c"))
    if c_enc.hi < 0:
        raise InvalidArgument(f"c={c_enc.hi if c_enc.width == 0 else c_enc} is negative; "
                              "expected c >= 0")
    c_lo, c_hi = max(c_enc.lo, Fraction(0)), c_enc.hi
    if q == 1:
        return Enclosure.point(1)
    if c_hi == 0:
        return Enclosure.point(q)
    lo = q if c_lo == 0 else None
    top = 64
    if lo is None:
        lo, hi_for_lo, top = _bracket(q, c_lo, tol, max_prec)
        if c_lo == c_hi:
            return Enclosure(lo, hi_for_lo, top)
    _, hi, top2 = _bracket(q, c_hi, tol, max_prec)
    return Enclosure(lo, hi, max(top, top2))


@checked_args(q="float[0,1]", c="float", xtol="float>0")
def kl_inverse_float(q: float, c: float, xtol: float = 1e-5) -> float:
    """The float64 kl-inverse that common code uses: ``scipy.optimize.brentq`` with ``xtol``.

    The numeric path, for comparison only: no guarantee that the result is an upper bound.

    >>> round(kl_inverse_float(0.0, 1.0), 4)
    0.6321
    """
    import math

    from scipy.optimize import brentq

    if c <= 0 or q >= 1:
        return q

    def f(p: float) -> float:  # float64 kl(q||p) - c
        t = q * math.log(q / p) if q > 0 else 0.0  # float ok: numeric path
        return t + (1 - q) * math.log((1 - q) / (1 - p)) - c  # float ok: numeric path

    top = 1 - 1e-15
    if f(top) <= 0:  # kl(q||p) <= c up to p = 1 - 1e-15: the inverse is 1 in float64
        return 1.0
    return brentq(f, q, top, xtol=xtol)


# --------------------------------------------------------------------------- Maurer, Kraft

def maurer_xi(N: Any) -> Fraction:
    """Maurer's constant xi(N) = sum_k C(N, k) k^k (N - k)^(N - k) / N^N, exact (0^0 = 1).

    xi(N) = E[exp(N kl(mean_hat || mean))] for N Bernoulli samples, the constant of the
    Maurer-Seeger bound; sqrt(N) <= xi(N) <= 2 sqrt(N) (checked exactly, proofs/d1_4).

    >>> maurer_xi(1), maurer_xi(4)
    (Fraction(2, 1), Fraction(103, 32))
    """
    N = as_exact_int(N, "N", minimum=1)
    check_budget("ops", N * N * N.bit_length(), f"maurer_xi(N={N}) (exact sum)")
    total = sum(comb(N, k) * k ** k * (N - k) ** (N - k) for k in range(N + 1))
    return Fraction(total, N ** N)


def elias_kraft_sum(N: Any, code: str = "elias-gamma") -> Fraction:
    """Exact Kraft sum sum_{n=1}^{N} 2^-len(n) of the Elias gamma or delta code, by bit length.

    The 2^(L-1) integers with L bits contribute 2^-L (gamma) or 2^-gamma_len(L) (delta); the
    lengths come from :mod:`exactmtl.prefixcodes`. The sum is < 1 and tends to 1.

    >>> elias_kraft_sum(2**10 - 1), elias_kraft_sum(7, "elias-delta")
    (Fraction(1023, 1024), Fraction(3, 4))
    """
    N = as_exact_int(N, "N", minimum=0)
    if N.bit_length() > 1 << 16:  # one term per bit length, each a 2**-len(n) Fraction
        check_budget("level", N.bit_length(), f"elias_kraft_sum(N of {N.bit_length()} bits)")
    code = as_choice(code, "code", ("elias-gamma", "gamma", "elias-delta", "delta"))
    if code in ("elias-gamma", "gamma"):
        length = elias_gamma_length
    elif code in ("elias-delta", "delta"):
        length = elias_delta_length
    else:
        raise InvalidArgument(f"code={code!r}; expected 'elias-gamma' or 'elias-delta'")
    total = Fraction(0)
    for L in range(1, N.bit_length() + 1):
        first, last = 1 << (L - 1), min(N, (1 << L) - 1)
        total += Fraction(last - first + 1, 1 << length(first))
    return total


# --------------------------------------------------------------------------- bounds

@dataclass(frozen=True)
class Bound:
    """A certified generalisation bound: the true risk r is <= ``value`` (w.p. >= 1 - delta).

    ``value`` encloses the bound's exact value (report ``value.hi``: a certified upper bound);
    ``complexity`` encloses its right-hand side term (c for kl forms, B for the fast rate);
    ``inputs`` echoes the exact inputs; ``details`` holds derived exact quantities.

    >>> b = occam_bound(Fraction(1, 10), bits=500, N=10000, delta=Fraction(1, 100))
    >>> b.form, b.lo <= b.hi, b.certainly_below(Fraction(2, 10)), b.to_json()["inputs"]["N"]
    ('occam', True, True, '10000')
    """

    form: str
    value: Enclosure
    complexity: Enclosure
    inputs: dict[str, str]
    details: dict[str, str] = field(default_factory=dict)

    @property
    def hi(self) -> Fraction:
        """The certified rational upper bound on the risk."""
        return self.value.hi

    @property
    def lo(self) -> Fraction:
        return self.value.lo

    def certainly_below(self, threshold: Any) -> bool:
        """True when the bound is proved below ``threshold`` (``value.hi < threshold``), e.g.
        1/2 for "better than guessing"; False means "not proved", never "proved false"."""
        return self.value.hi < as_exact(threshold, "threshold")

    def to_json(self) -> dict[str, Any]:
        """JSON-friendly dict with exact rationals."""
        return {"form": self.form, "value": self.value.to_json(),
                "complexity": self.complexity.to_json(), "inputs": dict(self.inputs),
                "details": dict(self.details)}

    def __str__(self) -> str:
        return f"{self.form} bound: r <= {self.value} (complexity {self.complexity})"


def occam_complexity(bits: Any, N: Any, delta: Any) -> Any:
    """(l ln 2 + ln(2 sqrt(N)/delta)) / N as an exact sympy expression (``bits`` = l >= 0).

    >>> print(occam_complexity(10, 100, Fraction(1, 10)))
    log(200)/100 + log(2)/10
    """
    import sympy

    bits = _nonneg(bits, "bits")
    N = _samples(N)
    delta = _delta(delta)
    return (_rat(bits) * sympy.log(2) + sympy.log(2 * sympy.sqrt(N) / _rat(delta))) / N


def _kl_form(form: str, r_hat: Fraction, c_lo: Any, c_hi: Any, tol: Any,
             inputs: dict[str, str], details: dict[str, str] | None = None) -> Bound:
    e_lo = enclose(c_lo, BOUND_PREC)
    e_hi = e_lo if c_hi is c_lo else enclose(c_hi, BOUND_PREC)
    c = Enclosure(e_lo.lo, e_hi.hi, BOUND_PREC)
    return Bound(form, kl_inverse(r_hat, c, tol=tol), c, inputs, details or {})


def _inputs(**kw: Any) -> dict[str, str]:
    """The inputs as exact text (hex for ints past Python's 4300-digit printing limit)."""
    def text(v: Any) -> str:
        if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 4000:
            return hex(v)
        if isinstance(v, Fraction) and max(v.numerator.bit_length(),
                                           v.denominator.bit_length()) > 4000:
            return f"{hex(v.numerator)}/{hex(v.denominator)}"
        try:
            return str(v)
        except ValueError:
            return shown(v)
    return {k: text(v) for k, v in kw.items()}


def occam_bound(r_hat: Any, bits: Any, N: Any, delta: Any, *, tol: Any = DEFAULT_TOL) -> Bound:
    """Occam/compression bound: r <= kl^-1(r_hat, (l ln 2 + ln(2 sqrt(N)/delta)) / N).

    For a hypothesis with an ``bits``-bit prefix-free description (prior 2^-l), empirical risk
    ``r_hat`` on ``N`` samples, confidence 1 - ``delta`` (companions §D.1).

    >>> b = occam_bound(0, bits=0, N=100, delta=Fraction(1, 2))
    >>> b.value.certainly_below(Fraction(4, 100)), b.value.certainly_above(Fraction(3, 100))
    (True, True)
    >>> occam_bound(0, bits=-1, N=100, delta=Fraction(1, 2))
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: bits=-1 is negative; expected bits >= 0
    """
    r_hat = _prob(r_hat, "r_hat")
    c = occam_complexity(bits, N, delta)
    return _kl_form("occam", r_hat, c, c, tol, _inputs(r_hat=r_hat, bits=bits, N=N,
                                                        delta=delta))


def _pac_complexity(kl_div: Any, N: int, delta: Fraction, log_term: Any) -> tuple[Any, Any]:
    lo, hi = _complexity_ends(kl_div, "kl_div")
    return (lo + log_term) / N, (hi + log_term) / N if hi is not lo else None


def seeger_bound(r_hat: Any, kl_div: Any, N: Any, delta: Any, *, xi: str = "auto",
                 tol: Any = DEFAULT_TOL) -> Bound:
    """Maurer-Seeger PAC-Bayes-kl bound: r <= kl^-1(r_hat, (KL(Q||P) + ln(xi(N)/delta)) / N).

    ``xi="exact"`` uses :func:`maurer_xi` exactly, ``"2sqrt"`` its upper bound 2 sqrt(N);
    ``"auto"`` is exact for N <= XI_EXACT_LIMIT. ``kl_div`` is in nats (rational, sympy or
    Enclosure).

    >>> a = seeger_bound(Fraction(1, 10), 5, 1000, Fraction(1, 20))
    >>> b = seeger_bound(Fraction(1, 10), 5, 1000, Fraction(1, 20), xi="2sqrt")
    >>> a.hi < b.lo                            # the exact constant is tighter
    True
    """
    import sympy

    r_hat = _prob(r_hat, "r_hat")
    N = _samples(N)
    delta = _delta(delta)
    if not isinstance(xi, str):
        as_choice(xi, "xi", ("auto", "exact", "2sqrt"))
    if xi not in ("auto", "exact", "2sqrt"):
        raise InvalidArgument(f"xi={xi!r}; expected 'auto', 'exact' or '2sqrt'")
    if xi == "exact" or (xi == "auto" and N <= XI_EXACT_LIMIT):
        const, used = _rat(maurer_xi(N)), "exact xi(N)"
    else:
        const, used = 2 * sympy.sqrt(N), "2 sqrt(N)"
    c_lo, c_hi = _pac_complexity(kl_div, N, delta, sympy.log(const / _rat(delta)))
    return _kl_form("seeger", r_hat, c_lo, c_lo if c_hi is None else c_hi, tol,
                    _inputs(r_hat=r_hat, kl_div=kl_div, N=N, delta=delta), {"xi": used})


def _monotone(form: str, f: Any, kl_div: Any, inputs: dict[str, str],
              b_of: Any) -> Bound:
    """A bound increasing in KL: lower end from KL's lower end, upper end from its upper end."""
    lo, hi = _complexity_ends(kl_div, "kl_div")
    v_lo = enclose(f(lo), BOUND_PREC)
    v_hi = v_lo if hi is lo else enclose(f(hi), BOUND_PREC)
    b_lo = enclose(b_of(lo), BOUND_PREC)
    b_hi = b_lo if hi is lo else enclose(b_of(hi), BOUND_PREC)
    return Bound(form, Enclosure(v_lo.lo, v_hi.hi, BOUND_PREC),
                 Enclosure(b_lo.lo, b_hi.hi, BOUND_PREC), inputs)


def mcallester_bound(r_hat: Any, kl_div: Any, N: Any, delta: Any) -> Bound:
    """McAllester form (as tightened by Maurer): r <= r_hat + sqrt((KL + ln(2 sqrt(N)/delta))/(2N)).

    >>> b = mcallester_bound(Fraction(1, 10), 5, 1000, Fraction(1, 20))
    >>> b.hi > seeger_bound(Fraction(1, 10), 5, 1000, Fraction(1, 20), xi="2sqrt").hi
    True
    """
    import sympy

    r_hat = _prob(r_hat, "r_hat")
    N = _samples(N)
    delta = _delta(delta)
    log_term = sympy.log(2 * sympy.sqrt(N) / _rat(delta))

    def b_of(k: Any) -> Any:
        return (k + log_term) / (2 * N)

    return _monotone("mcallester", lambda k: _rat(r_hat) + sympy.sqrt(b_of(k)), kl_div,
                     _inputs(r_hat=r_hat, kl_div=kl_div, N=N, delta=delta), b_of)


def catoni_bound(r_hat: Any, kl_div: Any, N: Any, delta: Any, C: Any = 1) -> Bound:
    """Catoni form for a fixed C > 0: r <= (1 - exp(-C r_hat - (KL + ln(1/delta))/N)) / (1 - e^-C).

    >>> b = catoni_bound(0, 0, 100, Fraction(1, 2), C=1)   # (1 - 2^(-1/100)) / (1 - 1/e)
    >>> b.value.certainly_above(Fraction(109, 10**4)), b.value.certainly_below(Fraction(110, 10**4))
    (True, True)
    """
    import sympy

    r_hat = _prob(r_hat, "r_hat")
    N = _samples(N)
    delta = _delta(delta)
    C = as_exact(C, "C")
    if C <= 0:
        raise InvalidArgument(f"C={C} must be > 0")
    Cs = _rat(C)

    def b_of(k: Any) -> Any:
        return (k + sympy.log(1 / _rat(delta))) / N

    def f(k: Any) -> Any:
        return (1 - sympy.exp(-Cs * _rat(r_hat) - b_of(k))) / (1 - sympy.exp(-Cs))

    return _monotone("catoni", f, kl_div, _inputs(r_hat=r_hat, kl_div=kl_div, N=N, delta=delta,
                                                 C=C), b_of)


def fast_rate_family(r_hat: Any, B: Any, lam: Any) -> Any:
    """The lambda-family r <= r_hat / (1 - lam/2) + B / (lam (1 - lam/2)), 0 < lam < 2 (sympy).

    Its minimum over lam is :func:`fast_rate_bound`'s closed form (proofs/d1_5).

    >>> print(fast_rate_family(0, Fraction(1, 8), 1))
    1/4
    """
    import sympy

    r_hat = _prob(r_hat, "r_hat")
    lam_s = _exact_or_symbol(lam, "lam")
    if (lam_s <= 0) == sympy.true or (lam_s >= 2) == sympy.true:
        raise InvalidArgument(f"lam={lam_s} must be in (0, 2)")
    B_s = _exact_or_symbol(B, "B", nonneg=True)
    return _rat(r_hat) / (1 - lam_s / 2) + B_s / (lam_s * (1 - lam_s / 2))


def fast_rate_lambda(r_hat: Any, B: Any) -> Any:
    """The minimising lam* = 2 / (sqrt(1 + 2 r_hat / B) + 1) of :func:`fast_rate_family` (B > 0).

    >>> print(fast_rate_lambda(0, Fraction(1, 8)))
    1
    >>> print(fast_rate_lambda(Fraction(3, 8), Fraction(1, 4)))
    2/3
    """
    import sympy

    r_hat = _prob(r_hat, "r_hat")
    B_s = _exact_or_symbol(B, "B", nonneg=True)
    if B_s == 0:
        raise InvalidArgument("B=0: the lambda-family has no minimiser (inf at lam -> 0)")
    return 2 / (sympy.sqrt(1 + 2 * _rat(r_hat) / B_s) + 1)


def fast_rate_bound(r_hat: Any, kl_div: Any, N: Any, delta: Any) -> Bound:
    """Fast-rate form (derived): r <= r_hat + B + sqrt(B^2 + 2 r_hat B), B = (KL +
    ln(2 sqrt(N)/delta))/N.

    Derived from the kl form with kl(q||p) >= (p - q)^2/(2p) for q < p (proofs/d1_2); it equals
    min over lam of :func:`fast_rate_family`, at :func:`fast_rate_lambda` (proofs/d1_5).

    >>> b = fast_rate_bound(0, 0, 100, Fraction(1, 2))      # 2B with B = ln(40)/100
    >>> b.value.certainly_above(Fraction(737, 10**4)), b.value.certainly_below(Fraction(738, 10**4))
    (True, True)
    """
    import sympy

    r_hat = _prob(r_hat, "r_hat")
    N = _samples(N)
    delta = _delta(delta)
    log_term = sympy.log(2 * sympy.sqrt(N) / _rat(delta))
    r = _rat(r_hat)

    def b_of(k: Any) -> Any:
        return (k + log_term) / N

    def f(k: Any) -> Any:
        B = b_of(k)
        return r + B + sympy.sqrt(B ** 2 + 2 * r * B)

    return _monotone("fast-rate", f, kl_div, _inputs(r_hat=r_hat, kl_div=kl_div, N=N,
                                                    delta=delta), b_of)


# --------------------------------------------------------------------------- multi-task

def _task_bits(task_bits: Any) -> list[Fraction]:
    if isinstance(task_bits, (str, bytes)) or not isinstance(task_bits, Sequence):
        raise InvalidArgumentType(f"task_bits={shown(task_bits)}; expected a sequence with one "
                                  "description length per task")
    if not task_bits:
        raise InvalidArgument("task_bits=[] is empty; expected one entry per task (n >= 1)")
    return [_nonneg(b, f"task_bits[{i}]") for i, b in enumerate(task_bits)]


def amortised_bits(shared_bits: Any, task_bits: Sequence[Any]) -> Fraction:
    """Per-task description length l(Q)/n + (1/n) sum_i l(alpha_i) (exact).

    >>> amortised_bits(1000, [10, 20, 30, 40])
    Fraction(275, 1)
    """
    shared = _nonneg(shared_bits, "shared_bits")
    bits = _task_bits(task_bits)
    return (shared + sum(bits)) / len(bits)


def multitask_occam_bound(r_hat: Any, shared_bits: Any, task_bits: Sequence[Any], m: Any,
                          delta: Any, *, tol: Any = DEFAULT_TOL) -> Bound:
    """Multi-task Occam bound on the average risk of n tasks, m samples each (companions §D.1).

    kl(r_hat || r) <= (l_tot ln 2 + ln(2 sqrt(n m)/delta)) / (n m), l_tot = l(Q) + sum_i
    l(alpha_i): the shared part is paid once, l(Q)/n per task. ``r_hat`` is the average
    empirical risk over all n m samples; r the average of the task risks (independent samples).

    >>> b = multitask_occam_bound(Fraction(1, 20), 8000, [100] * 50, 1000, Fraction(1, 20))
    >>> b.details["total_bits"], b.details["shared_bits_per_task"]
    ('13000', '160')
    >>> b.certainly_below(Fraction(3, 10))
    True
    """
    shared = _nonneg(shared_bits, "shared_bits")
    bits = _task_bits(task_bits)
    m = as_exact_int(m, "m", minimum=1)
    n = len(bits)
    total = shared + sum(bits)
    r_hat = _prob(r_hat, "r_hat")
    c = occam_complexity(total, n * m, delta)
    return _kl_form("multitask-occam", r_hat, c, c, tol,
                    _inputs(r_hat=r_hat, shared_bits=shared, n=n, m=m, delta=delta),
                    {"total_bits": str(total), "samples": str(n * m),
                     "shared_bits_per_task": str(shared / n),
                     "amortised_bits_per_task": str(total / n)})


def transfer_bound(r_hat: Any, task_bits: Any, m: Any, delta: Any, *,
                   tol: Any = DEFAULT_TOL) -> Bound:
    """Bound for a new task whose shared part Q was fixed before its m samples were seen:
    only l(alpha) is paid, kl(r_hat || r) <= (l(alpha) ln 2 + ln(2 sqrt(m)/delta)) / m.

    >>> t = transfer_bound(Fraction(1, 20), 100, 1000, Fraction(1, 20))
    >>> s = occam_bound(Fraction(1, 20), 8100, 1000, Fraction(1, 20))   # learning Q again
    >>> t.hi < s.lo, t.certainly_below(Fraction(1, 2)), s.certainly_below(Fraction(99, 100))
    (True, True, False)
    """
    r_hat = _prob(r_hat, "r_hat")
    c = occam_complexity(task_bits, m, delta)
    return _kl_form("transfer", r_hat, c, c, tol, _inputs(r_hat=r_hat, task_bits=task_bits,
                                                         m=m, delta=delta))


def joint_vs_separate(shared_bits: Any = 8000, task_bits: Sequence[Any] = (100,) * 20
                      ) -> list[JointSeparateReport]:
    """Description length of n tasks: shared bits paid once (joint) vs n times (separate).

    >>> r = joint_vs_separate(8000, [100] * 20)[0]
    >>> r.joint, r.separate, r.ratio
    (Fraction(10000, 1), Fraction(162000, 1), Fraction(5, 81))
    """
    shared = _nonneg(shared_bits, "shared_bits")
    bits = _task_bits(task_bits)
    n = len(bits)
    joint, separate = shared + sum(bits), n * shared + sum(bits)
    return [JointSeparateReport(
        "arXiv 2501.19067 (companions §D.1)",
        f"{n} tasks, l(Q) = {shared}, sum l(alpha_i) = {sum(bits)}",
        "description length (bits)", joint, separate,
        "l(Q) = 0 (nothing shared) or n = 1",
        notes="joint: l(Q) + sum l(alpha_i); separate: each task pays l(Q) again")]
