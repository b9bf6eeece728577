"""M32 -- reading (3): with T(eps) = ceil(eps^-beta) tasks the optimal exponents separate.

Statement   For rational beta > 0, T(eps) = ceil(eps^-beta) tasks at m = ceil(log2 T),
            K = {0..T-1}, infinite depth, along eps = 2^-j (j >= 1):
            (1/2) eps^-(1+beta) <= L_joint <= 2 eps^-(1+beta) and
            (1/2) eps^-(1+2beta) <= L_sep <= 4 eps^-(1+2beta), so the optimal exponents are
            gamma*_joint = 1/(1+beta) > gamma*_sep = 1/(1+2beta) (main construction §3.6 (3); the
            proof gives the same constants at every eps in (0, 1)).
Check       For each beta, j = 1..40: T(eps) exactly (least N with N^q >= 2^(j p)), checked by
            N^q >= 2^(jp) > (N-1)^q; Theorem B's bounds at n = oo; the four inequalities with
            c1 = 1/2, c2 = 2, c3 = 1/2, c4 = 4 by exact comparison of L^q with c^q 2^(j(q+p))
            (resp. 2^(j(q+2p))); the observed extreme ratios are reported. rate_exponents equals
            1/(1+beta), 1/(1+2beta), the two differ, and sympy.limit of log(c x^(1+b))/log x
            (resp. 1+2b; symbols c, b > 0) as x -> oo confirms that a sandwich gives that
            exponent.
Range       beta in {1/4, 1/3, 1/2, 2/3, 1, 3/2, 2, 3}, j <= 40; --full adds beta = 5/7, 7/5, 4,
            j <= 60.
Falsifier   the separate upper bound with the joint exponent 1+beta (i.e. gamma*_sep =
            gamma*_joint), and c1 = 1 (rejected at beta = 1/3).
Source      arXiv 2606.16028, main construction §3.6 (3) (docs/main_construction.md)
Provenance  derived
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy

from exactmtl.proofcheck import Claim, expect, expect_equal, progress
from exactmtl.rates import EXPONENT_CONSTANTS, exponent_gap, rate_exponents

CLAIM = Claim("M32", "reading (3): exponents 1/(1+beta) > 1/(1+2beta); "
              + ", ".join(f"{k} = {v}" for k, v in EXPONENT_CONSTANTS.items()))

BETAS = [Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(1),
         Fraction(3, 2), Fraction(2), Fraction(3)]
MORE_BETAS = [Fraction(5, 7), Fraction(7, 5), Fraction(4)]


def _numeric_ratio(value: int, exponent: Fraction):
    """value / 2^exponent as an mpmath number (30 digits; display of the extremes only)."""
    with mpmath.workdps(30):
        return mpmath.mpf(value) / mpmath.power(2, mpmath.mpf(exponent.numerator)
                                                / exponent.denominator)


def _check_beta(beta: Fraction, top_j: int, constants: dict | None = None,
                sep_exponent_offset: Fraction = Fraction(0)) -> dict:
    p, q = beta.numerator, beta.denominator
    lows, highs = [], []
    for j in range(1, top_j + 1):
        row = exponent_gap(beta, j)
        T = row.T
        expect(T ** q >= 2 ** (j * p) and (T - 1) ** q < 2 ** (j * p), "T != ceil(eps^-beta)",
               beta=beta, j=j, T=T)
        expect(2 ** row.m >= T and (T == 1 or 2 ** (row.m - 1) < T), "m != ceil(log2 T)",
               beta=beta, j=j)
        ok = row.within(constants)
        for name in ("c1", "c2", "c3"):
            expect(ok[name], f"sandwich constant {name} fails", beta=beta, j=j, T=T,
                   joint=row.joint, separate=row.separate)
        a2 = j * (1 + 2 * beta) - sep_exponent_offset * j
        c4 = (constants or {}).get("c4", EXPONENT_CONSTANTS["c4"])
        lhs = Fraction(row.separate[1]) / c4
        expect(lhs ** a2.denominator <= Fraction(2) ** a2.numerator, "c4 fails", beta=beta,
               j=j, T=T, separate=row.separate, exponent=a2)
        lows.append((row.joint[0], row.separate[0], j))
        highs.append((row.joint[1], row.separate[1], j))
    a1 = lambda j: j * (1 + beta)  # noqa: E731
    a2f = lambda j: j * (1 + 2 * beta)  # noqa: E731
    return {
        "joint_ratio_range": [mpmath.nstr(v, 8) for v in (
            min(_numeric_ratio(lj, a1(j)) for lj, _, j in lows),
            max(_numeric_ratio(hj, a1(j)) for hj, _, j in highs))],
        "sep_ratio_range": [mpmath.nstr(v, 8) for v in (
            min(_numeric_ratio(ls, a2f(j)) for _, ls, j in lows),
            max(_numeric_ratio(hs, a2f(j)) for _, hs, j in highs))],
    }


def check_sandwich(full: bool = False) -> dict:
    betas = BETAS + (MORE_BETAS if full else [])
    top_j = 60 if full else 40
    out = {"constants": {k: str(v) for k, v in EXPONENT_CONSTANTS.items()}, "j_max": top_j}
    for beta in progress(betas, "beta"):
        out[f"beta={beta}"] = _check_beta(beta, top_j)
    return out


def check_exponents() -> dict:
    # symbolic: any sandwich c x^(1+beta) (x = 1/eps, c > 0) has log L / log x -> 1 + beta
    x, b, c = sympy.symbols("x b c", positive=True)
    lim_joint = sympy.limit(sympy.log(c * x ** (1 + b)) / sympy.log(x), x, sympy.oo)
    lim_sep = sympy.limit(sympy.log(c * x ** (1 + 2 * b)) / sympy.log(x), x, sympy.oo)
    expect_equal((lim_joint, lim_sep), (1 + b, 1 + 2 * b), "sympy limits of the sandwiches")
    for beta in BETAS + MORE_BETAS:
        gj, gs = rate_exponents(beta)
        expect_equal((gj, gs), (1 / (1 + beta), 1 / (1 + 2 * beta)), "exponents", beta=beta)
        expect_equal((1 / gj, 1 / gs), (Fraction(str(lim_joint.subs(b, sympy.Rational(
            beta.numerator, beta.denominator)))), Fraction(str(lim_sep.subs(b, sympy.Rational(
                beta.numerator, beta.denominator))))), "exponent != 1/limit", beta=beta)
        expect(gj > gs, "no strict exponent gap", beta=beta)
    return {str(b): [str(x) for x in rate_exponents(b)] for b in BETAS}


def falsify_separate_with_joint_exponent() -> None:
    _check_beta(Fraction(1, 2), 40, sep_exponent_offset=Fraction(1, 2))


def falsify_c1_equal_one() -> None:
    _check_beta(Fraction(1, 3), 40, constants={"c1": Fraction(1)})
