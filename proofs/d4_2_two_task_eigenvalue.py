"""D4.2 -- the two-task top eigenvalue lambda+ = (A + B + sqrt((A - B)^2 + 4 A B q^2)) / 2.

Statement   For unit v_a, v_b with <v_a, v_b> = q and A = s_a^2, B = s_b^2, the largest
            eigenvalue of S = A v_a v_a^T + B v_b v_b^T is lambda+ above; e.g. s_a = 2, s_b = 1,
            q = 1/2 gives (5 + sqrt(13))/2 (companions §D.4).
Check       symbolic: lambda+ is a root of det(x I - [[A, q s_a s_b], [q s_a s_b, B]]) =
            x^2 - (A + B) x + A B (1 - q^2): substituting lambda+ and reducing modulo
            R^2 = (A - B)^2 + 4 A B q^2 (R the square root, a polynomial-ring computation) gives 0;
            it is the larger root since the other is (A + B - R)/2 and R >= 0. Instances: exact
            rational unit vectors (Pythagorean, q in {3/5, 5/13, 0, 1, -4/5, ...}) in R^3, S built
            exactly, its characteristic polynomial over Q has lambda+ as its largest root
            (minimal polynomial of lambda+ divides it; the other roots are smaller, by exact_sign).
            The example value (5 + sqrt(13))/2 and its exact comparison with 43/10 < . < 44/10.
Range       symbolic in (s_a, s_b, q); 12 rational instances.
Falsifier   the formula with 4 A B q instead of 4 A B q^2 is not a root of the characteristic
            polynomial at q = 1/2.
Source      companions §D.4 (two-task top eigenvalue) (docs/companions.md); arXiv 1910.13593.
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from exactmtl.companions.statphys import compare_top_eigenvalue, two_task_top_eigenvalue
from exactmtl.jointsep import exact_sign
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("D4.2", "two-task top eigenvalue formula")

SA, SB, Q, X, RT = sympy.symbols("s_a s_b q x R", real=True)


def _check_symbolic(disc, q=Q) -> None:
    A, B = SA ** 2, SB ** 2
    lam = (A + B + RT) / 2
    char = X ** 2 - (A + B) * X + A * B * (1 - q ** 2)
    M = sympy.Matrix([[A, q * SA * SB], [q * SA * SB, B]])
    expect_equal(sympy.expand((X * sympy.eye(2) - M).det() - char), 0, "characteristic polynomial")
    value = sympy.expand(char.subs(X, lam))
    reduced = sympy.rem(sympy.Poly(value, RT), sympy.Poly(RT ** 2 - disc, RT))
    expect_equal(sympy.expand(reduced.as_expr()), 0, "lambda+ is not a root", disc=disc)


def check_symbolic() -> dict:
    A, B = SA ** 2, SB ** 2
    _check_symbolic((A - B) ** 2 + 4 * A * B * Q ** 2)
    return {"identity": "charpoly(lambda+) = 0 mod R^2 - D"}


def _unit(p: int, q: int, r: int) -> sympy.Matrix:
    return sympy.Matrix([sympy.Rational(p, r), sympy.Rational(q, r), 0])


def check_instances() -> dict:
    va = sympy.Matrix([1, 0, 0])
    cases = [(_unit(3, 4, 5), 2, 1), (_unit(5, 12, 13), 3, 2), (_unit(0, 1, 1), 2, 1),
             (_unit(1, 0, 1), 2, 1), (_unit(-4, 3, 5), 1, 1), (_unit(8, 15, 17), 1, 3)]
    count = 0
    for vb, sa, sb in cases:
        for sa_, sb_ in ((sa, sb), (sb, sa)):
            q = (va.T * vb)[0, 0]
            S = sa_ ** 2 * va * va.T + sb_ ** 2 * vb * vb.T
            lam = two_task_top_eigenvalue(sa_, sb_, Fraction(int(q.p), int(q.q)))
            z = sympy.Dummy("z")
            mp = sympy.minimal_polynomial(lam, z)
            cp = sympy.expand((z * sympy.eye(3) - S).det())
            expect_equal(sympy.rem(cp, mp, z), 0, "lambda+ is not an eigenvalue", q=q)
            for root in sympy.Poly(cp, z).all_roots():
                expect(exact_sign(lam - root) >= 0, "an eigenvalue exceeds lambda+", q=q,
                       root=root)
            count += 1
    return {"instances": count}


def check_example() -> dict:
    lam = two_task_top_eigenvalue(2, 1, Fraction(1, 2))
    expect_equal(sympy.expand(lam - (5 + sympy.sqrt(13)) / 2), 0, "example value")
    expect_equal(compare_top_eigenvalue(2, 1, Fraction(1, 2), Fraction(43, 10)), 1)
    expect_equal(compare_top_eigenvalue(2, 1, Fraction(1, 2), Fraction(44, 10)), -1)
    expect_equal(exact_sign(lam - Fraction(43, 10)), 1, "ball enclosure disagrees")
    return {"lambda+": "(5 + sqrt(13))/2", "bracket": "(43/10, 44/10)"}


def falsify_linear_in_q() -> None:
    A, B = SA ** 2, SB ** 2
    half = sympy.Rational(1, 2)
    _check_symbolic(((A - B) ** 2 + 4 * A * B * Q).subs(Q, half), q=half)
