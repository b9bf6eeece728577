"""M18 -- the triangle-wave form of the heads: g_{m,k} = -pal_{k+2^m} (1 - Lambda^(m+1)).

Statement   For m >= 0 and 0 <= k < 2^m, g_{m,k} = pal_k (2 S_m - 1) equals
            -pal_{k+2^m} (1 - Lambda^{o(m+1)}) at every point of [0, 1) (no exceptional point):
            a Walsh function times a shifted triangle wave. (From 2 S_m - 1 =
            -r_{m+1} (1 - Lambda^{o(m+1)}) and pal_{k+2^m} = pal_k r_{m+1}.)
Check       exactmtl.equal on the exact Piecewise functions (canonical knots and pieces: an
            identity everywhere, the report must list no exceptional point), built from
            exactmtl.bases (walsh, sawtooth, triangle) on one side and
            exactmtl.construction.sawtooth_walsh on the other; in addition the values at every
            x in D_{m+4} are compared pointwise (m <= 5).
Range       every k < 2^m for m <= 5 (63 identities); --full: m <= 8 (511 identities).
Falsifier   k + 2^m replaced by k (the Walsh factor without r_{m+1}); the triangle wave of
            order m instead of m + 1.
Source      arXiv 2606.16028, reference construction: main construction §2.7 (triangle-wave
            form), §2.5 (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import equal, sawtooth_walsh, triangle, walsh
from exactmtl.proofcheck import Claim, cases, expect, expect_equal, progress

CLAIM = Claim("M18", "g_{m,k} = -pal_{k+2^m} (1 - Lambda^(m+1)) everywhere")


def triangle_form(m: int, k: int, index_shift: bool = True, order_shift: int = 1):
    """-pal_{k + 2^m} (1 - Lambda^{o(m + order_shift)}) (the falsifiers change the defaults)."""
    idx = k + 2 ** m if index_shift else k
    return -(walsh(idx) * (1 - triangle(m + order_shift)))


def _check(m: int, k: int, rhs) -> None:
    lhs = sawtooth_walsh(m, k)
    verdict = equal(lhs, rhs)
    expect(bool(verdict), f"g_(m,k) != triangle form: {verdict}", m=m, k=k)
    expect_equal(verdict.exceptions, frozenset(), "exceptional points", m=m, k=k)
    if m > 5:  # the identity above is already exact everywhere; the sample is a cross-check
        return
    level = m + 4
    for a in range(2 ** level):
        x = Fraction(a, 2 ** level)
        expect_equal(lhs(x), rhs(x), "pointwise on D_(m+4)", m=m, k=k, x=x)


@cases(lambda full: range((8 if full else 5) + 1), weight=lambda m: 16 / 2 ** (8 - m),
       merge=lambda ms, _: {"m": f"0..{ms[-1]}", "identities": 2 ** (ms[-1] + 1) - 1})
def check_triangle_form(m: int) -> None:
    for k in progress(range(2 ** m), f"m={m}"):
        _check(m, k, triangle_form(m, k))


def falsify_index_without_shift() -> None:
    for m in range(3):
        for k in range(2 ** m):
            _check(m, k, triangle_form(m, k, index_shift=False))


def falsify_triangle_order_off_by_one() -> None:
    for m in range(1, 3):
        for k in range(2 ** m):
            _check(m, k, triangle_form(m, k, order_shift=0))
