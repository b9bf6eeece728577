"""verify_certificate and certify against hostile input: bounded cost, one set of validity
rules, a clear error or False for every malformed JSON (issue 11, items 5 and "What to build" 3).
"""

from __future__ import annotations

import json
import time
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from exactmtl.certified import (
    CertificateLimits,
    certificate_limits,
    certify,
    compare,
    current_certificate_limits,
    enclose,
    verify_certificate,
)
from exactmtl.errors import (
    CheckFailed,
    ExactMTLError,
    InvalidArgument,
    InvalidArgumentType,
    ResourceLimitError,
)

SECOND = 1.0


def _base() -> dict:
    return certify(sympy.sqrt(2), "<", 2).to_json()


def _minpoly_base() -> dict:
    with sympy.evaluate(False):
        x = sympy.sqrt(2) * sympy.sqrt(2)
    data = certify(x, "<=", 2).to_json()
    assert data["method"] == "minimal polynomial"
    return data


def _timed_verify(data):
    start = time.process_time()
    try:
        return verify_certificate(data)
    finally:
        assert time.process_time() - start < SECOND, data


# --------------------------------------------------------------------------- the issue's items

def test_huge_precision_is_refused_before_work():
    for prec in (10**7, 10**9):
        with pytest.raises(ResourceLimitError, match=rf"prec={prec} bits exceeds the precision "
                                                     r"limit 65536 bits.*limits\(bits="):
            _timed_verify(dict(_base(), prec=prec))
    with pytest.raises(ResourceLimitError, match=r"enclosure\.prec"):
        _timed_verify(dict(_base(), enclosure=dict(_base()["enclosure"], prec=10**9)))


@pytest.mark.parametrize("field", ["threshold", "lo", "hi"])
def test_exponent_notation_numbers_are_refused(field):
    data = _base()
    if field == "threshold":
        data["threshold"] = "1e999999999"
    else:
        data["enclosure"] = dict(data["enclosure"], **{field: "1e999999999"})
    with pytest.raises(InvalidArgument, match=rf"{field}='1e999999999' is not a rational 'p/q'"):
        _timed_verify(data)


def test_numbers_with_too_many_digits_are_a_resource_limit():
    with pytest.raises(ResourceLimitError, match="digits of threshold=40001 exceeds the digits"):
        _timed_verify(dict(_base(), threshold="1" * 40001 + "/3"))
    with pytest.raises(ResourceLimitError, match="len\\(threshold\\)"):
        _timed_verify(dict(_base(), threshold="1" * 10**6))


def test_pow_with_a_huge_exponent_is_refused_under_every_method():
    expr = "Pow(Integer(10), Integer(1000000000000))"
    for method in ("minimal polynomial", "arb ball arithmetic"):
        data = dict(_minpoly_base(), expression=expr, method=method)
        with pytest.raises(ResourceLimitError, match="exponent of Pow=1000000000000 exceeds "
                                                     "the exponent limit"):
            _timed_verify(data)
    with pytest.raises(ResourceLimitError, match="exponent of Pow=1000000000000"):
        certify(sympy.Pow(10, 10**12, evaluate=False), ">", 0)


def test_pow_zero_to_a_negative_power_is_a_clear_error_in_both():
    data = dict(_minpoly_base(), expression="Pow(Integer(0), Integer(-1))")
    with pytest.raises(InvalidArgument, match=r"Pow\(0, -1\) divides by zero"):
        _timed_verify(data)
    with pytest.raises(InvalidArgument, match=r"Pow\(0, -1\) divides by zero"):
        certify(sympy.Pow(0, -1, evaluate=False), "<", 1)
    with pytest.raises(InvalidArgument, match="divides by zero"):
        _timed_verify(dict(_base(), expression="Rational(1, 0)"))


def test_non_real_expressions_are_refused_by_certify_and_verify_alike():
    srepr = "Mul(Pow(Integer(-1), Rational(1, 2)), Pow(Integer(-1), Rational(1, 2)))"
    data = dict(_minpoly_base(), expression=srepr, relation="<=", threshold="-1/1")
    with pytest.raises(InvalidArgument, match="not real"):
        _timed_verify(data)
    with sympy.evaluate(False):
        x = sympy.sqrt(-1) * sympy.sqrt(-1)
    with pytest.raises(InvalidArgument, match="not real"):
        certify(x, "<=", -1)
    with pytest.raises(InvalidArgument, match="not real"):
        certify(sympy.I * sympy.I + 1 + sympy.I, "<", 2)


