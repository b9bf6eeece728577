"""Prefix codes: Elias gamma/delta lengths and codewords, rational codes, exact Kraft sums."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from exactmtl import (
    RATIONAL_CODES,
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    decode_rational,
    elias_delta,
    elias_delta_length,
    elias_gamma,
    elias_gamma_length,
    encode_rational,
    kraft_sum,
    rational_code_length,
)
from exactmtl.prefixcodes import (
    decode_elias_delta,
    decode_elias_gamma,
    integer_code_length,
    is_prefix_free,
)
from exactmtl.strategies import rationals

positive = st.integers(1, 2**80)


def test_known_codewords():
    assert [elias_gamma(n) for n in range(1, 6)] == ["1", "010", "011", "00100", "00101"]
    assert [elias_delta(n) for n in (1, 2, 3, 4, 8)] == ["1", "0100", "0101", "01100", "00100000"]


@given(n=positive)
@example(n=1)
@example(n=2**64)
def test_lengths_match_codewords_and_round_trip(n):
    g, d = elias_gamma(n), elias_delta(n)
    assert len(g) == elias_gamma_length(n) == integer_code_length(n, "elias-gamma")
    assert len(d) == elias_delta_length(n) == integer_code_length(n, "elias-delta")
    assert decode_elias_gamma(g + "101") == (n, "101")
    assert decode_elias_delta(d + "0") == (n, "0")


@given(ns=st.lists(positive, max_size=8))
def test_streams_decode(ns):
    stream = "".join(elias_delta(n) for n in ns)
    out = []
    while stream:
        n, stream = decode_elias_delta(stream)
        out.append(n)
    assert out == ns


def test_prefix_free_and_kraft_exact():
    for code in (elias_gamma, elias_delta):
        assert is_prefix_free([code(n) for n in range(1, 600)])
    assert kraft_sum(elias_gamma_length(n) for n in range(1, 2**12)) == 1 - F(1, 2**12)
    assert kraft_sum(elias_delta_length(n) for n in range(1, 2**12)) < 1
    assert not is_prefix_free(["01", "010"])


@pytest.mark.parametrize("code", RATIONAL_CODES)
def test_rational_codes_are_prefix_free(code):
    dyadic = code.endswith("dyadic")
    values = {F(a, 2**e if dyadic else b) for a in range(-20, 21) for b in range(1, 9)
              for e in range(5)}
    words = [encode_rational(v, code) for v in values]
    assert len(set(words)) == len(values)
    assert is_prefix_free(words)
    assert kraft_sum(map(len, words)) < 1
    assert all(rational_code_length(v, code) == len(w) for v, w in zip(values, words))


@given(q=rationals(64, -50, 50), code=st.sampled_from(["elias-gamma", "elias-delta"]),
       tail=st.text("01", max_size=5))
@example(q=F(0), code="elias-gamma", tail="")
def test_rational_round_trip(q, code, tail):
    assert decode_rational(encode_rational(q, code) + tail, code) == (q, tail)


@given(a=st.integers(-2**40, 2**40), e=st.integers(0, 60),
       code=st.sampled_from(["elias-gamma-dyadic", "elias-delta-dyadic"]))
def test_dyadic_round_trip(a, e, code):
    q = F(a, 2**e)
    word = encode_rational(q, code)
    assert decode_rational(word, code) == (q, "")
    assert len(word) <= len(encode_rational(q, code.removesuffix("-dyadic"))) + 2 * e.bit_length()


def test_zero_costs_one_bit_and_sign_bit():
    for code in RATIONAL_CODES:
        assert rational_code_length(0, code) == 1
        assert rational_code_length(F(-3, 4), code) == rational_code_length(F(3, 4), code)
    assert encode_rational(F(-1, 2)) == "010" + "1" + "010"
    assert encode_rational(F(-1, 2), "elias-gamma-dyadic") == "010" + "1" + "010"
    assert encode_rational(F(1, 4), "elias-gamma-dyadic") == "010" + "0" + "011"


def test_errors():
    with pytest.raises(InvalidArgument, match=r"q=1/3 is not dyadic; code='elias-gamma-dyadic'"):
        rational_code_length(F(1, 3), "elias-gamma-dyadic")
    with pytest.raises(InvalidArgument, match=r"code='huffman' is not a rational code"):
        encode_rational(1, "huffman")
    with pytest.raises(InexactInputError, match=r"q=0\.5 is a float"):
        rational_code_length(0.5)
    with pytest.raises(InvalidArgument, match=r"n=0 must be an integer >= 1"):
        elias_gamma(0)
    with pytest.raises(InvalidArgument, match=r"ends inside an Elias gamma codeword"):
        decode_elias_gamma("0001")
    with pytest.raises(InvalidArgument, match=r"ends inside an Elias delta codeword"):
        decode_elias_delta("00101")
    with pytest.raises(InvalidArgument, match=r"ends before the sign bit"):
        decode_rational("011")
    with pytest.raises(InvalidArgument, match=r"characters other than '0' and '1'"):
        decode_rational("0120")
    with pytest.raises(InvalidArgumentType, match=r"expected a string"):
        decode_elias_gamma(101)
    with pytest.raises(InvalidArgument, match=r"code='elias-omega' is not an integer code"):
        integer_code_length(3, "elias-omega")
    with pytest.raises(InvalidArgument, match=r"lengths\[1\]=-1"):
        kraft_sum([1, -1])
    assert rational_code_length(Decimal("0.25"), "elias-gamma-dyadic") == 7
