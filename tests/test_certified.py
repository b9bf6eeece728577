"""Certified enclosures, three-valued comparisons and certificates (exactmtl.certified)."""

from __future__ import annotations

import json
from fractions import Fraction

import flint
import mpmath
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exactmtl import Certificate, Enclosure, certify
from exactmtl.certified import (
    compare,
    enclose,
    fraction_of_arb,
    precision,
    verify_certificate,
)
from exactmtl.errors import (
    CheckFailed,
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    UndecidedError,
)
from exactmtl.jointsep import exact_sign
from exactmtl.strategies import constant_expressions

PI30 = sympy.Rational(3141592653589793238462643383279, 10**30)   # pi truncated to 30 digits


def mp100(expr):
    """A 100-digit mpmath value of a sympy constant, via lambdify (not sympy's evalf)."""
    with mpmath.workdps(110):
        return +sympy.lambdify([], expr, modules="mpmath")()


# --------------------------------------------------------------------------- enclosures

@settings(max_examples=60)
@given(expr=constant_expressions(max_leaves=5), prec=st.sampled_from([32, 64, 200]))
@example(expr=sympy.sqrt(2) * sympy.log(2), prec=64)
@example(expr=sympy.exp(-sympy.pi) + sympy.E, prec=32)
def test_enclosure_contains_100_digit_value(expr, prec):
    e = enclose(expr, prec=prec)
    if expr.is_Rational:        # exact point: compared exactly, not with an approximation
        assert e == Enclosure(Fraction(int(expr.p), int(expr.q)), Fraction(int(expr.p),
                                                                            int(expr.q)))
        return
    assert e.prec == prec and e.width > 0
    assert e.contains(mp100(expr)), (expr, e)


@settings(max_examples=40)
@given(expr=constant_expressions(max_leaves=4))
def test_enclosure_shrinks_with_precision(expr):
    lo, hi = enclose(expr, prec=40), enclose(expr, prec=160)
    assert lo.intersects(hi)
    assert hi.width <= lo.width


def test_endpoints_are_exact_dyadics_from_mid_and_rad():
    with precision(53):
        ball = flint.arb(2).sqrt()
    lo, hi = fraction_of_arb(ball)
    assert lo.denominator & (lo.denominator - 1) == 0
    assert lo * lo < 2 < hi * hi


def test_precision_is_restored_even_on_error():
    before = flint.ctx.prec
    with pytest.raises(InvalidArgument), precision(300):
        enclose(sympy.log(-sympy.pi))
    assert flint.ctx.prec == before
    enclose(sympy.pi, prec=500)
    assert flint.ctx.prec == before


def test_rational_gives_exact_point():
    assert enclose(Fraction(1, 3)) == Enclosure(Fraction(1, 3), Fraction(1, 3))
    assert enclose(sympy.sqrt(4)) == Enclosure(2, 2)


@pytest.mark.parametrize(("expr", "error", "match"), [
    (sympy.Symbol("x") + 1, InvalidArgument, r"free symbols \(x\)"),
    (sympy.Float("0.1") + sympy.pi, InexactInputError, "sympy Float"),
    (0.5, InexactInputError, r"expr=0\.5 is a float"),
    (sympy.sin(1), InvalidArgument, "sin is not supported"),
    (sympy.log(-2), InvalidArgument, "not supported|not real|non-positive"),
    (sympy.sqrt(-2 - sympy.pi), InvalidArgument, "not supported|not real"),
    (sympy.log(sympy.Add(1, -sympy.pi, evaluate=False), evaluate=False), InvalidArgument,
     "log of a non-positive number"),
    (sympy.I + 1, InvalidArgument, "not real"),
])
def test_unsupported_or_invalid_expressions(expr, error, match):
    with pytest.raises(error, match=match):
        enclose(expr)


def test_log_of_a_number_not_separated_from_zero_is_undecided():
    tiny = sympy.pi - PI30          # ~ 5e-31: the log's argument straddles 0 at 64 bits
    with pytest.raises(UndecidedError, match="not finite"):
        enclose(sympy.log(tiny), prec=64)
    assert enclose(sympy.log(tiny), prec=256).hi < -69


