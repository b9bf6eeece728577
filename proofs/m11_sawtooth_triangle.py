"""M11 -- Sawtooth, triangle and Rademacher identities; the Gray link and its exceptional sets.

Statement   For every y in [0, 1) and m >= 0: |2 S_m(y) - 1| = 1 - Lambda^{o(m+1)}(y) and
            2 S_m(y) - 1 = -r_{m+1}(y) (1 - Lambda^{o(m+1)}(y)). For m >= 1 (Gray link):
            r_m r_{m+1} = 1 - 2 * 1[S_{m-1}(x) in [1/4, 3/4)] everywhere; the same equals
            1 - 2 * 1[Lambda^{o m}(x) > 1/2] except exactly at x in 2^-(m+1)(4Z + 1), and
            1 - 2 H(Lambda^{o m}(x) - 1/2) (H(0) = 1, i.e. ">=") except exactly at
            x in 2^-(m+1)(4Z + 3), each a set of 2^(m-1) points of [0, 1).
Check       exact Piecewise identities with exactmtl.equal: verdict "everywhere" for the first
            three, and verdict "except_finite" with the exceptional set equal to the stated set
            for the last two (indicators built with exactmtl.heaviside and an explicit H(0)).
Range       m <= 8 by default; m <= 12 with --full.
Falsifier   the two exceptional sets swapped (4Z + 3 claimed for ">"); the triangle order off by
            one (Lambda^{o m} in place of Lambda^{o(m+1)}).
Source      arXiv 2606.16028, reference construction: main construction §2.5 (identities, Gray
            link) (docs/main_construction.md); conventions §A.3 (docs/conventions.md).
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import Piecewise, equal, heaviside, rademacher, sawtooth, triangle
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("M11", "sawtooth-triangle-Rademacher identities and the Gray link")

_Q, _H, _TQ = Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)


def _tri(k: int) -> Piecewise:
    return triangle(k).restrict(0, 1)


def _points(m: int, residue: int) -> frozenset:
    return frozenset(Fraction(4 * z + residue, 2 ** (m + 1)) for z in range(2 ** (m - 1)))


def _check_sawtooth(m: int, order: int) -> None:
    c = 2 * sawtooth(m) - 1
    v = equal(abs(c), 1 - _tri(order))
    expect(v.verdict == "everywhere", f"|2 S_m - 1| != 1 - Lambda^(m+1): {v}", m=m)
    v = equal(c, -rademacher(m + 1) * (1 - _tri(order)))
    expect(v.verdict == "everywhere", f"2 S_m - 1 != -r_(m+1)(1 - Lambda^(m+1)): {v}", m=m)


def _check_gray(m: int, greater_residue: int, geq_residue: int) -> None:
    rr = rademacher(m) * rademacher(m + 1)
    s = sawtooth(m - 1)
    ind = heaviside(s - _Q, 1) - heaviside(s - _TQ, 1)  # 1[S in [1/4, 3/4)]
    v = equal(rr, 1 - 2 * ind)
    expect(v.verdict == "everywhere", f"Gray link via S_(m-1): {v}", m=m)
    tri = _tri(m)
    greater = 1 - heaviside(_H - tri, 1)  # 1[Lambda > 1/2]
    v = equal(rr, 1 - 2 * greater)
    expect_equal(v.verdict, "except_finite", "Gray link via Lambda > 1/2", m=m)
    expect_equal(v.exceptions, _points(m, greater_residue), "exceptions of '>'", m=m)
    geq = heaviside(tri - _H, 1)  # H(Lambda - 1/2), H(0) = 1
    v = equal(rr, 1 - 2 * geq)
    expect_equal(v.verdict, "except_finite", "Gray link via H(Lambda - 1/2)", m=m)
    expect_equal(v.exceptions, _points(m, geq_residue), "exceptions of '>='", m=m)
    expect_equal(len(v.exceptions), 2 ** (m - 1), "size of the exceptional set", m=m)


def check_sawtooth_triangle(full: bool = False) -> dict:
    top = 12 if full else 8
    for m in range(top + 1):
        _check_sawtooth(m, m + 1)
    return {"m": f"0..{top}"}


def check_gray_link(full: bool = False) -> dict:
    top = 12 if full else 8
    for m in range(1, top + 1):
        _check_gray(m, 1, 3)
    return {"m": f"1..{top}", "exceptions": {">": "2^-(m+1)(4Z+1)", ">=": "2^-(m+1)(4Z+3)"}}


def falsify_swapped_exception_sets() -> None:
    _check_gray(3, 3, 1)


def falsify_triangle_order() -> None:
    _check_sawtooth(3, 3)
