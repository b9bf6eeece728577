"""D1.6 -- the image of (Q, alpha) -> (P Q alpha_i)_i has dimension k (l + n - k) (derived).

Statement   (derived) For P (D x l) of full column rank, Q (l x k), alpha_1..alpha_n in R^k and
            1 <= k <= min(l, n), the Jacobian of (Q, alpha) -> (P Q alpha_i)_i has rank at most
            l k + n k - k^2 = k (l + n - k) everywhere (the GL(k) orbits Q G, G^-1 alpha lie in
            the fibres) and exactly that at generic points; per task k (l + n - k)/n -> k, while
            the raw count AID = l k / n + k (companions §D.1).
Check       Exact integer arithmetic: at seeded integer points the k^2 tangent vectors of the
            GL(k) action (dQ = Q E_ab, dA = -E_ab A) are in the kernel of the exact Jacobian and
            are independent (exact rank k^2 when Q has rank k), so rank <= k (l + n - k); the
            exact Jacobian rank (Bareiss elimination) equals k (l + n - k) at a generic point
            (the first of up to 4 seeds that reaches it; none may exceed it).
Range       l, n <= 5 and k <= min(l, n) (55 triples) by default; l, n <= 7 with --full.
Falsifier   the naive count l k + n k (no symmetry) disagrees with the exact rank at (3, 3, 2).
Source      companions §D.1 (dimension of the shared parametrisation, derived)
            (docs/companions.md); arXiv 2501.19067 (amortised intrinsic dimension).
Provenance  derived
"""

from __future__ import annotations

from exactmtl.companions.intrinsic_dim import (
    exact_rank,
    jacobian,
    manifold_dimension,
    random_instance,
)
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("D1.6", "manifold dimension k (l + n - k) of the shared parametrisation")


def _symmetry_vectors(Q, A) -> list[list[int]]:
    l, k, n = len(Q), len(A), len(A[0])
    vecs = []
    for a in range(k):
        for b in range(k):
            dQ = [[Q[i][a] if c == b else 0 for c in range(k)] for i in range(l)]
            dA = [[-A[b][j] if r == a else 0 for j in range(n)] for r in range(k)]
            vecs.append([x for row in dQ for x in row] + [x for row in dA for x in row])
    return vecs


def _check(l: int, n: int, k: int, formula) -> None:
    reached = False
    for seed in range(4):
        P, Q, A = random_instance(l, n, k, seed=seed)
        J = jacobian(P, Q, A)
        rank = exact_rank(J)
        expect(rank <= formula(l, n, k), "rank exceeds the formula", l=l, n=n, k=k, seed=seed)
        if exact_rank(Q) == k:
            vecs = _symmetry_vectors(Q, A)
            for v in vecs:
                expect(all(sum(r[c] * v[c] for c in range(len(v))) == 0 for r in J),
                       "GL(k) tangent not in the kernel", l=l, n=n, k=k, seed=seed)
            expect_equal(exact_rank(vecs), k * k, "GL(k) tangents dependent", l=l, n=n, k=k)
        if rank == formula(l, n, k):
            reached = True
            break
    expect(reached, "generic rank not reached", l=l, n=n, k=k, formula=formula(l, n, k))


def check_rank(full: bool = False) -> dict:
    top = 7 if full else 5
    count = 0
    for l in progress(range(1, top + 1), "l"):
        for n in range(1, top + 1):
            for k in range(1, min(l, n) + 1):
                _check(l, n, k, manifold_dimension)
                count += 1
    return {"triples": count}


def falsify_naive_count() -> None:
    _check(3, 3, 2, lambda l, n, k: l * k + n * k)