def test_no_finite_ball_gives_an_undecided_certificate():
    expr = sympy.log(sympy.pi - PI30)
    cert = certify(expr, "<", -69, max_prec=64)
    assert cert.status == "undecided" and cert.enclosure is None and not cert
    data = cert.to_json()
    assert verify_certificate(data)
    with pytest.raises(CheckFailed, match="can only be undecided"):
        verify_certificate(dict(data, status="proved"))
    with pytest.raises(CheckFailed, match="a finite enclosure exists"):
        verify_certificate(dict(data, prec=256))
    assert certify(expr, "<", -69, max_prec=256).proved


def test_enclosure_validation_and_json():
    with pytest.raises(InvalidArgument, match="lo=1 > hi=0"):
        Enclosure(1, 0)
    with pytest.raises(InexactInputError, match=r"lo=0\.5 is a float"):
        Enclosure(0.5, 1)
    e = enclose(sympy.pi, 80)
    assert Enclosure.from_json(json.loads(json.dumps(e.to_json()))) == e
    with pytest.raises(InvalidArgument, match="not a rational"):
        Enclosure.from_json({"lo": "x", "hi": "1"})


# --------------------------------------------------------------------------- comparisons

def test_three_valued_compare():
    assert compare(sympy.pi, Fraction(22, 7)).verdict == "below"
    assert compare(sympy.pi, Fraction(333, 106)).verdict == "above"
    c = compare(sympy.pi, PI30, max_prec=64)
    assert c.verdict == "undecided" and c.prec == 64 and not c.decided
    assert compare(sympy.pi, PI30, max_prec=256).verdict == "above"
    with pytest.raises(InvalidArgumentType, match="no truth value"):
        bool(c)


def test_exact_equality_is_decided_by_a_named_exact_method():
    assert compare(sympy.sqrt(2) ** 2, 2).method == "exact rational"
    with sympy.evaluate(False):
        x = sympy.sqrt(2) * sympy.sqrt(2)
    c = compare(x, 2)
    assert (c.verdict, c.method) == ("equal", "minimal polynomial")
    # transcendental equality (log 4 = 2 log 2) is never "decided" by the ball
    c = compare(sympy.log(4) - 2 * sympy.log(2), 0, max_prec=512)
    assert c.verdict == "undecided" and c.prec == 512


def test_exact_sign_uses_the_certified_comparison():
    assert exact_sign(sympy.sqrt(2) + sympy.sqrt(3) - sympy.sqrt(10)) == -1
    assert exact_sign(sympy.sqrt(5 + 2 * sympy.sqrt(6)) - sympy.sqrt(2) - sympy.sqrt(3)) == 0
    with pytest.raises(UndecidedError, match="sign not decided"):
        exact_sign(sympy.log(4) - 2 * sympy.log(2), max_prec=128)


# --------------------------------------------------------------------------- certify

def test_certify_issue_example_and_its_eager_evaluation_trap():
    lhs = sympy.sqrt(2) * sympy.log(2)
    assert (lhs < Fraction(99, 100)) is sympy.true      # sympy decided it with evalf
    with pytest.raises(InvalidArgumentType, match="sympy already decided this comparison"):
        certify(lhs < Fraction(99, 100))
    with pytest.raises(InvalidArgumentType, match="certify got False"):
        certify(False)
    cert = certify(lhs, "<", Fraction(99, 100))
    assert isinstance(cert, Certificate) and cert and cert.status == "proved"
    with sympy.evaluate(False):
        rel = lhs < Fraction(99, 100)
    assert certify(rel).proved
    assert certify(sympy.Lt(lhs, Fraction(99, 100), evaluate=False)).proved


@pytest.mark.parametrize(("rel", "status"), [("<", "proved"), ("<=", "proved"),
                                              (">", "disproved"), (">=", "disproved")])
def test_relations(rel, status):
    assert certify(sympy.E, rel, 3).status == status


def test_wrong_constant_is_disproved_not_undecided():
    cert = certify(sympy.sqrt(2) * sympy.log(2), "<", Fraction(98, 100))
    assert cert.status == "disproved" and not cert and not cert.undecided


def test_near_equal_is_undecided_never_true_or_false():
    cert = certify(sympy.pi, ">", PI30, max_prec=64)
    assert cert.status == "undecided"
    assert not cert.proved and not cert.disproved and bool(cert) is False
    assert certify(sympy.pi, ">", PI30, max_prec=512).proved


