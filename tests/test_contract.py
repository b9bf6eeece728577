"""Issue 11: one input contract and resource budgets at every edge of the public API.

Each reported case reproduces as a clear library error (an ExactMTLError that is also the
builtin) or a ResourceLimitError, quickly; a raised limit gives the computation back. The fuzz
tier over the whole public API (``tests/_fuzz_api.py``) runs here too.
"""

from __future__ import annotations

import time
from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import exactmtl
from exactmtl import (
    ExactMTLError,
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    Network,
    ResourceLimitError,
    convert_walsh_order,
    current_limits,
    dyadic_grid,
    from_sympy,
    limits,
    maximum,
    rademacher,
    random_sigma,
    telgarsky_network,
    triangle,
    walsh,
)
from exactmtl.companions import representation, statphys, vector_tv
from exactmtl.companions.pacbayes import (
    elias_kraft_sum,
    fast_rate_family,
    fast_rate_lambda,
    kl,
    maurer_xi,
)

X = sympy.Symbol("x")


def _clear(exc: BaseException) -> bool:
    return isinstance(exc, ExactMTLError) and isinstance(
        exc, (TypeError, ValueError, ArithmeticError, LookupError))


# --------------------------------------------------------------------------- item 2: inexact

@pytest.mark.parametrize("call", [
    lambda: maximum(sympy.Float(0.5), walsh(2)),
    lambda: maximum(walsh(2), np.float64(0.5)),
    lambda: convert_walsh_order([0.1, 0.2, 0.3, 0.4], "paley", "sequency"),
    lambda: convert_walsh_order([float("nan"), 1, 2, 3], "paley", "sequency"),
    lambda: fast_rate_family(0, sympy.Float(0.5), 1),
    lambda: fast_rate_lambda(0, sympy.Float(0.5)),
    lambda: walsh(2) + sympy.Float(0.5),
    lambda: kl(F(1, 3), F(1, 2), prec=128.0),
])
def test_inexact_inputs_are_refused(call):
    with pytest.raises(InexactInputError):
        call()


@pytest.mark.parametrize("call", [
    lambda: fast_rate_family(0, -sympy.sqrt(2), 1),
    lambda: fast_rate_family(0, 1, 3),
    lambda: fast_rate_family(0, 1, sympy.sqrt(5)),
])
def test_out_of_range_exact_values_are_refused(call):
    with pytest.raises(InvalidArgument):
        call()


def test_symbolic_parameters_still_work():
    lam, B = sympy.symbols("lam B", positive=True)
    expr = fast_rate_family(F(1, 10), B, lam)
    assert expr.free_symbols == {lam, B}
    assert fast_rate_family(0, sympy.sqrt(2), 1) == 2 * sympy.sqrt(2)  # exact irrational B


@pytest.mark.parametrize("call", [
    lambda: dyadic_grid(2, closed=float("nan")),
    lambda: dyadic_grid(2, closed=1),
    lambda: from_sympy(X, X, closed="yes"),
    lambda: exactmtl.Piecewise([0, 1], [(1,)], closed=0.0),
    lambda: exactmtl.haar(1, 0, normalized=np.float64(1.0)),
    lambda: telgarsky_network(2).compile(closed=None),
])
def test_flags_take_booleans_only(call):
    with pytest.raises(InvalidArgumentType, match="expected True or False"):
        call()


def test_numpy_bools_are_booleans():
    assert dyadic_grid(1, closed=np.bool_(False)) == (F(0), F(1, 2))


@pytest.mark.parametrize("seed", [0.5, 2.0, sympy.Float(1), True, -1, "1"])
def test_seeds_are_non_negative_ints(seed):
    with pytest.raises(ExactMTLError) as info:
        random_sigma(3, seed=seed)
    assert _clear(info.value)


# --------------------------------------------------------------------------- item 3: generic errors

@pytest.mark.parametrize("call", [
    lambda: exactmtl.code_length(0.5, F(1, 4)),
    lambda: exactmtl.FiniteClass(3),
    lambda: exactmtl.Piecewise(0.5, [(1,)]),
    lambda: exactmtl.Piecewise([0, 1], 2),
    lambda: exactmtl.Piecewise([0, 1], [(1,)], values=7),
    lambda: from_sympy([], X),
    lambda: from_sympy(X, "x"),
    lambda: exactmtl.kraft_sum(3),
    lambda: exactmtl.rho(2.5),
    lambda: exactmtl.involution_screen(3, transform=7),
    lambda: representation.principal_angles_numeric("A", [[1.0]]),
    lambda: statphys.simulate_two_task_eigenvalue(2.0, 1.0, float("nan")),
    lambda: vector_tv.vector_tv([0], 3),
])
def test_bad_types_give_library_errors(call):
    with pytest.raises(ExactMTLError) as info:
        call()
    assert _clear(info.value)


