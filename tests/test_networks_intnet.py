"""The fused kernel for continuous networks (exactmtl._intnet) against the general engine."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import exactmtl.networks as networks_module
from exactmtl import Network, _intnet, equal, limits, telgarsky_network, triangle
from exactmtl._intcore import equal_arrays
from exactmtl.strategies import networks

DOMAINS = st.sampled_from([(0, 1), (-2, 3), (F(-1, 3), F(2, 7)), (F(5, 3), F(7, 3))])
RELU = ("identity", "relu")
BIG = 1 << 62


def _general(net, dom, closed, limit=BIG):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(networks_module, "_FAST", False)
        mp.setattr(networks_module, "_LIMIT", limit)
        return net.compile(dom, closed=closed)


def _fused(net, dom, closed, limit=BIG):
    assert _intnet.supported(net)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(networks_module, "_LIMIT", limit)
        return net.compile(dom, closed=closed)


def _same(c1, c2):
    assert c1.regions == c2.regions
    assert c1.layer_regions == c2.layer_regions
    assert len(c1.outputs) == len(c2.outputs)
    for f, g in zip(c1.outputs, c2.outputs):
        assert equal_arrays(f._arr, g._arr)  # the same canonical integer form
        assert f == g


# weights near the int64 boundary: numerators up to 2^61, denominators up to 2^61 * 11
_EDGE = st.one_of(
    st.integers(-3, 3),
    st.builds(lambda a, e, d: F(a, d << e), st.integers(-2**30, 2**30), st.integers(0, 45),
              st.sampled_from([1, 3, 7, 11])),
    st.builds(lambda s, e, o: s * ((1 << e) + o), st.sampled_from([-1, 1]),
              st.integers(58, 63), st.integers(-3, 3)),
    st.builds(lambda s, e: F(s, 1 << e), st.sampled_from([-1, 1, 3]), st.integers(55, 64)),
)


@st.composite
def edge_networks(draw):
    """ReLU/identity networks whose weights reach past 2^62 (numerators and denominators)."""
    depth = draw(st.integers(0, 3))
    widths = [draw(st.integers(1, 3)) for _ in range(depth)] + [draw(st.integers(1, 2))]
    layers, prev = [], 1
    for w in widths:
        acts = [draw(st.sampled_from(RELU)) for _ in range(w)]  # the output may be ReLU too
        rows = [[draw(_EDGE) for _ in range(prev)] for _ in range(w)]
        if w > 1 and draw(st.booleans()):  # shared rows: one group, several biases
            rows = [rows[0]] * w
        layers.append((rows, [draw(_EDGE) for _ in range(w)], acts,
                       [draw(_EDGE) for _ in range(w)] if draw(st.booleans()) else None))
        prev = w
    return Network(layers)


@settings(max_examples=150, deadline=None)
@given(net=networks(max_depth=4, max_width=4, rational=True, outputs=2, activations=RELU),
       dom=DOMAINS, closed=st.booleans())
@example(net=telgarsky_network(6), dom=(0, 1), closed=True)
@example(net=Network([([[0], [F(-5, 4)]], [0, F(9, 8)], ["identity", "relu"]),  # two crossings
                      ([[0, F(-1, 4)], [0, F(1, 8)]], [F(1, 8), F(-1, 8)], "relu"),  # in a piece
                      ([[1, 1]], [0], "identity")]), dom=(0, 1), closed=False)
@example(net=telgarsky_network(5), dom=(F(-1, 3), F(2, 7)), closed=False)
def test_fused_equals_general(net, dom, closed):
    _same(_fused(net, dom, closed), _general(net, dom, closed))


EDGE_DOMAINS = st.one_of(DOMAINS, st.sampled_from([(2**62 - 1, 2**62 + F(1, 3)),
                                                    (-2**64, F(-2**64 + 1, 2**61))]))


@settings(max_examples=100, deadline=None)
@given(net=edge_networks(), dom=EDGE_DOMAINS, closed=st.booleans(),
       limit=st.sampled_from([BIG, 0, 2**20, 2**40]))
def test_fused_equals_general_near_the_int64_boundary(net, dom, closed, limit):
    """Both engines on int64 and on Python ints (``limit`` forces object arrays early)."""
    _same(_fused(net, dom, closed, limit), _general(net, dom, closed))


@settings(max_examples=60, deadline=None)
@given(net=networks(max_depth=3, max_width=3, rational=True, activations=RELU),
       data=st.data())
def test_a_network_one_weight_off_compiles_to_another_function(net, data):
    """Change one weight or bias by a tiny amount: both engines see the change or neither."""
    li = data.draw(st.integers(0, len(net.layers) - 1))
    layer = net.layers[li]
    row = data.draw(st.integers(0, layer.width - 1))
    eps = F(1, 2**70)
    if data.draw(st.booleans()):
        col = data.draw(st.integers(0, layer.input_width - 1))
        bad = net.replace_weight(li, row, col, layer.weights[row][col] + eps)
    else:
        bad = net.replace_bias(li, row, layer.biases[row] + eps)
    good_f, bad_f = _fused(net, (0, 1), True), _fused(bad, (0, 1), True)
    _same(bad_f, _general(bad, (0, 1), True))
    xs = [F(i, 16) for i in range(17)] + list(bad_f.outputs[0].knots)
    differs = any(net(x) != bad(x) for x in xs)
    if differs:
        assert good_f.outputs[0] != bad_f.outputs[0]
        assert not equal(good_f.outputs[0], bad_f.outputs[0])


def test_one_weight_off_is_seen_at_depth_12():
    net = telgarsky_network(12)
    bad = net.replace_weight(6, 0, 1, -4 + F(1, 2**62))
    f, g = _fused(bad, (0, 1), True), _general(bad, (0, 1), True)
    _same(f, g)
    r = equal(f.outputs[0], triangle(12))
    assert not r and r.verdict == "differs"
    assert bool(equal(_fused(net, (0, 1), True).outputs[0], triangle(12)))


def test_routing():
    from exactmtl import deep_sawtooth_network, heaviside_sawtooth_network

    assert _intnet.supported(telgarsky_network(8))
    assert not _intnet.supported(deep_sawtooth_network(3))      # Heaviside: general engine
    assert not _intnet.supported(heaviside_sawtooth_network(3))
    wide = Network([([[1]] * 9, [F(-i, 9) for i in range(9)], "relu"),
                    ([[1] * 9], [0], "identity")])
    assert not _intnet.supported(wide)                          # wider than 8: general


def test_budget_is_checked_before_the_crossings_are_inserted():
    from exactmtl import ResourceLimitError

    with limits(pieces=100), pytest.raises(ResourceLimitError, match="linear pieces"):
        telgarsky_network(8).compile()
    with limits(pieces=100), pytest.raises(ResourceLimitError, match="linear pieces"):
        _general(telgarsky_network(8), (0, 1), True)


@pytest.mark.parametrize("k", [0, 1, 2, 9, 14])
def test_telgarsky_layer_regions(k):
    c = telgarsky_network(k).compile()
    assert c.regions == 1 << k
    assert c.layer_regions == ((*(2 << i for i in range(k)), 1 << k) if k else (1,))
    assert bool(equal(c.outputs[0], triangle(k)))


def test_width_32_many_crossings_per_piece(monkeypatch):
    """32 ReLU units crossing inside the same pieces (merge of sorted runs), then a second wide
    layer whose units share rows (groups) and cross again (the kernel, past its routing width).
    """
    monkeypatch.setattr(_intnet, "_MAX_WIDTH", 32)
    w = 32
    first = ([[F(1 + i % 3)] for i in range(w)], [F(-i, w + 1) for i in range(w)], "relu")
    rows = [[F(g + 1, 32)] * w for g in range(4)]  # four groups of eight units
    second = ([rows[i % 4] for i in range(w)], [F(-(i + 1), 23) for i in range(w)],
              ["relu"] * (w - 2) + ["identity"] * 2)
    net = Network([first, second, ([[F(1, 1 + i % 3) for i in range(w)]], [1], "identity")])
    assert _intnet.supported(net)
    assert net.compile().layer_regions == (32, 51, 51)  # 19 crossings, up to 2 in a piece
    for dom, closed in (((0, 1), True), ((F(-1, 3), 2), False)):
        _same(_fused(net, dom, closed), _general(net, dom, closed))
        _same(_fused(net, dom, closed, 0), _general(net, dom, closed))


def test_the_pieces_budget_has_the_same_threshold_on_both_engines():
    from exactmtl import ResourceLimitError

    net = Network([([[1], [-1]], [F(-1, 3), F(1, 2)], "relu"),
                   ([[2, 1], [1, -3]], [F(-1, 5), F(1, 7)], ["relu", "identity"]),
                   ([[-1, 2], [3, 1]], [F(1, 4), 0], "relu"), ([[1, 1]], [0], "identity")])
    needed = []
    for compile_ in (lambda: _fused(net, (-1, 2), True), lambda: _general(net, (-1, 2), True)):
        p = 1
        while True:
            try:
                with limits(pieces=p):
                    compile_()
                break
            except ResourceLimitError:
                p += 1
        needed.append(p)
    assert needed[0] == needed[1] > 3