def test_minimal_polynomial_needs_a_finite_ball_containing_the_threshold():
    tiny = sympy.Add(sympy.sqrt(2), -sympy.Rational(14142135623730950488, 10**19),
                     evaluate=False)   # ~ 1.7e-20 > 0; its square root is real
    r = sympy.sqrt(tiny, evaluate=False)
    with sympy.evaluate(False):
        x = r * r - tiny              # == 0 exactly
    cert = certify(x, "<=", 0, max_prec=256)
    assert cert.proved and cert.method == "minimal polynomial"
    data = cert.to_json()
    assert verify_certificate(data)
    # at 16 bits the radicand is not separated from 0: no finite ball certifies realness
    with pytest.raises(CheckFailed, match="needs a finite ball"):
        verify_certificate(dict(data, prec=16))
    with pytest.raises(CheckFailed, match=r"excludes the threshold|equality is not confirmed"):
        verify_certificate(dict(data, threshold="1/10"))


def test_work_and_size_limits():
    many_logs = sympy.Add(*[sympy.log(k) for k in range(2, 200)], evaluate=False)
    with pytest.raises(ResourceLimitError, match="work limit"):
        enclose(many_logs, prec=65536)
    assert enclose(many_logs, prec=64).width > 0
    deep = sympy.Integer(2)
    for _ in range(60):
        deep = sympy.exp(sympy.log(deep, evaluate=False), evaluate=False)
    with pytest.raises(ResourceLimitError, match="nesting depth"):
        enclose(deep)
    with pytest.raises(ResourceLimitError, match="nesting depth"):
        _timed_verify(dict(_base(), expression=sympy.srepr(deep)))
    nested = "Add(" * 300 + "Integer(1)" + ")" * 300
    with pytest.raises(InvalidArgument, match=r"is not a sympy srepr|nesting depth"):
        _timed_verify(dict(_base(), expression=nested))
    wide = "Add(" + ", ".join(["Integer(1)"] * 20000) + ")"
    with pytest.raises(ResourceLimitError, match="number of nodes"):
        _timed_verify(dict(_base(), expression=wide))
    big = "Pow(Integer(" + "7" * 4500 + "), Rational(1, 2))"
    with pytest.raises((InvalidArgument, ResourceLimitError), match=r"srepr|integer_bits"):
        _timed_verify(dict(_base(), expression=big))
    huge_value = "Pow(Integer(10), Integer(65536))"
    with pytest.raises(ResourceLimitError, match="magnitude limit"):
        _timed_verify(dict(_base(), expression=huge_value))


def test_minimal_polynomial_budget_is_shared():
    roots = [sympy.sqrt(p, evaluate=False) for p in (2, 3, 5, 7, 11, 13, 17)]   # degree 128
    x = sympy.Add(*roots, evaluate=False)
    v = sympy.Add(x, -x, evaluate=False)        # == 0 exactly, but over the algebraic budget
    cert = certify(v, "<=", 0, max_prec=128)
    assert cert.status == "undecided"          # certify does not try it
    data = dict(cert.to_json(), status="proved", method="minimal polynomial")
    with pytest.raises(ResourceLimitError, match="algebraic limit 4096"):
        _timed_verify(data)
    with certificate_limits(algebraic=1 << 20):
        assert current_certificate_limits().algebraic == 1 << 20
    assert current_certificate_limits() == CertificateLimits()


def test_raising_a_limit_gives_the_computation():
    import exactmtl

    with pytest.raises(ResourceLimitError, match=r"max_prec=131072.*exactmtl\.limits\(bits="):
        certify(sympy.pi, ">", sympy.Rational(314, 100), max_prec=1 << 17)
    with exactmtl.limits(bits=1 << 17):
        cert = certify(sympy.pi, ">", sympy.Rational(314, 100), prec=1 << 17, max_prec=1 << 17)
        assert cert.proved and cert.prec == 1 << 17
        data = json.loads(json.dumps(cert.to_json()))   # > 4300-digit numbers round-trip
        assert len(data["enclosure"]["lo"]) > 30000
        assert verify_certificate(data)
    with pytest.raises(ResourceLimitError, match="precision limit"):
        verify_certificate(data)
    with pytest.raises(InvalidArgument, match="unknown limit"), certificate_limits(speed=1):
        pass


# --------------------------------------------------------------------------- certify's arguments

@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"relation": np.array(["<"])}, InvalidArgumentType, "relation=.* has type ndarray"),
    ({"relation": ["<"]}, InvalidArgumentType, "relation=.* has type list"),
    ({"relation": "<", "max_prec": 10**9}, ResourceLimitError,
     "max_prec=1000000000 bits exceeds the precision limit"),
    ({"relation": "<", "prec": 10**9}, ResourceLimitError, "prec=1000000000 bits"),
    ({"relation": "<", "prec": 64.0}, InvalidArgumentType, "prec=64.0 is a float"),
    ({"relation": "<", "max_prec": 32}, InvalidArgument, "max_prec=32 must be an integer >= 64"),
    ({"relation": "<", "prec": True}, InvalidArgumentType, "prec=True is a bool"),
])
def test_certify_argument_validation(kwargs, error, match):
    relation = kwargs.pop("relation")
    start = time.process_time()
    with pytest.raises(error, match=match):
        certify(sympy.log(4) - 2 * sympy.log(2), relation, 0, **kwargs)
    assert time.process_time() - start < SECOND


