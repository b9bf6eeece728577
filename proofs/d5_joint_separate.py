"""D5 -- one thread: each joint-versus-separate report is right about when joint == separate.

Statement   (§D.5) "Orthogonal tasks gain nothing from joint training, shared structure
            gains": for every module's joint_vs_separate report, joint is never worse than
            separate (lower for costs, higher for the D.4 signal), and joint == separate exactly
            under the stated condition: main construction (eps < delta_min/2) iff T = 1 or
            (m = n and the nonzero k_t have distinct bit lengths); D.1 iff l(Q) = 0 or n = 1;
            D.2 iff the task directions are linearly independent; D.3 weight decay iff some
            joint optimum has disjoint kinks (not on the D.3 example: 5 < 7), random features
            always; D.4 iff q s_a s_b = 0.
Check       Over grids of inputs, the report's exact `equal` (decided by exact arithmetic or
            minimal polynomials) against the condition evaluated independently: the main
            construction by exhaustive enumeration (coding.bits_reports, route "brute") for
            n <= 3, every K with |K| <= 3 (both head families at m = n) at eps = 0; D.1 for
            l(Q) in {0, 7, 100} and 1..4 tasks; D.2 for 30 seeded integer U (T <= 3, R^3)
            with the rank from intrinsic_dim.exact_rank; D.3 the D.3 example; D.4 for
            s_a, s_b in {0, 1, 2}, q in {0, 1/2, 1}; collect_reports finds all five modules.
Range       the grids above (about a second).
Falsifier   the D.1 condition stated as "n = 1" only (rejected at l(Q) = 0, n = 3).
Source      companions §D.5 (docs/companions.md), the joint-versus-separate thread of arXiv
            2606.16028 and of the companions arXiv 2501.19067, 2307.06887, 2112.15577,
            1910.13593
Provenance  reference
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

from exactmtl.closed_forms import joint_vs_separate as main_report
from exactmtl.coding import bits_reports
from exactmtl.companions import pacbayes, representation, statphys, vector_tv
from exactmtl.companions.intrinsic_dim import exact_rank
from exactmtl.jointsep import REPORT_MODULES, collect_reports
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("D5", "joint-vs-separate reports: joint never worse, equal exactly when stated")


def _not_worse(r, **case) -> None:
    if r.prefer == "lower":
        expect(r.joint <= r.separate, "joint cost above separate", **case)
    else:
        ok = statphys.compare_top_eigenvalue(*case["args"], r.separate) >= 0
        expect(ok, "joint signal below separate", **case)


def check_main_construction() -> dict:
    count = 0
    for n in (1, 2, 3):
        for m in range(n + 1):
            for size in range(1, min(3, 2 ** m) + 1):
                for ks in itertools.combinations(range(2 ** m), size):
                    heads = ["sawtooth-walsh"] + (["walsh"] if m == n else [])
                    for h in heads:
                        r = main_report(n, m, list(ks), 0, heads=h)
                        s, j = bits_reports(n, m, list(ks), 0, heads=h, route="brute")
                        expect_equal((r.joint, r.separate), (j.value, s.value),
                                     "report != enumeration", n=n, m=m, ks=ks, heads=h)
                        _not_worse(r, n=n, m=m, ks=ks)
                        tops = [k.bit_length() for k in ks if k]
                        cond = len(ks) == 1 or (m == n and len(tops) == len(set(tops)))
                        expect_equal(r.equal, cond, "main construction: equality condition",
                                     n=n, m=m, ks=ks, heads=h)
                        count += 1
    return {"instances": count}


def _check_pacbayes(condition=lambda shared, n: shared == 0 or n == 1) -> int:
    count = 0
    for shared in (0, 7, 100):
        for n in range(1, 5):
            r, = pacbayes.joint_vs_separate(shared, [10 * (i + 1) for i in range(n)])
            _not_worse(r, shared=shared, n=n)
            expect_equal(r.equal, condition(shared, n), "D.1 equality condition", shared=shared,
                         n=n)
            count += 1
    return count


def check_companions() -> dict:
    count = _check_pacbayes()
    rng = random.Random(5)
    for _ in range(30):
        T = rng.randint(1, 3)
        U = [[rng.randint(-2, 2) for _ in range(3)] for _ in range(T)]
        if any(all(v == 0 for v in row) for row in U):
            continue
        r, = representation.joint_vs_separate(U)
        _not_worse(r, U=U)
        expect_equal(r.equal, exact_rank(U) == T, "D.2 equality condition", U=U)
        count += 1
    weight_decay, random_features = vector_tv.joint_vs_separate()
    expect_equal((weight_decay.joint, weight_decay.separate, weight_decay.equal),
                 (Fraction(5), Fraction(7), False), "D.3 weight decay on the D.3 example")
    expect(random_features.equal is True, "D.3 random features: joint == separate")
    for sa, sb in itertools.product((0, 1, 2), repeat=2):
        for q in (Fraction(0), Fraction(1, 2), Fraction(1)):
            if sa == sb == 0:
                continue
            r, = statphys.joint_vs_separate(sa, sb, q)
            _not_worse(r, args=(sa, sb, q))
            expect_equal(r.equal, q * sa * sb == 0, "D.4 equality condition", s_a=sa, s_b=sb,
                         q=q)
            count += 1
    reports, skipped = collect_reports()
    expect_equal(skipped, {}, "a report module is missing")
    expect(len(reports) >= len(REPORT_MODULES), "collect_reports found too few reports")
    return {"instances": count + 2, "modules": len(REPORT_MODULES)}


def falsify_pacbayes_condition_n_only() -> None:
    _check_pacbayes(condition=lambda shared, n: n == 1)
