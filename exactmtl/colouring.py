"""Exact graph searches behind the covering numbers: far graphs, cliques, colourings.

A covering number in the sup norm is the chromatic number of the *far* graph ``d > 2 eps``
and a packing is a clique of it (:mod:`exactmtl.covering`). This module holds the searches on
adjacency bitsets (Python ints, bit ``j`` of ``adj[i]`` set when ``i`` and ``j`` are far):

* :func:`max_clique` -- Tomita's MCQ branch and bound with greedy-colouring bounds;
* :func:`dsatur` -- the DSATUR greedy colouring;
* :func:`exact_colouring` -- DSATUR branch and bound with a clique pre-coloured.

Every search takes a node limit and says whether it finished; none touches floats.

>>> adj = far_graph(np.array([[0, 2, 4], [2, 0, 2], [4, 2, 0]]), Fraction(1), 1)
>>> [bin(a) for a in adj]
['0b110', '0b101', '0b11']
>>> max_clique(adj, 100), max(dsatur(adj)) + 1
(([0, 1, 2], True), 3)
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

__all__ = ["INT64_SAFE", "bit_list", "dsatur", "exact_colouring", "far_graph", "max_clique",
           "sat_available", "sat_colouring"]

INT64_SAFE = 1 << 61  # |entries| below this: differences fit in int64 exactly
_INT64_SAFE = INT64_SAFE

class _Limit(Exception):
    pass


def _bit_list(mask: int) -> list[int]:
    """The positions of the set bits of ``mask``, lowest first."""
    if mask.bit_length() > 64:  # one pass over the binary digits (no big-int arithmetic)
        digits = bin(mask)[:1:-1]  # lowest bit first
        return [i for i, c in enumerate(digits) if c == "1"]
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _far_graph(dist: np.ndarray, threshold: Fraction, scale: int) -> list[int]:
    """Adjacency bitsets of ``d > threshold`` (``d`` = dist / scale), exactly."""
    num, den = threshold.numerator * scale, threshold.denominator
    n = dist.shape[0]
    top = int(dist.max(initial=0)) if n else 0
    if dist.dtype != object and top * den < _INT64_SAFE and num < _INT64_SAFE:
        far = dist * den > num
    else:
        far = np.array([[int(v) * den > num for v in row] for row in dist], dtype=bool)
    np.fill_diagonal(far, False)
    packed = np.packbits(far, axis=1, bitorder="little")
    return [int.from_bytes(packed[i].tobytes(), "little") for i in range(n)]


class _Found(Exception):
    pass


def _max_clique(adj: list[int], node_limit: int,
                target: int | None = None) -> tuple[list[int], bool]:
    """A maximum clique by branch and bound with greedy-colouring bounds (Tomita's MCQ).

    Stops early once a clique of size ``target`` is found (an upper bound known elsewhere,
    e.g. a colouring of that size: then the clique is maximum). Returns (clique, exact).
    """
    n = len(adj)
    order = sorted(range(n), key=lambda v: -adj[v].bit_count())
    pos = {v: i for i, v in enumerate(order)}
    radj = [0] * n
    for v in range(n):
        m = 0
        for u in _bit_list(adj[v]):
            m |= 1 << pos[u]
        radj[pos[v]] = m
    best: list[int] = []
    nodes = 0

    def colour_sort(p: int) -> tuple[list[int], list[int]]:
        verts: list[int] = []
        bounds: list[int] = []
        k = 0
        while p:
            k += 1
            q = p
            while q:
                low = q & -q
                v = low.bit_length() - 1
                q &= ~radj[v]
                q ^= low
                p ^= low
                verts.append(v)
                bounds.append(k)
        return verts, bounds

    def expand(r: list[int], p: int) -> None:
        nonlocal best, nodes
        nodes += 1
        if nodes > node_limit:
            raise _Limit
        verts, bounds = colour_sort(p)
        for idx in range(len(verts) - 1, -1, -1):
            if len(r) + bounds[idx] <= len(best):
                return
            v = verts[idx]
            r.append(v)
            np_ = p & radj[v]
            if np_:
                expand(r, np_)
            elif len(r) > len(best):
                best = list(r)
                if target is not None and len(best) >= target:
                    raise _Found
            r.pop()
            p &= ~(1 << v)

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, n + 500))
    exact = True
    try:
        if n:
            expand([], (1 << n) - 1)
    except _Limit:
        exact = False
    except _Found:
        pass
    finally:
        sys.setrecursionlimit(old)
    return sorted(order[v] for v in best), exact


def _dsatur(adj: list[int]) -> list[int]:
    """A proper colouring by DSATUR (greedy: most distinct neighbour colours first)."""
    n = len(adj)
    colour = [-1] * n
    sat = [0] * n
    deg = [a.bit_count() for a in adj]
    left = set(range(n))
    while left:
        v = max(left, key=lambda u: (sat[u].bit_count(), deg[u], -u))
        free = ~sat[v]
        c = (free & -free).bit_length() - 1
        colour[v] = c
        left.discard(v)
        for u in _bit_list(adj[v]):
            sat[u] |= 1 << c
    return colour


def _exact_colouring(adj: list[int], clique: list[int], upper: list[int],
                     node_limit: int, goal: int | None = None) -> tuple[list[int], bool]:
    """Minimum colouring by DSATUR branch and bound, the clique pre-coloured (lower bound).

    ``goal``: stop as soon as a colouring with at most ``goal`` colours is found (e.g. the
    largest count with the clique's code length); the result is then exact only if it equals
    the clique size. Returns (colouring, True when the search finished or met the goal).
    """
    n = len(adj)
    best = list(upper)
    best_k = max(best) + 1 if n else 0
    lower = max(len(clique), goal or 0)
    if best_k <= lower:
        return best, True
    colour = [-1] * n
    sat = [0] * n
    deg = [a.bit_count() for a in adj]
    nodes = 0

    def assign(v: int, c: int) -> list[int]:
        colour[v] = c
        changed = []
        bit = 1 << c
        for u in _bit_list(adj[v]):
            if colour[u] < 0 and not sat[u] & bit:
                sat[u] |= bit
                changed.append(u)
        return changed

    def undo(v: int, c: int, changed: list[int]) -> None:
        colour[v] = -1
        bit = ~(1 << c)
        for u in changed:
            sat[u] &= bit

    for c, v in enumerate(clique):
        assign(v, c)
    uncoloured = set(range(n)) - set(clique)

    def search(k_used: int) -> bool:  # True: optimum reached (== lower)
        nonlocal best, best_k, nodes
        nodes += 1
        if nodes > node_limit:
            raise _Limit
        if not uncoloured:
            best, best_k = list(colour), k_used
            return best_k <= lower
        v = max(uncoloured, key=lambda u: (sat[u].bit_count(), deg[u]))
        uncoloured.discard(v)
        try:
            for c in range(k_used):
                if sat[v] >> c & 1:
                    continue
                ch = assign(v, c)
                done = search(k_used)
                undo(v, c, ch)
                if done:
                    return True
            if k_used + 1 < best_k:
                ch = assign(v, k_used)
                done = search(k_used + 1)
                undo(v, k_used, ch)
                if done:
                    return True
        finally:
            uncoloured.add(v)
        return False

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, n + 500))
    try:
        search(lower)
        exact = True
    except _Limit:
        exact = False
    finally:
        sys.setrecursionlimit(old)
    return best, exact


# public names (the searches are used by exactmtl.covering and exactmtl.construction_coding)
bit_list = _bit_list
far_graph = _far_graph
max_clique = _max_clique
dsatur = _dsatur
exact_colouring = _exact_colouring


def sat_available() -> bool:
    """True when python-sat (the optional ``solvers`` extra) is installed.

    >>> isinstance(sat_available(), bool)
    True
    """
    try:
        import pysat.solvers  # noqa: F401
    except ImportError:
        return False
    return True


def sat_colouring(adj: list[int], colours: int, precoloured: Sequence[int] = (),
                  solver: str = "cadical153") -> list[int] | None:
    """A proper colouring with at most ``colours`` colours by a SAT solver, or None (UNSAT).

    Variables ``x[v, c]``; each vertex takes a colour, adjacent vertices never share one; the
    ``precoloured`` vertices (a clique) get colours ``0, 1, ...`` (symmetry breaking). Needs
    python-sat (``pip install 'exactmtl[solvers]'``); a colouring returned is checked here
    (it is then a cover of the class: re-checked again by the certificate's ``verify``).

    >>> five_cycle = [0b10010, 0b00101, 0b01010, 0b10100, 0b01001]
    >>> sat_colouring(five_cycle, 2) is None, len(set(sat_colouring(five_cycle, 3)))
    (True, 3)
    """
    from pysat.solvers import Solver

    n = len(adj)
    if colours <= 0 or len(precoloured) > colours:
        return None if n else []

    def var(v: int, c: int) -> int:
        return v * colours + c + 1

    clauses = [[var(v, c) for c in range(colours)] for v in range(n)]
    for v in range(n):
        for u in _bit_list(adj[v]):
            if u > v:
                clauses.extend([-var(u, c), -var(v, c)] for c in range(colours))
    clauses.extend([var(v, i)] for i, v in enumerate(precoloured))
    with Solver(name=solver, bootstrap_with=clauses) as s:
        if not s.solve():
            return None
        model = {x for x in s.get_model() if x > 0}
    colour = [next(c for c in range(colours) if var(v, c) in model) for v in range(n)]
    for v in range(n):
        if any(colour[u] == colour[v] for u in _bit_list(adj[v])):
            raise AssertionError("the SAT model is not a proper colouring")
    return colour
