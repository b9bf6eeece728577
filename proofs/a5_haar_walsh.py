"""A5 -- the Haar <-> Walsh change of basis is exact, both directions O(N log N).

Statement   For a step function f on the level-n cells with Haar coefficients
            f = a + sum_{j<n,k} d_{j,k} psi_{j,k} and Walsh coefficients c_m = <f, w_m> (Paley):
            c_0 = a and c_{2^j + m} = 2^-j sum_k w_m(I_{j,k}) d_{j,k} (m < 2^j), because
            psi_{j,k} = 2^-j sum_{m<2^j} w_m(I_{j,k}) w_{2^j+m}; the inverse is
            d_j = W_j^T c_[2^j, 2^(j+1)). Both maps are exact and take O(N log N) operations.
Check       Seeded random integer steps (values up to 2^20 in size, plus values at the int64
            boundary): haar_to_walsh(haar_transform(f)) equals fwht(f, paley) / 2^n exactly,
            walsh_to_haar maps it back, and the inverse Haar and inverse Walsh transforms return
            f (round trips, every ordering). The whole change-of-basis matrix (haar_to_walsh of
            every unit vector) equals the Walsh spectra of the Haar system computed by the
            independent route fwht(psi_{j,k}) / 2^n. For n <= 4 every entry is compared with
            the exact Piecewise inner product <psi_{j,k}, w_m> (bases.haar, bases.walsh), and
            sum_m c_m w_m == psi_{j,k} as exact Piecewise functions.
Range       round trips n <= 12 by default (3 steps per level), n <= 20 with --full (the
            beyond-int64 step up to n = 16); the full matrix n <= 10 by default, n <= 12 with
            --full.
Falsifier   one Haar coefficient off by one: its Walsh image no longer matches fwht(f) / 2^n.
Source      conventions §A.5, §A.6 (docs/conventions.md); main construction §2.3, §2.4
            (docs/main_construction.md); Beauchamp, Walsh functions and their applications
            (1975).
Provenance  paper
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from exactmtl import (
    WALSH_ORDERS,
    Piecewise,
    TransformResult,
    fwht_with_report,
    haar,
    haar_system,
    haar_to_walsh_with_report,
    haar_transform_with_report,
    ifwht,
    inner,
    inverse_haar_transform,
    walsh,
    walsh_to_haar_with_report,
)
from exactmtl.proofcheck import Claim, cases, expect, expect_equal

CLAIM = Claim("A5", "Haar <-> Walsh change of basis, exact and fast")


def _same(a: TransformResult, b: TransformResult) -> bool:
    """a.numerators / a.denominator == b.numerators / b.denominator, entrywise and exactly."""
    x, y = a.numerators, b.numerators
    da, db = a.denominator, b.denominator
    g = math.gcd(da, db)
    ka, kb = db // g, da // g  # x * ka == y * kb  <=>  x / da == y / db
    bound = max(_bits(x) + ka.bit_length(), _bits(y) + kb.bit_length())
    if x.dtype != object and y.dtype != object and bound <= 62:
        return bool(np.array_equal(x * ka, y * kb))
    return bool(np.array_equal(np.asarray(x, dtype=object) * ka,
                               np.asarray(y, dtype=object) * kb))


def _bits(x: np.ndarray) -> int:
    return max(abs(int(x.max())), abs(int(x.min()))).bit_length() if x.size else 0


def _equal_arrays(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != object and b.dtype != object:
        return bool(np.array_equal(a, b))
    return bool(np.array_equal(a.astype(object), b.astype(object)))


def _first_difference(a: TransformResult, b: TransformResult) -> dict:
    av, bv = a.values.reshape(-1), b.values.reshape(-1)
    i = next(i for i in range(av.size) if av[i] != bv[i])
    return {"index": i, "got": av[i], "expected": bv[i]}


def _check_change_of_basis(n: int, values: np.ndarray, haar_coeffs: TransformResult) -> None:
    """haar_coeffs must be the Haar coefficients of values: compare through the Walsh side."""
    walsh_direct = fwht_with_report(values, "paley")
    walsh_direct = TransformResult(walsh_direct.numerators, walsh_direct.denominator << n,
                                   "walsh coefficients", "paley", n, walsh_direct.path,
                                   walsh_direct.reason, walsh_direct.input_bits)
    via_haar = haar_to_walsh_with_report(haar_coeffs, "paley")
    if not _same(via_haar, walsh_direct):
        expect(False, "haar_to_walsh(haar) != fwht(f) / 2^n", n=n,
               **_first_difference(via_haar, walsh_direct))
    back = walsh_to_haar_with_report(walsh_direct, "paley")
    if not _same(back, haar_coeffs):
        expect(False, "walsh_to_haar(walsh) != haar", n=n, **_first_difference(back, haar_coeffs))


def _check_round_trips(n: int, values: np.ndarray) -> None:
    haar_coeffs = haar_transform_with_report(values)
    _check_change_of_basis(n, values, haar_coeffs)
    expect(_equal_arrays(inverse_haar_transform(haar_coeffs), values),
           "inverse Haar round trip", n=n)
    for order in WALSH_ORDERS:
        coeffs = fwht_with_report(values, order)
        expect(_equal_arrays(ifwht(coeffs, order), values), "inverse Walsh round trip", n=n,
               order=order)
        via = haar_to_walsh_with_report(haar_coeffs, order)
        expect(_same(walsh_to_haar_with_report(via, order), haar_coeffs),
               "Haar -> Walsh -> Haar round trip", n=n, order=order)


def _check_matrix(n: int) -> None:
    """Change-of-basis matrix two ways: unit Haar vectors vs Walsh spectra of the Haar system."""
    size = 1 << n
    # row b: Walsh coefficients of the Haar basis function b (b = 0: the constant 1)
    unit = TransformResult(np.eye(size, dtype=np.int64), 1, "unit", None, n, "int64", "", 1)
    via_haar = haar_to_walsh_with_report(unit, "paley")
    spectra = fwht_with_report(haar_system(n).numerators, "paley")
    direct = TransformResult(spectra.numerators, size, "walsh", "paley", n, spectra.path, "", 1)
    if not _same(via_haar, direct):
        expect(False, "change-of-basis matrix differs from the Walsh spectra of the Haar "
               "system", n=n, **_first_difference(via_haar, direct))


def _check_piecewise(n: int) -> None:
    """Every matrix entry equals the exact Piecewise inner product; expansions reproduce psi."""
    size = 1 << n
    unit = TransformResult(np.eye(size, dtype=np.int64), 1, "unit", None, n, "int64", "", 1)
    matrix = haar_to_walsh_with_report(unit, "paley").values
    ws = [walsh(m) for m in range(size)]
    basis = [Piecewise.constant(1)] + [haar(j, k) for j in range(n) for k in range(1 << j)]
    for b, psi in enumerate(basis):
        recon = Piecewise.constant(0)
        for m in range(size):
            expect_equal(Fraction(matrix[b, m]), inner(psi, ws[m]),
                         "matrix entry != <psi, w_m>", n=n, b=b, m=m)
            recon = recon + ws[m] * Fraction(matrix[b, m])
        expect(recon == psi, "sum_m c_m w_m != psi", n=n, b=b)


def _random_steps(n: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    size = 1 << n
    small = rng.integers(-(1 << 20), 1 << 20, size, dtype=np.int64)
    edge_bits = 63 - n  # the largest input the int64 path accepts at this level
    edge = rng.integers(-(1 << edge_bits) + 1, 1 << edge_bits, size, dtype=np.int64)
    big = np.array([int(v) << (n + 3) for v in rng.integers(-(1 << 40), 1 << 40, size)],
                   dtype=object)  # beyond int64: exact limbs / Python ints
    return [small, edge, big]


def _round_trip_certificate(levels: list[int], paths: list[list[str]]) -> dict:
    return {"levels": f"0..{levels[-1]}", "steps_per_level": 3,
            "paths": sorted(set().union(*paths))}


@cases(lambda full: range(0, (20 if full else 12) + 1), merge=_round_trip_certificate,
       weight=lambda n: 10 / 2 ** (20 - n))
def check_change_of_basis(n: int) -> list[str]:
    paths = set()
    for values in _random_steps(n, seed=1000 + n):
        if n <= 16 or values.dtype != object:
            _check_round_trips(n, values)
            paths.add(haar_transform_with_report(values).path)
    return sorted(paths)


def _matrix_certificate(levels: list, _: list) -> dict:
    return {"matrix_levels": f"0..{levels[-2]}", "piecewise_levels": "0..4"}


@cases(lambda full: [*range(0, (12 if full else 10) + 1), "piecewise"],
       merge=_matrix_certificate,
       weight=lambda n: 0.5 if n == "piecewise" else 10 / 4 ** (12 - n))
def check_change_of_basis_matrix(n: int | str) -> None:
    if n == "piecewise":
        for level in range(0, 5):
            _check_piecewise(level)
    else:
        _check_matrix(n)


def falsify_one_coefficient_off() -> None:
    n = 5
    values = _random_steps(n, seed=7)[0]
    good = haar_transform_with_report(values)
    num = np.array(good.numerators, copy=True)
    num[9] += 1  # one Haar coefficient off by 1 / (2^n)
    bad = TransformResult(num, good.denominator, "haar", None, n, good.path, good.reason,
                          good.input_bits)
    _check_change_of_basis(n, values, bad)


def falsify_matrix_entry_off() -> None:
    n = 3
    size = 1 << n
    unit = TransformResult(np.eye(size, dtype=np.int64), 1, "unit", None, n, "int64", "", 1)
    m = haar_to_walsh_with_report(unit, "paley")
    num = np.array(m.numerators, copy=True)
    num[5, 6] += 1
    wrong = TransformResult(num, m.denominator, "haar_to_walsh", "paley", n, m.path, "", 1)
    spectra = fwht_with_report(haar_system(n).numerators, "paley")
    direct = TransformResult(spectra.numerators, size, "walsh", "paley", n, spectra.path, "", 1)
    expect(_same(wrong, direct), "change-of-basis matrix differs", n=n)
