"""M4 -- Paley-ordered Walsh functions form a group under multiplication and are orthonormal.

Statement   pal_a pal_b = pal_{a XOR b} and <pal_a, pal_b> = delta_ab; pal_k is constant on the
            level-m cells whenever k < 2^m; pal_n = prod_i r_{i+1}^{n_i}.
Check       for all a, b < 2^M: the exact Piecewise product pal_a pal_b equals pal_{a XOR b}
            (canonical forms, so equality is exact everywhere); the exact Gram matrix is I; the
            Rademacher-product definition; the knots of pal_k lie on the level-m grid.
Range       M = 5 (1024 pairs) by default; M = 6 with --full.
Falsifier   pal_5 with one sign flipped (on the level-3 cell 2): the group law is rejected.
Source      arXiv 2606.16028 (framework); main construction §2.4 (docs/main_construction.md);
            conventions §A.6 (docs/conventions.md); Paley (1932).
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from exactmtl import Piecewise, gram, rademacher, walsh
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("M4", "Paley Walsh group law and orthonormality")


def _check(top: int, pal: list[Piecewise]) -> dict:
    size = 2 ** top
    for a in range(size):
        prod = Piecewise.constant(1)
        for i in range(top):
            if (a >> i) & 1:
                prod = prod * rademacher(i + 1)
        expect_equal(pal[a], prod, "pal_a != prod r_(i+1)^(a_i)", a=a)
        m = a.bit_length()
        expect(all((t * 2 ** m).denominator == 1 for t in pal[a].knots),
               "pal_k not constant on the level-m cells", k=a, m=m)
    for a in progress(range(size), "group law"):
        for b in range(size):
            expect_equal(pal[a] * pal[b], pal[a ^ b], "pal_a pal_b != pal_(a xor b)", a=a, b=b)
    expect_equal(gram(pal), sympy.eye(size), "Gram != I", M=top)
    return {"M": top, "pairs": size * size}


def check_group_and_orthonormality(full: bool = False) -> dict:
    top = 6 if full else 5
    return _check(top, [walsh(a) for a in range(2 ** top)])


def falsify_flipped_sign() -> None:
    pal = [walsh(a) for a in range(8)]
    vals = [pal[5](Fraction(c, 8)) for c in range(8)]
    vals[2] = -vals[2]
    pal[5] = Piecewise.on_grid(vals)
    _check(3, pal)
