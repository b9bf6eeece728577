"""Tests of exactmtl.companions.statphys (SPEC D.4)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy

from exactmtl.companions.statphys import (
    compare_top_eigenvalue,
    joint_vs_separate,
    simulate_multitask_benefit,
    simulate_spiked_rectangular,
    simulate_teacher_student,
    simulate_two_task_eigenvalue,
    spiked_rectangular,
    two_task_signal_matrix,
    two_task_top_eigenvalue,
)
from exactmtl.errors import InexactInputError, InvalidArgument

F = Fraction


def test_issue_example():
    lam = two_task_top_eigenvalue(2, 1, F(1, 2))
    assert lam == (5 + sympy.sqrt(13)) / 2
    assert max(two_task_signal_matrix(2, 1, F(1, 2)).eigenvals()) == lam
    assert compare_top_eigenvalue(2, 1, F(1, 2), F(43, 10)) == 1
    assert compare_top_eigenvalue(2, 1, F(1, 2), F(44, 10)) == -1


def test_pooling_limits():
    assert two_task_top_eigenvalue(2, 1, 1) == 5 and two_task_top_eigenvalue(2, 1, -1) == 5
    assert two_task_top_eigenvalue(2, 1, 0) == 4 and two_task_top_eigenvalue(1, 2, 0) == 4
    assert compare_top_eigenvalue(2, 1, 0, 4) == 0


def test_wrong_formula_is_not_an_eigenvalue():
    # 4 A B q instead of 4 A B q^2 at q = 1/2: (5 + sqrt(17))/2 is not a root of x^2 - 5x + 3
    x = sympy.Symbol("x")
    wrong = (5 + sympy.sqrt(17)) / 2
    assert sympy.expand((x ** 2 - 5 * x + 3).subs(x, wrong)) != 0
    assert sympy.expand((x ** 2 - 5 * x + 3).subs(x, two_task_top_eigenvalue(2, 1, F(1, 2)))) == 0


def test_argument_errors():
    with pytest.raises(InvalidArgument, match="q=3/2; expected an overlap"):
        two_task_top_eigenvalue(1, 1, F(3, 2))
    with pytest.raises(InexactInputError, match=r"q=0\.5 is a float"):
        two_task_top_eigenvalue(1, 1, 0.5)
    with pytest.raises(InvalidArgument, match=r"c=2; expected 0 < c <= 1"):
        spiked_rectangular(1, 2)
    with pytest.raises(InvalidArgument, match="theta=-1"):
        spiked_rectangular(-1, F(1, 2))
    with pytest.raises(InvalidArgument, match=r"d=4 < 2 \* classes=6"):
        simulate_teacher_student(10, d=4, classes=3)


def test_spiked_exact_values():
    r = spiked_rectangular(2, F(1, 4))
    assert r.above_threshold and r.sigma == sympy.sqrt(85) / 4
    assert (r.overlap_left, r.overlap_right) == (F(63, 68), F(63, 80))
    at = spiked_rectangular(1, 1)  # theta^4 = c: the threshold itself is "below"
    assert not at.above_threshold and at.sigma == 2


@pytest.mark.slow  # simulation (numeric path, seeded): not a proof
def test_spiked_against_simulation():
    # n = 400, m = 800, theta = 3/2, c = 1/2; three seeds averaged. Fluctuations at this size:
    # sigma ~ 0.03, overlaps ~ 0.02 (observed); tolerance 0.06.
    lim = spiked_rectangular(F(3, 2), F(1, 2))
    sims = [simulate_spiked_rectangular(1.5, 400, 800, seed=s) for s in range(3)]
    for key, exact in (("sigma", lim.sigma), ("overlap_left", lim.overlap_left),
                       ("overlap_right", lim.overlap_right)):
        assert abs(np.mean([s[key] for s in sims]) - float(exact)) < 0.06, key
    below = simulate_spiked_rectangular(0.5, 400, 800, seed=0)
    assert below["overlap_left"] < 0.05 and abs(below["sigma"] - (1 + np.sqrt(0.5))) < 0.06


@pytest.mark.slow  # simulation (numeric path, seeded): not a proof
def test_two_task_against_simulation():
    # n = 10000 samples in d = 50: observed errors <= 0.065 over seeds 0-2; tolerance 0.2
    for q in (0.0, 0.5, 1.0):
        exact = float(two_task_top_eigenvalue(2, 1, F(q).limit_denominator(10)))
        assert abs(simulate_two_task_eigenvalue(2.0, 1.0, q, seed=1) - exact) < 0.2, q


def test_teacher_student_generator():
    data = simulate_teacher_student(50, d=20, classes=3, rho=0.5, seed=2)
    Ma, Mb = data["M_a"], data["M_b"]
    assert np.allclose(Ma @ Mb.T, 0.5 * np.eye(3)) and np.allclose(Ma @ Ma.T, np.eye(3))
    X, y = data["a"]
    assert X.shape == (50, 20) and set(y) <= {0, 1, 2}
    again = simulate_teacher_student(50, d=20, classes=3, rho=0.5, seed=2)
    assert np.array_equal(again["a"][0], X)


def test_report():
    (r,) = joint_vs_separate()
    assert r.prefer == "higher" and r.equal is False and r.separate == 4
    (r0,) = joint_vs_separate(q=0)
    assert r0.equal is True


@pytest.mark.slow  # simulation (numeric path, seeded): not a proof
def test_multitask_benefit_sign_pattern():
    # numeric path, seed 0: observed benefit +0.23 (rho = 1) and -0.17 (rho = 0); the sign is
    # what is claimed, with a margin of 0.05 in each direction
    assert simulate_multitask_benefit(1.0, seed=0)["benefit"] > 0.05
    assert simulate_multitask_benefit(0.0, seed=0)["benefit"] < -0.05


@pytest.mark.slow
def test_multitask_benefit_over_seeds():
    # eight seeds: every related run helps, every unrelated run hurts (observed ranges
    # [0.19, 0.29] and [-0.17, -0.08] on seeds 0-4)
    for seed in range(8):
        assert simulate_multitask_benefit(1.0, seed=seed)["benefit"] > 0, seed
        assert simulate_multitask_benefit(0.0, seed=seed)["benefit"] < 0, seed


def test_simulations_are_seeded():
    # default tier: determinism in the seed only (the statistical claims are the slow tests)
    a = simulate_multitask_benefit(1.0, n_a=10, n_b=20, d=8, steps=5, n_val=50, seed=4)
    assert a == simulate_multitask_benefit(1.0, n_a=10, n_b=20, d=8, steps=5, n_val=50, seed=4)
    assert a["benefit"] == a["single"] - a["multi"]
    s = simulate_spiked_rectangular(1.0, 20, 40, seed=2)
    assert s == simulate_spiked_rectangular(1.0, 20, 40, seed=2)
    assert simulate_two_task_eigenvalue(2.0, 1.0, 0.5, d=5, n=50, seed=1) == \
        simulate_two_task_eigenvalue(2.0, 1.0, 0.5, d=5, n=50, seed=1)
