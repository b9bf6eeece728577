"""A8 -- Telgarsky's ReLU network N_k equals the triangle wave T^k on [0, 1].

Statement   N_k = T applied k times with T(y) = 2 ReLU(y) - 4 ReLU(y - 1/2) is a depth-k,
            width-2 network (2k hidden neurons, 5k nonzero weights and biases) equal to T^k on
            the closed interval [0, 1], with exactly 2^k linear pieces.
Check       the network is compiled layer by layer into an exact piecewise-linear function
            (not sampled) and compared with triangle(k) by equal() on [0, 1] (verdict
            "everywhere"); the number of linear regions is 2^k; the size counts are exact.
Range       k <= 16 by default, k <= 24 with --full (2^24 pieces; was 12 and 20 before the
            integer-array core of Piecewise, 22 before the fused network kernel).
Falsifier   one weight off by 2^-20 (layer k/2, weight -4 -> -4 + 2^-20): equal() must report
            the interval where the functions differ.
Source      conventions §A.8 (docs/conventions.md); main construction §4.2 item 1
            (docs/main_construction.md); Telgarsky, arXiv 1602.04485.
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import Network, current_limits, equal, limits, telgarsky_network, triangle
from exactmtl.proofcheck import Claim, expect_equal, expect_true, progress

CLAIM = Claim("A8", "Telgarsky network N_k == T^k on [0, 1], 2^k pieces")


def _check(net: Network, k: int) -> None:
    compiled = net.compile((0, 1), closed=True)
    expect_true(equal(compiled.outputs[0], triangle(k)), "N_k != T^k", k=k)
    expect_equal(compiled.regions, 1 << k, "linear regions", k=k)


def check_telgarsky(full: bool = False) -> dict:
    top = 24 if full else 16
    # the claim's own range sets its budget: 2^top pieces (the default limit is 2^21)
    budget = max(current_limits().pieces, 1 << top)
    for k in progress(range(top + 1), "depths"):
        net = telgarsky_network(k)
        with limits(pieces=budget):
            _check(net, k)
        size = net.size()
        if k:  # k = 0 is the identity network x (one weight)
            expect_equal((size.depth, size.neurons, size.parameters), (k, 2 * k, 5 * k),
                         "depth, neurons, nonzero parameters", k=k)
            expect_equal(size.widths, (1, *([2] * k), 1), "widths", k=k)
    return {"depths": top, "largest_pieces": 1 << top}


def falsify_weight_off_by_2_pow_minus_20() -> None:
    k = 10
    net = telgarsky_network(k)
    _check(net.replace_weight(k // 2, 0, 1, -4 + Fraction(1, 2**20)), k)
