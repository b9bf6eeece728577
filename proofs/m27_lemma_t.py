"""M27 -- Lemma T: optimal Heaviside staircases of Lambda^m; the grid staircase.

Statement   For m >= 0 and eps > 0, the least first-layer width of a Heaviside network (any
            depth) within sup distance eps of Lambda^m on [0, 1] is
            U*(m, eps) = 2^m (ceil(1/(2 eps)) - 1)   (0 for eps >= 1/2).
            The grid staircase St_{m,q} (midpoint values on the level-q cells, q >= m) is a
            one-hidden-layer network with 2^q - 2^m units, output weights +-2^(m-q), output
            bias 2^(m-q-1), and ||Lambda^m - St_{m,q}||_inf = 2^(m-q-1) exactly; since
            U*(m, 2^(m-q-1)) = 2^q - 2^m it is optimal.
Check       U* from the exact greedy segmentation (pieces - 1; the pieces lemma turns pieces
            into units) equals the closed form, m <= 4, for the eps list of main construction
            §4.3 and 24 more; staircase_network(m, q) compiled exactly equals
            midpoint_staircase(triangle(m), q), has 2^q - 2^m units and exact sup error 2^(m-q-1).
Range       m <= 4, q <= m + 3 by default; m <= 6, q <= m + 5 with --full.
Falsifier   a grid staircase with one output weight off by 2^-20.
Source      arXiv 2606.16028, reference construction: main construction §4.2 item 2, §4.3 (Lemma
            T) (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import math
from fractions import Fraction

from exactmtl import (
    Network,
    equal,
    midpoint_staircase,
    optimal_staircase_pieces,
    staircase_network,
    sup_norm,
    triangle,
    triangle_staircase_units,
)
from exactmtl.proofcheck import Claim, expect_equal, expect_true, progress

CLAIM = Claim("M27", "Lemma T: U*(m, eps) = 2^m (ceil(1/(2 eps)) - 1); grid staircase optimal")

THEORY_EPS = [Fraction(2, 5), Fraction(1, 3), Fraction(1, 4), Fraction(1, 5), Fraction(3, 16),
              Fraction(1, 8), Fraction(1, 10), Fraction(1, 16)]
MORE_EPS = [Fraction(j, 97) for j in range(1, 49, 2)]


def check_lemma_t() -> dict:
    for m in range(5):
        t = triangle(m)
        for eps in THEORY_EPS + MORE_EPS + [Fraction(1, 2), Fraction(3, 4)]:
            units = optimal_staircase_pieces(t, eps) - 1
            expect_equal(units, (1 << m) * (math.ceil(1 / (2 * eps)) - 1), "greedy U*", m=m,
                         eps=eps)
            expect_equal(triangle_staircase_units(m, eps), units, "closed form", m=m, eps=eps)
    return {"m": 4, "eps_values": len(THEORY_EPS) + len(MORE_EPS) + 2}


def _check_grid(net: Network, m: int, q: int) -> None:
    f = net.to_piecewise(closed=False)
    t = triangle(m).restrict(0, 1)
    expect_true(equal(f, midpoint_staircase(t, q)), "network != midpoint staircase", m=m, q=q)
    expect_equal(sup_norm(f - t), Fraction(1, 2 ** (q - m + 1)), "sup error", m=m, q=q)


def check_grid_staircase(full: bool = False) -> dict:
    top_m, extra = (6, 5) if full else (4, 3)
    for m in progress(range(top_m + 1), "m"):
        for q in range(m, m + extra + 1):
            net = staircase_network(m, q)
            units = net.size().neurons if net.depth else 0
            expect_equal(units, (1 << q) - (1 << m), "units", m=m, q=q)
            expect_equal(triangle_staircase_units(m, Fraction(1, 2 ** (q - m + 1))), units,
                         "grid staircase is optimal", m=m, q=q)
            _check_grid(net, m, q)
    return {"m": top_m, "q_minus_m": extra}


def falsify_output_weight_off() -> None:
    m, q = 2, 4
    net = staircase_network(m, q)
    w = net.layers[1].weights[0][3]
    _check_grid(net.replace_weight(1, 0, 3, w + Fraction(1, 2**20)), m, q)
