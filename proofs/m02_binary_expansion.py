"""M2 -- The Rademacher expansion of x with an exact remainder.

Statement   For every q >= 0 and every x in [0, 1):
            x = 1/2 - sum_{i=1}^{q} 2^-(i+1) r_i(x) - 2^-q (1/2 - S_q(x)),
            with S_q(x) = frac(2^q x); as q -> oo, x = 1/2 - sum_i 2^-(i+1) r_i(x) for
            non-dyadic x.
Check       the right-hand side is built as an exact Piecewise from exactmtl.rademacher and
            exactmtl.sawtooth and compared with the identity by exactmtl.equal (verdict
            "everywhere": no exceptional point), and evaluated at every x in D_{q+2}.
Range       q <= 8 (q <= 12 with --full).
Falsifier   the coefficient of r_2 doubled (2^-2 instead of 2^-3); the remainder term dropped.
Source      arXiv 2606.16028, reference construction: main construction §2.2 (binary expansion)
            (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import Piecewise, equal, rademacher, sawtooth
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("M2", "Rademacher expansion of x with exact remainder")


def _rhs(q: int, coeff=lambda i: Fraction(1, 2 ** (i + 1)), remainder: bool = True) -> Piecewise:
    f = Piecewise.constant(Fraction(1, 2))
    for i in range(1, q + 1):
        f = f - rademacher(i) * coeff(i)
    if remainder:
        f = f - (Fraction(1, 2) - sawtooth(q)) * Fraction(1, 2 ** q)
    return f


def _check(q: int, rhs: Piecewise) -> None:
    verdict = equal(rhs, Piecewise.identity())
    expect(verdict.verdict == "everywhere", f"expansion != x: {verdict}", q=q)
    top = 1 << (q + 2)
    for a in range(top):
        x = Fraction(a, top)
        expect_equal(rhs(x), x, "pointwise on D_{q+2}", q=q, x=x)


def check_expansion(full: bool = False) -> dict:
    top = 12 if full else 8
    for q in range(top + 1):
        _check(q, _rhs(q))
    return {"q": f"0..{top}", "verdict": "everywhere"}


def falsify_doubled_coefficient() -> None:
    _check(4, _rhs(4, coeff=lambda i: Fraction(1, 2 ** i) if i == 2 else Fraction(1, 2 ** (i + 1))))


def falsify_no_remainder() -> None:
    _check(4, _rhs(4, remainder=False))
