"""M24 -- the generic sandwich max_t L_t <= L_joint <= L_sep <= T L_joint.

Statement   For every multi-output class C with marginals pi_t C and every eps >= 0,
            max_t L(eps, pi_t C) <= L(eps, C) <= sum_t L(eps, pi_t C) <= T L(eps, C).
Check       (1) Every instance of the table main construction §3.7 for n <= 3 (and every
            single-head and K = {0..min(3, 2^m - 1)} joint class, all m <= n) at every threshold
            of the joint and marginal curves (all certified by enumeration). (2) n = 4 rows of
            3.7 below delta_min / 2. (3) 120 seeded random classes of random step functions with
            T = 2 or 3 outputs, at every threshold of their joint class.
Range       n <= 4 as listed; 120 random classes (--full: 800).
Falsifier   the numbers of a row with L_joint replaced by something larger than L_sep (and by
            something below a marginal), and a "joint" value computed on a class with one output
            dropped, all rejected.
Source      arXiv 2606.16028, reference construction: main construction §3.2 (separate versus
            joint coding) (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import random
from fractions import Fraction

from exactmtl import Piecewise
from exactmtl.coding import (
    Sandwich,
    bits_reports,
    code_length,
    code_length_curve,
    output_table,
)
from exactmtl.proofcheck import Claim, expect_true, progress

CLAIM = Claim("M24", "sandwich: max_t L_t <= L_joint <= L_sep <= T L_joint")


def _curve_value(curve, eps: Fraction) -> int:
    return next(s.value for s in curve if eps in s)


def _check_instance(per_task_curves, joint_curve, where: dict) -> int:
    """The sandwich at every breakpoint of any of the curves; returns the number of eps."""
    points = {s.start for c in (*per_task_curves, joint_curve) for s in c}
    for eps in sorted(points):
        per = [_curve_value(c, eps) for c in per_task_curves]
        s = Sandwich.from_values(per, _curve_value(joint_curve, eps))
        expect_true(s, "sandwich violated", eps=eps, **where)
    return len(points)


def check_construction_classes_n3() -> dict:
    count = 0
    for n in progress((1, 2, 3), "depth"):
        for m in range(n + 1):
            for ks in ([*range(min(4, 1 << m))], [*range((1 << m) - 1, max(-1, (1 << m) - 5),
                                                        -1)]):
                tab = output_table(n, m, ks)
                per = [code_length_curve(tab.marginal(t)) for t in range(len(ks))]
                count += _check_instance(per, code_length_curve(tab.joint()),
                                         {"n": n, "m": m, "ks": ks})
    return {"eps_checked": count}


def check_n4_rows() -> dict:
    rows = [(0, [0]), (1, [0, 1]), (2, [0, 1, 2]), (2, [3, 2, 1]), (2, [0, 1, 2, 3])]
    out = {}
    for m, ks in progress(rows, "rows"):
        sep, joint = bits_reports(4, m, ks, Fraction(1 << m, 1 << 5), route="brute")
        s = Sandwich.from_values([p.value for p in sep.parts], joint.value)
        expect_true(s, "sandwich violated", n=4, m=m, ks=ks)
        out[f"m={m},K={ks}"] = [sep.value, joint.value]
    return out


def _random_class(rng: random.Random, tasks: int) -> list[tuple[Piecewise, ...]]:
    size = rng.randint(2, 7)
    return [tuple(Piecewise.on_grid([rng.randint(-2, 2) for _ in range(4)])
                  for _ in range(tasks)) for _ in range(size)]


def check_random_classes(full: bool = False) -> dict:
    rng = random.Random(24)
    count = 800 if full else 120
    points = 0
    for i in progress(range(count), "random classes"):
        tasks = 2 + (i % 2)
        fs = _random_class(rng, tasks)
        per = [code_length_curve([f[t] for f in fs]) for t in range(tasks)]
        points += _check_instance(per, code_length_curve(fs), {"class": i})
    return {"classes": count, "eps_checked": points}


# --------------------------------------------------------------------------- falsifiers

def falsify_joint_above_separate() -> None:
    expect_true(Sandwich.from_values([4, 5, 6, 6], 22), "row 3.7 with L_joint = 22")


def falsify_joint_below_a_marginal() -> None:
    expect_true(Sandwich.from_values([4, 5, 6, 6], 5), "row 3.7 with L_joint = 5")


def falsify_joint_of_a_smaller_class() -> None:
    # "joint" computed on the first two outputs only: the third marginal exceeds it
    fs = [(Piecewise.constant(0), Piecewise.constant(1), Piecewise.constant(c))
          for c in range(4)]
    per = [code_length([f[t] for f in fs], 0) for t in range(3)]
    wrong = code_length([f[:2] for f in fs], 0)
    expect_true(Sandwich.from_values(per, wrong), "joint of the wrong class")
