"""M13 -- h_sigma is a piecewise translation that permutes the dyadic cells; it preserves
inner products under composition.

Statement   h_sigma(x) - x = tau_sigma(c) is constant on each level-n cell c with
            tau_sigma(c) in 2^-n Z; for every q >= n, h_sigma maps the level-q cells onto the
            level-q cells by translations (a permutation). Hence integral G o h = integral G and
            <G1 o h, G2 o h> = <G1, G2> for all integrable G, G1, G2.
Check       the exact Piecewise h_sigma (digit-flip form) has knots on the level-n grid, slope 1
            and offsets in 2^-n Z on every piece; for q = n, n+1, n+2 the images of the level-q
            cells (left end h(c 2^-q), right limit) form a permutation of the level-q cells; the
            exact Gram matrix of {G o h_sigma} equals that of {G} for a fixed family of four
            functions G (a Walsh function, a Sawtooth-Walsh head, a centred sawtooth and a step
            function on the level-(n+2) grid).
Range       every sigma for n <= 3; 10 random sigma for 4 <= n <= 6 (seeded); --full: n <= 8.
Falsifier   the A4 alternative of main construction §2.9: the Haar series without the "+x" term
            (brought into [0, 1) as 1/2 + (1/2) sum sigma 2^-(j+1) psi): not measure preserving,
            the Gram matrix changes and the cell structure is rejected.
Source      arXiv 2606.16028, reference construction: main construction §2.6 (properties), §2.9
            (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import Piecewise, gram, sawtooth, sawtooth_walsh, walsh
from exactmtl.construction import all_sigmas, feature, random_sigma, unshifted_feature
from exactmtl.proofcheck import Claim, cases, expect, expect_equal, progress

CLAIM = Claim("M13", "h_sigma permutes dyadic cells by translation and preserves inner products")


def _family(n: int) -> list[Piecewise]:
    q = n + 2
    step = Piecewise.on_grid([(3 * c * c + c) % 7 - 3 for c in range(2 ** q)])
    return [walsh(5), sawtooth_walsh(2, 3), sawtooth(n + 1) - Fraction(1, 2), step]


def _check(n: int, mask: int, h: Piecewise, family: list[Piecewise], base) -> None:
    composed = [g.compose(h) for g in family]
    expect_equal(gram(composed), base, "Gram of G o h_sigma != Gram of G", n=n, sigma=mask)
    size = 2 ** n
    grid = {Fraction(c, size) for c in range(size + 1)}
    expect(set(h.knots) <= grid, "h_sigma has a knot off the level-n grid", n=n, sigma=mask)
    for p in h.polys:
        expect(len(p) == 2 and p[1] == 1, "h_sigma is not a translation on a cell", n=n,
               sigma=mask, piece=p)
        expect((p[0] * size).denominator == 1, "offset not in 2^-n Z", n=n, sigma=mask)
    for q in (n, n + 1, n + 2):
        cells = 2 ** q
        images = []
        for c in range(cells):
            left = h(Fraction(c, cells))
            right = h.limit(Fraction(c + 1, cells), "left")
            expect_equal(right - left, Fraction(1, cells), "cell not mapped onto a cell", n=n,
                         sigma=mask, q=q, cell=c)
            expect((left * cells).denominator == 1, "image is not a level-q cell", n=n,
                   sigma=mask, q=q, cell=c)
            images.append(int(left * cells))
        expect_equal(sorted(images), list(range(cells)), "images are not a permutation", n=n,
                     sigma=mask, q=q)


def check_all_sigma() -> dict:
    for n in range(4):
        family = _family(n)
        base = gram(family)
        for mask in progress(all_sigmas(n), f"n={n}"):
            _check(n, mask, feature(mask, n), family, base)
    return {"n": "0..3", "functions G": 4}


@cases(lambda full: range(4, (8 if full else 6) + 1), weight=lambda n: 10 / 2 ** (8 - n),
       merge=lambda ns, _: {"n": f"4..{ns[-1]}", "seeds": 10})
def check_random_sigma(n: int) -> None:
    family = _family(n)
    base = gram(family)
    for seed in range(10):
        mask = random_sigma(n, seed=seed)
        _check(n, mask, feature(mask, n), family, base)


def falsify_a4_feature() -> None:
    n, mask = 3, 0b1011001
    family = _family(n)
    _check(n, mask, unshifted_feature(mask, n), family, gram(family))
