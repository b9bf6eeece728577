"""M20 -- cellwise structure of the task outputs: F_{sigma,t} = omega_t(u) (2 h_{sigma_u} - 1).

Statement   For m <= n, k < 2^m, every sigma and every level-m cell u: for
            x = (u + x') 2^-m with x' in [0, 1),
            F_{sigma,t}(x) = g_{m,k} (h_sigma(x)) = omega(u) (2 h_{sigma_u}(x') - 1), where
            sigma_u is sigma restricted to the subtree below the node (m, u) (a depth-(n - m)
            pattern) and omega(u) = pal_k(h_sigma(u 2^-m))
            = pal_k(u 2^-m) (-1)^(sum_{i in bits(k)} sigma(u_{<i})), bits(k) = {i : bit i-1
            of k is 1}, sigma(u_{<i}) the level-(i-1) node on the path to u. The sign omega
            depends only on the levels < m of sigma, the magnitude only on the levels >= m.
Check       (1) exact Piecewise identity (exactmtl.equal, no exceptional point) of
            exactmtl.outputs against the right-hand side assembled from
            exactmtl.construction.sign_pattern, subtree_sigma and feature_translations
            (omega W times the affine 2^(m+1) x + C on the level-n cells);
            (2) sign_pattern equals pal_k evaluated at h_sigma(u 2^-m) (Piecewise feature,
            exactmtl.walsh) and is unchanged when the levels >= m of sigma are cleared, and
            subtree_sigma is unchanged when the levels < m are cleared;
            (3) every sigma of depth 4 at once: the integer cell codes of
            exactmtl.construction.output_code_table (digit-flip images of the whole h_sigma)
            equal omega(u) (2 c'' + 1), with omega and the subtree image c'' of the cell
            computed here, vectorised, from the cellwise formula.
Range       (1), (2) every sigma, m <= n, every k < 2^m for n <= 3 (n = 3, m = 3: k in
            {0, 5, 7}); 4 random sigma per (n, m) with K = {0, 2^m - 1} for n = 4, 5;
            (3) n <= 4, every sigma, m and k; --full: (1) every k at n = 3 and 12 random sigma
            for n <= 6.
Falsifier   a wrong sign pattern that takes omega from the wrong levels (the level-i node
            instead of the level-(i-1) node on the path): rejected by (1) and by (3).
Source      arXiv 2606.16028, reference construction: main construction §2.8 (cellwise
            structure) (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

from exactmtl import Piecewise, equal, walsh
from exactmtl.construction import (
    all_sigmas,
    feature,
    feature_translations,
    output_code_table,
    outputs,
    random_sigma,
    sign_pattern,
    subtree_sigma,
)
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("M20", "cellwise structure F = omega(u) (2 h_{sigma_u}(x') - 1)")


def _pal(k: int, cell: int, level: int) -> int:
    parity = 0
    for i in range(k.bit_length()):
        if (k >> i) & 1:
            parity ^= (cell >> (level - 1 - i)) & 1
    return 1 - 2 * parity


def wrong_sign_pattern(sigma: int, n: int, m: int, k: int) -> tuple[int, ...]:
    """omega from the wrong levels: the level-i node on the path (not level i-1); m < n."""
    out = []
    for u in range(2 ** m):
        parity = 0
        for i in range(1, m + 1):
            if (k >> (i - 1)) & 1:
                prefix = u >> (m - i)  # length i: the level-i node
                parity ^= (sigma >> (2 ** i - 1 + prefix)) & 1
        out.append(_pal(k, u, m) * (1 - 2 * parity))
    return tuple(out)


def cellwise_rhs(sigma: int, n: int, m: int, omega: tuple[int, ...]) -> Piecewise:
    """omega(u) (2 h_{sigma_u}(2^m x - u) - 1) on [0, 1), as an exact Piecewise."""
    w = 2 ** (n - m)
    values, slopes = [], []
    for u in range(2 ** m):
        tau = feature_translations(subtree_sigma(sigma, n, m, u), n - m)
        for c in range(w):
            # 2 (2^m x - u + tau / w) - 1 = 2^(m+1) x + (2 tau / w - 2u - 1); at the cell's
            # left end x = i 2^-n (i = u w + c) this is (2 i + 2 tau - (2u + 1) w) / w
            i = u * w + c
            values.append(omega[u] * (2 * i + 2 * tau[c] - (2 * u + 1) * w))
            slopes.append(omega[u] * 2 ** (m + 1))
    # omega W times the affine map, on the level-n cells (integer numerators over w)
    return Piecewise.from_arrays(np.arange(2 ** n + 1), np.array(values, dtype=np.int64),
                                 knot_denominator=2 ** n, value_denominator=w,
                                 slopes=np.array(slopes, dtype=np.int64))


def _check_one(sigma: int, n: int, m: int, k: int, F_t: Piecewise, h: Piecewise,
               pattern=sign_pattern) -> None:
    omega = pattern(sigma, n, m, k)
    verdict = equal(F_t, cellwise_rhs(sigma, n, m, omega))
    expect(bool(verdict), f"F != omega(u) (2 h_sigma_u - 1): {verdict}", n=n, m=m, k=k,
           sigma=sigma)
    expect_equal(verdict.exceptions, frozenset(), "exceptional points", n=n, m=m, k=k)
    pal_k = walsh(k)
    direct = tuple(int(pal_k(h(Fraction(u, 2 ** m)))) for u in range(2 ** m))
    expect_equal(omega, direct, "omega(u) != pal_k(h_sigma(u 2^-m))", n=n, m=m, k=k,
                 sigma=sigma)
    low = sigma & (2 ** (2 ** m - 1) - 1)
    expect_equal(pattern(low, n, m, k), omega, "omega depends on levels >= m", n=n, m=m,
                 k=k, sigma=sigma)
    for u in range(2 ** m):
        expect_equal(subtree_sigma(sigma ^ low, n, m, u), subtree_sigma(sigma, n, m, u),
                     "sigma_u depends on levels < m", n=n, m=m, u=u, sigma=sigma)


def _check_sigma(sigma: int, n: int, m: int, ks: list[int], pattern=sign_pattern) -> None:
    F = outputs(sigma, n, m, ks)
    h = feature(sigma, n)
    for k, f in zip(ks, F):
        _check_one(sigma, n, m, k, f, h, pattern)


def check_piecewise_identity(full: bool = False) -> dict:
    count = 0
    for n in range(1, 4):
        for m in range(n + 1):
            ks = list(range(2 ** m)) if (m < 3 or full) else [0, 5, 7]
            for s in progress(all_sigmas(n), f"n={n}, m={m}"):
                _check_sigma(s, n, m, ks)
                count += len(ks)
    rng = random.Random(20)
    for n in range(4, (7 if full else 6)):
        for m in range(n + 1):
            for _ in range(12 if full else 4):
                _check_sigma(random_sigma(n, seed=rng.getrandbits(32)), n, m,
                             sorted({0, 2 ** m - 1}))
                count += 2
    return {"identities": count}


def cellwise_codes(n: int, m: int, k: int, wrong_levels: bool = False) -> np.ndarray:
    """omega(u) (2 c'' + 1) for every sigma (rows) and level-n cell c = u 2^(n-m) + c'."""
    sig = np.arange(2 ** (2 ** n - 1), dtype=np.int64)[:, None]
    cells = np.arange(2 ** n, dtype=np.int64)[None, :]
    d = n - m
    u, cp = cells >> d, cells & (2 ** d - 1)
    img = np.broadcast_to(cp, (sig.shape[0], cells.shape[1])).copy()
    for lev in range(d):  # node (lev, c' >> (d - lev)) of sigma_u = node (m + lev, ...) of sigma
        node = 2 ** (m + lev) - 1 + (u << lev) + (cp >> (d - lev))
        img ^= ((sig >> node) & 1) << (d - 1 - lev)
    parity = np.zeros_like(img)
    for i in range(1, m + 1):
        if (k >> (i - 1)) & 1:
            parity ^= (u >> (m - i)) & 1  # pal_k(u 2^-m): digit i of u
            lev = i if wrong_levels else i - 1
            node = 2 ** lev - 1 + (u >> (m - lev))
            parity ^= (sig >> node) & 1
    return (1 - 2 * parity) * (2 * img + 1)


def _check_tables(n: int, wrong_levels: bool = False) -> int:
    count = 0
    for m in range(n + 1):
        if wrong_levels and m == n:
            continue
        for k in range(2 ** m):
            lib = output_code_table(n, m, k)
            mine = cellwise_codes(n, m, k, wrong_levels)
            bad = np.argwhere((lib != mine).any(axis=1))
            expect_equal(bad.size, 0, "cell codes != omega(u) (2 c'' + 1)", n=n, m=m, k=k,
                         sigma=int(bad[0, 0]) if bad.size else None)
            count += lib.shape[0]
    return count


def check_all_sigma_tables() -> dict:
    return {f"n={n}": _check_tables(n) for n in range(1, 5)}


def falsify_omega_from_wrong_levels() -> None:
    n, m = 3, 2
    for s in all_sigmas(n):
        _check_sigma(s, n, m, [1, 2, 3], pattern=wrong_sign_pattern)


def falsify_omega_from_wrong_levels_tables() -> None:
    _check_tables(4, wrong_levels=True)
