"""Tests of exactmtl.companions.representation (SPEC D.2)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy

from exactmtl.companions.representation import (
    derive_sign_relu_moment,
    gaussian_moments,
    joint_vs_separate,
    population_one_step,
    principal_angles,
    principal_angles_numeric,
    principal_cosines,
    pseudo_contrastive_identity,
    pseudo_contrastive_symbolic,
    sign_relu_moment,
    simulate_one_step,
    simulate_principal_angles,
    task_matrix,
    update_direction,
    update_span,
)
from exactmtl.errors import InexactInputError, InvalidArgument

F = Fraction


def test_pseudo_contrastive_identity_integers_and_rationals():
    rng = np.random.default_rng(0)
    for _ in range(10):
        Phi = rng.integers(-5, 6, size=(6, 3))
        Y = rng.integers(-1, 2, size=(6, 4))
        assert pseudo_contrastive_identity(Phi, Y)
    c = pseudo_contrastive_identity([[F(1, 2), 3]], [[F(2, 3), -1]])
    assert c.lhs == c.rhs == F(481, 36) and c.holds
    assert pseudo_contrastive_symbolic(2, 3, 2).holds


def test_pseudo_contrastive_wrong_pairing_differs():
    Phi, Y = [[1, 2], [3, 4]], [[1, 0], [1, 1]]
    c = pseudo_contrastive_identity(Phi, Y)
    PtP = np.array(Phi).T @ np.array(Phi)
    YtY = np.array(Y).T @ np.array(Y)
    assert c.rhs != int((PtP * YtY).sum())


def test_identity_shape_errors():
    with pytest.raises(InvalidArgument, match="Phi has 2 rows but Y has 3"):
        pseudo_contrastive_identity([[1], [2]], [[1], [2], [3]])
    with pytest.raises(InvalidArgument, match="Y row 1 has 2 entries; expected 1"):
        pseudo_contrastive_identity([[1], [2]], [[1], [2, 3]])
    with pytest.raises(InexactInputError, match=r"Phi\[0\]\[0\]=0\.5 is a float"):
        pseudo_contrastive_identity([[0.5]], [[1]])


def test_gaussian_moments_exact():
    m = gaussian_moments()
    assert m["E[ReLU(g)^2]"] == sympy.Rational(1, 2)
    assert sympy.expand(m["E[ReLU(g)]"] - 1 / sympy.sqrt(2 * sympy.pi)) == 0
    d = derive_sign_relu_moment()
    assert d["holds"]
    assert sign_relu_moment([3, 4], [3, 4]) == 5 / sympy.sqrt(2 * sympy.pi)
    with pytest.raises(InvalidArgument, match="u=0"):
        sign_relu_moment([0, 0], [1, 1])


@pytest.mark.slow  # simulation (numeric path, seeded): not a proof
def test_gaussian_moment_against_monte_carlo():
    # numeric cross-check, not a proof: 200k samples, standard error ~ 0.002
    rng = np.random.default_rng(1)
    u, w = np.array([0.6, 0.8, 0.0]), np.array([1.0, -2.0, 0.5])
    X = rng.standard_normal((200_000, 3))
    mc = np.mean(np.sign(X @ u) * np.maximum(X @ w, 0))
    exact = float(sign_relu_moment([F(3, 5), F(4, 5), 0], [1, -2, F(1, 2)]))
    assert abs(mc - exact) < 0.01


def test_one_step_rank_and_row_space():
    W = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [2, -1, 3]]
    one = update_span(W, [[1, 2, 0]])
    assert one.rank == 1 and one
    two = update_span(W, [[1, 2, 0], [0, 1, 0], [1, 3, 0]])
    assert (two.rank, two.span_dim) == (2, 2) and two
    full = update_span(W, [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert full.rank == 3 and full
    deficient = update_span([[1, 0, 0], [0, 1, 0]], [[1, 0, 0], [0, 0, 1]])
    assert not deficient and deficient.w_column_rank == 2
    assert task_matrix([[3, 4]]) == sympy.Matrix([[9, 12], [12, 16]]) / 25


def test_population_update_formula():
    W = sympy.Matrix([[1, 2], [0, 1]])
    Wp = population_one_step(W, [[1, 0]], head_lr=2, rep_lr=F(1, 2))
    assert sympy.expand(Wp - W - W * task_matrix([[1, 0]]) / (2 * sympy.pi)) == sympy.zeros(2, 2)
    with pytest.raises(InvalidArgument, match="W has 2 columns but the task directions have 3"):
        update_direction(W, [[1, 0, 0]])
    with pytest.raises(InvalidArgument, match="U row 0 is zero"):
        task_matrix([[0, 0]])


@pytest.mark.slow  # simulation (numeric path, seeded): not a proof
def test_population_update_against_simulation():
    # E[G] = W U_T / (2 pi); 20k samples per task, entries of G have std error ~ 0.005
    rng = np.random.default_rng(3)
    W = rng.standard_normal((5, 3))
    U = np.array([[1.0, 0.0, 0.0], [0.0, 0.6, 0.8]])
    G = simulate_one_step(W, U, 20000, seed=4)
    UT = sum(np.outer(u, u) for u in U) / 2
    assert np.max(np.abs(G - W @ UT / (2 * np.pi))) < 0.03


def test_principal_angles_exact():
    e = [[1, 0], [0, 1], [0, 0]]
    assert principal_cosines(e, [[1, 0], [0, 3], [0, 4]]) == (1, F(3, 5))
    assert principal_angles(e, [[1, 0], [0, 1], [0, 1]]) == (0, sympy.pi / 4)
    assert principal_angles([[1], [0]], [[0], [1]]) == (sympy.pi / 2,)
    A, B = [[1, 1], [1, 2], [0, 3], [2, 0]], [[1, 0], [0, 1], [1, 1], [1, -1]]
    exact = [float(a) for a in principal_angles(A, B)]
    assert np.allclose(exact, principal_angles_numeric(np.array(A), np.array(B)), atol=1e-12)
    # change of basis does not change the angles
    G = sympy.Matrix([[2, 1], [1, 1]])
    assert principal_cosines(sympy.Matrix(A) * G, B) == principal_cosines(A, B)


def test_principal_angle_errors():
    with pytest.raises(InvalidArgument, match="A has rank 1 but 2 columns"):
        principal_angles([[1, 2], [2, 4], [0, 0]], [[1], [0], [0]])
    with pytest.raises(InvalidArgument, match="A has 3 rows but B has 2"):
        principal_angles([[1], [0], [0]], [[1], [0]])
    with pytest.raises(InvalidArgument, match=r"A is not orthonormal: \(A\^T A\)\[0\]\[0\] = 4"):
        principal_angles([[2, 0], [0, 1], [0, 0]], [[1], [0], [0]], orthonormal=True)
    with pytest.raises(InexactInputError, match="principal_angles_numeric"):
        principal_angles(np.eye(3)[:, :2], np.eye(3)[:, 1:])
    with pytest.raises(InvalidArgument, match="A has 3 rows but B has 2"):
        principal_angles_numeric(np.eye(3), np.eye(2))
    orth = [[F(3, 5), 0], [F(4, 5), 0], [0, 1]]
    assert principal_cosines(orth, [[1], [0], [0]], orthonormal=True) == (F(3, 5),)


def test_report():
    (r,) = joint_vs_separate()
    assert (r.joint, r.separate, r.equal) == (2, 4, False)
    (r,) = joint_vs_separate([[1, 0], [0, 1]])
    assert r.equal is True


@pytest.mark.slow  # simulation (numeric path, seeded): not a proof
def test_simulation_angles_versus_tasks():
    # numeric path, seed 0, r = 4: observed max angles 88, 83, 50 at T = 1, 2, 4 and 8, 7 deg
    # at T = 32, 64. Tolerances: > 60 deg while T < r, < 20 deg for T >= 8 r.
    rows = simulate_principal_angles(tasks=(1, 2, 32, 64), seed=0, n=400)
    angles = {row["T"]: row["max_angle"] for row in rows}
    assert angles[1] > 60 and angles[2] > 60
    assert angles[32] < 20 and angles[64] < 20


@pytest.mark.slow
def test_simulation_angles_over_seeds():
    # ten seeds: min over seeds of the max angle at T < r stays > 60 deg (observed >= 63),
    # the max over seeds at T = 64 < 15 deg (observed <= 8.0)
    for seed in range(10):
        rows = {r["T"]: r["max_angle"] for r in
                simulate_principal_angles(tasks=(1, 2, 3, 64), seed=seed, n=400)}
        assert min(rows[1], rows[2], rows[3]) > 60, seed
        assert rows[64] < 15, seed


def test_principal_angles_of_algebraic_orthonormal_bases():
    # exact bases need not be rational: an orthonormal basis with sqrt(2)/2 entries
    h = sympy.sqrt(2) / 2
    A = [[h, 0], [h, 0], [0, 1]]
    B = [[1, 0], [0, h], [0, h]]
    assert principal_cosines(A, B, orthonormal=True) == (1, F(1, 2))
    assert principal_cosines(A, B) == principal_cosines(A, B, orthonormal=True)
    assert principal_angles(A, B) == (0, sympy.pi / 3)
    # irrational characteristic polynomial: radicals, checked against the numeric path
    s2, s3 = sympy.sqrt(2), sympy.sqrt(3)
    A2, B2 = [[1, 0], [s2, 1], [0, 1], [1, s3]], [[1, 1], [1, 0], [s3, 2], [0, 1]]
    exact = [float(a) for a in principal_angles(A2, B2)]
    numeric = principal_angles_numeric(np.array(A2, dtype=float), np.array(B2, dtype=float))
    assert np.allclose(exact, numeric, atol=1e-12)


def test_algebraic_bases_bad_input():
    h = sympy.sqrt(2) / 2
    with pytest.raises(InvalidArgument, match=r"A is not orthonormal: \(A\^T A\)\[0\]\[1\] = "
                       r"sqrt\(2\)/2, expected 0"):
        principal_angles([[h, 1], [h, 0], [0, 0]], [[1], [0], [0]], orthonormal=True)
    with pytest.raises(InvalidArgument, match="A has rank 1 but 2 columns"):
        principal_angles([[sympy.sqrt(2), 1], [2, sympy.sqrt(2)], [0, 0]], [[1], [0], [0]])
    with pytest.raises(InvalidArgument, match=r"A\[0\]\[0\]=a is not a number"):
        principal_angles([[sympy.Symbol("a")]], [[1]])
    with pytest.raises(InexactInputError, match=r"A\[0\]\[0\]=0\.5.* is a sympy Float.*"
                       "principal_angles_numeric"):
        principal_angles([[sympy.Float(0.5)]], [[1]])
    with pytest.raises(InvalidArgument, match=r"B\[0\]\[0\]=I is not real"):
        principal_angles([[1]], [[sympy.I]])


def test_simulations_are_seeded():
    # default tier: the simulations are deterministic functions of their seed (no claim about
    # their statistics; those are the slow tests above and the notebook)
    a = simulate_principal_angles(tasks=(1, 4), d=6, r=2, width=8, n=20, seed=3)
    assert a == simulate_principal_angles(tasks=(1, 4), d=6, r=2, width=8, n=20, seed=3)
    assert [row["T"] for row in a] == [1, 4] and all(0 <= row["max_angle"] <= 90 for row in a)
    G = simulate_one_step(np.eye(3), [[1.0, 0.0, 0.0]], 10, seed=1)
    assert np.array_equal(G, simulate_one_step(np.eye(3), [[1.0, 0.0, 0.0]], 10, seed=1))
