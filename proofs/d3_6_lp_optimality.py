"""D3.6 -- the companions §D.3 optima, re-derived by exact linear programming (no dual certificate).

Statement   Over every interpolant of the companions §D.3 data whose kinks lie on the grid
            (1/2) Z in (-3, 2) (with --full (1/16) Z): (i) the joint cost sum_k ||J_k||_2 is
            >= 5, and every interpolant of joint cost 5 has f(-1) = (0, 0) -- the certified
            joint optimum (3, 4) ReLU(x + 1) is the only one on the grid; (ii) task A alone:
            min sum_k |J_k| = 3, and the optimal values f_A(-1) fill exactly [0, 2] (a continuum
            of separate optima); (iii) task B alone: min = 4, f_B(-1) = 0 only.
Check       an independent routine: an exact two-phase simplex (Bland's rule, an integer
            tableau: each row integer numerators over its own denominator) written here, on the
            primal only -- it never sees the dual lambda or eta. The 2-norm is bounded below by
            the polyhedral norm p(J) = max_{u in U} u . J over eight rational unit vectors U
            (p <= ||.||_2), so the LP  min sum_k tau_k, tau_k >= u . J_k,  interpolation
            equalities (affine parts free)  is a lower bound for the joint problem on the grid;
            its exact value 5 is attained by (3, 4) ReLU(x + 1) (p = ||.||_2 = 5 there), and
            min / max of f_t(-1) over the LP optima (cost <= 5 added) are 0: any 2-norm optimum
            has p-cost <= 5, so is an LP optimum. For one task |J| = max(J, -J) exactly (U = {1,
            -1}): the LP gives the optimum itself, and min / max of f_A(-1) over the optima.
Range       kinks on the 1/2-grid by default (9 candidate knots), the 1/16-grid with --full
            (79 knots; was the 1/4-grid, 19 knots, before the integer tableau of issue 12). A
            kink-free grid is a restriction: the dual certificate (D3.3) covers arbitrary kinks;
            this check confirms its numbers by a different method.
Falsifier   the claim "joint optimum = 3 + 4 = 7" (no gain from joint training) is rejected,
            and so is the claim that the joint optima form a continuum like task A's.
Source      companions §D.3 (a certified example, D3.6) (docs/companions.md); arXiv 2112.15577.
Provenance  derived
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd, lcm

import numpy as np

from exactmtl.companions.vector_tv import spec_example
from exactmtl.proofcheck import Claim, expect_equal

CLAIM = Claim("D3.6", "companions §D.3 optima re-derived by exact LP on a knot grid")

R = Fraction
DEFAULT_STEP, FULL_STEP = R(1, 2), R(1, 16)  # the knot grids (--full: 79 knots)
# eight rational unit vectors: the polygon conv(U) lies inside the unit disc
UNIT_2D = [(R(1), R(0)), (R(0), R(1)), (R(-1), R(0)), (R(0), R(-1))] + [
    (sx * R(a, 5), sy * R(b, 5)) for a, b in ((3, 4), (4, 3)) for sx in (1, -1) for sy in (1, -1)]


# --------------------------------------------------------------------------- exact simplex

_SAFE = 1 << 62  # |a x - f y| < 2^63 when |a x|, |f y| < 2^62


def _reduce_rows(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``num[i] / den[i]`` divided through by their gcd (int64, or Python ints)."""
    if num.dtype == object:  # numpy's gcd converts to C long: use Python's
        g = np.array([gcd(d, *row) or 1 for row, d in zip(num.tolist(), den.tolist())],
                     dtype=object)
    else:
        g = np.gcd(np.gcd.reduce(num, axis=1), den)
        g[g == 0] = 1
    return num // g[:, None], den // g


