"""The exact Piecewise core at scale, against float64 numpy doing the same, in one run.

Run:  python benchmarks/bench_core.py [--quick] [--deep] [--check] [--repeat R]

Every figure is CPU time (``time.process_time``, best of a few calls; the machine is shared)
and every ratio is taken against float64 numpy code measured in the same run on the same grid.
In part 1 both sides get the best of 20 calls (the older Fraction code: 3, and 1 at 2^20): the
first calls after a burst of large allocations pay for fresh pages from the kernel, on either
side.

Part 1 (N = 2^12, 2^16, 2^20): two step functions with N pieces on the dyadic grid, given as
integer numpy arrays (values ``a / 2^10`` and ``b / 3``), exact against float64:
``build + inner``, ``equal`` (a separately built copy: verdict "everywhere"),
``integrate(f * g)`` and ``f.compose(S_1)`` (S_1 the sawtooth, 2N pieces out). Without
``Piecewise.from_arrays`` (the code before the integer-array core) the exact functions are built
from lists of ``Fraction`` (the only route there was).

Part 2: the same step functions given as Python lists of ``Fraction`` (breakpoints and values):
``Piecewise.step`` against ``np.array(list(map(float, ...)))`` of the same lists.

Part 3: Telgarsky depth 20 (2^20 regions): ``telgarsky_network(20).compile()``, ``triangle(20)``
and ``equal`` of the two, against a float64 numpy forward pass of the same network at the
2^20 + 1 breakpoints; the traced peak (``tracemalloc``, a separate run of the three steps)
per region.

``--deep``: depths 22 and 24 (and 26 with ``--deeper``), each in a child process: CPU time and
peak RSS.
``--check``: CPU time of ``python -m exactmtl check`` (default ranges) in a child process;
with ``--check-before DIR`` (a checkout of the older code) the older run, this code on the
same claims and this code's whole run, interleaved ``--check-rounds`` times.
``--check-only``: that timing alone (no parts 1-3).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from fractions import Fraction
from typing import Any

import numpy as np

import exactmtl
from exactmtl import Piecewise, equal, inner, integrate, telgarsky_network, triangle

NEW = hasattr(Piecewise, "from_arrays")
_REPEAT = 20  # part 1: best of this many calls, exact and float alike


def cpu(fn, repeat: int = 3):
    """Least CPU time of ``repeat`` calls of ``fn`` and its last result."""
    best, out = float("inf"), None
    for _ in range(max(1, repeat)):
        start = time.process_time()
        out = fn()
        best = min(best, time.process_time() - start)
    return best, out


def _fmt(s: float) -> str:
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.2f} s"


def build(num: np.ndarray, den: int) -> Piecewise:
    """The step function num[c] / den on the level cells of [0, 1)."""
    size = len(num)
    if NEW:
        return Piecewise.from_arrays(np.arange(size + 1, dtype=np.int64), num,
                                     knot_denominator=size, value_denominator=den)
    return Piecewise.on_grid([Fraction(v, den) for v in num.tolist()])


def part1(levels: list[int]) -> None:
    print("\n## 1. step functions from integer arrays (exact / float64 numpy, CPU time)")
    print(f"{'N':>8} {'build+inner':>22} {'equal':>22} {'integrate(f*g)':>22} "
          f"{'compose(S_1)':>22}")
    rng = np.random.default_rng(2026)
    saw = Piecewise.linear([Fraction(1, 2)], [(0, 2), (-1, 2)])
    for level in levels:
        size = 1 << level
        a = rng.integers(-(1 << 20), 1 << 20, size, dtype=np.int64)
        b = rng.integers(-(1 << 20), 1 << 20, size, dtype=np.int64)
        # the same number of calls on both sides (the first calls after large allocations pay
        # for fresh pages from the kernel); the old Fraction code: 3 calls, one at 2^20
        rep = _REPEAT if NEW else 3 if level <= 16 else 1
        t_bi, exact_ip = cpu(lambda a=a, b=b: inner(build(a, 1 << 10), build(b, 3)), rep)
        f, g, f2 = build(a, 1 << 10), build(b, 3), build(a.copy(), 1 << 10)
        t_eq, verdict = cpu(lambda f=f, f2=f2: equal(f, f2), rep)
        assert verdict, "equal copy"
        t_int, exact_fg = cpu(lambda f=f, g=g: integrate(f * g), rep)
        assert exact_fg == exact_ip, "integrate(f*g) == inner(f, g)"
        t_cmp, comp = cpu(lambda f=f: f.compose(saw), rep)
        assert comp.pieces == 2 * size or comp.pieces <= 2 * size

        kint = np.arange(size + 1, dtype=np.int64)

        def fl_build_inner(a=a, b=b, kint=kint, size=size):
            kf = kint / size  # float ok: the reference code
            af, bf = a / (1 << 10), b / 3
            return float(np.dot(np.diff(kf) * af, bf))

        af, bf, kf = a / (1 << 10), b / 3, kint / size
        af2, kf2 = a.copy() / (1 << 10), kint.copy() / size
        f_bi = cpu(fl_build_inner, _REPEAT)[0]
        f_eq = cpu(lambda kf=kf, kf2=kf2, af=af, af2=af2: np.array_equal(kf, kf2)
                   and np.array_equal(af, af2), _REPEAT)[0]
        f_int = cpu(lambda kf=kf, af=af, bf=bf: float(np.dot(np.diff(kf), af * bf)), _REPEAT)[0]
        f_cmp = cpu(lambda kf=kf, af=af: (np.concatenate((kf[:-1] / 2, kf / 2 + 0.5)),
                                          np.concatenate((af, af))), _REPEAT)[0]
        approx = fl_build_inner()
        assert abs(approx - float(exact_ip)) <= 1e-6 * (1 + abs(approx)), "float vs exact"

        def cell(ex: float, fl: float) -> str:
            return f"{_fmt(ex)} ({ex / fl:.1f}x)"

        print(f"{'2^' + str(level):>8} {cell(t_bi, f_bi):>22} {cell(t_eq, f_eq):>22} "
              f"{cell(t_int, f_int):>22} {cell(t_cmp, f_cmp):>22}")


def part2(levels: list[int]) -> None:
    print("\n## 2. step functions from Python lists of Fraction (Piecewise.step / float arrays)")
    print(f"{'N':>8} {'Piecewise.step':>15} {'float arrays':>13} {'ratio':>7}")
    rng = np.random.default_rng(7)
    for level in levels:
        size = 1 << level
        bps = [Fraction(c, size) for c in range(1, size)]
        vals = [Fraction(v, 3) for v in rng.integers(-(1 << 20), 1 << 20, size).tolist()]
        rep = 3 if level <= 16 else 1
        t_ex = cpu(lambda bps=bps, vals=vals: Piecewise.step(bps, vals), rep)[0]
        t_fl = cpu(lambda bps=bps, vals=vals: (np.array(list(map(float, bps))),
                                               np.array(list(map(float, vals)))), rep)[0]
        print(f"{'2^' + str(level):>8} {_fmt(t_ex):>15} {_fmt(t_fl):>13} {t_ex / t_fl:>6.1f}x")


def _float_telgarsky(k: int) -> np.ndarray:
    y = np.arange((1 << k) + 1) / (1 << k)  # float ok: the reference forward pass
    for _ in range(k):
        y = 2 * np.maximum(y, 0) - 4 * np.maximum(y - 0.5, 0)
    return y


def _budget(k: int) -> Any:
    """The pieces budget of a depth-``k`` run (the code before issue 11 has no budgets)."""
    if not hasattr(exactmtl, "limits"):
        return contextlib.nullcontext()
    return exactmtl.limits(pieces=max(exactmtl.current_limits().pieces, 1 << (k + 1)))


def _telgarsky_steps(k: int) -> bool:
    with _budget(k):
        compiled = telgarsky_network(k).compile()
        return bool(equal(compiled.outputs[0], triangle(k)))


def part3(k: int) -> None:
    print(f"\n## 3. Telgarsky depth {k}: compile + triangle({k}) + equal")
    with _budget(k):  # best of 3 (shared machine)
        t_c, compiled = cpu(lambda: telgarsky_network(k).compile(), 3)
    t_t, tri = cpu(lambda: triangle(k), 3)
    t_e, verdict = cpu(lambda c=compiled, t=tri: equal(c.outputs[0], t), 3)
    assert verdict
    del compiled, tri
    t_f = cpu(lambda: _float_telgarsky(k), 5)[0]
    total = t_c + t_t + t_e
    tracemalloc.start()
    assert _telgarsky_steps(k)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    tracemalloc.start()  # compile alone (the result it holds included)
    with _budget(k):
        held = telgarsky_network(k).compile()
    peak_c, kept = tracemalloc.get_traced_memory()[1], tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del held
    regions = 1 << k
    print(f"compile {_fmt(t_c)}, triangle {_fmt(t_t)}, equal {_fmt(t_e)}: total {_fmt(total)}; "
          f"float forward pass {_fmt(t_f)}; ratio {total / t_f:.1f}x "
          f"(compile alone {t_c / t_f:.2f}x)")
    print(f"traced peak {peak / 2**20:.0f} MiB = {peak / regions:.0f} bytes per region; "
          f"compile alone {peak_c / regions:.0f} bytes per region, its result "
          f"{kept / regions:.0f}")


def _child(code: str) -> tuple[float, float, int]:
    """(CPU s, peak RSS GiB, exit code) of ``python -c code`` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-c", code], env=os.environ.copy())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return used, after.ru_maxrss / 2**20, proc.returncode


