"""exactmtl.construction: the issue-7 API, bad inputs, facts found while proving M15-M22."""

from __future__ import annotations

from fractions import Fraction as Fr

import pytest
import sympy

from exactmtl import (
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    code_length,
    feature,
    gram,
    inner,
    joint_bits,
    outputs,
    sawtooth,
    sawtooth_walsh,
    separate_bits,
)
from exactmtl.closed_forms import coverage, theorem_a, theorem_h_intervals
from exactmtl.construction import (
    feature_distance,
    feature_distance_cells,
    head_family,
    sign_pattern,
)


def test_issue_api_block_verbatim():
    h = feature(0b1011001, n=3)
    g = sawtooth_walsh(m=2, k=3)
    assert h(Fr(1, 16)) == Fr(11, 16) and g(Fr(5, 16)) == Fr(1, 2)
    F = outputs(0b1011001, n=3, m=2, ks=[0, 1, 2, 3])
    assert gram(F) == sympy.eye(4) / 3
    assert separate_bits(n=3, m=2, ks=[0, 1, 2, 3], eps=Fr(1, 4)) == 21
    assert joint_bits(n=3, m=2, ks=[0, 1, 2, 3], eps=Fr(1, 4)) == 7
    assert separate_bits(n=3, ks=[5, 6, 7], heads="walsh") == 12
    assert code_length([feature(s, n=2) for s in range(8)], Fr(1, 16)) == 3


def test_sigma_forms_agree():
    assert feature("1001101", n=3) == feature(0b1011001, n=3) == feature(
        {(0, 0): 1, (2, 0): 1, (2, 1): 1, (2, 3): 1}, n=3)


@pytest.mark.parametrize(("sigma", "error", "message"), [
    ("101", InvalidArgument, r"sigma='101' has 3 characters; expected 7 = 2\*\*n - 1"),
    ("1021001", InvalidArgument, r"contains '2'; expected only the characters '0' and '1'"),
    ({(0, 0): 2}, InvalidArgument, r"sigma\[\(0, 0\)\]=2; expected the value 0 or 1"),
    ({(3, 0): 1}, InvalidArgument, r"node \(3, 0\) with j=3; expected j < n=3"),
    (2 ** 7, InvalidArgument, r"sigma=128 must be an integer in \[0, 127\]"),
    (-1, InvalidArgument, r"sigma=-1 must be an integer in \[0, 127\]"),
    ([1, 0, 1], InvalidArgumentType, r"sigma=\[1, 0, 1\] is a list"),
    (True, InvalidArgumentType, r"sigma=True is a bool"),
    (0.5, InexactInputError, r"sigma=0\.5 is a float"),
])
def test_bad_sigma(sigma, error, message):
    with pytest.raises(error, match=message):
        feature(sigma, n=3)
    with pytest.raises(error, match=message):
        outputs(sigma, n=3, m=2, ks=[0, 1])


def test_bad_heads_and_family():
    with pytest.raises(InvalidArgument, match=r"k=4 is out of range; expected 0 <= k < 4"):
        sawtooth_walsh(2, 4)
    with pytest.raises(InvalidArgument, match=r"ks\[1\]=4 is out of range"):
        outputs(0, n=3, m=2, ks=[0, 4])
    with pytest.raises(InvalidArgument, match=r"m=3 must be <= n=2: the readout frequency"):
        outputs(0, n=2, m=3, ks=[0])
    with pytest.raises(InvalidArgument, match=r"heads='haar' is not a head family"):
        outputs(0, n=3, m=2, ks=[0], heads="haar")
    with pytest.raises(InvalidArgument, match=r"repeated indices"):
        outputs(0, n=3, m=2, ks=[1, 1])
    with pytest.raises(InvalidArgument, match=r"k=4 is out of range"):
        sign_pattern(0, 3, 2, 4)


def test_mixed_frequencies_are_refused_with_the_reason():
    msg = (r"mix the readout frequencies m=1 and m=2: heads of different m are not orthogonal: "
           r"<g_\(1,0\), g_\(2,0\)> = 1/6")
    with pytest.raises(InvalidArgument, match=msg):
        head_family([(1, 0), (2, 0)])
    with pytest.raises(InvalidArgument, match=msg):
        outputs(0, n=3, ks=[(1, 0), (2, 0)])
    with pytest.raises(InvalidArgument, match=msg):  # the coding layer gives the same reason
        separate_bits(3, ks=[(1, 0), (2, 0)])
    # distinct k across frequencies: orthogonal, refused because the theory needs one m
    with pytest.raises(InvalidArgument, match=r"these heads with distinct k are orthogonal\), "
                                              r"and the construction .* is stated for one m"):
        head_family([(1, 0), (2, 1)])
    assert separate_bits(3, ks=[(2, 0), (2, 1), (2, 2), (2, 3)], eps=Fr(1, 4)) == 21


@pytest.mark.parametrize("call", [
    lambda: separate_bits(3, 2, [0, 1], eps=Fr(-1, 4)),
    lambda: joint_bits(3, 2, [0, 1], eps=Fr(-1, 4)),
])
def test_negative_eps(call):
    with pytest.raises(InvalidArgument, match=r"eps=-1/4 is negative"):
        call()


def test_float_eps():
    with pytest.raises(InexactInputError, match=r"eps=0\.25 is a float"):
        joint_bits(3, 2, [0, 1], eps=0.25)


# ----------------------------------------------------------------- facts found while proving

