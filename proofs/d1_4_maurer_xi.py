"""D1.4 -- Maurer's constant: sqrt(N) <= xi(N) <= 2 sqrt(N), exactly, for N <= 300.

Statement   xi(N) = sum_k C(N, k) k^k (N - k)^(N - k) / N^N (0^0 = 1) is rational with
            xi(1) = 2, xi(4) = 103/32, and N <= xi(N)^2 <= 4 N for N <= 300 (equality on the right
            only at N = 1). Observed on the same range: xi(N)^2 / N is strictly decreasing and
            stays above 314159/200000 (about pi/2, the asymptotic value).
Check       Exact Fraction arithmetic for every N in range: both inequalities, the strict
            decrease of xi(N)^2/N, the lower constant; xi(4) = 103/32; xi(N) also equals
            E_p[exp(N kl(k/N || p))] for Binomial(N, p) at p = 1/3 (exact: the p-dependence
            cancels term by term).
Range       N <= 300 by default (companions §D.1), N <= 700 with --full.
Falsifier   the constant 3 instead of 4 fails at N = 1 (xi(1)^2 = 4); the 0^0 = 0 convention
            (dropping k = 0 and k = N) breaks sqrt(N) <= xi(N) at N = 1.
Source      companions §D.1 (docs/companions.md); arXiv 2501.19067 (Maurer-Seeger form); Maurer,
            A note on the PAC Bayesian theorem (2004).
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

from exactmtl.companions.pacbayes import maurer_xi
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("D1.4", "sqrt(N) <= xi(N) <= 2 sqrt(N)")


def _check(top: int, xi, upper: int = 4) -> int:
    prev = None
    for N in progress(range(1, top + 1), "N"):
        x2 = xi(N) ** 2
        expect(x2 <= upper * N, f"xi(N)^2 > {upper} N", N=N)
        expect(N <= x2, "xi(N) < sqrt(N)", N=N)
        ratio = x2 / N
        expect(ratio > Fraction(314159, 200000), "xi(N)^2/N <= 314159/200000", N=N)
        if prev is not None:
            expect(ratio < prev, "xi(N)^2/N not decreasing", N=N)
        prev = ratio
    return top


def check_bounds(full: bool = False) -> dict:
    return {"N <=": _check(700 if full else 300, maurer_xi)}


def check_values_and_expectation() -> dict:
    expect_equal(maurer_xi(1), 2)
    expect_equal(maurer_xi(4), Fraction(103, 32))
    p = Fraction(1, 3)
    for N in range(1, 30):
        total = Fraction(0)
        for k in range(N + 1):
            prob = comb(N, k) * p**k * (1 - p) ** (N - k)
            # exp(N kl(k/N || p)) = (k/N)^k ((N-k)/N)^(N-k) / (p^k (1-p)^(N-k)), exactly
            total += prob * Fraction(k, N) ** k * Fraction(N - k, N) ** (N - k) / (
                p**k * (1 - p) ** (N - k))
        expect_equal(total, maurer_xi(N), "E exp(N kl) != xi(N)", N=N)
    return {"xi(4)": "103/32", "expectation identity N <=": 29}


def falsify_constant_three() -> None:
    _check(10, maurer_xi, upper=3)


def falsify_zero_power_zero() -> None:
    def xi_bad(N: int) -> Fraction:
        return Fraction(sum(comb(N, k) * k**k * (N - k) ** (N - k) for k in range(1, N)), N**N)

    _check(10, xi_bad)
