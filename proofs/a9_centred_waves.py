"""A9 -- centred triangle waves are orthogonal with squared norm 1/12.

Statement   c_k = T^k - 1/2 (k >= 1) satisfy <c_k, c_l> = delta_kl / 12.
Check       exact integrals of products of piecewise-linear functions (degree-2 pieces,
            integrated exactly): the Gram matrix of c_1..c_K is I/12.
Range       K = 10 by default, K = 13 with --full.
Falsifier   uncentred waves T^k: the Gram matrix has 1/3 on the diagonal and 1/4 off it.
Source      conventions §A.7 (docs/conventions.md); main construction §2.5
            (docs/main_construction.md).
Provenance  derived
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from exactmtl import gram, triangle
from exactmtl.proofcheck import Claim, expect_equal

CLAIM = Claim("A9", "centred triangle waves: orthogonal, norm^2 1/12")


def _check_gram(waves: list) -> None:
    expect_equal(gram(waves), sympy.eye(len(waves)) / 12, "Gram matrix is not I/12",
                 K=len(waves))


def check_gram(full: bool = False) -> dict:
    top = 13 if full else 10
    _check_gram([triangle(k) - Fraction(1, 2) for k in range(1, top + 1)])
    return {"K": top, "gram": "I/12"}


def falsify_uncentred() -> None:
    _check_gram([triangle(k) for k in range(1, 5)])
