"""A3 -- Walsh functions: w_m w_l = w_{m xor l}, orthonormal, W W^T = 2^n I.

Statement   For the Paley Walsh functions w_m = prod_i r_{i+1}^{m_i} on the level-n cells:
            w_m w_l = w_{m xor l} for all m, l < 2^n; <w_m, w_l> = delta_ml; equivalently the
            2^n x 2^n matrix W of cell values has W W^T = 2^n I (in every ordering, whose rows
            are a permutation of the Paley rows).
Check       Rows are built from the definition (Rademacher digits), independently of the
            transforms. Exhaustive levels: the group law for every m and every generator
            l = 2^i (which gives all pairs by induction on popcount(l)), all pairs for n <= 6;
            then W W^T = 2^n I follows exactly from the group law and the row sums
            sum_x w_k(x) = 2^n [k = 0], all computed. Through the fast transform (n <= 12): the
            transform of every unit vector is the matching column of W (its matrix is W; W = W^T
            is checked exactly, so column x is row x), the
            full exact Gram matrix of all 2^n functions is I (GridSystem.gram), and the
            structured verdict GridSystem.is_orthonormal holds (all three orderings for
            n <= 10, Paley above). Piecewise cross-check with bases.walsh for n <= 5 (all
            products of pairs for n <= 4).
            Sampled levels (--full): for seeded rows m (0, every 2^i, 2^n - 1 and 8 random), the
            group law with every generator and 8 random l, and the whole Gram row
            <w_m, w_l>, l < 2^n, exactly (one transform of w_m; the transform's matrix was shown
            to be W on the exhaustive levels); plus the involution screen, labelled a screen.
Range       exhaustive n <= 12 by default; with --full exhaustive n <= 14 and sampled rows for
            15 <= n <= 20.
Falsifier   a row with one sign flipped: the group law fails, and so does W W^T = 2^n I.
Source      conventions §A.6 (docs/conventions.md); main construction §2.4
            (docs/main_construction.md); Walsh (1923), Paley (1932).
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from exactmtl import (
    WALSH_ORDERS,
    GridFunction,
    fwht,
    involution_screen,
    walsh,
    walsh_system,
)
from exactmtl.proofcheck import Claim, cases, expect, expect_equal, expect_true, progress

CLAIM = Claim("A3", "Walsh group law and orthonormality")

EXHAUSTIVE_DEFAULT = 12
EXHAUSTIVE_FULL = 14
SAMPLED_FULL = 20
TRANSFORM_TOP = 12


def _paley_rows(n: int) -> np.ndarray:
    """int8 matrix of w_m on the level-n cells from the definition w_{m+2^i} = w_m r_{i+1}."""
    size = 1 << n
    rows = np.empty((size, size), dtype=np.int8)
    rows[0] = 1
    cells = np.arange(size, dtype=np.int64)
    for i in range(n):
        r = (1 - 2 * ((cells >> (n - 1 - i)) & 1)).astype(np.int8)  # digit i+1 of x
        np.multiply(rows[: 1 << i], r, out=rows[1 << i: 2 << i])
    return rows


def _check_exhaustive(n: int, rows: np.ndarray) -> None:
    """Group law (generators; all pairs for n <= 6) and W W^T = 2^n I, exactly."""
    size = 1 << n
    expect_equal(rows.shape, (size, size), "wrong shape", n=n)
    expect(bool((rows[0] == 1).all()), "w_0 is not the constant 1", n=n)
    expect(bool((np.abs(rows) == 1).all()), "a value is not +-1", n=n)
    tmp = np.empty_like(rows)
    for i in range(n):
        g = 1 << i
        np.multiply(rows, rows[g], out=tmp)
        swapped = rows.reshape(size // (2 * g), 2, g, size)[:, ::-1].reshape(size, size)
        if not np.array_equal(tmp, swapped):
            m, x = (int(v) for v in np.argwhere(tmp != swapped)[0])
            expect(False, "w_m w_l != w_{m xor l}", n=n, m=m, l=g, x=x)
    if n <= 6:
        for m in range(size):
            prod = rows[m] * rows
            bad = np.nonzero((prod != rows[np.arange(size) ^ m]).any(axis=1))[0]
            expect(bad.size == 0, "w_m w_l != w_{m xor l}", n=n, m=m,
                   l=int(bad[0]) if bad.size else None)
    # <w_m, w_l> = 2^-n sum_x w_{m xor l}(x) by the group law: all row sums decide W W^T.
    sums = rows.sum(axis=1, dtype=np.int64)
    expected = np.zeros(size, dtype=np.int64)
    expected[0] = size
    if not np.array_equal(sums, expected):
        k = int(np.nonzero(sums != expected)[0][0])
        expect(False, "W W^T != 2^n I: a row sum sum_x w_k(x) is wrong", n=n, k=k,
               row_sum=int(sums[k]))


def _check_symmetric(n: int, rows: np.ndarray, tile: int = 256) -> None:
    """W = W^T exactly (w_m(x) = (-1)^{sum_i m_i x_{i+1}} pairs bit i of m with bit n-1-i of
    x, and of x with m the same way), compared tile by tile (cache-sized transposes)."""
    size = rows.shape[0]
    for i in range(0, size, tile):
        for j in range(i, size, tile):
            if not np.array_equal(rows[i:i + tile, j:j + tile], rows[j:j + tile, i:i + tile].T):
                bad = np.argwhere(rows[i:i + tile, j:j + tile] != rows[j:j + tile, i:i + tile].T)
                expect(False, "W is not symmetric", n=n, m=i + int(bad[0][0]),
                       x=j + int(bad[0][1]))


def _check_transform_route(n: int) -> None:
    """Fast-transform route: transform matrix == W, full exact Gram == I, verdicts."""
    size = 1 << n
    columns = _paley_rows(n)  # row x is column x of W: W is symmetric, checked here
    _check_symmetric(n, columns)
    # the transform of every unit vector e_x is column x of W: the transform's matrix is W
    # (in blocks of 256 unit vectors: the same products, a cache-sized working set)
    block = min(size, 256)
    units = np.zeros((block, size), dtype=np.int8)
    diagonal = np.arange(block)
    for start in range(0, size, block):
        units[diagonal, start + diagonal] = 1
        cols = fwht(units, order="paley")
        units[diagonal, start + diagonal] = 0
        expect(np.array_equal(cols, columns[start:start + block]),
               "fwht(e_x) is not column x of W", n=n, x_from=start)
    for order in WALSH_ORDERS if n <= 10 else ("paley",):
        system = walsh_system(n, order)
        if order == "paley":  # the full exact Gram matrix (GridSystem.gram)
            gram = system.gram()
            verdict = gram.is_identity()
            if not verdict:  # the mismatch is computed only to report a failure
                expect_true(verdict, "exact Gram matrix of the Walsh system is not I", n=n,
                            mismatch=gram.mismatch(1))
            del gram
        expect_true(system.is_orthonormal(), "verdict: not orthonormal", n=n, order=order)


def _check_piecewise(n: int) -> None:
    """Grid rows agree with bases.walsh (exact Piecewise), products of pairs for n <= 4."""
    for order in WALSH_ORDERS:
        system = walsh_system(n, order)
        for m in range(1 << n):
            f = GridFunction.from_piecewise(walsh(m, order=order, level=n), level=n)
            expect(f == system[m], "grid row differs from bases.walsh", n=n, order=order, m=m)
    if n <= 4:
        pw = [walsh(m) for m in range(1 << n)]
        for m in range(1 << n):
            for l in range(1 << n):
                expect(pw[m] * pw[l] == pw[m ^ l], "Piecewise w_m w_l != w_{m xor l}", n=n,
                       m=m, l=l)


def _walsh_row(n: int, m: int) -> np.ndarray:
    """w_m (Paley) on the level-n cells from the definition, as int8."""
    cells = np.arange(1 << n, dtype=np.int32)
    parity = np.zeros(1 << n, dtype=np.int32)
    for i in range(n):
        if m >> i & 1:
            parity ^= (cells >> (n - 1 - i)) & 1  # r_{i+1}: digit i+1 of x
    return (1 - 2 * parity).astype(np.int8)


def _check_sampled(n: int, sample: list[int], partners: list[int]) -> None:
    """Exact per-row checks at a large level: group law and the whole Gram row."""
    size = 1 << n
    gens = {1 << i: _walsh_row(n, 1 << i) for i in range(n)}
    others = {l: _walsh_row(n, l) for l in partners}
    expect(np.array_equal(GridFunction.walsh(sample[-1], n).numerators,
                          _walsh_row(n, sample[-1])), "GridFunction.walsh differs", n=n)
    for m in progress(sample, f"n={n} rows"):
        wm = _walsh_row(n, m)
        for l, wl in [*gens.items(), *others.items()]:
            expect(np.array_equal(wm * wl, _walsh_row(n, m ^ l)), "w_m w_l != w_{m xor l}",
                   n=n, m=m, l=l)
        for l, wl in others.items():
            dot = int((wm * wl).sum(dtype=np.int64))
            expect_equal(Fraction(dot, size), Fraction(int(m == l)), "<w_m, w_l> != delta",
                         n=n, m=m, l=l)
        row = fwht(wm, order="paley")  # row[l] = sum_x w_l(x) w_m(x) = 2^n <w_m, w_l>
        expected = np.zeros(size, dtype=np.int64)
        expected[m] = size
        if not np.array_equal(row, expected):
            l = int(np.nonzero(row != expected)[0][0])
            expect(False, "<w_m, w_l> != delta", n=n, m=m, l=l,
                   inner=Fraction(int(row[l]), size))


def _exhaustive_certificate(levels: list[int], _: list) -> dict:
    top = levels[-1]
    return {"exhaustive_levels": f"0..{top}", "functions_at_top": 1 << top,
            "pairs_at_top": 1 << (2 * top)}


@cases(lambda full: range(0, (EXHAUSTIVE_FULL if full else EXHAUSTIVE_DEFAULT) + 1),
       merge=_exhaustive_certificate, weight=lambda n: 8 / 4 ** (EXHAUSTIVE_FULL - n))
def check_group_law_and_orthonormality(n: int) -> None:
    _check_exhaustive(n, _paley_rows(n))


def check_fast_transform_route() -> dict:
    for n in progress(range(0, TRANSFORM_TOP + 1), "transform levels"):
        _check_transform_route(n)
    for n in range(0, 6):
        _check_piecewise(n)
    return {"transform_levels": f"0..{TRANSFORM_TOP}", "piecewise_levels": "0..5"}


def _sampled_rows(n: int) -> tuple[list[int], list[int]]:
    """The seeded rows and partners of level n: one generator drawn level after level."""
    rng = np.random.default_rng(20260603)
    for level in range(EXHAUSTIVE_FULL + 1, n + 1):
        size = 1 << level
        sample = sorted({0, size - 1, *(1 << i for i in range(level)),
                         *(int(v) for v in rng.integers(0, size, 8))})
        partners = [int(v) for v in rng.integers(0, size, 8)]
    return sample, partners


def _sampled_certificate(levels: list[int], screens: list[str]) -> dict:
    if not levels:
        return {"sampled_levels": "run with --full"}
    return {"sampled_levels": f"{levels[0]}..{levels[-1]}",
            "rows_per_level": "0, 2^i, 2^n - 1 and 8 random (seed 20260603)",
            "screens (not proofs)": dict(zip(levels, screens))}


@cases(lambda full: range(EXHAUSTIVE_FULL + 1, SAMPLED_FULL + 1) if full else [],
       merge=_sampled_certificate, weight=lambda n: 12 / 2 ** (SAMPLED_FULL - n))
def check_sampled_large_levels(n: int) -> str:
    _check_sampled(n, *_sampled_rows(n))
    screen = involution_screen(n, trials=1, seed=n)
    expect_true(screen, "involution screen failed", n=n)
    return str(screen)


def falsify_flipped_sign() -> None:
    rows = _paley_rows(4)
    rows[5, 3] *= -1
    _check_exhaustive(4, rows)


def falsify_flipped_sign_orthonormality() -> None:
    """The same perturbation seen by the fast-transform verdict."""
    from exactmtl import GridSystem

    rows = _paley_rows(6).astype(np.int64)
    rows[37, 11] *= -1
    expect_true(GridSystem(6, rows).is_orthonormal(), "verdict: not orthonormal", n=6)


def falsify_flipped_sign_gram() -> None:
    """The same perturbation seen by the full exact Gram matrix (blocked narrow path, n = 9)."""
    from exactmtl import GridSystem

    rows = _paley_rows(9).astype(np.int64)
    rows[300, 7] *= -1
    expect(GridSystem(9, rows).gram().is_identity(),
           "exact Gram matrix of the Walsh system is not I", n=9)


def falsify_flipped_sign_sampled() -> None:
    n, size = 15, 1 << 15
    wm = _walsh_row(n, 5).copy()
    wm[3] *= -1
    row = fwht(wm, order="paley")
    expected = np.zeros(size, dtype=np.int64)
    expected[5] = size
    expect(np.array_equal(row, expected), "<w_m, w_l> != delta", n=n, m=5)
