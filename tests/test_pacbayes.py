"""Certified kl, kl-inverse and generalisation bounds (exactmtl.companions.pacbayes)."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exactmtl import Enclosure, certify
from exactmtl.companions.pacbayes import (
    amortised_bits,
    catoni_bound,
    elias_kraft_sum,
    fast_rate_bound,
    fast_rate_family,
    fast_rate_lambda,
    joint_vs_separate,
    kl,
    kl_expression,
    kl_inverse,
    kl_inverse_float,
    maurer_xi,
    mcallester_bound,
    multitask_occam_bound,
    occam_bound,
    occam_complexity,
    seeger_bound,
    transfer_bound,
)
from exactmtl.errors import InexactInputError, InvalidArgument, InvalidArgumentType
from exactmtl.jointsep import JointSeparateReport, collect_reports
from exactmtl.prefixcodes import elias_delta_length, elias_gamma_length, kraft_sum
from exactmtl.strategies import probabilities

F = Fraction


def mpf(x):
    if isinstance(x, Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    return mpmath.mpf(x)


def mp_kl(q, p):
    q, p = mpf(q), mpf(p)
    out = mpmath.mpf(0)
    if q > 0:
        out += q * mpmath.log(q / p)
    if q < 1:
        out += (1 - q) * mpmath.log((1 - q) / (1 - p))
    return out


def mp_kl_inverse(q, c):
    """kl^-1(q, c) by mpmath's bracketed root finder at 100 digits (an independent oracle)."""
    guess = kl_inverse_float(float(q), float(c))
    with mpmath.workdps(110):
        lo = max(mpf(q) + mpmath.mpf(10) ** -105, mpmath.mpf(guess) - mpmath.mpf(1) / 10**3)
        hi = min(1 - mpmath.mpf(10) ** -60, mpmath.mpf(guess) + mpmath.mpf(1) / 10**3)

        def f(p):
            return mp_kl(q, p) - mpf(c)

        assert f(lo) < 0 < f(hi)
        return +mpmath.findroot(f, (lo, hi), solver="anderson", tol=mpmath.mpf(10) ** -100)


# --------------------------------------------------------------------------- kl

@settings(max_examples=80)
@given(q=probabilities(64), p=probabilities(64, open_interval=True))
@example(q=F(0), p=F(1, 2))
@example(q=F(1), p=F(1, 1000))
def test_kl_enclosure_contains_100_digit_value(q, p):
    e = kl(q, p)
    with mpmath.workdps(110):
        assert e.contains(+mp_kl(q, p))
    assert e.lo >= 0 or e.contains(0)
    assert e.width < F(1, 2**100)


def test_kl_exact_cases_and_errors():
    assert kl(F(1, 3), F(1, 3)) == Enclosure(0, 0)
    assert kl(0, 0) == Enclosure(0, 0) and kl(1, 1) == Enclosure(0, 0)
    with pytest.raises(InvalidArgument, match=r"kl\(q=1/2 \|\| p=1\) is \+infinity"):
        kl(F(1, 2), 1)
    with pytest.raises(InvalidArgument, match=r"p=3/2 is not a probability"):
        kl(F(1, 2), F(3, 2))
    with pytest.raises(InvalidArgument, match=r"q=-1/2 is not a probability"):
        kl(F(-1, 2), F(1, 2))
    with pytest.raises(InexactInputError, match=r"q=0\.1 is a float"):
        kl(0.1, F(1, 2))
    assert certify(kl_expression(F(1, 10), F(1, 5)), "<", F(1, 25)).proved
    assert certify(kl_expression(F(1, 10), F(1, 5)), "<", F(1, 30)).disproved


# --------------------------------------------------------------------------- kl inverse

@settings(max_examples=30)
@given(q=probabilities(32).filter(lambda x: x < 1),
       c=st.fractions(min_value=F(1, 1000), max_value=4, max_denominator=1000))
@example(q=F(1, 10), c=F(1, 20))
@example(q=F(0), c=F(1, 1000))
def test_kl_inverse_contains_mpmath_root(q, c):
    e = kl_inverse(q, c)
    assert q <= e.lo <= e.hi <= 1 and e.width <= F(1, 2**40)
    assert e.contains(mp_kl_inverse(q, c))
    # the certified properties the bisection claims
    assert kl(q, e.lo).hi <= c
    assert e.hi == 1 or kl(q, e.hi).lo > c


@settings(max_examples=20)
@given(c=st.fractions(min_value=F(1, 100), max_value=5, max_denominator=100))
def test_kl_inverse_at_zero_is_one_minus_exp(c):
    e = kl_inverse(0, c)
    with mpmath.workdps(110):
        assert e.contains(1 - mpmath.exp(-mpf(c)))


