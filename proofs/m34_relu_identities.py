"""M34 -- the ReLU+H identities of §4.1: a(y) y as ReLU/H units, and b v = ReLU(v + 2b - 1) - b.

Statement   (i) For a step function a(y) = a_0 + sum_c da_c H(y - t_c) (H(0) = 1),
            a(y) y = a_0 y + sum_c da_c [ReLU(y - t_c) + t_c H(y - t_c)] for every real y (no
            exceptional point; the identity H(y - t) y = ReLU(y - t) + t H(y - t) holds for any
            value of H(0) used on both sides).
            (ii) b v = ReLU(v + 2b - 1) - b for b in {0, 1} and v in [-1, 1], everywhere. It
            fails on a set of positive measure outside that domain: b = 1 on v < -1 (witness
            (-2, -1)), b = 0 on v > 1 (witness (1, 2)), and for b = 1/2 it holds only at
            v = -1 and v = 1.
Check       exact Piecewise identities with the §A.3 verdicts (equal): (i) on [-2, 2] for
            40 seeded step functions with dyadic thresholds and jumps; (ii) as functions of v on
            [-1, 1] (everywhere) and [-2, 2] (differs, with the witness intervals above), for
            b = 1/2 on [-1, 1] (differs, equal at exactly the two ends), and composed: for a
            step b(x) in {0, 1} and a piecewise-linear v(x) with values in [-1, 1] on [0, 1),
            b(x) v(x) = ReLU(v(x) + 2 b(x) - 1) - b(x) everywhere (20 seeded pairs).
Range       the seeded instances above (fixed, < 1 s).
Falsifier   the right-hand side of (i) built with sympy's H(0) = 1/2 while a is right-continuous:
            equal only except at the thresholds (rejected).
Source      arXiv 2606.16028, main construction §4.1 (ReLU nets) (docs/main_construction.md)
Provenance  derived
"""

from __future__ import annotations

import random
from fractions import Fraction

from exactmtl.piecewise import Piecewise, equal, heaviside, relu
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("M34", "ReLU+H identities of 4.1 on their domains, exceptional sets exact")

_DOMAIN = (Fraction(-2), Fraction(2))


def _identity(domain=_DOMAIN) -> Piecewise:
    return Piecewise.linear([], [(0, 1)], domain, closed=True)


def _step_instance(rng: random.Random) -> tuple[Fraction, list[Fraction], list[Fraction]]:
    ts = sorted({Fraction(rng.randint(-63, 63), 32) for _ in range(rng.randint(1, 5))})
    jumps = [Fraction(rng.randint(-8, 8), rng.choice((1, 2, 4))) for _ in ts]
    return Fraction(rng.randint(-4, 4), 2), ts, jumps


def _check_product(a0, ts, jumps, h0: Fraction = Fraction(1)) -> None:
    y = _identity()
    a = Piecewise.constant(a0, _DOMAIN)
    rhs = a0 * y
    for t, d in zip(ts, jumps):
        a = a + d * heaviside(y - t)
        rhs = rhs + d * (relu(y - t) + t * heaviside(y - t, h0))
    r = equal(a * y, rhs)
    expect(bool(r), "a(y) y != a_0 y + sum da [ReLU(y - t) + t H(y - t)]", ts=ts, jumps=jumps,
           verdict=r.verdict, exceptions=sorted(r.exceptions or ()))


def check_step_times_identity() -> dict:
    rng = random.Random(41)
    for _ in range(40):
        _check_product(*_step_instance(rng))
    return {"instances": 40}


def _gate(b: Fraction, domain) -> tuple[Piecewise, Piecewise]:
    v = _identity(domain)
    return b * v, relu(v + (2 * b - 1)) - b


def check_gate_domains() -> dict:
    one = (Fraction(-1), Fraction(1))
    for b in (Fraction(0), Fraction(1)):
        lhs, rhs = _gate(b, one)
        expect(bool(equal(lhs, rhs)), "b v != ReLU(v + 2b - 1) - b on [-1, 1]", b=b)
        r = equal(*_gate(b, _DOMAIN))
        expect_equal(r.verdict, "differs", "the gate identity should fail outside [-1, 1]", b=b)
        want = (Fraction(-2), Fraction(-1)) if b == 1 else (Fraction(1), Fraction(2))
        expect_equal(r.witness, want, "witness interval", b=b)
    r = equal(*_gate(Fraction(1, 2), one))
    expect_equal(r.verdict, "differs", "b = 1/2 should fail", b="1/2")
    d = _gate(Fraction(1, 2), one)
    zeros = [x for x in (Fraction(k, 8) for k in range(-8, 9)) if d[0](x) == d[1](x)]
    expect_equal(zeros, [Fraction(-1), Fraction(1)], "b = 1/2: equal only at v = -1, 1")
    rng = random.Random(7)
    x = Piecewise.identity()
    for i in range(20):
        cuts = sorted({Fraction(rng.randint(1, 15), 16) for _ in range(3)})
        bx = Piecewise.step(cuts, [rng.randint(0, 1) for _ in range(len(cuts) + 1)])
        slope = Fraction(rng.randint(-4, 4), 4)
        v = slope * x + (Fraction(rng.randint(-4, 4), 8) if slope >= 0 else 0)
        v = relu(v + 1) - 1  # clamp below at -1
        v = 1 - relu(1 - v)  # clamp above at 1
        lhs = bx * v
        rhs = relu(v + 2 * bx - 1) - bx
        expect(bool(equal(lhs, rhs)), "composed gate fails", instance=i)
    return {"b": [0, 1], "composed": 20}


def falsify_sympy_heaviside_convention() -> None:
    _check_product(Fraction(1), [Fraction(1, 2), Fraction(-3, 4)], [Fraction(2), Fraction(-1)],
                   h0=Fraction(1, 2))
