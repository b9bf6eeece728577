"""D3.1 -- joint cost <= separate cost, with equality iff no two tasks bend at the same point.

Statement   For a continuous piecewise-linear f: R -> R^T with jumps J_k of f' at knots s_k,
            vector_tv = sum_k ||J_k||_2 <= separate_tv = sum_k ||J_k||_1, with equality iff every
            J_k has at most one nonzero entry (derived; the representation costs of joint and
            separate weight-decay training, companions §D.3). The companions §D.3 example: 5
            versus 3 + 4 = 7.
Check       exact, knot by knot in rationals: ||J||_2 <= ||J||_1 iff ||J||_2^2 <= ||J||_1^2 (both
            sides >= 0), equality iff all cross terms |J_i||J_j| vanish; totals compared exactly
            (sums of square roots: minimal polynomials for equality, python-flint balls for the
            sign); seeded random functions with
            T <= 4 outputs and <= 6 knots, integer and rational jumps, both with shared and with
            disjoint kinks; the example's values 5 and 7.
Range       60 random functions (300 with --full).
Falsifier   a function with a shared kink (jump (3, 4)) declared "disjoint": the equality
            vector_tv == separate_tv is checked and fails (5 != 7).
Source      companions §D.3 (representation cost) (docs/companions.md); arXiv 2112.15577.
Provenance  derived
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy

from exactmtl.companions.vector_tv import PiecewiseLinearVector, separate_tv, vector_tv
from exactmtl.jointsep import exact_equal, exact_sign
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("D3.1", "vector TV <= per-task TV, equality iff disjoint kinks")


def _check(f: PiecewiseLinearVector, disjoint: bool) -> None:
    joint, sep = f.vector_tv(), f.separate_tv()
    for s, j in zip(f.knots, f.jumps):
        l2sq = sum(v * v for v in j)
        l1 = sum(abs(v) for v in j)
        expect(l2sq <= l1 * l1, "||J||_2 > ||J||_1 at a knot", knot=s, jump=j)
    expect_equal(sum(v != 0 for j in f.jumps for v in j) == len(f.jumps), disjoint,
                 "disjointness flag does not match the jumps", jumps=f.jumps)
    if disjoint:
        expect(exact_equal(joint, sep) is True, "disjoint kinks but joint != separate",
               joint=joint, separate=sep)
    else:
        expect(exact_sign(sympy.Rational(sep.numerator, sep.denominator) - sympy.sympify(joint))
               == 1, "shared kink but joint is not < separate", joint=joint, separate=sep)


def _random(rng: random.Random, shared: bool) -> PiecewiseLinearVector:
    T, K = rng.randint(2, 4), rng.randint(1, 6)
    knots = rng.sample(range(-10, 11), K)
    jumps = []
    for k in range(K):
        j = [Fraction(0)] * T
        if shared or (k == 0 and rng.random() < 0.5):
            idx = rng.sample(range(T), 2 if not shared else rng.randint(2, T))
        else:
            idx = [rng.randrange(T)]
        for i in idx:
            v = 0
            while v == 0:
                v = rng.randint(-6, 6)
            j[i] = Fraction(v, rng.randint(1, 4))
        jumps.append(j)
    return PiecewiseLinearVector(knots, jumps, [0] * T, [0] * T)


def check_example() -> dict:
    expect_equal(vector_tv(knots=[-1], jumps=[(3, 4)]), 5)
    expect_equal(separate_tv(knots=[-1], jumps=[(3, 4)]), 7)
    return {"joint": 5, "separate": 7}


def check_random(full: bool = False) -> dict:
    rng = random.Random(2112)
    count = 300 if full else 60
    for i in progress(range(count), "functions"):
        f = _random(rng, shared=i % 2 == 0)
        _check(f, disjoint=all(sum(v != 0 for v in j) == 1 for j in f.jumps))
    return {"functions": count}


def falsify_shared_declared_disjoint() -> None:
    f = PiecewiseLinearVector([-1], [(3, 4)], (0, 0), (0, 0))
    joint, sep = f.vector_tv(), f.separate_tv()
    expect(exact_equal(joint, sep) is True, "declared disjoint, but joint != separate",
           joint=joint, separate=sep)
