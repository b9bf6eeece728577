"""M30 -- golden n = 4 code-length curves L(eps) of the construction, every eps, certified.

Statement   For n = 4 and the head families of THEORY 3.7 (m = ceil(log2 T), K low / high /
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
            eps = 1/16, 1/8, 3/16, 1/4, 3/8, 1/2, 3/4.
Range       default: m = 1, K = {0, 1} and m = 2, K = {0, 1, 2, 3} (joint and every task);
            --full: every family of the tables (m <= 4).
Falsifier   a cover with one member moved to another cluster; a packing with two members
            within 2 eps; a golden entry changed; each rejected.
Source      arXiv 2606.16028, main construction §3.7 (docs/main_construction.md)
Provenance  reference
"""

from __future__ import annotations

import json
from fractions import Fraction

from exactmtl.closed_forms import code_length_bounds
from exactmtl.coding import bits_reports
from exactmtl.coding_check import check_certificate
from exactmtl.construction_certify import solver
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

