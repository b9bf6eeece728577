"""A4 -- Walsh orderings: sequency counts sign changes; the conversions are permutations.

Statement   wal_s (sequency order) has exactly s sign changes on (0, 1); Paley index of wal_s is
            gray(s) = s xor (s >> 1); Hadamard row i is pal_{rev_n(i)} and equals the Sylvester
            row (-1)^popcount(i and c) on the cells c; every conversion between the three
            orderings is a bijection of {0..2^n - 1} and the round trips are the identity.
Check       all indices < 2^n for every ordering pair; sign changes counted from the exact
            breakpoints and values; Sylvester rows built independently by the Kronecker recursion;
            the golden vector had -> seq = [0, 7, 3, 4, 1, 6, 2, 5] at n = 3.
Range       n <= 7 by default (128 functions per ordering), n <= 9 with --full.
Falsifier   a swapped Gray code (s xor (s << 1)): sequency functions no longer have s changes.
Source      conventions §A.6 (docs/conventions.md); main construction §2.4
            (docs/main_construction.md); Lackey and Meltzer, IEEE Trans. Computers 20(2) (1971).
Provenance  paper
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from itertools import pairwise

from exactmtl import WALSH_ORDERS, convert_walsh_index, gray, walsh
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("A4", "Walsh orderings: sign changes and index conversions")


def _sign_changes(f) -> int:
    vals = [f(t) for t in f.knots[:-1]]
    return sum(1 for a, b in pairwise(vals) if a != b)


def _sylvester(n: int) -> list[list[int]]:
    h = [[1]]
    for _ in range(n):
        h = [row + row for row in h] + [row + [-v for v in row] for row in h]
    return h


def _check_sequency(n: int, to_paley: Callable[[int], int]) -> None:
    for s in range(1 << n):
        f = walsh(to_paley(s), order="paley")
        expect_equal(_sign_changes(f), s, "wrong number of sign changes", n=n, s=s)


def _check_conversions(n: int) -> None:
    size = 1 << n
    for src in WALSH_ORDERS:
        for dst in WALSH_ORDERS:
            image = [convert_walsh_index(i, src, dst, level=n) for i in range(size)]
            expect_equal(sorted(image), list(range(size)), "not a permutation", n=n,
                         source=src, target=dst)
            back = [convert_walsh_index(i, dst, src, level=n) for i in image]
            expect_equal(back, list(range(size)), "round trip is not the identity", n=n,
                         source=src, target=dst)


def _check_sylvester(n: int) -> None:
    size = 1 << n
    for i, row in enumerate(_sylvester(n)):
        f = walsh(i, order="hadamard", level=n)
        got = [int(f(Fraction(c, size))) for c in range(size)]
        expect_equal(got, row, "Hadamard row differs from the Sylvester matrix", n=n, i=i)


def check_orderings(full: bool = False) -> dict:
    top = 9 if full else 7
    for n in progress(range(0, top + 1), "levels"):
        _check_sequency(n, gray)
        _check_conversions(n)
        if n <= 7:
            _check_sylvester(n)
    golden = [convert_walsh_index(i, "hadamard", "sequency", level=3) for i in range(8)]
    expect(golden == [0, 7, 3, 4, 1, 6, 2, 5], f"golden vector had->seq at n=3 is {golden}")
    return {"levels": top}


def falsify_swapped_gray() -> None:
    _check_sequency(3, lambda s: s ^ (s << 1))
