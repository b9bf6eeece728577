"""D4.1 -- spiked rectangular limits: consistent at the threshold theta = c^(1/4).

Statement   For X = theta u v^T + G (n x m, G_ij ~ N(0, 1/m), c = n/m in (0, 1]), the
            Benaych-Georges--Nadakuditi limits sigma = sqrt((1 + t^2)(c + t^2)) / t and squared
            overlaps 1 - c(1 + t^2)/(t^2 (t^2 + c)), 1 - (c + t^2)/(t^2 (t^2 + 1)) (t = theta)
            meet the below-threshold values 1 + sqrt(c), 0, 0 continuously at t^4 = c; above it
            the overlaps lie in (0, 1) and sigma > 1 + sqrt(c); as t -> oo, sigma / t -> 1 and
            both overlaps -> 1.
Check       symbolic, exact: with c = t^4, sigma^2 - (1 + t^2)^2 and both overlaps reduce to 0
            as rational functions (sympy cancel: a canonical form); with c = r^4,
            sigma^2 - (1 + sqrt(c))^2 = (t^2 - r^2)^2 / t^2 exactly (so sigma > 1 + sqrt(c) off
            the threshold); limits by sympy.limit; exact rational instances (overlaps rational,
            in (0, 1) above the threshold). The formulas are asymptotic: simulations compare
            them with finite matrices in tests (never a proof).
Range       symbolic in (t, c), plus 25 rational pairs above and below the threshold.
Falsifier   the threshold placed at theta = c^(1/2) (a common slip): the overlap at that theta is
            negative for c < 1, so the "above threshold" branch is not a squared overlap there.
Source      companions §D.4 (spiked rectangular matrices) (docs/companions.md); arXiv
            1910.13593; Benaych-Georges and Nadakuditi, J. Multivariate Anal. 111 (2012).
Provenance  paper
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy

from exactmtl.companions.statphys import spiked_rectangular, spiked_rectangular_formulas
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("D4.1", "spiked rectangular limits are continuous at the threshold")

R = sympy.Symbol("r", positive=True)


def _check_threshold(threshold_in_r) -> None:
    """With c = r^4, the formulas at theta = threshold_in_r must meet the bulk values."""
    f = spiked_rectangular_formulas()
    sub = {f["c"]: R ** 4, f["theta"]: threshold_in_r}
    expect_equal(sympy.cancel(f["sigma"].subs(sub) ** 2 - (1 + R ** 2) ** 2), 0,
                 "sigma at threshold != 1 + sqrt(c)", theta=threshold_in_r)
    for key in ("overlap_left", "overlap_right"):
        expect_equal(sympy.cancel(f[key].subs(sub)), 0, f"{key} at threshold != 0",
                     theta=threshold_in_r)


def check_threshold_continuity() -> dict:
    _check_threshold(R)  # theta = c^(1/4) = r when c = r^4
    return {"threshold": "theta^4 = c"}


def check_above_threshold_shape() -> dict:
    f = spiked_rectangular_formulas()
    t, c = f["theta"], f["c"]
    # sigma^2 - (1 + sqrt c)^2 with c = r^4 is (t^2 - r^2)^2 / t^2 >= 0
    diff = sympy.cancel(f["sigma"].subs(c, R ** 4) ** 2 - (1 + R ** 2) ** 2)
    expect_equal(sympy.cancel(diff - (t ** 2 - R ** 2) ** 2 / t ** 2), 0,
                 "sigma^2 - edge^2 != (theta^2 - sqrt(c))^2 / theta^2", got=diff)
    expect_equal(sympy.limit(f["sigma"] / t, t, sympy.oo), 1)
    expect_equal(sympy.limit(f["overlap_left"], t, sympy.oo), 1)
    expect_equal(sympy.limit(f["overlap_right"], t, sympy.oo), 1)
    return {"sigma^2 - edge^2": "(theta^2 - sqrt(c))^2 / theta^2"}


def check_rational_instances() -> dict:
    rng = random.Random(1910)
    for _ in range(25):
        theta = Fraction(rng.randint(1, 12), rng.randint(1, 6))
        c = Fraction(rng.randint(1, 8), 8)
        lim = spiked_rectangular(theta, c)
        expect_equal(lim.above_threshold, theta ** 4 > c, theta=theta, c=c)
        if lim.above_threshold:
            expect(0 < lim.overlap_left < 1 and 0 < lim.overlap_right < 1,
                   "overlap outside (0, 1)", theta=theta, c=c)
        else:
            expect_equal((lim.overlap_left, lim.overlap_right), (0, 0), theta=theta, c=c)
    return {"instances": 25}


def falsify_sqrt_threshold() -> None:
    _check_threshold(R ** 2)  # theta = c^(1/2)
