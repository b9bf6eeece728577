"""D1.2 -- Pinsker kl(q||p) >= 2 (q - p)^2 and the refined kl(q||p) >= (q - p)^2 / (2 max(p, q)).

Statement   For q in [0, 1], p in (0, 1): kl(q||p) >= 2 (q - p)^2 (Pinsker), and
            kl(q||p) >= (p - q)^2 / (2 max(p, q)) (refined; for q < p it is (p - q)^2/(2p), the
            inequality behind the fast-rate form of D1.5). Both are equalities only at q = p.
Check       Every grid pair: the certified ball enclosure of kl(q||p) (128 bits, raised to 512 if
            needed) has lower end >= the exact rational right-hand side (Fraction comparison);
            at q = p both sides are exactly 0. Also: the refined bound beats Pinsker exactly
            when max(p, q) < 1/4 (exact comparison of the rational right-hand sides).
Range       q, p in {a/16} (255 pairs) by default, {a/48} with --full.
Falsifier   the constant 3 instead of 2 (Pinsker) and 1/max(p, q) instead of 1/(2 max(p, q))
            both fail at a grid pair next to the diagonal.
Source      companions §D.1 (fast-rate form) (docs/companions.md); arXiv 2501.19067; Pinsker's
            inequality, binary case; McAllester (2003).
Provenance  paper
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl.companions.pacbayes import kl
from exactmtl.proofcheck import Claim, expect, progress

CLAIM = Claim("D1.2", "Pinsker and refined Pinsker for the binary kl")


def _kl_at_least(q: Fraction, p: Fraction, rhs: Fraction) -> bool:
    if q == p:
        return rhs <= 0
    for prec in (128, 256, 512):
        e = kl(q, p, prec=prec)
        if e.lo >= rhs:
            return True
        if e.hi < rhs:
            return False
    return False  # undecided counts as not proved


def _check(den: int, rhs) -> int:
    count = 0
    for a in progress(range(den + 1), "q"):
        for b in range(1, den):
            q, p = Fraction(a, den), Fraction(b, den)
            bound = rhs(q, p)
            expect(_kl_at_least(q, p, bound), "kl(q||p) >= rhs not certified", q=q, p=p,
                   rhs=bound)
            count += 1
    return count


def _pinsker(c: Fraction):
    return lambda q, p: c * (q - p) ** 2


def _refined(c: Fraction):
    return lambda q, p: c * (q - p) ** 2 / max(p, q)


def check_pinsker(full: bool = False) -> dict:
    return {"pairs": _check(48 if full else 16, _pinsker(Fraction(2)))}


def check_refined(full: bool = False) -> dict:
    pairs = _check(48 if full else 16, _refined(Fraction(1, 2)))
    for a in range(1, 16):
        for b in range(1, 16):
            q, p = Fraction(a, 64), Fraction(b, 64)
            if q != p:
                expect((q - p) ** 2 / (2 * max(p, q)) > 2 * (q - p) ** 2,
                       "refined bound not stronger below 1/4", q=q, p=p)
    return {"pairs": pairs}


def falsify_pinsker_constant_three() -> None:
    _check(16, _pinsker(Fraction(3)))


def falsify_refined_constant_one() -> None:
    _check(16, _refined(Fraction(1)))
