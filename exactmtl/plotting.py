"""Plots of exact functions, drawn from their pieces (needs the ``plot`` extra: matplotlib).

This is a numeric path: exact knots, limits and values are computed exactly and converted to
float only to be drawn. A function is drawn piece by piece, never by uniform sampling (which
misses narrow pieces: ``sample_float(triangle(3), 5)`` sees five zeros): a jump is a gap with an
open circle at each one-sided limit that the function does not take and a filled dot at the value
it takes; continuous points are plain lines; the ends of the domain are marked closed (filled)
or open (hollow). Linear pieces are exact segments; pieces of degree >= 2 are drawn through
``samples`` points inside the piece.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from exactmtl import haar
>>> ax = plot_function(haar(1, 0))
>>> ax.get_lines()[0].get_gid(), [tuple(map(float, p)) for p in open_points(haar(1, 0))]
('exactmtl-pieces', [(0.25, 1.0), (0.5, -1.0), (1.0, 0.0)])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from exactmtl._validate import as_float, as_list, shown
from exactmtl.errors import InvalidArgument, InvalidArgumentType, MissingDependency
from exactmtl.sympy_io import as_piecewise

__all__ = [
    "closed_points",
    "open_points",
    "plot_code_length",
    "plot_family",
    "plot_features",
    "plot_function",
    "plot_heads",
    "plot_network",
    "plot_outputs",
]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingDependency(
            "plotting needs matplotlib, which is not installed; install the plot extra: "
            "python -m pip install 'exactmtl[plot]'") from exc
    return plt


def _peval(p: Sequence[Fraction], t: Fraction) -> Fraction:
    acc = Fraction(0)
    for c in reversed(p):
        acc = acc * t + c
    return acc


def _parts(f: Any) -> tuple[Fraction | Any, Any]:
    """(factor, Piecewise) for a Piecewise, a ScaledPiecewise or a sympy expression."""
    from exactmtl.piecewise import Piecewise

    g = as_piecewise(f, "f")
    factor = getattr(g, "factor", None)
    base = getattr(g, "base", g)
    if not isinstance(base, Piecewise):
        raise InvalidArgumentType(f"f has type {type(f).__name__}; expected a Piecewise, a "
                                  "ScaledPiecewise or a sympy expression in one variable")
    return (1 if factor is None else factor), base


def _events(f: Any) -> list[tuple[Fraction, Fraction | None, Fraction | None, Fraction | None]]:
    """Per knot ``t``: (t, left limit, value, right limit); None where not defined."""
    ks, ps, vs = f.knots, f.polys, f.values
    out = []
    last = len(ps)
    for i, t in enumerate(ks):
        left = _peval(ps[i - 1], t) if i > 0 else None
        right = _peval(ps[i], t) if i < last else None
        value = vs[i] if (i < last or f.closed) else None
        out.append((t, left, value, right))
    return out


def closed_points(f: Any) -> list[tuple[Fraction, Any]]:
    """The points ``(t, f(t))`` drawn as filled dots: domain ends and values at jumps (exact).

    >>> from exactmtl import walsh
    >>> closed_points(walsh(1))
    [(Fraction(0, 1), Fraction(1, 1)), (Fraction(1, 2), Fraction(-1, 1))]
    """
    factor, g = _parts(f)
    out = []
    for i, (t, left, value, right) in enumerate(_events(g)):
        if value is None:
            continue
        end = i == 0 or i == len(g.knots) - 1
        if end or left != value or right != value:
            out.append((t, value * factor))
    return out


def open_points(f: Any) -> list[tuple[Fraction, Any]]:
    """The points ``(t, limit)`` drawn as hollow circles: limits the function does not take.

    >>> from exactmtl import walsh
    >>> open_points(walsh(1))
    [(Fraction(1, 2), Fraction(1, 1)), (Fraction(1, 1), Fraction(-1, 1))]
    """
    factor, g = _parts(f)
    out = []
    for t, left, value, right in _events(g):
        for lim in (left, right):
            if lim is not None and lim != value and (t, lim * factor) not in out:
                out.append((t, lim * factor))
    return out


def _float(v: Any) -> float:
    try:
        return float(v)  # float ok: plotting is a numeric path
    except OverflowError:
        raise InvalidArgument(f"the value {shown(v)} is too large to plot as a float") from None


def _check_plot_args(ax: Any = None, label: Any = None, **sizes: Any) -> None:
    """Edge checks shared by the plot functions (issue 11): axes, label, sizes."""
    if ax is not None and not callable(getattr(ax, "plot", None)):
        raise InvalidArgumentType(f"ax={shown(ax)} has type {type(ax).__name__}; expected a "
                                  "matplotlib Axes or None")
    if label is not None and not isinstance(label, str):
        raise InvalidArgumentType(f"label={shown(label)} has type {type(label).__name__}; "
                                  "expected str or None")
    for name, value in sizes.items():
        if as_float(value, name) < 0:
            raise InvalidArgument(f"{name}={value} must be >= 0")


def _piece_xy(p: Sequence[Fraction], u: Fraction, v: Fraction, factor: float,
              samples: int) -> tuple[list[float], list[float]]:
    if len(p) <= 2:
        return [_float(u), _float(v)], [_float(_peval(p, u)) * factor,
                                        _float(_peval(p, v)) * factor]
    import numpy as np

    xs = np.linspace(_float(u), _float(v), samples)
    coeffs = [_float(c) for c in reversed(p)]
    return xs.tolist(), (np.polyval(coeffs, xs) * factor).tolist()


def plot_function(f: Any, ax: Any = None, *, color: Any = None, label: str | None = None,
                  linewidth: float = 1.5, markersize: float = 5.0, samples: int = 65,
                  **line_kwargs: Any) -> Any:
    """Draw ``f`` exactly on ``ax`` (a new figure's axes when None); return the axes.

    Parameters
    ----------
    f : Piecewise, ScaledPiecewise or sympy expression in one variable
    ax : matplotlib Axes, optional
    color, label, linewidth, markersize :
        Passed to matplotlib; one colour for the pieces and their markers.
    samples : int
        Points per piece of degree >= 2 (linear pieces are drawn from their two ends).
    **line_kwargs :
        Further keyword arguments for the pieces' ``Line2D``.

    The artists carry the gids ``exactmtl-pieces`` (one line, NaN between pieces that do not
    join), ``exactmtl-closed`` (filled dots) and ``exactmtl-open`` (hollow circles).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from exactmtl import triangle
    >>> line = plot_function(triangle(1)).get_lines()[0]
    >>> line.get_xdata().tolist(), line.get_ydata().tolist()
    ([0.0, 0.5, 1.0], [0.0, 1.0, 0.0])
    """
    from exactmtl._validate import as_exact_int

    samples = as_exact_int(samples, "samples", minimum=2)
    _check_plot_args(ax, label, linewidth=linewidth, markersize=markersize)
    if color is not None:
        from matplotlib.colors import is_color_like

        if not is_color_like(color):
            raise InvalidArgument(f"color={shown(color)} is not a matplotlib colour")
    factor, g = _parts(f)
    scale = _float(factor)
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots()
    xs: list[float] = []
    ys: list[float] = []
    ks, ps = g.knots, g.polys
    for i, p in enumerate(ps):
        u, v = ks[i], ks[i + 1]
        px, py = _piece_xy(p, u, v, scale, samples)
        if xs:
            joined = _peval(ps[i - 1], u) == _peval(p, u)
            if joined:
                px, py = px[1:], py[1:]
            else:
                xs.append(float("nan"))
                ys.append(float("nan"))
        xs.extend(px)
        ys.extend(py)
    (line,) = ax.plot(xs, ys, color=color, label=label, linewidth=linewidth, gid="exactmtl-pieces",
                      **line_kwargs)
    colour = line.get_color()
    _markers(ax, closed_points(f), "exactmtl-closed", colour, markersize, hollow=False)
    _markers(ax, open_points(f), "exactmtl-open", colour, markersize, hollow=True)
    return ax


def _markers(ax: Any, points: Sequence[tuple[Any, Any]], gid: str, colour: Any,
             markersize: float, hollow: bool) -> None:
    """Dots in the pieces' colour, added without advancing the axes' colour cycle."""
    if not points:
        return
    import numpy as np
    from matplotlib.lines import Line2D

    face = "white" if hollow else colour
    xs = np.array([_float(t) for t, _ in points])
    ys = np.array([_float(y) for _, y in points])
    dots = Line2D(xs, ys,
                  linestyle="none", marker="o", markersize=markersize, color=colour,
                  markerfacecolor=face, markeredgecolor=colour, gid=gid, zorder=3)
    ax.add_line(dots)
    ax.autoscale_view()


def plot_family(functions: Iterable[Any], ax: Any = None, *,
                labels: Sequence[str] | None = None, offset: Any = 0, **kwargs: Any) -> Any:
    """Draw several functions on one axes (``offset``: exact vertical shift between them).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from exactmtl import walsh
    >>> len(plot_family([walsh(1), walsh(2)], labels=["w1", "w2"]).get_legend().texts)
    2
    """
    from exactmtl._validate import as_exact

    fs = as_list(functions, "functions", min_len=1, what="functions")
    _check_plot_args(ax)
    if labels is not None:
        labels = as_list(labels, "labels", what="labels")
        for lab in labels:
            _check_plot_args(label=lab)
    if labels is not None and len(labels) != len(fs):
        raise InvalidArgument(f"len(labels)={len(labels)} must equal len(functions)={len(fs)}")
    shift = as_exact(offset, "offset")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots()
    for i, f in enumerate(fs):
        g = as_piecewise(f, f"functions[{i}]")
        if shift:
            g = g + i * shift
        plot_function(g, ax, label=None if labels is None else labels[i], **kwargs)
    if labels is not None:
        ax.legend()
    return ax


def plot_features(sigmas: Iterable[Any], n: int, ax: Any = None, **kwargs: Any) -> Any:
    """The features ``h_sigma`` of depth ``n`` for several sign patterns (main construction §2.6).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_features([0, 5], n=2)
    >>> [t.get_text() for t in ax.get_legend().texts]
    ['sigma=0', 'sigma=5']
    """
    from exactmtl.construction import feature

    ss = as_list(sigmas, "sigmas", what="sign patterns")
    return plot_family([feature(s, n) for s in ss], ax, labels=[f"sigma={s}" for s in ss],
                       **kwargs)


def plot_heads(m: int, ks: Iterable[int], heads: str = "sawtooth-walsh", ax: Any = None,
               **kwargs: Any) -> Any:
    """The heads ``g_{m,k}`` (or ``pal_k`` with ``heads="walsh"``) for the indices ``ks``.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> len(plot_heads(2, [0, 1, 2, 3]).get_legend().texts)
    4
    """
    from exactmtl.construction import head

    kk = as_list(ks, "ks", what="indices")
    return plot_family([head(m, k, heads) for k in kk], ax, labels=[f"k={k}" for k in kk],
                       **kwargs)


def plot_outputs(sigma: Any, n: int, m: int | None = None, ks: Sequence[Any] | None = None,
                 heads: str = "sawtooth-walsh", ax: Any = None, **kwargs: Any) -> Any:
    """The task outputs ``F_{sigma,t}`` (main construction §2.8), one per index in ``ks``.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> len(plot_outputs(0b1011001, n=3, m=2, ks=[0, 1]).get_legend().texts)
    2
    """
    from exactmtl.construction import outputs

    fs = outputs(sigma, n, m, ks, heads)
    labels = [f"task {t}" for t in range(len(fs))]
    return plot_family(fs, ax, labels=labels, **kwargs)


def plot_network(net: Any, target: Any = None, ax: Any = None, *, domain: tuple[Any, Any] = (0, 1),
                 closed: bool = True, output: int | None = None, **kwargs: Any) -> Any:
    """A network's exact function, next to its ``target`` when given (dashed).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from exactmtl import telgarsky_network, triangle
    >>> ax = plot_network(telgarsky_network(2), triangle(2))
    >>> [t.get_text() for t in ax.get_legend().texts]
    ['network', 'target']
    """
    from exactmtl.networks import Network

    if not isinstance(net, Network):
        raise InvalidArgumentType(f"net={shown(net)} has type {type(net).__name__}; expected an "
                                  "exactmtl Network")
    _check_plot_args(ax)
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots()
    f = net.to_piecewise(domain, closed=closed, output=output)
    plot_function(f, ax, label="network", **kwargs)
    if target is not None:
        plot_function(target, ax, label="target", linestyle="--", **kwargs)
    ax.legend()
    return ax


def plot_code_length(curve: Any, ax: Any = None, *, eps_max: Any = None,
                     label: str | None = None, **kwargs: Any) -> Any:
    """The code length ``L(eps)`` as a step plot: each segment ``[start, stop)`` is closed on the
    left (filled dot) and open on the right (hollow circle).

    ``curve`` is the output of :func:`exactmtl.code_length_curve` (or a class of functions,
    whose curve is computed). The last segment runs to ``eps_max`` (default: a quarter beyond
    its start).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from exactmtl import Piecewise
    >>> ax = plot_code_length([Piecewise.constant(c) for c in range(4)])
    >>> ax.get_lines()[0].get_ydata().tolist()
    [2.0, 2.0, nan, 1.0, 1.0, nan, 0.0, 0.0]
    """
    from exactmtl._validate import as_exact
    from exactmtl.coding import CurveSegment, code_length_curve

    _check_plot_args(ax, label)
    segs = list(curve) if isinstance(curve, (tuple, list)) else None
    if not segs or not all(isinstance(s, CurveSegment) for s in segs):
        segs = list(code_length_curve(curve))
    last = segs[-1].start
    end = last + Fraction(1, 4) if eps_max is None else as_exact(eps_max, "eps_max")
    if end <= last:
        raise InvalidArgument(f"eps_max={end} must exceed the start {last} of the last segment")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots()
    xs: list[float] = []
    ys: list[float] = []
    for i, s in enumerate(segs):
        stop = end if s.stop is None else s.stop
        if i:
            xs.append(float("nan"))
            ys.append(float("nan"))
        xs += [_float(s.start), _float(stop)]
        ys += [_float(s.value), _float(s.value)]
    (line,) = ax.plot(xs, ys, label=label, gid="exactmtl-pieces", **kwargs)
    colour = line.get_color()
    size = line.get_markersize()
    _markers(ax, [(s.start, s.value) for s in segs], "exactmtl-closed", colour, size, False)
    _markers(ax, [(s.stop, s.value) for s in segs if s.stop is not None], "exactmtl-open",
             colour, size, True)
    ax.set_xlabel("eps")
    ax.set_ylabel("L(eps) [bits]")
    return ax