def deep(ks: list[int]) -> None:
    print("\n## deep Telgarsky networks (child process: CPU time, peak RSS)")
    for k in ks:
        code = ("import contextlib, exactmtl\n"
                "from exactmtl import telgarsky_network, triangle, equal\n"
                "budget = getattr(exactmtl, 'limits', lambda **kw: contextlib.nullcontext())\n"
                f"with budget(pieces=1 << {k + 1}):\n"
                f"    assert equal(telgarsky_network({k}).compile().outputs[0], triangle({k}))\n")
        used, rss, rc = _child(code)
        print(f"k={k}: {'ok' if rc == 0 else 'FAILED rc=' + str(rc)}, CPU {_fmt(used)}, "
              f"peak RSS {rss:.2f} GiB ({rss * 2**30 / (1 << k):.0f} bytes per region)")


def _child_cpu(args: list[str], cwd: str | None = None) -> tuple[float, int, str]:
    """CPU time (user + system) of one child process, its exit code and last output line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = proc.stdout.strip().splitlines()
    return used, proc.returncode, lines[-1] if lines else ""


def check_run(before: str | None = None, repeat: int = 1) -> None:
    """``python -m exactmtl check`` (default ranges) in child processes, CPU time.

    With ``before`` (a checkout of the code before a change, e.g. a git worktree): that
    checkout's whole default run, this code on the same claims (``-k`` for each claim id listed
    there) and this code's whole run, interleaved ``repeat`` times (the machine is shared:
    ratios within one round).
    """
    print("\n## exactmtl check (default ranges, child processes, CPU)")
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if before is None:
        used, code, last = _child_cpu(["-m", "exactmtl", "check"], here)
        print(f"exit {code}, CPU {_fmt(used)}  ({last})")
        return
    listing = subprocess.run([sys.executable, "-m", "exactmtl", "list"], capture_output=True,
                             text=True, cwd=before, check=True).stdout
    ids = [line.split()[0] for line in listing.splitlines() if line.strip()]
    same = [a for i in ids for a in ("-k", i)]
    for r in range(max(1, repeat)):
        t_before, c1, _ = _child_cpu(["-m", "exactmtl", "check"], before)
        t_same, c2, last = _child_cpu(["-m", "exactmtl", "check", *same], here)
        t_all, c3, last_all = _child_cpu(["-m", "exactmtl", "check"], here)
        print(f"round {r + 1}: before ({len(ids)} claims) {_fmt(t_before)} [exit {c1}]; "
              f"now, same claims {_fmt(t_same)} [exit {c2}] = {t_before / t_same:.2f}x faster; "
              f"now, every claim {_fmt(t_all)} [exit {c3}] ({last_all})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes only (smoke test)")
    parser.add_argument("--deep", action="store_true", help="also depths 22, 24 (children)")
    parser.add_argument("--deeper", action="store_true", help="also depth 26 (child process)")
    parser.add_argument("--check", action="store_true", help="also time `exactmtl check`")
    parser.add_argument("--check-before", metavar="DIR",
                        help="with --check: a checkout of the code before (its claims are "
                             "timed on both)")
    parser.add_argument("--check-rounds", type=int, default=1, metavar="R",
                        help="with --check-before: interleaved rounds")
    parser.add_argument("--check-only", action="store_true",
                        help="only the `exactmtl check` timing (skip parts 1-3)")
    parser.add_argument("--only-deep", type=int, metavar="K",
                        help="run only the child-process Telgarsky check at depth K")
    parser.add_argument("--repeat", type=int, default=_REPEAT, metavar="R",
                        help=f"part 1: best of R calls on both sides (default {_REPEAT})")
    args = parser.parse_args()
    globals()["_REPEAT"] = max(1, args.repeat)
    if args.only_deep is not None:
        deep([args.only_deep])
        return
    if args.check_only:
        check_run(args.check_before, args.check_rounds)
        return
    print(f"# python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, exactmtl from {os.path.dirname(exactmtl.__file__)}, "
          f"integer-array core: {NEW}")
    levels = [10, 12] if args.quick else [12, 16, 20]
    part1(levels)
    part2(levels)
    part3(12 if args.quick else 20)
    if args.deep or args.deeper:
        deep([22, 24, 26] if args.deeper else [22, 24])
    if args.check:
        check_run(args.check_before, args.check_rounds)


if __name__ == "__main__":
    main()
