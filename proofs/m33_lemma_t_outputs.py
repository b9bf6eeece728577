"""M33 -- Lemma T for the discontinuous task outputs: N1 >= 2^q ceil(2^(m-q)/eps) - 2^q.

Statement   For F = g_{m,k} o h_sigma (depth n, m <= n, q = max(n, m)) and 0 < eps, every
            Heaviside network of any depth with ||Phi - F||_inf <= eps has at least
            2^q ceil(2^(m-q)/eps) - 2^q first-layer units (0 when eps >= 2^(m-q)): F is affine
            with |slope| 2^(m+1) on each level-q cell (range length 2^(m+1-q)), so
            >= ceil(2^(m-q)/eps) pieces meet each cell, and only 2^q - 1 cell boundaries can be
            straddled; the pieces lemma turns pieces into units. At eps = 2^(m-p) (p > q) the
            explicit network's 2^p - 1 units are optimal up to the additive 2^q, and the exact
            optimum is at most 2^p - 1.
Check       The least number of pieces of a step function within eps of F, by the exact greedy
            segmentation (optimal_staircase_pieces, now accepting right-continuous jumps), for
            every sigma (n <= 3), every m <= n, every k < 2^m and eps in a list of 12 values;
            bound <= pieces - 1 <= 2^q ceil(2^(m-q)/eps) - 1 (one optimal staircase per cell
            gives the upper end, so the bound is tight up to 2^q - 1, and attained); at
            eps = 2^(m-p), p = q+1, q+2: bound <= pieces - 1 <=
            2^p - 1. The smallest and largest slack are reported.
Range       n <= 3, every sigma (n = 3: sigma in steps of 16, 8 of 128); --full: all 128.
Falsifier   the bound without the "- 2^q" (rejected at sigma = 0, m = 0: a continuous 2x - 1).
Source      arXiv 2606.16028, main construction §4.3, application to the task outputs
            (docs/main_construction.md)
Provenance  derived
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl.construction import outputs
from exactmtl.networks import optimal_staircase_pieces
from exactmtl.proofcheck import Claim, expect, expect_equal, progress
from exactmtl.rates import output_staircase_units

CLAIM = Claim("M33", "Lemma T on the task outputs: N1 >= 2^q ceil(2^(m-q)/eps) - 2^q")

EPS = [Fraction(1, 2), Fraction(2, 5), Fraction(1, 3), Fraction(1, 4), Fraction(1, 5),
       Fraction(3, 16), Fraction(1, 8), Fraction(1, 10), Fraction(1, 16), Fraction(3, 64),
       Fraction(1, 32), Fraction(1, 7)]


def lower_bound(n: int, m: int, eps: Fraction, slack: int = 1) -> int:
    """2^q ceil(2^(m-q)/eps) - slack * 2^q (``slack = 0``: the falsifier)."""
    q = max(n, m)
    r = Fraction(2 ** m, 2 ** q) / eps
    ceil = -(-r.numerator // r.denominator)
    return max(0, 2 ** q * ceil - slack * 2 ** q)


def _check(n: int, sigmas, slack: int = 1) -> tuple[int, int, int]:
    low, high, count = None, None, 0
    for sigma in sigmas:
        for m in range(n + 1):
            fs = outputs(sigma, n, m, list(range(2 ** m)))
            for k, f in enumerate(fs):
                for eps in EPS + [Fraction(2 ** m, 2 ** p) for p in (n + 1, n + 2)]:
                    units = optimal_staircase_pieces(f, eps) - 1
                    bound = lower_bound(n, m, eps, slack)
                    expect(units >= bound, "first-layer units below the Lemma T bound", n=n,
                           m=m, k=k, sigma=sigma, eps=eps, units=units, bound=bound)
                    expect(units <= lower_bound(n, m, eps, 0) - 1,
                           "optimum above 2^q ceil(2^(m-q)/eps) - 1 (one staircase per cell)",
                           n=n, m=m, k=k, sigma=sigma, eps=eps, units=units)
                    if slack == 1:
                        expect_equal(output_staircase_units(n, m, eps),
                                     (bound, lower_bound(n, m, eps, 0) - 1),
                                     "output_staircase_units != the bound", n=n, m=m, eps=eps)
                    gap = units - bound
                    low = gap if low is None else min(low, gap)
                    high = gap if high is None else max(high, gap)
                    count += 1
                for p in (n + 1, n + 2):
                    eps = Fraction(2 ** m, 2 ** p)
                    units = optimal_staircase_pieces(f, eps) - 1
                    expect(units <= 2 ** p - 1, "optimum above the explicit 2^p - 1 units",
                           n=n, m=m, k=k, sigma=sigma, p=p, units=units)
                    expect(2 ** p - 1 - lower_bound(n, m, eps) <= 2 ** n - 1,
                           "explicit network not within 2^q of the bound", n=n, m=m, p=p)
    return count, low, high


def check_bound(full: bool = False) -> dict:
    out = {}
    for n in progress((1, 2, 3), "n"):
        step = 1 if full or n < 3 else 16
        count, low, high = _check(n, range(0, 2 ** (2 ** n - 1), step))
        out[f"n={n}"] = {"cases": count, "min_slack": low, "max_slack": high}
    return out


def falsify_without_additive_term() -> None:
    _check(2, [0], slack=0)
