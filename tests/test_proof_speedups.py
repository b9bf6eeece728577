"""Sped-up helpers of the proof files against their earlier, slower construction (oracles)."""

from __future__ import annotations

import importlib
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from exactmtl import Piecewise, equal
from exactmtl.construction import (
    all_sigmas,
    feature_translations,
    random_sigma,
    sign_pattern,
    subtree_sigma,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "proofs"))


def _proof(name: str):
    return importlib.import_module(name)


def _old_cellwise_rhs(sigma, n, m, omega):
    """The right-hand side of M20 by Piecewise algebra: omega W (2^(m+1) x + C)."""
    w = 2 ** (n - m)
    signs, consts = [], []
    for u in range(2 ** m):
        tau = feature_translations(subtree_sigma(sigma, n, m, u), n - m)
        for c in range(w):
            signs.append(omega[u])
            consts.append(Fraction(2 * tau[c], w) - 2 * u - 1)
    W = Piecewise.on_grid(signs)
    return W * (Piecewise.identity() * 2 ** (m + 1) + Piecewise.on_grid(consts))


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_m20_cellwise_rhs_matches_piecewise_algebra(n):
    m20 = _proof("m20_cellwise_structure")
    sigmas = list(all_sigmas(n)) if n <= 2 else [random_sigma(n, seed=s) for s in range(3)]
    for sigma in sigmas:
        for m in range(n + 1):
            for k in sorted({0, 1 % 2 ** m, 2 ** m - 1}):
                for pattern in (sign_pattern, m20.wrong_sign_pattern) if m < n else (
                        sign_pattern,):
                    omega = pattern(sigma, n, m, k)
                    new = m20.cellwise_rhs(sigma, n, m, omega)
                    old = _old_cellwise_rhs(sigma, n, m, omega)
                    assert new == old and equal(new, old)
                    assert new.knots == old.knots and new.values == old.values


def test_m20_cellwise_rhs_sees_a_changed_sign():
    m20 = _proof("m20_cellwise_structure")
    n, m, sigma = 3, 1, 5
    omega = sign_pattern(sigma, n, m, 1)
    flipped = (-omega[0], *omega[1:])
    assert m20.cellwise_rhs(sigma, n, m, flipped) != _old_cellwise_rhs(sigma, n, m, omega)


@pytest.mark.parametrize("m", [0, 1, 3, 5])
def test_m8_preimage_measures_match_indicator_integrals(m):
    from exactmtl import integrate, sawtooth

    m8 = _proof("m08_sawtooth")
    s = sawtooth(m)
    for q in range(m + 3):
        want = [integrate(m8._indicator(q, c).compose(s)) for c in range(2 ** q)]
        assert m8._preimage_measures(q, s) == want


def test_m8_preimage_measures_see_the_halving_map():
    from exactmtl.errors import CheckFailed

    m8 = _proof("m08_sawtooth")
    half = Piecewise.linear([], [(0, Fraction(1, 2))])
    assert m8._preimage_measures(3, half) == [Fraction(1, 4)] * 4 + [Fraction(0)] * 4
    with pytest.raises(CheckFailed):
        m8._check_measure(3, half)
