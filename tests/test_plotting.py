"""Plots drawn from the exact pieces: artists' data and pixel columns of rendered PNGs."""

from __future__ import annotations

import math
import sys
from fractions import Fraction as F

import pytest
import sympy

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from exactmtl import (  # noqa: E402
    MissingDependency,
    Piecewise,
    code_length_curve,
    haar,
    plot_code_length,
    plot_family,
    plot_features,
    plot_function,
    plot_heads,
    plot_network,
    plot_outputs,
    telgarsky_network,
    triangle,
)
from exactmtl.numeric import sample_float  # noqa: E402
from exactmtl.plotting import closed_points, open_points  # noqa: E402

X = sympy.Symbol("x")
JUMPY = Piecewise.step([F(1, 3), F(2, 3)], [1, -1, F(1, 2)])   # a step function with two jumps
ISOLATED = Piecewise([0, F(1, 2), 1], [(1,), (2,)], values=[1, 7])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _gid(ax, gid):
    found = [ln for ln in ax.get_lines() if ln.get_gid() == gid]
    return found[0] if found else None


def _xy(line):
    return list(zip(line.get_xdata().tolist(), line.get_ydata().tolist()))


def _same(a, b):
    return len(a) == len(b) and all(
        (math.isnan(u) and math.isnan(v)) or u == v for p, q in zip(a, b) for u, v in zip(p, q))


# --------------------------------------------------------------------------- artists' data

def test_triangle_is_one_polyline_through_its_knots():
    ax = triangle(3).plot()
    pieces = _xy(_gid(ax, "exactmtl-pieces"))
    assert pieces == [(k / 8, float(k % 2)) for k in range(9)]
    assert _xy(_gid(ax, "exactmtl-closed")) == [(0.0, 0.0), (1.0, 0.0)]   # [0, 1]: both ends in
    assert _gid(ax, "exactmtl-open") is None


def test_haar_jumps_are_gaps_with_open_and_closed_ends():
    ax = plot_function(haar(1, 0))
    nan = float("nan")
    assert _same(_xy(_gid(ax, "exactmtl-pieces")),
                 [(0, 1), (.25, 1), (nan, nan), (.25, -1), (.5, -1), (nan, nan), (.5, 0), (1, 0)])
    assert _xy(_gid(ax, "exactmtl-closed")) == [(0, 1), (.25, -1), (.5, 0)]
    assert _xy(_gid(ax, "exactmtl-open")) == [(.25, 1), (.5, -1), (1, 0)]
    assert _gid(ax, "exactmtl-open").get_markerfacecolor() in ("white", "w", (1, 1, 1, 1))


def test_isolated_value_and_normalised_haar():
    assert closed_points(ISOLATED) == [(0, 1), (F(1, 2), 7)]
    assert open_points(ISOLATED) == [(F(1, 2), 1), (F(1, 2), 2), (1, 2)]
    h = haar(1, 0, normalized=True)
    assert closed_points(h)[0] == (0, sympy.sqrt(2))
    ax = h.plot()
    assert _xy(_gid(ax, "exactmtl-pieces"))[0] == (0.0, float(sympy.sqrt(2)))


def test_quadratic_pieces_are_sampled_inside_each_piece_only():
    ax = plot_function(sympy.Piecewise((X**2, X < F(1, 2)), (1 - X, True)), samples=11)
    xs, ys = (np.asarray(v) for v in zip(*_xy(_gid(ax, "exactmtl-pieces"))))
    assert np.isnan(xs[11]) and len(xs) == 11 + 1 + 2
    assert np.allclose(ys[:11], xs[:11] ** 2)   # float zone: drawing only
    assert open_points(sympy.Piecewise((X**2, X < F(1, 2)), (1 - X, True))) == [
        (F(1, 2), F(1, 4)), (1, 0)]


def test_code_length_step_plot():
    cls = [Piecewise.constant(c) for c in range(4)]
    curve = code_length_curve(cls)
    ax = plot_code_length(curve, eps_max=2)
    nan = float("nan")
    assert _same(_xy(_gid(ax, "exactmtl-pieces")),
                 [(0, 2), (.5, 2), (nan, nan), (.5, 1), (1.5, 1), (nan, nan), (1.5, 0), (2, 0)])
    assert _xy(_gid(ax, "exactmtl-closed")) == [(0, 2), (.5, 1), (1.5, 0)]
    assert _xy(_gid(ax, "exactmtl-open")) == [(.5, 2), (1.5, 1)]
    with pytest.raises(ValueError, match=r"eps_max=1 must exceed the start 3/2"):
        plot_code_length(curve, eps_max=1)


