"""A6 -- the sawtooth is a one-hidden-layer Heaviside network with a linear skip.

Statement   S_k(x) = 2^k x - sum_{i=1}^{2^k - 1} H(x - i 2^-k) on [0, 1), with H(0) = 1. With
            H(0) = 0 instead, the two sides differ exactly at the 2^k - 1 thresholds.
Check       heaviside_sawtooth_network(k) (2^k - 1 Heaviside neurons, skip weight 2^k) is
            compiled exactly and compared with sawtooth(k) by equal() (conventions §A.3 verdict:
            "everywhere"); the H(0) = 0 network gives "except_finite" with exceptional set
            exactly {i 2^-k : 1 <= i < 2^k}; the compiled values agree with an exact forward
            pass (exactmtl._forward: integers over one denominator per layer, every point at
            once) at every breakpoint and at the midpoints of the pieces.
Range       k <= 12 by default, k <= 20 with --full; the forward-pass comparison k <= 9 by
            default, k <= 11 with --full (was k <= 8 before issue 12).
Falsifier   one threshold moved by 2^-20: the check must report the interval where they differ.
Source      conventions §A.3, §A.7, §A.8 (docs/conventions.md); main construction §2.5 (shallow
            form of S_m) (docs/main_construction.md).
Provenance  derived
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import Network, equal, heaviside_sawtooth_network, sawtooth
from exactmtl._forward import forward_pass  # the batched exact route (A6, M26)
from exactmtl.proofcheck import Claim, cases, expect, expect_equal, expect_true

CLAIM = Claim("A6", "S_k = 2^k x - sum H(x - i 2^-k) on [0, 1)")


def _check(net: Network, k: int) -> None:
    f = net.to_piecewise(closed=False)
    expect_true(equal(f, sawtooth(k)), "network != S_k", k=k)


@cases(lambda full: range((20 if full else 12) + 1),
       merge=lambda ks, _: {"orders": ks[-1]}, weight=lambda k: 16 / 2 ** (20 - k))
def check_sawtooth_networks(k: int) -> None:
    net = heaviside_sawtooth_network(k)
    size = net.size()
    expect_equal(size.neurons, (1 << k) - 1 if k else 0, "neuron count", k=k)
    _check(net, k)


def check_exact_evaluation(full: bool = False) -> dict:
    top = 11 if full else 9
    for k in range(1, top + 1):
        net = heaviside_sawtooth_network(k)
        f = net.to_piecewise(closed=False)
        pts = list(f.knots[:-1]) + [(u + v) / 2 for u, v in zip(f.knots, f.knots[1:])]
        for x, (y,) in zip(pts, forward_pass(net, pts)):
            expect_equal(f(x), y, "compiled value != forward pass", k=k, x=x)
    return {"evaluated_orders": f"1..{top}"}


def check_value_at_zero_matters() -> None:
    for k in range(1, 9):
        net = heaviside_sawtooth_network(k)
        left = Network(net.layers, h0=0)
        r = equal(left.to_piecewise(closed=False), sawtooth(k))
        expect(r.verdict == "except_finite", f"H(0)=0 verdict {r.verdict}", k=k)
        expect_equal(r.exceptions, frozenset(Fraction(i, 1 << k) for i in range(1, 1 << k)),
                     "exceptional set", k=k)


def falsify_threshold_moved() -> None:
    k = 6
    net = heaviside_sawtooth_network(k)
    moved = net.replace_bias(0, 20, net.layers[0].biases[20] - Fraction(1, 2**20))
    _check(moved, k)
