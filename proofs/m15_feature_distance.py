"""M15 -- The sup distance of two features: tree recursion = cell formula; extreme values.

Statement   ||h_sigma - h_sigma'||_inf = max_c |tau_sigma(c) - tau_sigma'(c)| (an integer
            multiple of 2^-n), and it equals the tree recursion of main construction §2.6 (delta
            = sigma XOR sigma'; t(u, b) = +-2^-(l+1) at differing nodes, + iff b = 1 XOR sigma_u;
            d = max(Mx(root), -Mn(root))). The minimum distance between distinct features is
            2^-n, the maximum 1 - 2^-n. Truncating sigma to the levels < n moves h by at most
            2^-n (infinite-depth remark).
Check       all pairs for n <= 3 (recursion = cell formula, min and max); the exact Piecewise
            sup norm of h_sigma - h_sigma' on 200 pairs; random pairs for 4 <= n <= 8 (recursion
            = cell formula = Piecewise sup norm); truncation of random depth-(n + 3) patterns.
Range       all pairs n <= 3; 50 random pairs per n <= 8 (--full: 400 pairs, n <= 10).
Falsifier   the recursion with a sign convention that ignores sigma_u (+ iff b = 0), run on
            all pairs of depth 3: it disagrees with the cell formula on 1472 of the 16384
            pairs, e.g. sigma = 1, sigma' = 10 (distance 3/4, the wrong recursion 7/8). At
            depth n <= 2 this wrong recursion is *correct*: every node below the root has
            leaf children, so Mx = -Mn there and it does not matter which child of a node
            gets the +; that is why the former depth-2 falsifier could not be rejected. (The
            globally flipped convention, + iff b = sigma_u, gives the same distance at every
            depth by symmetry, so it cannot serve either.)
Source      arXiv 2606.16028, reference construction: main construction §2.6 (sup distance,
            infinite depth) (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import random
from fractions import Fraction

from exactmtl import sup_norm
from exactmtl.construction import (
    all_sigmas,
    feature,
    feature_distance,
    feature_distance_cells,
)
from exactmtl.proofcheck import Claim, cases, expect_equal, progress

CLAIM = Claim("M15", "feature distance: recursion = cell formula; min 2^-n, max 1 - 2^-n")


def _wrong_recursion(s: int, o: int, n: int) -> Fraction:
    """The recursion with a sign convention that ignores sigma_u (+ iff b = 0).

    (Flipping the convention globally, + iff b = sigma_u, negates every t and swaps Mx and
    -Mn: the distance is unchanged, so that is no falsifier.)
    """
    d = s ^ o
    mx, mn = [0] * 2 ** n, [0] * 2 ** n
    for level in range(n - 1, -1, -1):
        step = 2 ** (n - level - 1)
        nmx, nmn = [], []
        for k in range(2 ** level):
            node = 2 ** level - 1 + k
            good = 0
            tb = [(step if b == good else -step) if (d >> node) & 1 else 0 for b in (0, 1)]
            nmx.append(max(tb[b] + mx[2 * k + b] for b in (0, 1)))
            nmn.append(min(tb[b] + mn[2 * k + b] for b in (0, 1)))
        mx, mn = nmx, nmn
    return Fraction(max(mx[0], -mn[0]), 2 ** n)


def _check_pairs(n: int, pairs, recursion, with_piecewise: bool = False) -> tuple:
    lo, hi = None, None
    for s, o in pairs:
        d = recursion(s, o, n)
        expect_equal(d, feature_distance_cells(s, o, n), "recursion != cell formula", n=n,
                     sigma=s, other=o)
        if with_piecewise:
            expect_equal(d, sup_norm(feature(s, n) - feature(o, n)), "Piecewise sup norm", n=n,
                         sigma=s, other=o)
        if s != o:
            lo = d if lo is None else min(lo, d)
            hi = d if hi is None else max(hi, d)
    return lo, hi


def check_all_pairs() -> dict:
    rng = random.Random(15)
    for n in range(1, 4):
        sig = list(all_sigmas(n))
        lo, hi = _check_pairs(n, ((s, o) for s in progress(sig, f"n={n}") for o in sig),
                              feature_distance)
        expect_equal(lo, Fraction(1, 2 ** n), "minimum distance != 2^-n", n=n)
        expect_equal(hi, 1 - Fraction(1, 2 ** n), "maximum distance != 1 - 2^-n", n=n)
        _check_pairs(n, [(rng.choice(sig), rng.choice(sig)) for _ in range(200 // n)],
                     feature_distance, with_piecewise=True)
    return {"n": "1..3", "pairs_n3": 128 * 128}


def _random_pairs(n: int, count: int) -> list[tuple[int, int]]:
    """The seeded pairs of depth n: one generator drawn depth after depth from n = 4."""
    rng = random.Random(151)
    for depth in range(4, n + 1):
        size = 2 ** (2 ** depth - 1)
        pairs = [(rng.randrange(size), rng.randrange(size)) for _ in range(count)]
    return pairs


@cases(lambda full: [(n, 400 if full else 50) for n in range(4, (10 if full else 8) + 1)],
       merge=lambda cs, _: {"n": f"4..{cs[-1][0]}", "pairs": cs[-1][1]},
       weight=lambda c: c[1] / 400 * (8 if c[0] <= 6 else 2 ** (c[0] - 8)))
def check_random_pairs(case: tuple[int, int]) -> None:
    n, count = case
    _check_pairs(n, _random_pairs(n, count), feature_distance, with_piecewise=n <= 6)


def check_truncation() -> dict:
    rng = random.Random(152)
    for n in range(1, 6):
        deep = n + 3
        for _ in range(30):
            s = rng.randrange(2 ** (2 ** deep - 1))
            trunc = s & (2 ** (2 ** n - 1) - 1)
            d = feature_distance(s, trunc, deep)
            expect_equal(d <= Fraction(1, 2 ** n), True, "truncation moves h by more than 2^-n",
                         n=n, sigma=s, distance=d)
    return {"n": "1..5", "extra levels": 3}


def falsify_flipped_convention() -> None:
    # depth 3 is the smallest depth at which the convention matters (see the docstring)
    sig = list(all_sigmas(3))
    _check_pairs(3, ((s, o) for s in sig for o in sig), _wrong_recursion)


def falsify_flipped_convention_pinned() -> None:
    # the first failing pair (distance 3/4, the wrong recursion 7/8): delta = 0b1011 differs
    # at the root, (1,0) and (2,0) only, so the subtree of (1,0) is not symmetric (Mx != -Mn)
    # and which child of the root gets the + matters
    _check_pairs(3, [(1, 10)], _wrong_recursion)
