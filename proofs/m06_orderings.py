"""M6 -- The Sylvester (Hadamard) order and the conversions between the three Walsh orders.

Statement   had^(m)_i = pal_{rev_m(i)} sampled on the level-m cells is the Sylvester matrix
            H[i][c] = (-1)^{popcount(i AND c)}; the six conversion maps pal<->seq<->had are
            bijections of {0..2^m-1}, mutually inverse in pairs, and consistent (had->seq =
            pal->seq o had->pal); golden vector for m = 3: had->seq = [0, 7, 3, 4, 1, 6, 2, 5].
Check       every i < 2^m: exactmtl.walsh(i, "hadamard", level=m) on each cell against the
            popcount formula and against the Paley function pal_{rev_m(i)}; every conversion
            of exactmtl.convert_walsh_index is a permutation, inverse pairs compose to the
            identity, compositions agree; the m = 3 golden vector.
Range       m <= 5 by default; m <= 8 with --full.
Falsifier   a had->seq map with two entries transposed (golden vector and inverse pairing
            rejected).
Source      arXiv 2606.16028, reference construction: main construction §2.4 (conversions,
            golden vector) (docs/main_construction.md); conventions §A.6 (docs/conventions.md).
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import bit_reverse, convert_walsh_index, walsh
from exactmtl.proofcheck import Claim, expect, expect_equal

CLAIM = Claim("M6", "Sylvester order and Walsh-order conversions")

ORDERS = ("paley", "sequency", "hadamard")
GOLDEN_M3 = [0, 7, 3, 4, 1, 6, 2, 5]


def _maps(m: int) -> dict:
    return {(s, t): [convert_walsh_index(i, s, t, m) for i in range(2 ** m)]
            for s in ORDERS for t in ORDERS}


def _check(m: int, maps: dict) -> None:
    size = 2 ** m
    for i in range(size):
        h = walsh(i, order="hadamard", level=m)
        row = [h(Fraction(c, size)) for c in range(size)]
        expect_equal(row, [(-1) ** bin(i & c).count("1") for c in range(size)],
                     "had_i is not row i of the Sylvester matrix", m=m, i=i)
        expect_equal(h, walsh(bit_reverse(i, m)), "had_i != pal_(rev_m(i))", m=m, i=i)
    for (s, t), f in maps.items():
        expect_equal(sorted(f), list(range(size)), "conversion is not a bijection", m=m,
                     source=s, target=t)
        back = maps[t, s]
        expect_equal([back[f[i]] for i in range(size)], list(range(size)),
                     "conversions are not mutually inverse", m=m, source=s, target=t)
        for u in ORDERS:
            via = [maps[u, t][maps[s, u][i]] for i in range(size)]
            expect_equal(via, f, "conversions do not compose", m=m, source=s, via=u, target=t)
    if m == 3:
        expect_equal(maps["hadamard", "sequency"], GOLDEN_M3, "golden had->seq vector (m = 3)")
    for i in range(size):
        seq = maps["hadamard", "sequency"][i]
        expect(len(walsh(i, order="hadamard", level=m).breakpoints) == seq,
               "had->seq does not give the sign-change count", m=m, i=i)


def check_orderings(full: bool = False) -> dict:
    top = 8 if full else 5
    for m in range(top + 1):
        _check(m, _maps(m))
    return {"m": f"0..{top}", "golden_m3": GOLDEN_M3}


def falsify_transposed_entries() -> None:
    maps = _maps(3)
    bad = list(maps["hadamard", "sequency"])
    bad[1], bad[2] = bad[2], bad[1]
    maps["hadamard", "sequency"] = bad
    _check(3, maps)
