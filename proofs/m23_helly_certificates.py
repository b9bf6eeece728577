"""M23 -- Helly/box property of the sup norm; N_ext certified by packing = cover.

Statement   For a finite set A of bounded functions (scalar or vector, norm max_t sup_x), A fits
            in one closed eps-ball iff all pairwise sup distances are <= 2 eps, the midpoint
            (max_A f + min_A f) / 2 being a centre. Hence N_ext(eps, C) is the clique-cover
            number of the graph "d <= 2 eps"; for every class of main construction §3.3 (n <= 3:
            every H_n, every single-head class and the joint class K = {0..min(3, 2^m - 1)}, m
            <= n) and every threshold, a packing (pairwise d > 2 eps) and a cover of the same
            size exist.
Check       (1) 150 seeded random sets of random step and piecewise-linear functions (scalar and
            2-output), eps at, just below and just above half the diameter: the exact radius of
            the midpoint centre is diam / 2, so it is within eps iff diam <= 2 eps.
            (2) For every class of (the n <= 3 list) and every threshold 2 eps = a pairwise
            distance (and 0): code_length_certificate reports packing = cover, and the
            certificate is re-checked independently of the graph search (group diameters
            <= 2 eps from the tables, packing pairs > 2 eps); for n <= 2 also with exact
            Piecewise sup norms and midpoint centres of outputs built from exactmtl.bases
            (Haar-series feature, Walsh times centred sawtooth), whose certified N_ext equals
            the table class's.
Range       n <= 3 (all thresholds); 150 random sets (--full: 1000).
Falsifier   a cover with two groups merged (a too-far pair), a packing with a close pair, and a
            centre shifted off the midpoint, all rejected.
Source      arXiv 2606.16028 (framework); main construction §3.1 (Helly/box property), §3.3
            (docs/main_construction.md); Kolmogorov and Tikhomirov (1959).
Provenance  paper
"""

from __future__ import annotations

import random
from fractions import Fraction

from exactmtl import Piecewise, feature, sawtooth, walsh
from exactmtl.coding import (
    FiniteClass,
    code_length_certificate,
    feature_class,
    midpoint_centre,
    output_table,
    sup_distance,
    verify_cover,
    verify_packing,
)
from exactmtl.proofcheck import Claim, expect, expect_equal, expect_true, progress

CLAIM = Claim("M23", "Helly/box property; packing = cover certificates")


def _random_function(rng: random.Random, linear: bool) -> Piecewise:
    size = 8
    cuts = sorted(rng.sample(range(1, size), rng.randint(0, 3)))
    pieces = [(Fraction(rng.randint(-6, 6), 4), Fraction(rng.randint(-2, 2)) if linear else 0)
              for _ in range(len(cuts) + 1)]
    return Piecewise.linear([Fraction(c, size) for c in cuts], pieces)


def _random_set(rng: random.Random) -> list:
    linear = rng.random() < 0.5
    size = rng.randint(1, 5)
    if rng.random() < 0.3:
        return [(_random_function(rng, linear), _random_function(rng, linear))
                for _ in range(size)]
    return [_random_function(rng, linear) for _ in range(size)]


def _check_helly(fs: list, centre) -> dict:
    diam = max(sup_distance(f, g) for f in fs for g in fs)
    radius = max(sup_distance(centre, f) for f in fs)
    expect_equal(radius, diam / 2, "the midpoint centre's radius is not diam / 2",
                 diameter=diam)
    for eps in (diam / 2, diam / 2 - Fraction(1, 64), diam / 2 + Fraction(1, 64)):
        if eps < 0:
            continue
        expect_equal(radius <= eps, diam <= 2 * eps, "ball iff pairwise <= 2 eps", eps=eps)
    return {"diameter": diam}


def check_helly_random_sets(full: bool = False) -> dict:
    rng = random.Random(23)
    count = 1000 if full else 150
    for _ in progress(range(count), "random sets"):
        fs = _random_set(rng)
        _check_helly(fs, midpoint_centre(fs))
    return {"sets": count}


