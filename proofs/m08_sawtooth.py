"""M8 -- Sawtooth maps: semigroup, action on Walsh functions, measure preservation.

Statement   S_a o S_b = S_{a+b}; pal_k o S_j = pal_{2^j k}; S_m is measure-preserving:
            integral G o S_m = integral G for every integrable G (equivalently, the Lebesgue
            measure of S_m^{-1}(I) is |I| for every dyadic cell I).
Check       exact Piecewise compositions (exactmtl.Piecewise.compose) compared by canonical form
            and at every x in D_{a+b+2}; pal_k o S_j for k < 2^K, j <= J; for every level-q cell
            I (q <= m + 2) the measure of S_m^-1(I) is 2^-q (read off one composition c o S_m
            of the level-q cell index c per q; for q <= 2 also the integral of 1_I o S_m), and
            integral (G o S_m) = integral G for the heads g_{m',k} (piecewise linear, exact
            integrals).
Range       a, b <= 5; k < 16, j <= 3; m <= 6 (all defaults); --full: a, b <= 7, m <= 8.
Falsifier   the map x -> x / 2 in place of S_m (not measure preserving); S_a o S_b compared with
            S_{a+b+1}.
Source      arXiv 2606.16028, reference construction: main construction §2.5
            (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import Piecewise, integrate, sawtooth, sawtooth_walsh, walsh
from exactmtl.proofcheck import Claim, cases, expect_equal

CLAIM = Claim("M8", "sawtooth semigroup, Walsh action, measure preservation")


def _indicator(q: int, c: int) -> Piecewise:
    a, b = Fraction(c, 2 ** q), Fraction(c + 1, 2 ** q)
    bps = [t for t in (a, b) if 0 < t < 1]
    return Piecewise.step(bps, ([0] if a > 0 else []) + [1] + ([0] if b < 1 else []))


def _check_semigroup(a: int, b: int, target: Piecewise) -> None:
    comp = sawtooth(a).compose(sawtooth(b))
    expect_equal(comp, target, "S_a o S_b != S_(a+b)", a=a, b=b)
    top = 2 ** (a + b + 2)
    for i in range(top):
        x = Fraction(i, top)
        expect_equal(comp(x), target(x), "pointwise", a=a, b=b, x=x)


def _preimage_measures(q: int, s: Piecewise) -> list[Fraction]:
    """|s^-1(I_c)| for every level-q cell I_c, from one composition: the cell index c(y) (a
    step function on the level-q grid) after s is c on s^-1(I_c) exactly."""
    index = Piecewise.on_grid(list(range(2 ** q))).compose(s)
    out = [Fraction(0)] * 2 ** q
    ks = index.knots
    for i, p in enumerate(index.polys):
        out[int(p[0]) if p else 0] += ks[i + 1] - ks[i]
    return out


def _check_measure(m: int, s: Piecewise) -> None:
    for q in range(m + 3):
        if q <= 2:  # the indicators themselves, composed one by one
            for c in range(2 ** q):
                expect_equal(integrate(_indicator(q, c).compose(s)), Fraction(1, 2 ** q),
                             "|S_m^-1(I)| != |I|", m=m, q=q, cell=c)
        for c, mass in enumerate(_preimage_measures(q, s)):
            expect_equal(mass, Fraction(1, 2 ** q), "|S_m^-1(I)| != |I|", m=m, q=q, cell=c)
    for mm in range(3):
        for k in range(2 ** mm):
            g = sawtooth_walsh(mm, k)
            expect_equal(integrate(g.compose(s)), integrate(g), "integral G o S_m != integral G",
                         m=m, head=(mm, k))


@cases(lambda full: range((7 if full else 5) + 1),
       merge=lambda as_, _: {"a, b": f"<= {as_[-1]}"}, weight=lambda a: 8 * 2 ** (a - 7))
def check_semigroup(a: int, full: bool = False) -> None:
    top = 7 if full else 5
    for b in range(top + 1):
        _check_semigroup(a, b, sawtooth(a + b))


def check_walsh_action() -> dict:
    for j in range(4):
        for k in range(16):
            expect_equal(walsh(k).compose(sawtooth(j)), walsh(2 ** j * k),
                         "pal_k o S_j != pal_(2^j k)", k=k, j=j)
    return {"k": "< 16", "j": "<= 3"}


@cases(lambda full: range((8 if full else 6) + 1),
       merge=lambda ms, _: {"m": f"<= {ms[-1]}"}, weight=lambda m: 40 / 4 ** (8 - m))
def check_measure_preserving(m: int) -> None:
    _check_measure(m, sawtooth(m))


def falsify_halving_map() -> None:
    _check_measure(1, Piecewise.linear([], [(0, Fraction(1, 2))]))


def falsify_exponent_off_by_one() -> None:
    _check_semigroup(2, 1, sawtooth(4))