def test_kl_inverse_exact_cases_and_monotonicity():
    assert kl_inverse(F(2, 7), 0) == Enclosure(F(2, 7), F(2, 7))
    assert kl_inverse(1, 5) == Enclosure(1, 1)
    a, b = kl_inverse(F(1, 10), F(1, 20)), kl_inverse(F(1, 10), F(1, 19))
    assert a.hi < b.lo
    assert kl_inverse(F(1, 10), F(1, 20), tol=F(1, 2**80)).width <= F(1, 2**80)


def test_kl_inverse_of_an_enclosure_or_expression():
    c = sympy.log(2) / 10
    e = kl_inverse(F(1, 10), c)
    ce = Enclosure(F(69, 1000), F(70, 1000))
    wide = kl_inverse(F(1, 10), ce)
    assert wide.contains(e)
    assert wide.lo <= kl_inverse(F(1, 10), F(69, 1000)).hi
    assert wide.hi >= kl_inverse(F(1, 10), F(70, 1000)).lo
    with mpmath.workdps(110):
        assert e.contains(mp_kl_inverse(F(1, 10), F(6931471805599453094172321, 10**26)))


@pytest.mark.parametrize(("args", "kw", "error", "match"), [
    ((F(11, 10), 1), {}, InvalidArgument, r"q=11/10 is not a probability"),
    ((F(1, 2), -1), {}, InvalidArgument, r"c=-1 is negative"),
    ((F(1, 2), 0.3), {}, InexactInputError, r"c=0\.3 is a float"),
    ((F(1, 2), 1), {"tol": 0}, InvalidArgument, r"tol=0 must be > 0"),
])
def test_kl_inverse_bad_input(args, kw, error, match):
    with pytest.raises(error, match=match):
        kl_inverse(*args, **kw)


def test_float_kl_inverse_is_within_its_tolerance_only():
    e = kl_inverse(F(1, 20), F(1, 3))
    x = kl_inverse_float(0.05, 1 / 3)
    assert abs(F(x) - e.mid) < F(1, 10**5)


def test_float_kl_inverse_saturates_at_one():
    # kl(0||p) = -log(1 - p) <= 40 up to p = 1 - 1e-15 (34.5): the float inverse is 1, no crash
    assert kl_inverse_float(0.0, 40.0) == 1.0
    assert kl_inverse(0, 40).hi == 1


# --------------------------------------------------------------------------- bounds

def test_occam_bound_matches_mpmath():
    r_hat, bits, N, delta = F(1, 20), 1000, 20000, F(1, 20)
    b = occam_bound(r_hat, bits, N, delta)
    with mpmath.workdps(110):
        c = (bits * mpmath.log(2) + mpmath.log(2 * mpmath.sqrt(N) / mpf(delta))) / N
        assert b.complexity.contains(c)
        assert b.value.contains(mp_kl_inverse(r_hat, F(b.complexity.mid)))
    assert b.form == "occam" and b.inputs["bits"] == "1000"
    assert b.to_json()["value"]["hi"] == f"{b.hi.numerator}/{b.hi.denominator}"


def test_bounds_contain_their_mpmath_values():
    r, K, N, d = F(1, 10), F(5), 1000, F(1, 20)
    with mpmath.workdps(110):
        B = (mpf(K) + mpmath.log(2 * mpmath.sqrt(N) / mpf(d))) / N
        assert mcallester_bound(r, K, N, d).value.contains(mpf(r) + mpmath.sqrt(B / 2))
        assert fast_rate_bound(r, K, N, d).value.contains(
            mpf(r) + B + mpmath.sqrt(B ** 2 + 2 * mpf(r) * B))
        Bc = (mpf(K) + mpmath.log(1 / mpf(d))) / N
        assert catoni_bound(r, K, N, d, C=2).value.contains(
            (1 - mpmath.exp(-2 * mpf(r) - Bc)) / (1 - mpmath.exp(-2)))
        s = seeger_bound(r, K, N, d)
        assert s.complexity.contains((mpf(K) + mpmath.log(mpf(maurer_xi(N)) / mpf(d))) / N)


@settings(max_examples=12)
@given(r=probabilities(20).filter(lambda x: x < 1), bits=st.integers(0, 5000),
       N=st.integers(1, 10**5), delta=probabilities(100, open_interval=True))
