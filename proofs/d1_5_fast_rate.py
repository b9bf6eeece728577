"""D1.5 -- the fast-rate form r_hat + B + sqrt(B^2 + 2 r_hat B) and its optimal lambda (derived).

Statement   (derived) For B > 0, r >= 0 the family f(lam) = r / (1 - lam/2) + B / (lam (1 - lam/2)),
            0 < lam < 2, has its unique minimum at lam* = 2 / (sqrt(1 + 2 r / B) + 1), with value
            f(lam*) = r + B + sqrt(B^2 + 2 r B). The same value is the larger root of
            (p - r)^2 = 2 p B, i.e. what kl(r||p) <= B gives through kl(r||p) >= (p - r)^2/(2p)
            (D1.2): the closed form follows from the kl bound directly, with no union bound over
            lam.
Check       Symbolic, in canonical form (sympy.cancel of rational functions): with
            s = sqrt(1 + 2 r / B) > 1, i.e. r = B (s^2 - 1)/2, lam* = 2/(s + 1), and
            f(lam) - f(lam*) = (f*/2)(lam - lam*)^2 / (lam (1 - lam/2)) identically
            (so lam* is the global minimiser on (0, 2)); f* = B (s + 1)^2 / 2 = r + B + B s. The
            root property (p - r)^2 - 2 p B = 0 at p = f* by the same substitution. Instances:
            for rational (r, B) the certified f(lam) at rational lam on both sides of lam* is
            > f(lam*) (certify), f(lam*) equals the closed form (certify: minimal polynomial of the
            difference), and fast_rate_bound's enclosure is tight with lam* in (0, 2).
Range       symbolic in (s, B, lam); 9 rational instances x 4 neighbours.
Falsifier   lam = 1/(s + 1) leaves a nonzero remainder in the identity.
Source      companions §D.1 (fast-rate form, derived) (docs/companions.md); arXiv 2501.19067;
            cf. Thiemann et al. (2017), PAC-Bayes-lambda.
Provenance  derived
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from exactmtl.certified import certify, enclose
from exactmtl.companions.pacbayes import (
    fast_rate_bound,
    fast_rate_family,
    fast_rate_lambda,
)
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("D1.5", "fast-rate closed form is the lambda-family optimum")

S, B, LAM = sympy.symbols("s B lam", positive=True)


def _check_symbolic(lam_star) -> None:
    r = B * (S**2 - 1) / 2
    f = r / (1 - LAM / 2) + B / (LAM * (1 - LAM / 2))
    f_star = sympy.cancel(f.subs(LAM, lam_star))
    expect_equal(sympy.cancel(f_star - B * (S + 1) ** 2 / 2), 0, "f(lam*) != B (s+1)^2/2")
    expect_equal(sympy.cancel(f_star - (r + B + B * S)), 0, "f(lam*) != r + B + sqrt(..)")
    square = f_star / 2 * (LAM - lam_star) ** 2 / (LAM * (1 - LAM / 2))
    expect_equal(sympy.cancel(f - f_star - square), 0, "f - f* is not a square form",
                 lam_star=lam_star)
    expect_equal(sympy.cancel((f_star - r) ** 2 - 2 * f_star * B), 0, "not a root")


def check_symbolic() -> dict:
    _check_symbolic(2 / (S + 1))
    return {"identity": "f(lam) - f* = (f*/2)(lam - lam*)^2 / (lam (1 - lam/2))"}


def check_instances() -> dict:
    count = 0
    for r in (Fraction(0), Fraction(1, 10), Fraction(3, 8)):
        for b in (Fraction(1, 50), Fraction(1, 4), Fraction(2)):
            lam = fast_rate_lambda(r, b)
            best = fast_rate_family(r, b, lam)
            approx = sympy.nsimplify(lam.evalf(40), rational=True)   # a rational near lam*
            for eps in (Fraction(1, 10), Fraction(1, 1000), Fraction(-1, 1000),
                        Fraction(-1, 10)):
                other = approx + sympy.Rational(eps.numerator, eps.denominator)
                if 0 < other < 2:
                    expect(certify(fast_rate_family(r, b, other), ">", best).proved,
                           "a neighbour beats lam*", r=r, B=b, lam=other)
                    count += 1
            closed = sympy.Rational(r) + sympy.Rational(b) + sympy.sqrt(
                sympy.Rational(b) ** 2 + 2 * sympy.Rational(r) * sympy.Rational(b))
            same = certify(best, "<=", closed)  # equality: decided by the minimal polynomial
            expect(same.proved and same.method in ("minimal polynomial", "exact rational"),
                   "f(lam*) != closed form", r=r, B=b, method=same.method)
    bound = fast_rate_bound(Fraction(1, 10), 5, 1000, Fraction(1, 20))
    lam_b = fast_rate_lambda(Fraction(1, 10), bound.complexity.mid)
    expect(bound.value.width < Fraction(1, 10**30), "fast-rate enclosure too wide")
    expect(0 < enclose(lam_b, 64).lo and enclose(lam_b, 64).hi < 2, "lam* outside (0, 2)")
    return {"neighbour comparisons": count}


def falsify_wrong_lambda() -> None:
    _check_symbolic(1 / (S + 1))
