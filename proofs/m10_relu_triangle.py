"""M10 -- ReLU net R_m = Lambda^m on [0, 1], by the breakpoint argument.

Statement   R_1(x) = 2 ReLU(x) - 4 ReLU(x - 1/2) and R_m = R_1 o R_{m-1} (width 2, depth m, 2m
            hidden units, 5m nonzero weights and biases) equals the triangle wave Lambda^m on
            [0, 1].
Check       the argument of main construction §4.2 item 1, made exact: the compiled network is
            continuous and piecewise linear with all breakpoints in 2^-m Z; so is triangle(m);
            the exact forward pass of the network (Fraction arithmetic, no compiler) agrees with
            Lambda^m(x) = 2 dist(2^(m-1) x, Z) at every x in 2^-m Z cap [0, 1]. Two continuous
            piecewise-linear functions with breakpoints in a grid that agree on the grid are
            equal. The compiled function is also compared with triangle(m) by equal().
Range       m <= 10 by default, m <= 14 with --full.
Falsifier   one weight off by 2^-20: the grid values differ.
Source      arXiv 2606.16028 (triangle-wave reduction); main construction §4.2 item 1
            (docs/main_construction.md); Telgarsky, arXiv 1602.04485.
Provenance  paper
"""

from __future__ import annotations

import math
from fractions import Fraction

from exactmtl import Network, equal, telgarsky_network, triangle
from exactmtl.proofcheck import Claim, cases, expect, expect_equal, expect_true

CLAIM = Claim("M10", "ReLU net R_m = Lambda^m on [0, 1]")


def closed_form(m: int, x: Fraction) -> Fraction:
    if m == 0:
        return x
    y = x * (1 << (m - 1))
    return 2 * min(y - math.floor(y), math.ceil(y) - y)


def _continuous(f) -> bool:
    """Value, left limit and right limit agree at every interior knot."""
    return all(f.limit(t, "left") == f(t) == f.limit(t, "right") for t in f.breakpoints)


def _check(net: Network, m: int) -> None:
    size = 1 << m
    f = net.to_piecewise()
    expect(f.degree <= 1 and _continuous(f), "compiled network is not continuous PL", m=m)
    expect(all((t * size).denominator == 1 for t in f.breakpoints),
           "a breakpoint outside 2^-m Z", m=m)
    for c in range(size + 1):
        x = Fraction(c, size)
        expect_equal(net(x), closed_form(m, x), "grid value", m=m, x=x)
    expect_true(equal(f, triangle(m)), "R_m != Lambda^m", m=m)


@cases(lambda full: range((14 if full else 10) + 1),
       merge=lambda ms, _: {"depths": ms[-1]}, weight=lambda m: 12 / 2 ** (14 - m))
def check_relu_triangle(m: int) -> None:
    net = telgarsky_network(m)
    if m:  # m = 0 is the identity network x (one weight)
        expect_equal((net.size().neurons, net.size().parameters), (2 * m, 5 * m),
                     "2m units, 5m nonzero parameters", m=m)
    _check(net, m)


def falsify_weight_off() -> None:
    m = 6
    _check(telgarsky_network(m).replace_weight(3, 1, 0, 2 + Fraction(1, 2**20)), m)