def test_cross_frequency_inner_products():
    """M17: <g_{a,k}, g_{b,l}> = delta_kl 2^-|a-b| / 3 (THEORY 2.7 only says 'not orthogonal
    in general'; heads with distinct k are orthogonal even across frequencies)."""
    two_s = [2 * sawtooth(i) - 1 for i in range(3)]
    assert inner(two_s[0], two_s[1]) == Fr(1, 6)  # <2 S_0 - 1, 2 S_1 - 1> = <g_00, g_10>
    assert inner(sawtooth_walsh(1, 0), sawtooth_walsh(2, 0)) == Fr(1, 6)  # another pair
    assert inner(sawtooth_walsh(0, 0), sawtooth_walsh(2, 0)) == Fr(1, 12)
    assert inner(sawtooth_walsh(1, 0), sawtooth_walsh(2, 1)) == 0  # counterexample
    assert inner(sawtooth_walsh(1, 1), sawtooth_walsh(3, 1)) == Fr(1, 12)


def test_distance_sign_convention_matters_only_from_depth_3():
    """M15: the recursion with '+ iff b = 0' (ignoring sigma_u) is right for n <= 2, wrong at
    n = 3 (so a depth-2 falsifier cannot be rejected)."""
    def wrong(s, o, n):
        d = s ^ o
        mx, mn = [0] * 2 ** n, [0] * 2 ** n
        for level in range(n - 1, -1, -1):
            step = 2 ** (n - level - 1)
            nmx, nmn = [], []
            for k in range(2 ** level):
                tb = [(step if b == 0 else -step) if (d >> (2 ** level - 1 + k)) & 1 else 0
                      for b in (0, 1)]
                nmx.append(max(tb[b] + mx[2 * k + b] for b in (0, 1)))
                nmn.append(min(tb[b] + mn[2 * k + b] for b in (0, 1)))
            mx, mn = nmx, nmn
        return Fr(max(mx[0], -mn[0]), 2 ** n)

    for s in range(8):
        for o in range(8):
            assert wrong(s, o, 2) == feature_distance(s, o, 2)
    assert feature_distance(1, 10, 3) == feature_distance_cells(1, 10, 3) == Fr(3, 4)
    assert wrong(1, 10, 3) == Fr(7, 8)


def test_theorem_a_n4_m4_and_coverage():
    # Theorem A at n = m = 4 (THEORY 3.5 had not run it; M22 does): counts 2^rho
    a = theorem_a(4, 4, [1, 2, 3])
    assert a.joint_count == 2 ** 3 and a.task_counts == (2, 4, 4) and a.delta_min == 2
    routes = {(r["claim"], r["n"]): r["route"] for r in coverage()}
    assert routes["Theorem A counts", "1..4"] == "brute force"


def test_golden_table_34_closed_form():
    """THEORY 3.4: L(eps, H_n) by eps-range, n = 1..4 (n <= 3 enumerated in test_coding,
    n = 4 through the cover and packing constructions in M16)."""
    golden = {
        1: [(0, Fr(1, 4), 1), (Fr(1, 4), None, 0)],
        2: [(0, Fr(1, 8), 3), (Fr(1, 8), Fr(3, 8), 1), (Fr(3, 8), None, 0)],
        3: [(0, Fr(1, 16), 7), (Fr(1, 16), Fr(3, 16), 3), (Fr(3, 16), Fr(7, 16), 1),
            (Fr(7, 16), None, 0)],
        4: [(0, Fr(1, 32), 15), (Fr(1, 32), Fr(3, 32), 7), (Fr(3, 32), Fr(7, 32), 3),
            (Fr(7, 32), Fr(15, 32), 1), (Fr(15, 32), None, 0)],
    }
    for n, rows in golden.items():
        assert theorem_h_intervals(n) == rows


def test_networks_refuse_mixed_heads_with_the_reason():
    from exactmtl import joint_staircase_network

    with pytest.raises(InvalidArgument, match=r"heads of different m are not orthogonal"):
        joint_staircase_network(0, 3, 2, [(1, 0), (2, 0)], 4)
    assert joint_staircase_network(0, 3, 2, [(2, 0), (2, 3)], 4).widths == \
        joint_staircase_network(0, 3, 2, [0, 3], 4).widths


def test_joint_vs_separate_undecided_names_the_bounds():
    from exactmtl import UndecidedError
    from exactmtl.construction import joint_vs_separate

    with pytest.raises(UndecidedError, match=r"only Theorem B's bounds are known, "
                                             r"L_sep in \[16, 21\], L_joint in \[4, 7\]"):
        joint_vs_separate(5, 2, [0, 1, 2, 3], Fr(3, 8))
    r = joint_vs_separate(4, 2, [0, 1, 2, 3], Fr(1, 4))  # n = 4: certified by enumeration
    assert (r.joint, r.separate) == (7, 21)
    r = joint_vs_separate(4, 2, [0, 1, 2, 3], Fr(1, 8))  # below delta_min / 2: Theorem A
    assert (r.joint, r.separate) == (15, 53)


def test_walsh_head_count_for_k0():
    """SPEC B.6 writes |{pal_k o h}| = 2^(2^(K(k)-1)) with K(k) the top bit of k: for k = 0
    (K = 0) that is 2^(1/2); the class is {1}, one member (2^rho({0}) = 1, as THEORY 2.9)."""
    from exactmtl.closed_forms import walsh_heads
    from exactmtl.construction import output_code_table

    assert walsh_heads(3, [0]).task_counts == (1,)
    assert len({tuple(r) for r in output_code_table(3, 3, 0, "walsh").tolist()}) == 1
