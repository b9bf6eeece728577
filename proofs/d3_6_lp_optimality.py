"""D3.6 -- the companions §D.3 optima, re-derived by exact linear programming (no dual certificate).

Statement   Over every interpolant of the companions §D.3 data whose kinks lie on the grid
            (1/2) Z in (-3, 2): (i) the joint cost sum_k ||J_k||_2 is >= 5, and every interpolant
            of joint cost 5 has f(-1) = (0, 0) -- the certified joint optimum (3, 4) ReLU(x + 1)
            is the only one on the grid; (ii) task A alone: min sum_k |J_k| = 3, and the optimal
            values f_A(-1) fill exactly [0, 2] (a continuum of separate optima); (iii) task B
            alone: min = 4, f_B(-1) = 0 only.
Check       an independent routine: an exact two-phase simplex (Bland's rule, Fractions) written
            here, on the primal only -- it never sees the dual lambda or eta. The 2-norm is bounded
            below by the polyhedral norm p(J) = max_{u in U} u . J over eight rational unit
            vectors U (p <= ||.||_2), so the LP  min sum_k tau_k, tau_k >= u . J_k,  interpolation
            equalities (affine parts free)  is a lower bound for the joint problem on the grid;
            its exact value 5 is attained by (3, 4) ReLU(x + 1) (p = ||.||_2 = 5 there), and
            min / max of f_t(-1) over the LP optima (cost <= 5 added) are 0: any 2-norm optimum
            has p-cost <= 5, so is an LP optimum. For one task |J| = max(J, -J) exactly (U = {1,
            -1}): the LP gives the optimum itself, and min / max of f_A(-1) over the optima.
Range       kinks on the 1/2-grid by default (9 candidate knots), the 1/4-grid with --full
            (19 knots). A kink-free grid is a restriction: the dual certificate (D3.3) covers
            arbitrary kinks; this check confirms its numbers by a different method.
Falsifier   the claim "joint optimum = 3 + 4 = 7" (no gain from joint training) is rejected,
            and so is the claim that the joint optima form a continuum like task A's.
Source      companions §D.3 (a certified example, D3.6) (docs/companions.md); arXiv 2112.15577.
Provenance  derived
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl.companions.vector_tv import spec_example
from exactmtl.proofcheck import Claim, expect_equal

CLAIM = Claim("D3.6", "companions §D.3 optima re-derived by exact LP on a knot grid")

R = Fraction
# eight rational unit vectors: the polygon conv(U) lies inside the unit disc
UNIT_2D = [(R(1), R(0)), (R(0), R(1)), (R(-1), R(0)), (R(0), R(-1))] + [
    (sx * R(a, 5), sy * R(b, 5)) for a, b in ((3, 4), (4, 3)) for sx in (1, -1) for sy in (1, -1)]


# --------------------------------------------------------------------------- exact simplex

def lp_min(c, a_ub, b_ub, a_eq, b_eq, free):
    """min c.x s.t. a_ub x <= b_ub, a_eq x = b_eq, x_i >= 0 unless i in ``free``; exact.

    Two-phase simplex on Fractions with Bland's rule (terminates). Returns (value, x).
    """
    n = len(c)
    cols = [(i, s) for i in range(n) for s in ((1, -1) if i in free else (1,))]
    nslack = len(a_ub)
    rows, rhs = [], []
    for r, (row, bi) in enumerate(zip(a_ub, b_ub)):
        rows.append([R(row[i]) * s for i, s in cols] + [R(int(j == r)) for j in range(nslack)])
        rhs.append(R(bi))
    for row, bi in zip(a_eq, b_eq):
        rows.append([R(row[i]) * s for i, s in cols] + [R(0)] * nslack)
        rhs.append(R(bi))
    m, width = len(rows), len(cols) + nslack
    for r in range(m):
        if rhs[r] < 0:
            rows[r], rhs[r] = [-v for v in rows[r]], -rhs[r]
    total = width + m  # one artificial variable per row
    tab = [rows[r] + [R(int(j == r)) for j in range(m)] + [rhs[r]] for r in range(m)]
    basis = [width + r for r in range(m)]
    z = [R(0)] * (total + 1)

    def pivot(r, j):
        pr = tab[r]
        if pr[j] != 1:
            p = pr[j]
            pr[:] = [v / p for v in pr]
        nz = [k for k, v in enumerate(pr) if v]
        for row in [*tab, z]:
            if row is not pr and row[j]:
                f = row[j]
                for k in nz:
                    row[k] -= f * pr[k]
        basis[r] = j

    def run(cost, allowed):
        z[:] = [*cost, R(0)]
        for i in range(m):
            if cost[basis[i]]:
                cb = cost[basis[i]]
                z[:] = [u - cb * v for u, v in zip(z, tab[i])]
        while True:
            j = next((j for j in range(total) if allowed(j) and z[j] < 0), None)
            if j is None:
                return
            best = None
            for i in range(m):
                if tab[i][j] > 0:
                    ratio = tab[i][-1] / tab[i][j]
                    if best is None or (ratio, basis[i]) < (best[0], basis[best[1]]):
                        best = (ratio, i)
            if best is None:
                raise ValueError("the LP is unbounded")
            pivot(best[1], j)

    run([R(0)] * width + [R(1)] * m, lambda j: True)
    if any(tab[i][-1] for i in range(m) if basis[i] >= width):
        raise ValueError("the LP is infeasible")
    for i in range(m):
        if basis[i] >= width:
            j = next((j for j in range(width) if tab[i][j]), None)
            if j is not None:
                pivot(i, j)
    cost = [R(c[i]) * s for i, s in cols] + [R(0)] * (total - len(cols))
    run(cost, lambda j: j < width)
    y = [R(0)] * total
    for i in range(m):
        y[basis[i]] = tab[i][-1]
    x = [R(0)] * n
    for k, (i, s) in enumerate(cols):
        x[i] += s * y[k]
    return sum((R(ci) * xi for ci, xi in zip(c, x)), R(0)), x


# --------------------------------------------------------------------------- the LPs

def _grid(step: Fraction) -> list[Fraction]:
    return [R(-3) + j * step for j in range(1, int(5 / step))]


def _problem(tasks, knots, units):
    """Variables: J[k][t] (free), tau[k] >= 0, a_t, b_t (free). Returns the LP data and a row
    evaluating f_t(-1) for each task."""
    K, T = len(knots), len(tasks)
    nv = K * T + K + 2 * T

    def jump(k, t):
        return k * T + t

    def aff(t, i):
        return K * T + K + 2 * t + i

    a_ub, b_ub = [], []
    for k in range(K):
        for u in units:
            row = [0] * nv
            for t in range(T):
                row[jump(k, t)] = u[t]
            row[K * T + k] = -1
            a_ub.append(row)
            b_ub.append(0)

    def value_row(t, x):
        row = [0] * nv
        row[aff(t, 0)], row[aff(t, 1)] = 1, x
        for k, s in enumerate(knots):
            if x > s:
                row[jump(k, t)] = x - s
        return row

    a_eq, b_eq = [], []
    for t, (xs, ys) in enumerate(tasks):
        for x, y in zip(xs, ys):
            a_eq.append(value_row(t, x))
            b_eq.append(y)
    c = [0] * (K * T) + [1] * K + [0] * (2 * T)
    free = set(range(nv)) - set(range(K * T, K * T + K))
    at_minus_one = [value_row(t, R(-1)) for t in range(T)]
    return c, a_ub, b_ub, a_eq, b_eq, free, at_minus_one


def _solve(tasks, knots, units):
    """(optimal value, [(min f_t(-1), max f_t(-1)) over the optima for each task])."""
    c, a_ub, b_ub, a_eq, b_eq, free, rows = _problem(tasks, knots, units)
    value, _ = lp_min(c, a_ub, b_ub, a_eq, b_eq, free)
    ranges = []
    for row in rows:  # the optimal face: add cost <= value
        lo, _ = lp_min(row, [*a_ub, c], [*b_ub, value], a_eq, b_eq, free)
        hi, _ = lp_min([-v for v in row], [*a_ub, c], [*b_ub, value], a_eq, b_eq, free)
        ranges.append((lo, -hi))
    return value, ranges


def _check_joint(step: Fraction, claimed_value, claimed_range) -> dict:
    tasks = spec_example()[0]
    value, ranges = _solve(tasks, _grid(step), UNIT_2D)
    expect_equal(value, claimed_value, "joint LP optimum (polyhedral lower bound)", step=step)
    expect_equal(ranges, claimed_range, "f(-1) over the joint optima", step=step)
    return {"joint_lp_value": str(value), "f_at_minus_one": [[str(a), str(b)] for a, b in ranges]}


def _check_single(step: Fraction) -> dict:
    tasks = spec_example()[0]
    units = [(R(1),), (R(-1),)]  # |J| = max(J, -J): exact for one task
    va, (ra,) = _solve(tasks[:1], _grid(step), units)
    vb, (rb,) = _solve(tasks[1:], _grid(step), units)
    expect_equal((va, ra), (3, (0, 2)), "task A alone: optimum 3, f_A(-1) fills [0, 2]",
                 step=step)
    expect_equal((vb, rb), (4, (0, 0)), "task B alone: optimum 4, f_B(-1) = 0", step=step)
    return {"task_A": [str(va), [str(v) for v in ra]], "task_B": [str(vb), [str(v) for v in rb]]}


def check_joint_optimum_by_lp(full: bool = False) -> dict:
    step = R(1, 4) if full else R(1, 2)
    out = _check_joint(step, 5, [(0, 0), (0, 0)])
    # the polyhedral bound is attained by the certified optimum: p(3, 4) = ||(3, 4)||_2 = 5
    expect_equal(max(u[0] * 3 + u[1] * 4 for u in UNIT_2D), 5, "p(3, 4)")
    return {"grid_step": str(step), **out}


def check_separate_optima_by_lp(full: bool = False) -> dict:
    step = R(1, 4) if full else R(1, 2)
    return {"grid_step": str(step), **_check_single(step)}


def falsify_no_joint_gain() -> None:
    _check_joint(R(1), 7, [(0, 0), (0, 0)])


def falsify_joint_continuum() -> None:
    _check_joint(R(1), 5, [(0, 2), (0, 0)])
