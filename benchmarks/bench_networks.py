"""Compiling Telgarsky's ReLU network exactly: exactmtl versus composing sympy Piecewise.

Run:  python benchmarks/bench_networks.py [--quick]

Part 1 (k = 10..20; --quick: 10..14): time of ``telgarsky_network(k).compile()`` (exact,
layer by layer, 2^k linear regions), of building ``triangle(k)`` from its closed form, and of
the exact identity check ``equal(compiled, triangle(k))``; the identity is asserted.

Part 2 (same run): the sympy route, T^k built by composing the tent map as a sympy
``Piecewise`` and ``piecewise_fold`` (k = 1..5, stopped once the sympy time passes the
budget; --quick: k <= 3), against ``telgarsky_network(k).compile()``. The sympy result is
checked exactly against the compiled network at every point i 2^-(k+1).
"""

from __future__ import annotations

import argparse
import platform
import time
from fractions import Fraction

import numpy as np
import sympy
from _timing import best_of

from exactmtl import equal, telgarsky_network, triangle


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes only (smoke test)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="stop the sympy route once it has used this many seconds")
    args = parser.parse_args()
    print(f"# python {platform.python_version()}, sympy {sympy.__version__}, "
          f"numpy {np.__version__}, {platform.machine()}")
    print("\n## exactmtl: Telgarsky network N_k compiled exactly, checked against T^k")
    print(f"{'k':>3} {'regions':>9} {'compile':>10} {'triangle(k)':>12} {'equal':>10}")
    for k in range(10, 15 if args.quick else 21):
        net = telgarsky_network(k)
        repeat = 3 if k <= 16 else 1
        start = time.perf_counter()
        compiled = net.compile()
        first = time.perf_counter() - start
        t_compile = min(first, best_of(net.compile, repeat - 1)[0]) if repeat > 1 else first
        start = time.perf_counter()
        target = triangle(k)
        t_tri = time.perf_counter() - start
        start = time.perf_counter()
        verdict = equal(compiled.outputs[0], target)
        t_eq = time.perf_counter() - start
        assert verdict and compiled.regions == 1 << k, f"k={k}: {verdict}"
        print(f"{k:>3} {compiled.regions:>9} {_fmt(t_compile):>10} {_fmt(t_tri):>12} "
              f"{_fmt(t_eq):>10}")

    print("\n## sympy: T^k by composing the tent map as a sympy Piecewise (same run)")
    print(f"{'k':>3} {'sympy compose (cumulative)':>27} {'exactmtl compile':>17} {'ratio':>9}")
    x = sympy.Symbol("x")
    tent = sympy.Piecewise((2 * x, x <= sympy.Rational(1, 2)), (2 - 2 * x, True))
    expr = x
    spent = 0.0
    for k in range(1, 4 if args.quick else 6):
        start = time.perf_counter()
        expr = sympy.piecewise_fold(tent.subs(x, expr))
        spent += time.perf_counter() - start
        net = telgarsky_network(k)
        ours = best_of(net.compile, 5)[0]
        f = net.to_piecewise()
        size = 1 << (k + 1)
        for i in range(size + 1):
            value = expr.subs(x, sympy.Rational(i, size))
            assert value == sympy.Rational(f(Fraction(i, size))), f"k={k}, i={i}"
        ratio = spent / ours
        text = f"{ratio:.1f}x" if ratio < 10 else f"{ratio:.0f}x"
        print(f"{k:>3} {_fmt(spent):>27} {_fmt(ours):>17} {text:>9}")
        if spent > args.budget:
            print(f"# sympy budget {args.budget:.0f} s used up; stopping at k={k}")
            break


if __name__ == "__main__":
    main()
