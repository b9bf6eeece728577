"""M12 -- The three forms of the hard feature h_sigma agree everywhere.

Statement   For every depth n and sign pattern sigma on the nodes (j, k), j < n:
            (1) digit flip: y_i = x_i XOR sigma_{i-1, floor(2^{i-1} x)} for i <= n, y_i = x_i
            beyond, h(x) = sum_i y_i 2^-i;
            (2) Haar series: h(x) = x + sum_j 2^-(j+1) sum_k sigma_{j,k} psi_{j,k}(x);
            (3) Rademacher-Haar series with eps = 1 - 2 sigma:
            h(x) = 1/2 - sum_j 2^-(j+2) sum_k eps_{j,k} psi_{j,k}(x) - 2^-n (1/2 - S_n(x));
            all three are the same function on [0, 1); the int, bit-string and dict forms of
            sigma give the same feature.
Check       the three independently built exact Piecewise functions of
            exactmtl.construction.feature (form="digit-flip" | "haar" | "rademacher-haar") are
            equal (canonical forms: equal everywhere, no exceptional point); at every x in
            D_{n+2} they equal the digit formula evaluated with integers; the three sigma
            encodings give the same function.
Range       every sigma for n <= 3 (1 + 2 + 8 + 128 patterns); 20 random sigma for each
            4 <= n <= 8 (seeded); --full: every sigma for n = 4 and n <= 10 random.
Falsifier   the Haar series with coefficient 2^-j instead of 2^-(j+1); the bit string read in
            the wrong order (last character = node (0, 0)).
Source      arXiv 2606.16028, reference construction: main construction §2.6 (three forms of the
            feature) (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

from fractions import Fraction

from exactmtl import Piecewise, haar
from exactmtl.construction import (
    all_sigmas,
    feature,
    random_sigma,
    sigma_bits,
    sigma_nodes,
)
from exactmtl.proofcheck import Claim, cases, expect, expect_equal, progress

CLAIM = Claim("M12", "the three forms of h_sigma agree everywhere")


def _digit_value(mask: int, n: int, a: int, level: int) -> Fraction:
    """h_sigma(a / 2^level) by the digit rule, with integers (level >= n)."""
    y = a
    for i in range(1, n + 1):
        prefix = a >> (level - i + 1)
        if (mask >> ((1 << (i - 1)) - 1 + prefix)) & 1:
            y ^= 1 << (level - i)
    return Fraction(y, 1 << level)


def _check(n: int, mask: int, forms: dict[str, Piecewise]) -> None:
    ref = forms["digit-flip"]
    for name, f in forms.items():
        expect_equal(f, ref, f"form {name!r} != digit-flip form", n=n, sigma=mask)
    level = n + 2
    for a in range(1 << level):
        x = Fraction(a, 1 << level)
        expect_equal(ref(x), _digit_value(mask, n, a, level), "digit formula", n=n, sigma=mask,
                     x=x)


def _forms(mask: int, n: int) -> dict[str, Piecewise]:
    return {f: feature(mask, n, form=f) for f in ("digit-flip", "haar", "rademacher-haar")}


def _encodings(mask: int, n: int) -> None:
    text = "".join(str((mask >> i) & 1) for i in range((1 << n) - 1))
    expect_equal(sigma_bits(text, n), mask, "bit string form", n=n, sigma=mask)
    expect_equal(sigma_bits(sigma_nodes(mask, n), n), mask, "dict form", n=n, sigma=mask)


CHUNK = 2048  # sign patterns per case: n = 4 (32768 patterns) is 16 cases


def _sigma_chunks(full: bool) -> list[tuple[int, int, int]]:
    """(n, first, stop): every sign pattern of depth n <= 3 (4 with --full), in chunks."""
    return [(n, lo, min(lo + CHUNK, len(all_sigmas(n))))
            for n in range((4 if full else 3) + 1)
            for lo in range(0, len(all_sigmas(n)), CHUNK)]


@cases(_sigma_chunks, weight=lambda c: (c[2] - c[1]) * 2.0 ** (c[0] - 4) / 100,
       merge=lambda chunks, counts: {"n": f"0..{chunks[-1][0]}", "sigma": sum(counts)})
def check_all_sigma(chunk: tuple[int, int, int]) -> int:
    n, lo, hi = chunk
    for mask in progress(all_sigmas(n)[lo:hi], f"n={n} [{lo}, {hi})"):
        _check(n, mask, _forms(mask, n))
        _encodings(mask, n)
    return hi - lo


def check_random_sigma(full: bool = False) -> dict:
    top = 10 if full else 8
    for n in range(4, top + 1):
        for seed in range(20 if n <= 6 else 5):
            mask = random_sigma(n, seed=seed)
            _check(n, mask, _forms(mask, n))
    return {"n": f"4..{top}", "seeds": "20 (n <= 6), 5 beyond"}


def falsify_haar_coefficient() -> None:
    n, mask = 3, 0b1011001
    wrong = Piecewise.identity()
    for (j, k), bit in sigma_nodes(mask, n).items():
        if bit:
            wrong = wrong + haar(j, k) * Fraction(1, 2 ** j)
    forms = _forms(mask, n)
    forms["haar"] = wrong
    _check(n, mask, forms)


def falsify_reversed_bit_string() -> None:
    n, mask = 3, 0b1011001
    text = "".join(str((mask >> i) & 1) for i in range((1 << n) - 1))
    forms = _forms(mask, n)
    forms["digit-flip"] = feature(text[::-1], n)
    expect(text != text[::-1], "the falsifier needs a non-palindromic sigma")
    _check(n, mask, forms)
