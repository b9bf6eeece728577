"""M19 -- the composed task outputs are orthogonal: Gram(F_sigma) = I/3 for every sigma.

Statement   For every depth n, readout frequency m <= n, distinct indices K = (k_1..k_T),
            k_t < 2^m, and every sign pattern sigma: <F_{sigma,s}, F_{sigma,t}> = delta_st / 3
            and <F_{sigma,t}, 1> = 0, where F_{sigma,t} = g_{m,k_t} o h_sigma (because h_sigma
            is measure preserving, M13, and the heads of one frequency are orthogonal, M17).
Check       (1) exact Piecewise route: exactmtl.outputs (heads composed with the digit-flip
            feature) and exactmtl.gram, compared with sympy.eye(T) / 3, and exact means.
            (2) independent integer route for every sigma at once: the cell tables of
            exactmtl.coding.output_table (left values and right limits of each output on the
            level-n cells, from the digit-flip permutation and the cellwise head formula) and
            Simpson's rule per cell (exact for products of affine functions), vectorised over
            sigma; the tables are also compared with the Piecewise outputs on sampled sigma.
Range       (1) every sigma, every m <= n, K = {0..2^m - 1} for n <= 2, and for n = 3 with
            m <= 2 (m = 3: 16 sigma); (2) every sigma, every m <= n, K = {0..2^m - 1} for
            n <= 3, and for n = 4 with m <= 3 (32768 sign patterns); (1) with random sigma: 6
            per (n, m) for n = 4, 5 and 2 per (n, m) for n = 6, with K = a random set of at
            most 4 indices containing 2^m - 1; --full: all sigma of n = 3 in (1), n = 4 with
            m = 4 in (2), 6 random sigma per (n, m) to n = 8.
Falsifier   the A4 feature of main construction §2.9 (the Haar series without "+x", brought into
            [0, 1)): not measure preserving, so Gram(g o f) != I/3.
Source      arXiv 2606.16028, reference construction: main construction §2.8 (orthogonality),
            §2.9 (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import random

import numpy as np
import sympy

from exactmtl import Piecewise, gram, integrate, sawtooth_walsh
from exactmtl.coding import output_table
from exactmtl.construction import (
    all_sigmas,
    feature,
    outputs,
    random_sigma,
    unshifted_feature,
)
from exactmtl.proofcheck import Claim, cases, expect, expect_equal, progress

CLAIM = Claim("M19", "Gram(F_sigma) = I/3 for every sigma")


def _check_outputs(F: list[Piecewise], **case) -> None:
    expect_equal(gram(F), sympy.eye(len(F)) / 3, "Gram(F_sigma) != I/3", **case)
    for t, f in enumerate(F):
        expect_equal(integrate(f), 0, "<F_t, 1> != 0", t=t, **case)


@cases(lambda full: [(n, m) for n in range(1, 4) for m in range(n + 1)],
       merge=lambda _, counts: {"n": "1..3", "instances": sum(counts), "K": "all k < 2^m"},
       weight=lambda nm: 2.0 ** (nm[0] + nm[1] - 4))
def check_all_sigma_piecewise(nm: tuple[int, int], full: bool = False) -> int:
    n, m = nm
    ks = list(range(2 ** m))
    sigmas = all_sigmas(n) if (n < 3 or m < 3 or full) else range(0, 128, 8)
    for s in progress(sigmas, f"n={n}, m={m}"):
        _check_outputs(outputs(s, n, m, ks), n=n, m=m, sigma=s)
    return len(sigmas)


def table_gram(n: int, m: int, ks: list[int], tab=None) -> tuple[np.ndarray, int, np.ndarray]:
    """(Gram numerators for every sigma, common denominator, mean numerators)."""
    tab = output_table(n, m, ks) if tab is None else tab
    # (sigma, t, cell, [left, right]) over scale; |v| <= 2^(n-m) + 2 <= 18 and 2^n <= 16 cells:
    # every sum below is under 16 * 3 * 36^2 < 2^31, so int32 holds it exactly
    v = tab.values.astype(np.int32)
    expect(int(np.abs(tab.values).max(initial=0)) <= 18 and tab.values.shape[2] <= 16,
           "table outside the int32 bound", n=n, m=m)
    a, b = v[..., 0], v[..., 1]
    # sum over cells of 2 a a' + a b' + b a' + 2 b b' = (a + b)(a + b)' + a a' + b b': one
    # contraction of the rows [a + b | a | b] (3 x 16 entries) with themselves
    s = a + b
    x = np.concatenate([s, a, b], axis=2)
    num = np.einsum("stc,suc->stu", x, x)
    den = 6 * tab.scale * tab.scale * 2 ** n
    return num, den, s.sum(axis=2)


def check_all_sigma_cells(full: bool = False) -> dict:
    out = {}
    tables = {}
    for n in range(1, 5):
        for m in range(n + 1 if (n < 4 or full) else n):
            ks = list(range(2 ** m))
            tables[n, m] = tab = output_table(n, m, ks)
            num, den, means = table_gram(n, m, ks, tab)
            target = np.eye(len(ks), dtype=np.int64) * (den // 3)
            expect_equal(den % 3, 0, "denominator", n=n, m=m)
            bad = np.argwhere((num != target).any(axis=(1, 2)))
            expect_equal(bad.size, 0, "Gram(F_sigma) != I/3 (cell tables)", n=n, m=m,
                         sigma=int(bad[0, 0]) if bad.size else None)
            expect_equal(int(np.abs(means).max()), 0, "<F_t, 1> != 0 (cell tables)", n=n, m=m)
            out[f"n={n},m={m}"] = int(num.shape[0])
    # the tables are the Piecewise outputs (sampled); a table not used above (n = 4, m = 4 by
    # default) is built one task at a time (the same rows, a sixteenth of the memory)
    rng = random.Random(19)
    for n in range(1, 5):
        for m in range(n + 1):
            ks = list(range(2 ** m))
            tab = tables.get((n, m))
            count = 1 << ((1 << n) - 1)
            sample = rng.sample(range(count), min(4, count))
            F = {s: outputs(s, n, m, ks) for s in sample}
            for t in range(len(ks)):
                one = tab if tab is not None else output_table(n, m, [ks[t]])
                for s in sample:
                    row = one.piecewise(s, t if tab is not None else 0)
                    expect_equal(row, F[s][t], "cell table != Piecewise output", n=n, m=m,
                                 sigma=s, t=t)
    return out


def check_random_sigma(full: bool = False) -> dict:
    rng = random.Random(191)
    top = 8 if full else 6
    count = 0
    for n in progress(range(4, top + 1), "n"):
        for m in range(n + 1):
            for _ in range(6 if (full or n < 6) else 2):
                size = min(4, 2 ** m)
                ks = sorted({2 ** m - 1, *rng.sample(range(2 ** m), size - 1)})
                s = random_sigma(n, seed=rng.getrandbits(32))
                _check_outputs(outputs(s, n, m, ks), n=n, m=m, ks=ks, sigma=s)
                count += 1
    return {"n": f"4..{top}", "instances": count}


def falsify_a4_feature() -> None:
    n, m, mask = 3, 2, 0b1011001
    f = unshifted_feature(mask, n)
    expect_equal(f != feature(mask, n), True, "A4 is a different feature")
    _check_outputs([sawtooth_walsh(m, k).compose(f) for k in range(4)], n=n, m=m, sigma=mask,
                   feature="A4")
