"""Public hypothesis strategies for exactmtl objects (bounded).

Every strategy has explicit bounds, so tests stay fast and reproducible. Import this module
only in tests (it needs only hypothesis: ``pip install 'exactmtl[test]'`` or ``pip install
hypothesis``); the package never imports it.

>>> from hypothesis import find
>>> find(dyadics(max_level=3), lambda x: x > Fraction(1, 2))
Fraction(5, 8)
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from exactmtl.errors import MissingDependency

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised by tests/test_packaging.py
    raise MissingDependency(
        "exactmtl.strategies needs hypothesis, which is not installed; install the test extra: "
        "python -m pip install 'exactmtl[test]' (or just hypothesis)") from exc

from exactmtl.piecewise import Piecewise

__all__ = [
    "constant_expressions",
    "dyadics",
    "grid_step_functions",
    "heaviside_networks",
    "linear_functions",
    "networks",
    "piecewise_linear",
    "probabilities",
    "rationals",
    "step_functions",
]


# --------------------------------------------------------------------------- core

def dyadics(max_level: int = 12, *, closed: bool = False) -> st.SearchStrategy[Fraction]:
    """Dyadic points ``a / 2**b`` in [0, 1) (in [0, 1] when ``closed``), ``b <= max_level``.

    >>> from hypothesis import find
    >>> find(dyadics(max_level=3), lambda x: x > Fraction(1, 2))
    Fraction(5, 8)
    >>> find(dyadics(max_level=2, closed=True), lambda x: x == 1)
    Fraction(1, 1)
    """
    top = 1 << max_level
    return st.integers(0, top if closed else top - 1).map(lambda a: Fraction(a, top))


def rationals(max_denominator: int = 64, lo: int = -4, hi: int = 4) -> st.SearchStrategy[Fraction]:
    """Rationals p/q in [lo, hi] with ``q <= max_denominator``.

    >>> from hypothesis import find
    >>> q = find(rationals(8, 0, 1), lambda q: q.denominator == 7)
    >>> q.denominator, 0 <= q <= 1
    (7, True)
    """
    return st.builds(
        lambda q, t: Fraction(lo * q + t, q),
        st.integers(1, max_denominator),
        st.integers(0, (hi - lo) * max_denominator),
    ).filter(lambda x: lo <= x <= hi)


@st.composite
def _breakpoints(draw, max_pieces: int, dyadic_level: int | None) -> list[Fraction]:
    k = draw(st.integers(0, max_pieces - 1))
    if dyadic_level is None:
        pts = draw(st.sets(rationals(16, 0, 1).filter(lambda t: 0 < t < 1), max_size=k))
    else:
        top = 1 << dyadic_level
        pts = {Fraction(a, top) for a in draw(st.sets(st.integers(1, top - 1), max_size=k))}
    return sorted(pts)


@st.composite
def step_functions(draw, max_pieces: int = 8, dyadic_level: int | None = 6,
                   values: st.SearchStrategy[Fraction] | None = None) -> Piecewise:
    """Right-continuous step functions on [0, 1) with at most ``max_pieces`` pieces.

    Breakpoints are dyadic of level ``dyadic_level`` (any rationals with denominator <= 16
    when ``None``); values small rationals.

    >>> from hypothesis import find
    >>> f = find(step_functions(max_pieces=3), lambda f: f.pieces == 3)
    >>> f.pieces, f.is_step(), f.domain
    (3, True, (Fraction(0, 1), Fraction(1, 1)))
    """
    bps = draw(_breakpoints(max_pieces, dyadic_level))
    vals = values if values is not None else rationals(8)
    return Piecewise.step(bps, [draw(vals) for _ in range(len(bps) + 1)])


@st.composite
def piecewise_linear(draw, max_pieces: int = 6, dyadic_level: int | None = 6,
                     closed: bool = False) -> Piecewise:
    """Piecewise-linear functions on [0, 1) (jumps allowed), small rational coefficients.

    >>> from hypothesis import find
    >>> f = find(piecewise_linear(max_pieces=2), lambda f: f.degree == 1 and f.pieces == 2)
    >>> f.pieces, f.degree, f.closed
    (2, 1, False)
    """
    bps = draw(_breakpoints(max_pieces, dyadic_level))
    pieces = [(draw(rationals(8)), draw(rationals(8))) for _ in range(len(bps) + 1)]
    return Piecewise.linear(bps, pieces, closed=closed)


def linear_functions() -> st.SearchStrategy[Piecewise]:
    """Affine functions c0 + c1 x on [0, 1).

    >>> from hypothesis import find
    >>> f = find(linear_functions(), lambda f: f.degree == 1)
    >>> f.pieces, f.degree
    (1, 1)
    """
    return st.builds(lambda a, b: Piecewise.linear([], [(a, b)]), rationals(8), rationals(8))


@st.composite
def grid_step_functions(draw, max_level: int = 6, bound: int = 8) -> Piecewise:
    """Integer-valued step functions on a level-n dyadic grid, n <= ``max_level``.

    >>> from hypothesis import find
    >>> f = find(grid_step_functions(max_level=2), lambda f: f.pieces == 4)
    >>> f.breakpoints
    (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))
    """
    n = draw(st.integers(0, max_level))
    return Piecewise.on_grid(draw(st.lists(st.integers(-bound, bound), min_size=1 << n,
                                           max_size=1 << n)))


# --------------------------------------------------------------------------- networks

def _exact_weights(max_level: int, bound: int,
                   rational: bool) -> st.SearchStrategy[Fraction]:
    top = 1 << max_level
    dyadic = st.integers(-bound * top, bound * top).map(lambda a: Fraction(a, top))
    if not rational:
        return dyadic
    return st.one_of(dyadic, rationals(12, -bound, bound))


@st.composite
def networks(draw, max_depth: int = 3, max_width: int = 4, *, min_depth: int = 0,
             activations: tuple[str, ...] = ("identity", "heaviside", "relu"),
             max_level: int = 3, bound: int = 3, outputs: int = 1, skips: bool = True,
             rational: bool = False, h0: st.SearchStrategy[Fraction] | None = None):
    """Random feed-forward networks on one input (exactmtl.networks.Network), bounded.

    Hidden layers: ``min_depth``..``max_depth``, widths 1..``max_width``, one activation per
    neuron drawn from ``activations``; weights and biases dyadic ``a / 2**max_level`` with
    ``|value| <= bound`` (also small non-dyadic rationals when ``rational``); optional skip
    weights on the input; an identity output layer with ``outputs`` neurons; ``H(0)`` drawn
    from ``h0`` (default 1).

    >>> from hypothesis import find
    >>> type(find(networks(max_depth=1), lambda net: True)).__name__
    'Network'
    """
    from exactmtl.networks import Network

    w = _exact_weights(max_level, bound, rational)
    depth = draw(st.integers(min_depth, max_depth))
    widths = [draw(st.integers(1, max_width)) for _ in range(depth)] + [outputs]
    layers = []
    prev = 1
    for i, width in enumerate(widths):
        weights = [[draw(w) for _ in range(prev)] for _ in range(width)]
        biases = [draw(w) for _ in range(width)]
        acts = ("identity",) * width if i == depth else tuple(
            draw(st.sampled_from(activations)) for _ in range(width))
        skip = [draw(w) for _ in range(width)] if skips and draw(st.booleans()) else None
        layers.append((weights, biases, list(acts), skip))
        prev = width
    return Network(layers, h0=draw(h0) if h0 is not None else 1)


def heaviside_networks(max_depth: int = 3, max_width: int = 4, **kw) -> st.SearchStrategy:
    """Pure Heaviside networks (1..``max_depth`` Heaviside hidden layers, identity output, no
    skips).

    >>> from hypothesis import find
    >>> type(find(heaviside_networks(max_depth=1), lambda net: True)).__name__
    'Network'
    """
    return networks(max_depth, max_width, min_depth=1, activations=("heaviside",), skips=False,
                    **kw)


# --------------------------------------------------------------------------- certified numerics

def probabilities(max_denominator: int = 64, *, open_interval: bool = False
                  ) -> st.SearchStrategy[Fraction]:
    """Rationals p/q in [0, 1] (in (0, 1) when ``open_interval``) with ``q <= max_denominator``.

    >>> from hypothesis import find
    >>> find(probabilities(open_interval=True), lambda p: p > Fraction(1, 2)) < 1
    True
    """
    out = rationals(max_denominator, 0, 1)
    return out.filter(lambda x: 0 < x < 1) if open_interval else out


def constant_expressions(max_leaves: int = 6, max_denominator: int = 16) -> st.SearchStrategy:
    """Positive sympy constants for :func:`exactmtl.certify`: small positive rationals, pi and E
    combined by +, *, sqrt, log(1 + x) and exp(-x) (at most ``max_leaves`` leaves).

    >>> from hypothesis import find
    >>> e = find(constant_expressions(), lambda e: e.has(sympy.log))
    >>> e.is_positive, e.free_symbols
    (True, set())
    """
    leaf = st.one_of(
        st.builds(sympy.Rational, st.integers(1, 4 * max_denominator),
                  st.integers(1, max_denominator)),
        st.sampled_from([sympy.pi, sympy.E]))

    def extend(children: st.SearchStrategy) -> st.SearchStrategy:
        return st.one_of(
            st.builds(lambda a, b: a + b, children, children),
            st.builds(lambda a, b: a * b, children, children),
            st.builds(sympy.sqrt, children),
            st.builds(lambda a: sympy.log(1 + a), children),
            st.builds(lambda a: sympy.exp(-a), children))

    return st.recursive(leaf, extend, max_leaves=max_leaves)
