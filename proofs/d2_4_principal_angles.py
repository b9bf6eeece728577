"""D2.4 -- exact principal angles: cos^2 are the eigenvalues of P_A P_B restricted to span(A).

Statement   For bases A (d x p), B (d x q), p <= q, the squared cosines of the principal angles
            are the eigenvalues of M = (A^T A)^{-1} A^T B (B^T B)^{-1} B^T A; they depend only
            on the subspaces (A -> A G, B -> B H for invertible G, H), are symmetric in (A, B), and
            equal the squared singular values of Qa^T Qb for orthonormal bases.
Check       exact (sympy, roots of rational characteristic polynomials): known cases (cosines
            1 and 3/5; cos = sqrt(2)/2 for a line at 45 degrees); seeded random rational bases
            (d <= 5): invariance under random rational changes of basis, symmetry, and equality
            with the orthonormal formula on Pythagorean orthonormal bases; the product of the
            cosines squared equals det(M) computed separately.
Range       12 random pairs (40 with --full), d <= 5.
Falsifier   the unnormalised matrix A^T B B^T A (no (A^T A)^{-1}, (B^T B)^{-1}) on a
            non-orthonormal basis gives values that are not the squared cosines.
Source      companions §D.2 (principal angles) (docs/companions.md); arXiv 2307.06887; Björck
            and Golub, Math. Comp. 27 (1973).
Provenance  paper
"""

from __future__ import annotations

import random

import sympy

from exactmtl.companions.representation import principal_cosines
from exactmtl.jointsep import exact_equal
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("D2.4", "exact principal angles are basis invariant")


def _equal(x, y) -> bool:
    """Exact equality of algebraic numbers: the minimal polynomial of x - y is z."""
    return exact_equal(x, y) is True


def _check_against(A, B, squared_cosines) -> None:
    got = [sympy.expand(c ** 2) for c in principal_cosines(A, B)]
    want = sorted(squared_cosines, key=lambda v: -sympy.N(v, 50))  # order only; equality exact
    ok = len(got) == len(want) and all(_equal(g, w) for g, w in zip(got, want))
    expect(ok, "squared cosines differ", A=A.tolist(), B=B.tolist(), got=got, want=want)


def _rand(rng, d, p):
    while True:
        M = sympy.Matrix(d, p, lambda i, j: sympy.Rational(rng.randint(-4, 4), rng.randint(1, 3)))
        if M.rank() == p:
            return M


def check_known_cases() -> dict:
    e = sympy.Matrix([[1, 0], [0, 1], [0, 0]])
    expect_equal(principal_cosines(e, [[1, 0], [0, 3], [0, 4]]), (1, sympy.Rational(3, 5)))
    expect_equal(principal_cosines([[1], [0]], [[1], [1]]), (sympy.sqrt(2) / 2,))
    expect_equal(principal_cosines(e, [[0], [0], [1]]), (0,))
    return {"cases": 3}


def check_invariance(full: bool = False) -> dict:
    rng = random.Random(4)
    count = 40 if full else 12
    for _ in progress(range(count), "pairs"):
        d = rng.randint(2, 5)
        p, q = rng.randint(1, d), rng.randint(1, d)
        A, B = _rand(rng, d, p), _rand(rng, d, q)
        base = [sympy.expand(c ** 2) for c in principal_cosines(A, B)]
        _check_against(A * _rand(rng, p, p), B * _rand(rng, q, q), base)
        _check_against(B, A, base)
        small, big = (A, B) if p <= q else (B, A)
        M = ((small.T * small).inv() * small.T * big * (big.T * big).inv() * big.T * small)
        prod = sympy.Integer(1)
        for v in base:
            prod *= v
        expect(_equal(prod, M.det()), "product of cos^2 != det M", A=A.tolist(), B=B.tolist())
    return {"pairs": count}


def check_orthonormal_formula() -> dict:
    F = sympy.Rational
    Qa = sympy.Matrix([[F(3, 5), 0], [F(4, 5), 0], [0, 1], [0, 0]])
    Qb = sympy.Matrix([[1, 0], [0, F(5, 13)], [0, F(12, 13)], [0, 0]])
    a = principal_cosines(Qa, Qb, orthonormal=True)
    b = principal_cosines(Qa, Qb)
    expect_equal(a, b, "orthonormal formula differs from the general one")
    return {"cosines": [str(c) for c in a]}


def falsify_unnormalised() -> None:
    A = sympy.Matrix([[2, 0], [0, 1], [0, 0]])
    B = sympy.Matrix([[1, 0], [0, 3], [0, 4]])
    M = A.T * B * B.T * A
    _check_against(A, B, list(M.eigenvals(multiple=True)))
