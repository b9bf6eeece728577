"""D3.3 -- the companions §D.3 example: the joint optimum (3, 4) ReLU(x + 1) is certified, unique.

Statement   Task A on x = (-3, -2, 1, 2), y = (0, 0, 6, 9); task B on x = (-2, -1, 0),
            y = (0, 0, 4). The minimum of integral ||f''||_2 over interpolants is 5, attained
            only by f_A = 3 ReLU(x + 1), f_B = 4 ReLU(x + 1); the dual lambda_A = (3/5)(1,-1,-1,1),
            lambda_B = (4/5)(1,-2,1) has ||eta(s)||^2 = (0, 9/25, 1, 9/25, 9/25, 0) at s = -3..2
            and value 5 = primal cost (derived).
Check       two routines. (i) certify_joint_interpolation: rational checks of interpolation,
            moment conditions, ||eta||^2 <= 1 at the data points (convexity on each piece),
            complementary slackness, cost == dual value, uniqueness by full column rank of the
            system with kinks only on the active set {-1}. (ii) An independent routine written
            here in sympy: eta_t(s) = sum_i lambda_ti Max(x_ti - s, 0) as a sympy expression,
            ||eta||^2 maximised on each piece by calculus (endpoints and stationary points of
            the quadratic), active set = {s : ||eta(s)||^2 = 1} solved on each piece, the primal
            f = (3, 4) Max(x + 1, 0) evaluated at the data and its cost integral ||f''|| = 5, and
            Sum_t lambda_t . y_t = 5. A third check that never sees the dual: D3.6 re-derives
            the optimum 5 and its uniqueness by exact linear programming.
Range       the companions §D.3 example (exact, one instance).
Falsifier   lambda_B scaled by 101/100 (moments still hold): ||eta(-1)||^2 = 1 + ... > 1 and
            both routines reject it; also one lambda_A entry perturbed (moments fail).
Source      companions §D.3 (a certified example) (docs/companions.md); arXiv 2112.15577.
Provenance  derived
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy

from exactmtl.companions.vector_tv import certify_joint_interpolation, spec_example
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("D3.3", "companions §D.3 dual certificate: joint optimum unique, cost 5")

S = sympy.Symbol("s", real=True)
X = sympy.Symbol("x", real=True)


def _independent(tasks, duals) -> dict:
    """Dual feasibility, value and active set with sympy expressions (not the module's code)."""
    R = sympy.Rational
    lam = [[R(v.numerator, v.denominator) for v in d] for d in duals]
    xs = [[R(v.numerator, v.denominator) for v in t[0]] for t in tasks]
    ys = [[R(v.numerator, v.denominator) for v in t[1]] for t in tasks]
    for t in range(len(tasks)):
        expect_equal(sum(lam[t]), 0, "sum lambda != 0", task=t)
        expect_equal(sum(l * x for l, x in zip(lam[t], xs[t])), 0, "sum lambda x != 0", task=t)
    eta = [sum(l * sympy.Max(x - S, 0) for l, x in zip(lam[t], xs[t])) for t in range(len(xs))]
    pts = sorted({x for row in xs for x in row})
    sq_at = [sympy.nsimplify(sum(e.subs(S, p) ** 2 for e in eta)) for p in pts]
    active = set()
    for lo, hi in itertools.pairwise(pts):
        mid = (lo + hi) / 2
        # on (lo, hi) each Max is a fixed affine function: replace it by its branch at mid
        piece = [sum(l * ((x - S) if x > mid else 0) for l, x in zip(lam[t], xs[t]))
                 for t in range(len(xs))]
        q = sympy.expand(sum(e ** 2 for e in piece))
        cands = {lo, hi} | {c for c in sympy.solve(sympy.diff(q, S), S) if lo < c < hi}
        top = max(q.subs(S, c) for c in cands)
        expect(top <= 1, "||eta||^2 > 1 on a piece", piece=(lo, hi), maximum=top)
        if q.free_symbols:
            active |= {c for c in sympy.solve(sympy.Eq(q, 1), S) if lo <= c <= hi}
        elif q == 1:
            active |= {(lo, hi)}
    value = sum(l * y for t in range(len(xs)) for l, y in zip(lam[t], ys[t]))
    return {"eta_squared": sq_at, "active": sorted(active, key=str), "value": value}


def _check(tasks, f, duals) -> dict:
    cert = certify_joint_interpolation(tasks, f, duals)
    expect(bool(cert), "certificate rejected", reason=str(cert))
    expect_equal(cert.dual_value, 5, "dual value")
    expect_equal(cert.unique, True, "uniqueness not certified")
    expect_equal([q for _, q in cert.eta_squared],
                 [0, Fraction(9, 25), 1, Fraction(9, 25), Fraction(9, 25), 0],
                 "||eta||^2 at -3..2 differs from companions §D.3")
    ind = _independent(tasks, duals)
    expect_equal(ind["value"], 5, "independent dual value")
    expect_equal(ind["active"], [-1], "independent active set")
    expect_equal(ind["eta_squared"], [0, sympy.Rational(9, 25), 1, sympy.Rational(9, 25),
                                      sympy.Rational(9, 25), 0], "independent ||eta||^2")
    fa, fb = 3 * sympy.Max(X + 1, 0), 4 * sympy.Max(X + 1, 0)
    for (xs, ys), g in zip(tasks, (fa, fb)):
        for x, y in zip(xs, ys):
            expect_equal(g.subs(X, sympy.Rational(x.numerator, x.denominator)), y, x=x)
    cost = sympy.sqrt(3 ** 2 + 4 ** 2)  # one kink at -1 with jump (3, 4)
    expect_equal(cost, ind["value"], "primal cost != dual value")
    return {"cost": 5, "active_set": ["-1"], "unique": True,
            "eta_squared": [str(q) for q in ind["eta_squared"]]}


def check_spec_example() -> dict:
    return _check(*spec_example())


def falsify_scaled_lambda_b() -> None:
    tasks, f, duals = spec_example()
    _check(tasks, f, [duals[0], tuple(v * Fraction(101, 100) for v in duals[1])])


def falsify_perturbed_entry() -> None:
    tasks, f, duals = spec_example()
    _check(tasks, f, [(duals[0][0] + Fraction(1, 50), *duals[0][1:]), duals[1]])


def falsify_scaled_lambda_b_independent() -> None:
    tasks, _, duals = spec_example()
    _independent(tasks, [duals[0], tuple(v * Fraction(101, 100) for v in duals[1])])
