"""D1.8 -- the Catoni and McAllester PAC-Bayes forms, certified, against independent evaluation.

Statement   McAllester (Maurer's constant): r <= r_hat + sqrt((KL + ln(2 sqrt(N)/delta)) / (2N));
            Catoni at fixed C > 0: r <= (1 - exp(-C r_hat - (KL + ln(1/delta))/N)) / (1 - e^-C).
            catoni_bound and mcallester_bound return certified enclosures of these values; by
            Pinsker (kl(q||p) >= 2 (p - q)^2) McAllester is never below the Maurer-Seeger
            kl-bound with the 2 sqrt(N) constant, and both bounds increase with KL.
Check       For 10 rational inputs (and C in {1/2, 1, 2}), the enclosures contain the values
            computed independently with mpmath at 50 digits; seeger_bound(xi = "2sqrt").hi <=
            mcallester_bound.hi + 2^-60; KL -> KL + 1 raises both lower ends above the old
            upper ends.
Range       the inputs above (under a second).
Falsifier   McAllester with 1/N instead of 1/(2N) under the root: outside the enclosure
            (rejected).
Source      companions §D.1 (docs/companions.md); arXiv 2501.19067, PAC-Bayes forms used for
            the amortised bounds;
            McAllester (1999), Catoni (2007), Maurer (2004)
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from exactmtl.companions.pacbayes import catoni_bound, mcallester_bound, seeger_bound
from exactmtl.proofcheck import Claim, expect

CLAIM = Claim("D1.8", "Catoni and McAllester forms: certified enclosures, Pinsker order")

CASES = [(Fraction(1, 10), 5, 1000, Fraction(1, 20)), (Fraction(0), 0, 100, Fraction(1, 2)),
         (Fraction(1, 3), 20, 300, Fraction(1, 10)), (Fraction(1, 2), 1, 10, Fraction(1, 3)),
         (Fraction(3, 100), 100, 20000, Fraction(1, 100)), (Fraction(9, 10), 2, 50, Fraction(1, 5)),
         (Fraction(1, 7), 7, 77, Fraction(1, 7)), (Fraction(0), 50, 5000, Fraction(1, 1000)),
         (Fraction(1, 4), Fraction(3, 2), 40, Fraction(1, 4)), (Fraction(1), 3, 30, Fraction(1, 2))]


def _mp(q: Fraction):
    return mpmath.mpf(q.numerator) / q.denominator


def _inside(value, bound, **case) -> None:
    slack = mpmath.mpf(10) ** -40
    expect(_mp(bound.lo) - slack <= value <= _mp(bound.hi) + slack,
           "independent value outside the certified enclosure", value=mpmath.nstr(value, 20),
           lo=bound.lo, hi=bound.hi, **case)


def _check_mcallester(r, kl, N, d, denominator: int = 2) -> None:
    with mpmath.workdps(50):
        v = _mp(r) + mpmath.sqrt((_mp(Fraction(kl)) + mpmath.log(2 * mpmath.sqrt(N) / _mp(d)))
                                 / (denominator * N))
        _inside(v, mcallester_bound(r, kl, N, d), form="mcallester", r=r, kl=kl, N=N)


def check_mcallester() -> dict:
    for r, kl, N, d in CASES:
        _check_mcallester(r, kl, N, d)
        m = mcallester_bound(r, kl, N, d)
        s = seeger_bound(r, kl, N, d, xi="2sqrt")
        expect(s.hi <= m.hi + Fraction(1, 2 ** 60), "Seeger above McAllester (Pinsker)", r=r,
               kl=kl, N=N)
        expect(mcallester_bound(r, Fraction(kl) + 1, N, d).lo > m.hi, "not increasing in KL",
               r=r, kl=kl, N=N)
    return {"cases": len(CASES)}


def check_catoni() -> dict:
    count = 0
    for r, kl, N, d in CASES:
        for C in (Fraction(1, 2), Fraction(1), Fraction(2)):
            b = catoni_bound(r, kl, N, d, C=C)
            with mpmath.workdps(50):
                v = (1 - mpmath.exp(-_mp(C) * _mp(r) - (_mp(Fraction(kl)) + mpmath.log(1 / _mp(d)))
                                    / N)) / (1 - mpmath.exp(-_mp(C)))
                _inside(v, b, form="catoni", r=r, kl=kl, N=N, C=C)
            expect(catoni_bound(r, Fraction(kl) + 1, N, d, C=C).lo > b.hi,
                   "Catoni not increasing in KL", r=r, kl=kl, N=N, C=C)
            count += 1
    return {"cases": count}


def falsify_mcallester_without_two() -> None:
    _check_mcallester(*CASES[0], denominator=1)
