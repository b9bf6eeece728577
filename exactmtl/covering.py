"""Exact minimax code length of finite classes in the sup norm: covering, packing, certificates.

For a finite class ``C`` of functions ``[0, 1) -> R^T`` and ``eps >= 0`` (main construction §3.1
--3.3):

* ``L(eps, C) = ceil(log2 N_ext(eps, C))`` with ``N_ext`` the covering number with arbitrary
  centres (``convention="N0"``: length 0 allowed; ``"N"``: at least one bit);
* in the sup norm a set fits in one closed eps-ball iff all its pairwise distances are
  ``<= 2 eps`` (the pointwise midpoint ``(max + min) / 2`` is a centre: the Helly/box property),
  so ``N_ext`` is the clique-cover number of the graph ``d <= 2 eps``, i.e. the chromatic number
  of the *far* graph ``d > 2 eps``; a packing (pairwise ``d > 2 eps``, a clique of the far
  graph) and a cover (a partition into cliques of the near graph) of equal size certify it.
  When the two differ, an exact DSATUR branch and bound with the clique as lower bound closes
  the gap (or :class:`~exactmtl.errors.UndecidedError` says it could not within the limit);
  the searches live in :mod:`exactmtl.colouring`.

Distances are exact. The fast path (every function piecewise linear) tabulates each function on
the union of all knots -- its point values, right limits and left limits -- as integers over a
common denominator: the sup of ``|f - g|`` over an open cell is the larger of the two end limits,
so ``d(f, g)`` is the max-norm distance of the two integer vectors (vector outputs: concatenated,
which is the norm ``max_t ||f_t - g_t||``). Quadratic pieces fall back to
:func:`~exactmtl.piecewise.sup_norm` of differences.

This module is generic (any finite class); the classes of the reference construction and their
separate / joint code lengths are in :mod:`exactmtl.construction_coding` (both re-exported by
:mod:`exactmtl.coding`).

>>> from fractions import Fraction as Fr
>>> from exactmtl import Piecewise
>>> fs = [Piecewise.on_grid(v) for v in ([0, 0], [0, 1], [1, 0], [1, 1])]
>>> code_length(fs, Fr(1, 4)), code_length(fs, Fr(1, 2)), code_length(fs, Fr(1, 2), "N")
(2, 0, 1)
>>> print(format_curve(code_length_curve(fs)))
[0,1/2): 2; >=1/2: 0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from exactmtl._validate import as_choice, as_exact, as_exact_int, as_list, check_budget, shown
from exactmtl.colouring import (
    INT64_SAFE,
    dsatur,
    exact_colouring,
    far_graph,
    max_clique,
    sat_available,
    sat_colouring,
)
from exactmtl.errors import InvalidArgument, InvalidArgumentType, UndecidedError
from exactmtl.piecewise import Piecewise, _peval, maximum, minimum, sup_norm
from exactmtl.sympy_io import as_piecewise

__all__ = [
    "CONVENTIONS",
    "CertificateCheck",
    "CodeLengthCertificate",
    "CurveSegment",
    "FiniteClass",
    "Sandwich",
    "bits_from_count",
    "code_length",
    "code_length_certificate",
    "code_length_curve",
    "covering_curve",
    "covering_number",
    "format_curve",
    "midpoint_centre",
    "packing_number",
    "sandwich",
    "sup_distance",
    "verify_cover",
    "verify_packing",
]

CONVENTIONS = ("N0", "N")
_ZERO = Fraction(0)
_INT64_SAFE = INT64_SAFE
DEFAULT_MAX_MEMBERS = 2048  # largest class searched with the full distance matrix
DEFAULT_NODE_LIMIT = 200_000  # branch-and-bound nodes per search
MATRIX_LIMIT = 8192  # largest class whose full distance matrix is ever built
BNB_FIRST_NODES = 5_000  # branch-and-bound nodes before the SAT solver (when installed) is tried


# --------------------------------------------------------------------------- arguments

def _check_eps(eps: Any, name: str = "eps") -> Fraction:
    e = as_exact(eps, name)
    if e < 0:
        raise InvalidArgument(f"{name}={e} is negative; expected an exact number >= 0")
    return e


def _check_convention(convention: Any) -> str:
    if not isinstance(convention, str):
        as_choice(convention, "convention", CONVENTIONS)  # raises the type error
    if convention not in CONVENTIONS:
        raise InvalidArgument(
            f"convention={shown(convention)} is not a code-length convention; expected 'N0' "
            "(length 0 allowed: one centre) or 'N' (at least one bit)")
    return convention


def bits_from_count(count: int, convention: str = "N0") -> int:
    """``ceil(log2 count)`` (``convention="N"``: at least 1), exactly, for ``count >= 1``.

    >>> [bits_from_count(c) for c in (1, 2, 3, 4, 5, 128)], bits_from_count(1, "N")
    ([0, 1, 2, 2, 3, 7], 1)
    """
    count = as_exact_int(count, "count", minimum=1)
    bits = (count - 1).bit_length()
    return max(bits, 1) if _check_convention(convention) == "N" else bits


# --------------------------------------------------------------------------- tabulation

def _components(f: Any, i: int) -> tuple[Piecewise, ...]:
    f = as_piecewise(f, f"functions[{i}]")
    if isinstance(f, (tuple, list)):
        f = type(f)(as_piecewise(g, f"functions[{i}][{t}]") for t, g in enumerate(f))
    if isinstance(f, Piecewise):
        return (f,)
    if isinstance(f, (tuple, list)) and f and all(isinstance(g, Piecewise) for g in f):
        return tuple(f)
    raise InvalidArgumentType(
        f"functions[{i}] has type {type(f).__name__}; expected a Piecewise or a tuple of "
        "Piecewise (one per task)")


def _split(functions: Iterable[Any]) -> list[tuple[Piecewise, ...]]:
    if isinstance(functions, (Piecewise, str, bytes)):
        raise InvalidArgumentType(
            "functions must be a sequence of Piecewise (or of tuples of Piecewise), not a "
            f"single {type(functions).__name__}")
    out = [_components(f, i) for i, f in enumerate(as_list(functions, "functions",
                                                           what="functions"))]
    if not out:
        raise InvalidArgument("functions is empty; expected at least one function")
    width = len(out[0])
    for i, comps in enumerate(out):
        if len(comps) != width:
            raise InvalidArgument(
                f"functions[{i}] has {len(comps)} outputs but functions[0] has {width}; "
                "every member of a class has the same number of outputs")
    for t in range(width):
        dom = out[0][t].domain
        for i, comps in enumerate(out):
            if comps[t].domain != dom:
                raise InvalidArgument(
                    f"functions[{i}] output {t} has domain [{comps[t].domain[0]}, "
                    f"{comps[t].domain[1]}] but functions[0] has [{dom[0]}, {dom[1]}]")
    return out


def _limits_on(f: Piecewise, grid: Sequence[Fraction]) -> list[Fraction]:
    """Per cell ``(grid[i], grid[i+1])``: value at grid[i], right limit there, left limit at
    grid[i+1] (the sup of an affine piece over the open cell is the larger end limit)."""
    ks, ps, vs = f.knots, f.polys, f.values
    out: list[Fraction] = []
    j = 0
    last = len(ps) - 1
    for i in range(len(grid) - 1):
        t, u = grid[i], grid[i + 1]
        while j < last and ks[j + 1] <= t:
            j += 1
        p = ps[j]
        out.append(vs[j] if ks[j] == t else _peval(p, t))
        out.append(_peval(p, t))
        out.append(_peval(p, u))
    return out


def _tabulate(members: list[tuple[Piecewise, ...]]) -> tuple[np.ndarray, int, list[np.ndarray]]:
    """Integer table (rows = members), common scale, and the column blocks (one per cell)."""
    width = len(members[0])
    grids = []
    for t in range(width):
        pts = set()
        for comps in members:
            pts.update(comps[t].knots)
        grids.append(sorted(pts))
    closed = [all(c[t].closed for c in members) for t in range(width)]
    rows: list[list[Fraction]] = []
    for comps in members:
        row: list[Fraction] = []
        for t, g in enumerate(comps):
            row.extend(_limits_on(g, grids[t]))
            if closed[t]:
                row.append(g.values[-1])
        rows.append(row)
    den = 1
    for row in rows:
        for v in row:
            if v.denominator != 1:
                den = math.lcm(den, v.denominator)
    ints = [[v.numerator * (den // v.denominator) for v in row] for row in rows]
    biggest = max((abs(v) for row in ints for v in row), default=0)
    dtype = np.int64 if biggest < _INT64_SAFE else object
    table = np.array(ints, dtype=dtype)
    blocks: list[np.ndarray] = []
    col = 0
    per_task = []
    for t in range(width):
        cells = len(grids[t]) - 1
        per_task.append((col, cells))
        col += 3 * cells + (1 if closed[t] else 0)
    cells_max = max(c for _, c in per_task)
    for i in range(cells_max):  # block i: cell i of every output (cells differ per output)
        cols = [start + 3 * i + r for start, cells in per_task if i < cells for r in range(3)]
        blocks.append(np.array(cols, dtype=np.int64))
    ends = [start + 3 * cells for (start, cells), c in zip(per_task, closed) if c]
    if ends:
        blocks.append(np.array(ends, dtype=np.int64))
    return table, den, blocks


def _general_distance(a: tuple[Piecewise, ...], b: tuple[Piecewise, ...]) -> Fraction:
    best = _ZERO
    for f, g in zip(a, b):
        d = sup_norm(f - g)
        if not isinstance(d, Fraction):
            raise InvalidArgument(
                "a sup distance is not rational (pieces of degree >= 3); the coding module "
                "takes functions with pieces of degree <= 2")
        best = max(best, d)
    return best


def sup_distance(f: Any, g: Any) -> Fraction:
    """The exact distance ``max_t sup_x |f_t(x) - g_t(x)|`` (scalar or tuple outputs).

    Computed with :func:`~exactmtl.piecewise.sup_norm` of the differences (the path that the
    certificates are re-checked with, independent of the integer tables).

    >>> from exactmtl import sawtooth, Piecewise
    >>> sup_distance(sawtooth(1), Piecewise.identity())        # a sup, not attained
    Fraction(1, 2)
    >>> sup_distance((sawtooth(0), sawtooth(1)), (sawtooth(0), sawtooth(0)))
    Fraction(1, 2)
    """
    a, b = _split([f, g])
    return _general_distance(a, b)


def _unique_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first index of each distinct row, in order of first appearance; inverse map)."""
    n = x.shape[0]
    if x.shape[1] == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(n, dtype=np.int64)
    if x.dtype == object:
        seen: dict[tuple, int] = {}
        firsts, inv = [], []
        for r, row in enumerate(x):
            key = tuple(row)
            if key not in seen:
                seen[key] = len(firsts)
                firsts.append(r)
            inv.append(seen[key])
        return np.array(firsts, dtype=np.int64), np.array(inv, dtype=np.int64)
    lo = x.min(axis=0)
    span = (x.max(axis=0) - lo + 1).astype(object)
    if math.prod(int(v) for v in span) < 1 << 62:  # exact mixed-radix key per row
        weights = np.cumprod([1, *(int(v) for v in span[:-1])]).astype(np.int64)
        keys = (x - lo) @ weights
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    else:
        first, inverse = _hashed_groups(x)
    inverse = inverse.reshape(-1)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return first[order], rank[inverse]


