"""D1.9 -- amortised intrinsic dimension: AID = l k / n + k and the exact image dimension for all k.

Statement   (§D.1) AID = l k / n + k counts raw parameters per task. (derived) The image of
            (Q, alpha) -> (P Q alpha_i)_i (P of full column rank l) has dimension
            r (l + n - r) with r = min(k, l, n): the §D.1 formula k (l + n - k) holds when
            k <= min(l, n) (its stated condition) and otherwise only at k = max(l, n), where it
            is l n by symmetry; it is wrong for every other k > min(l, n) (l = 5, n = 1, k = 2:
            formula 8, rank 5). Per task, r (l + n - r)/n < AID = k (l + n)/n for every k >= 1
            (the GL(r) symmetry removes r^2 >= 1 dimensions).
Check       For every l, n <= 4 and k <= 6 (k up to beyond min(l, n)): the exact integer Jacobian
            rank (Bareiss) at seeded integer points never exceeds image_dimension and reaches it
            at one of 4 seeds; image_dimension == manifold_dimension when k <= min(l, n); the
            companion-notes formula equals the rank iff k <= min(l, n) or k = max(l, n); AID is
            l k / n + k and image_dimension / n < AID.
Range       l, n <= 5, k <= 7 by default; l, n <= 6, k <= 8 with --full.
Falsifier   the companion-notes formula k (l + n - k) applied beyond k <= min(l, n) (rejected at
            l = 3, n = 1, k = 2).
Source      arXiv 2501.19067, amortised intrinsic dimension companions §D.1 (docs/companions.md)
Provenance  derived
"""

from __future__ import annotations

import random
from fractions import Fraction

from exactmtl.companions.intrinsic_dim import (
    amortised_dimension,
    exact_rank,
    image_dimension,
    jacobian,
    manifold_dimension,
    per_task_dimension,
)
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("D1.9", "image dimension min(k,l,n)(l + n - min(k,l,n)) for every k; AID")


def _instance(l: int, n: int, k: int, seed: int):
    rng = random.Random(1000 * seed + 100 * l + 10 * n + k)

    def mat(r: int, c: int):
        return [[rng.randint(-4, 4) for _ in range(c)] for _ in range(r)]

    while True:
        P = mat(l + 1, l)
        if exact_rank(P) == l:
            return P, mat(l, k), mat(k, n)


def _check(l: int, n: int, k: int, formula) -> None:
    best = 0
    for seed in range(4):
        rank = exact_rank(jacobian(*_instance(l, n, k, seed)))
        expect(rank <= formula(l, n, k), "Jacobian rank exceeds the formula", l=l, n=n, k=k,
               rank=rank, formula=formula(l, n, k))
        best = max(best, rank)
        if best == formula(l, n, k):
            return
    expect(False, "generic rank not reached", l=l, n=n, k=k, rank=best,
           formula=formula(l, n, k))


def check_rank_all_k(full: bool = False) -> dict:
    top, top_k = (6, 8) if full else (5, 7)
    beyond = 0
    for l in progress(range(1, top + 1), "l"):
        for n in range(1, top + 1):
            for k in range(1, top_k + 1):
                _check(l, n, k, image_dimension)
                spec_ok = k * (l + n - k) == image_dimension(l, n, k)
                expect_equal(spec_ok, k <= min(l, n) or k == max(l, n),
                             "companion-notes formula valid iff k <= min(l, n) or k = max(l, n)",
                             l=l, n=n, k=k)
                expect(Fraction(image_dimension(l, n, k), n) < amortised_dimension(l, k, n),
                       "identifiable per-task dimension not below AID", l=l, n=n, k=k)
                if k <= min(l, n):
                    expect_equal(image_dimension(l, n, k), manifold_dimension(l, n, k),
                                 "image_dimension != manifold_dimension", l=l, n=n, k=k)
                    expect_equal(per_task_dimension(l, n, k), Fraction(
                        image_dimension(l, n, k), n), "per_task_dimension", l=l, n=n, k=k)
                elif not spec_ok:
                    beyond += 1
                expect_equal(amortised_dimension(l, k, n), Fraction(l * k, n) + k, "AID",
                             l=l, n=n, k=k)
    return {"l_n_max": top, "k_max": top_k, "spec_formula_wrong_cases": beyond,
            "counterexample": {"l": 5, "n": 1, "k": 2, "spec": 8,
                               "rank": image_dimension(5, 1, 2)}}


def falsify_spec_formula_beyond() -> None:
    _check(3, 1, 2, lambda l, n, k: k * (l + n - k) if k <= l + n else 0)
