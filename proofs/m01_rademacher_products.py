"""M1 -- Rademacher functions are the signs of the binary digits; their products have mean [A = {}].

Statement   r_i(x) = (-1)^{x_i(x)} with x_i(x) = floor(2^i x) mod 2 for every x in [0, 1), and
            for every finite A subset of {1, 2, ...}: integral of prod_{i in A} r_i = [A empty].
            Hence <r_i, r_j> = delta_ij and the r_i are i.i.d. +-1 under Lebesgue measure.
Check       (1) the library's r_i (exactmtl.rademacher) evaluated at every x in D_{q+2} equals
            (-1)^{digit i of x} computed by integer arithmetic, i <= q; (2) every subset A of
            {1..q}: the integral of prod r_i by exact cell integration on the level-q grid (the
            r_i are read off the Piecewise knots and values, the product is an integer vector).
Range       q <= 10 (all 1024 subsets of {1..10}); q <= 14 with --full.
Falsifier   r_3 with the value on one level-3 cell flipped: the digit identity and the product
            integrals are both rejected.
Source      arXiv 2606.16028 (framework); main construction §2.2 (docs/main_construction.md);
            conventions §A.4 (docs/conventions.md); standard.
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from exactmtl import Piecewise, rademacher
from exactmtl.proofcheck import Claim, expect_equal, progress

CLAIM = Claim("M1", "Rademacher functions are digit signs; products have mean [A empty]")


def _cells(f: Piecewise, level: int) -> np.ndarray:
    """The value of a step function on each level-``level`` cell (its knots lie on the grid)."""
    size = 1 << level
    starts = [int(t * size) for t in f.knots]
    expect_equal([Fraction(s, size) for s in starts], list(f.knots), "knots off the grid",
                 level=level)
    return np.repeat(np.array([int(v) for v in f.values[:f.pieces]], dtype=np.int64),
                     np.diff(starts))


def _check(q: int, rs: list[Piecewise]) -> dict:
    """``rs[i - 1]`` plays r_i, i = 1..q."""
    top = 1 << (q + 2)
    for i, r in enumerate(rs, 1):
        got = [r(Fraction(a, top)) for a in range(top)]
        want = [1 - 2 * ((a >> (q + 2 - i)) & 1) for a in range(top)]
        expect_equal(got, want, "r_i(x) != (-1)^{x_i} on D_{q+2}", i=i, q=q)
    vec = np.array([_cells(r, q) for r in rs])  # q x 2^q, entries +-1
    size = 1 << q
    for mask in progress(range(1 << q), f"subsets of 1..{q}"):
        prod = np.ones(size, dtype=np.int64)
        for i in range(q):
            if (mask >> i) & 1:
                prod *= vec[i]
        expect_equal(Fraction(int(prod.sum()), size), Fraction(int(mask == 0)),
                     "integral of prod_{i in A} r_i != [A empty]",
                     A=[i + 1 for i in range(q) if (mask >> i) & 1])
    return {"q": q, "subsets": 1 << q}


def check_digits_and_products(full: bool = False) -> dict:
    q = 14 if full else 10
    return _check(q, [rademacher(i) for i in range(1, q + 1)])


def falsify_flipped_cell() -> None:
    q = 6
    rs = [rademacher(i) for i in range(1, q + 1)]
    vals = [1 - 2 * (c & 1) for c in range(8)]
    vals[5] = -vals[5]
    rs[2] = Piecewise.on_grid(vals)
    _check(q, rs)
