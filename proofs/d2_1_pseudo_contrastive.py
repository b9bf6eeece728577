"""D2.1 -- pseudo-contrastive identity: sum_t ||Phi^T y_t||^2 = <Phi Phi^T, Y Y^T>_F.

Statement   For every n x k matrix Phi and n x T matrix Y with columns y_t,
            sum_t ||Phi^T y_t||^2 = <Phi Phi^T, Y Y^T>_F (derived; after one head step of a loss
            linear in the head, the representation objective is this quantity up to eta / n^2).
Check       both sides as sympy Poly in symbolic entries (a canonical form) for all
            n, k, T <= 2 (<= 3 with --full); exact rational evaluation on 40 seeded random
            integer and rational instances up to 8 x 6 x 5.
Range       symbolic sizes <= 2 (<= 3 with --full); 40 random instances (200 with --full).
Falsifier   the transposed pairing <Phi^T Phi, Y^T Y>_F (square case n = k = T) differs.
Source      companions §D.2 (pseudo-contrastive identity) (docs/companions.md); arXiv 2307.06887
            (PMLR 235:9292-9345).
Provenance  derived
"""

from __future__ import annotations

import random
from fractions import Fraction

from exactmtl.companions.representation import (
    pseudo_contrastive_identity,
    pseudo_contrastive_symbolic,
)
from exactmtl.proofcheck import Claim, expect_equal, progress

CLAIM = Claim("D2.1", "pseudo-contrastive identity")


def _frobenius(A: list, B: list) -> Fraction:
    return sum((a * b for ra, rb in zip(A, B) for a, b in zip(ra, rb)), Fraction(0))


def _gram(M: list) -> list:
    return [[sum((x * y for x, y in zip(r, s)), Fraction(0)) for s in M] for r in M]


def _transpose(M: list) -> list:
    return [list(c) for c in zip(*M)]


def _check(Phi: list, Y: list, rhs_gram=None) -> None:
    """Independent lhs (plain Fractions) against the module's rhs, or against ``rhs_gram``."""
    lhs = Fraction(0)
    for t in range(len(Y[0])):
        v = [sum((Phi[i][j] * Y[i][t] for i in range(len(Phi))), Fraction(0))
             for j in range(len(Phi[0]))]
        lhs += sum((x * x for x in v), Fraction(0))
    rhs = rhs_gram(Phi, Y) if rhs_gram else pseudo_contrastive_identity(Phi, Y).rhs
    expect_equal(lhs, rhs, "sum ||Phi^T y_t||^2 != <Phi Phi^T, Y Y^T>", Phi=Phi, Y=Y)


def _random(rng: random.Random, rows: int, cols: int, rational: bool) -> list:
    def entry() -> Fraction:
        return Fraction(rng.randint(-9, 9), rng.randint(1, 7) if rational else 1)
    return [[entry() for _ in range(cols)] for _ in range(rows)]


def check_symbolic(full: bool = False) -> dict:
    top = 3 if full else 2
    sizes = [(n, k, T) for n in range(1, top + 1) for k in range(1, top + 1)
             for T in range(1, top + 1)]
    for n, k, T in progress(sizes, "symbolic"):
        c = pseudo_contrastive_symbolic(n, k, T)
        expect_equal(c.lhs, c.rhs, "polynomials differ", n=n, k=k, T=T)
    return {"symbolic_sizes": len(sizes)}


def check_random_instances(full: bool = False) -> dict:
    rng = random.Random(2307)
    count = 200 if full else 40
    for i in progress(range(count), "random"):
        n, k, T = rng.randint(1, 8), rng.randint(1, 6), rng.randint(1, 5)
        _check(_random(rng, n, k, i % 2 == 1), _random(rng, n, T, i % 3 == 0))
    return {"instances": count}


def falsify_transposed_pairing() -> None:
    rng = random.Random(1)
    Phi, Y = _random(rng, 3, 3, False), _random(rng, 3, 3, False)
    _check(Phi, Y, lambda P, Q: _frobenius(_gram(_transpose(P)), _gram(_transpose(Q))))
