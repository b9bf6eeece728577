"""Code lengths: the n = 4 curves, the early stop, and the colouring solvers, in one run (CPU s).

Run:  python benchmarks/bench_coding.py [--quick]

1. n = 4 curves: every golden curve of proofs/m30 (fresh solvers: neighbour structure built
   once per class), and at n = 3 the structured search against the generic DSATUR search on
   the whole class (same classes, every threshold) as a ratio.
2. The 256-member class (random step functions, seed 1, 3 cells of 16 levels) at eps = 1/16:
   stopping once ceil(log2 N) is fixed against running to the exact N (the previous default).
3. Solver comparison on colouring decisions "is there a cover with ``goal`` balls?"
   (far graphs of random 256-member classes and of an n = 4 orbit quotient): the hand-written
   DSATUR branch and bound (200,000 nodes), python-sat CaDiCaL 1.5.3 and Glucose 4, and HiGHS
   MILP (scipy.optimize.milp, 20 s limit). Times are CPU seconds of this process.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

import exactmtl
from exactmtl.coding import FiniteClass, code_length, output_table
from exactmtl.colouring import (
    bit_list,
    dsatur,
    exact_colouring,
    far_graph,
    max_clique,
    sat_available,
)
from exactmtl.construction_certify import ClassSolver
from exactmtl.covering import _certify

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "proofs"))
import m30_n4_curves as golden


def cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def bench_curves(quick: bool) -> list[str]:
    lines = []
    fams = golden.DEFAULT if quick else tuple(golden.JOINT)
    classes = [(m, ks, t) for m, ks in fams for t in (None, *range(len(ks)))]
    secs, curves = cpu(lambda: [ClassSolver(4, m, ks, t).curve() for m, ks, t in classes])
    steps = sum(len(c) for c in curves)
    lines.append(f"n = 4 curves: {len(classes)} classes, {steps} certified steps, "
                 f"{secs:.2f} s CPU ({secs / len(classes):.2f} s per class)")
    n, m, ks = 3, 2, (0, 1, 2, 3)
    tab = output_table(n, m, list(ks))

    def structured() -> list[int]:
        out = []
        for t in (None, *range(len(ks))):
            s = ClassSolver(n, m, ks, t)
            out += [s.certify(e).code_length for e in s.thresholds()]
        return out

    def generic() -> list[int]:
        out = []
        for t in (None, *range(len(ks))):
            cls = tab.joint() if t is None else tab.marginal(t)
            out += [code_length(cls, e) for e in ClassSolver(n, m, ks, t).thresholds()]
        return out

    t_s, a = cpu(structured)
    t_g, b = cpu(generic)
    assert a == b
    lines.append(f"n = 3, m = 2, K = {{0..3}}, joint + 4 tasks, {len(a)} thresholds: "
                 f"structured {t_s:.2f} s, generic {t_g:.2f} s (ratio {t_g / t_s:.1f}x)")
    return lines


def random_class(seed: int, cols: int) -> FiniteClass:
    rng = np.random.default_rng(seed)
    return FiniteClass.from_table(rng.integers(0, 16, size=(256, cols)), 16)


def bench_early_stop() -> list[str]:
    cls = random_class(1, 3)
    eps = Fraction(1, 16)
    t_new, c = cpu(lambda: _certify(cls, eps, "N0", 200_000, 2048))
    t_old, d = cpu(lambda: _certify(cls, eps, "N0", 200_000, 2048, exact_count=True))
    return [f"256-member class at eps = 1/16: L = {c.code_length} from packing {c.lower} and "
            f"cover {c.upper} in {t_new:.3f} s; to the exact N = {d.upper} ({d.method}): "
            f"{t_old:.2f} s (ratio {t_old / max(t_new, 1e-3):.0f}x)"]


def sat_decide(adj: list[int], goal: int, clique: list[int], name: str) -> str:
    from pysat.solvers import Solver

    n = len(adj)
    clauses = [[v * goal + c + 1 for c in range(goal)] for v in range(n)]
    for v in range(n):
        for u in bit_list(adj[v]):
            if u > v:
                clauses.extend([-(u * goal + c + 1), -(v * goal + c + 1)] for c in range(goal))
    clauses.extend([v * goal + i + 1] for i, v in enumerate(clique))
    with Solver(name=name, bootstrap_with=clauses, with_proof=name != "cadical153") as s:
        return "yes" if s.solve() else "no"


def milp_decide(adj: list[int], goal: int, clique: list[int]) -> str:
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    n = len(adj)
    nv = n * goal
    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0
    for v in range(n):  # one colour per vertex
        rows += [r] * goal
        cols += [v * goal + c for c in range(goal)]
        vals += [1] * goal
        lo.append(1)
        hi.append(1)
        r += 1
    for v in range(n):
        for u in bit_list(adj[v]):
            if u > v:
                for c in range(goal):
                    rows += [r, r]
                    cols += [u * goal + c, v * goal + c]
                    vals += [1, 1]
                    lo.append(0)
                    hi.append(1)
                    r += 1
    a = coo_matrix((vals, (rows, cols)), shape=(r, nv)).tocsr()
    lb = np.zeros(nv)
    for i, v in enumerate(clique):
        lb[v * goal + i] = 1
    res = milp(np.zeros(nv), constraints=LinearConstraint(a, lo, hi), integrality=np.ones(nv),
               bounds=Bounds(lb, np.ones(nv)), options={"time_limit": 20})
    return {0: "yes", 2: "no"}.get(res.status, f"stopped ({res.message[:30]})")


def bench_solvers(quick: bool) -> list[str]:
    cases = [("random 256, eps = 3/16 (seed 1, 6 cells)", random_class(1, 6), Fraction(3, 16),
              64),
             ("random 256, eps = 1/16 (seed 1, 3 cells)", random_class(1, 3), Fraction(1, 16),
              84)]
    s = ClassSolver(4, 2, (0, 1, 2, 3), 1)
    _, _, d = s.orbits(3)
    quotient = (d, Fraction(1, 2) * s.scale)
    lines = [f"{'instance':44} {'goal':>4}  {'B&B':>14}  {'CaDiCaL':>12}  {'Glucose4':>12}  "
             f"{'HiGHS MILP':>16}"]
    graphs = []
    for name, cls, eps, goal in cases:
        graphs.append((name, far_graph(cls._dmatrix(), 2 * eps, cls.scale), goal))
    far_q = far_graph(quotient[0], quotient[1], 1)
    graphs.append(("n = 4, m = 2, k = 1 orbit quotient (q = 3)", far_q, 32))
    if quick:
        graphs = graphs[1:]
    for name, adj, goal in graphs:
        clique, _ = max_clique(adj, 200_000)
        t_b, (col, done) = cpu(lambda adj=adj, clique=clique, goal=goal: exact_colouring(
            adj, clique, dsatur(adj), 200_000, goal))
        k = max(col) + 1
        bnb = "yes" if k <= goal else ("no" if done else "undecided")
        cells = [f"{bnb} {t_b:6.2f}s"]
        if sat_available():
            for solver in ("cadical153", "glucose4"):
                t, ans = cpu(lambda adj=adj, goal=goal, clique=clique, solver=solver:
                             sat_decide(adj, goal, clique, solver))
                cells.append(f"{ans} {t:6.2f}s")
        else:
            cells += ["n/a", "n/a"]
        t, ans = cpu(lambda adj=adj, goal=goal, clique=clique: milp_decide(adj, goal, clique))
        cells.append(f"{ans} {t:6.2f}s")
        lines.append(f"{name:44} {goal:>4}  {cells[0]:>14}  {cells[1]:>12}  {cells[2]:>12}  "
                     f"{cells[3]:>16}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="default curves, two solver cases")
    args = ap.parse_args(argv)
    print(f"exactmtl {exactmtl.__file__}; Python {platform.python_version()}; "
          f"{platform.machine()}; CPU seconds")
    for section in (bench_curves(args.quick), bench_early_stop(), bench_solvers(args.quick)):
        print()
        for line in section:
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
