"""Amortised intrinsic dimension of shared low-rank parametrisations (§D.1, arXiv 2501.19067).

Task i has parameters theta_i = theta_0 + P Q alpha_i: P (D x l) random and fixed, Q (l x k)
shared, alpha_i in R^k per task. Counting raw parameters, n tasks cost l k + n k, i.e.
:func:`amortised_dimension` AID = l k / n + k per task. (derived) The map
(Q, alpha_1..alpha_n) -> (P Q alpha_i)_i is invariant under Q -> Q G, alpha_i -> G^-1 alpha_i
(G in GL(k)), so its image has dimension :func:`manifold_dimension` k (l + n - k) (for
1 <= k <= min(l, n), P of full column rank): checked by the exact integer Jacobian rank
(:func:`jacobian_rank`, fraction-free elimination) at integer points. Per task that is
k (l + n - k) / n, which also falls to k as n grows.

:func:`simulate_per_task_dimension` is the numeric path (numpy float64, seeded): the numerical
rank of the float Jacobian at random points, divided by n, against AID.

>>> amortised_dimension(100, 4, 10)
Fraction(44, 1)
>>> manifold_dimension(6, 5, 2), jacobian_rank(6, 5, 2)
(18, 18)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from exactmtl._validate import as_exact_int, as_list, as_matrix, as_seed, check_budget
from exactmtl.errors import InvalidArgument

__all__ = [
    "amortised_dimension",
    "exact_rank",
    "image_dimension",
    "jacobian",
    "jacobian_rank",
    "manifold_dimension",
    "per_task_dimension",
    "random_instance",
    "simulate_per_task_dimension",
]


def amortised_dimension(l: Any, k: Any, n: Any) -> Fraction:
    """AID = l k / n + k: raw parameters per task when Q (l x k) is shared by n tasks.

    >>> amortised_dimension(10, 2, 1), amortised_dimension(10, 2, 1000)
    (Fraction(22, 1), Fraction(101, 50))
    """
    l = as_exact_int(l, "l", minimum=1)
    k = as_exact_int(k, "k", minimum=1)
    n = as_exact_int(n, "n", minimum=1)
    return Fraction(l * k, n) + k


def _lnk(l: Any, n: Any, k: Any) -> tuple[int, int, int]:
    l = as_exact_int(l, "l", minimum=1)
    n = as_exact_int(n, "n", minimum=1)
    k = as_exact_int(k, "k", minimum=1)
    if k > min(l, n):
        raise InvalidArgument(f"k={k} > min(l={l}, n={n}); the formula k (l + n - k) needs "
                              "k <= min(l, n) (otherwise the image is all l x n matrices)")
    return l, n, k


def manifold_dimension(l: Any, n: Any, k: Any) -> int:
    """k (l + n - k): the dimension of the image of (Q, alpha) -> (P Q alpha_i)_i (derived).

    >>> manifold_dimension(100, 10, 4)
    424
    """
    l, n, k = _lnk(l, n, k)
    return k * (l + n - k)


def image_dimension(l: Any, n: Any, k: Any) -> int:
    """min(k, l, n) (l + n - min(k, l, n)) for every k >= 1 (derived).

    The image of (Q, alpha) -> Q [alpha_1 .. alpha_n] is the set of l x n matrices of rank at
    most k, a variety of dimension r (l + n - r) with r = min(k, l, n). For k <= min(l, n) this
    is :func:`manifold_dimension`'s k (l + n - k); beyond, the companion-notes formula
    overcounts (it is not even monotone in k) and the true value is l n.

    >>> image_dimension(5, 1, 2), manifold_dimension(5, 1, 1), image_dimension(4, 3, 9)
    (5, 5, 12)
    """
    l = as_exact_int(l, "l", minimum=1)
    n = as_exact_int(n, "n", minimum=1)
    k = as_exact_int(k, "k", minimum=1)
    r = min(k, l, n)
    return r * (l + n - r)


def per_task_dimension(l: Any, n: Any, k: Any) -> Fraction:
    """k (l + n - k) / n: identifiable parameters per task (tends to k as n grows).

    >>> per_task_dimension(100, 10, 4)
    Fraction(212, 5)
    """
    return Fraction(manifold_dimension(l, n, k), n)


def exact_rank(rows: Sequence[Sequence[int]]) -> int:
    """The exact rank of an integer matrix (fraction-free Bareiss elimination on Python ints).

    >>> exact_rank([[1, 2], [2, 4]]), exact_rank([[1, 2], [3, 4]]), exact_rank([])
    (1, 2, 0)
    """
    m = as_matrix(rows, "rows", integer=True)
    if not m:
        return 0
    ncols = len(m[0])
    check_budget("ops", len(m) * ncols * min(len(m), ncols), "exact_rank (elimination steps)")
    rank, prev = 0, 1
    for col in range(ncols):
        pivot = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        p = m[rank][col]
        for i in range(rank + 1, len(m)):
            f = m[i][col]
            m[i] = [(p * a - f * b) // prev for a, b in zip(m[i], m[rank])]
        prev = p
        rank += 1
        if rank == len(m):
            break
    return rank


def jacobian(P: Sequence[Sequence[int]], Q: Sequence[Sequence[int]],
             A: Sequence[Sequence[int]]) -> list[list[int]]:
    """The exact Jacobian of (Q, A) -> (P Q A[:, i])_i at integer P (D x l), Q (l x k), A (k x n).

    Rows: outputs (task i, coordinate d); columns: the l k entries of Q (row-major), then the
    k n entries of A (row-major). d f_{i,d} / d Q[a][b] = P[d][a] A[b][i];
    d f_{i,d} / d A[b][j] = [i == j] (P Q)[d][b].

    >>> jacobian([[1]], [[2]], [[3, 5]])
    [[3, 2, 0], [5, 0, 2]]
    """
    P = as_matrix(P, "P", integer=True, min_rows=1, min_cols=1)
    Q = as_matrix(Q, "Q", integer=True, min_rows=1, min_cols=1)
    A = as_matrix(A, "A", integer=True, min_rows=1, min_cols=1)
    D, l, k, n = len(P), len(Q), len(A), len(A[0])
    if len(P[0]) != l or len(Q[0]) != k:
        raise InvalidArgument(f"shapes do not chain: P is {D} x {len(P[0])}, Q is {l} x "
                              f"{len(Q[0])}, A is {k} x {n}; expected D x l, l x k, k x n")
    check_budget("pieces", n * D * (l * k + k * n), "jacobian entries")
    PQ = [[sum(P[d][a] * Q[a][b] for a in range(l)) for b in range(k)] for d in range(D)]
    rows = []
    for i in range(n):
        for d in range(D):
            row = [P[d][a] * A[b][i] for a in range(l) for b in range(k)]
            row += [PQ[d][b] if j == i else 0 for b in range(k) for j in range(n)]
            rows.append(row)
    return rows


def random_instance(l: Any, n: Any, k: Any, *, D: Any = None, seed: int = 0,
                    bound: int = 4) -> tuple[list[list[int]], list[list[int]], list[list[int]]]:
    """Seeded integer P (D x l, D = l + 1 by default, exact rank l checked), Q, A in
    [-bound, bound].

    >>> P, Q, A = random_instance(3, 2, 1, seed=1)
    >>> len(P), len(P[0]), len(Q), len(A[0]), exact_rank(P)
    (4, 3, 3, 2, 3)
    """
    l, n, k = _lnk(l, n, k)
    D = l + 1 if D is None else as_exact_int(D, "D", minimum=l)
    seed = as_seed(seed, "seed", allow_none=False)
    bound = as_exact_int(bound, "bound", minimum=1)
    check_budget("exponent", bound.bit_length(), f"random_instance(bound={bound})")
    check_budget("pieces", D * l * (l + 1) + l * k + k * n, "random_instance entries")
    rng = random.Random(seed)

    def mat(r: int, c: int) -> list[list[int]]:
        return [[rng.randint(-bound, bound) for _ in range(c)] for _ in range(r)]

    for _ in range(100):
        P = mat(D, l)
        if exact_rank(P) == l:
            break
    else:
        raise InvalidArgument(f"no full-rank P found with bound={bound}")
    return P, mat(l, k), mat(k, n)


def jacobian_rank(l: Any, n: Any, k: Any, *, D: Any = None, seed: int = 0) -> int:
    """The exact rank of :func:`jacobian` at a seeded integer point (= k (l + n - k) there).

    The rank is at most k (l + n - k) everywhere and equal at generic points; a value below it
    means the drawn point is degenerate (e.g. Q of rank < k), never that the formula is wrong.

    >>> jacobian_rank(4, 3, 2), manifold_dimension(4, 3, 2)
    (10, 10)
    """
    P, Q, A = random_instance(l, n, k, D=D, seed=seed)
    rows, cols = n * len(P), l * k + k * n
    check_budget("ops", rows * cols * min(rows, cols), "jacobian_rank (elimination steps)")
    return exact_rank(jacobian(P, Q, A))


def simulate_per_task_dimension(l: int = 12, k: int = 2, ns: Sequence[int] = (2, 4, 8, 16, 32,
                                                                             64),
                                *, D: int | None = None, seed: int = 0) -> list[dict[str, Any]]:
    """Numeric path (float64, seeded; never a proof): per-task dimension needed versus n.

    For each n, draws Gaussian P (D x l), Q (l x k), alpha (k x n), forms the float Jacobian of
    (Q, alpha) -> (P Q alpha_i)_i and measures its numerical rank (singular values above
    max(shape) * eps * s_max). ``per_task`` = rank / n, the number of locally free parameters
    each task needs; ``aid`` = l k / n + k counts raw parameters. Both fall towards ``k``; the
    float rank agrees with k (l + n - k) for n >= k (for n < k it is l n).

    >>> rows = simulate_per_task_dimension(l=6, k=2, ns=(2, 8))
    >>> [(r["n"], r["rank"], r["per_task"], r["aid"]) for r in rows]
    [(2, 12, 6.0, 8.0), (8, 24, 3.0, 3.5)]
    """
    import numpy as np

    l = as_exact_int(l, "l", minimum=1)
    k = as_exact_int(k, "k", minimum=1)
    ns = [as_exact_int(v, f"ns[{i}]", minimum=1) for i, v in enumerate(as_list(ns, "ns"))]
    D = l + 1 if D is None else as_exact_int(D, "D", minimum=1)
    seed = as_seed(seed, "seed", allow_none=False)
    for n in ns:
        check_budget("ops", (n * D) * (l * k + k * n) * min(n * D, l * k + k * n),
                     f"simulate_per_task_dimension(n={n}) (SVD work)")
    rng = np.random.default_rng(seed)
    out = []
    for n in ns:
        kk = k
        P = rng.standard_normal((D, l))
        Q = rng.standard_normal((l, kk))
        A = rng.standard_normal((kk, n))
        # float Jacobian, same layout as jacobian(): d/dQ then d/dA
        jq = np.einsum("da,bi->idab", P, A).reshape(n * D, l * kk)
        PQ = P @ Q
        ja = np.zeros((n, D, kk, n))
        for i in range(n):
            ja[i, :, :, i] = PQ
        J = np.hstack([jq, ja.reshape(n * D, kk * n)])
        s = np.linalg.svd(J, compute_uv=False)
        rank = int((s > max(J.shape) * np.finfo(float).eps * s[0]).sum())  # float tolerance
        out.append({"n": n, "rank": rank, "per_task": rank / n, "aid": l * kk / n + kk})
    return out
