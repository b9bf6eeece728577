"""A2 -- the Haar system is an orthogonal basis of the level-n step functions.

Statement   <psi_{j,k}, psi_{j',k'}> = 2^-j delta_jj' delta_kk', <psi_{j,k}, 1> = 0, and
            {1} with psi_{j,k} (j < n) spans the step functions on the level-n cells; the
            normalised psi~ = 2^(j/2) psi are orthonormal (sqrt(2) carried exactly by sympy).
Check       exact Gram matrix of the 2^n Haar functions; exact expansion of random integer step
            functions (seeded) by c = <f, psi>/<psi, psi> and exact reconstruction (equal(...)).
Range       n <= 6 (64 functions) by default, n <= 8 with --full; 5 random steps per n.
Falsifier   one psi with its halves on the wrong cell: the Gram matrix is not diagonal.
Source      conventions §A.5 (docs/conventions.md); main construction §2.3
            (docs/main_construction.md); Haar (1910), standard.
Provenance  paper
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy

from exactmtl import Piecewise, equal, gram, haar, inner
from exactmtl.proofcheck import Claim, expect, expect_equal, expect_true, progress

CLAIM = Claim("A2", "Haar system: orthogonal basis of level-n step functions")


def _system(n: int) -> list[tuple[int, Piecewise]]:
    out = [(-1, Piecewise.constant(1))]
    for j in range(n):
        out.extend((j, haar(j, k)) for k in range(1 << j))
    return out


def _check_system(n: int, system: list[tuple[int, Piecewise]]) -> None:
    expect_equal(len(system), 1 << n, "wrong number of functions", n=n)
    expected = sympy.diag(*[sympy.Rational(1, 1 << max(j, 0)) for j, _ in system])
    expect_equal(gram([f for _, f in system]), expected, "Gram matrix is not diag(2^-j)", n=n)


def _check_basis(n: int, system: list[tuple[int, Piecewise]], rng: random.Random) -> None:
    for trial in range(5):
        f = Piecewise.on_grid([rng.randint(-9, 9) for _ in range(1 << n)])
        recon = Piecewise.constant(0)
        for _, psi in system:
            recon = recon + psi * (inner(f, psi) / inner(psi, psi))
        expect_true(equal(recon, f), "Haar expansion does not reconstruct f", n=n, trial=trial)


def check_orthogonal_basis(full: bool = False) -> dict:
    rng = random.Random(20260606)
    top = 8 if full else 6
    for n in progress(range(1, top + 1), "levels"):
        system = _system(n)
        _check_system(n, system)
        _check_basis(n, system, rng)
    return {"levels": top}


def check_normalised_orthonormal() -> None:
    fs = [haar(j, k, normalized=True) for j in range(4) for k in range(1 << j)]
    expect_equal(gram(fs), sympy.eye(len(fs)), "normalised Haar Gram matrix is not I")
    expect(haar(3, 0, normalized=True).factor == 2 * sympy.sqrt(2), "2^(3/2) not carried exactly")


def falsify_wrong_half() -> None:
    n = 3
    system = _system(n)
    bad = Piecewise.step([Fraction(1, 2), Fraction(5, 8), Fraction(3, 4)], [0, 1, -1, 0])
    system[-1] = (2, bad)  # psi_{2,3} replaced by a copy on cell 2's halves
    _check_system(n, system)
