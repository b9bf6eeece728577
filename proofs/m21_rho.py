"""M21 -- rho(K) depends only on span_2 K, and the sign map has exactly 2^rho(K) images.

Statement   For K a set of indices k < 2^m, rho(K) = sum of 2^(i-1) over
            i in {top(v) : v in span_2 K minus 0} (top = bit_length) equals the sum of 2^(i-1)
            over the pivot bits of any GF(2) echelon basis of span_2 K; so rho(K) = rho(K') when
            span_2 K = span_2 K', rho({k}) = 2^(top(k)-1) (k >= 1), rho({0}) = 0 and
            rho(K) <= 2^m - 1. The sign map sigma|levels<m -> (omega_t(u))_{t, u} (M20) is
            F_2-affine (the images, as bit vectors, form a coset of a subspace) with exactly
            2^rho(K) images.
Check       exactmtl.construction.rho compared with two independent computations written here:
            the definition through the XOR closure of K, and a reduced row echelon form by
            Gaussian elimination over F_2 on the bit matrix of K; rho of K, of span_2 K and of
            the echelon basis agree; the image of the sign map is computed from
            exactmtl.construction.sign_pattern over all 2^(2^m - 1) low-level patterns (and
            agrees with the table of pal_k o h_sigma on the level-m cells); its size is
            2^rho(K) and it is closed under XOR after a shift.
Range       every nonempty K subset of {0..2^m - 1}, m <= 3 (all 255 sets for m = 3),
            n = m + 1 (levels >= m do not matter, M20); rho against the eliminations for every
            K with m <= 3 and 300 random K for m <= 10; --full: every K with m = 4 against
            the eliminations (65535 sets) and every K with |K| <= 3, m = 4 in the sign-map
            check (696 sets, 32768 low patterns each).
Falsifier   a wrong rho that counts popcount(v) over the basis instead of the pivot weight
            2^(i-1); rho taken as the rank of K (number of pivots).
Source      arXiv 2606.16028, reference construction: main construction §2.8 (information in the
            signs) (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import itertools
import random

import numpy as np

from exactmtl.construction import rho, rho_basis, sign_pattern
from exactmtl.proofcheck import Claim, cases, expect, expect_equal, progress

CLAIM = Claim("M21", "rho(K) depends only on span_2 K; the sign map has 2^rho(K) images")


def span2(ks) -> set[int]:
    """The XOR closure of K (with 0)."""
    span = {0}
    for k in ks:
        span |= {v ^ k for v in span}
    return span


def rho_definition(ks) -> int:
    """sum 2^(i-1) over the tops of the nonzero elements of span_2 K."""
    return sum(2 ** (i - 1) for i in {v.bit_length() for v in span2(ks) if v})


def rho_gauss(ks) -> int:
    """Reduced row echelon form over F_2 of the bit matrix of K; pivot = leading column."""
    width = max(ks).bit_length() if ks else 0
    rows = [[(k >> (width - 1 - c)) & 1 for c in range(width)] for k in ks]
    pivots = []
    r = 0
    for c in range(width):
        p = next((i for i in range(r, len(rows)) if rows[i][c]), None)
        if p is None:
            continue
        rows[r], rows[p] = rows[p], rows[r]
        for i in range(len(rows)):
            if i != r and rows[i][c]:
                rows[i] = [a ^ b for a, b in zip(rows[i], rows[r])]
        pivots.append(width - c)  # the bit position + 1 = top of the pivot row
        r += 1
    return sum(2 ** (i - 1) for i in pivots)


def rho_popcount(ks) -> int:
    """Falsifier: popcount of the basis vectors instead of the pivot weights 2^(i-1)."""
    return sum(bin(v).count("1") for v in rho_basis(ks).values())


def rho_rank(ks) -> int:
    """Falsifier: the rank of K (the number of pivots)."""
    return len(rho_basis(ks))


def _check_rho(ks, rho_fn) -> None:
    r = rho_fn(ks)
    expect_equal(r, rho_definition(ks), "rho != definition via span_2 K", K=ks)
    expect_equal(r, rho_gauss(ks), "rho != Gaussian elimination", K=ks)
    span = sorted(span2(ks))
    expect_equal(rho_fn(span), r, "rho(span_2 K) != rho(K)", K=ks)
    expect_equal(rho_fn(list(rho_basis(ks).values()) or [0]), r, "rho(basis) != rho(K)", K=ks)
    m = max(ks).bit_length()
    expect(r <= 2 ** m - 1, "rho(K) > 2^m - 1", K=ks, rho=r)


def _rho_cases(full: bool) -> list:
    """Every K with m <= 3 (one case), with --full every K with m = 4 (one case per |K|),
    then the singletons and the seeded random sets."""
    return ["m <= 3", *([(4, size) for size in range(1, 17)] if full else []), "singles+random"]


@cases(_rho_cases, merge=lambda _, counts: {"sets": sum(counts)},
       weight=lambda c: 1 if isinstance(c, tuple) and 6 <= c[1] <= 10 else 0.2)
def check_rho_against_elimination(case: str | tuple[int, int]) -> int:
    count = 0
    if case != "singles+random":
        blocks = ([(m, size) for m in range(4) for size in range(1, 2 ** m + 1)]
                  if case == "m <= 3" else [case])
        for m, size in blocks:
            for ks in itertools.combinations(range(2 ** m), size):
                _check_rho(list(ks), rho)
                count += 1
        return count
    for k in range(1, 2 ** 10):
        expect_equal(rho([k]), 2 ** (k.bit_length() - 1), "rho({k})", k=k)
    expect_equal(rho([0]), 0, "rho({0})")
    rng = random.Random(21)
    for _ in range(300):
        m = rng.randint(1, 10)
        ks = rng.sample(range(2 ** m), rng.randint(1, min(12, 2 ** m)))
        _check_rho(ks, rho)
        count += 1
    return count


def _omega_bits(m: int, ks) -> dict[int, np.ndarray]:
    """For each k: omega(u) as bits (omega = -1 -> 1) for every low pattern (rows)."""
    n = m + 1
    lows = range(2 ** (2 ** m - 1))
    return {k: np.array([[(1 - w) // 2 for w in sign_pattern(s, n, m, k)] for s in lows],
                        dtype=np.int64) for k in ks}


def _pal_h_table(m: int, k: int) -> np.ndarray:
    """pal_k o h_sigma on the level-m cells (digit-flip images), bits, for every low pattern."""
    sig = np.arange(2 ** (2 ** m - 1), dtype=np.int64)[:, None]
    cells = np.arange(2 ** m, dtype=np.int64)[None, :]
    img = np.broadcast_to(cells, (sig.shape[0], cells.shape[1])).copy()
    for j in range(m):
        img ^= ((sig >> (2 ** j - 1 + (cells >> (m - j)))) & 1) << (m - 1 - j)
    parity = np.zeros_like(img)
    for i in range(k.bit_length()):
        if (k >> i) & 1:
            parity ^= (img >> (m - 1 - i)) & 1
    return parity


def _is_coset(vectors: set[int]) -> bool:
    base = next(iter(vectors))
    shifted = {v ^ base for v in vectors}
    return all((a ^ b) in shifted for a in shifted for b in shifted)


def _check_sign_map(m: int, tables: dict[int, np.ndarray], sets, rho_fn) -> int:
    count = 0
    cells = 2 ** m
    weights = {k: (1 << np.arange(cells, dtype=np.int64)) for k in tables}
    packed = {k: (tab * weights[k]).sum(axis=1) for k, tab in tables.items()}
    for ks in sets:
        # one integer per (low pattern, task tuple): concatenate the per-task bit vectors
        cols = np.stack([packed[k] for k in ks], axis=1)
        images = np.unique(cols, axis=0)
        expect_equal(images.shape[0], 2 ** rho_fn(list(ks)), "|image of the sign map| != "
                     "2^rho(K)", m=m, K=list(ks))
        if m <= 3:
            vecs = {sum(int(v) << (cells * t) for t, v in enumerate(row)) for row in images}
            expect(_is_coset(vecs), "the image is not an affine subspace", m=m, K=list(ks))
        count += 1
    return count


@cases(lambda full: range(5 if full else 4), weight=lambda m: 55 if m == 4 else 0.2,
       merge=lambda ms, counts: {f"m={m}": c for m, c in zip(ms, counts)})
def check_sign_map_image(m: int) -> int:
    ks_all = list(range(2 ** m))
    tables = _omega_bits(m, ks_all) if m <= 3 else {k: _pal_h_table(m, k) for k in ks_all}
    for k in ks_all:
        expect_equal(tables[k].tolist(), _pal_h_table(m, k).tolist(),
                     "sign_pattern != pal_k o h_sigma on the level-m cells", m=m, k=k)
    sizes = range(1, 4) if m == 4 else range(1, 2 ** m + 1)
    sets = (ks for size in sizes for ks in itertools.combinations(ks_all, size))
    return _check_sign_map(m, tables, progress(sets, f"m={m}"), rho)


def falsify_rho_popcount() -> None:
    m = 2
    _check_sign_map(m, _omega_bits(m, range(4)),
                    [ks for size in range(1, 5) for ks in itertools.combinations(range(4), size)],
                    rho_popcount)


def falsify_rho_rank() -> None:
    m = 2
    _check_sign_map(m, _omega_bits(m, range(4)),
                    [ks for size in range(1, 5) for ks in itertools.combinations(range(4), size)],
                    rho_rank)


def falsify_rho_popcount_against_elimination() -> None:
    for ks in ([1], [2], [3], [1, 2], [2, 3]):
        _check_rho(ks, rho_popcount)