def test_issue_example_max_prec_is_refused_and_default_is_undecided():
    with pytest.raises(ResourceLimitError, match="max_prec=1000000000"):
        certify(sympy.log(4) - 2 * sympy.log(2), "<", 0, max_prec=10**9)
    with pytest.raises(ResourceLimitError, match="max_prec"):
        compare(sympy.log(4) - 2 * sympy.log(2), 0, max_prec=10**9)
    assert certify(sympy.log(4) - 2 * sympy.log(2), "<", 0).status == "undecided"


# --------------------------------------------------------------------------- malformed JSON fuzz

_FIELDS = ["format", "expression", "relation", "threshold", "status", "enclosure", "prec",
           "method"]
_HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
    st.sampled_from(["1e999999999", "-0/1", "1/0", "nan", "inf", "0x10", "1_000", " 3 / 4 ",
                     "Pow(Integer(0), Integer(-1))", "Integer(10)**Integer(10)",
                     "Add(Integer(1),)", "log(Integer(2), Integer(3))", "exp()",
                     "Pow(Integer(2))", "Rational(1, 2, 3)", "Integer(1.5)", "Symbol('x')",
                     "I", "Mul(I, I)", "Integer(-1)", "Abs(Integer(-3))", "oo", "zoo",
                     "Pow(Integer(-8), Rational(1, 3))", "log(Integer(0))", "(" * 500,
                     "Add(" * 120 + "Integer(1)" + ")" * 120, "lambda: 0", "[1, 2]",
                     "minimal polynomial", "exact rational", "arb ball arithmetic", "<=", ">",
                     "proved", "disproved", "undecided", "exactmtl-certificate-1"]),
    st.integers(-(10**30), 10**30).map(str),
    st.fractions().map(lambda f: f"{f.numerator}/{f.denominator}"),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["lo", "hi", "prec"]),
                    st.one_of(st.none(), st.integers(), st.text(max_size=8),
                              st.sampled_from(["1e999999999", "1/3", "-5/1"])), max_size=3),
)


def _valid_certificates() -> list[dict]:
    with sympy.evaluate(False):
        eq = sympy.sqrt(2) * sympy.sqrt(2)
    return [
        certify(sympy.sqrt(2) * sympy.log(2), "<", Fraction(99, 100)).to_json(),
        certify(eq, "<=", 2).to_json(),
        certify(Fraction(1, 3), "<", Fraction(1, 2)).to_json(),
        certify(sympy.log(sympy.pi - sympy.Rational(314159265358979, 10**14)), "<", -69,
                max_prec=64).to_json(),
    ]


_VALID = _valid_certificates()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, len(_VALID) - 1),
       changes=st.dictionaries(st.sampled_from(_FIELDS), _HOSTILE, min_size=1, max_size=3),
       drop=st.sets(st.sampled_from(_FIELDS), max_size=1))
@example(which=0, changes={"prec": 10**9}, drop=set())
@example(which=1, changes={"expression": "Pow(Integer(10), Integer(1000000000000))"}, drop=set())
@example(which=0, changes={"threshold": "1e999999999"}, drop=set())
@example(which=1, changes={"expression": "Mul(Pow(Integer(-1), Rational(1, 2)), "
                                        "Pow(Integer(-1), Rational(1, 2)))",
                           "threshold": "-1/1"}, drop=set())
@example(which=0, changes={"relation": [1]}, drop=set())
def test_malformed_certificates_get_a_clear_error_or_false_within_a_second(which, changes, drop):
    data = {k: v for k, v in dict(_VALID[which], **changes).items() if k not in drop}
    start = time.process_time()
    try:
        verdict = verify_certificate(json.loads(json.dumps(data)))
    except ExactMTLError:
        verdict = None
    assert verdict in (True, None)
    assert time.process_time() - start < SECOND, data


def test_unmodified_certificates_verify():
    assert all(verify_certificate(json.loads(json.dumps(d))) for d in _VALID)


_INT = st.one_of(st.integers(-3, 3), st.sampled_from([10**12, -(10**12), 2**64, 65537, 10**100]))
_LEAF = st.one_of(
    _INT.map(lambda n: f"Integer({n})"),
    st.tuples(_INT, st.sampled_from([1, 2, 3, 0, 7, 10**6])).map(
        lambda pq: f"Rational({pq[0]}, {pq[1]})"),
    st.sampled_from(["pi", "E", "EulerGamma", "Half", "One", "Zero", "NegativeOne"]))


