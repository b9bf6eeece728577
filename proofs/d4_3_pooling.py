"""D4.3 -- pooling: max(A, B) <= lambda+ <= A + B, equal to max iff q s_a s_b = 0.

Statement   With A = s_a^2, B = s_b^2 and |q| <= 1: lambda+ >= max(A, B) with equality iff
            A B q^2 = 0 (orthogonal teachers gain nothing from joint training), and
            lambda+ <= A + B with equality iff q^2 = 1 or A B = 0 (full pooling for identical
            directions) -- the D.4 instance of companions §D.5.
Check       exact: with R = sqrt(D), D = (A - B)^2 + 4 A B q^2, lambda+ - max(A, B) =
            (R - |A - B|)/2 and R^2 - (A - B)^2 = 4 A B q^2 >= 0 (both roots >= 0, so the sign of
            R - |A - B| is that of 4 A B q^2); A + B - lambda+ = (A + B - R)/2 and
            (A + B)^2 - R^2 = 4 A B (1 - q^2) >= 0. Polynomial identities by expansion; then a grid
            of rational (s_a, s_b, q) through compare_top_eigenvalue and exact_sign.
Range       symbolic, plus s_a, s_b in {0, 1/2, 1, 2, 3}, q in {-1, -1/2, 0, 1/3, 3/5, 1}.
Falsifier   the claim "lambda+ = max(A, B) at q = 1/2" (equality condition without q = 0) fails.
Source      companions §D.4, §D.5 (docs/companions.md); arXiv 1910.13593.
Provenance  derived
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from exactmtl.companions.statphys import two_task_top_eigenvalue
from exactmtl.jointsep import exact_sign
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("D4.3", "pooling bounds: max(A, B) <= lambda+ <= A + B")


def _check(sa: Fraction, sb: Fraction, q: Fraction, claim_equal_max: bool) -> None:
    A, B = sa * sa, sb * sb
    lam = two_task_top_eigenvalue(sa, sb, q)
    lo = exact_sign(lam - max(A, B))
    hi = exact_sign(A + B - lam)
    expect(lo >= 0 and hi >= 0, "lambda+ outside [max(A, B), A + B]", sa=sa, sb=sb, q=q)
    expect_equal(lo == 0, claim_equal_max, "equality with max(A, B)", sa=sa, sb=sb, q=q)
    expect_equal(hi == 0, q * q == 1 or A * B == 0, "equality with A + B", sa=sa, sb=sb, q=q)


def check_identities() -> dict:
    A, B, q = sympy.symbols("A B q", real=True)
    D = (A - B) ** 2 + 4 * A * B * q ** 2
    expect_equal(sympy.expand(D - (A - B) ** 2 - 4 * A * B * q ** 2), 0)
    expect_equal(sympy.expand((A + B) ** 2 - D - 4 * A * B * (1 - q ** 2)), 0)
    return {"identities": 2}


def check_grid() -> dict:
    F = Fraction
    strengths = [F(0), F(1, 2), F(1), F(2), F(3)]
    overlaps = [F(-1), F(-1, 2), F(0), F(1, 3), F(3, 5), F(1)]
    n = 0
    for sa in strengths:
        for sb in strengths:
            for q in overlaps:
                _check(sa, sb, q, claim_equal_max=(sa * sb * q == 0))
                n += 1
    return {"cases": n}


def falsify_equal_without_orthogonality() -> None:
    _check(Fraction(2), Fraction(1), Fraction(1, 2), claim_equal_max=True)
