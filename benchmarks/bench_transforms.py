"""Fast exact Walsh-Hadamard transform: exactmtl versus float64 numpy and sympy, same run.

Run:  python benchmarks/bench_transforms.py [--quick] [--json FILE]

For N = 2^10 .. 2^20 (2^10 .. 2^12 with --quick) it times, on the same random integer input:

* ``exact int64``   -- ``exactmtl.fwht`` (Hadamard order); the overflow guard proves int64 safe;
* ``exact limbs``   -- the same values shifted left by 50 bits (past the guard): int64 limbs;
* ``exact object``  -- ``fwht(..., path="object")``: the same butterfly on Python ints;
* ``float64``       -- ``fwht_float64_numeric``: the same kernel on float64 (NOT exact);
* ``sympy``         -- ``sympy.discrete.transforms.fwht`` up to 2^16 ("not run" above: nothing
  is extrapolated).

Every exact result is checked equal to the others (and to sympy where run). Then the full exact
Gram matrix of the 2^12 Walsh functions is timed. Timings are the best of several runs (one run
for the slow columns). numpy's BLAS and the thread environment are printed with the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np
import sympy
from _timing import best_of
from sympy.discrete.transforms import fwht as sympy_fwht

from exactmtl import fwht_with_report, walsh_system
from exactmtl.transforms import fwht_float64_numeric

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "BLIS_NUM_THREADS")


def environment() -> dict:
    """numpy build (BLAS/LAPACK), thread variables, machine."""
    info: dict = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sympy": sympy.__version__,
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "cpu_count": os.cpu_count(),
        "threads_env": {v: os.environ.get(v, "unset") for v in THREAD_VARS},
    }
    try:
        cfg = np.show_config(mode="dicts")
        deps = cfg.get("Build Dependencies", {})
        for lib in ("blas", "lapack"):
            d = deps.get(lib, {})
            info[lib] = f"{d.get('name', '?')} {d.get('version', '?')}"
            if "openblas configuration" in d:
                info[f"{lib}_config"] = d["openblas configuration"]
        simd = cfg.get("SIMD Extensions", {})
        info["simd_found"] = ",".join(simd.get("found", []))
    except (TypeError, ValueError):  # older numpy: no dict mode
        info["blas"] = "see numpy.show_config()"
    return info


def transform_table(levels: range, sympy_top: int, object_top: int) -> list[dict]:
    rng = np.random.default_rng(2026)
    rows = []
    for n in levels:
        size = 1 << n
        x = rng.integers(-(1 << 20), 1 << 20, size)  # 21 bits + n <= 41: the int64 path
        reps = 7 if n <= 16 else 3
        t_int, r_int = best_of(lambda x=x: fwht_with_report(x), reps)
        assert r_int.path == "int64"
        xf = x.astype(np.float64)  # converted outside the timing: the kernel alone
        t_float, r_float = best_of(lambda xf=xf: fwht_float64_numeric(xf), reps)
        # float64 happens to be exact here (|values| < 2^53); it is not in general
        assert np.array_equal(r_float, r_int.values)
        big = x.astype(object) << 50  # 71 bits: past the guard -> int64 limbs
        t_limbs, r_limbs = best_of(lambda big=big: fwht_with_report(big), 1 if n > 16 else 3)
        assert r_limbs.path == "int64-limbs"
        assert np.array_equal(r_limbs.values, r_int.values.astype(object) << 50)
        if n <= object_top:
            t_obj, r_obj = best_of(lambda x=x: fwht_with_report(x, path="object"), 1)
            assert np.array_equal(r_obj.values.astype(np.int64), r_int.values)
        else:
            t_obj = None
        if n <= sympy_top:
            xs = [int(v) for v in x]
            t_sym, r_sym = best_of(lambda xs=xs: sympy_fwht(xs), 1)
            assert [int(v) for v in r_sym] == r_int.values.tolist()
        else:
            t_sym = None
        rows.append({"n": n, "N": size, "int64_s": t_int, "limbs_s": t_limbs,
                     "object_s": t_obj, "float64_s": t_float, "sympy_s": t_sym,
                     "int64_over_float64": t_int / t_float,
                     "sympy_over_int64": (t_sym / t_int) if t_sym else None})
    return rows


def gram_timing(level: int) -> dict:
    start = time.perf_counter()
    system = walsh_system(level)
    built = time.perf_counter() - start
    start = time.perf_counter()
    gram = system.gram()
    t_gram = time.perf_counter() - start
    start = time.perf_counter()
    ok = gram.is_identity()
    t_cmp = time.perf_counter() - start
    assert ok
    start = time.perf_counter()
    verdict = system.is_orthonormal()
    t_verdict = time.perf_counter() - start
    assert verdict
    start = time.perf_counter()
    screen = system.screen_orthonormal()
    t_screen = time.perf_counter() - start
    assert screen
    return {"level": level, "functions": 1 << level, "build_s": built, "gram_s": t_gram,
            "gram_method": gram.method, "gram_path": gram.path, "compare_with_I_s": t_cmp,
            "verdict_s": t_verdict, "verdict_method": verdict.method,
            "screen_s": t_screen, "screen_label": screen.label}


def _fmt(t: float | None) -> str:
    return "not run" if t is None else f"{t:.5f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="N <= 2^12 only (smoke test)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()

    env = environment()
    print("# environment")
    for key, value in env.items():
        print(f"#   {key}: {value}")

    levels = range(10, 13) if args.quick else range(10, 21)
    sympy_top = 10 if args.quick else 16
    object_top = 12 if args.quick else 20
    rows = transform_table(levels, sympy_top, object_top)
    print("\n# fwht, Hadamard order, random integers |x| < 2^20; seconds (best of runs)")
    head = (f"{'N':>9} {'exact int64':>12} {'exact limbs':>12} {'exact object':>13} "
            f"{'float64':>10} {'sympy':>10} {'int64/float64':>14} {'sympy/int64':>12}")
    print(head)
    for r in rows:
        ratio = "not run" if r["sympy_over_int64"] is None else f"{r['sympy_over_int64']:.0f}x"
        print(f"{'2^' + str(r['n']):>9} {_fmt(r['int64_s']):>12} {_fmt(r['limbs_s']):>12} "
              f"{_fmt(r['object_s']):>13} {_fmt(r['float64_s']):>10} {_fmt(r['sympy_s']):>10} "
              f"{r['int64_over_float64']:>13.2f}x {ratio:>12}")

    g = gram_timing(8 if args.quick else 12)
    print(f"\n# exact Gram matrix of the {g['functions']} Walsh functions (level {g['level']})")
    print(f"#   build rows from the definition {g['build_s']:.3f} s; "
          f"gram() {g['gram_s']:.3f} s ({g['gram_method']} spectra, {g['gram_path']}); "
          f"== I check {g['compare_with_I_s']:.3f} s")
    print(f"#   is_orthonormal() {g['verdict_s']:.3f} s ({g['verdict_method']}); "
          f"screen {g['screen_s']:.3f} s ({g['screen_label']})")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"environment": env, "fwht": rows, "gram": g}, fh, indent=2)
            fh.write("\n")


if __name__ == "__main__":
    main()
