"""Test oracle: the Fraction simplex of ``proofs/d3_6_lp_optimality.py`` before issue 12.

A verbatim copy of the old ``lp_min`` (two-phase simplex, Bland's rule, one ``Fraction`` per
tableau entry). ``tests/test_check_speed.py`` compares the integer-tableau simplex that replaced
it with this one (same optimum, same optimal point: the pivots are the same). Not public.
"""

from __future__ import annotations

from fractions import Fraction

R = Fraction


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
