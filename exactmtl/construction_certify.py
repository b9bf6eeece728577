"""Certified code lengths of the construction's classes at depth ``n <= 4``, for every eps.

A class ``C = {F_sigma}`` (one task, or the joint outputs) of the reference construction is one
orbit of the feature group: ``F_sigma o h_tau = F_{sigma o tau}`` and composing with the
bijection ``h_tau`` of ``[0, 1)`` is an isometry of the sup norm (§2.6). The subgroup
``Gamma_q`` of the ``tau`` that are trivial on the levels ``< q`` has as orbits the sets of
``sigma`` sharing their levels ``< q`` (``h_sigma o h_tau`` keeps the first ``q`` digits of
``h_sigma``). Three facts make the search small:

* **cover from orbits.** When every ``Gamma_q``-orbit has diameter ``<= 2 eps`` (cells
  decouple: the deep levels only move each output inside its own level-``q`` cell), a set of
  orbits is a cluster iff every *pair* of them is (the sup distance is a max over pairs, and
  a pair of orbits is read off their column envelopes ``max`` / ``min``). The cover is a
  colouring of the quotient far graph, at most ``2^(2^q - 1)`` vertices (128 at ``q = 3``).
* **packing from canonical completions.** Members whose levels ``>= q`` are all zero, or copy
  the level-``q - 1`` bit (the copy packing of Theorem H), give at most 128 candidates; a
  clique of their far graph is a packing of ``C``.
* **only ``ceil(log2 N)`` matters.** Every search stops once
  ``ceil(log2 packing) == ceil(log2 cover)``.

Below ``delta_min / 2`` the class is separated (checked per level-``n`` cell, no pairs); at and
above half the diameter one ball covers it. The result is a :class:`ConstructionCertificate`
whose :meth:`~ConstructionCertificate.to_json` is re-checked by the independent checker
:func:`exactmtl.coding_check.check_certificate` (which recomputes every output from ``sigma``).

>>> from fractions import Fraction
>>> c = certify_class(4, 2, [0, 1, 2, 3], None, Fraction(1, 4))
>>> c.code_length, c.cover_size, c.packing_size, c.method
(7, 128, 128, 'orbit cover (q=3) = packing (zero completions, q=3)')
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from exactmtl._validate import shown
from exactmtl.colouring import dsatur, exact_colouring, max_clique
from exactmtl.construction_tables import MAX_BRUTE_DEPTH, _check_instance, _output_table
from exactmtl.covering import (
    _check_convention,
    _check_eps,
    _unique_rows,
    bits_from_count,
    count_range,
)
from exactmtl.errors import InvalidArgument, UndecidedError

__all__ = ["ClassSolver", "ConstructionCertificate", "certify_class", "class_rows",
           "curve_thresholds", "solver"]

QUOTIENT_LIMIT = 4096  # largest quotient / candidate set searched
NODE_LIMIT = 200_000


def class_rows(n: int, m: int | None, ks: Any, task: int | None,
               heads: str = "sawtooth-walsh") -> tuple[np.ndarray, int]:
    """Integer cell tables of every ``F_sigma`` (row ``sigma``) of one task or the joint class.

    Row ``sigma`` lists, per task and level-``n`` cell, the left value and the right limit times
    ``scale``; the sup distance is the max-norm distance of rows over ``scale``.

    >>> rows, scale = class_rows(2, 1, [0, 1], None)
    >>> rows.shape, scale
    ((8, 16), 2)
    """
    return _class_rows(n, m, ks, task, heads, np.int64)


def _class_rows(n: Any, m: Any, ks: Any, task: Any, heads: Any, dtype: Any
                ) -> tuple[np.ndarray, int]:
    """:func:`class_rows` with the table in ``dtype`` (int8 for the solvers)."""
    n, m, ks, heads = _check_instance(n, m, ks, heads)
    if n > MAX_BRUTE_DEPTH:
        raise InvalidArgument(f"n={n} has 2**{(1 << n) - 1} sign patterns; the certified "
                              f"classes need n <= {MAX_BRUTE_DEPTH}")
    if task is not None:
        if not isinstance(task, int) or isinstance(task, bool) or not 0 <= task < len(ks):
            raise InvalidArgument(f"task={shown(task)} is not a task index; expected None (joint) "
                                  f"or an int in [0, {len(ks) - 1}]")
        ks = (ks[task],)  # an output depends on its own k only: tabulate that task alone
    tab = _output_table(n, m, ks, heads, dtype)
    vals = tab.values
    if vals.shape[-1] == 1:  # Walsh heads: constant per cell; left value = right limit
        vals = np.repeat(vals, 2, axis=-1)
    return np.ascontiguousarray(vals.reshape(vals.shape[0], -1)), tab.scale


@dataclass(frozen=True)
class ConstructionCertificate:
    """``ceil(log2 N_ext(eps, C))`` for a class of the construction, with cover and packing.

    ``labels[sigma]`` is the cluster of ``F_sigma`` (a partition of every sign pattern into
    ``cover_size`` sets of diameter ``<= 2 eps``); ``packing`` lists sign patterns pairwise
    ``> 2 eps`` apart. ``code_length = bits(cover_size) = bits(packing_size)``.
    """

    n: int
    m: int
    ks: tuple[int, ...]
    heads: str
    task: int | None
    eps: Fraction
    convention: str
    code_length: int
    cover_size: int
    packing_size: int
    method: str
    labels: np.ndarray = field(repr=False, compare=False)
    packing: tuple[int, ...] = field(repr=False)

    @property
    def covering_number(self) -> int | None:
        """``N_ext`` when packing and cover have the same size, else None."""
        return self.cover_size if self.cover_size == self.packing_size else None

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly dict holding everything the independent checker needs."""
        return {"n": self.n, "m": self.m, "ks": list(self.ks), "heads": self.heads,
                "task": self.task, "eps": str(self.eps), "convention": self.convention,
                "code_length": self.code_length, "cover": [int(v) for v in self.labels],
                "packing": [int(s) for s in self.packing], "method": self.method}


