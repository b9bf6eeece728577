"""exactmtl.rates: readings (2) and (3) of the rate gap, and ``exactmtl bounds --tasks/--beta``."""

from __future__ import annotations

import re
from fractions import Fraction as F

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from exactmtl.cli import main
from exactmtl.closed_forms import theorem_a, theorem_b
from exactmtl.construction import rho
from exactmtl.errors import (
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    ResourceLimitError,
)
from exactmtl.rates import (
    EXPONENT_CONSTANTS,
    _rho_sums,
    exponent_gap,
    exponent_table,
    heads_for_tasks,
    output_staircase_units,
    power_compare,
    rate_exponents,
    rate_readings,
    readings_table,
    task_scaling,
    tasks_for_eps,
)


def test_rho_sums_match_rho():
    for T in range(1, 130):
        assert _rho_sums(T) == (rho(range(T)), sum(rho([k]) for k in range(T)))


@pytest.mark.parametrize("T", [1, 2, 3, 5, 8, 13, 33])
@pytest.mark.parametrize("eps", [F(1, 2), F(1, 3), F(1, 8), F(7, 100), F(1, 2**12)])
def test_task_scaling_is_theorem_b_at_infinite_depth(T, eps):
    s = task_scaling(T, eps)
    b = theorem_b(None, heads_for_tasks(T), range(T), eps)
    assert (s.j, s.joint, s.separate) == (b.j, b.joint, b.separate)
    assert s.holds


@given(T=st.integers(1, 300), num=st.integers(1, 10**6), den=st.integers(1, 10**6))
@example(T=3, num=1023, den=2**19)  # just below 2^(1-j): eps L_joint / T close to 8/3
def test_reading_two_bounds(T, num, den):
    eps = F(num, den)
    s = task_scaling(T, eps)
    assert s.joint[1] < s.joint_bound and s.separate[0] >= s.separate_bound


def test_factor_four_is_needed_off_the_dyadic_grid():
    # counterexample to "L_joint < 2T/eps" at a non-dyadic eps (the factor 4 is needed)
    s = task_scaling(3, F(1, 2**9) - F(1, 2**20))
    assert s.joint[0] >= 2 * 3 / s.eps
    # at dyadic eps the factor 2 suffices
    assert task_scaling(3, F(1, 2**9)).joint[1] < 2 * 3 * 2**9


def test_tasks_for_eps_exact():
    assert tasks_for_eps(F(1, 2**10), F(1, 3)) == 11       # 2^(10/3) = 10.08
    assert tasks_for_eps(F(1, 2**9), F(1, 3)) == 8         # exactly 8
    assert tasks_for_eps(F(1, 9), F(1, 2)) == 3            # exactly 3
    assert tasks_for_eps(F(1, 10), F(1, 2)) == 4           # sqrt(10) = 3.16
    assert tasks_for_eps(F(4), 1) == 1                     # eps^-1 = 1/4


@given(p=st.integers(1, 7), q=st.integers(1, 7), j=st.integers(1, 60))
def test_tasks_for_eps_is_the_ceiling(p, q, j):
    T = tasks_for_eps(F(1, 2**j), F(p, q))
    assert T ** q >= 2 ** (j * p) > (T - 1) ** q


def test_power_compare():
    assert power_compare(2, F(1, 2), F(3, 2)) == 1 and power_compare(2, F(1, 2), F(7, 5)) == -1
    assert power_compare(8, F(2, 3), 4) == 0 and power_compare(2, -1, F(1, 2)) == 0


def test_exponents_and_sandwich():
    assert rate_exponents(F(1, 2)) == (F(2, 3), F(1, 2))
    for beta in (F(1, 5), F(1, 2), F(2), F(7, 3)):
        for j in (1, 7, 30):
            assert all(exponent_gap(beta, j).within().values())
    # c1 = 1 is false (the falsifier of M32)
    bad = [exponent_gap(F(1, 3), j).within({"c1": F(1)})["c1"] for j in range(1, 20)]
    assert not all(bad)
    assert EXPONENT_CONSTANTS["c2"] == 2


def test_separate_exponent_differs_from_joint():
    # L_sep / eps^-(1+beta) grows without bound: gamma*_sep < gamma*_joint
    row = exponent_gap(1, 30)
    assert power_compare(2, 60, F(row.separate[0], 1000)) == 1


def test_output_staircase_units_against_greedy():
    from exactmtl.construction import outputs, random_sigma
    from exactmtl.networks import optimal_staircase_pieces

    for n, m in [(2, 1), (3, 2), (4, 1)]:
        for f in outputs(random_sigma(n, seed=3), n, m, list(range(2 ** m))):
            for eps in (F(1, 3), F(1, 8), F(2 ** m, 2 ** (n + 2))):
                lo, hi = output_staircase_units(n, m, eps)
                assert lo <= optimal_staircase_pieces(f, eps) - 1 <= hi


