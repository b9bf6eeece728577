"""Networks: exact compiler, library constructions, identities, size and bits, piece counts."""

from __future__ import annotations

import math
import time
from decimal import Decimal
from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

import exactmtl.networks as networks_module
from exactmtl import (
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    Network,
    Piecewise,
    construction,
    deep_sawtooth_network,
    equal,
    feature_network,
    from_sympy,
    haar,
    heaviside_piece_bound,
    heaviside_sawtooth_network,
    joint_separate_costs,
    joint_staircase_network,
    midpoint_staircase,
    optimal_staircase,
    optimal_staircase_pieces,
    rademacher,
    rademacher_network,
    rational_code_length,
    sawtooth,
    separate_staircase_networks,
    staircase_network,
    step_network,
    sup_norm,
    telgarsky_network,
    triangle,
    triangle_staircase_pieces,
    triangle_staircase_units,
    walsh,
    walsh_network,
)
from exactmtl.construction_networks import _translations
from exactmtl.networks import piecewise_linear_network, sawtooth_walsh_network
from exactmtl.strategies import (
    dyadics,
    heaviside_networks,
    networks,
    rationals,
    step_functions,
)

X = sympy.Symbol("x")
TINY = F(1, 2**20)
H0S = st.sampled_from([F(0), F(1, 2), F(1)])
DOMAINS = st.sampled_from([(0, 1), (-2, 3), (F(-1, 3), F(2, 7))])


def issue_example() -> Network:
    return Network([([[1], [1]], [0, F(-1, 2)], ["identity", "heaviside"]),
                    ([[2, -1]], [0], "identity")])


# --------------------------------------------------------------------------- the issue's API

def test_issue_example():
    net = issue_example()
    f = net.to_piecewise()
    assert f.closed and f.domain == (0, 1)
    assert equal(f, sawtooth(1))                    # compared on [0, 1)
    assert f(1) == 1                                # the network at the closed right end
    assert equal(telgarsky_network(12).to_piecewise(), triangle(12))
    size = net.size()
    assert (size.widths, size.depth, size.neurons, size.weights, size.biases) == (
        (1, 2, 1), 1, 2, 4, 1)
    assert net.bits(code="elias-gamma") == sum(
        rational_code_length(v, "elias-gamma") for layer in net.layers
        for v in layer.parameters())


def test_repr_is_readable():
    text = repr(issue_example())
    assert "layer 0: 2 neurons [identity, heaviside]; weights [[1], [1]]; biases [0, -1/2]" in text
    assert repr(telgarsky_network(20)).startswith("Network(widths (1, 2, 2,")


def test_from_arrays_numpy_and_fraction_arrays():
    w0 = np.array([[1], [1]])
    w1 = np.array([[F(2), F(-1)]], dtype=object)
    net = Network.from_arrays([w0, w1], [np.array([0, 0]), [0]],
                              [["identity", "heaviside"], "identity"])
    assert net.replace_bias(0, 1, F(-1, 2)) == issue_example()
    assert hash(net.replace_bias(0, 1, F(-1, 2))) == hash(issue_example())
    sym = Network([([[sympy.Rational(1, 3)]], [Decimal("0.5")], "relu")])
    assert sym.layers[0].weights[0][0] == F(1, 3) and sym.layers[0].biases[0] == F(1, 2)


def test_multi_output_and_evaluation():
    net = Network([([[1], [-1]], [0, 1], "relu"), ([[1, 0], [0, 1], [1, 1]], [0, 0, 0],
                                                     "identity")])
    outs = net.to_piecewise_outputs()
    assert len(outs) == 3 and net.outputs == 3
    assert net.evaluate(F(1, 4)) == (F(1, 4), F(3, 4), F(1))
    with pytest.raises(InvalidArgument, match=r"has 3 outputs; pass output=i"):
        net.to_piecewise()
    with pytest.raises(InvalidArgument, match=r"use net.evaluate\(x\)"):
        net(0)
    assert equal(net.to_piecewise(output=2), Piecewise.constant(1, closed=True))
    assert net.compile().regions == 1


# --------------------------------------------------------------------------- the compiler

@settings(max_examples=150)
@given(net=networks(max_depth=4, max_width=4, rational=True, outputs=2, h0=H0S), dom=DOMAINS,
       closed=st.booleans(), xs=st.lists(rationals(50, -3, 3), max_size=6))
