"""M9 -- Triangle waves: three equal forms.

Statement   Lambda^{o m} (the tent map composed m times, Lambda^{o 0} = id) equals
            2 dist(2^{m-1} x, Z) on [0, 1] (m >= 1) and Lambda o S_{m-1} on [0, 1); it is affine
            on the level-m cells with slopes +-2^m and has 2^{m-1} teeth.
Check       exactmtl.triangle(m) against the m-fold composition of exactmtl.tent (canonical
            forms on [0, 1]), against tent o sawtooth(m-1) on [0, 1) (exactmtl.equal,
            "everywhere"), and against 2 dist(2^{m-1} x, Z) computed with integers at every
            x in D_{m+3} and at x = 1; its slopes and number of maxima (teeth).
Range       m <= 10 by default; m <= 14 with --full.
Falsifier   the composition with m - 1 tents compared with triangle(m) (m off by one).
Source      arXiv 2606.16028, reference construction: main construction §2.5
            (docs/main_construction.md); conventions §A.7 (docs/conventions.md).
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import Piecewise, equal, sawtooth, tent, triangle
from exactmtl.proofcheck import Claim, cases, expect, expect_equal

CLAIM = Claim("M9", "triangle wave: composition = 2 dist(2^(m-1) x, Z) = tent o S_(m-1)")


def _dist_form(m: int, x: Fraction) -> Fraction:
    y = x * 2 ** (m - 1)
    fl = y.numerator // y.denominator
    return 2 * min(y - fl, fl + 1 - y)


def _composed(m: int) -> Piecewise:
    f = Piecewise.identity(closed=True)
    for _ in range(m):
        f = tent().compose(f)
    return f


def _check(m: int, wave: Piecewise) -> None:
    expect_equal(wave, _composed(m), "triangle(m) != tent composed m times", m=m)
    if m == 0:
        return
    v = equal(wave.restrict(0, 1), tent().compose(sawtooth(m - 1)))
    expect(v.verdict == "everywhere", f"Lambda^m != Lambda o S_(m-1): {v}", m=m)
    top = 2 ** (m + 3)
    for i in range(top + 1):
        x = Fraction(i, top)
        expect_equal(wave(x), _dist_form(m, x), "Lambda^m != 2 dist(2^(m-1) x, Z)", m=m, x=x)
    expect_equal({abs(p[1]) for p in wave.polys}, {2 ** m}, "slopes are not +-2^m", m=m)
    expect_equal(sum(1 for v in wave.values if v == 1), 2 ** (m - 1), "teeth", m=m)


@cases(lambda full: range((14 if full else 10) + 1),
       merge=lambda ms, _: {"m": f"0..{ms[-1]}"}, weight=lambda m: 8 / 2 ** (14 - m))
def check_triangle(m: int) -> None:
    _check(m, triangle(m))


def falsify_off_by_one() -> None:
    _check(3, _composed(2))
