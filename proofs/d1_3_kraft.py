"""D1.3 -- exact Kraft sums of the Elias gamma and delta codes.

Statement   With gamma lengths 2 L - 1 and delta lengths L - 1 + 2 bitlen(L) - 1 (L = bitlen(n)),
            the Kraft sums over n = 1..N are < 1 for every N, 1 - K_gamma(2^L - 1) = 2^-L, and
            K_delta(2^L - 1) = K_gamma(L): both tend to 1 (the codes are complete in the limit).
Check       Exact sums: the closed form by bit length (elias_kraft_sum) equals the direct
            running sum of 2^-len(n) over the lengths of prefixcodes for every N up to the
            range, and prefixcodes.kraft_sum of the same lengths at every N = 2^j - 1, 2^j; each
            sum < 1; the two identities at every L; the codewords of prefixcodes.elias_gamma /
            elias_delta for n < 2^9 are prefix-free.
Range       N <= 2^10 (every N) by default, every N <= 2^16 with --full (was every 7th N
            <= 2^13 before the running sums of issue 12); identities for L <= 64.
Falsifier   gamma lengths shortened by one (2 L - 2) give a Kraft sum > 1 at N = 3.
Source      companions §D.1 (docs/companions.md); conventions §A.8 (docs/conventions.md); arXiv
            2501.19067; Elias, IEEE Trans. IT 21 (1975).
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl.companions.pacbayes import elias_kraft_sum
from exactmtl.prefixcodes import (
    elias_delta,
    elias_delta_length,
    elias_gamma,
    elias_gamma_length,
    is_prefix_free,
    kraft_sum,
)
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("D1.3", "Kraft sums of Elias gamma and delta")


def _check_below_one(length, top: int, name: str) -> list[Fraction]:
    """The running Kraft sums for N = 1..top, each checked < 1."""
    sums = _running_sums(length, top)
    for n, total in enumerate(sums, 1):
        expect(total < 1, "Kraft sum >= 1", code=name, N=n, sum=total)
    return sums


def _running_sums(length, top: int) -> list[Fraction]:
    """sum_{n <= N} 2^-length(n) for N = 1..top, exactly (integers over 2^max length)."""
    lengths = [length(n) for n in range(1, top + 1)]
    big = max(lengths)
    total, out = 0, []
    for v in lengths:
        total += 1 << (big - v)
        out.append(Fraction(total, 1 << big))
    return out


def check_closed_form_and_below_one(full: bool = False) -> dict:
    top = 2 ** (16 if full else 10)
    for name, length in (("elias-gamma", elias_gamma_length), ("elias-delta", elias_delta_length)):
        sums = _check_below_one(length, top, name)
        for N in progress(range(1, top + 1), name):
            expect_equal(elias_kraft_sum(N, name), sums[N - 1], "closed form", code=name, N=N)
        # the library's kraft_sum on the same lengths, at every N = 2^j - 1, 2^j
        for N in sorted({min(top, v) for j in range(top.bit_length()) for v in (2**j - 1, 2**j)}
                        - {0}):
            expect_equal(kraft_sum(length(n) for n in range(1, N + 1)), sums[N - 1],
                         "kraft_sum", code=name, N=N)
    return {"N <=": top}


def check_limits() -> dict:
    for L in range(1, 65):
        expect_equal(1 - elias_kraft_sum(2**L - 1, "elias-gamma"), Fraction(1, 2**L), L=L)
        expect_equal(elias_kraft_sum(2**L - 1, "elias-delta"), elias_kraft_sum(L, "elias-gamma"),
                     "delta identity", L=L)
    return {"1 - K_gamma(2^L - 1)": "2^-L", "K_delta(2^L - 1)": "K_gamma(L)", "L <=": 64}


def check_prefix_free() -> dict:
    for enc in (elias_gamma, elias_delta):
        expect(is_prefix_free(enc(n) for n in range(1, 2**9)), "not prefix-free",
               code=enc.__name__)
    return {"codewords": 2 * (2**9 - 1)}


def falsify_short_gamma() -> None:
    _check_below_one(lambda n: 2 * n.bit_length() - 2, 8, "gamma-minus-one")
