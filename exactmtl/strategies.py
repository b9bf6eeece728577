"""Public hypothesis strategies for exactmtl objects (bounded).

Every strategy has explicit bounds, so tests stay fast and reproducible. Import this module
only in tests (it needs hypothesis, from the ``dev`` extra); the package never imports it.

>>> from hypothesis import find
>>> find(dyadics(max_level=3), lambda x: x > Fraction(1, 2))
Fraction(5, 8)
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from exactmtl.piecewise import Piecewise

__all__ = [
    "dyadics",
    "grid_step_functions",
    "linear_functions",
    "piecewise_linear",
    "rationals",
    "step_functions",
]


# --------------------------------------------------------------------------- core

def dyadics(max_level: int = 12, *, closed: bool = False) -> st.SearchStrategy[Fraction]:
    """Dyadic points ``a / 2**b`` in [0, 1) (in [0, 1] when ``closed``), ``b <= max_level``."""
    top = 1 << max_level
    return st.integers(0, top if closed else top - 1).map(lambda a: Fraction(a, top))


def rationals(max_denominator: int = 64, lo: int = -4, hi: int = 4) -> st.SearchStrategy[Fraction]:
    """Rationals p/q in [lo, hi] with ``q <= max_denominator``."""
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
    """
    bps = draw(_breakpoints(max_pieces, dyadic_level))
    vals = values if values is not None else rationals(8)
    return Piecewise.step(bps, [draw(vals) for _ in range(len(bps) + 1)])


@st.composite
def piecewise_linear(draw, max_pieces: int = 6, dyadic_level: int | None = 6,
                     closed: bool = False) -> Piecewise:
    """Piecewise-linear functions on [0, 1) (jumps allowed), small rational coefficients."""
    bps = draw(_breakpoints(max_pieces, dyadic_level))
    pieces = [(draw(rationals(8)), draw(rationals(8))) for _ in range(len(bps) + 1)]
    return Piecewise.linear(bps, pieces, closed=closed)


def linear_functions() -> st.SearchStrategy[Piecewise]:
    """Affine functions c0 + c1 x on [0, 1)."""
    return st.builds(lambda a, b: Piecewise.linear([], [(a, b)]), rationals(8), rationals(8))


@st.composite
def grid_step_functions(draw, max_level: int = 6, bound: int = 8) -> Piecewise:
    """Integer-valued step functions on a level-n dyadic grid, n <= ``max_level``."""
    n = draw(st.integers(0, max_level))
    return Piecewise.on_grid(draw(st.lists(st.integers(-bound, bound), min_size=1 << n,
                                           max_size=1 << n)))
