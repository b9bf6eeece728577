"""M16 -- Theorem H: the exact code length of the feature class, L(eps, H_n) = 2^j - 1.

Statement   For n >= 1, 0 <= j <= n and eps in [2^-(j+1) - 2^-(n+1), 2^-j - 2^-(n+1)) (for
            j = 0: eps >= 1/2 - 2^-(n+1)), N_ext(eps, H_n) = M(2 eps, H_n) = 2^(2^j - 1), so
            L(eps, H_n) = 2^j - 1 = 2^j(eps) - 1 with
            j(eps) = min(n, max(0, ceil(log2(1 / (2 eps + 2^-n))))).
Check       (1) n <= 3: the whole certified curve L(eps, H_n) (every threshold, packing = cover)
            equals the formula segment by segment, and the exact distances of the table class
            equal those of the Piecewise features h_sigma of exactmtl.construction.
            (2) n = 4, all 32768 sigma: the cover "fix the levels < j" has groups of diameter
            exactly 2^(n-j) - 1 units of 2^-n (= twice the radius at the left end of the
            interval; the midpoint centre is dyadic), and the copy packing (levels < j free,
            the level-(j-1) bit copied to every descendant) has 2^(2^j - 1) members with
            minimum distance exactly 2^(n-j+1) - 1 units (j >= 1), a packing for every eps
            below the right end. Sizes 1, 2, 8, 128 (and 2^15: distinct tables are >= 1 unit
            apart).
            (3) n = 5, 6, random j and sampled groups: the cover radius per cell by
            enumerating the n - j free nodes on the cell's path, and the packing separation on
            sampled pairs.
Range       n <= 3 full curves, n = 4 all sigma; n = 5, 6 sampled (16 groups, 200 pairs per j);
            --full samples 8x more.
Falsifier   the closed form off by one (2^j instead of 2^j - 1); a cover radius one unit too
            small; a packing that does not copy the level-(j-1) bit down.
Source      arXiv 2606.16028, reference construction: main construction §3.4 (Theorem H)
            (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

from exactmtl import feature
from exactmtl.coding import FiniteClass, code_length_curve, feature_class
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("M16", "Theorem H: exact code length of the feature class")


def formula_curve(n: int, offset: int = 0) -> list[tuple[Fraction, Fraction | None, int]]:
    """Theorem H as segments (start, stop, L); ``offset`` perturbs L (falsifier)."""
    out = []
    for j in range(n, -1, -1):
        lo = Fraction(1, 2 ** (j + 1)) - Fraction(1, 2 ** (n + 1)) if j < n else Fraction(0)
        hi = Fraction(1, 2 ** j) - Fraction(1, 2 ** (n + 1)) if j > 0 else None
        out.append((lo, hi, 2 ** j - 1 + (offset if j else 0)))
    return out


def _check_curve(n: int, expected: list[tuple[Fraction, Fraction | None, int]]) -> None:
    curve = code_length_curve(feature_class(n))
    got = [(s.start, s.stop, s.value) for s in curve]
    expect_equal(got, expected, "certified L(eps, H_n) != Theorem H", n=n)


def check_curves_by_enumeration() -> dict:
    for n in (1, 2, 3):
        _check_curve(n, formula_curve(n))
    return {"n": [1, 2, 3], "segments": [len(formula_curve(n)) for n in (1, 2, 3)]}


def check_table_class_equals_piecewise_features() -> dict:
    for n in (1, 2, 3):
        direct = FiniteClass([feature(s, n, form="haar") for s in range(2 ** (2 ** n - 1))])
        table = feature_class(n)
        expect_equal(direct.size, table.size, "class sizes differ", n=n)
        expect_equal(direct.distances(), table.distances(), "distance sets differ", n=n)
        expect_equal(direct.min_distance, Fraction(1, 2 ** n), "minimum distance", n=n)
        expect_equal(direct.diameter, 1 - Fraction(1, 2 ** n), "maximum distance", n=n)
    return {"n": [1, 2, 3], "oracle": "Haar-series features built from exactmtl.bases"}


# --------------------------------------------------------------------------- n = 4, all sigma

def _tau_table(n: int) -> np.ndarray:
    """tau_sigma(c) 2^n for every sigma (rows) and cell c (digit-flip form)."""
    sig = np.arange(1 << ((1 << n) - 1), dtype=np.int64)[:, None]
    cells = np.arange(1 << n, dtype=np.int64)[None, :]
    img = np.broadcast_to(cells, (sig.shape[0], 1 << n)).copy()
    for j in range(n):
        node = (1 << j) - 1 + (cells >> (n - j))
        img ^= ((sig >> node) & 1) << (n - 1 - j)
    return img - cells


def _copy_packing(n: int, j: int, copy: bool = True) -> np.ndarray:
    """Sign patterns of the copy packing: levels < j free, level-(j-1) bits copied down."""
    prefixes = range(1 << ((1 << j) - 1))
    out = [_copy_packing_one(p, n, j) if copy and j >= 1 else p for p in prefixes]
    return np.array(out, dtype=np.int64)


def _check_cover_and_packing(n: int, tau: np.ndarray, radius_units: dict[int, Fraction],
                             copy: bool = True) -> dict:
    """Cover diameters and packing separations for every j, in units of 2^-n."""
    cert = {}
    for j in range(n + 1):
        key = np.arange(tau.shape[0]) & ((1 << ((1 << j) - 1)) - 1)  # the levels < j
        order = np.argsort(key, kind="stable")
        sk = key[order]
        starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
        hi = np.maximum.reduceat(tau[order], starts, axis=0)
        lo = np.minimum.reduceat(tau[order], starts, axis=0)
        diam = int((hi - lo).max())
        expect_equal(diam, 2 * radius_units[j], "cover group diameter != 2 radius", n=n, j=j)
        expect_equal(len(starts), 2 ** (2 ** j - 1), "number of cover groups", n=n, j=j)
        if j == n:
            sep = 1  # distinct integer tables
        else:
            pack = tau[_copy_packing(n, j, copy)]
            if len(pack) == 1:
                sep = None
            else:
                d = np.abs(pack[:, None, :] - pack[None, :, :]).max(axis=2)
                sep = int(d[np.triu_indices(len(pack), 1)].min())
        if sep is not None and j < n:
            expect_equal(sep, 2 ** (n - j + 1) - 1, "copy packing separation", n=n, j=j)
        cert[j] = {"groups": len(starts), "diameter_units": diam, "packing_separation": sep}
    return cert


def _radius_units(n: int) -> dict[int, Fraction]:
    """The cover radius 2^-(j+1) - 2^-(n+1) in units of 2^-n: (2^(n-j) - 1) / 2."""
    return {j: Fraction(2 ** (n - j) - 1, 2) for j in range(n + 1)}


def check_n4_constructions() -> dict:
    n = 4
    tau = _tau_table(n)
    expect_equal(len({r.tobytes() for r in tau}), 2 ** 15, "H_4 is not injective")
    return {"n": 4, "per_j": _check_cover_and_packing(n, tau, _radius_units(n))}


# --------------------------------------------------------------------------- n = 5, 6 sampled

def _tau_one(sigma: int, n: int) -> list[int]:
    out = []
    for c in range(1 << n):
        y = c
        for j in range(n):
            if sigma >> ((1 << j) - 1 + (c >> (n - j))) & 1:
                y ^= 1 << (n - 1 - j)
        out.append(y - c)
    return out


def _cell_range(prefix: int, n: int, j: int, c: int) -> int:
    """max - min of tau(c) 2^n over all completions of the levels < j (free nodes on c's path)."""
    vals = []
    free = n - j
    for bits in range(1 << free):
        y = c
        for lev in range(n):
            node = (1 << lev) - 1 + (c >> (n - lev))
            b = (prefix >> node) & 1 if lev < j else (bits >> (lev - j)) & 1
            if b:
                y ^= 1 << (n - 1 - lev)
        vals.append(y - c)
    return max(vals) - min(vals)


def check_sampled_depths(full: bool = False) -> dict:
    rng = random.Random(16)
    reps = 8 if full else 1
    out = {}
    for n in progress((5, 6), "depth"):
        for j in range(n + 1):
            worst = 0
            for _ in range(16 * reps):
                prefix = rng.getrandbits((1 << j) - 1) if j else 0
                for c in range(1 << n):
                    worst = max(worst, _cell_range(prefix, n, j, c))
            expect_equal(worst, 2 ** (n - j) - 1, "sampled cover diameter", n=n, j=j)
            if 1 <= j < n:
                nodes = (1 << j) - 1
                worst_sep = None
                for _ in range(200 * reps):
                    a, b = rng.getrandbits(nodes), rng.getrandbits(nodes)
                    if a == b:
                        continue
                    sa = int(_copy_packing_one(a, n, j))
                    sb = int(_copy_packing_one(b, n, j))
                    d = max(abs(x - y) for x, y in zip(_tau_one(sa, n), _tau_one(sb, n)))
                    worst_sep = d if worst_sep is None else min(worst_sep, d)
                    expect(d >= 2 ** (n - j + 1) - 1, "copy packing pair too close",
                           n=n, j=j, a=a, b=b, distance_units=d)
                out[f"n={n},j={j}"] = worst_sep
    return out


def _copy_packing_one(prefix: int, n: int, j: int) -> int:
    sigma = prefix
    for lev in range(j, n):
        for k in range(1 << lev):
            anc = k >> (lev - j + 1)
            sigma |= ((prefix >> ((1 << (j - 1)) - 1 + anc)) & 1) << ((1 << lev) - 1 + k)
    return sigma


# --------------------------------------------------------------------------- falsifiers

def falsify_formula_off_by_one() -> None:
    _check_curve(3, formula_curve(3, offset=1))


def falsify_cover_radius_too_small() -> None:
    n = 3
    radius = {j: r - Fraction(1, 2) for j, r in _radius_units(n).items()}
    _check_cover_and_packing(n, _tau_table(n), radius)


def falsify_packing_without_copy() -> None:
    n = 3
    _check_cover_and_packing(n, _tau_table(n), _radius_units(n), copy=False)
