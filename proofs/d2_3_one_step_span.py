"""D2.3 -- the population one-step update learns exactly the span of the task directions.

Statement   W+ = W (I + c U_T), U_T = (1/T) sum_t u_t u_t^T / ||u_t||^2 (derived). If W (m x d)
            has full column rank d, the update W U_T has rank dim span{u_t} and row space
            span{u_t}: one task learns one direction, T tasks spanning R^r learn all r.
Check       exact ranks over Q (python-flint's fmpq_mat): rank(W U_T) = rank(U) =
            rank([W U_T; U]) for seeded random integer W (m = d + 2) and rational task
            directions drawn in a random r-dimensional subspace, d <= 6, r <= d, T = 1..2r;
            plus the update formula itself: W+ - W == (eta_h eta_r / (2 pi)) W U_T, assembled
            independently from the Gaussian moments a_t = eta_h W u_t / sqrt(2 pi) and
            E[sign(u.x) 1{w.x>0} x] = u/sqrt(2 pi).
Range       d = 2..6 (2..10 with --full; was 2..8 before the flint ranks of issue 12), every
            r <= d, T <= 2r.
Falsifier   a W of deficient column rank (one column zero): rank(W U_T) < dim span{u_t}.
Source      companions §D.2 (one step) (docs/companions.md); arXiv 2307.06887 (PMLR
            235:9292-9345).
Provenance  derived
"""

from __future__ import annotations

import random

import sympy

from exactmtl.companions.representation import _rank_q, population_one_step, update_span
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("D2.3", "one-step update row space = span of the task directions")


def _check(W: sympy.Matrix, U: sympy.Matrix) -> None:
    span = update_span(W, U)
    expect(bool(span), "rank/row space of W U_T differs from span{u_t}", rank=span.rank,
           span_dim=span.span_dim, same_space=span.row_space_equals_span, W=W.tolist(),
           U=U.tolist())


def _instance(rng: random.Random, d: int, r: int, T: int) -> tuple:
    basis = sympy.Matrix(r, d, lambda i, j: rng.randint(-3, 3))
    while _rank_q(basis) < r:
        basis = sympy.Matrix(r, d, lambda i, j: rng.randint(-3, 3))
    U = sympy.Matrix(T, r, lambda i, j: sympy.Rational(rng.randint(-4, 4), rng.randint(1, 3)))
    U = U * basis
    for t in range(T):  # no zero task direction
        if not any(U[t, :]):
            U[t, :] = basis[0, :]
    W = sympy.Matrix(d + 2, d, lambda i, j: rng.randint(-5, 5))
    while _rank_q(W) < d:
        W = sympy.Matrix(d + 2, d, lambda i, j: rng.randint(-5, 5))
    return W, U


def check_rank_and_row_space(full: bool = False) -> dict:
    rng = random.Random(2023)
    cases = [(d, r, T) for d in range(2, (10 if full else 6) + 1) for r in range(1, d + 1)
             for T in range(1, 2 * r + 1)]
    for d, r, T in progress(cases, "span"):
        _check(*_instance(rng, d, r, T))
    return {"cases": len(cases)}


def check_update_formula() -> dict:
    rng = random.Random(5)
    eta_h, eta_r = sympy.Rational(3, 2), sympy.Rational(2, 5)
    for d, T in [(2, 1), (3, 2), (4, 3)]:
        W, U = _instance(rng, d, min(d, T), T)
        s2pi = sympy.sqrt(2 * sympy.pi)
        units = [U[t, :].T / sympy.sqrt((U[t, :] * U[t, :].T)[0, 0]) for t in range(T)]
        heads = [eta_h * W * u / s2pi for u in units]  # a_t (one entry per hidden unit)
        grad = sympy.zeros(*W.shape)  # d/dW of -(1/T) sum_t E[y_t a_t . ReLU(W x)]
        for a, u in zip(heads, units):
            grad -= a * u.T / s2pi / T
        expect_equal(sympy.expand(population_one_step(W, U, eta_h, eta_r) - (W - eta_r * grad)),
                     sympy.zeros(*W.shape), "W+ differs from the two-step derivation", d=d, T=T)
    return {"instances": 3}


def falsify_deficient_W() -> None:
    rng = random.Random(7)
    W, U = _instance(rng, 3, 3, 3)
    W[:, 2] = sympy.zeros(W.rows, 1)
    _check(W, U)
