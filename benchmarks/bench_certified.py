"""Certified numerics: python-flint arb versus mpmath.iv versus exact rational bracketing.

Run:  python benchmarks/bench_certified.py [--quick] [--json FILE] [--readme]

One run compares three ways of enclosing kl(q||p) = q ln(q/p) + (1-q) ln((1-q)/(1-p)) on the
same random rational pairs at the same target precision:

* ``arb``       -- ``exactmtl.companions.pacbayes.kl`` (python-flint ball arithmetic, the backend
  exactmtl uses);
* ``mpmath.iv`` -- the same formula in ``mpmath.iv`` at the same precision;
* ``rational``  -- exact ``Fraction`` bracketing: ln x = 2 atanh((x-1)/(x+1)) summed with an
  explicit remainder bound, after reducing x by powers of 2 (ln 2 bracketed the same way).

Correctness: every enclosure is checked to contain a 100-digit mpmath value; widths are
reported. Then the known mpmath.iv failure (mpmath issue 1181: ``iv.exp`` at two exact dyadic
inputs returns an upper endpoint below exp(x)) is re-run next to arb. Last, the float64
kl-inverse of common code (``scipy.optimize.brentq``, xtol 1e-5) against the certified one.

``--readme`` prints the markdown table of the README section (multi-task Occam bound,
certified versus float64).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
from fractions import Fraction

import flint
import mpmath
from _timing import best_of

from exactmtl.certified import Enclosure, precision
from exactmtl.companions.pacbayes import (
    kl,
    kl_inverse,
    kl_inverse_float,
    multitask_occam_bound,
    occam_bound,
    transfer_bound,
)


def _frac_of_mpf(x) -> Fraction:
    """The exact value of an mpf, or of a raw mpf tuple (sign, man, exp, bc) from ``_mpi_``."""
    sign, man, exp, _ = x if isinstance(x, tuple) else x._mpf_
    man = -int(man) if sign else int(man)
    return Fraction(man) * Fraction(2) ** exp


# --------------------------------------------------------------------------- candidates

def kl_arb(pairs, prec):
    return [kl(q, p, prec=prec) for q, p in pairs]


def kl_iv(pairs, prec):
    iv = mpmath.iv
    old = iv.prec
    out = []
    try:
        iv.prec = prec
        for q, p in pairs:
            Q, P = iv.mpf(q.numerator) / q.denominator, iv.mpf(p.numerator) / p.denominator
            v = iv.mpf(0)
            if q > 0:
                v += Q * iv.log(Q / P)
            if q < 1:
                v += (1 - Q) * iv.log((1 - Q) / (1 - P))
            lo, hi = v._mpi_
            out.append(Enclosure(_frac_of_mpf(lo), _frac_of_mpf(hi)))
    finally:
        iv.prec = old
    return out


def _atanh_bracket(y: Fraction, width: Fraction) -> tuple[Fraction, Fraction]:
    """atanh(y) for 0 <= y < 1 in [s, s + remainder bound] (series with an explicit tail)."""
    s, term, k, y2 = Fraction(0), y, 0, y * y
    while True:
        s += term / (2 * k + 1)
        k += 1
        term *= y2
        tail = term / ((2 * k + 1) * (1 - y2))  # sum_{j >= k} y^(2j+1)/(2j+1) <= this
        if tail <= width:
            return s, s + tail


def _log_bracket(x: Fraction, width: Fraction) -> tuple[Fraction, Fraction]:
    """ln x for rational x > 0: x = 2^e m with m in [2/3, 4/3], ln x = e ln 2 + ln m."""
    e = 0
    while x > Fraction(4, 3):
        x, e = x / 2, e + 1
    while x < Fraction(2, 3):
        x, e = x * 2, e - 1
    w = width / (4 * (abs(e) + 1))
    l2lo, l2hi = _atanh_bracket(Fraction(1, 3), w)           # ln 2 = 2 atanh(1/3)
    y = (x - 1) / (x + 1)
    mlo, mhi = _atanh_bracket(abs(y), w)
    if y < 0:
        mlo, mhi = -mhi, -mlo
    lo2, hi2 = 2 * l2lo, 2 * l2hi
    elo, ehi = (e * lo2, e * hi2) if e >= 0 else (e * hi2, e * lo2)
    return elo + 2 * mlo, ehi + 2 * mhi


def kl_rational(pairs, prec):
    width = Fraction(1, 2**prec)
    out = []
    for q, p in pairs:
        lo = hi = Fraction(0)
        if q > 0:
            a, b = _log_bracket(q / p, width)
            lo, hi = lo + q * a, hi + q * b
        if q < 1:
            a, b = _log_bracket((1 - q) / (1 - p), width)
            lo, hi = lo + (1 - q) * a, hi + (1 - q) * b
        out.append(Enclosure(lo, hi))
    return out


# --------------------------------------------------------------------------- runs

def compare_backends(n: int, prec: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    pairs = []
    while len(pairs) < n:
        q = Fraction(rng.randint(0, 1000), 1000)
        p = Fraction(rng.randint(1, 999), 1000)
        if q != p:
            pairs.append((q, p))
    with mpmath.workdps(110):
        truth = []
        for q, p in pairs:
            Q, P = mpmath.mpf(q.numerator) / q.denominator, mpmath.mpf(p.numerator) / p.denominator
            v = (Q * mpmath.log(Q / P) if q > 0 else 0) + (
                (1 - Q) * mpmath.log((1 - Q) / (1 - P)) if q < 1 else 0)
            truth.append(+v)
    rows = {}
    candidates = (("arb", kl_arb, 5), ("mpmath.iv", kl_iv, 3), ("rational", kl_rational, 1))
    for name, fn, rep in candidates:
        sec, encs = best_of(lambda fn=fn: fn(pairs, prec), rep)
        with mpmath.workdps(110):
            contained = sum(e.contains(t) for e, t in zip(encs, truth))
        widest = max(e.width for e in encs)
        rows[name] = {"seconds": sec, "contained": contained, "of": n,
                      "max_width_log2": math.log2(widest) if widest else float("-inf")}
    base = rows["arb"]["seconds"]
    for r in rows.values():
        r["ratio_to_arb"] = r["seconds"] / base
    return {"n": n, "prec": prec, "rows": rows}


def iv_exp_counterexample() -> list[dict]:
    """mpmath issue 1181: iv.exp upper endpoint below the true exp(x) at exact dyadic inputs."""
    out = []
    for num, den, prec in ((3893924827815215, 1125899906842624, 53),
                           (1381846513289487, 70368744177664, 113)):
        iv = mpmath.iv
        old = iv.prec
        try:
            iv.prec = prec
            y = iv.exp(iv.mpf(num) / den)
            hi = _frac_of_mpf(y._mpi_[1])
        finally:
            iv.prec = old
        with mpmath.workdps(120):
            true = mpmath.exp(mpmath.mpf(num) / den)
            with precision(prec):
                ball = Enclosure.from_arb(flint.arb(flint.fmpq(num, den)).exp(), prec)
            out.append({"x": f"{num}/{den}", "prec": prec,
                        "iv_contains": bool(hi >= _frac_of_mpf(true)),
                        "iv_upper_minus_true": float(hi - _frac_of_mpf(true)),
                        "arb_contains": ball.contains(true)})
    return out


def kl_inverse_float_vs_certified(n: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    cases = [(Fraction(rng.randint(0, 300), 1000), Fraction(rng.randint(1, 2000), 1000))
             for _ in range(n)]
    t_float, floats = best_of(lambda: [kl_inverse_float(float(q), float(c)) for q, c in cases], 3)
    t_cert, encs = best_of(lambda: [kl_inverse(q, c) for q, c in cases], 1)
    below = sum(Fraction(f) < e.lo for f, e in zip(floats, encs))
    err = max(abs(Fraction(f) - e.mid) for f, e in zip(floats, encs))
    return {"n": n, "float_seconds": t_float, "certified_seconds": t_cert,
            "ratio": t_cert / t_float, "float_below_true_value": below,
            "max_abs_float_error": float(err)}


def _float_occam(r_hat: float, bits: float, N: int, delta: float) -> float:
    c = (bits * math.log(2) + math.log(2 * math.sqrt(N) / delta)) / N   # float64 rhs
    return kl_inverse_float(r_hat, c, xtol=1e-5)


def readme_table() -> str:
    r_hat, shared, per_task, m, delta = Fraction(1, 20), 8000, 100, 1000, Fraction(1, 20)
    lines = ["| n tasks | samples n m | l(Q) + sum l(alpha_i) | bits per task | certified bound "
             "[lo, hi] | float64 (brentq, xtol 1e-5) | float64 - hi |",
             "|---|---|---|---|---|---|---|"]
    for n in (1, 5, 20, 100, 1000):
        b = multitask_occam_bound(r_hat, shared, [per_task] * n, m, delta)
        f = _float_occam(float(r_hat), shared + per_task * n, n * m, float(delta))
        lines.append(f"| {n} | {n * m} | {shared + per_task * n} | "
                     f"{b.details['amortised_bits_per_task']} | {b.value.decimal(12)} | "
                     f"{f:.12f} | {float(Fraction(f) - b.hi):+.2e} |")
    t = transfer_bound(r_hat, per_task, m, delta)
    s = occam_bound(r_hat, shared + per_task, m, delta)
    ft = _float_occam(float(r_hat), per_task, m, float(delta))
    lines.append(f"| new task (transfer, Q known) | {m} | {per_task} | {per_task} | "
                 f"{t.value.decimal(12)} | {ft:.12f} | {float(Fraction(ft) - t.hi):+.2e} |")
    fs = _float_occam(float(r_hat), shared + per_task, m, float(delta))
    lines.append(f"| new task alone (Q relearnt) | {m} | {shared + per_task} | "
                 f"{shared + per_task} | {s.value.decimal(12)} | {fs:.12f} | "
                 f"{float(Fraction(fs) - s.hi):+.2e} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--readme", action="store_true")
    args = ap.parse_args(argv)
    if args.readme:
        print(readme_table())
        return 0
    n = 50 if args.quick else 300
    report = {"python": platform.python_version(), "flint": flint.__version__,
              "mpmath": mpmath.__version__, "backends": []}
    print(f"kl(q||p) enclosures, {n} random pairs; python-flint {flint.__version__}, "
          f"mpmath {mpmath.__version__}")
    print(f"{'prec':>5} {'backend':>10} {'seconds':>10} {'ratio':>8} {'contained':>10} "
          f"{'log2 max width':>15}")
    for prec in (64, 128, 256):
        res = compare_backends(n, prec)
        report["backends"].append(res)
        for name, r in res["rows"].items():
            print(f"{prec:>5} {name:>10} {r['seconds']:>10.4f} {r['ratio_to_arb']:>8.1f} "
                  f"{r['contained']:>5}/{r['of']:<4} {r['max_width_log2']:>15.1f}")
    print("\nmpmath issue 1181 (iv.exp) re-run:")
    report["iv_exp"] = iv_exp_counterexample()
    for r in report["iv_exp"]:
        print(f"  x={r['x']} prec={r['prec']}: mpmath.iv contains exp(x): {r['iv_contains']} "
              f"(upper - true = {r['iv_upper_minus_true']:.2e}); arb contains: "
              f"{r['arb_contains']}")
    inv = kl_inverse_float_vs_certified(20 if args.quick else 100)
    report["kl_inverse"] = inv
    print(f"\nkl-inverse, {inv['n']} cases: float64 brentq(xtol=1e-5) {inv['float_seconds']:.4f} s,"
          f" certified (width <= 2^-40) {inv['certified_seconds']:.4f} s "
          f"(ratio {inv['ratio']:.0f}); float below the true value in "
          f"{inv['float_below_true_value']}/{inv['n']}; max |float error| "
          f"{inv['max_abs_float_error']:.1e}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=2, default=str)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