def test_equality_with_non_strict_relations():
    with sympy.evaluate(False):
        x = sympy.sqrt(2) * sympy.sqrt(2)
    assert certify(x, "<=", 2).proved and certify(x, ">=", 2).proved
    assert certify(x, "<", 2).disproved and certify(x, ">", 2).disproved


def test_irrational_right_hand_side():
    cert = certify(sympy.E, "<", sympy.pi)
    assert cert.proved and cert.threshold == 0
    assert certify(sympy.pi ** sympy.E, "<", sympy.E ** sympy.pi).proved


@pytest.mark.parametrize(("args", "error", "match"), [
    ((sympy.pi, "==", 3), InvalidArgument, "relation='=='"),
    ((sympy.pi, "<"), InvalidArgument, "rhs is missing"),
    ((sympy.pi,), InvalidArgumentType, "is not a relation"),
    ((sympy.Eq(sympy.pi, 3, evaluate=False),), InvalidArgument, "Equality"),
    ((0.5, "<", 1), InexactInputError, r"lhs=0\.5 is a float"),
])
def test_certify_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        certify(*args)


# --------------------------------------------------------------------------- re-checking

@settings(max_examples=25)
@given(expr=constant_expressions(max_leaves=4),
       t=st.fractions(min_value=0, max_value=20, max_denominator=50),
       rel=st.sampled_from(["<", "<=", ">", ">="]))
def test_certificates_round_trip_through_json(expr, t, rel):
    cert = certify(expr, rel, t, max_prec=512)
    data = json.loads(json.dumps(cert.to_json()))
    assert verify_certificate(data) is True


def test_tampered_certificates_are_rejected():
    data = certify(sympy.sqrt(2) * sympy.log(2), "<", Fraction(99, 100)).to_json()
    assert verify_certificate(data)
    tampered = [
        dict(data, threshold="98/100"),
        dict(data, relation=">"),
        dict(data, status="disproved"),
        dict(data, expression="Mul(Pow(Integer(3), Rational(1, 2)), log(Integer(2)))"),
        dict(data, enclosure={"lo": "1/2", "hi": "6/10", "prec": 64}),
    ]
    for bad in tampered:
        with pytest.raises(CheckFailed):
            verify_certificate(bad)
    with pytest.raises(InvalidArgument, match="not allowed"):
        verify_certificate(dict(data, expression="__import__('os').system('true')"))
    with pytest.raises(InvalidArgument, match="lacks"):
        verify_certificate({k: v for k, v in data.items() if k != "prec"})


def test_undecided_and_exact_certificates_are_rechecked():
    und = certify(sympy.pi, ">", PI30, max_prec=64).to_json()
    assert verify_certificate(und)
    with pytest.raises(CheckFailed):
        verify_certificate(dict(und, status="proved"))
    with sympy.evaluate(False):
        x = sympy.sqrt(2) * sympy.sqrt(2)
    eq = certify(x, "<=", 2).to_json()
    assert eq["method"] == "minimal polynomial" and verify_certificate(eq)
    with pytest.raises(CheckFailed):
        verify_certificate(dict(eq, threshold="3/1"))
    rat = certify(Fraction(1, 3), "<", Fraction(1, 2)).to_json()
    assert rat["method"] == "exact rational" and verify_certificate(rat)


def test_report_certificates_recheck_from_json_alone(tmp_path):
    """`exactmtl check --json` carries certify's certificates; each re-checks from the file."""
    import json
    from pathlib import Path

    from exactmtl.certified import verify_certificate
    from exactmtl.proofcheck import discover, run_all, select, write_report

    proofs = select(discover([Path(__file__).resolve().parent.parent / "proofs"]), ["D1.1"])
    path = tmp_path / "report.json"
    write_report(run_all(proofs), path)
    report = json.loads(path.read_text())
    certs = [cert for claim in report["claims"] for step in claim["steps"]
             if isinstance(step.get("certificate"), dict)
             for cert in step["certificate"].get("certificates", [])]
    assert len(certs) >= 10
    assert all(verify_certificate(cert) for cert in certs)
    tampered = dict(certs[0], threshold="1/1")  # 1 - e^-c >= 1 is false
    with pytest.raises(CheckFailed):
        verify_certificate(tampered)