def _int_table(a_ub, b_ub, a_eq, b_eq, cols):
    """[D0 A | D0 I_slack | I | D0 b] with rows of negative right-hand side negated."""
    nslack, m = len(a_ub), len(a_ub) + len(a_eq)
    mat = [[R(v) for v in row] for row in [*a_ub, *a_eq]]
    rhs = [R(v) for v in [*b_ub, *b_eq]]
    d0 = lcm(1, *(v.denominator for row in mat for v in row), *(v.denominator for v in rhs))
    width = len(cols) + nslack
    out = np.zeros((m, width + m + 1), dtype=object)
    idx = np.array([i for i, _ in cols], dtype=np.int64)
    sgn = np.array([s for _, s in cols], dtype=object)
    if m:
        ints = np.array([[v.numerator * (d0 // v.denominator) for v in row] for row in mat],
                        dtype=object).reshape(m, -1)
        out[:, :len(cols)] = ints[:, idx] * sgn
    out[np.arange(nslack), len(cols) + np.arange(nslack)] = d0
    out[np.arange(m), width + np.arange(m)] = 1
    out[:, -1] = [v.numerator * (d0 // v.denominator) for v in rhs]
    neg = out[:, -1] < 0
    out[neg, :width] *= -1
    out[neg, -1] *= -1
    big = max((abs(int(v)) for v in out.flat), default=0)
    return out.astype(np.int64) if big < _SAFE else out


def lp_min(c, a_ub, b_ub, a_eq, b_eq, free):
    """min c.x s.t. a_ub x <= b_ub, a_eq x = b_eq, x_i >= 0 unless i in ``free``; exact.

    Two-phase simplex with Bland's rule (terminates). Returns (value, x). The tableau is kept in
    integers: row i is ``tab[i] / den[i]`` (reduced by the row's gcd after each pivot), the
    constraints scaled by one common denominator D0 (``[D0 A | I | D0 b]``: the artificial
    variables scaled uniformly, so the pivots are those of the Fraction tableau, which
    ``tests/_oracle_lp.py`` keeps as the oracle); int64 while every product stays below 2^62
    (checked before each pivot), Python ints (object arrays) past that.
    """
    n = len(c)
    cols = [(i, s) for i in range(n) for s in ((1, -1) if i in free else (1,))]
    m, width = len(a_ub) + len(a_eq), len(cols) + len(a_ub)
    total = width + m
    state = {"tab": _int_table(a_ub, b_ub, a_eq, b_eq, cols), "z": None, "zden": 1}
    state["den"] = np.ones(m, dtype=state["tab"].dtype)
    basis = [width + r for r in range(m)]

    def widen():
        for key in ("tab", "den", "z"):
            state[key] = state[key].astype(object)

    def pivot(r, j):
        tab, den, z = state["tab"], state["den"], state["z"]
        pr = tab[r]
        if pr[j] < 0:
            pr = -pr
        pr = _reduce_rows(pr[None, :], pr[j:j + 1])[0][0]
        a = pr[j]
        tab[r], den[r] = pr, a
        col = tab[:, j].copy()
        col[r] = 0
        idx = np.nonzero(col)[0]
        if tab.dtype != object:
            top = max(int(np.abs(tab[idx]).max(initial=0)), int(np.abs(z).max()),
                      int(den.max()), int(state["zden"])) * int(a)
            side = max(int(np.abs(col).max()), abs(int(z[j]))) * int(np.abs(pr).max())
            if top >= _SAFE or side >= _SAFE:
                widen()
                tab, den, z = state["tab"], state["den"], state["z"]
                pr, a, col = tab[r], tab[r, j], col.astype(object)
        if idx.size:
            new = a * tab[idx] - col[idx][:, None] * pr[None, :]
            tab[idx], den[idx] = _reduce_rows(new, den[idx] * a)
        if z[j]:
            zn, zd = _reduce_rows((a * z - z[j] * pr)[None, :],
                                  np.array([state["zden"] * int(a)], dtype=z.dtype))
            state["z"], state["zden"] = zn[0], int(zd[0])
        basis[r] = j

    def run(cost, limit):
        tab, den = state["tab"], state["den"]
        on = [i for i in range(m) if cost[basis[i]]]
        dz = lcm(1, *(int(den[i]) for i in on))
        z = np.array([*cost, 0], dtype=object) * dz
        for i in on:
            z = z - (cost[basis[i]] * (dz // int(den[i]))) * tab[i].astype(object)
        if tab.dtype != object:
            if max(abs(int(v)) for v in z) < _SAFE:
                z = z.astype(np.int64)
            else:
                state["z"] = z
                widen()
        zn, zd = _reduce_rows(z[None, :], np.array([dz], dtype=z.dtype))
        state["z"], state["zden"] = zn[0], int(zd[0])
        while True:
            neg = np.nonzero(state["z"][:limit] < 0)[0]
            if not neg.size:
                return
            j = int(neg[0])
            tab = state["tab"]
            best = None  # min (rhs_i / tab_ij, basis_i) over tab_ij > 0, by cross-multiplying
            for i in np.nonzero(tab[:, j] > 0)[0].tolist():
                num, d = int(tab[i, -1]), int(tab[i, j])
                if best is None:
                    best = (num, d, i)
                    continue
                lhs, rhs = num * best[1], best[0] * d
                if lhs < rhs or (lhs == rhs and basis[i] < basis[best[2]]):
                    best = (num, d, i)
            if best is None:
                raise ValueError("the LP is unbounded")
            pivot(best[2], j)

    run([0] * width + [1] * m, total)
    tab = state["tab"]
    if any(tab[i, -1] for i in range(m) if basis[i] >= width):
        raise ValueError("the LP is infeasible")
    for i in range(m):
        if basis[i] >= width:
            nz = np.nonzero(state["tab"][i, :width])[0]
            if nz.size:
                pivot(i, int(nz[0]))
    cd = lcm(1, *(R(ci).denominator for ci in c))
    cost = [int(R(c[i]) * s * cd) for i, s in cols] + [0] * (total - len(cols))
    run(cost, width)
    tab, den = state["tab"], state["den"]
    y = [R(0)] * total
    for i in range(m):
        y[basis[i]] = R(int(tab[i, -1]), int(den[i]))
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
    step = FULL_STEP if full else DEFAULT_STEP
    out = _check_joint(step, 5, [(0, 0), (0, 0)])
    # the polyhedral bound is attained by the certified optimum: p(3, 4) = ||(3, 4)||_2 = 5
    expect_equal(max(u[0] * 3 + u[1] * 4 for u in UNIT_2D), 5, "p(3, 4)")
    return {"grid_step": str(step), **out}


def check_separate_optima_by_lp(full: bool = False) -> dict:
    step = FULL_STEP if full else DEFAULT_STEP
    return {"grid_step": str(step), **_check_single(step)}


def falsify_no_joint_gain() -> None:
    _check_joint(R(1), 7, [(0, 0), (0, 0)])


def falsify_joint_continuum() -> None:
    _check_joint(R(1), 5, [(0, 2), (0, 0)])