def test_compiled_agrees_with_exact_evaluation(net, dom, closed, xs):
    compiled = net.compile(dom, closed=closed)
    a, b = F(dom[0]), F(dom[1])
    for j, f in enumerate(compiled.outputs):
        assert f.domain == (a, b) and f.closed == closed and f.degree <= 1
        knots = list(f.knots) if closed else list(f.knots[:-1])
        mids = [(u + v) / 2 for u, v in zip(f.knots, f.knots[1:])]
        for x in knots + mids + [x for x in xs if a <= x < b]:
            assert f(x) == net.evaluate(x)[j]
        # canonical form: the trusted constructor agrees with Piecewise._make
        assert f == Piecewise._make(f.knots, f.polys, f.values, f.closed)
    assert compiled.regions <= min(len(f.knots) for f in compiled.outputs) - 1 + sum(
        len(f.knots) for f in compiled.outputs)


# issue 11: exact weights with large numerators/denominators crashed the int64 engine
# (OverflowError in _lin: a numpy int64 scalar inside an object array) and, worse, wrapped
# silently to a wrong value (an unbounded int64 product in _affine/_outer_mul).
_ISSUE11_NET = Network([([[-2**20], [F(1, 2**40)]], [0, F(2**28, 7)], ["identity", "heaviside"]),
                        ([[F(1, 2**40), F(-2**20, 11)]], [0], "identity"),
                        ([[F(5593, 2**40)]], [0], "heaviside")])
_ISSUE11_WRAP = Network([
    ([[F(1119, 262144)], [F(12449399, 193514046488576)], [F(-265, 92274688)]],
     [F(-13633, 1649267441664), F(536870911, 14680064), F(-551, 17592186044416)],
     ["relu", "relu", "identity"]),
    ([[F(-79, 8192), F(2465, 962072674304), F(2048, 7)],
      [F(-3589343, 6144), F(-3565, 1792), F(3293, 12094627905536)],
      [F(133, 12094627905536), F(266333, 3), F(987, 24189255811072)]],
     [F(175, 90112), F(32803, 8), F(-67, 1924145348608)], ["relu", "identity", "identity"]),
    ([[F(-24299, 4), F(2267, 262144), F(3357, 1835008)]], [F(1489, 56)], "identity")], h0=0)


@settings(max_examples=60)
@given(net=networks(max_depth=4, max_width=4, rational=True, bound=40, max_level=12,
                    outputs=2, h0=H0S), dom=DOMAINS,
       limit=st.sampled_from([0, 2**20, 2**40]))
@example(net=_ISSUE11_NET, dom=(0, 1), limit=2**20)
@example(net=_ISSUE11_NET, dom=(0, 1), limit=2**40)
@example(net=_ISSUE11_WRAP, dom=(0, 1), limit=0)
def test_python_int_path_equals_int64_path(net, dom, limit):
    fast = net.compile(dom).outputs
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(networks_module, "_LIMIT", limit)  # forces object arrays early
        slow = net.compile(dom).outputs
    assert fast == slow


_WIDE = st.builds(lambda a, e, d: F(a, d << e), st.integers(-2**30, 2**30),
                  st.integers(0, 45), st.sampled_from([1, 3, 7, 11]))


@st.composite
def _wide_networks(draw):
    """Networks whose exact weights have up to ~30-bit numerators over up to 2**45 * 11."""
    depth = draw(st.integers(1, 3))
    widths = [draw(st.integers(1, 3)) for _ in range(depth)] + [1]
    layers, prev = [], 1
    for i, w in enumerate(widths):
        acts = (["identity"] * w if i == depth else
                [draw(st.sampled_from(["identity", "relu", "heaviside"])) for _ in range(w)])
        layers.append(([[draw(_WIDE) for _ in range(prev)] for _ in range(w)],
                       [draw(_WIDE) for _ in range(w)], acts,
                       [draw(_WIDE) for _ in range(w)] if draw(st.booleans()) else None))
        prev = w
    return Network(layers, h0=draw(st.one_of(H0S, _WIDE)))


