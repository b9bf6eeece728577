"""Tests of the shared joint-vs-separate report."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
import sympy

from exactmtl import JointSeparateReport
from exactmtl.errors import InexactInputError, InvalidArgument, InvalidArgumentType
from exactmtl.jointsep import exact_equal, exact_sign, markdown_table, table


def report(**kw):
    base = {"source": "s", "setting": "t", "unit": "u", "joint": 5, "separate": 7,
            "equality_condition": "c"}
    base.update(kw)
    return JointSeparateReport(**base)


def test_exact_values_ratio_gain():
    r = report()
    assert r.joint == 5 and isinstance(r.joint, Fraction)
    assert r.ratio == Fraction(5, 7) and r.gain == 2 and r.equal is False


def test_higher_is_better_gain_sign():
    r = report(joint=(5 + sympy.sqrt(13)) / 2, separate=4, prefer="higher")
    assert r.equal is False
    assert exact_sign(r.gain) == 1
    assert r.as_dict()["gain"] == "(sqrt(13) - 3)/2"


def test_equal_is_decided_for_algebraic_values():
    r = report(joint=sympy.sqrt(2) + sympy.sqrt(3), separate=sympy.sqrt(5 + 2 * sympy.sqrt(6)))
    assert r.equal is True and r.ratio == 1


def test_as_dict_is_json():
    d = report(joint=Fraction(1, 3)).as_dict()
    assert json.loads(json.dumps(d))["ratio"] == "1/21"
    assert d["joint_approx"] == "0.333333"


def test_tables_side_by_side():
    rows = [report(), report(source="other", joint=1, separate=1, equality_condition="always")]
    text = table(rows)
    assert text.splitlines()[0].startswith("source")
    assert len(text.splitlines()) == 4
    md = markdown_table(rows)
    assert md.count("\n") == 3 and "| other |" in md
    assert report()._repr_markdown_() == report().to_markdown()


def test_pipe_is_escaped_in_markdown():
    assert r"a \| b" in markdown_table([report(setting="a | b")])


def test_float_refused():
    with pytest.raises(InexactInputError, match=r"joint=0\.5 is a float"):
        report(joint=0.5)
    with pytest.raises(InvalidArgumentType, match="contains a float"):
        report(separate=sympy.sqrt(2) * sympy.Float(1.5))


def test_contradicting_equal_flag_refused():
    with pytest.raises(InvalidArgument, match="equal=True contradicts joint=5, separate=7"):
        report(equal=True)


def test_bad_prefer_and_symbols_and_rows():
    with pytest.raises(InvalidArgument, match="prefer='best'"):
        report(prefer="best")
    with pytest.raises(InvalidArgument, match="not a number"):
        report(joint=sympy.Symbol("x"))
    with pytest.raises(InvalidArgumentType, match=r"reports\[0\] has type int"):
        table([1])
    with pytest.raises(InvalidArgumentType, match="source=3 has type int"):
        report(source=3)


def test_ratio_undefined_for_zero_separate():
    with pytest.raises(InvalidArgument, match="separate=0"):
        _ = report(joint=0, separate=0).ratio


def test_exact_equal_and_sign():
    assert exact_equal(Fraction(1, 2), sympy.Rational(1, 2)) is True
    assert exact_equal(sympy.sqrt(2), Fraction(141421, 100000)) is False
    assert exact_equal(sympy.pi, 3) is None  # not algebraic: undecided, never a guess
    assert exact_sign(sympy.pi - Fraction(22, 7)) == -1
    assert exact_sign(sympy.sqrt(2) * sympy.sqrt(3) - sympy.sqrt(6)) == 0
