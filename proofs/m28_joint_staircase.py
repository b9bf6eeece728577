"""M28 -- the explicit joint Heaviside network computes Q_p F exactly, error 2^(m-p).

Statement   For p >= max(n, m), p > m, every sigma and distinct k_1..k_T < 2^m, the
            3-hidden-layer Heaviside network of main construction §4.4 (widths 2^p - 1,
            (p - m) + sum_t popcount(k_t), (p - m) + T (p - m + 1)) computes, for every task,
            the level-p midpoint staircase Q_p F_t of F_t = g_{m,k_t} o h_sigma exactly on
            [0, 1), and ||F_t - Q_p F_t||_inf = 2^(m-p). Only the second hidden layer's weights
            and biases depend on sigma; separate networks pay the shared digit units T times:
            separate - joint = (T - 1) * shared, for sigma-dependent weights and bits.
Check       the joint network is compiled exactly; each output is compared by equal() with the
            midpoint staircase of F_t built independently (h_sigma from its Haar-series form
            x + sum sigma_{j,k} 2^-(j+1) psi_{j,k} with exactmtl.haar, g = pal_k (2 S_m - 1),
            composed exactly; and exactmtl.construction.outputs when that module exists); exact
            sup error; widths; the cost identity under two codes.
Range       n <= 3, all m <= n, p in {q, q + 1, q + 2} (q = max(n, m), p > m), 3 random sigma
            per n, K = {0, 1, 2} cap [0, 2^m); 6 sigma per n and p up to q + 3 with --full.
Falsifier   one sigma-dependent weight of the second hidden layer flipped.
Source      arXiv 2606.16028, reference construction: main construction §4.4
            (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import random
from fractions import Fraction

from exactmtl import (
    Network,
    Piecewise,
    equal,
    haar,
    joint_separate_costs,
    joint_staircase_network,
    midpoint_staircase,
    sawtooth,
    sup_norm,
    walsh,
)
from exactmtl.proofcheck import Claim, expect, expect_equal, expect_true, progress

CLAIM = Claim("M28", "joint H-net computes Q_p F exactly, error 2^(m-p); joint vs separate")


def feature_haar(mask: int, n: int) -> Piecewise:
    """h_sigma = x + sum_{j<n} sum_k sigma_{j,k} 2^-(j+1) psi_{j,k} (main construction §2.6)."""
    h = Piecewise.identity()
    for j in range(n):
        for k in range(1 << j):
            if (mask >> ((1 << j) - 1 + k)) & 1:
                h = h + Fraction(1, 2 ** (j + 1)) * haar(j, k)
    return h


def reference_outputs(mask: int, n: int, m: int, ks: list[int]) -> list[list[Piecewise]]:
    """F_t from the Haar-series feature, and from exactmtl.construction when available."""
    h = feature_haar(mask, n)
    refs = [[(walsh(k) * (2 * sawtooth(m) - 1)).compose(h) for k in ks]]
    try:
        from exactmtl.construction import outputs
    except ImportError:
        return refs
    refs.append(list(outputs(mask, n, m, ks)))
    return refs


def _check(net: Network, mask: int, n: int, m: int, ks: list[int], p: int) -> None:
    case = {"n": n, "m": m, "p": p, "sigma": mask, "ks": ks}
    outs = net.to_piecewise_outputs(closed=False)
    for refs in reference_outputs(mask, n, m, ks):
        for t, (f, big_f) in enumerate(zip(outs, refs)):
            q = midpoint_staircase(big_f, p)
            expect_true(equal(f, q), f"output {t} != Q_p F_t", **case)
            expect_equal(sup_norm(big_f - q), Fraction(1, 2 ** (p - m)), "sup error", **case)


def check_joint_network(full: bool = False) -> dict:
    rng = random.Random(28)
    cases = 0
    for n in progress(range(4), "n"):
        nodes = (1 << n) - 1
        masks = {0, (1 << nodes) - 1} | {rng.randrange(1 << nodes) for _ in range(6 if full
                                                                                else 3)}
        for mask in sorted(masks):
            for m in range(n + 1):
                ks = [k for k in (0, 1, 2) if k < 1 << m]
                q = max(n, m)
                for p in range(q, q + (4 if full else 3)):
                    if p <= m:
                        continue
                    net = joint_staircase_network(mask, n, m, ks, p)
                    pops = sum(bin(k).count("1") for k in ks)
                    expect_equal(net.widths, (1, (1 << p) - 1, (p - m) + pops,
                                              (p - m) + len(ks) * (p - m + 1), len(ks)),
                                 "widths", n=n, m=m, p=p)
                    _check(net, mask, n, m, ks, p)
                    for code in ("elias-gamma", "elias-delta-dyadic"):
                        c = joint_separate_costs(mask, n, m, ks, p, code)
                        expect_equal(c.separate_sigma_weights - c.joint_sigma_weights,
                                     (len(ks) - 1) * c.shared_sigma_weights, "weights",
                                     n=n, m=m, p=p)
                        expect_equal(c.separate_sigma_bits - c.joint_sigma_bits,
                                     (len(ks) - 1) * c.shared_sigma_bits, "bits", n=n, m=m, p=p)
                        expect(c.joint_bits < c.separate_bits or len(ks) == 1,
                               "joint network not cheaper", n=n, m=m, p=p)
                    cases += 1
    return {"cases": cases}


def falsify_sigma_weight_flipped() -> None:
    mask, n, m, ks, p = 0b1011001, 3, 2, [1, 2], 4
    net = joint_staircase_network(mask, n, m, ks, p)
    col = next(c for c, w in enumerate(net.layers[1].weights[0]) if w)
    _check(net.replace_weight(1, 0, col, -net.layers[1].weights[0][col]), mask, n, m, ks, p)
