"""M30 -- golden n = 4 code-length curves L(eps) of the construction, every eps, certified.

Statement   For n = 4 and the head families of §3.7 (m = ceil(log2 T), K low / high /
            full) extended to m <= 4, the marginal classes pi_t C and the joint class C have the
            code lengths L(eps) = ceil(log2 N_ext(eps)) of the tables JOINT and TASK below, for
            every eps >= 0 (each entry "start:value" holds up to the next start). In particular
            for m = 2, K = {0, 1, 2, 3}: L_sep = 53, 21, 16, 5, 0 and L_joint = 15, 7, 7, 3, 0
            on [0, 1/4), [1/4, 1/2), [1/2, 3/4), [3/4, 1), [1, oo).
Check       (1) Each curve is recomputed (exactmtl.construction_certify: covers from orbits of
            the feature group, packings among canonical completions, stopped once
            ceil(log2 N) is fixed) at every possible breakpoint j / (2 scale); each step's
            certificate (cover labels of all 32768 sigma, packing) is written to JSON and
            re-checked by the independent checker exactmtl.coding_check (outputs recomputed
            from sigma by the definitions; Helly: clusters by column ranges). (2) Every value
            lies in the closed-form bounds (Theorem A below delta_min / 2, Theorem B, 0 for
            eps >= 1), at every breakpoint. (3) separate_bits_report / joint_bits_report at
            n = 4 return exact brute-force values with verified certificates at
            eps = 1/16, 1/8, 3/16, 1/4, 3/8, 1/2, 3/4. (4) Beyond enumeration (n = 5, 2^31
            sign patterns), exactmtl.construction_cellwise gives, without enumerating, the
            counts |C| = 2^rank * |M|^(2^m) (rank over GF(2) of the sign forms, |M| distinct
            magnitude tables of H_(n-m)), a separation and the diameter from the values one
            level-n cell can take: equal to the enumeration for n <= 3 (n <= 4 with --full) and
            to Theorem A's counts and delta_min at n = 5 for m = 1..5; hence L exact for
            eps < delta_min / 2 and L = 0 for eps >= diameter / 2; between them, n = 5 values
            are Theorem B bounds only.
Range       default: m = 1, K = {0, 1} and m = 2, K = {0, 1, 2, 3} (joint and every task);
            --full: every family of the tables (m <= 4).
Falsifier   a cover with one member moved to another cluster; a packing with two members
            within 2 eps; a golden entry changed; a cellwise count with one sign bit too many;
            each rejected.
Source      arXiv 2606.16028, reference construction: main construction §3.3 (exact
            enumeration), §3.5 (Theorems A, B), §3.7 (golden values)
            (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import json
from fractions import Fraction

from exactmtl.closed_forms import code_length_bounds, theorem_a
from exactmtl.coding import bits_reports
from exactmtl.coding_check import check_certificate
from exactmtl.construction_cellwise import cellwise_ends
from exactmtl.construction_certify import solver
from exactmtl.construction_tables import output_table
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("M30", "golden n = 4 code-length curves, certified at every eps")

#: joint classes: (m, K) -> L(eps) steps
JOINT = {
    (1, (0, 1)): "0:15; 1/8:7; 3/8:3; 7/8:1; 1:0",
    (2, (0, 1, 2)): "0:15; 1/4:7; 3/4:3; 1:0",
    (2, (3, 2, 1)): "0:15; 1/4:7; 3/4:3; 1:0",
    (2, (0, 1, 2, 3)): "0:15; 1/4:7; 3/4:3; 1:0",
    (3, (0, 1, 2, 3)): "0:11; 1/2:3; 1:0",
    (3, (7, 6, 5, 4)): "0:15; 1/2:7; 1:0",
    (4, (0, 1, 2, 3)): "0:3; 1:0",
    (4, (15, 14, 13, 12)): "0:11; 1:0",
}
#: single-task classes g_{m,k} o h_sigma: (m, k) -> L(eps) steps
TASK = {
    (0, 0): "0:15; 1/16:7; 3/16:3; 7/16:1; 15/16:0",
    (1, 0): "0:14; 1/8:6; 3/8:2; 7/8:0",
    (1, 1): "0:15; 1/8:7; 1/4:6; 3/8:3; 1/2:2; 7/8:1; 1:0",
    (2, 0): "0:12; 1/4:4; 3/4:0",
    (2, 1): "0:13; 1/4:5; 1/2:4; 3/4:1; 1:0",
    (2, 2): "0:14; 1/4:6; 1/2:4; 3/4:2; 1:0",
    (2, 3): "0:14; 1/4:6; 1/2:4; 3/4:2; 1:0",
    (3, 0): "0:8; 1/2:0",
    (3, 1): "0:9; 1/2:1; 1:0",
    (3, 2): "0:10; 1/2:2; 1:0",
    (3, 3): "0:10; 1/2:2; 1:0",
    (3, 4): "0:12; 1/2:4; 1:0",
    (3, 5): "0:12; 1/2:4; 1:0",
    (3, 6): "0:12; 1/2:4; 1:0",
    (3, 7): "0:12; 1/2:4; 1:0",
    (4, 0): "0:0",
    (4, 1): "0:1; 1:0",
    (4, 2): "0:2; 1:0",
    (4, 3): "0:2; 1:0",
    (4, 12): "0:8; 1:0",
    (4, 13): "0:8; 1:0",
    (4, 14): "0:8; 1:0",
    (4, 15): "0:8; 1:0",
}
DEFAULT = ((1, (0, 1)), (2, (0, 1, 2, 3)))
TABLE_EPS = tuple(Fraction(*p) for p in ((1, 16), (1, 8), (3, 16), (1, 4), (3, 8), (1, 2),
                                         (3, 4)))


def parse(text: str) -> tuple[tuple[Fraction, int], ...]:
    return tuple((Fraction(a), int(b)) for a, b in (s.split(":") for s in text.split("; ")))


def value_at(steps: tuple[tuple[Fraction, int], ...], eps: Fraction) -> int:
    return [v for start, v in steps if start <= eps][-1]


def _classes(full: bool) -> list[tuple[int, tuple[int, ...], int | None, str]]:
    out = []
    for m, ks in (JOINT if full else DEFAULT):
        out.append((m, ks, None, JOINT[m, ks]))
        out.extend((m, ks, t, TASK[m, k]) for t, k in enumerate(ks))
    return out


def _check_curve(m: int, ks: tuple[int, ...], task: int | None, golden: str) -> int:
    s = solver(4, m, ks, task)
    curve = s.curve()
    expect_equal(curve, parse(golden), "n = 4 curve differs from the golden one",
                 m=m, ks=ks, task=task)
    for start, value in curve:  # each step: certificate through JSON, independent checker
        cert = json.loads(json.dumps(s.certify(start).to_json()))
        check_certificate(cert)
        expect_equal(cert["code_length"], value, "certificate value", m=m, task=task, eps=start)
    return len(curve)


def check_golden_curves(full: bool = False) -> dict:
    steps = 0
    for m, ks, task, golden in progress(_classes(full), "class"):
        steps += _check_curve(m, ks, task, golden)
    return {"classes": len(_classes(full)), "certified steps": steps}


def check_theorems_a_b() -> dict:
    count = 0
    for m, ks, task, golden in _classes(True):
        steps = parse(golden)
        kk = ks if task is None else (ks[task],)
        unit = Fraction(1, 2 << (4 - m))  # distances are multiples of 2^(m-4); eps <= 1
        for eps in (j * unit for j in range(int(1 / unit) + 1)):
            b = code_length_bounds(4, m, kk, eps)
            lo, hi = b.joint
            v = value_at(steps, eps)
            expect(lo <= v <= hi, "value outside the Theorem A/B bounds", m=m, ks=kk,
                   eps=str(eps), value=v, bounds=(lo, hi), source=b.source)
            count += 1
    return {"pairs": count}


def check_reports_decided() -> dict:
    out = {}
    ks = (0, 1, 2, 3)
    for eps in TABLE_EPS:
        sep, joint = bits_reports(4, 2, ks, eps)
        expect(sep.exact and joint.exact and joint.route == "brute force",
               "n = 4 report not decided by enumeration", eps=str(eps))
        expect_equal(joint.value, value_at(parse(JOINT[2, ks]), eps), "L_joint", eps=str(eps))
        expect_equal(sep.value, sum(value_at(parse(TASK[2, k]), eps) for k in ks), "L_sep",
                     eps=str(eps))
        for rep in (joint, *sep.parts):
            check_certificate(json.loads(json.dumps(rep.certificate.to_json())))
        expect(sep.consistent and joint.consistent, "outside the closed forms", eps=str(eps))
        out[str(eps)] = [sep.value, joint.value]
    return out


def _joint_cert(eps: Fraction) -> dict:
    return json.loads(json.dumps(solver(4, 2, (0, 1, 2, 3), None).certify(eps).to_json()))


def falsify_cluster_member_moved() -> None:
    cert = _joint_cert(Fraction(1, 4))
    labels = cert["cover"]
    other = next(s for s in range(len(labels)) if labels[s] != labels[0]
                 and _far(s, 0, cert))
    labels[0] = labels[other]
    check_certificate(cert)


def _far(a: int, b: int, cert: dict) -> bool:
    """True when sigma a and b are more than 2 eps apart (independent tables)."""
    from exactmtl.coding_check import outputs_table

    v, scale = outputs_table(cert["n"], cert["m"], cert["ks"], cert["heads"])
    d = abs(v[a].astype(int) - v[b].astype(int)).max()
    return Fraction(int(d), scale) > 2 * Fraction(cert["eps"])


def falsify_packing_members_close() -> None:
    cert = _joint_cert(Fraction(1, 4))
    labels, packing = cert["cover"], cert["packing"]
    first = packing[0]
    twin = next(s for s in range(len(labels)) if s != first and labels[s] == labels[first]
                and not _far(s, first, cert))
    cert["packing"] = [first, twin, *packing[2:]]
    check_certificate(cert)


def falsify_golden_entry_changed() -> None:
    golden = JOINT[2, (0, 1, 2, 3)].replace("1/4:7", "1/4:6")
    _check_curve(2, (0, 1, 2, 3), None, golden)



def _families(n: int):
    for m in range(n + 1):
        size = 1 << m
        yield from ((m, ks) for ks in sorted({tuple(range(min(4, size))),
                                             tuple(range(size - 1, max(-1, size - 5), -1))}))


def _check_cellwise_against_enumeration(n: int) -> int:
    count = 0
    for m, ks in _families(n):
        r = cellwise_ends(n, m, ks)
        tab = output_table(n, m, list(ks))
        for t in (None, *range(len(ks))):
            cls = tab.joint() if t is None else tab.marginal(t)
            got = (r.joint_count, r.diameter) if t is None else (r.task_counts[t],
                                                                 r.task_diameters[t])
            expect_equal(got, (cls.size, cls.diameter), "cellwise count / diameter", n=n, m=m,
                         ks=ks, task=t)
            sep = r.separation if t is None else r.task_separations[t]
            if 1 < cls.size <= 2048:  # the bound is attained: it is the minimum distance
                expect_equal(sep, cls.min_distance, "cellwise separation", n=n, m=m, ks=ks,
                             task=t)
            count += 1
    return count


def _check_depth5(r, a) -> None:
    expect_equal((r.task_counts, r.joint_count), (a.task_counts, a.joint_count),
                 "cellwise counts differ from Theorem A", m=r.m, ks=r.ks)
    expect_equal(r.separation, a.delta_min, "cellwise separation != delta_min", m=r.m)
    below = a.delta_min / 4
    expect_equal([r.task_length(t, below) for t in range(len(r.ks))], list(a.task_lengths),
                 "task lengths below delta_min / 2", m=r.m)
    expect_equal(r.joint_length(below), a.L_joint, "joint length below delta_min / 2", m=r.m)


def check_cellwise_beyond_enumeration(full: bool = False) -> dict:
    enumerated = sum(_check_cellwise_against_enumeration(n) for n in range(1, 5 if full else 4))
    out = {}
    for m, ks in _families(5):
        if m == 0:
            continue
        r = cellwise_ends(5, m, ks)
        _check_depth5(r, theorem_a(5, m, ks))
        expect_equal(r.joint_length(r.diameter / 2), 0, "eps >= diameter / 2", m=m)
        out[f"m={m} K={list(ks)}"] = {
            "exact below": str(r.separation / 2), "L_joint": r.joint_bits,
            "L_sep": sum(r.task_bits), "zero from": str(r.diameter / 2),
            "bounds only (Theorem B)": f"[{r.separation / 2}, {r.diameter / 2})"}
    return {"enumerated classes": enumerated, "n=5": out}


def falsify_cellwise_count_one_sign_bit_too_many() -> None:
    from dataclasses import replace

    r = cellwise_ends(5, 2, (0, 1, 2, 3))
    _check_depth5(replace(r, joint_count=2 * r.joint_count), theorem_a(5, 2, (0, 1, 2, 3)))