@example(r=F(0), bits=345, N=7, delta=F(1, 3))  # kl^-1 within 1e-15 of 1 (float root finder)
def test_bound_enclosures_contain_100_digit_values(r, bits, N, delta):
    with mpmath.workdps(110):
        B = (bits * mpmath.log(2) + mpmath.log(2 * mpmath.sqrt(N) / mpf(delta))) / N
        occ = occam_bound(r, bits, N, delta)
        assert occ.complexity.contains(B)
        # the oracle brackets around a float guess: only where kl^-1 is not within 1e-9 of 1
        if B < 40 and kl_inverse_float(float(r), float(B)) < 1 - 1e-9:
            assert occ.value.contains(mp_kl_inverse(r, F(occ.complexity.mid)))
        fast = fast_rate_bound(r, bits * sympy.log(2), N, delta)
        assert fast.value.contains(mpf(r) + B + mpmath.sqrt(B ** 2 + 2 * mpf(r) * B))
        mca = mcallester_bound(r, bits * sympy.log(2), N, delta)
        assert mca.value.contains(mpf(r) + mpmath.sqrt(B / 2))


def test_bound_ordering_on_an_example():
    r, K, N, d = F(1, 10), F(5), 1000, F(1, 20)
    seeger = seeger_bound(r, K, N, d, xi="2sqrt")
    assert seeger_bound(r, K, N, d).hi < seeger.lo          # exact xi(N) < 2 sqrt(N)
    assert seeger.hi < fast_rate_bound(r, K, N, d).lo       # kl is the tightest
    assert seeger.hi < mcallester_bound(r, K, N, d).lo      # Pinsker loses


def test_kl_div_as_expression_and_enclosure_is_monotone_and_sound():
    r, N, d = F(1, 10), 1000, F(1, 20)
    K = 7 * sympy.log(2)
    exact = fast_rate_bound(r, K, N, d)
    wide = fast_rate_bound(r, Enclosure(F(48, 10), F(49, 10)), N, d)
    assert wide.value.contains(exact.value)
    assert seeger_bound(r, Enclosure(F(48, 10), F(49, 10)), N, d).value.contains(
        seeger_bound(r, K, N, d).value)


@pytest.mark.parametrize(("func", "args", "error", "match"), [
    (occam_bound, (F(1, 2), -3, 100, F(1, 10)), InvalidArgument, "bits=-3 is negative"),
    (occam_bound, (F(1, 2), 3, 0, F(1, 10)), InvalidArgument, r"N=0 must be an integer >= 1"),
    (occam_bound, (F(1, 2), 3, 100, 1), InvalidArgument, r"delta=1 is not a confidence level"),
    (occam_bound, (F(1, 2), 3, 100, 0), InvalidArgument, r"delta=0 is not a confidence level"),
    (occam_bound, (F(3, 2), 3, 100, F(1, 10)), InvalidArgument, "r_hat=3/2 is not a prob"),
    (seeger_bound, (F(1, 2), -1, 100, F(1, 10)), InvalidArgument, "kl_div=-1 is negative"),
    (catoni_bound, (F(1, 2), 1, 100, F(1, 10), 0), InvalidArgument, "C=0 must be > 0"),
    (mcallester_bound, (F(1, 2), 1, 100, 0.05), InexactInputError, r"delta=0\.05 is a float"),
    (multitask_occam_bound, (F(1, 2), 10, [1, -2], 100, F(1, 10)), InvalidArgument,
     r"task_bits\[1\]=-2 is negative"),
    (multitask_occam_bound, (F(1, 2), 10, [], 100, F(1, 10)), InvalidArgument, "empty"),
    (multitask_occam_bound, (F(1, 2), 10, 5, 100, F(1, 10)), InvalidArgumentType,
     "expected a sequence"),
    (multitask_occam_bound, (F(1, 2), 10, [1], -4, F(1, 10)), InvalidArgument,
     r"m=-4 must be an integer >= 1"),
    (transfer_bound, (F(1, 2), -1, 100, F(1, 10)), InvalidArgument, "bits=-1 is negative"),
])
def test_bad_bound_input(func, args, error, match):
    with pytest.raises(error, match=match):
        func(*args)
    with pytest.raises(InvalidArgument, match="xi='bad'"):
        seeger_bound(F(1, 2), 1, 100, F(1, 10), xi="bad")


# --------------------------------------------------------------------------- fast rate

