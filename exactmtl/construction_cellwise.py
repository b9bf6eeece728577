"""Exact counts and the two exact ends of the code-length curve, from the cellwise structure.

Beyond ``n = 4`` the ``2^(2^n - 1)`` sign patterns cannot be enumerated (``2^31`` at ``n = 5``),
but main construction §2.8's cellwise structure splits every output: on the level-``m`` cell ``u``,
``F_{sigma,t} = omega_t(u) (2 h_{sigma_u} - 1)`` with the sign ``omega_t(u) = pal_{k_t}(u 2^-m)
(-1)^(l_{t,u}(sigma))``, ``l_{t,u}`` the F2-linear form summing the bits of ``sigma`` at the
ancestors of ``u`` on the levels ``i - 1``, ``i in bits(k_t)``, and the magnitude
``2 h_{sigma_u} - 1`` depending only on the subtree below ``u``. Hence, computed here without
enumerating sign patterns:

* **count** ``|C| = |Omega| * |M|^(2^m)``: ``|Omega| = 2^rank`` (rank over GF(2) of the forms
  ``l_{t,u}``; compare ``rho(K)``) and ``|M|`` the number of distinct magnitudes, i.e. of
  distinct image tables of ``H_(n-m)`` (enumerated for ``n - m <= 4``; Walsh heads: one).
  Decoding is unique because each magnitude is strictly increasing on every cell (so
  ``omega G = omega' G'`` forces ``omega = omega'``).
* **separation** ``delta >= `` the least distance between distinct values that a member can
  take on one level-``n`` cell (sign vector of the cell times one of the ``2^(n-m)`` affine
  pieces): distinct members differ on some cell. Below half of it, ``L = ceil(log2 |C|)``.
* **diameter**: the largest such distance on one cell (both values occur in members); from
  half of it on, ``L = 0``.

Between the two ends only Theorem B's bounds are known at ``n >= 5``.

>>> r = cellwise_ends(5, 2, [0, 1, 2, 3])
>>> r.joint_count == 2 ** (32 - 4 + 3), r.separation, r.diameter
(True, Fraction(1, 4), Fraction(2, 1))
>>> r.task_bits, r.joint_bits
((28, 29, 30, 30), 31)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from exactmtl.construction import _check_family
from exactmtl.construction_tables import MAX_BRUTE_DEPTH, _images
from exactmtl.covering import bits_from_count

__all__ = ["CellwiseEnds", "cellwise_ends", "sign_rank"]


def _forms(m: int, ks: tuple[int, ...]) -> list[list[int]]:
    """``forms[t][u]``: bitmask over the nodes of levels < m of the form ``l_{t,u}``."""
    out = []
    for k in ks:
        row = []
        for u in range(1 << m):
            mask = 0
            for i in range(1, k.bit_length() + 1):
                if k >> (i - 1) & 1:  # i in bits(k): the ancestor of u at level i - 1
                    mask |= 1 << ((1 << (i - 1)) - 1 + (u >> (m - i + 1)))
            row.append(mask)
        out.append(row)
    return out


def sign_rank(m: int, ks: Any) -> int:
    """Rank over GF(2) of the sign forms ``l_{t,u}``: ``|Omega| = 2^rank``.

    >>> sign_rank(2, [0, 1, 2, 3]), sign_rank(3, [7, 6, 5, 4])
    (3, 7)
    """
    basis: dict[int, int] = {}
    for row in _forms(m, tuple(int(k) for k in ks)):
        for v in row:
            while v:
                top = v.bit_length() - 1
                if top not in basis:
                    basis[top] = v
                    break
                v ^= basis[top]
    return len(basis)


def _pal(k: int, u: int, m: int) -> int:
    parity = 0
    for i in range(k.bit_length()):
        if k >> i & 1:
            parity ^= (u >> (m - 1 - i)) & 1
    return 1 - 2 * parity


def _cell_values(m: int, ks: tuple[int, ...], heads: str, n: int, u: int) -> np.ndarray:
    """Every value (per task: left value, right limit, units ``2^(m-n)``) that a member takes on
    one level-``n`` cell inside the level-``m`` cell ``u``."""
    forms = _forms(m, ks)
    path = [(1 << j) - 1 + (u >> (m - j)) for j in range(m)]  # the ancestors of u
    signs = set()
    for bits in range(1 << m):
        node_bit = {node: bits >> j & 1 for j, node in enumerate(path)}
        vec = []
        for t, k in enumerate(ks):
            par = 0
            for node in path:
                if forms[t][u] >> node & 1:
                    par ^= node_bit[node]
            vec.append(_pal(k, u, m) * (1 - 2 * par))
        signs.add(tuple(vec))
    half = 1 << (n - m)
    # Walsh heads: the constant sign; Sawtooth-Walsh: sign times one affine piece of 2 S_m - 1
    pieces = [(1, 1)] if heads == "walsh" else [(2 * a - half, 2 * a - half + 2)
                                                for a in range(half)]
    out = {tuple(v for s in sig for v in (s * lo, s * hi)) for sig in signs for lo, hi in pieces}
    return np.array(sorted(out), dtype=np.int64)


@dataclass(frozen=True)
class CellwiseEnds:
    """Counts and both exact ends of ``L(eps)`` (per task and joint) from the cellwise structure.

    ``L = *_bits`` for ``eps < separation / 2`` and ``L = 0`` for ``eps >= diameter / 2``
    (the class diameter is the same for every task here: both equal the largest cell value
    distance); in between only Theorem B's bounds are known for ``n >= 5``.
    """

    n: int
    m: int
    ks: tuple[int, ...]
    heads: str
    magnitudes: int
    task_counts: tuple[int, ...]
    joint_count: int
    separation: Fraction
    diameter: Fraction
    task_separations: tuple[Fraction, ...]
    task_diameters: tuple[Fraction, ...]

    @property
    def task_bits(self) -> tuple[int, ...]:
        return tuple(bits_from_count(c) for c in self.task_counts)

    @property
    def joint_bits(self) -> int:
        return bits_from_count(self.joint_count)

    def task_length(self, t: int, eps: Any) -> int | None:
        """``L(eps)`` of task ``t`` where an end decides it, else None (bounds only)."""
        e = Fraction(eps)
        if 2 * e >= self.task_diameters[t]:
            return 0
        return self.task_bits[t] if 2 * e < self.task_separations[t] else None

    def joint_length(self, eps: Any) -> int | None:
        """``L_joint(eps)`` where an end decides it, else None (bounds only)."""
        e = Fraction(eps)
        if 2 * e >= self.diameter:
            return 0
        return self.joint_bits if 2 * e < self.separation else None


def _magnitudes(depth: int) -> int:
    """Distinct magnitude tables ``2 h_tau - 1`` over ``H_depth`` (enumerated, depth <= 4)."""
    if depth == 0:
        return 1
    if depth > MAX_BRUTE_DEPTH:
        return 1 << ((1 << depth) - 1)  # H_depth is injective (main construction §2.6)
    img = _images(depth, depth)
    return len({row.tobytes() for row in img})


def _sep_diam(vals_per_cell: list[np.ndarray], scale: int) -> tuple[Fraction, Fraction]:
    sep, diam = None, 0
    for vals in vals_per_cell:
        d = np.abs(vals[:, None, :] - vals[None, :, :]).max(axis=2)
        diam = max(diam, int(d.max()))
        if vals.shape[0] > 1:
            low = int(d[np.triu_indices(vals.shape[0], 1)].min())
            sep = low if sep is None else min(sep, low)
    return Fraction(sep or 0, scale), Fraction(diam, scale)  # one member: both 0


def cellwise_ends(n: int, m: int | None, ks: Any, heads: str = "sawtooth-walsh"
                  ) -> CellwiseEnds:
    """Counts, separation and diameter of the construction's classes, without enumerating
    sign patterns (any ``n`` with ``n - m <= 4``; larger ``n - m`` use ``|H| = 2^(2^(n-m)-1)``).

    >>> r = cellwise_ends(5, 3, [7, 6, 5, 4])
    >>> r.joint_bits, r.task_bits, r.separation     # delta_min = 2^(m - n + 1) = 1/2
    (31, (28, 28, 28, 28), Fraction(1, 2))
    >>> r.joint_length(Fraction(1, 8)), r.joint_length(Fraction(1, 4)), r.joint_length(1)
    (31, None, 0)
    """
    n, m, kk, heads = _check_family(n, m, ks, heads)
    mags = 1 if heads == "walsh" else _magnitudes(n - m)
    cells = 1 << m
    scale = 1 if heads == "walsh" else 1 << (n - m)
    joint_vals = [_cell_values(m, kk, heads, n, u) for u in range(cells)]
    sep, diam = _sep_diam(joint_vals, scale)
    t_counts, t_seps, t_diams = [], [], []
    for k in kk:
        t_counts.append((1 << sign_rank(m, [k])) * mags ** cells)
        s, d = _sep_diam([_cell_values(m, (k,), heads, n, u) for u in range(cells)], scale)
        t_seps.append(s)
        t_diams.append(d)
    return CellwiseEnds(n, m, kk, heads, mags, tuple(t_counts),
                        (1 << sign_rank(m, kk)) * mags ** cells, sep, diam, tuple(t_seps),
                        tuple(t_diams))
