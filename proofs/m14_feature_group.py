"""M14 -- sigma -> h_sigma is injective and H_n is a group of order 2^(2^n - 1).

Statement   The map sigma -> h_sigma is injective, so |H_n| = 2^(2^n - 1); H_n is closed under
            composition and inverse (the automorphism group of the depth-n binary tree acting on
            the level-n cells, a Sylow 2-subgroup of Sym(2^n): 2^n - 1 is the 2-adic valuation
            of (2^n)!). The product and the inverse have the sign patterns given by
            exactmtl.construction.compose_features / inverse_feature.
Check       (1) injectivity: the level-n cell permutations of all sigma are distinct (n <= 4,
            32768 patterns, numpy), and the exact Piecewise features are distinct (n <= 3);
            (2) group: for all pairs (n <= 3) the composed permutation equals the permutation of
            compose_features(sigma, tau) and lies in H_n, the inverse permutation equals that of
            inverse_feature(sigma), h_0 = id; H_n is not abelian for n >= 2; (3) the exact
            Piecewise composition h_sigma o h_tau equals feature(compose_features(sigma, tau))
            on sampled pairs (n <= 3: 100 pairs; 4 <= n <= 6: 20 pairs); (4) Legendre:
            v_2((2^n)!) = 2^n - 1.
Range       n <= 4 (count), n <= 3 (all pairs); --full: Piecewise compositions on 8x more pairs.
Falsifier   a parametrisation that ignores the deepest level (not injective); compose_features
            with its arguments swapped (h_tau o h_sigma claimed for h_sigma o h_tau).
Source      arXiv 2606.16028, reference construction: main construction §2.6 (injective, group)
            (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import random

import numpy as np

from exactmtl import equal
from exactmtl.construction import (
    all_sigmas,
    compose_features,
    feature,
    feature_image_table,
    inverse_feature,
)
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("M14", "sigma -> h_sigma is injective; H_n is a group of order 2^(2^n - 1)")


def _check_injective(n: int, table: np.ndarray) -> None:
    rows = {tuple(r) for r in table.tolist()}
    expect_equal(len(rows), 2 ** (2 ** n - 1), "sigma -> h_sigma is not injective", n=n)


def _check_group(n: int, compose) -> None:
    perms = [tuple(r) for r in feature_image_table(n).tolist()]
    index = {p: s for s, p in enumerate(perms)}
    size = 2 ** n
    expect_equal(perms[0], tuple(range(size)), "h_0 is not the identity", n=n)
    abelian = True
    for s in progress(range(len(perms)), f"pairs n={n}"):
        ps = perms[s]
        inv = [0] * size
        for c, y in enumerate(ps):
            inv[y] = c
        expect_equal(index.get(tuple(inv)), inverse_feature(s, n), "inverse", n=n, sigma=s)
        for t, pt in enumerate(perms):
            prod = tuple(ps[pt[c]] for c in range(size))  # h_s o h_t: first t, then s
            expect(prod in index, "H_n is not closed under composition", n=n, sigma=s, tau=t)
            expect_equal(index[prod], compose(s, t, n), "compose_features", n=n, sigma=s, tau=t)
            if abelian and prod != tuple(pt[ps[c]] for c in range(size)):
                abelian = False
    expect(abelian == (n < 2), "H_n is abelian iff n < 2", n=n)


def _check_piecewise(n: int, pairs: list[tuple[int, int]], compose) -> None:
    for s, t in pairs:
        v = equal(feature(s, n).compose(feature(t, n)), feature(compose(s, t, n), n))
        expect(bool(v), f"h_sigma o h_tau != h_(sigma*tau): {v}", n=n, sigma=s, tau=t)


def _valuation_factorial(n: int) -> int:
    total, p = 0, 2
    while p <= 2 ** n:
        total += 2 ** n // p
        p *= 2
    return total


def check_injective() -> dict:
    for n in range(5):
        _check_injective(n, feature_image_table(n))
    for n in range(4):
        expect_equal(len({feature(s, n) for s in all_sigmas(n)}), 2 ** (2 ** n - 1),
                     "distinct Piecewise features", n=n)
        expect_equal(_valuation_factorial(n), 2 ** n - 1, "v_2((2^n)!)", n=n)
    return {"n": "0..4", "order_n4": 2 ** 15}


def check_group() -> dict:
    for n in range(4):
        _check_group(n, compose_features)
    return {"n": "0..3", "pairs_n3": 128 * 128}


def check_piecewise_compositions(full: bool = False) -> dict:
    rng = random.Random(14)
    scale = 8 if full else 1
    for n in range(1, 7):
        count = (100 if n <= 3 else 20) * scale
        top = 2 ** (2 ** n - 1)
        _check_piecewise(n, [(rng.randrange(top), rng.randrange(top)) for _ in range(count)],
                         compose_features)
    return {"n": "1..6", "pairs": "100 (n <= 3), 20 beyond"}


def falsify_drop_last_level() -> None:
    n = 3
    table = feature_image_table(n)
    keep = 2 ** (n - 1) - 1  # only the nodes of levels < n - 1
    _check_injective(n, table[np.arange(len(table)) & keep])


def falsify_swapped_product() -> None:
    _check_piecewise(2, [(1, 2), (2, 1), (3, 6)], lambda s, t, n: compose_features(t, s, n))
