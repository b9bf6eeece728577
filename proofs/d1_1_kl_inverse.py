"""D1.1 -- the certified kl-inverse: feasibility, kl^-1(q, 0) = q, kl^-1(0, c) = 1 - e^-c, monotone.

Statement   kl^-1(q, c) = sup{p in [q, 1] : kl(q||p) <= c} satisfies kl(q||kl^-1(q, c)) <= c
            (with equality for c > 0, q < 1), kl^-1(q, 0) = q, kl^-1(0, c) = 1 - e^-c,
            kl^-1(1, c) = 1, and c -> kl^-1(q, c) is strictly increasing (companions §D.1).
Check       For the enclosure [lo, hi] returned by kl_inverse: kl(q||lo) <= c and kl(q||hi) > c
            (unless hi = 1), both by certified ball enclosures of kl (exact Fraction
            comparisons of the dyadic endpoints with c), and hi - lo <= 2^-40 (2^-200 where two
            inverses are within 2^-40 of each other, next to 1). The closed form
            1 - e^-c is certified inside [lo, hi] (certify, two relations). Monotonicity: for
            c_1 < c_2 on the grid, hi(c_1) < lo(c_2). Exact points q and 1 by equality.
Range       q in {a/8}, c in {1/64, 1/8, 1/2, 1, 3}: 45 inverses by default; q in {a/32} with
            --full.
Falsifier   the enclosure of kl^-1(q, c/2) offered as kl^-1(q, c) violates kl(q||hi) > c; the
            closed form 1 - e^-(2c) is not inside the enclosure of kl^-1(0, c).
Source      companions §D.1 (docs/companions.md); arXiv 2501.19067 (kl form of the bound);
            Seeger (2002), Maurer (2004).
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from exactmtl.certified import Enclosure, certify
from exactmtl.companions.pacbayes import kl, kl_inverse
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("D1.1", "certified kl-inverse properties")

BUDGETS = (Fraction(1, 64), Fraction(1, 8), Fraction(1, 2), Fraction(1), Fraction(3))


def _check_inverse(q: Fraction, c: Fraction, enc: Enclosure) -> None:
    expect(enc.lo >= q and enc.hi <= 1, "enclosure outside [q, 1]", q=q, c=c)
    expect(kl(q, enc.lo).hi <= c, "kl(q||lo) <= c not certified", q=q, c=c, lo=enc.lo)
    if enc.hi < 1:
        expect(kl(q, enc.hi).lo > c, "kl(q||hi) > c not certified", q=q, c=c, hi=enc.hi)


def check_feasible_and_tight(full: bool = False) -> dict:
    den = 32 if full else 8
    count = 0
    for a in progress(range(den), "q"):
        q = Fraction(a, den)
        prev = None
        for c in BUDGETS:
            enc = kl_inverse(q, c)
            _check_inverse(q, c, enc)
            expect(enc.width <= Fraction(1, 2**40), "enclosure too wide", q=q, c=c)
            if prev is not None and prev[1].hi >= enc.lo:  # resolve near 1: finer tolerance
                fine = Fraction(1, 2**200)
                prev = (prev[0], kl_inverse(q, prev[0], tol=fine))
                enc_fine = kl_inverse(q, c, tol=fine)
                _check_inverse(q, c, enc_fine)
                expect(prev[1].hi < enc_fine.lo, "kl^-1 not increasing in c", q=q, c=c)
            prev = (c, enc)
            count += 1
    return {"inverses": count, "width <=": "2^-40"}


def check_exact_cases() -> dict:
    for a in range(9):
        q = Fraction(a, 8)
        expect_equal(kl_inverse(q, 0), Enclosure(q, q), "kl^-1(q, 0) = q", q=q)
    for c in BUDGETS:
        expect_equal(kl_inverse(1, c), Enclosure(1, 1), "kl^-1(1, c) = 1", c=c)
    return {"kl^-1(q,0)": "q", "kl^-1(1,c)": "1"}


def _check_q_zero(c: Fraction, closed_form) -> list[dict]:
    enc = kl_inverse(0, c)
    above = certify(closed_form, ">=", enc.lo)
    below = certify(closed_form, "<=", enc.hi)
    expect(above.proved, "closed form below lo", c=c)
    expect(below.proved, "closed form above hi", c=c)
    return [above.to_json(), below.to_json()]


def check_q_zero_closed_form() -> dict:
    certificates = []
    for c in BUDGETS:
        certificates += _check_q_zero(c, 1 - sympy.exp(-sympy.Rational(c.numerator,
                                                                       c.denominator)))
    return {"kl^-1(0,c)": "1 - exp(-c)", "budgets": len(BUDGETS),
            "certificates": certificates}


def falsify_half_budget() -> None:
    q, c = Fraction(1, 4), Fraction(1, 2)
    _check_inverse(q, c, kl_inverse(q, c / 2))


def falsify_wrong_closed_form() -> None:
    _check_q_zero(Fraction(1, 2), 1 - sympy.exp(-1))
