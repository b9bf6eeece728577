"""D3.5 -- random-feature / GP limit: the joint cost is the sum of the separate costs.

Statement   With a fixed random first layer (kinks with density g) and the penalty
            sum_t ||a_t||^2 on the output weights, the minimal cost of interpolating T tasks is
            min sum_t integral f_t''^2 / g = sum_t min integral f_t''^2 / g: joint == separate
            (derived). On the companions §D.3 example with g uniform on [-3, 2]: 5 (168/55 + 24)
            = 1488/11.
Check       exact kernel computation (rf_min_cost, rational linear algebra) of the joint and the
            per-task minima; independently, the natural cubic spline energy of each task from
            the classical moment equations, solved exactly (python-flint) and integrated in
            closed form; random rational data sets (2-3 tasks, 2-5 points each).
Range       the companions §D.3 example and 6 random instances (120 with --full; was 30 before
            the exact spline solve of issue 12).
Falsifier   a coupled output penalty (coupling [[1, 1/2], [1/2, 1]]): joint != separate.
Source      companions §D.3 (random features and Gaussian-process limits) (docs/companions.md);
            arXiv 2112.15577.
Provenance  derived
"""

from __future__ import annotations

import random
from fractions import Fraction

import flint

from exactmtl.companions.vector_tv import rf_min_cost, spec_example
from exactmtl.proofcheck import Claim, expect_equal, progress

CLAIM = Claim("D3.5", "random-feature limit: joint cost == separate cost")


def _spline_energy(xs, ys) -> Fraction:
    """integral f''^2 of the natural cubic spline: the moment equations M_0 = M_{n-1} = 0,
    h_{i-1} M_{i-1} + 2 (h_{i-1} + h_i) M_i + h_i M_{i+1} = 6 (slope_i - slope_{i-1}), solved
    exactly (python-flint), then f'' linear on each interval: integral_0^h (M_i + (M_{i+1} -
    M_i) s / h)^2 ds = h (M_i^2 + M_i M_{i+1} + M_{i+1}^2) / 3."""
    n = len(xs)
    if n == 2:
        return Fraction(0)
    xs, ys = [Fraction(x) for x in xs], [Fraction(y) for y in ys]
    h = [xs[i + 1] - xs[i] for i in range(n - 1)]
    inner = n - 2  # unknowns M_1 .. M_{n-2}
    a = flint.fmpq_mat(inner, inner)
    b = flint.fmpq_mat(inner, 1)
    for r, i in enumerate(range(1, n - 1)):
        if r > 0:
            a[r, r - 1] = _q(h[i - 1])
        a[r, r] = _q(2 * (h[i - 1] + h[i]))
        if r + 1 < inner:
            a[r, r + 1] = _q(h[i])
        b[r, 0] = _q(6 * ((ys[i + 1] - ys[i]) / h[i] - (ys[i] - ys[i - 1]) / h[i - 1]))
    sol = a.solve(b)
    M = [Fraction(0), *(Fraction(int(sol[r, 0].p), int(sol[r, 0].q)) for r in range(inner)),
         Fraction(0)]
    return sum((h[i] * (M[i] ** 2 + M[i] * M[i + 1] + M[i + 1] ** 2) / 3 for i in range(n - 1)),
               Fraction(0))


def _q(v: Fraction):
    return flint.fmpq(v.numerator, v.denominator)


def _check(tasks, interval, coupling=None) -> None:
    joint = rf_min_cost(tasks, interval, coupling)
    sep = sum((rf_min_cost([t], interval) for t in tasks), Fraction(0))
    expect_equal(joint, sep, "joint != sum of separate", tasks=tasks, coupling=coupling)
    width = Fraction(interval[1]) - Fraction(interval[0])
    for t in tasks:
        xs, ys = zip(*sorted(zip(t[0], t[1])))
        expect_equal(rf_min_cost([t], interval), _spline_energy(xs, ys) * width,
                     "kernel != spline", task=t)


def check_spec_example() -> dict:
    tasks, _, _ = spec_example()
    _check(tasks, (-3, 2))
    expect_equal(rf_min_cost(tasks, (-3, 2)), Fraction(1488, 11))
    return {"joint": "1488/11", "separate": "168/11 + 120"}


def check_random(full: bool = False) -> dict:
    rng = random.Random(77)
    count = 120 if full else 6
    for _ in progress(range(count), "instances"):
        tasks = []
        for _ in range(rng.randint(2, 3)):
            xs = sorted(rng.sample(range(-6, 7), rng.randint(2, 5)))
            tasks.append(([Fraction(x, 2) for x in xs],
                          [Fraction(rng.randint(-5, 5), rng.randint(1, 3)) for _ in xs]))
        _check(tasks, (-3, 3))
    return {"instances": count}


def falsify_coupled_penalty() -> None:
    tasks, _, _ = spec_example()
    _check(tasks, (-3, 2), coupling=[[1, Fraction(1, 2)], [Fraction(1, 2), 1]])
