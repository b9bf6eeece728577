"""D2.2 -- Gaussian moment: E[sign(u.x) ReLU(w.x)] = (u.w) / sqrt(2 pi) for unit u.

Statement   For x ~ N(0, I_d), unit u and any w, E[sign(u.x) ReLU(w.x)] = (u.w) / sqrt(2 pi);
            hence E[sign(u.x) 1{w.x > 0} x] = u / sqrt(2 pi) (its gradient in w).
Check       sympy derivation: with g = u.x, w.x = a g + b h (a = u.w, b > 0, g, h iid N(0,1)),
            F(g) = E_h[ReLU(a g + b h)] is integrated by sympy; F(g) - F(-g) - a g expands to 0
            (erf is odd; a canonical cancellation, not simplify); E[sign(g) F(g)] =
            integral_0^oo a g phi(g) dg = a / sqrt(2 pi) exactly. Then for rational (u, w) the
            closed form (u.w)/(||u|| sqrt(2 pi)) of the module equals (u.w)/||u|| times the
            derived a / sqrt(2 pi) with a = 1, compared as exact sympy numbers.
Range       the symbolic derivation (all a, b > 0; b = 0 is the 1-D case) plus 20 rational pairs.
Falsifier   the moment E[ReLU(u.x) ReLU(w.x)] is not (u.w)/sqrt(2 pi): at u = w (unit) it is
            1/2, and the check rejects it.
Source      companions §D.2 (Gaussian moments) (docs/companions.md); arXiv 2307.06887 (PMLR
            235:9292-9345).
Provenance  paper
"""

from __future__ import annotations

import random
from fractions import Fraction

import sympy

from exactmtl.companions.representation import derive_sign_relu_moment, sign_relu_moment
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("D2.2", "E[sign(u.x) ReLU(w.x)] = (u.w)/sqrt(2 pi)")

A = sympy.Symbol("a", real=True)


def _check_moment(moment_in_a) -> None:
    """``moment_in_a`` is the claimed E[...] as an expression in a = u.w (unit u)."""
    d = derive_sign_relu_moment()
    expect(d["holds"], "the sympy derivation did not reduce to zero")
    expect_equal(sympy.expand(d["result"] - moment_in_a), 0,
                 "derived moment differs from the claimed closed form", derived=d["result"],
                 claimed=moment_in_a)


def check_derivation() -> dict:
    _check_moment(A / sympy.sqrt(2 * sympy.pi))
    return {"moment": "a/sqrt(2*pi)"}


def check_rational_instances() -> dict:
    rng = random.Random(22)
    for _ in range(20):
        d = rng.randint(1, 5)
        u = [Fraction(rng.randint(-5, 5), rng.randint(1, 4)) for _ in range(d)]
        if not any(u):
            u[0] = Fraction(1)
        w = [Fraction(rng.randint(-5, 5), rng.randint(1, 4)) for _ in range(d)]
        dot = sum(p * q for p, q in zip(u, w))
        norm2 = sum(p * p for p in u)
        expected = (sympy.Rational(dot.numerator, dot.denominator)
                    / sympy.sqrt(sympy.Rational(norm2.numerator, norm2.denominator))
                    / sympy.sqrt(2 * sympy.pi))
        expect_equal(sympy.expand(sign_relu_moment(u, w) - expected), 0, u=u, w=w)
    return {"instances": 20}


def falsify_relu_relu() -> None:
    # E[ReLU(g)^2] = 1/2 at u = w; claiming it equals a/sqrt(2 pi) at a = 1 must fail
    g = sympy.Symbol("g", real=True)
    relu_relu = sympy.integrate(g ** 2 * sympy.exp(-g ** 2 / 2) / sympy.sqrt(2 * sympy.pi),
                                (g, 0, sympy.oo))
    _check_moment(A * relu_relu)  # the claim "E = a/2": not the derived a/sqrt(2 pi)