def _node(children):
    return st.one_of(
        st.lists(children, min_size=1, max_size=4).map(lambda a: f"Add({', '.join(a)})"),
        st.lists(children, min_size=1, max_size=4).map(lambda a: f"Mul({', '.join(a)})"),
        st.tuples(children, children).map(lambda a: f"Pow({a[0]}, {a[1]})"),
        children.map(lambda a: f"log({a})"),
        children.map(lambda a: f"exp({a})"),
        children.map(lambda a: f"Abs({a})"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression=st.recursive(_LEAF, _node, max_leaves=8),
       which=st.integers(0, len(_VALID) - 1),
       threshold=st.sampled_from(["0/1", "1/1", "-1/1", "2/1", "1/3"]),
       prec=st.sampled_from([2, 16, 64, 4096, 65536]))
@example(expression="Pow(Integer(10), Integer(1000000000000))", which=1, threshold="0/1",
         prec=64)
@example(expression="exp(exp(exp(Integer(100))))", which=0, threshold="0/1", prec=64)
@example(expression="Pow(Add(Integer(1), Integer(-1)), Integer(-1))", which=1, threshold="0/1",
         prec=64)
@example(expression="exp(Add(Mul(Integer(-3), Rational(65537, 2))))", which=0, threshold="0/1",
         prec=2)  # certify's enclosure of e^-98305 has 42722 digits: refused by both
def test_hostile_expressions_get_a_clear_error_or_a_verdict_within_a_second(expression, which,
                                                                             threshold, prec):
    data = dict(_VALID[which], expression=expression, threshold=threshold, prec=prec)
    start = time.process_time()
    try:
        verify_certificate(data)
    except ExactMTLError:
        pass
    assert time.process_time() - start < SECOND, data
    # certify on the same expression: a certificate, or a clear error, within the limits
    start = time.process_time()
    try:
        from exactmtl.certified import _from_srepr

        cert = certify(_from_srepr(expression), "<", Fraction(threshold), max_prec=4096)
    except ExactMTLError:
        pass
    else:
        assert verify_certificate(json.loads(json.dumps(cert.to_json())))
    assert time.process_time() - start < 3 * SECOND, expression


# --------------------------------------------------------------------------- oracles

@settings(max_examples=60)
@given(n=st.integers(min_value=-(10**30000), max_value=10**30000) | st.integers())
@example(n=10**4000)
@example(n=-(10**12001) + 7)
def test_chunked_int_text_matches_str_without_the_digit_limit(n):
    import sys

    from exactmtl.certified import _int_of_digits, _int_text

    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        expected = str(n)
    finally:
        sys.set_int_max_str_digits(old)
    assert _int_text(n) == expected
    assert _int_of_digits(expected.lstrip("-")) == abs(n)


@settings(max_examples=200)
@given(text=st.one_of(
    st.fractions(max_denominator=10**6).map(lambda f: f"{f.numerator}/{f.denominator}"),
    st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-999, 999), st.integers(-300, 300))))
def test_cli_exact_number_agrees_with_fraction(text):
    from exactmtl._cliargs import exact_number

    assert exact_number(text, "--eps") == Fraction(text)


def test_huge_mpf_and_flint_precision_are_refused_before_work():
    import flint
    import mpmath

    from exactmtl.certified import Enclosure, to_arb

    with pytest.raises(ResourceLimitError, match="magnitude limit"):
        Enclosure(0, 1).contains(mpmath.mpf("1e1000000000"))
    assert Enclosure(0, 1).contains(mpmath.mpf("0.5"))
    old = flint.ctx.prec
    flint.ctx.prec = 10**9
    try:
        with pytest.raises(ResourceLimitError, match=r"flint\.ctx\.prec=1000000000 bits"):
            to_arb(sympy.pi)
    finally:
        flint.ctx.prec = old


def test_messages_about_huge_numbers_do_not_hit_the_int_str_limit():
    """Found by the fuzz: an error message printing a 28000-digit exponent raised ValueError."""
    data = dict(_base(), expression="exp(exp(Rational(65537, 1)))", prec=65536)
    with pytest.raises(ResourceLimitError, match=r"magnitude limit") as exc:
        _timed_verify(data)
    assert "bits)" in str(exc.value)
    big = "1" * 5000
    with pytest.raises(InvalidArgument, match=r"lo=\(a rational of 16607/1 bits\) > hi=1"):
        _timed_verify(dict(_base(), enclosure={"lo": big, "hi": "1", "prec": 64}))
    with pytest.raises(CheckFailed) as failed:
        _timed_verify(dict(_base(), threshold=big + "/3", relation=">"))
    assert "a rational of" in str(failed.value)
    with pytest.raises(ResourceLimitError, match=r"exponent of Pow=\(an integer of"):
        certify(sympy.Pow(2, sympy.Integer(10) ** 5000, evaluate=False), ">", 0)
