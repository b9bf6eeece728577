"""Shared pytest set-up: ``--full`` runs the slow sweeps and the proofs' long ranges."""

from __future__ import annotations

import os

import mpmath
import pytest
from hypothesis import settings

# CI (CI=true) runs a fixed, reproducible set of examples; local runs explore new ones.
settings.register_profile("ci", deadline=None, print_blob=True,
                          derandomize=bool(os.environ.get("CI")))
settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--full", action="store_true", default=False,
                     help="run tests marked slow and the proofs' --full ranges")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--full"):
        return
    skip = pytest.mark.skip(reason="slow sweep: run with --full")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def full(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--full"))


@pytest.fixture(autouse=True)
def _restore_mpmath_precision():
    """mpmath's precision is global: any test that changes it gets it restored."""
    prec = mpmath.mp.prec
    yield
    mpmath.mp.prec = prec
