"""A10 -- a Heaviside unit on the triangle wave gives r_k r_{k+1} except at listed points.

Statement   For k >= 1 and H(0) = 1: 1 - 2 H(T^k(x) - 1/2) = r_k(x) r_{k+1}(x) for every x in
            [0, 1) except the 2^(k-1) points x = (4j + 3) 2^-(k+1); with H(0) = 0 the exceptions
            are the 2^(k-1) points (4j + 1) 2^-(k+1).
Check       the network (Telgarsky's N_k, then one Heaviside neuron, then 1 - 2 H) is compiled
            exactly on [0, 1) and compared with rademacher(k) * rademacher(k + 1) by equal():
            the verdict must be "except_finite" with exactly the listed exceptional set (conventions
            §A.3 reporting).
Range       k <= 12 by default, k <= 16 with --full.
Falsifier   the H(0) = 1 network checked against the exceptional set of the H(0) = 0
            convention.
Source      conventions §A.3 (exceptional-set verdicts) (docs/conventions.md); main construction
            §2.5 (Gray link) (docs/main_construction.md).
Provenance  derived
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import Network, equal, rademacher, telgarsky_network
from exactmtl.proofcheck import Claim, expect_equal, progress

CLAIM = Claim("A10", "1 - 2H(T^k - 1/2) = r_k r_{k+1} except 2^(k-1) listed points")


def gray_network(k: int, h0: int = 1) -> Network:
    """1 - 2 H(N_k(x) - 1/2): Telgarsky's hidden layers, a Heaviside neuron, an affine output."""
    hidden = list(telgarsky_network(k).layers[:-1])
    return Network([*hidden, ([[2, -4]], [Fraction(-1, 2)], "heaviside"),
                    ([[-2]], [1], "identity")], h0=h0)


def _points(k: int, residue: int) -> frozenset:
    den = 1 << (k + 1)
    return frozenset(Fraction(4 * j + residue, den) for j in range(1 << (k - 1)))


def _check(k: int, h0: int, residue: int) -> None:
    f = gray_network(k, h0).to_piecewise(closed=False)
    r = equal(f, rademacher(k) * rademacher(k + 1))
    expect_equal(r.verdict, "except_finite", "verdict", k=k, h0=h0)
    expect_equal(r.exceptions, _points(k, residue), "exceptional set", k=k, h0=h0)


def check_exceptional_sets(full: bool = False) -> dict:
    top = 16 if full else 12
    for k in progress(range(1, top + 1), "orders"):
        _check(k, 1, 3)
        _check(k, 0, 1)
    return {"orders": top}


def falsify_wrong_convention() -> None:
    _check(5, 1, 1)