def test_fast_rate_closed_form_is_the_family_minimum():
    r, B = F(3, 8), F(1, 4)
    lam = fast_rate_lambda(r, B)
    assert lam == sympy.Rational(2, 3)
    best = fast_rate_family(r, B, lam)
    closed = sympy.Rational(3, 8) + sympy.Rational(1, 4) + sympy.sqrt(
        sympy.Rational(1, 16) + 2 * sympy.Rational(3, 8) * sympy.Rational(1, 4))
    assert sympy.nsimplify(best - closed) == 0 and best == closed
    for other in (F(1, 2), F(65, 100), F(67, 100), F(3, 4)):
        assert certify(fast_rate_family(r, B, other), ">", best).proved
    # irrational optimum: certified comparison at neighbours
    r, B = F(1, 10), F(1, 50)
    lam = fast_rate_lambda(r, B)
    best = fast_rate_family(r, B, lam)
    for eps in (F(1, 100), F(-1, 100)):
        near = fast_rate_family(r, B, sympy.nsimplify(lam.evalf(30), rational=True) + eps)
        assert certify(near, ">", best).proved


# --------------------------------------------------------------------------- constants, codes

def test_maurer_xi():
    assert maurer_xi(4) == F(103, 32)
    assert maurer_xi(1) == 2
    for N in range(1, 40):
        direct = sum(mpmath.binomial(N, k) * mpmath.mpf(k) ** k * mpmath.mpf(N - k) ** (N - k)
                     for k in range(N + 1)) / mpmath.mpf(N) ** N
        assert abs(mpf(maurer_xi(N)) - direct) < 1e-10 * direct  # float cross-check only
        assert maurer_xi(N) ** 2 <= 4 * N and N <= maurer_xi(N) ** 2
    with pytest.raises(InvalidArgument, match="N=0 must be an integer >= 1"):
        maurer_xi(0)


@pytest.mark.parametrize("code", ["elias-gamma", "elias-delta"])
def test_elias_kraft_sum_agrees_with_prefixcodes(code):
    length = elias_gamma_length if code == "elias-gamma" else elias_delta_length
    for N in (1, 2, 3, 7, 8, 100, 1000):
        assert elias_kraft_sum(N, code) == kraft_sum(length(n) for n in range(1, N + 1))
    assert elias_kraft_sum(2**64, code) < 1
    assert 1 - elias_kraft_sum(2**20 - 1, "elias-gamma") == F(1, 2**20)
    with pytest.raises(InvalidArgument, match="code='huffman'"):
        elias_kraft_sum(3, "huffman")


# --------------------------------------------------------------------------- multi-task

def test_multitask_bound_amortises_the_shared_bits():
    r, shared, m, d = F(1, 20), 8000, 1000, F(1, 20)
    b = multitask_occam_bound(r, shared, [100] * 50, m, d)
    same = occam_bound(r, shared + 5000, 50 * m, d)
    assert b.value == same.value
    assert b.details["shared_bits_per_task"] == "160"
    assert amortised_bits(shared, [100] * 50) == 260
    bounds = [multitask_occam_bound(r, shared, [100] * n, m, d).hi for n in (1, 5, 20, 100)]
    assert bounds == sorted(bounds, reverse=True)
    assert multitask_occam_bound(r, shared, [100] * 100, m, d).certainly_below(F(1, 4))
    assert not occam_bound(r, shared + 100, m, d).certainly_below(F(99, 100))


def test_transfer_pays_only_the_task_bits():
    t = transfer_bound(F(1, 20), 100, 1000, F(1, 20))
    assert t.complexity == occam_bound(F(1, 20), 100, 1000, F(1, 20)).complexity
    assert t.form == "transfer" and t.certainly_below(F(1, 5))


def test_joint_vs_separate_report():
    (r,) = joint_vs_separate(8000, [100] * 20)
    assert isinstance(r, JointSeparateReport)
    assert (r.joint, r.separate, r.equal) == (10000, 162000, False)
    (one,) = joint_vs_separate(8000, [100])
    assert one.equal is True
    (none,) = joint_vs_separate(0, [100] * 5)
    assert none.equal is True
    reports, skipped = collect_reports(["exactmtl.companions.pacbayes"])
    assert not skipped and reports[0].unit == "description length (bits)"


def test_occam_complexity_expression():
    e = occam_complexity(10, 100, F(1, 10))
    assert e == sympy.log(200) / 100 + sympy.log(2) / 10


def test_float_root_finder_is_not_an_upper_bound():
    """README, "Where the reference text was wrong": brentq at xtol 1e-5 can land below kl^-1."""
    from exactmtl.companions.pacbayes import kl_inverse_float

    q, c = Fraction(1, 10), Fraction(1, 20)
    e = kl_inverse(q, c)
    assert Fraction(kl_inverse_float(float(q), float(c))) < e.lo   # float ok: the numeric path
