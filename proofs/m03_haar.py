"""M3 -- Haar wavelets: Rademacher form, orthogonality, level sums.

Statement   psi_{j,k} = 1_{I_{j,k}} r_{j+1}; sum_k psi_{j,k} = r_{j+1};
            <psi_{j,k}, psi_{j',k'}> = 2^-j delta_jj' delta_kk' and <psi_{j,k}, 1> = 0.
Check       exact Piecewise identities (exactmtl.equal, verdict "everywhere") for every
            (j, k), j <= J, and the exact Gram matrix of {1} + all psi_{j,k}, j <= J, which must
            be diag(1, 2^-j ...).
Range       J = 4 (32 functions) by default; J = 6 with --full.
Falsifier   psi_{2,1} with a wrong half (+1 on both halves of its cell): the Rademacher form and
            the Gram matrix are rejected.
Source      arXiv 2606.16028 (framework); main construction §2.3 (docs/main_construction.md);
            conventions §A.5 (docs/conventions.md); standard.
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from exactmtl import Piecewise, equal, gram, haar, rademacher
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("M3", "Haar wavelets: Rademacher form and orthogonality")


def _indicator(j: int, k: int) -> Piecewise:
    a, b = Fraction(k, 2 ** j), Fraction(k + 1, 2 ** j)
    bps = [t for t in (a, b) if 0 < t < 1]
    vals = ([0] if a > 0 else []) + [1] + ([0] if b < 1 else [])
    return Piecewise.step(bps, vals)


def _check(top: int, psi) -> dict:
    fs = [Piecewise.constant(1)]
    diag = [sympy.Integer(1)]
    for j in range(top + 1):
        total = Piecewise.constant(0)
        for k in range(2 ** j):
            p = psi(j, k)
            v = equal(p, _indicator(j, k) * rademacher(j + 1))
            expect(v.verdict == "everywhere", f"psi != 1_I r_(j+1): {v}", j=j, k=k)
            total = total + p
            fs.append(p)
            diag.append(sympy.Rational(1, 2 ** j))
        v = equal(total, rademacher(j + 1))
        expect(v.verdict == "everywhere", f"sum_k psi_(j,k) != r_(j+1): {v}", j=j)
    expect_equal(gram(fs), sympy.diag(*diag), "Gram of {1, psi} != diag(1, 2^-j)", J=top)
    return {"J": top, "functions": len(fs)}


def check_haar(full: bool = False) -> dict:
    return _check(6 if full else 4, haar)


def falsify_wrong_half() -> None:
    def psi(j, k):
        return _indicator(2, 1) if (j, k) == (2, 1) else haar(j, k)

    _check(3, psi)
