"""M5 -- Sequency-ordered Walsh functions: sign changes and the Rademacher-pair product.

Statement   wal_n = pal_{G(n)} with G(n) = n XOR (n >> 1) has exactly n sign changes in (0, 1),
            and wal_n = prod_{i >= 0} (r_i r_{i+1})^{n_i} with r_0 = 1.
Check       for every n < 2^M: exactmtl.walsh(n, "sequency") equals walsh(G(n)) (Paley) and the
            product of Rademacher pairs built from exactmtl.rademacher (exact canonical forms);
            its number of breakpoints (= sign changes of a +-1 step function) is n.
Range       M = 6 (n < 64) by default; M = 8 with --full.
Falsifier   the "swapped" Gray code n XOR (n << 1) in place of G: the sign-change count is
            rejected.
Source      arXiv 2606.16028 (framework); main construction §2.4 (docs/main_construction.md);
            conventions §A.6 (docs/conventions.md); Lackey and Meltzer (1971).
Provenance  paper
"""

from __future__ import annotations

from exactmtl import Piecewise, rademacher, walsh
from exactmtl.proofcheck import Claim, expect_equal

CLAIM = Claim("M5", "sequency Walsh: n sign changes, Rademacher-pair product")


def _pair_product(n: int) -> Piecewise:
    f = Piecewise.constant(1)
    i = 0
    while n >> i:
        if (n >> i) & 1:
            f = f * rademacher(i) * rademacher(i + 1)
        i += 1
    return f


def _check(top: int, gray) -> dict:
    for n in range(2 ** top):
        w = walsh(gray(n))
        expect_equal(len(w.breakpoints), n, "sign changes of pal_(G(n)) != n", n=n)
        expect_equal(w, walsh(n, order="sequency"), "walsh(n, sequency) != pal_(G(n))", n=n)
        expect_equal(w, _pair_product(n), "wal_n != prod (r_i r_(i+1))^(n_i)", n=n)
    return {"n": f"< {2 ** top}"}


def check_sequency(full: bool = False) -> dict:
    return _check(8 if full else 6, lambda n: n ^ (n >> 1))


def falsify_swapped_gray() -> None:
    _check(3, lambda n: (n ^ (n << 1)) & 7)
