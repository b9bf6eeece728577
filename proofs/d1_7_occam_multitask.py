"""D1.7 -- the Occam/compression bound and its multi-task form (shared bits paid once).

Statement   For a hypothesis with an l-bit prefix-free description, r <= kl^-1(r_hat, c) with
            c = (l ln 2 + ln(2 sqrt(N)/delta)) / N (Occam/compression bound). For n tasks with m
            samples each, a shared part Q of l(Q) bits and task parts alpha_i of l(alpha_i) bits,
            the average risk obeys the same bound with l_tot = l(Q) + sum_i l(alpha_i) and
            N = n m: multitask_occam_bound is exactly occam_bound(r_hat, l_tot, n m, delta), the
            shared part costs l(Q)/n per task, and with fixed per-task bits the certified bound
            decreases strictly as n grows, below the bound of one task learning Q alone.
Check       For 12 rational inputs, occam_bound's enclosure [lo, hi] contains the kl-inverse
            computed independently (mpmath, 50 digits, bisection on kl(r_hat||p) = c with c from
            mpmath logs); multitask_occam_bound has the identical enclosure as occam_bound with
            (l_tot, n m); details (total bits, per-task shared bits) are exact; for
            l(Q) = 8000, l(alpha) = 100, m = 1000: hi(n') < lo(n) for n < n' in 1, 5, 20, 100.
Range       the inputs above (a few seconds).
Falsifier   c computed with ln(sqrt(N)/delta) (the factor 2 dropped): the independent value falls
            outside the certified enclosure (rejected).
Source      companions §D.1 (docs/companions.md); arXiv 2501.19067, Occam/compression bound
            and its multi-task form
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from exactmtl.companions.pacbayes import multitask_occam_bound, occam_bound
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("D1.7", "Occam bound and multi-task Occam bound (shared bits paid once)")

CASES = [(Fraction(0), 0, 100, Fraction(1, 2)), (Fraction(1, 10), 500, 10000, Fraction(1, 100)),
         (Fraction(1, 20), 13000, 50000, Fraction(1, 20)),
         (Fraction(1, 3), 10, 50, Fraction(1, 10)),
         (Fraction(1, 2), 0, 1, Fraction(1, 2)), (Fraction(9, 10), 40, 400, Fraction(1, 5)),
         (Fraction(0), 1000, 2000, Fraction(1, 1000)), (Fraction(1, 7), 77, 777, Fraction(1, 7)),
         (Fraction(3, 100), 2000, 100000, Fraction(1, 50)), (Fraction(1), 5, 10, Fraction(1, 2)),
         (Fraction(1, 4), 1, 3, Fraction(1, 3)), (Fraction(2, 5), 250, 5000, Fraction(1, 20))]


def _kl_inverse_mpmath(q: Fraction, c) -> mpmath.mpf:
    qq = mpmath.mpf(q.numerator) / q.denominator

    def kl(p):
        out = mpmath.mpf(0)
        if qq > 0:
            out += qq * mpmath.log(qq / p)
        if qq < 1:
            out += (1 - qq) * mpmath.log((1 - qq) / (1 - p))
        return out

    lo, hi = qq, mpmath.mpf(1)
    if qq == 1 or kl(1 - mpmath.mpf(10) ** -45) <= c:
        return mpmath.mpf(1)
    for _ in range(170):
        mid = (lo + hi) / 2
        if kl(mid) <= c:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _check_case(r_hat, bits, N, delta, two: int = 2) -> None:
    b = occam_bound(r_hat, bits, N, delta)
    with mpmath.workdps(50):
        c = (bits * mpmath.log(2) + mpmath.log(two * mpmath.sqrt(N) * delta.denominator
                                               / delta.numerator)) / N
        p = _kl_inverse_mpmath(r_hat, c)
        lo = mpmath.mpf(b.lo.numerator) / b.lo.denominator
        hi = mpmath.mpf(b.hi.numerator) / b.hi.denominator
        slack = mpmath.mpf(10) ** -40
        expect(lo - slack <= p <= hi + slack, "independent kl-inverse outside the enclosure",
               r_hat=r_hat, bits=bits, N=N, delta=delta, value=mpmath.nstr(p, 20))


def check_occam_enclosures() -> dict:
    for case in CASES:
        _check_case(*case)
    return {"cases": len(CASES)}


def check_multitask_is_occam_on_pooled_samples() -> dict:
    d = Fraction(1, 20)
    out = {}
    last = None
    for n in (1, 5, 20, 100):
        mt = multitask_occam_bound(Fraction(1, 20), 8000, [100] * n, 1000, d)
        same = occam_bound(Fraction(1, 20), 8000 + 100 * n, n * 1000, d)
        expect_equal((mt.lo, mt.hi), (same.lo, same.hi), "multi-task != pooled Occam", n=n)
        expect_equal(mt.details["total_bits"], str(8000 + 100 * n), "total bits", n=n)
        expect_equal(Fraction(mt.details["shared_bits_per_task"]), Fraction(8000, n),
                     "l(Q)/n", n=n)
        if last is not None:
            expect(mt.hi < last.lo, "bound does not decrease with n", n=n)
        last = mt
        out[f"n={n}"] = str(mt.hi)
    alone = occam_bound(Fraction(1, 20), 8100, 1000, d)
    expect(last.hi < alone.lo, "100 tasks not below one task learning Q alone")
    return out


def falsify_missing_factor_two() -> None:
    _check_case(Fraction(1, 10), 500, 10000, Fraction(1, 100), two=1)