@settings(max_examples=60)
@given(net=_wide_networks(), dom=DOMAINS, limit=st.sampled_from([1 << 62, 0, 2**20, 2**40]))
@example(net=_ISSUE11_NET, dom=(0, 1), limit=1 << 62)
@example(net=_ISSUE11_WRAP, dom=(0, 1), limit=1 << 62)
def test_wide_weights_compile_exactly_on_every_path(net, dom, limit):
    """Oracle: Network.evaluate (plain Fractions) at every knot, midpoint and 8 grid points."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(networks_module, "_LIMIT", limit)
        f = net.compile(dom).outputs[0]
    a, b = F(dom[0]), F(dom[1])
    pts = [*f.knots, *((u + v) / 2 for u, v in zip(f.knots, f.knots[1:])),
           *(a + (b - a) * F(k, 7) for k in range(8))]
    for x in pts:
        assert f(x) == net.evaluate(x)[0]


@settings(max_examples=40)
@given(net=networks(max_depth=2, max_width=2, h0=H0S), closed=st.booleans())
@example(net=Network([([[F(5, 8)], [F(1, 8)]], [0, 0], ["identity", "heaviside"]),
                      ([[0, 0], [F(-13, 8), F(9, 8)]], [0, 0], ["identity", "heaviside"]),
                      ([[0, F(1, 8)]], [0], "identity")], h0=0), closed=False)
def test_sympy_route_on_tiny_networks(net, closed):
    expr = net.to_sympy(X)
    via_sympy = from_sympy(expr, X, (0, 1), closed=closed)
    assert equal(net.to_piecewise(closed=closed), via_sympy)


def test_sympy_expression_passes_h0():
    net = Network([([[1]], [F(-1, 2)], "heaviside"), ([[1]], [0], "identity")], h0=F(1, 2))
    assert net.to_sympy(X) == sympy.Heaviside(X - sympy.Rational(1, 2), sympy.Rational(1, 2))
    assert net.to_piecewise()(F(1, 2)) == F(1, 2)


def test_heaviside_zero_value_per_network():
    base = heaviside_sawtooth_network(3)
    for h0 in (0, F(1, 2), 1):
        f = Network(base.layers, h0=h0).to_piecewise(closed=False)
        r = equal(f, sawtooth(3))
        if h0 == 1:
            assert r.verdict == "everywhere"
        else:
            assert r.verdict == "except_finite"
            assert r.exceptions == frozenset(F(i, 8) for i in range(1, 8))


def test_threshold_at_domain_ends_gives_isolated_values():
    net = Network([([[1], [-1]], [0, 1], "heaviside"), ([[1, 1]], [0], "identity")],
                  h0=F(1, 2))
    f = net.to_piecewise()  # H(x) + H(1 - x) on [0, 1]: 3/2 at both ends, 2 inside
    assert (f(0), f(F(1, 2)), f(1)) == (F(3, 2), 2, F(3, 2))
    assert f.exceptional_points() == (0,)


def test_layer_regions_and_linear_regions():
    c = telgarsky_network(5).compile()
    assert c.layer_regions == (2, 4, 8, 16, 32, 32) and c.regions == 32
    assert telgarsky_network(9).linear_regions((0, F(1, 2))) == 256
    assert heaviside_sawtooth_network(4).compile().regions == 16


def test_telgarsky_depth_20_in_seconds():
    start = time.perf_counter()
    compiled = telgarsky_network(20).compile()
    elapsed = time.perf_counter() - start
    assert compiled.regions == 2**20
    f = compiled.outputs[0]
    assert f(F(1, 2**21)) == F(1, 2) and f(F(3, 2**20)) == 1
    assert elapsed < 30  # about 0.1 s here (the fused kernel); generous for slow CI machines


def test_telgarsky_20_equals_triangle_20():
    assert equal(telgarsky_network(20).to_piecewise(), triangle(20))


# --------------------------------------------------------------------------- identities, falsifiers

def test_telgarsky_weight_off_is_detected_and_located():
    k = 10
    bad = telgarsky_network(k).replace_weight(5, 0, 1, -4 + TINY)
    f = bad.to_piecewise()
    r = equal(f, triangle(k))
    assert not r and r.verdict == "differs"
    u, v = r.witness
    assert 0 <= u < r.witness_point < v <= 1
    x = r.witness_point
    assert f(x) == bad(x) != triangle(k)(x) == telgarsky_network(k)(x)
    assert "differ on" in str(r)


def test_sawtooth_threshold_moved_is_detected():
    net = heaviside_sawtooth_network(5)
    bad = net.replace_bias(0, 10, net.layers[0].biases[10] + TINY)
    r = equal(bad.to_piecewise(closed=False), sawtooth(5))
    assert r.verdict == "differs"
    assert r.witness[0] <= F(11, 32) <= r.witness[1]


@pytest.mark.parametrize("k", range(0, 9))
def test_sawtooth_networks(k):
    assert equal(heaviside_sawtooth_network(k).to_piecewise(closed=False), sawtooth(k))
    assert equal(deep_sawtooth_network(k).to_piecewise(closed=False), sawtooth(k))
    assert telgarsky_network(k).size().parameters == (5 * k if k else 1)


def test_deep_sawtooth_falsifier():
    bad = deep_sawtooth_network(4).replace_weight(2, 1, 1, -1 + TINY)
    assert equal(bad.to_piecewise(closed=False), sawtooth(4)).verdict == "differs"


@given(f=step_functions(max_pieces=8, dyadic_level=5))
def test_step_network_realises_step_functions_with_pieces_minus_one_units(f):
    net = step_network(f)
    assert equal(net.to_piecewise(closed=False), f).verdict == "everywhere"
    assert (net.size().neurons if net.depth else 0) == f.pieces - 1


@given(slope=rationals(8), f=step_functions(max_pieces=6, dyadic_level=4),
       left=st.sets(st.integers(1, 15), max_size=3), iso=st.sets(st.integers(1, 15), max_size=2),
       closed=st.booleans(), end_values=st.tuples(rationals(4), rationals(4)))
@example(slope=F(0), f=Piecewise.constant(1), left=set(), iso=set(), closed=False,
         end_values=(F(1), F(1)))
def test_step_network_with_slope_and_arbitrary_point_values(slope, f, left, iso, closed,
                                                            end_values):
    g = f + slope * Piecewise.identity()
    ks = list(g.knots)
    vals = list(g.values)
    for c in sorted(left | iso):
        t = F(c, 16)
        if t in ks:
            i = ks.index(t)
            vals[i] = g.limit(t, "left") if c in left else vals[i] + 7
    if closed:
        g = Piecewise._make(tuple(ks), g.polys, (*vals, end_values[1]), True)
    else:
        g = Piecewise._make(tuple(ks), g.polys, tuple(vals), False)
    g = Piecewise._make(g.knots, g.polys, (end_values[0], *g.values[1:]), g.closed)
    net = step_network(g)
    assert equal(net.to_piecewise(closed=closed), g).verdict == "everywhere"


def test_step_network_errors():
    with pytest.raises(InvalidArgument, match=r"one common slope"):
        step_network(sawtooth(0) + Piecewise.step([F(1, 2)], [0, 1]) * Piecewise.identity())
    with pytest.raises(InvalidArgument, match=r"degree 2"):
        step_network(Piecewise.identity() ** 2)
    with pytest.raises(InvalidArgumentType, match=r"expected a Piecewise"):
        step_network([1, 2])


@pytest.mark.parametrize("n", range(1, 40))
def test_walsh_networks_use_one_unit_per_sign_change(n):
    net = walsh_network(n, order="sequency")
    assert net.size().neurons == n
    assert equal(net.to_piecewise(closed=False), walsh(n, order="sequency"))
    assert equal(walsh_network(n).to_piecewise(closed=False), walsh(n))


def test_rademacher_networks():
    for k in range(6):
        net = rademacher_network(k)
        assert (net.size().neurons if net.depth else 0) == (1 << k) - 1
        assert equal(net.to_piecewise(closed=False), rademacher(k))


def test_gray_link_exceptional_set():
    k = 4
    hidden = list(telgarsky_network(k).layers[:-1])
    net = Network([*hidden, ([[2, -4]], [F(-1, 2)], "heaviside"), ([[-2]], [1], "identity")])
    r = equal(net.to_piecewise(closed=False), rademacher(k) * rademacher(k + 1))
    assert r.verdict == "except_finite"
    assert r.exceptions == frozenset(F(4 * j + 3, 32) for j in range(8))


# --------------------------------------------------------------------------- size, bits

def test_size_counts():
    s = telgarsky_network(4).size()
    assert (s.widths, s.depth, s.layers, s.neurons, s.first_layer_units) == (
        (1, 2, 2, 2, 2, 1), 4, 5, 8, 2)
    assert (s.weights, s.biases, s.parameters, s.entries) == (16, 4, 20, 4 + 3 * 6 + 3)
    h = heaviside_sawtooth_network(3).size()
    assert (h.neurons, h.weights, h.biases) == (7, 7 + 7 + 1, 7)


@given(net=networks(max_depth=3, max_width=3, rational=True),
       code=st.sampled_from(["elias-gamma", "elias-delta"]))
def test_bits_are_the_sum_of_codeword_lengths(net, code):
    per_layer = net.bits_by_layer(code)
    assert sum(per_layer) == net.bits(code)
    for layer, bits in zip(net.layers, per_layer):
        assert bits == sum(rational_code_length(v, code) for v in layer.parameters())


def test_dyadic_code_on_dyadic_networks_and_refusal():
    net = telgarsky_network(3)
    assert net.bits("elias-gamma-dyadic") <= net.bits("elias-gamma")
    third = Network([([[F(1, 3)]], [0], "identity")])
    with pytest.raises(InvalidArgument, match=r"1/3 is not dyadic"):
        third.bits("elias-delta-dyadic")


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize(("layers", "kwargs", "error", "match"), [
    ([([[1, 2]], [0], "relu")], {}, InvalidArgument,
     r"layer 0 weights row 0 has 2 entries; the layer's input has width 1"),
    ([([[1], [1]], [0, 0], "relu"), ([[1, 2, 3]], [0], "identity")], {}, InvalidArgument,
     r"layer 1 weights row 0 has 3 entries; the layer's input has width 2"),
    ([([[1], [1]], [0], "relu")], {}, InvalidArgument,
     r"layer 0 biases has 1 entries; the layer has 2 neurons"),
    ([([[1]], [0], "tanh")], {}, InvalidArgument,
     r"layer 0 activation\[0\]='tanh' is not known; expected one of 'identity'"),
    ([([[1], [1]], [0, 0], ["relu"])], {}, InvalidArgument,
     r"layer 0 activation has 1 names; the layer has 2 neurons"),
    ([([[0.5]], [0], "relu")], {}, InexactInputError,
     r"layer 0 weights\[0\]\[0\]=0.5 is a float; pass Fraction\('0.5'\)"),
    ([([[1]], [0.25], "relu")], {}, InexactInputError, r"layer 0 biases\[0\]=0.25 is a float"),
    ([([[1]], [float("inf")], "relu")], {}, InvalidArgument,
     r"layer 0 biases\[0\]=inf is not finite"),
    ([([[float("nan")]], [0], "relu")], {}, InvalidArgument,
     r"layer 0 weights\[0\]\[0\]=nan is not finite"),
    ([([[sympy.oo]], [0], "relu")], {}, InvalidArgument,
     r"layer 0 weights\[0\]\[0\]=oo is not finite"),
    ([([[1]], [Decimal("NaN")], "relu")], {}, InvalidArgument, r"layer 0 biases\[0\]=.* finite"),
    ([(np.array([[0.5]]), [0], "relu")], {}, InexactInputError,
     r"layer 0 weights is a numpy array of dtype float64"),
    ([([[1]], np.array([0.5]), "relu")], {}, InexactInputError,
     r"layer 0 biases is a numpy array of dtype float64"),
    ([([[1]], [0], "relu", [1, 2])], {}, InvalidArgument,
     r"layer 0 skip has 2 entries; the layer has 1 neurons"),
    ([([[1]], [0], "relu", [0.5])], {}, InexactInputError, r"layer 0 skip\[0\]=0.5 is a float"),
    ([([], [], "relu")], {}, InvalidArgument, r"layer 0 weights has no rows"),
    ([([[1]], [0])], {}, InvalidArgumentType, r"layer 0=.* must be a tuple \(weights, biases"),
    ([], {}, InvalidArgument, r"layers is empty"),
    ([([[True]], [0], "relu")], {}, InvalidArgumentType, r"weights\[0\]\[0\]=True is a bool"),
    ([([[1]], [0], "relu")], {"h0": 0.5}, InexactInputError, r"h0=0.5 is a float"),
    ([([["1"]], [0], "relu")], {}, InvalidArgumentType, r"weights\[0\]\[0\]='1' has type str"),
])
def test_bad_input_names_layer_and_field(layers, kwargs, error, match):
    with pytest.raises(error, match=match):
        Network(layers, **kwargs)


def test_bad_calls():
    net = telgarsky_network(2)
    with pytest.raises(InexactInputError, match=r"x=0.5 is a float"):
        net(0.5)
    with pytest.raises(InvalidArgument, match=r"domain=\(1, 0\) must have a < b"):
        net.compile((1, 0))
    with pytest.raises(InvalidArgument, match=r"layer=7 must be an integer in \[0, 2\]"):
        net.replace_weight(7, 0, 0, 1)
    with pytest.raises(InexactInputError, match=r"value=0.1 is a float"):
        net.replace_bias(0, 0, 0.1)
    with pytest.raises(InvalidArgument, match=r"skip connection"):
        heaviside_piece_bound(heaviside_sawtooth_network(2))
    with pytest.raises(InvalidArgument, match=r"Heaviside hidden layers"):
        heaviside_piece_bound(telgarsky_network(2))


# --------------------------------------------------------------------------- piece counts

@settings(max_examples=60)
@given(net=heaviside_networks(max_depth=4, max_width=5, outputs=2, h0=H0S), dom=DOMAINS)
def test_pieces_lemma(net, dom):
    bound = heaviside_piece_bound(net)
    for f in net.to_piecewise_outputs(dom):
        assert f.is_step() and f.pieces <= bound


@given(k=st.integers(0, 5), eps=rationals(60, 0, 1).filter(lambda e: e > 0))
@example(k=3, eps=F(1, 4))
@example(k=2, eps=F(1, 2))
def test_triangle_staircase_closed_form(k, eps):
    t = triangle(k)
    n = triangle_staircase_pieces(k, eps)
    assert n == (1 << k) * (math.ceil(1 / (2 * eps)) - 1) + 1
    assert optimal_staircase_pieces(t, eps) == n
    stair = optimal_staircase(t, eps)
    assert stair.pieces == n and sup_norm(stair - t.restrict(0, 1)) <= eps
    assert triangle_staircase_units(k, eps) == n - 1


@st.composite
def continuous_pl(draw):
    level = draw(st.integers(1, 4))
    values = draw(st.lists(rationals(8, -2, 2), min_size=(1 << level) + 1,
                           max_size=(1 << level) + 1))
    size = 1 << level
    pieces = []
    for c in range(size):
        slope = (values[c + 1] - values[c]) * size
        pieces.append((values[c] - slope * F(c, size), slope))
    return Piecewise.linear([F(c, size) for c in range(1, size)], pieces, closed=True)


@given(f=continuous_pl(), eps=rationals(16, 0, 2).filter(lambda e: e > 0))
def test_greedy_staircase_is_optimal_both_ways(f, eps):
    stair = optimal_staircase(f, eps)
    assert sup_norm(stair - f.restrict(0, 1)) <= eps
    # the greedy run from the right end (on x -> 1 - x) is optimal too: same count
    mirror = f.compose(Piecewise.linear([], [(1, -1)], closed=True))
    assert optimal_staircase_pieces(mirror, eps) == stair.pieces


def test_staircase_errors():
    with pytest.raises(InvalidArgument, match=r"eps=0 must be > 0"):
        optimal_staircase_pieces(triangle(2), 0)
    left_continuous = Piecewise([0, F(1, 2), 1], [(0,), (1,)], values=[0, 0])
    with pytest.raises(InvalidArgument, match=r"not right-continuous at x=1/2"):
        optimal_staircase_pieces(left_continuous, F(1, 4))
    assert optimal_staircase_pieces(sawtooth(1), F(1, 4)) == 4  # jumps are allowed
    with pytest.raises(InvalidArgument, match=r"q=1 must be >= m=2"):
        staircase_network(2, 1)


def _step_dp(knots, values, eps):
    """Independent oracle for step targets: least pieces by DP over the knots (a piece boundary
    can always be moved to the knot on its left without enlarging any range)."""
    n = len(values)
    best = [0] + [None] * n
    for end in range(1, n + 1):
        for start in range(end):
            seg = values[start:end]
            if best[start] is not None and max(seg) - min(seg) <= 2 * eps:
                cand = best[start] + 1
                if best[end] is None or cand < best[end]:
                    best[end] = cand
    return best[n]


@given(values=st.lists(rationals(8, -2, 2), min_size=1, max_size=9),
       eps=rationals(16, 0, 2).filter(lambda e: e > 0))
@example(values=[F(0), F(1), F(0), F(1)], eps=F(1, 4))
def test_greedy_staircase_on_jumps_matches_dp(values, eps):
    size = len(values)
    f = Piecewise.step([F(c, size) for c in range(1, size)], values)
    stair = optimal_staircase(f, eps)
    assert sup_norm(stair - f) <= eps
    assert optimal_staircase_pieces(f, eps) == stair.pieces == _step_dp(None, values, eps)


def _cells(ends, size, mirror=False):
    """Right-continuous PL function with value ends[c][0] at the left of cell c and limit
    ends[c][1] at its right (mirror: the right-continuous version of f(1 - x))."""
    if mirror:
        ends = [(b, a) for a, b in reversed(ends)]
    pieces = []
    for c, (a, b) in enumerate(ends):
        slope = (b - a) * size
        pieces.append((a - slope * F(c, size), slope))
    return Piecewise.linear([F(c, size) for c in range(1, size)], pieces)


@given(ends=st.lists(st.tuples(rationals(8, -2, 2), rationals(8, -2, 2)), min_size=1,
                     max_size=8),
       eps=rationals(16, 0, 2).filter(lambda e: e > 0))
@example(ends=[(F(-1), F(0)), (F(1), F(0)), (F(0), F(1))], eps=F(1, 4))
def test_greedy_staircase_on_jumps_mirror(ends, eps):
    # the least number of pieces over all interval partitions is mirror invariant, and for a
    # right-continuous function it is the greedy count (see networks._greedy)
    size = len(ends)
    f = _cells(ends, size)
    stair = optimal_staircase(f, eps)
    assert sup_norm(stair - f) <= eps
    assert optimal_staircase_pieces(f, eps) == optimal_staircase_pieces(
        _cells(ends, size, mirror=True), eps)


@pytest.mark.parametrize(("m", "q"), [(m, q) for m in range(4) for q in range(m, m + 4)])
def test_grid_staircase(m, q):
    net = staircase_network(m, q)
    f = net.to_piecewise(closed=False)
    t = triangle(m).restrict(0, 1)
    assert equal(f, midpoint_staircase(t, q))
    assert (net.size().neurons if net.depth else 0) == (1 << q) - (1 << m)
    assert sup_norm(f - t) == F(1, 2 ** (q - m + 1))
    assert triangle_staircase_units(m, F(1, 2 ** (q - m + 1))) == (1 << q) - (1 << m)


# --------------------------------------------------------------------------- construction networks

def feature_haar(mask, n):
    h = Piecewise.identity()
    for j in range(n):
        for k in range(1 << j):
            if (mask >> ((1 << j) - 1 + k)) & 1:
                h = h + F(1, 2 ** (j + 1)) * haar(j, k)
    return h


@given(data=st.data(), n=st.integers(0, 5))
def test_feature_network_is_the_haar_series(data, n):
    mask = data.draw(st.integers(0, (1 << ((1 << n) - 1)) - 1))
    net = feature_network(mask, n)
    assert equal(net.to_piecewise(closed=False), feature_haar(mask, n))
    assert all((t * (1 << n)).denominator == 1 for t in _translations(mask, n))


def test_feature_matches_construction_module():
    for n in range(4):
        for mask in range(min(1 << ((1 << n) - 1), 40)):
            assert equal(feature_network(mask, n).to_piecewise(closed=False),
                         construction.feature(mask, n))


def test_sigma_forms_and_errors():
    forms = [1 | 1 << 6, "1000001", {(0, 0): 1, (2, 3): 1}]
    nets = [joint_staircase_network(s, 3, 2, [1, 3], 4) for s in forms]
    assert nets[0] == nets[1] == nets[2]
    with pytest.raises(InvalidArgument, match=r"sigma=128 must be an integer in \[0, 127\]"):
        feature_network(128, 3)
    with pytest.raises(InvalidArgument, match=r"sigma='101' has 3 characters; expected 7"):
        joint_staircase_network("101", 3, 1, [0], 3)
    with pytest.raises(InvalidArgument, match=r"p=2 must satisfy p >= max\(n, m\) = 3"):
        joint_staircase_network(0, 3, 1, [0], 2)
    with pytest.raises(InvalidArgument, match=r"ks=\[1, 1\] has repeated indices"):
        joint_staircase_network(0, 2, 1, [1, 1], 3)
    with pytest.raises(InvalidArgument, match=r"ks\[0\]=4 must be an integer in \[0, 3\]"):
        joint_staircase_network(0, 2, 2, [4], 3)


def test_joint_staircase_small_case_and_falsifier():
    mask, n, m, ks, p = 0b1011001, 3, 2, [1, 2, 3], 4
    net = joint_staircase_network(mask, n, m, ks, p)
    assert net.widths == (1, 15, 2 + 4, 2 + 3 * 3, 3)
    h = feature_haar(mask, n)
    outs = net.to_piecewise_outputs(closed=False)
    for f, k in zip(outs, ks):
        big_f = (walsh(k) * (2 * sawtooth(m) - 1)).compose(h)
        q = midpoint_staircase(big_f, p)
        assert equal(f, q)
        assert sup_norm(big_f - q) == F(1, 2 ** (p - m))
    col = next(c for c, w in enumerate(net.layers[1].weights[2]) if w)
    bad = net.replace_weight(1, 2, col, -net.layers[1].weights[2][col])
    big_f = (walsh(1) * (2 * sawtooth(m) - 1)).compose(h)
    r = equal(bad.to_piecewise(output=0, closed=False), midpoint_staircase(big_f, p))
    assert r.verdict == "differs" and r.witness is not None


@settings(max_examples=25)
@given(data=st.data(), n=st.integers(1, 3), extra=st.integers(0, 2),
       code=st.sampled_from(["elias-gamma", "elias-delta-dyadic"]))
def test_joint_versus_separate_costs(data, n, extra, code):
    m = data.draw(st.integers(0, n))
    mask = data.draw(st.integers(0, (1 << ((1 << n) - 1)) - 1))
    ks = data.draw(st.lists(st.integers(0, (1 << m) - 1), min_size=1, max_size=3, unique=True))
    p = max(n, m + 1) + extra
    c = joint_separate_costs(mask, n, m, ks, p, code)
    t = len(ks)
    assert c.separate_sigma_weights - c.joint_sigma_weights == (t - 1) * c.shared_sigma_weights
    assert c.separate_sigma_bits - c.joint_sigma_bits == (t - 1) * c.shared_sigma_bits
    seps = separate_staircase_networks(mask, n, m, ks, p)
    assert c.separate_bits == sum(s.bits(code) for s in seps)
    joint = joint_staircase_network(mask, n, m, ks, p).to_piecewise_outputs(closed=False)
    for f, s in zip(joint, seps):
        assert equal(f, s.to_piecewise(closed=False))


def test_outputs_match_construction_module():
    mask, n, m, ks, p = 0b0110101, 3, 2, [0, 1, 3], 5
    outs = joint_staircase_network(mask, n, m, ks, p).to_piecewise_outputs(closed=False)
    for f, big_f in zip(outs, construction.outputs(mask, n, m, ks)):
        assert equal(f, midpoint_staircase(big_f, p))


@given(x=dyadics(12))
def test_exact_evaluation_of_library_networks(x):
    assert telgarsky_network(7)(x) == triangle(7)(x)
    assert heaviside_sawtooth_network(5)(x) == sawtooth(5)(x)
    assert deep_sawtooth_network(5)(x) == sawtooth(5)(x)


# --------------------------------------------------------------------------- readouts (SPEC B.2)

@st.composite
def piecewise_linear(draw):
    """Any PL function on a small domain: random slopes, jumps and point values."""
    dom = draw(DOMAINS)
    a, b = F(dom[0]), F(dom[1])
    n = draw(st.integers(0, 5))
    cuts = sorted(set(draw(st.lists(st.integers(1, 15), min_size=n, max_size=n))))
    ks = [a + (b - a) * F(c, 16) for c in cuts]
    pieces = [(draw(rationals(8)), draw(st.sampled_from([0, 0, 1, -2, F(3, 2)])))
              for _ in range(len(ks) + 1)]
    closed = draw(st.booleans())
    g = Piecewise.linear(ks, pieces, (a, b), closed=closed)
    vals = list(g.values)
    for i in draw(st.sets(st.integers(0, len(vals) - 1), max_size=2)):
        vals[i] += draw(rationals(4))  # isolated values
    return Piecewise._make(g.knots, g.polys, tuple(vals), closed)


@settings(max_examples=80)
@given(f=piecewise_linear())
def test_piecewise_linear_network_realises_any_pl_function(f):
    net = piecewise_linear_network(f)
    assert equal(net.to_piecewise(f.domain, closed=f.closed), f).verdict == "everywhere"


@pytest.mark.parametrize("m", range(0, 5))
def test_sawtooth_walsh_readout_networks(m):
    for k in range(1 << m):
        net = sawtooth_walsh_network(m, k)
        assert equal(net.to_piecewise(closed=False), construction.sawtooth_walsh(m, k))
        hidden = net.size().neurons if net.depth else 0
        assert hidden == (1 << m) - 1  # one unit per interior level-m point
        # ReLU units exactly at the sign changes of pal_k (the continuous turning points)
        signs = [walsh(k)(F(c, 1 << m)) for c in range(1 << m)]
        turns = sum(1 for i in range(len(signs) - 1) if signs[i] != signs[i + 1])
        acts = net.layers[0].activations if net.depth else ()
        assert acts.count("relu") == turns


def test_readout_falsifier_and_errors():
    net = sawtooth_walsh_network(3, 5)
    relu = net.layers[0].activations.index("relu")
    bad = net.replace_bias(0, relu, net.layers[0].biases[relu] + TINY)
    r = equal(bad.to_piecewise(closed=False), walsh(5) * (2 * sawtooth(3) - 1))
    assert r.verdict == "differs" and r.witness is not None
    with pytest.raises(InvalidArgument, match=r"k=8 must be an integer in \[0, 7\]"):
        sawtooth_walsh_network(3, 8)
    with pytest.raises(InvalidArgument, match=r"f has degree 2; a ReLU/Heaviside network"):
        piecewise_linear_network(Piecewise.identity() ** 2)
    with pytest.raises(InvalidArgumentType, match=r"f has type list; expected a Piecewise"):
        piecewise_linear_network([1])


def test_greedy_cache_keys_on_function_and_eps():
    """The one-entry greedy cache never answers for another function or another eps."""
    from exactmtl import networks as nw
    from exactmtl import (
        optimal_staircase,
        optimal_staircase_pieces,
        triangle,
        triangle_staircase_pieces,
    )

    for k, eps in [(3, F(1, 5)), (4, F(1, 5)), (4, F(1, 7)), (3, F(1, 7)), (3, F(1, 5))]:
        f = triangle(k)
        stair = optimal_staircase(f, eps)
        assert optimal_staircase_pieces(f, eps) == stair.pieces == len(nw._greedy(f, eps))
        assert stair.pieces == triangle_staircase_pieces(k, eps)
        assert optimal_staircase_pieces(f, F(1, 3)) == triangle_staircase_pieces(k, F(1, 3))
