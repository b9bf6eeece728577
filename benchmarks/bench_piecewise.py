"""Inner products of step functions: exactmtl versus sympy integration, same run.

Run:  python benchmarks/bench_piecewise.py [--quick]

For N pieces (random dyadic breakpoints, random rational values) it times
``exactmtl.inner(f, g)`` and ``sympy.integrate(piecewise_fold(f_sympy * g_sympy), (x, 0, 1))``
on the same functions, checks the two agree exactly, and prints the ratio. sympy runs in a
child process with a time limit (``--sympy-limit``, default 60 s): when it does not finish, the
row says so and the ratio is a lower bound (``>``), nothing is extrapolated. Larger N are
exactmtl only, with a float64 numpy cell sum for scale (not exact; reported only as a time).
``exactmtl inner`` is timed on fresh functions (first call) and again (cached integer form).
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from fractions import Fraction

import numpy as np
import sympy
from _timing import best_of

from exactmtl import Piecewise, inner


def _random_step(rng: random.Random, pieces: int, level: int) -> Piecewise:
    cuts = sorted(rng.sample(range(1, 1 << level), pieces - 1))
    return Piecewise.step([Fraction(c, 1 << level) for c in cuts],
                          [Fraction(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(pieces)])


def _sympy_integral(conn, fs, gs, x) -> None:
    start = time.perf_counter()
    ref = sympy.integrate(sympy.piecewise_fold(fs * gs), (x, 0, 1))
    conn.send((time.perf_counter() - start, ref))


def _sympy_timed(fs, gs, x, limit: float):
    """(seconds, value) of sympy's integral, or (None, None) past ``limit`` seconds."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_sympy_integral, args=(child, fs, gs, x))
    proc.start()
    if parent.poll(limit):
        out = parent.recv()
        proc.join()
        return out
    proc.kill()
    proc.join()
    return None, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes only (smoke test)")
    parser.add_argument("--sympy-limit", type=float, default=60.0,
                        help="seconds sympy may take per size (default 60)")
    args = parser.parse_args()
    rng = random.Random(2026)
    x = sympy.Symbol("x")
    print(f"# python {platform.python_version()}, sympy {sympy.__version__}, "
          f"numpy {np.__version__}")
    print(f"{'pieces':>8} {'exactmtl [s]':>13} {'sympy [s]':>12} {'ratio':>10}")
    for pieces in ([16, 32] if args.quick else [64, 128]):
        f, g = _random_step(rng, pieces, 12), _random_step(rng, pieces, 12)
        ours = best_of(lambda f=f, g=g: inner(f, g), 5)[0]
        value = inner(f, g)
        theirs, ref = _sympy_timed(f.to_sympy(x), g.to_sympy(x), x, args.sympy_limit)
        if theirs is None:
            print(f"{pieces:>8} {ours:>13.6f} {'> ' + format(args.sympy_limit, '.0f'):>12} "
                  f"{'> ' + format(args.sympy_limit / ours, '.0f') + 'x':>10}  "
                  "(sympy stopped at the limit)")
            continue
        assert ref == sympy.Rational(value.numerator, value.denominator), "results differ"
        print(f"{pieces:>8} {ours:>13.6f} {theirs:>12.3f} {theirs / ours:>9.0f}x")
    print(f"\n{'pieces':>8} {'first call [s]':>15} {'exactmtl [s]':>13} "
          f"{'float64 numpy [s]':>18} {'ratio':>7}")
    for level in ([10] if args.quick else [12, 14, 16]):
        size = 1 << level
        a = [rng.randint(-9, 9) for _ in range(size)]
        b = [Fraction(rng.randint(-9, 9), 3) for _ in range(size)]
        f, g = Piecewise.on_grid(a), Piecewise.on_grid(b)
        start = time.perf_counter()
        inner(f, g)  # first call: reads every Fraction once
        first = time.perf_counter() - start
        ours = best_of(lambda f=f, g=g: inner(f, g), 3)[0]
        af = np.array(a, dtype=np.float64)
        bf = np.array([float(v) for v in b])  # float ok: reference timing only
        flt = best_of(lambda af=af, bf=bf, size=size: float(af @ bf) / size, 20)[0]
        print(f"{size:>8} {first:>15.6f} {ours:>13.6f} {flt:>18.6f} {ours / flt:>6.0f}x slower")


if __name__ == "__main__":
    main()