def _classes() -> list[tuple[str, FiniteClass]]:
    out = [(f"H_{n}", feature_class(n)) for n in (1, 2, 3)]
    for n in (1, 2, 3):
        for m in range(n + 1):
            for k in range(1 << m):
                out.append((f"n={n},m={m},K={{{k}}}", output_table(n, m, [k]).joint()))
            ks = list(range(min(4, 1 << m)))
            if len(ks) > 1:
                out.append((f"n={n},m={m},K={ks}", output_table(n, m, ks).joint()))
    return out


def check_packing_equals_cover_n3() -> dict:
    thresholds = 0
    classes = _classes()
    for name, cls in progress(classes, "classes"):
        for d in (Fraction(0), *cls.distances()):
            cert = code_length_certificate(cls, d / 2)
            expect(cert.certified and len(cert.packing) == len(cert.cover),
                   "packing != cover", cls=name, eps=d / 2, method=cert.method)
            expect_true(cert.verify(), "certificate re-check failed", cls=name, eps=d / 2)
            thresholds += 1
    return {"classes": len(classes), "thresholds": thresholds}


def _outputs(sigma: int, n: int, m: int, ks: list[int]) -> tuple[Piecewise, ...]:
    """F_t = pal_{k_t} (2 S_m - 1) o h_sigma, built from exactmtl.bases only."""
    h = feature(sigma, n, form="haar")
    return tuple((walsh(k) * (2 * sawtooth(m) - 1)).compose(h) for k in ks)


def check_certificates_with_piecewise_outputs() -> dict:
    checked = 0
    for n, m, ks in ((1, 1, [0, 1]), (2, 1, [0, 1]), (2, 2, [1, 2, 3])):
        fs = [_outputs(s, n, m, ks) for s in range(2 ** (2 ** n - 1))]
        cls = FiniteClass(fs)
        members = cls.members
        for d in (Fraction(0), *cls.distances()):
            eps = d / 2
            cert = code_length_certificate(cls, eps)
            expect_true(verify_cover(members, cert.cover, eps), "cover", n=n, m=m, eps=eps)
            expect_true(verify_packing(members, cert.packing, eps), "packing", n=n, m=m, eps=eps)
            expect_equal(len(cert.packing), len(cert.cover), "packing != cover", n=n, eps=eps)
            table = output_table(n, m, ks).joint()
            expect_equal(code_length_certificate(table, eps).covering_number,
                         cert.covering_number, "table class != Piecewise class", n=n, eps=eps)
            checked += 1
    return {"thresholds": checked}


# --------------------------------------------------------------------------- falsifiers

def _merged_cover() -> tuple[list, tuple, Fraction]:
    fs = [Piecewise.on_grid([a, b]) for a in range(3) for b in range(2)]
    cert = code_length_certificate(fs, Fraction(1, 2))
    merged = (cert.cover[0] + cert.cover[-1], *cert.cover[1:-1])
    return FiniteClass(fs).members, merged, cert.eps


def falsify_cover_with_far_pair() -> None:
    members, merged, eps = _merged_cover()
    expect_true(verify_cover(members, merged, eps), "cover with merged groups")


def falsify_packing_with_close_pair() -> None:
    fs = [Piecewise.constant(c) for c in (0, 1, 3)]
    expect_true(verify_packing(fs, [0, 1, 2], Fraction(1, 2)), "packing with a close pair")


def falsify_shifted_centre() -> None:
    fs = [Piecewise.on_grid([0, 2]), Piecewise.on_grid([1, 0])]
    off = midpoint_centre(fs) + Fraction(1, 4)
    _check_helly(fs, off)


def falsify_cover_at_smaller_eps() -> None:
    # the one-ball cover certified at eps = 1/2 is not a cover at eps = 1/4 < d / 2
    fs = [Piecewise.constant(0), Piecewise.constant(1)]
    cert = code_length_certificate(fs, Fraction(1, 2))
    expect_true(verify_cover(fs, cert.cover, Fraction(1, 4)), "one ball at eps = 1/4")
