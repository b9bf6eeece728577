"""The classes of the reference construction as exact integer tables (every sigma, ``n <= 4``).

:func:`output_table` tabulates every task output ``F_{sigma,t} = g_{m,k_t} o h_sigma`` on the
level-``n`` cells (left value and right limit) from the digit-flip form of ``h_sigma`` and the
cellwise formulas of main construction §2.8; :func:`feature_class` is ``H_n``. Used by
:mod:`exactmtl.construction_coding` and :mod:`exactmtl.construction_certify`.

>>> output_table(3, 2, [0, 1, 2, 3]).values.shape
(128, 4, 8, 2)
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from exactmtl._validate import as_exact_int, check_level
from exactmtl.construction import _check_family
from exactmtl.covering import FiniteClass
from exactmtl.errors import InvalidArgument
from exactmtl.piecewise import Piecewise

__all__ = ["MAX_BRUTE_DEPTH", "OutputTable", "feature_class", "output_table"]

MAX_BRUTE_DEPTH = 4  # every sign pattern: 2**(2**n - 1) rows (32768 at n = 4)


def _check_instance(n: Any, m: Any, ks: Any, heads: Any) -> tuple[int, int, tuple[int, ...], str]:
    """Validate ``(n, m, ks, heads)`` of a class to code (``n >= 1``): the construction's own
    checks, so both modules accept and refuse the same families with the same messages."""
    check_level(n, "n", minimum=1)
    return _check_family(n, m, ks, heads)


def _images(n: int, level: int) -> np.ndarray:
    """``images[sigma, c]``: the level-``level`` cell that ``h_sigma`` maps cell ``c`` onto.

    Cached and read-only (every table of depth ``n`` starts from it).
    """
    if n > MAX_BRUTE_DEPTH:
        raise InvalidArgument(f"n={n} has 2**{(1 << n) - 1} sign patterns; enumeration is "
                              f"limited to n <= {MAX_BRUTE_DEPTH}")
    return _images_cached(n, level)


@functools.lru_cache(maxsize=16)
def _images_cached(n: int, level: int) -> np.ndarray:
    sig = np.arange(1 << ((1 << n) - 1), dtype=np.int64)[:, None]
    cells = np.arange(1 << level, dtype=np.int64)[None, :]
    img = np.broadcast_to(cells, (sig.shape[0], cells.shape[1])).copy()
    for j in range(n):  # node (j, k) at bit 2**j - 1 + k swaps the halves of I_{j,k}
        node = (1 << j) - 1 + (cells >> (level - j))
        img ^= ((sig >> node) & 1) << (level - 1 - j)
    img.flags.writeable = False
    return img


def feature_class(n: int) -> FiniteClass:
    """The feature class ``H_n = {h_sigma}`` as a :class:`FiniteClass` (rows: translations).

    Row ``sigma`` holds ``tau_sigma(c) 2^n`` with ``h_sigma(x) = x + tau_sigma(c)`` on the
    level-``n`` cell ``c`` (digit-flip form, §2.6); distances are ``max_c |tau - tau'|``.
    ``labels`` are the bitmasks ``sigma`` (node ``(j, k)`` at bit ``2**j - 1 + k``).

    >>> h = feature_class(2)
    >>> h.size, h.min_distance, h.diameter
    (8, Fraction(1, 4), Fraction(3, 4))
    """
    n = check_level(n, "n", minimum=1)
    img = _images(n, n)
    tau = img - np.arange(1 << n, dtype=np.int64)[None, :]
    blocks = [[c] for c in range(1 << n)]
    return FiniteClass.from_table(tau, 1 << n, labels=range(tau.shape[0]), blocks=blocks)


@dataclass(frozen=True)
class OutputTable:
    """Exact cell tables of the task outputs ``F_{sigma,t} = g_{m,k_t} o h_sigma`` for every sigma.

    ``values[sigma, t, c, :]`` is the output on the level-``n`` cell ``c`` times ``scale``: the
    value at the
    left end and the limit at the right end (Sawtooth-Walsh: affine on each cell, slope
    ``±2^(m+1)``), or the one value (Walsh: constant). Built from the digit-flip form of
    ``h_sigma`` and the cellwise formulas of §2.8; :meth:`piecewise` rebuilds one output as
    a :class:`~exactmtl.piecewise.Piecewise` so that it can be compared with
    :func:`exactmtl.construction.outputs`.

    >>> tab = output_table(2, 1, [0, 1])
    >>> tab.values.shape, tab.scale
    ((8, 2, 4, 2), 2)
    >>> tab.joint().size, [tab.marginal(t).size for t in range(2)]
    (8, [4, 8])
    """

    n: int
    m: int
    ks: tuple[int, ...]
    heads: str
    level: int
    scale: int
    values: np.ndarray = field(repr=False)

    def _blocked(self, arr: np.ndarray) -> FiniteClass:
        rows = arr.reshape(arr.shape[0], -1)
        cols = arr.shape[-1]
        tasks = arr.shape[1]
        cells = arr.shape[2]
        # column index of (t, c, r) is (t * cells + c) * cols + r; block = one level-n cell
        per = 1 << (self.level - self.n)
        blocks = []
        for big in range(1 << self.n):
            blocks.append([(t * cells + c) * cols + r for t in range(tasks)
                           for c in range(big * per, (big + 1) * per) for r in range(cols)])
        return FiniteClass.from_table(rows, self.scale, labels=range(rows.shape[0]),
                                      blocks=blocks)

    def marginal(self, t: int) -> FiniteClass:
        """The class of task ``t``: ``{g_{m,k_t} o h_sigma : sigma}``."""
        t = as_exact_int(t, "t", minimum=0, maximum=len(self.ks) - 1)
        return self._blocked(self.values[:, t:t + 1])

    def joint(self) -> FiniteClass:
        """The joint class ``{(F_{sigma,1}, ..., F_{sigma,T}) : sigma}`` (max-over-t norm)."""
        return self._blocked(self.values)

    def piecewise(self, sigma: int, t: int) -> Piecewise:
        """``F_{sigma,t}`` as an exact Piecewise rebuilt from the table."""
        sigma = as_exact_int(sigma, "sigma", minimum=0, maximum=self.values.shape[0] - 1)
        t = as_exact_int(t, "t", minimum=0, maximum=len(self.ks) - 1)
        row = self.values[sigma, t]
        size = 1 << self.level
        knots = [Fraction(c, size) for c in range(size + 1)]
        polys = []
        for c in range(size):
            left = Fraction(int(row[c, 0]), self.scale)
            right = Fraction(int(row[c, -1]), self.scale)
            slope = (right - left) * size
            polys.append((left - slope * knots[c], slope))
        return Piecewise._linear_trusted(tuple(knots), tuple(_trim_poly(p) for p in polys),
                                         False)


def _trim_poly(p: tuple[Fraction, Fraction]) -> tuple[Fraction, ...]:
    return p if p[1] else ((p[0],) if p[0] else ())


def output_table(n: int, m: int | None, ks: Sequence[int],
                 heads: str = "sawtooth-walsh") -> OutputTable:
    """All task outputs of the construction as integer cell tables (every sigma, ``n <= 4``).

    >>> output_table(3, 2, [0, 1, 2, 3]).values.shape
    (128, 4, 8, 2)
    """
    n, m, ks, heads = _check_instance(n, m, ks, heads)
    return _output_table(n, m, ks, heads, np.int64)


def _output_table(n: int, m: int, ks: tuple[int, ...], heads: str, dtype: Any) -> OutputTable:
    """:func:`output_table` of a validated family, its values in ``dtype`` (int8 holds every
    entry, ``|v| <= 2^(n - m) + 2 <= 18``: the internal searches use a table an eighth the
    size)."""
    level = n  # m <= n: the heads are affine (Walsh: constant) on the level-n cells
    img = _images(n, n)
    # everything depends on sigma only through the image cell c' = img[sigma, c]: tabulate the
    # 2^level values of each output once and gather (one integer lookup per entry)
    cells = np.arange(1 << level, dtype=np.int64)
    signs = []
    for k in ks:  # pal_k(y) = (-1)^(sum_i k_i y_{i+1}); digit i+1 of cell c' is bit level-1-i
        par = np.zeros_like(cells)
        for i in range(k.bit_length()):
            if k >> i & 1:
                par ^= (cells >> (level - 1 - i)) & 1
        signs.append(1 - 2 * par)
    if heads == "walsh":
        lut = np.stack(signs)[:, :, None]  # (t, c', 1)
        scale = 1
    else:
        half = 1 << (n - m)  # units of 2^(m - n): 2 S_m - 1 runs from 2r - half to 2r - half + 2
        left = 2 * (cells & (half - 1)) - half
        lut = np.stack([np.stack([s_ * left, s_ * (left + 2)], axis=-1) for s_ in signs])
        scale = half
    lut = lut.astype(dtype)
    vals = np.empty((img.shape[0], len(ks), img.shape[1], lut.shape[-1]), dtype=dtype)
    for t in range(len(ks)):
        vals[:, t] = lut[t][img]
    return OutputTable(n, m, ks, heads, level, scale, vals)
