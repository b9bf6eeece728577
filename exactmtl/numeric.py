"""The numeric path: vectorised **float** evaluation for plots and simulations.

Nothing here is exact and nothing in the exact core imports it; results are numpy float64
arrays, named as such.
"""

from __future__ import annotations

from fractions import Fraction  # noqa: F401 - used by the examples
from typing import Any

import numpy as np

from exactmtl.sympy_io import as_piecewise

__all__ = ["evaluate_float", "sample_float"]


def evaluate_float(f: Any, xs: Any) -> np.ndarray:
    """Evaluate a Piecewise at float points (numeric path, float64).

    >>> from fractions import Fraction
    >>> from exactmtl.piecewise import Piecewise
    >>> evaluate_float(Piecewise.identity(), [0.5]).tolist()
    [0.5]
    """
    f = as_piecewise(f, "f")
    factor = getattr(f, "factor", None)
    if factor is not None:  # a ScaledPiecewise: its exact factor, rounded once
        return evaluate_float(f.base, xs) * float(factor)  # float ok: numeric path
    x = np.asarray(xs, dtype=np.float64)
    knots = np.array([float(t) for t in f.knots])  # float ok: numeric path
    idx = np.clip(np.searchsorted(knots, x, side="right") - 1, 0, len(f.polys) - 1)
    out = np.zeros_like(x)
    deg = max(len(p) for p in f.polys)
    coeffs = np.zeros((len(f.polys), max(deg, 1)))
    for i, p in enumerate(f.polys):
        for k, c in enumerate(p):
            coeffs[i, k] = float(c)  # float ok: numeric path
    for k in range(coeffs.shape[1] - 1, -1, -1):
        out = out * x + coeffs[idx, k]
    at_knot = np.isin(x, knots[:-1])
    if at_knot.any():
        vals = np.array([float(v) for v in f.values[: len(f.polys)]])  # float ok: numeric path
        out[at_knot] = vals[np.searchsorted(knots, x[at_knot])]
    return out


def sample_float(f: Any, num: int = 1025) -> tuple[np.ndarray, np.ndarray]:
    """(xs, f(xs)) on a uniform float grid over the domain, for plotting (numeric path).

    >>> from exactmtl.piecewise import Piecewise
    >>> xs, ys = sample_float(Piecewise.step([Fraction(1, 2)], [1, -1]), num=4)
    >>> xs.tolist(), ys.tolist()
    ([0.0, 0.25, 0.5, 0.75], [1.0, 1.0, -1.0, -1.0])
    """
    f = as_piecewise(f, "f")
    a, b = (float(t) for t in f.domain)  # float ok: numeric path
    xs = np.linspace(a, b, num, endpoint=bool(getattr(f, "closed", False)))
    return xs, evaluate_float(f, xs)