def _hashed_groups(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(rows, return_index=True, return_inverse=True)[1:]`` up to the numbering of
    the groups (sorted by a row hash instead of lexicographically), for a wide int64 table.

    Rows are grouped by a 64-bit hash (wrapping integer arithmetic); the grouping is then
    verified exactly (every row equals the first row of its group), and a collision falls back
    to sorting the rows themselves.
    """
    rows = np.ascontiguousarray(x)
    weights = _HASH_RNG_WEIGHTS[: rows.shape[1]] if rows.shape[1] <= _HASH_RNG_WEIGHTS.size \
        else np.random.default_rng(_HASH_SEED).integers(1, 1 << 62, rows.shape[1]) | 1
    with np.errstate(over="ignore"):
        keys = rows @ weights  # wraps modulo 2^64: a hash, verified below
        keys ^= keys >> 29
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if np.array_equal(rows, rows[first[inverse]]):
        return first, inverse
    keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse


_HASH_SEED = 20261203
_HASH_RNG_WEIGHTS = np.random.default_rng(_HASH_SEED).integers(1, 1 << 62, 4096) | 1


# --------------------------------------------------------------------------- the class

class FiniteClass:
    """A finite class of functions with its exact pairwise sup distances.

    Parameters
    ----------
    functions : sequence of Piecewise, or of tuples of Piecewise (vector outputs)
        Duplicates are removed (``members`` keeps the first copy, ``index`` maps each input to
        its member).

    Distances are stored as integers over the common denominator ``scale``; ``distance(i, j)``
    returns the exact Fraction. Build from an integer table with :meth:`from_table`.

    >>> from exactmtl import Piecewise
    >>> c = FiniteClass([Piecewise.on_grid([0, 1]), Piecewise.on_grid([1, 0]),
    ...                  Piecewise.on_grid([0, 1])])
    >>> c.size, c.index, c.distance(0, 1), c.diameter
    (2, (0, 1, 0), Fraction(1, 1), Fraction(1, 1))
    """

    def __init__(self, functions: Iterable[Any]) -> None:
        members = _split(functions)
        check_budget("members", len(members), "FiniteClass (class size)")
        if all(g.degree <= 1 for comps in members for g in comps):
            table, scale, blocks = _tabulate(members)
            self._init_table(table, scale, members, blocks)
            self.vector = len(members[0]) > 1
            return
        uniq: list[tuple[Piecewise, ...]] = []
        index = []
        seen: dict[tuple[Piecewise, ...], int] = {}
        for comps in members:
            if comps not in seen:
                seen[comps] = len(uniq)
                uniq.append(comps)
            index.append(seen[comps])
        n = len(uniq)
        pieces = max(g.pieces for comps in uniq for g in comps)
        check_budget("ops", n * n * pieces, "FiniteClass (pairwise distances of general functions)")
        fr = [[_ZERO] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                fr[i][j] = fr[j][i] = _general_distance(uniq[i], uniq[j])
        scale = 1
        for row in fr:
            for v in row:
                scale = math.lcm(scale, v.denominator)
        dist = np.array([[v.numerator * (scale // v.denominator) for v in row] for row in fr],
                        dtype=object)
        if all(abs(int(v)) < _INT64_SAFE for v in dist.flat):
            dist = dist.astype(np.int64)
        # canonical forms are unique, so distinct members are at positive distance
        self.table = None
        self.scale = scale
        self.blocks = None
        self._members = uniq
        self.labels = tuple(range(len(uniq)))
        self.index = tuple(index)
        self._dist = dist
        self.vector = len(members[0]) > 1

    # ----------------------------------------------------------------- construction
    def _init_table(self, table: np.ndarray, scale: int, members: list | None,
                    blocks: list[np.ndarray] | None, labels: Sequence[Any] | None = None) -> None:
        if table.ndim != 2:
            raise InvalidArgument(f"table has shape {table.shape}; expected (members, columns)")
        # drop columns that are constant over the class (they never separate two members)
        if table.shape[0] and table.shape[1]:
            varying = (table != table[:1]).any(axis=0)
            if not varying.all():
                keep = np.nonzero(varying)[0]
                old_to_new = -np.ones(table.shape[1], dtype=np.int64)
                old_to_new[keep] = np.arange(keep.size)
                table = table[:, keep]
                if blocks is not None:
                    blocks = [old_to_new[b][old_to_new[b] >= 0] for b in blocks]
                    blocks = [b for b in blocks if b.size]
        first, inverse = _unique_rows(table)
        uniq_rows = table[first]
        self.table = uniq_rows
        self.scale = int(scale)
        self.blocks = blocks
        self._members = [members[int(i)] for i in first] if members is not None else None
        src = labels if labels is not None else range(table.shape[0])
        src = list(src)
        self.labels = tuple(src[int(i)] for i in first)
        self.index = tuple(int(i) for i in inverse)
        self._dist = None

    @classmethod
    def from_table(cls, table: Any, scale: int = 1, *, labels: Sequence[Any] | None = None,
                   blocks: Sequence[Sequence[int]] | None = None) -> FiniteClass:
        """A class given by an integer table: row ``i`` is a member, distances are the
        max-norm distances of rows divided by ``scale``.

        Valid for piecewise-linear functions tabulated by their point values and one-sided
        limits on a common grid (e.g. :func:`class_table`). ``blocks`` (a partition of the
        columns, e.g. one block per cell) lets large classes be certified separated without
        the full distance matrix. ``labels`` name the rows (e.g. the sign patterns).

        >>> c = FiniteClass.from_table([[0, 0], [0, 2], [0, 2]], scale=4)
        >>> c.size, c.min_distance
        (2, Fraction(1, 2))
        """
        arr = np.asarray(table)
        if arr.dtype.kind not in "iuO":
            raise InvalidArgumentType(f"table has dtype {arr.dtype}; expected integers")
        if arr.dtype.kind in "iu":
            if arr.size and int(np.abs(arr).max()) >= _INT64_SAFE:
                arr = arr.astype(object)
            else:
                arr = arr.astype(np.int64)
        if arr.ndim != 2 or arr.shape[0] == 0:
            raise InvalidArgument(f"table has shape {arr.shape}; expected (members >= 1, columns)")
        scale = as_exact_int(scale, "scale", minimum=1)
        obj = cls.__new__(cls)
        blk = None if blocks is None else [np.asarray(b, dtype=np.int64) for b in blocks]
        obj._init_table(arr, scale, None, blk, labels)
        obj.vector = False
        return obj

    # ----------------------------------------------------------------- attributes
    @property
    def size(self) -> int:
        """The number of distinct members."""
        return len(self.labels)

    @property
    def members(self) -> list[Any]:
        """The distinct members (Piecewise, or tuples for vector classes)."""
        if self._members is None:
            raise InvalidArgument("this class was built from a table; it has no Piecewise "
                                  "members (use .labels)")
        return [m if self.vector else m[0] for m in self._members]

    def _dmatrix(self) -> np.ndarray:
        if self._dist is None:
            x = self.table
            n, d = x.shape
            if n > MATRIX_LIMIT:
                raise UndecidedError(
                    f"the class has {n} members; the full distance matrix is limited to "
                    f"{MATRIX_LIMIT} members (MATRIX_LIMIT)")
            out = np.zeros((n, n), dtype=x.dtype)
            if d:
                step = max(1, int(2_000_000 // max(1, n * d)))
                for i in range(0, n, step):
                    out[i:i + step] = np.abs(x[i:i + step, None, :] - x[None, :, :]).max(axis=2)
            self._dist = out
        return self._dist

    def distance_matrix(self) -> np.ndarray:
        """Pairwise distances times ``scale`` (integers; exact)."""
        return self._dmatrix()

    def distance(self, i: int, j: int) -> Fraction:
        """The exact distance between members ``i`` and ``j``."""
        i = as_exact_int(i, "i", minimum=0, maximum=self.size - 1)
        j = as_exact_int(j, "j", minimum=0, maximum=self.size - 1)
        if self._dist is None and self.table is not None:
            v = int(np.abs(self.table[i] - self.table[j]).max()) if self.table.shape[1] else 0
            return Fraction(v, self.scale)
        return Fraction(int(self._dmatrix()[i, j]), self.scale)

    def distances(self) -> tuple[Fraction, ...]:
        """The distinct nonzero pairwise distances, increasing (the thresholds ``2 eps``).

        >>> from exactmtl import Piecewise
        >>> FiniteClass([Piecewise.on_grid(v) for v in ([0, 0], [0, 1], [1, 1])]).distances()
        (Fraction(1, 1),)
        """
        d = self._dmatrix()
        vals = sorted({int(v) for v in d[np.triu_indices(self.size, 1)]})
        return tuple(Fraction(v, self.scale) for v in vals if v)

    @property
    def diameter(self) -> Fraction:
        """``max d(f, g)`` (``max`` over columns of column range: no distance matrix needed)."""
        if self.table is not None:
            if self.table.shape[1] == 0:
                return _ZERO
            rng = self.table.max(axis=0) - self.table.min(axis=0)
            return Fraction(int(rng.max()), self.scale)
        return Fraction(int(self._dmatrix().max()), self.scale)

    @property
    def min_distance(self) -> Fraction | None:
        """The least distance between distinct members (None for a one-member class)."""
        if self.size == 1:
            return None
        d = self._dmatrix()
        return Fraction(int(d[np.triu_indices(self.size, 1)].min()), self.scale)

    def separation_lower_bound(self, limit: int = 4096) -> Fraction | None:
        """A lower bound for :attr:`min_distance` from the column blocks, without all pairs.

        Two distinct members differ on some block, so their distance is at least the least
        distance between distinct rows *within one block*; the bound is the minimum of that
        over the blocks. None when there are no blocks or a block has more than ``limit``
        distinct rows.
        """
        if self.size == 1 or self.blocks is None or self.table is None:
            return None
        best = None
        for b in self.blocks:
            sub = self.table[:, b]
            uniq = sub[_unique_rows(sub)[0]]
            k = uniq.shape[0]
            if k <= 1:
                continue
            if k > limit:
                return None
            d = np.abs(uniq[:, None, :] - uniq[None, :, :]).max(axis=2)
            d = d[np.triu_indices(k, 1)].min()
            best = int(d) if best is None else min(best, int(d))
        return None if best is None else Fraction(best, self.scale)

    def group_cover(self, key: Callable[[Any], Any]) -> tuple[int, Fraction]:
        """A cover construction for large table classes: group the members by ``key(label)``.

        Returns ``(number of groups, radius)`` where ``radius`` is the largest half-diameter of
        a group: every group fits in one closed ball of that radius around its midpoint (Helly),
        so ``N_ext(radius) <= number of groups``. Vectorised; no distance matrix.

        >>> c = FiniteClass.from_table([[0], [1], [4], [5]], 8, labels=[0, 1, 2, 3])
        >>> c.group_cover(lambda label: label // 2)     # groups {0, 1/8} and {1/2, 5/8}
        (2, Fraction(1, 16))
        """
        if self.table is None:
            raise InvalidArgument("group_cover needs a table class (FiniteClass.from_table or "
                                  "piecewise-linear members)")
        keys = [key(label) for label in self.labels]
        codes = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        idx = np.array([codes[k] for k in keys], dtype=np.int64)
        if self.table.shape[1] == 0:
            return len(codes), _ZERO
        order = np.argsort(idx, kind="stable")
        starts = np.flatnonzero(np.r_[True, idx[order][1:] != idx[order][:-1]])
        rows = self.table[order]
        hi = np.maximum.reduceat(rows, starts, axis=0)
        lo = np.minimum.reduceat(rows, starts, axis=0)
        return len(codes), Fraction(int((hi - lo).max()), 2 * self.scale)

    def separation(self, labels: Iterable[Any]) -> Fraction | None:
        """A packing construction: the least distance between the members with these labels
        (None for fewer than two); they are a packing at every eps below half of it.

        >>> c = FiniteClass.from_table([[0, 0], [0, 2], [3, 0]], 4)
        >>> c.separation([0, 2]), c.separation([0, 1, 2])
        (Fraction(3, 4), Fraction(1, 2))
        """
        if self.table is None:
            raise InvalidArgument("separation needs a table class")
        where = {label: i for i, label in enumerate(self.labels)}
        try:
            rows = self.table[[where[label] for label in dict.fromkeys(labels)]]
        except KeyError as exc:
            raise InvalidArgument(f"label {exc.args[0]!r} is not a member's label") from None
        k = rows.shape[0]
        if k < 2:
            return None
        best = None
        step = max(1, int(2_000_000 // max(1, k * max(1, rows.shape[1]))))
        cols = np.arange(k)[None, :]
        for i in range(0, k, step):
            d = np.abs(rows[i:i + step, None, :] - rows[None, :, :]).max(axis=2)
            later = cols > (np.arange(d.shape[0])[:, None] + i)  # each pair once
            if later.any():
                cand = int(d[later].min())
                best = cand if best is None else min(best, cand)
        return Fraction(best, self.scale)

    def __repr__(self) -> str:
        return f"FiniteClass(<{self.size} members, scale {self.scale}>)"


def _as_class(functions: Any) -> FiniteClass:
    return functions if isinstance(functions, FiniteClass) else FiniteClass(functions)


# --------------------------------------------------------------------------- certificates

@dataclass(frozen=True)
class CodeLengthCertificate:
    """The exact code length of a finite class at ``eps`` with its certificate.

    ``cover`` partitions the members into groups of pairwise distance ``<= 2 eps`` (each fits
    in one eps-ball around its midpoint, :meth:`centre`); ``packing`` lists members with
    pairwise distance ``> 2 eps``. ``lower <= N_ext <= upper = len(cover)``; ``covering_number``
    is ``N_ext`` when ``lower == upper`` (None otherwise) and ``code_length`` is certified when
    ``ceil(log2 lower) == ceil(log2 upper)`` (its definition requires no more).
    ``method`` says how the lower bound was obtained: ``"one ball"`` (diameter <= 2 eps),
    ``"separated"`` (every distance > 2 eps), ``"packing = cover"`` or
    ``"exact colouring search"`` (the branch and bound exhausted every smaller colouring;
    then ``lower > len(packing)`` may hold).
    """

    eps: Fraction
    convention: str
    members: int
    lower: int
    upper: int
    covering_number: int | None
    code_length: int
    packing: tuple[int, ...]
    cover: tuple[tuple[int, ...], ...]
    method: str
    cls: FiniteClass = field(repr=False, compare=False)

    @property
    def certified(self) -> bool:
        """True when ``covering_number`` is exact."""
        return self.covering_number is not None

    def centre(self, i: int) -> Any:
        """The midpoint centre ``(max + min) / 2`` of ``cover[i]`` (Piecewise or tuple)."""
        i = as_exact_int(i, "i", minimum=0, maximum=len(self.cover) - 1)
        return midpoint_centre([self.cls.members[j] for j in self.cover[i]])

    def verify(self) -> CertificateCheck:
        """Re-check cover and packing with exact sup norms of differences (and centres)."""
        if self.cls._members is None:
            return _verify_table(self)
        fs = self.cls.members
        c = verify_cover(fs, self.cover, self.eps)
        if not c:
            return c
        p = verify_packing(fs, self.packing, self.eps)
        if not p:
            return p
        if len(self.packing) > self.lower or len(self.cover) != self.upper:
            return CertificateCheck(False, "the recorded bounds do not match the sets")
        return CertificateCheck(True, f"cover of {len(self.cover)} balls and packing of "
                                      f"{len(self.packing)} verified")


def _verify_table(cert: CodeLengthCertificate) -> CertificateCheck:
    cls = cert.cls
    thr = 2 * cert.eps
    covered = sorted(i for g in cert.cover for i in g)
    if covered != list(range(cls.size)):
        return CertificateCheck(False, "the cover is not a partition of the members")
    for g in cert.cover:
        rows = cls.table[list(g)]
        if rows.shape[1] and Fraction(int((rows.max(axis=0) - rows.min(axis=0)).max()),
                                      cls.scale) > thr:
            return CertificateCheck(False, f"the cover group {g[:8]} has diameter > 2 eps")
    for a_pos, a in enumerate(cert.packing):
        for b in cert.packing[a_pos + 1:]:
            if cls.distance(a, b) <= thr:
                return CertificateCheck(False, f"packing members {a}, {b} are within 2 eps")
    return CertificateCheck(True, "table cover and packing verified")


@dataclass(frozen=True)
class CertificateCheck:
    """The verdict of :func:`verify_cover` / :func:`verify_packing` (truthy when valid)."""

    ok: bool
    reason: str

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.reason


def midpoint_centre(functions: Sequence[Any]) -> Any:
    """The pointwise midpoint ``(max_i f_i + min_i f_i) / 2`` (per output for tuples).

    By the Helly/box property of the sup norm it is within ``diam / 2`` of every ``f_i``.

    >>> from exactmtl import Piecewise
    >>> c = midpoint_centre([Piecewise.identity(), Piecewise.constant(0)])
    >>> c(Fraction(1, 2))
    Fraction(1, 4)
    """
    members = _split(functions)
    out = []
    for t in range(len(members[0])):
        hi = lo = members[0][t]
        for comps in members[1:]:
            hi = maximum(hi, comps[t])
            lo = minimum(lo, comps[t])
        out.append((hi + lo) / 2)
    return out[0] if isinstance(functions[0], Piecewise) else tuple(out)


def verify_cover(functions: Sequence[Any], cover: Sequence[Sequence[int]],
                 eps: Any) -> CertificateCheck:
    """Check that ``cover`` partitions ``range(len(functions))`` into eps-balls.

    Each group must have pairwise distances ``<= 2 eps`` and its midpoint centre must be within
    ``eps`` of each member (exact sup norms; an independent re-check of a certificate).

    >>> from exactmtl import Piecewise
    >>> fs = [Piecewise.constant(c) for c in (0, 1, 3)]
    >>> bool(verify_cover(fs, [[0, 1], [2]], Fraction(1, 2)))
    True
    >>> print(verify_cover(fs, [[0, 1, 2]], Fraction(1, 2)))
    members 0 and 2 of one group are 3 apart > 2 eps = 1
    """
    e = _check_eps(eps)
    fs = list(functions)
    flat = sorted(int(i) for g in cover for i in g)
    if flat != list(range(len(fs))):
        return CertificateCheck(False, "the cover is not a partition of the members "
                                       f"(indices {flat[:12]}...)")
    for g in cover:
        g = [int(i) for i in g]
        for a_pos, a in enumerate(g):
            for b in g[a_pos + 1:]:
                d = sup_distance(fs[a], fs[b])
                if d > 2 * e:
                    return CertificateCheck(
                        False, f"members {a} and {b} of one group are {d} apart > 2 eps = {2 * e}")
        if len(g) > 1 and all(x.degree <= 1 for i in g for x in _components(fs[i], i)):
            c = midpoint_centre([fs[i] for i in g])
            for i in g:
                r = sup_distance(c, fs[i])
                if r > e:
                    return CertificateCheck(
                        False, f"the midpoint centre of group {g} is {r} > eps from member {i}")
    return CertificateCheck(True, f"{len(cover)} groups, each within one {e}-ball")


def verify_packing(functions: Sequence[Any], packing: Sequence[int],
                   eps: Any) -> CertificateCheck:
    """Check that the members ``packing`` are pairwise more than ``2 eps`` apart.

    >>> from exactmtl import Piecewise
    >>> fs = [Piecewise.constant(c) for c in (0, 1, 3)]
    >>> bool(verify_packing(fs, [0, 2], Fraction(1, 2))), bool(verify_packing(fs, [0, 1], 1))
    (True, False)
    """
    e = _check_eps(eps)
    fs = list(functions)
    idx = [int(i) for i in packing]
    if len(set(idx)) != len(idx) or any(not 0 <= i < len(fs) for i in idx):
        return CertificateCheck(False, f"packing={idx} repeats or leaves the index range")
    for a_pos, a in enumerate(idx):
        for b in idx[a_pos + 1:]:
            d = sup_distance(fs[a], fs[b])
            if d <= 2 * e:
                return CertificateCheck(False,
                                        f"members {a} and {b} are {d} <= 2 eps = {2 * e} apart")
    return CertificateCheck(True, f"{len(idx)} members pairwise > {2 * e} apart")


def count_range(bits: int, convention: str = "N0") -> tuple[int, int]:
    """The counts ``N`` with ``bits_from_count(N) == bits``: ``(least, largest)``.

    >>> count_range(7), count_range(0), count_range(1, "N")
    ((65, 128), (1, 1), (1, 2))
    """
    if bits == 0:
        return (1, 1)
    if convention == "N" and bits == 1:
        return (1, 2)
    return ((1 << (bits - 1)) + 1, 1 << bits)


def _certify(cls: FiniteClass, eps: Fraction, convention: str, node_limit: int,
             max_members: int, exact_count: bool = False) -> CodeLengthCertificate:
    n = cls.size
    thr = 2 * eps

    def make(lower: int, packing: Sequence[int], cover: Sequence[Sequence[int]],
             method: str) -> CodeLengthCertificate:
        upper = len(cover)
        exact = lower == upper
        lo_bits = bits_from_count(lower, convention)
        hi_bits = bits_from_count(upper, convention)
        if lo_bits != hi_bits:
            raise UndecidedError(
                f"code length at eps={eps} not decided within node_limit={node_limit}: "
                f"{lower} <= N_ext <= {upper}, so {lo_bits} <= L <= {hi_bits}")
        return CodeLengthCertificate(eps, convention, n, lower, upper, upper if exact else None,
                                     hi_bits, tuple(int(i) for i in packing),
                                     tuple(tuple(int(i) for i in g) for g in cover), method, cls)

    if n == 1 or cls.diameter <= thr:  # a packing of size 1 is any member
        return make(1, [0], [list(range(n))], "one ball")
    if cls._dist is None:
        sep = cls.separation_lower_bound()
        if sep is not None and sep > thr:
            return make(n, list(range(n)), [[i] for i in range(n)], "separated")
        if n > max_members:
            raise UndecidedError(
                f"the class has {n} members > max_members={max_members} and no cheap "
                f"certificate at eps={eps} (separation bound {sep}, diameter {cls.diameter})")
    dist = cls._dmatrix()
    far = far_graph(dist, thr, cls.scale)
    if all(a.bit_count() == n - 1 for a in far):
        return make(n, list(range(n)), [[i] for i in range(n)], "separated")
    colour = dsatur(far)
    k = max(colour) + 1
    # only ceil(log2 N) is asked for: stop every search once the bounds fix it
    bits_k = bits_from_count(k, convention)
    need = k if exact_count else count_range(bits_k, convention)[0]
    clique, _ = max_clique(far, node_limit, target=need)
    if not clique:  # the search stopped at once: one member is always a packing
        clique = [0]
    lower = len(clique)
    method = "packing = cover" if lower == k else "packing and cover fix the code length"
    if bits_from_count(lower, convention) != bits_k or (exact_count and lower < k):
        goal = None if exact_count else count_range(bits_from_count(lower, convention),
                                                    convention)[1]
        budget = node_limit if exact_count or not sat_available() else min(node_limit,
                                                                             BNB_FIRST_NODES)
        colour, finished = exact_colouring(far, clique, colour, budget, goal)
        k = max(colour) + 1
        if finished and k > max(lower, goal or 0):
            lower, method = k, "exact colouring search"
        elif k == lower:
            method = "packing = cover"
        elif goal is not None and k > goal and not finished and sat_available():
            # the hand-written search stalled: a SAT solver looks for a goal-size cover
            found = sat_colouring(far, goal, clique)
            if found is not None:
                colour, k = found, max(found) + 1
                method = "packing and SAT cover (python-sat) fix the code length"
    groups: list[list[int]] = [[] for _ in range(k)]
    for v, c in enumerate(colour):
        groups[c].append(v)
    return make(lower, clique, groups, method)


def code_length_certificate(functions: Any, eps: Any, convention: str = "N0", *,
                            node_limit: int = DEFAULT_NODE_LIMIT,
                            max_members: int = DEFAULT_MAX_MEMBERS) -> CodeLengthCertificate:
    """The exact minimax code length at ``eps`` with a packing and a cover (§3.1).

    Parameters
    ----------
    functions : sequence of Piecewise or of tuples of Piecewise, or a :class:`FiniteClass`
    eps : exact number >= 0
    convention : {"N0", "N"}
        ``"N0"``: ``L = ceil(log2 N_ext)`` (0 when one centre suffices); ``"N"``: at least 1.
    node_limit : int
        Branch-and-bound nodes per search; past it :class:`UndecidedError` unless the bounds
        already fix ``L``.
    max_members : int
        Largest class for which the full distance matrix is built.

    >>> from exactmtl import Piecewise
    >>> fs = [Piecewise.constant(c) for c in (0, 1, 2, 3)]
    >>> cert = code_length_certificate(fs, Fraction(1, 2))
    >>> cert.code_length, cert.covering_number, cert.packing, cert.cover, cert.method
    (1, 2, (0, 2), ((0, 1), (2, 3)), 'packing = cover')
    >>> cert.centre(1)(0), bool(cert.verify())
    (Fraction(5, 2), True)
    """
    e = _check_eps(eps)
    conv = _check_convention(convention)
    limit = as_exact_int(node_limit, "node_limit", minimum=1)
    most = as_exact_int(max_members, "max_members", minimum=1)
    return _certify(_as_class(functions), e, conv, limit, most)


def code_length(functions: Any, eps: Any, convention: str = "N0", *,
                node_limit: int = DEFAULT_NODE_LIMIT,
                max_members: int = DEFAULT_MAX_MEMBERS) -> int:
    """The exact minimax code length ``L(eps, C) = ceil(log2 N_ext(eps, C))`` (§3.1).

    See :func:`code_length_certificate` for the certificate and the parameters.

    >>> from exactmtl import Piecewise
    >>> code_length([Piecewise.constant(c) for c in range(5)], Fraction(1, 2))
    2
    >>> code_length([Piecewise.constant(0)], 0), code_length([Piecewise.constant(0)], 0, "N")
    (0, 1)
    """
    return code_length_certificate(functions, eps, convention, node_limit=node_limit,
                                   max_members=max_members).code_length


def covering_number(functions: Any, eps: Any, *, node_limit: int = DEFAULT_NODE_LIMIT) -> int:
    """``N_ext(eps, C)``: the least number of closed eps-balls (any centres) covering ``C``.

    Raises :class:`UndecidedError` when the search cannot close the gap within the limit.

    >>> from exactmtl import Piecewise
    >>> covering_number([Piecewise.constant(c) for c in range(5)], Fraction(1, 2))
    3
    """
    e = _check_eps(eps)
    cls = _as_class(functions)
    cert = _certify(cls, e, "N0", as_exact_int(node_limit, "node_limit", minimum=1),
                    DEFAULT_MAX_MEMBERS, exact_count=True)
    if cert.covering_number is None:
        raise UndecidedError(f"N_ext at eps={e} is between {cert.lower} and {cert.upper}")
    return cert.covering_number


def packing_number(functions: Any, delta: Any, *, node_limit: int = DEFAULT_NODE_LIMIT) -> int:
    """``M(delta, C)``: the largest subset with pairwise distances ``> delta``.

    ``M(2 eps) <= N_ext(eps) <= M(eps)`` (§3.1).

    >>> from exactmtl import Piecewise
    >>> packing_number([Piecewise.constant(c) for c in range(5)], 1)
    3
    """
    d = _check_eps(delta, "delta")
    cls = _as_class(functions)
    if cls.size == 1:
        return 1
    far = far_graph(cls._dmatrix(), d, cls.scale)
    clique, exact = max_clique(far, as_exact_int(node_limit, "node_limit", minimum=1))
    if not exact:
        raise UndecidedError(f"maximum clique search at delta={d} exceeded node_limit; "
                             f"M >= {len(clique)}")
    return max(1, len(clique))


# --------------------------------------------------------------------------- curves

@dataclass(frozen=True)
class CurveSegment:
    """``value`` for ``start <= eps < stop`` (``stop`` None: up to infinity)."""

    start: Fraction
    stop: Fraction | None
    value: int

    def __contains__(self, eps: Any) -> bool:
        e = as_exact(eps, "eps")
        return self.start <= e and (self.stop is None or e < self.stop)

    def __str__(self) -> str:
        if self.stop is None:
            return f">={self.start}: {self.value}"
        return f"[{self.start},{self.stop}): {self.value}"


def format_curve(curve: Iterable[CurveSegment]) -> str:
    """``"[0,1/16): 7; [1/16,3/16): 3; ...; >=7/16: 0"`` (the main construction §3.7 notation)."""
    return "; ".join(str(s) for s in curve)


def covering_curve(functions: Any, *, node_limit: int = DEFAULT_NODE_LIMIT,
                   max_members: int = DEFAULT_MAX_MEMBERS) -> tuple[CurveSegment, ...]:
    """``N_ext(eps)`` for every ``eps >= 0`` as constant segments, each certified.

    The breakpoints are half the distinct pairwise distances (``N_ext`` is right-continuous:
    at ``eps = d / 2`` the pair at distance ``d`` fits in one ball). Monotonicity is used:
    when the certified values at two thresholds agree, every threshold between has that value.

    >>> from exactmtl import Piecewise
    >>> print(format_curve(covering_curve([Piecewise.constant(c) for c in range(4)])))
    [0,1/2): 4; [1/2,1): 2; [1,3/2): 2; >=3/2: 1
    """
    cls = _as_class(functions)
    limit = as_exact_int(node_limit, "node_limit", minimum=1)
    most = as_exact_int(max_members, "max_members", minimum=1)
    if cls.size > most:
        raise UndecidedError(f"the curve needs every pairwise distance: the class has "
                             f"{cls.size} members > max_members={most}")
    starts = [_ZERO, *(d / 2 for d in cls.distances())]
    values: dict[int, int] = {}

    def value(i: int) -> int:
        if i not in values:
            cert = _certify(cls, starts[i], "N0", limit, most, exact_count=True)
            if cert.covering_number is None:
                raise UndecidedError(f"N_ext at eps={starts[i]} is between {cert.lower} and "
                                     f"{cert.upper}")
            values[i] = cert.covering_number
        return values[i]

    def fill(lo: int, hi: int) -> None:  # values known at lo and hi
        if hi - lo <= 1:
            return
        if value(lo) == value(hi):
            for i in range(lo + 1, hi):
                values[i] = values[lo]
            return
        mid = (lo + hi) // 2
        value(mid)
        fill(lo, mid)
        fill(mid, hi)

    last = len(starts) - 1
    value(0)
    value(last)
    fill(0, last)
    return tuple(CurveSegment(starts[i], starts[i + 1] if i < last else None, values[i])
                 for i in range(len(starts)))


def code_length_curve(functions: Any, convention: str = "N0", *,
                      node_limit: int = DEFAULT_NODE_LIMIT,
                      max_members: int = DEFAULT_MAX_MEMBERS) -> tuple[CurveSegment, ...]:
    """``L(eps)`` for every ``eps >= 0``: maximal segments of constant code length.

    >>> from exactmtl import Piecewise
    >>> print(format_curve(code_length_curve([Piecewise.constant(c) for c in range(4)])))
    [0,1/2): 2; [1/2,3/2): 1; >=3/2: 0
    """
    conv = _check_convention(convention)
    out: list[CurveSegment] = []
    for seg in covering_curve(functions, node_limit=node_limit, max_members=max_members):
        bits = bits_from_count(seg.value, conv)
        if out and out[-1].value == bits:
            out[-1] = CurveSegment(out[-1].start, seg.stop, bits)
        else:
            out.append(CurveSegment(seg.start, seg.stop, bits))
    return tuple(out)


# --------------------------------------------------------------------------- sandwich

@dataclass(frozen=True)
class Sandwich:
    """``max_t L_t <= L_joint <= L_sep = sum_t L_t <= T L_joint`` (§3.2); truthy if it holds.

    >>> s = Sandwich.from_values([4, 5, 6, 6], 7)
    >>> bool(s), s.separate, s.ratio
    (True, 21, Fraction(3, 1))
    >>> print(Sandwich.from_values([2, 5], 4))
    violated: L_joint=4 < max_t L_t=5
    """

    per_task: tuple[int, ...]
    joint: int
    violations: tuple[str, ...]

    @classmethod
    def from_values(cls, per_task: Sequence[int], joint: int) -> Sandwich:
        """Check the sandwich for given code lengths."""
        lt = tuple(as_exact_int(v, f"per_task[{i}]", minimum=0) for i, v in enumerate(per_task))
        if not lt:
            raise InvalidArgument("per_task is empty; expected one code length per task")
        lj = as_exact_int(joint, "joint", minimum=0)
        sep = sum(lt)
        bad = []
        if lj < max(lt):
            bad.append(f"L_joint={lj} < max_t L_t={max(lt)}")
        if sep < lj:
            bad.append(f"L_sep={sep} < L_joint={lj}")
        if sep > len(lt) * lj:
            bad.append(f"L_sep={sep} > T L_joint={len(lt) * lj}")
        return cls(lt, lj, tuple(bad))

    @property
    def separate(self) -> int:
        return sum(self.per_task)

    @property
    def ratio(self) -> Fraction | None:
        """``L_sep / L_joint`` (None when ``L_joint = 0``)."""
        return Fraction(self.separate, self.joint) if self.joint else None

    @property
    def holds(self) -> bool:
        return not self.violations

    def __bool__(self) -> bool:
        return self.holds

    def __str__(self) -> str:
        if self.holds:
            return (f"holds: max_t L_t={max(self.per_task)} <= L_joint={self.joint} <= "
                    f"L_sep={self.separate} <= T L_joint={len(self.per_task) * self.joint}")
        return "violated: " + "; ".join(self.violations)


def sandwich(functions: Any, eps: Any, convention: str = "N0", *,
             node_limit: int = DEFAULT_NODE_LIMIT) -> Sandwich:
    """Code lengths of the marginals and of the joint class of a vector class, and the sandwich.

    >>> from exactmtl import Piecewise
    >>> c = [(Piecewise.constant(a), Piecewise.constant(b)) for a in (0, 1) for b in (0, 1)]
    >>> s = sandwich(c, 0)
    >>> s.per_task, s.joint, bool(s)
    ((1, 1), 2, True)
    """
    e = _check_eps(eps)
    members = _split(functions)
    width = len(members[0])
    per = [code_length([m[t] for m in members], e, convention, node_limit=node_limit)
           for t in range(width)]
    joint = code_length([m if width > 1 else m[0] for m in members], e, convention,
                        node_limit=node_limit)
    return Sandwich.from_values(per, joint)
