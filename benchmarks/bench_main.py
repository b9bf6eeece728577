"""How far each exact check of the main construction gets in a time budget (default 10 s).

Run:  python benchmarks/bench_main.py [--quick] [--budget SECONDS]

For each check, the depth n grows until one run exceeds the budget (or the next run is
predicted to exceed it three times over from the growth of the last two); the table reports the
largest n that finished within the budget and its time. Checks:

* code length by enumeration: L_sep and L_joint of all 2^(2^n - 1) sign patterns below
  delta_min / 2 (K = {0..3} cap [0, 2^m), m = min(n, 2)); certified "separated";
* code-length curve: the certified L(eps) curve of the joint class at every threshold;
* feature forms: digit-flip feature == Haar series built term by term (random sigma), exact
  equality;
* Gram of outputs: Gram(F_sigma) == I/3 (random sigma, m = min(n, 2), K = {0..3});
* closed forms at n = 60: Theorem A/B for joint and separate bits, timed per call.
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import sympy

import exactmtl
from exactmtl import equal, feature, gram, outputs
from exactmtl.coding import bits_reports, code_length_curve, output_table


def _tasks(n: int) -> tuple[int, list[int]]:
    m = min(n, 2)
    return m, list(range(min(4, 2 ** m)))


def bench_enumeration(n: int) -> str:
    m, ks = _tasks(n)
    sep, joint = bits_reports(n, m, ks, 0, route="brute")
    return f"L_sep={sep.value}, L_joint={joint.value}"


def bench_curve(n: int) -> str:
    m, ks = _tasks(n)
    curve = code_length_curve(output_table(n, m, ks).joint())
    return f"{len(curve)} segments"


def bench_feature_forms(n: int) -> str:
    sigma = random.Random(n).getrandbits(2 ** n - 1)
    ok = bool(equal(feature(sigma, n), feature(sigma, n, form="haar")))
    if not ok:
        raise AssertionError(f"feature forms differ at n={n}")
    return "equal"


def bench_gram(n: int) -> str:
    m, ks = _tasks(n)
    sigma = random.Random(n).getrandbits(2 ** n - 1)
    g = gram(outputs(sigma, n=n, m=m, ks=ks))
    if g != sympy.eye(len(ks)) / 3:
        raise AssertionError(f"Gram != I/3 at n={n}")
    return "I/3"


def _sweep(name: str, func: Callable[[int], str], budget: float, cap: int) -> tuple:
    best = None
    times: list[float] = []
    note = ""
    for n in range(1, cap + 1):
        if len(times) >= 2 and times[-2] > 0.01:
            predicted = times[-1] * times[-1] / times[-2]
            if predicted > 3 * budget:
                note = f"n={n} predicted {predicted:.0f} s"
                break
        start = time.perf_counter()
        try:
            detail = func(n)
        except (exactmtl.InvalidArgument, exactmtl.UndecidedError) as exc:
            note = f"n={n}: {str(exc)[:60]}"
            break
        took = time.perf_counter() - start
        times.append(took)
        if took > budget:
            note = f"n={n} took {took:.1f} s"
            break
        best = (n, took, detail)
    else:
        note = f"cap n={cap}"
    if best is None:
        return name, None, None, note
    return name, best[0], best[1], f"{best[2]}; {note}"


def bench_all_curves_n3() -> tuple[int, int, float]:
    """Every certified L(eps) curve of main construction §3.3 (n <= 3): H_n, heads, joint K."""
    from exactmtl.coding import feature_class

    start = time.perf_counter()
    classes = thresholds = 0
    for n in (1, 2, 3):
        todo = [feature_class(n)]
        for m in range(n + 1):
            todo += [output_table(n, m, [k]).joint() for k in range(2 ** m)]
            if 2 ** m > 1:
                todo.append(output_table(n, m, list(range(min(4, 2 ** m)))).joint())
        for cls in todo:
            code_length_curve(cls)
            classes += 1
            thresholds += len(cls.distances()) + 1
    return classes, thresholds, time.perf_counter() - start


def bench_closed_forms(repeat: int) -> list[tuple[str, float]]:
    rows = []
    calls = {
        "joint_bits_report(60, 2, K, 0)": lambda: bits_reports(60, 2, [0, 1, 2, 3], 0,
                                                               route="closed"),
        "bits_reports(60, 2, K, 2^-20)": lambda: bits_reports(60, 2, [0, 1, 2, 3],
                                                              Fraction(1, 2 ** 20),
                                                              route="closed"),
        "walsh heads 1..2^12-1, n = 12": lambda: bits_reports(12, 12, range(1, 2 ** 12), 0,
                                                              heads="walsh", route="closed"),
    }
    for label, fn in calls.items():
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        rows.append((label, best))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1 s budget, small caps")
    parser.add_argument("--budget", type=float, default=None, help="seconds per run (10)")
    args = parser.parse_args()
    budget = args.budget if args.budget is not None else (1.0 if args.quick else 10.0)
    print(f"# python {platform.python_version()}, numpy {np.__version__}, sympy "
          f"{sympy.__version__}, {platform.machine()}; budget {budget:g} s per run")
    checks = [
        ("code length by enumeration (below delta_min/2)", bench_enumeration, 6),
        ("certified L(eps) curve, joint class", bench_curve, 6),
        ("feature forms: digit flip == Haar series", bench_feature_forms, 8 if args.quick else 16),
        ("Gram(F_sigma) == I/3", bench_gram, 8 if args.quick else 16),
    ]
    print(f"\n| check | largest n in {budget:g} s | time at that n | detail |")
    print("|---|---|---|---|")
    for name, func, cap in checks:
        label, n, took, note = _sweep(name, func, budget, cap)
        n_text = "-" if n is None else str(n)
        t_text = "-" if took is None else f"{took:.3f} s"
        print(f"| {label} | {n_text} | {t_text} | {note} |")
    classes, thresholds, took = bench_all_curves_n3()
    print(f"\nAll certified curves of §3.3 (n <= 3): {classes} classes, {thresholds} "
          f"thresholds, {took:.2f} s")
    print("\n| closed form (n = 60 unless stated) | best time |")
    print("|---|---|")
    for label, took in bench_closed_forms(3 if args.quick else 20):
        print(f"| {label} | {took * 1e3:.3f} ms |")


if __name__ == "__main__":
    main()
