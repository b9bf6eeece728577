"""D3.2 -- the rescaling-invariant network cost sum ||a_k|| |w_k| and weight decay.

Statement   For f(x) = sum_k a_k ReLU(w_k x + b_k) (a_k in R^T): the rescaling a_k -> a_k / c,
            (w_k, b_k) -> c (w_k, b_k), c > 0, leaves f and sum_k ||a_k|| |w_k| unchanged; weight
            decay (1/2) sum_k (||a_k||^2 + w_k^2) >= sum_k ||a_k|| |w_k| with equality iff
            ||a_k|| = |w_k| for every unit (AM-GM); and sum_k ||a_k|| |w_k| >= vector_tv(f),
            with equality when units sharing a knot have positively parallel a_k (derived).
Check       exact: compile networks to knots and jumps (PiecewiseLinearVector, exact equality)
            before and after random rational rescalings; per-unit AM-GM in squares; balanced
            rescaling on units with ||a_k|| / |w_k| a rational square; vector_tv <= cost and
            equality for merged parallel units. Irrational norms compared through squares or
            minimal polynomials and python-flint ball enclosures (exact_sign).
Range       40 random networks (200 with --full), width <= 6, T <= 3.
Falsifier   rescaling a_k but not (w_k, b_k): the compiled function changes.
Source      companions §D.3 (docs/companions.md); arXiv 2112.15577 (rescaling invariance and
            weight decay).
Provenance  paper
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy

from exactmtl.companions.vector_tv import (
    network_cost,
    network_function,
    rescale_network,
    weight_decay,
)
from exactmtl.jointsep import exact_equal, exact_sign
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("D3.2", "rescaling-invariant network cost and weight decay")


def _net(rng: random.Random):
    T, m = rng.randint(1, 3), rng.randint(1, 6)
    a = [[Fraction(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(T)] for _ in range(m)]
    w = [Fraction(rng.choice([-3, -2, -1, 1, 2, 3]), rng.randint(1, 2)) for _ in range(m)]
    b = [Fraction(rng.randint(-4, 4), rng.randint(1, 3)) for _ in range(m)]
    return a, w, b


def _check_rescaling(a, w, b, a2, w2, b2) -> None:
    expect_equal(network_function(a2, w2, b2), network_function(a, w, b),
                 "rescaled network computes a different function", a=a, w=w, b=b)
    expect(exact_equal(network_cost(a2, w2), network_cost(a, w)) is True,
           "cost not invariant", a=a, w=w)


def _le(x, y) -> bool:
    """x <= y exactly (rationals directly; sums of square roots by exact_sign: minimal
    polynomial for zero, python-flint ball enclosure for the sign)."""
    return exact_sign(sympy.sympify(y) - sympy.sympify(x)) >= 0


def check_random_networks(full: bool = False) -> dict:
    rng = random.Random(15577)
    count = 200 if full else 40
    for _ in progress(range(count), "networks"):
        a, w, b = _net(rng)
        scales = [Fraction(rng.randint(1, 7), rng.randint(1, 7)) for _ in w]
        _check_rescaling(a, w, b, *rescale_network(a, w, b, scales))
        for ak, wk in zip(a, w):  # per unit: (||a||^2 + w^2)/2 - ||a|| |w| = (||a|| - |w|)^2 / 2
            n2 = sum(v * v for v in ak)
            expect((n2 + wk * wk) ** 2 >= 4 * n2 * wk * wk, "AM-GM fails", a=ak, w=wk)
        expect(_le(network_cost(a, w), weight_decay(a, w)), "weight decay < cost", a=a, w=w)
        expect(_le(network_function(a, w, b).vector_tv(), network_cost(a, w)),
               "vector_tv(f) > network cost", a=a, w=w, b=b)
    return {"networks": count}


def check_balanced_and_merged() -> dict:
    # ||a|| = 5, |w| = 1/5: balancing with c = 5 gives ||a|| = |w| = 1 and weight decay = cost
    a, w, b = [[3, 4]], [Fraction(1, 5)], [Fraction(1, 5)]
    a2, w2, b2 = rescale_network(a, w, b, [5])
    _check_rescaling(a, w, b, a2, w2, b2)
    expect_equal(weight_decay(a2, w2), network_cost(a, w), "balanced weight decay != cost")
    expect(weight_decay(a, w) > network_cost(a, w), "unbalanced weight decay not > cost")
    # two parallel units at one knot: cost == vector_tv; antiparallel: cost > vector_tv
    par = ([[3, 4], [6, 8]], [1, 2], [1, 2])
    expect_equal(network_cost(par[0], par[1]), network_function(*par).vector_tv())
    anti = ([[3, 4], [-3, -4]], [1, 2], [1, 2])
    expect(network_cost(anti[0], anti[1]) > network_function(*anti).vector_tv(),
           "antiparallel units: cost should exceed vector_tv")
    return {"balanced_cost": 1}


def falsify_half_rescaling() -> None:
    a, w, b = [[3, 4], [1, -2]], [1, -2], [1, 3]
    a2 = [[Fraction(v, 2) for v in ak] for ak in a]
    _check_rescaling(a, w, b, a2, w, b)
