"""M17 -- the Sawtooth-Walsh heads of one frequency are orthogonal; different m are not.

Statement   For k, l < 2^m, <g_{m,k}, g_{m,l}> = delta_kl / 3 and <g_{m,k}, 1> = 0, with
            g_{m,k} = pal_k (2 S_m - 1). Across frequencies (a != b, k < 2^a, l < 2^b) the exact
            value is <g_{a,k}, g_{b,l}> = delta_kl 2^-|a-b| / 3: heads with the same index k
            at two frequencies are never orthogonal, e.g. <g_{0,0}, g_{1,0}> =
            <2 S_0 - 1, 2 S_1 - 1> = 1/6 and <g_{1,0}, g_{2,0}> = <2 S_1 - 1, 2 S_2 - 1> = 1/6
            (two different pairs, equal by self-similarity, both as main construction §2.7
            states), while heads with distinct k are orthogonal even across frequencies
            (<g_{1,0}, g_{2,1}> = 0). (Proof: 2 S_m - 1 = -sum_{i>=1} 2^-i r_{i+m} a.e., and
            pal_{k xor l} only involves r_1..r_max(a,b).)
Check       (1) the exact Piecewise Gram matrix (exactmtl.gram) of all 2^(M+1) - 1 heads
            g_{m,k}, m <= M, k < 2^m, and their means; (2) an independent integer computation
            on the level-M cells (each head affine per cell: integer left values and right limits
            over 2^(M-m); Simpson's rule per cell, exact for products of affine functions; pal_k
            from the bits of k and of the cell). Both equal delta_kl 2^-|a-b| / 3 entrywise; the
            one-frequency blocks are I/3.
Range       (1) M <= 4 (31 heads); (2) M <= 7 (255 heads); --full: (2) M <= 9.
Falsifier   a head with the sawtooth uncentred (pal_k 2 S_m): Gram != I/3 and mean != 0; a
            "family" that mixes m (g_{1,0}, g_{2,0}): off-diagonal 1/6.
Source      arXiv 2606.16028, reference construction: main construction §2.7 (heads;
            orthogonality across frequencies, corrected), §2.9 (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from exactmtl import Piecewise, gram, integrate, sawtooth, sawtooth_walsh, walsh
from exactmtl.proofcheck import Claim, cases, expect_equal

CLAIM = Claim("M17", "heads of one frequency are orthogonal (I/3); different m are not")


def expected_inner(a: int, k: int, b: int, l: int) -> Fraction:
    """<g_{a,k}, g_{b,l}> = delta_kl 2^-|a-b| / 3."""
    return Fraction(1, 3 * 2 ** abs(a - b)) if k == l else Fraction(0)


def _heads(top: int) -> list[tuple[int, int]]:
    return [(m, k) for m in range(top + 1) for k in range(2 ** m)]


def _check_gram(labels: list[tuple[int, int]], G, means) -> None:
    for i, (a, k) in enumerate(labels):
        expect_equal(means[i], 0, "<g, 1> != 0", m=a, k=k)
        for j, (b, l) in enumerate(labels):
            expect_equal(G[i][j], expected_inner(a, k, b, l), "<g_{a,k}, g_{b,l}>", a=a, k=k,
                         b=b, l=l)


def check_piecewise_gram() -> dict:
    labels = _heads(4)
    funcs = [sawtooth_walsh(m, k) for m, k in labels]
    G = gram(funcs)
    Gl = [[Fraction(int(G[i, j].p), int(G[i, j].q)) for j in range(len(funcs))]
          for i in range(len(funcs))]
    _check_gram(labels, Gl, [integrate(f) for f in funcs])
    for m in range(5):  # the one-frequency blocks, as the user sees them
        block = gram([sawtooth_walsh(m, k) for k in range(2 ** m)])
        expect_equal(block, sympy.eye(2 ** m) / 3, "Gram of one frequency != I/3", m=m)
    expect_equal(Gl[labels.index((1, 0))][labels.index((2, 0))], Fraction(1, 6),
                 "<g_(1,0), g_(2,0)>")
    expect_equal(Gl[0][labels.index((1, 0))], Fraction(1, 6), "<2 S_0 - 1, 2 S_1 - 1>")
    expect_equal(Gl[labels.index((1, 0))][labels.index((2, 1))], Fraction(0),
                 "<g_(1,0), g_(2,1)>")
    return {"M": 4, "heads": len(labels)}


def _pal_cells(k: int, level: int) -> np.ndarray:
    """pal_k on the level-``level`` cells (k < 2^level): r_{i+1} is digit i+1 = bit level-1-i."""
    cells = np.arange(2 ** level, dtype=np.int64)
    parity = np.zeros_like(cells)
    for i in range(k.bit_length()):
        if (k >> i) & 1:
            parity ^= (cells >> (level - 1 - i)) & 1
    return 1 - 2 * parity


def head_cells(m: int, k: int, level: int, centred: bool = True) -> tuple[np.ndarray, ...]:
    """(left values, right limits) of g_{m,k} on the level-``level`` cells, times 2^(level-m)."""
    w = 2 ** (level - m)
    cells = np.arange(2 ** level, dtype=np.int64)
    pal = _pal_cells(k, m)[cells >> (level - m)]
    r = cells & (w - 1)  # 2 S_m - 1 runs from (2r - w)/w to (2r + 2 - w)/w on the cell
    shift = w if centred else 0
    return pal * (2 * r - shift), pal * (2 * r + 2 - shift)


def cell_gram(top: int, centred: bool = True, labels=None) -> tuple[list, list, list]:
    """Exact Gram matrix and means of the heads on the level-``top`` cells (integers)."""
    labels = _heads(top) if labels is None else labels
    scale = 2 ** top
    left = np.stack([head_cells(m, k, top, centred)[0] * 2 ** m for m, k in labels])
    right = np.stack([head_cells(m, k, top, centred)[1] * 2 ** m for m, k in labels])
    # now values are integers over scale; per-cell Simpson: w (2 aa' + ab' + ba' + 2 bb') / 6
    num = 2 * left @ left.T + left @ right.T + right @ left.T + 2 * right @ right.T
    den = 6 * scale * scale * 2 ** top
    G = [[Fraction(int(v), den) for v in row] for row in num]
    means = [Fraction(int(v), 2 * scale * 2 ** top) for v in (left + right).sum(axis=1)]
    return labels, G, means


def _cell_gram_certificate(tops: list[int], _: list) -> dict:
    top = tops[-1]
    return {"M": top, "heads": 2 ** (top + 1) - 1, "method": "integer cell tables + Simpson"}


@cases(lambda full: range((9 if full else 7) + 1), merge=_cell_gram_certificate,
       weight=lambda M: 12 / 4 ** (9 - M))
def check_cell_gram(M: int) -> None:
    labels, G, means = cell_gram(M)
    _check_gram(labels, G, means)


def falsify_uncentred_sawtooth() -> None:
    labels, G, means = cell_gram(2, centred=False)
    _check_gram(labels, G, means)


def falsify_uncentred_sawtooth_piecewise() -> None:
    funcs = [walsh(k) * (2 * sawtooth(2)) for k in range(4)]
    expect_equal(gram(funcs), sympy.eye(4) / 3, "Gram of one frequency != I/3", m=2)


def falsify_mixed_frequencies() -> None:
    # a "family" with heads of two frequencies, checked as if it were one frequency
    funcs: list[Piecewise] = [sawtooth_walsh(1, 0), sawtooth_walsh(2, 0)]
    expect_equal(gram(funcs), sympy.eye(2) / 3, "Gram of a head family != I/3",
                 heads=[(1, 0), (2, 0)])