# --------------------------------------------------------------------------- item 4: budgets

@pytest.mark.parametrize("call", [
    lambda: walsh(2**40),
    lambda: rademacher(10**9),
    lambda: triangle(10**9),
    lambda: telgarsky_network(60).to_piecewise(),
    lambda: maurer_xi(10**9),
    lambda: elias_kraft_sum(2 ** (10**7)),
    lambda: kl(F(1, 3), F(1, 2), prec=10**9),
    lambda: dyadic_grid(10**9),
    lambda: exactmtl.walsh_system(30),
    lambda: exactmtl.involution_screen(10, trials=10**9),
    lambda: statphys.simulate_teacher_student(10**9),
    lambda: exactmtl.gray_inverse(2 ** (2**20)),
])
def test_huge_inputs_hit_a_budget_quickly(call):
    t0 = time.process_time()
    with pytest.raises(ResourceLimitError) as info:
        call()
    assert time.process_time() - t0 < 10
    exc = info.value
    assert isinstance(exc, ValueError) and exc.limit in {
        f.name for f in __import__("dataclasses").fields(current_limits())}
    assert f"exactmtl.limits({exc.limit}=" in str(exc)


def test_raising_a_limit_gives_the_computation():
    with pytest.raises(ResourceLimitError, match="pieces"):
        with limits(pieces=8):
            rademacher(4)
    with limits(pieces=16):
        assert rademacher(4).pieces == 16
    assert current_limits().pieces == exactmtl.Limits().pieces  # restored after the block
    with pytest.raises(ResourceLimitError, match="bits"):
        kl(F(1, 3), F(1, 2), prec=2**17)
    with limits(bits=2**17):
        assert kl(F(1, 3), F(1, 2), prec=2**17).width < F(1, 2**1000)


def test_limits_refuse_bad_values():
    with pytest.raises(InvalidArgument, match="unknown limit"), limits(pices=3):
        pass
    with pytest.raises(InvalidArgumentType), limits(pieces=2.5):
        pass
    with pytest.raises(InvalidArgument), limits(bits=0):
        pass
    with pytest.raises(InvalidArgumentType):
        exactmtl.Limits(pieces=0.5)


def test_documented_workloads_fit_the_default_budgets():
    # the largest documented workloads: 2**20 pieces (proofs a1/a6/a8 --full, transforms n=20)
    assert telgarsky_network(20).linear_regions() == 2**20
    assert rademacher(20).pieces == 2**20
    assert len(exactmtl.fwht(list(range(2**20)))) == 2**20
    assert maurer_xi(700) > 0  # proofs/d1_4 --full


@settings(max_examples=30, deadline=None)
@given(k=st.integers(0, 40), budget=st.integers(1, 2**12))
def test_budget_boundary_is_exact(k, budget):
    """rademacher(k) has 2**k pieces: allowed exactly when 2**k <= pieces."""
    with limits(pieces=budget):
        if 2**k <= budget:
            assert rademacher(k).pieces == 2**k
        else:
            with pytest.raises(ResourceLimitError):
                rademacher(k)


def test_network_issue_example_compiles():
    net = Network([([[-2**20], [F(1, 2**40)]], [0, F(2**28, 7)], ["identity", "heaviside"]),
                   ([[F(1, 2**40), F(-2**20, 11)]], [0], "identity"),
                   ([[F(5593, 2**40)]], [0], "heaviside")])
    f = net.to_piecewise()
    for x in (*f.knots, F(1, 3), F(1, 2**41)):
        assert f(x) == net.evaluate(x)[0]


def test_range_bounds_include_right_limits_at_left_ends():
    """Found by a random hypothesis seed (test_sympy_route_on_tiny_networks): f(0) = 5 with
    f(x) = x on (0, 1) has inf 0 (approached at 0+), not 1; heaviside/relu/abs build their outer
    map on this range, and compose refused the composition."""
    f = exactmtl.Piecewise([0, 1], [(0, 1)], values=[5])
    assert f.range_bounds() == (0, 5)
    g = exactmtl.heaviside(f - F(1, 2))  # crosses 1/2 at x = 1/2; 1 at the isolated point 0
    assert (g(0), g(F(1, 4)), g(F(3, 4))) == (1, 0, 1)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), np.float64("nan")])
def test_non_finite_floats_get_no_impossible_hint(value):
    """A NaN or infinity is refused without suggesting Fraction('nan'), which has no value."""
    with pytest.raises(exactmtl.InexactInputError) as err:
        exactmtl.rational_code_length(value)
    assert "non-finite float has no exact value" in str(err.value)
    assert "Fraction(" not in str(err.value)
