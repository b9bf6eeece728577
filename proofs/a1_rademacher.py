"""A1 -- Rademacher functions are orthonormal with mean 0.

Statement   r_k(x) = (-1)^floor(2^k x), r_0 = 1: <r_k, r_l> = delta_kl and, for k >= 1,
            integral r_k = 0; moreover every r_k is +-1 on the level-k cells.
Check       exact Gram matrix of r_0..r_K by the library's inner product (K = 10), and by
            independent integer cell sums on the level-K grid built from each function's knots
            and values (K = 14; K = 20 with --full).
Range       k <= 14 by default, k <= 20 with --full.
Falsifier   r_6 replaced by a copy shifted by 2^-8. Note: the shifted copy is still orthogonal
            to every r_j (j != 6) and has norm 1 (tests/test_bases.py shows it), so Gram alone
            cannot see it; the check also verifies the defining cell values, which reject it.
Source      conventions §A.4 (docs/conventions.md); main construction §2.2
            (docs/main_construction.md); Rademacher (1922), standard.
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from exactmtl import Piecewise, gram, integrate, rademacher
from exactmtl.proofcheck import Claim, expect_equal, progress

CLAIM = Claim("A1", "Rademacher functions are orthonormal, mean 0")


def _cells(f: Piecewise, level: int) -> np.ndarray:
    """Integer values of a step function with level-``level`` dyadic knots, cell by cell."""
    size = 1 << level
    starts = [int(t * size) for t in f.knots]
    if any(Fraction(s, size) != t for s, t in zip(starts, f.knots)):
        raise ValueError("knots are not on the level grid")
    values = [int(v) for v in f.values[: len(f.polys)]]
    return np.repeat(np.array(values, dtype=np.int64), np.diff(starts))


def _check_gram_by_cells(functions: list[Piecewise], level: int) -> None:
    rows = np.array([_cells(f, level) for f in functions])
    g = rows @ rows.T  # exact integers: |entries| <= 2^level < 2^63
    expect_equal(g.tolist(), ((1 << level) * np.eye(len(functions), dtype=np.int64)).tolist(),
                 "cell-sum Gram matrix (times 2^level) is not 2^level I", level=level)


def _check_definition(k: int, f: Piecewise) -> None:
    """r_k is (-1)^c on the level-k cell c: exact knots and values of the canonical form."""
    size = 1 << k
    expect_equal(f.knots, tuple(Fraction(c, size) for c in range(size + 1)),
                 "breakpoints are not the level-k grid", k=k)
    expect_equal(list(f.values), [(-1) ** c for c in range(size)], "cell values", k=k)


def _check_gram(functions: list[Piecewise]) -> None:
    for k, f in enumerate(functions):
        _check_definition(k, f)
    expect_equal(gram(functions), sympy.eye(len(functions)), "Gram matrix is not I")
    for k, f in enumerate(functions[1:], 1):
        expect_equal(integrate(f), 0, "mean is not 0", k=k)


def check_gram_exact() -> dict:
    functions = [rademacher(k) for k in range(11)]
    _check_gram(functions)
    return {"K": 10, "gram": "identity"}


def check_gram_cell_sums(full: bool = False) -> dict:
    top = 20 if full else 14
    functions = [rademacher(k) for k in progress(range(top + 1), "building r_k")]
    for k, f in enumerate(functions):
        _check_definition(k, f)
    _check_gram_by_cells(functions, top)
    return {"K": top, "gram": "identity (integer cell sums)"}


def falsify_shifted_copy() -> None:
    k = 6
    shift = Fraction(1, 1 << (k + 2))
    r = rademacher(k)
    shifted = Piecewise.step([shift] + [t + shift for t in r.breakpoints],
                             [-1, *r.values[:r.pieces]])
    _check_gram([rademacher(j) for j in range(k)] + [shifted])