def _far_bits(d: np.ndarray, thr: Fraction) -> list[int]:
    far = d * thr.denominator > thr.numerator
    np.fill_diagonal(far, False)
    packed = np.packbits(far, axis=1, bitorder="little")
    return [int.from_bytes(packed[i].tobytes(), "little") for i in range(far.shape[0])]


def _candidates(n: int, q: int, how: str) -> np.ndarray:
    """Sign patterns free on the levels ``< q`` and completed below (zeros or copies)."""
    top = np.arange(1 << ((1 << q) - 1), dtype=np.int64)
    if how == "zero":
        return top
    out = top.copy()
    for j in range(q, n):
        for k in range(1 << j):
            anc = k >> (j - q + 1)
            out |= ((top >> ((1 << (q - 1)) - 1 + anc)) & 1) << ((1 << j) - 1 + k)
    return out


def _pairwise(a: np.ndarray) -> np.ndarray:
    d = np.zeros((a.shape[0],) * 2, dtype=np.int64)
    for i in range(a.shape[0]):
        d[i] = np.abs(a[i] - a).max(axis=1) if a.shape[1] else 0
    return d


def _block_separation(rows: np.ndarray, cells: int) -> int | None:
    """Per level-n cell: the least distance between distinct values of the cell's block (the
    left values and right limits of every task on that cell); the least over the cells (None
    when no cell has two distinct values)."""
    tasks = rows.shape[1] // (2 * cells)
    # column (t, c, r) is (t * cells + c) * 2 + r: block c = columns (., c, .); the block
    # column j = 2 t + r of every cell is the strided slice quad[:, t, :, r]
    quad = rows.reshape(rows.shape[0], tasks, cells, 2)
    lo = quad.min(axis=0).transpose(1, 0, 2).reshape(cells, 2 * tasks)
    hi = quad.max(axis=0).transpose(1, 0, 2).reshape(cells, 2 * tasks)
    span = (hi - lo + 1).max(axis=0)  # per block column, over the cells
    subs: list[np.ndarray] = []
    if np.prod(span.astype(object)) < 1 << 62:  # exact mixed-radix key of each block value
        weights = np.cumprod([1, *(int(v) for v in span[:-1])]).astype(np.int64)
        keys = np.zeros((rows.shape[0], cells), dtype=np.int64)
        for j in range(2 * tasks):  # every digit in [0, span): no intermediate overflows
            keys += (quad[:, j // 2, :, j % 2] - lo[:, j]) * weights[j]
        space = int(np.prod(span.astype(object)))
        if space * cells <= 1 << 24:  # which keys occur, per cell: a presence table
            seen = np.zeros((cells, space), dtype=bool)
            seen[np.arange(cells)[None, :], keys] = True
            distinct = [np.nonzero(seen[c])[0] for c in range(cells)]
        else:
            ordered = np.sort(keys, axis=0)
            fresh = np.ones_like(ordered, dtype=bool)
            fresh[1:] = ordered[1:] != ordered[:-1]
            distinct = [ordered[fresh[:, c], c] for c in range(cells)]
        for c, u in enumerate(distinct):
            subs.append(lo[c] + (u[:, None] // weights) % span)  # decode the key
    else:
        for c in range(cells):
            block = np.ascontiguousarray(quad[:, :, c, :].reshape(rows.shape[0], 2 * tasks))
            subs.append(block[_unique_rows(block)[0]])
    sep = None
    for sub in subs:
        if sub.shape[0] > 1:
            d = _pairwise(sub)
            v = int(d[np.triu_indices(sub.shape[0], 1)].min())
            sep = v if sep is None else min(sep, v)
    return sep


class ClassSolver:
    """The neighbour structure of one class, built once and reused for every eps.

    Holds the integer rows of every sigma, the ``Gamma_q``-orbit quotients (column envelopes
    and the eps-independent matrix of union diameters) and the candidate packings' distance
    matrices; :meth:`certify` thresholds them at ``2 eps``.

    >>> s = ClassSolver(4, 2, [0, 1, 2, 3], 1)
    >>> [s.certify(Fraction(e, 8)).code_length for e in range(9)]
    [13, 13, 5, 5, 4, 4, 1, 1, 0]
    """

    def __init__(self, n: int, m: int | None, ks: Any, task: int | None,
                 heads: str = "sawtooth-walsh") -> None:
        # int8 tables: |entries| <= 2^(n - m) + 2 <= 18, so differences of two fit as well
        self.rows, self.scale = _class_rows(n, m, ks, task, heads, np.int8)
        self.n, self.m, self.ks, self.heads = _check_instance(n, m, ks, heads)
        self.task = task
        rows = self.rows
        self.span = int((rows.max(axis=0) - rows.min(axis=0)).max()) if rows.shape[1] else 0
        first, inv = _unique_rows(rows)  # in order of first appearance
        self.distinct_first = first
        self.distinct_inv = inv.astype(np.int64)
        self.block_separation = _block_separation(rows, 1 << self.n)
        self._orbits: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray] | None] = {}
        self._cands: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}

    def orbits(self, q: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(orbit index per sigma, orbit diameters, union-diameter matrix) for ``Gamma_q``."""
        if q not in self._orbits:
            rows = self.rows
            key = np.arange(rows.shape[0], dtype=np.int64) & ((1 << ((1 << q) - 1)) - 1)
            size = 1 << ((1 << q) - 1)
            # row sigma = high * size + key: the orbit of key is one column of this reshape
            grouped = rows.reshape(rows.shape[0] // size, size, rows.shape[1])
            hi = grouped.max(axis=0).astype(np.int64)
            lo = grouped.min(axis=0).astype(np.int64)
            env, inv = np.unique(np.concatenate([hi, lo], axis=1), axis=0, return_inverse=True)
            k = env.shape[0]
            if k > QUOTIENT_LIMIT:
                self._orbits[q] = None
            else:
                h, lw = env[:, :rows.shape[1]], env[:, rows.shape[1]:]
                d = np.zeros((k, k), dtype=np.int64)
                for i in range(k):
                    d[i] = (np.maximum(h[i], h) - np.minimum(lw[i], lw)).max(axis=1)
                self._orbits[q] = (inv.reshape(-1)[key], np.diag(d).copy(), d)
        return self._orbits[q]

    def candidates(self, q: int, how: str) -> tuple[np.ndarray, np.ndarray]:
        """(sign patterns of distinct candidates, their distance matrix)."""
        if (q, how) not in self._cands:
            cand = _candidates(self.n, q, how)
            sub, first = np.unique(self.rows[cand], axis=0, return_index=True)
            self._cands[q, how] = (cand[first], _pairwise(sub) if sub.shape[0] <= QUOTIENT_LIMIT
                                   else np.zeros((0, 0), dtype=np.int64))
        return self._cands[q, how]

    def _cover(self, thr: Fraction, convention: str
               ) -> tuple[np.ndarray, int, str] | None:
        best = None
        for q in range(self.n):
            orb = self.orbits(q)
            if orb is None or (orb[1] * thr.denominator > thr.numerator).any():
                continue
            index, _, d = orb
            far = _far_bits(d, thr)
            colour = dsatur(far)
            size = max(colour) + 1
            clique, _ = max_clique(far, NODE_LIMIT, target=size)
            low = bits_from_count(max(1, len(clique)), convention)
            if low != bits_from_count(size, convention):
                colour, _ = exact_colouring(far, clique or [0], colour, NODE_LIMIT,
                                            count_range(low, convention)[1])
                size = max(colour) + 1
            if best is None or size < best[1]:
                best = (np.asarray(colour, dtype=np.int64)[index], size, f"orbit cover (q={q})")
        return best

    def _packing(self, thr: Fraction, need: int) -> tuple[list[int], str]:
        best: list[int] = [0]
        how = "one member"
        for q in range(1, self.n):
            for comp in ("zero", "copy"):
                sig, d = self.candidates(q, comp)
                if d.shape[0] <= len(best):
                    continue
                clique, _ = max_clique(_far_bits(d, thr), NODE_LIMIT, target=need)
                if len(clique) > len(best):
                    best = [int(sig[i]) for i in clique]
                    how = f"{comp} completions, q={q}"
                if len(best) >= need:
                    return best, how
        return best, how

    def certify(self, eps: Any, convention: str = "N0") -> ConstructionCertificate:
        """The certificate at one ``eps`` (see :func:`certify_class`)."""
        e = _check_eps(eps)
        conv = _check_convention(convention)
        thr = 2 * e * self.scale
        size = self.rows.shape[0]

        def done(labels: np.ndarray, cover: int, packing: list[int], method: str
                 ) -> ConstructionCertificate:
            lo, hi = bits_from_count(len(packing), conv), bits_from_count(cover, conv)
            if lo != hi:
                raise UndecidedError(
                    f"n={self.n}, m={self.m}, ks={list(self.ks)}, task={self.task}, eps={e}: "
                    f"packing {len(packing)} and cover {cover} leave {lo} <= L <= {hi} "
                    f"({method})")
            return ConstructionCertificate(self.n, self.m, self.ks, self.heads, self.task, e,
                                           conv, hi, cover, len(packing), method, labels,
                                           tuple(packing))

        if self.span * thr.denominator <= thr.numerator:
            return done(np.zeros(size, dtype=np.int64), 1, [0], "one ball")
        sep = self.block_separation
        if sep is None or sep * thr.denominator > thr.numerator:
            return done(self.distinct_inv, self.distinct_first.size,
                        [int(s) for s in self.distinct_first], "separated (per level-n cell)")
        cover = self._cover(thr, conv)
        if cover is None:
            raise UndecidedError(f"no orbit cover at eps={e} (n={self.n}, m={self.m}, "
                                 f"ks={list(self.ks)}, task={self.task})")
        labels, count, how = cover
        packing, phow = self._packing(thr, count_range(bits_from_count(count, conv), conv)[0])
        method = (f"{how} = packing ({phow})" if len(packing) == count
                  else f"{how}, packing ({phow}) fixes the bits")
        return done(labels, count, packing, method)

    def thresholds(self) -> tuple[Fraction, ...]:
        """0 and ``j / (2 scale)`` up to half the diameter: every possible breakpoint."""
        return tuple(Fraction(j, 2 * self.scale) for j in range(self.span + 1))

    def curve(self, convention: str = "N0") -> tuple[tuple[Fraction, int], ...]:
        """``L(eps)`` for every eps as ``(start, value)`` steps (value up to the next start),
        each step certified; bisection on the thresholds (``L`` is non-increasing)."""
        ts = self.thresholds()
        vals: dict[int, int] = {}

        def value(i: int) -> int:
            if i not in vals:
                vals[i] = self.certify(ts[i], convention).code_length
            return vals[i]

        def fill(lo: int, hi: int) -> None:
            if hi - lo <= 1:
                return
            if value(lo) == value(hi):
                for i in range(lo + 1, hi):
                    vals[i] = vals[lo]
                return
            mid = (lo + hi) // 2
            value(mid)
            fill(lo, mid)
            fill(mid, hi)

        value(0)
        value(len(ts) - 1)
        fill(0, len(ts) - 1)
        out: list[tuple[Fraction, int]] = []
        for i, t in enumerate(ts):
            if not out or out[-1][1] != vals[i]:
                out.append((t, vals[i]))
        return tuple(out)


_SOLVERS: OrderedDict[tuple, ClassSolver] = OrderedDict()
_SOLVER_BYTES = 128 << 20  # the cached solvers' tables, at most (least recently used go first)


def _solver(n: int, m: int, ks: tuple[int, ...], task: int | None, heads: str) -> ClassSolver:
    """The cached :class:`ClassSolver` (validated arguments): an LRU cache bounded by the bytes
    of the solvers' tables, so that the depth-4 classes of one sweep stay while it runs."""
    key = (n, m, ks, task, heads)
    hit = _SOLVERS.get(key)
    if hit is not None:
        _SOLVERS.move_to_end(key)
        return hit
    made = ClassSolver(n, m, ks, task, heads)
    _SOLVERS[key] = made
    while len(_SOLVERS) > 1 and sum(v.rows.nbytes for v in _SOLVERS.values()) > _SOLVER_BYTES:
        _SOLVERS.popitem(last=False)
    return made


def solver(n: int, m: int | None, ks: Any, task: int | None,
           heads: str = "sawtooth-walsh") -> ClassSolver:
    """The :class:`ClassSolver` of a class, cached (the neighbour structure is built once).

    >>> solver(3, 1, [0, 1], 0) is solver(3, 1, (0, 1), 0)
    True
    """
    n, m, kk, heads = _check_instance(n, m, ks, heads)
    if task is not None and (not isinstance(task, int) or isinstance(task, bool)
                             or not 0 <= task < len(kk)):
        raise InvalidArgument(f"task={shown(task)} is not a task index; expected None (joint) "
                              f"or an int in [0, {len(kk) - 1}]")
    return _solver(n, m, kk, task, heads)


def certify_class(n: int, m: int | None, ks: Any, task: int | None, eps: Any,
                  heads: str = "sawtooth-walsh", convention: str = "N0"
                  ) -> ConstructionCertificate:
    """The certified code length of one class of the construction (``n <= 4``) at ``eps``.

    Parameters
    ----------
    n, m, ks, heads : the family (as :func:`exactmtl.construction.outputs`)
    task : int or None
        The task index (marginal class ``pi_t C``) or None for the joint class.
    eps : exact number >= 0
    convention : {"N0", "N"}

    Raises :class:`~exactmtl.errors.UndecidedError` if the packing and cover found leave
    ``ceil(log2 N)`` open (no case at ``n <= 4`` does).

    >>> certify_class(3, 1, [0, 1], 1, Fraction(1, 2)).code_length   # §3.7: [1/2, 3/4): 2
    2
    """
    e = _check_eps(eps)
    conv = _check_convention(convention)
    return solver(n, m, ks, task, heads).certify(e, conv)


def curve_thresholds(n: int, m: int | None, ks: Any, task: int | None,
                     heads: str = "sawtooth-walsh") -> tuple[Fraction, ...]:
    """The eps where ``N_ext`` may jump: 0 and half of every distance on the cell grid.

    Distances are multiples of ``1 / scale``, so these are ``j / (2 scale)`` up to half the
    diameter (a superset of the true breakpoints; the curve is constant between them).

    >>> curve_thresholds(2, 1, [0, 1], 0)
    (Fraction(0, 1), Fraction(1, 4), Fraction(1, 2))
    """
    return ClassSolver(n, m, ks, task, heads).thresholds()