def test_family_helpers_draw_each_member():
    assert len([ln for ln in plot_features([0, 1, 2], n=2).get_lines()
                if ln.get_gid() == "exactmtl-pieces"]) == 3
    assert len(plot_heads(2, [0, 1, 2]).get_legend().texts) == 3
    assert len(plot_outputs(0b1011001, n=3, m=2, ks=[0, 1, 2, 3]).get_legend().texts) == 4
    ax = plot_network(telgarsky_network(3), triangle(3))
    net, target = [ln for ln in ax.get_lines() if ln.get_gid() == "exactmtl-pieces"]
    assert _xy(net) == _xy(target) and target.get_linestyle() == "--"
    ax = plot_family([haar(0, 0), haar(0, 0)], offset=3)
    first, second = [ln for ln in ax.get_lines() if ln.get_gid() == "exactmtl-pieces"]
    assert [y + 3 for _, y in _xy(first) if y == y] == [y for _, y in _xy(second) if y == y]
    with pytest.raises(ValueError, match=r"len\(labels\)=1 must equal len\(functions\)=2"):
        plot_family([haar(0, 0), haar(0, 0)], labels=["a"])


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(MissingDependency, match=r"pip install 'exactmtl\[plot\]'"):
        triangle(1).plot()
    with pytest.raises(ImportError, match="matplotlib"):
        plot_code_length([Piecewise.constant(0), Piecewise.constant(1)])


# --------------------------------------------------------------------------- pixels

W, H = 400, 300


def _render(tmp_path, draw, ylim=(-1.5, 1.5)):
    fig = plt.figure(figsize=(W / 100, H / 100), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    draw(ax)
    ax.set_xlim(0, 1)
    ax.set_ylim(*ylim)
    ax.axis("off")
    path = tmp_path / "plot.png"
    fig.savefig(path, dpi=100)
    img = mpimg.imread(path)[:, :, :3]
    assert img.shape[:2] == (H, W)
    ink = img.sum(axis=2) < 2.4          # non-white pixels

    def row(y):                          # image row of the data value y
        return (H - 1) - (y - ylim[0]) / (ylim[1] - ylim[0]) * (H - 1)

    return img, ink, row


def _col(x):
    return round(x * (W - 1))


def test_png_of_triangle_follows_the_exact_wave(tmp_path):
    f = triangle(3)
    _, ink, row = _render(tmp_path, lambda ax: plot_function(f, ax, linewidth=1),
                          ylim=(-0.25, 1.25))
    checked = 0
    for c in range(8, W - 8):
        x = F(c, W - 1)
        if min(abs(x - F(k, 8)) for k in range(9)) * (W - 1) < 4:
            continue                      # near a corner the line is wider than one column
        rows = np.nonzero(ink[:, c])[0]
        assert rows.size, f"column {c} is empty"
        assert abs(rows.mean() - row(float(f(x)))) < 3, (c, rows.mean(), row(float(f(x))))
        checked += 1
    assert checked > 250


def test_png_of_a_step_function_has_jumps_not_risers(tmp_path):
    img, ink, row = _render(tmp_path, lambda ax: plot_function(JUMPY, ax, markersize=6))
    c = _col(1 / 3)
    middle = [r for r in range(H) if abs(r - row(1)) > 8 and abs(r - row(-1)) > 8]
    assert not ink[middle, c].any(), "a vertical riser was drawn at the jump x = 1/3"
    # the open circle (limit 1, not taken) is hollow, the filled dot (value -1) is not
    centre_open, centre_closed = img[round(row(1)), c], img[round(row(-1)), c]
    assert centre_open.sum() > 2.7 and centre_closed.sum() < 2.4
    # between the jumps each column is inked at the exact level only
    for x, level in ((0.15, 1), (0.5, -1), (0.85, 0.5)):
        rows = np.nonzero(ink[:, _col(x)])[0]
        assert rows.size and abs(rows.mean() - row(level)) < 2


def test_pixel_check_rejects_a_sampled_plot(tmp_path):
    """Falsifier: uniform sampling joined by lines draws a riser at the jump; the check sees it."""
    xs, ys = sample_float(JUMPY, 301)
    _, ink, row = _render(tmp_path, lambda ax: ax.plot(xs, ys, color="k"))
    middle = [r for r in range(H) if abs(r - row(1)) > 8 and abs(r - row(-1)) > 8]
    assert any(ink[middle, _col(1 / 3) + d].any() for d in (-1, 0, 1))


def test_png_of_haar_function(tmp_path):
    h = haar(2, 1)                        # +1 on [1/4, 3/8), -1 on [3/8, 1/2), 0 elsewhere
    _, ink, row = _render(tmp_path, lambda ax: plot_function(h, ax, linewidth=1))
    for x, level in ((0.1, 0), (0.3, 1), (0.44, -1), (0.8, 0)):
        rows = np.nonzero(ink[:, _col(x)])[0]
        assert rows.size and abs(rows.mean() - row(level)) < 2, (x, level)
    middle = [r for r in range(H) if abs(r - row(1)) > 8 and abs(r - row(0)) > 8
              and abs(r - row(-1)) > 8]
    for jump in (0.25, 0.375, 0.5):
        assert not ink[middle, _col(jump)].any(), f"riser at {jump}"
