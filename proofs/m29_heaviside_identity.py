"""M29 -- H+id networks: S_1^m = S_m with m Heaviside units; wal_n with n units is minimal.

Statement   With S_1(y) = 2y - H(y - 1/2), the depth-m network S_1 o ... o S_1 (each hidden layer
            one identity and one Heaviside unit) equals S_m on [0, 1) and uses m Heaviside units.
            The sequency Walsh function wal_n is a one-hidden-layer Heaviside network with
            exactly n units (thresholds at its n sign changes, output bias 1), and no Heaviside
            network of any depth realises it with fewer first-layer units (pieces lemma: wal_n
            has n + 1 pieces).
Check       deep_sawtooth_network(m) compiled exactly and compared with sawtooth(m) by equal();
            its Heaviside unit count; walsh_network(n, "sequency") compiled and compared with
            walsh(n, "sequency"); n units; n + 1 pieces; output weights +-2, bias 1.
Range       m <= 10 and n < 64 by default; m <= 16 and n < 256 with --full.
Falsifier   one Heaviside threshold of the deep sawtooth moved by 2^-20.
Source      arXiv 2606.16028, reference construction: main construction §4.1, §4.2 item 3
            (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import Network, deep_sawtooth_network, equal, sawtooth, walsh, walsh_network
from exactmtl.proofcheck import Claim, expect, expect_equal, expect_true, progress

CLAIM = Claim("M29", "S_1^m = S_m with m Heaviside units; wal_n needs exactly n units")


def _check_deep(net: Network, m: int) -> None:
    expect_true(equal(net.to_piecewise(closed=False), sawtooth(m)), "S_1^m != S_m", m=m)


def check_deep_sawtooth(full: bool = False) -> dict:
    top = 16 if full else 10
    for m in progress(range(top + 1), "m"):
        net = deep_sawtooth_network(m)
        units = sum(a == "heaviside" for layer in net.layers for a in layer.activations)
        expect_equal(units, m, "Heaviside units", m=m)
        _check_deep(net, m)
    return {"m": top}


def check_walsh_units(full: bool = False) -> dict:
    top = 256 if full else 64
    for n in progress(range(1, top), "n"):
        net = walsh_network(n, order="sequency")
        f = net.to_piecewise(closed=False)
        expect_true(equal(f, walsh(n, order="sequency")), "network != wal_n", n=n)
        expect_equal(net.size().first_layer_units, n, "units", n=n)
        expect_equal(f.pieces, n + 1, "pieces (so >= n units at any depth)", n=n)
        out = net.layers[-1]
        expect(set(map(abs, out.weights[0])) == {2} and out.biases[0] == 1, "weights", n=n)
    return {"n": top - 1}


def falsify_threshold_moved() -> None:
    m = 5
    net = deep_sawtooth_network(m)
    _check_deep(net.replace_bias(2, 1, Fraction(-1, 2) + Fraction(1, 2**20)), m)
