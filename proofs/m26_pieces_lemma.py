"""M26 -- pieces lemma: a Heaviside network with N_1 first-layer units has <= N_1 + 1 pieces.

Statement   In input dimension 1, an H-net of any depth (Heaviside hidden layers, affine output,
            any number of outputs) computes step functions with at most N_1 + 1 pieces, where
            N_1 counts first-layer units with a nonzero input weight: every later layer sees only
            the first layer's binary vector, which changes at most N_1 times along the line.
Check       200 random deep H-nets (seeded; depth 1-5, widths 1-6, dyadic weights, H(0) in
            {0, 1/2, 1}, 1-2 outputs, domains [0, 1] and [-2, 3]) are compiled exactly; each
            output is a step function with at most N_1 + 1 pieces, and the compiled values
            agree with an exact forward pass (exactmtl._forward: integers, every point at once) at
            every knot and piece midpoint;
            heaviside_piece_bound returns N_1 + 1; the bound is attained by the Rademacher and
            Walsh networks (2^k - 1 and s units).
Range       200 random networks; 600 with --full.
Falsifier   an H+id network (the sawtooth with a linear skip), and the bound N_1 instead of
            N_1 + 1 on r_3 (7 units, 8 pieces).
Source      arXiv 2606.16028 (network side); main construction §4.1 (pieces lemma)
            (docs/main_construction.md); standard.
Provenance  paper
"""

from __future__ import annotations

import random
from fractions import Fraction

from exactmtl import (
    Network,
    heaviside_piece_bound,
    heaviside_sawtooth_network,
    rademacher_network,
    walsh_network,
)
from exactmtl._forward import forward_pass  # the batched exact route (A6, M26)
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("M26", "pieces lemma: H-net with N_1 first-layer units has <= N_1 + 1 pieces")


def random_hnet(rng: random.Random) -> Network:
    depth = rng.randint(1, 5)
    layers, width = [], 1
    for _ in range(depth):
        w = rng.randint(1, 6)
        layers.append(([[Fraction(rng.randint(-24, 24), 8) for _ in range(width)]
                        for _ in range(w)],
                       [Fraction(rng.randint(-32, 32), 16) for _ in range(w)], "heaviside"))
        width = w
    outs = rng.randint(1, 2)
    layers.append(([[rng.randint(-3, 3) for _ in range(width)] for _ in range(outs)],
                   [rng.randint(-2, 2) for _ in range(outs)], "identity"))
    return Network(layers, h0=rng.choice([0, Fraction(1, 2), 1]))


def _check(net: Network, bound: int, domain=(0, 1), label: str = "", outputs=None) -> None:
    outputs = net.to_piecewise_outputs(domain) if outputs is None else outputs
    for j, f in enumerate(outputs):
        expect(f.is_step(), "not a step function", net=label, output=j)
        expect(f.pieces <= bound, f"{f.pieces} pieces > bound {bound}", net=label, output=j)


def check_random_hnets(full: bool = False) -> dict:
    rng = random.Random(26)
    count = 600 if full else 200
    attained = 0
    for i in progress(range(count), "networks"):
        net = random_hnet(rng)
        n1 = net.size().first_layer_units
        expect_equal(heaviside_piece_bound(net), n1 + 1, "heaviside_piece_bound", i=i)
        domain = (0, 1) if i % 2 else (-2, 3)
        outputs = net.to_piecewise_outputs(domain)  # compiled once for both checks
        _check(net, n1 + 1, domain, f"random #{i}", outputs)
        f = outputs[0]
        attained += f.pieces == n1 + 1
        pts = list(f.knots) + [(u + v) / 2 for u, v in zip(f.knots, f.knots[1:])]
        for x, y in zip(pts, forward_pass(net, pts)):
            expect_equal(f(x), y[0], "compiled != forward pass", i=i, x=x)
    return {"networks": count, "bound_attained": attained}


def check_bound_attained() -> None:
    for k in range(1, 7):
        net = rademacher_network(k)
        _check(net, heaviside_piece_bound(net), label=f"r_{k}")
        expect_equal(net.to_piecewise().pieces, heaviside_piece_bound(net), "r_k attains", k=k)
    for s in range(1, 40):
        net = walsh_network(s, order="sequency")
        expect_equal(net.size().first_layer_units, s, "wal_s units", s=s)
        expect_equal(net.to_piecewise(closed=False).pieces, s + 1, "wal_s pieces", s=s)


def falsify_skip_network() -> None:
    net = heaviside_sawtooth_network(2)
    _check(net, net.size().first_layer_units + 1, label="S_2 with skip")


def falsify_bound_off_by_one() -> None:
    net = rademacher_network(3)
    _check(net, net.size().first_layer_units, label="r_3")