def test_readings_row():
    r = rate_readings(4, F(1, 16))
    assert r.scaling.joint == (60, 63) and r.scaling.separate == (240, 245)
    assert r.beta == F(1, 2) and r.exponents == (F(2, 3), F(1, 2))
    assert (r.depth, r.finite_sep, r.finite_joint) == (6, 245, 63)
    a = theorem_a(6, 2, range(4))
    assert (a.L_sep, a.L_joint) == (245, 63)
    assert rate_readings(3, F(1, 16)).beta is None


@pytest.mark.parametrize(("call", "exc", "message"), [
    (lambda: task_scaling(3, 0.25), InexactInputError, r"eps=0\.25 is a float"),
    (lambda: task_scaling(3, 0), InvalidArgument, r"eps=0 must be > 0"),
    (lambda: task_scaling(0, F(1, 2)), InvalidArgument, r"T=0 must be an integer >= 1"),
    (lambda: rate_exponents(0), InvalidArgument, r"beta=0 must be a rational > 0"),
    (lambda: exponent_gap(1, 0), InvalidArgument, r"j=0 must be an integer >= 1"),
    (lambda: tasks_for_eps(F(1, 2), 0.5), InexactInputError, r"beta=0\.5 is a float"),
    (lambda: readings_table(3, [F(1, 2)]), InvalidArgumentType, r"tasks=3 has type int"),
    (lambda: power_compare(0, 1, 1), InvalidArgument, r"base=0 must be > 0"),
    (lambda: output_staircase_units(3, 1, 0), InvalidArgument, r"eps=0 must be > 0"),
    (lambda: output_staircase_units(-1, 1, 1), InvalidArgument, r"n=-1"),
    (lambda: task_scaling(2**20000, F(1, 2)), ResourceLimitError, r"MAX_RATE_BITS"),
    (lambda: tasks_for_eps(F(1, 2**100), 1000), ResourceLimitError, r"the limit is 2\^16384"),
    (lambda: exponent_gap(F(1, 2000), 3), ResourceLimitError, r"denominator 2000"),
])
def test_errors(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


def test_cli_tasks(capsys):
    assert main(["bounds", "--tasks", "2,4", "--eps", "1/16"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["T", "eps", "(1)"]
    row = out[3].split()
    assert row[:2] == ["4", "1/16"] and "[60," in row and "245" in row


def test_cli_beta(capsys):
    assert main(["bounds", "--beta", "1/2", "--jmax", "4"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("beta = 1/2: gamma*_joint = 2/3 > gamma*_sep = 1/2")
    assert out.count("holds") == 4
    assert exponent_table(F(1, 2), [4]).splitlines()[-1].split()[:3] == ["4", "1/16", "4"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--tasks", "x"], r"--tasks='x' must be comma-separated integers"),
    (["--tasks", "3", "--eps", "0"], r"eps=0 must be > 0"),
    (["--beta", "-1"], r"beta=-1 must be a rational > 0"),
    (["--beta", "abc"], r"--beta='abc' is not an exact number"),
    (["--beta", "1", "--jmax", "0"], r"--jmax=0 must be an integer in \[1, 1000\]"),
    (["--beta", "1/100000", "--jmax", "3"], r"beta=1/100000 has denominator 100000"),
    (["--beta", "100000", "--jmax", "3"], r"the limit is 2\^16384"),
    (["--tasks", "5000"], r"--tasks"),
])
def test_cli_errors(capsys, argv, message):
    assert main(["bounds", *argv]) == 2
    assert re.search(message, capsys.readouterr().err)


def test_cli_missing_n_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["bounds", "--n", "3"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--n, --ks" in err and "--help" in err and len(err.strip().splitlines()) == 1


def test_readme_table_is_what_the_code_computes():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = text.split("## Rate readings of the gap")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if re.match(r"\| \d", line)]
    assert len(rows) >= 4
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        r = rate_readings(int(cells[0]), F(cells[1]))
        s = r.scaling
        fmt = lambda lo_hi: f"[{lo_hi[0]}, {lo_hi[1]}]"  # noqa: E731
        assert cells[2] == str(r.ratio_lower)
        assert cells[3:7] == [fmt(s.joint), str(s.joint_bound), fmt(s.separate),
                              str(s.separate_bound)]
        assert cells[7] == f"{r.beta}: {r.exponents[0]} > {r.exponents[1]}"
        assert cells[8] == f"{r.depth}: {r.finite_sep}, {r.finite_joint}"


@given(a=st.integers(1, 10**6), b=st.integers(1, 10**6), p=st.integers(1, 5),
       q=st.integers(1, 5))
@example(a=1, b=9, p=1, q=2)
def test_tasks_for_eps_rational_eps(a, b, p, q):
    T = tasks_for_eps(F(a, b), F(p, q))
    # T = ceil((b/a)^(p/q)): T^q a^p >= b^p > (T - 1)^q a^p
    assert T ** q * a ** p >= b ** p > (T - 1) ** q * a ** p
