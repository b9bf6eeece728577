"""Structured certificates of the construction's classes, the independent checker, early stops."""

from __future__ import annotations

import json
import random
import time
from fractions import Fraction as Fr

import numpy as np
import pytest

from exactmtl import InexactInputError, InvalidArgument, outputs
from exactmtl.coding import FiniteClass, code_length, joint_bits_report, output_table
from exactmtl.coding_check import check_certificate, outputs_table
from exactmtl.colouring import (
    dsatur,
    exact_colouring,
    far_graph,
    max_clique,
    sat_available,
    sat_colouring,
)
from exactmtl.construction_certify import ClassSolver, certify_class, solver
from exactmtl.covering import _certify, bits_from_count, count_range
from exactmtl.errors import CheckFailed


def _families(n: int):
    for m in range(n + 1):
        size = 1 << m
        for ks in {tuple(range(min(4, size))), tuple(range(size - 1, max(-1, size - 5), -1))}:
            yield m, ks


@pytest.mark.parametrize("n", [1, 2, 3])
def test_structured_equals_generic_search_at_every_threshold(n):
    """Oracle: the orbit covers / completion packings give the code length that the generic
    DSATUR + clique search on the whole class gives, for every family and eps (n <= 3)."""
    checked = 0
    for m, ks in _families(n):
        tab = output_table(n, m, list(ks))
        for task in [None, *range(len(ks))]:
            s = solver(n, m, ks, task)
            cls = tab.joint() if task is None else tab.marginal(task)
            for eps in s.thresholds():
                cert = s.certify(eps)
                assert cert.code_length == code_length(cls, eps), (n, m, ks, task, eps)
                check_certificate(json.loads(json.dumps(cert.to_json())))
                checked += 1
    assert checked > 10


def test_checker_tables_equal_output_table_and_piecewise_outputs():
    for n in range(1, 5):
        for m in range(n + 1):
            ks = list(range(min(4, 1 << m)))
            for heads in ("sawtooth-walsh", "walsh"):
                v, scale = outputs_table(n, m, ks, heads)
                t = output_table(n, m, ks, heads)
                w = t.values if t.values.shape[-1] == 2 else np.repeat(t.values, 2, axis=-1)
                assert scale == t.scale and (v == w).all(), (n, m, heads)
    rng = random.Random(3)
    n, m, ks = 3, 2, [0, 1, 2, 3]
    v, scale = outputs_table(n, m, ks, "sawtooth-walsh")
    for sigma in rng.sample(range(1 << 7), 6):  # a second route: exact Piecewise outputs
        for t, f in enumerate(outputs(sigma, n, m, ks)):
            for c in range(1 << n):
                left = f(Fr(c, 1 << n))
                right = f.limit(Fr(c + 1, 1 << n), "left")
                assert Fr(int(v[sigma, t, c, 0]), scale) == left
                assert Fr(int(v[sigma, t, c, 1]), scale) == right


def _cert(eps=Fr(1, 4), task=None):
    return json.loads(json.dumps(certify_class(3, 2, [0, 1, 2, 3], task, eps).to_json()))


def test_checker_accepts_and_rejects():
    cert = _cert()
    assert "verified" in check_certificate(cert)
    bad = dict(cert, code_length=cert["code_length"] + 1)
    with pytest.raises(CheckFailed, match="do not fix"):
        check_certificate(bad)
    with pytest.raises(CheckFailed, match="labels"):
        check_certificate(dict(cert, cover=cert["cover"][:-1]))
    with pytest.raises(CheckFailed, match="fraction string"):
        check_certificate(dict(cert, eps=0.25))
    with pytest.raises(CheckFailed, match="apart"):
        check_certificate(dict(cert, packing=[cert["packing"][0]] * 2))
    with pytest.raises(CheckFailed, match="diameter"):
        check_certificate(dict(cert, cover=[0] * len(cert["cover"]), code_length=0,
                               packing=[0]))
    with pytest.raises(CheckFailed, match="unsupported"):
        check_certificate(dict(cert, n=5))


def test_checker_rejects_a_too_small_eps():
    cert = _cert(Fr(1, 2))
    with pytest.raises(CheckFailed):
        check_certificate(dict(cert, eps="1/4"))


def test_n4_reports_are_decided_with_certificates():
    rep = joint_bits_report(4, 2, [0, 1, 2, 3], Fr(3, 8))
    assert (rep.value, rep.route, rep.consistent) == (7, "brute force", True)
    check_certificate(json.loads(json.dumps(rep.certificate.to_json())))


def test_solver_validates_arguments():
    with pytest.raises(InvalidArgument, match="task=7"):
        certify_class(3, 2, [0, 1], 7, 0)
    with pytest.raises(InexactInputError):
        certify_class(3, 2, [0, 1], 0, 0.25)
    with pytest.raises(InvalidArgument, match="n <= 4"):
        ClassSolver(5, 2, [0, 1], None)
    with pytest.raises(InvalidArgument, match="convention"):
        certify_class(3, 2, [0, 1], 0, 0, convention="bits")


def test_count_range_matches_bits():
    for conv in ("N0", "N"):
        for b in range(0, 9):
            if conv == "N" and b == 0:
                continue
            lo, hi = count_range(b, conv)
            assert all(bits_from_count(c, conv) == b for c in (lo, hi))
            assert lo == 1 or bits_from_count(lo - 1, conv) < b
            assert bits_from_count(hi + 1, conv) > b


def _random_class(seed: int, cols: int) -> FiniteClass:
    rng = np.random.default_rng(seed)
    return FiniteClass.from_table(rng.integers(0, 16, size=(256, cols)), 16)


def test_256_member_class_stops_once_the_bits_are_fixed():
    cls = _random_class(1, 3)
    start = time.process_time()
    cert = _certify(cls, Fr(1, 16), "N0", 200_000, 2048)
    assert time.process_time() - start < 1.0
    assert (cert.code_length, cert.method) == (7, "packing and cover fix the code length")
    assert cert.lower < cert.upper and bool(cert.verify())


def test_sat_colouring_agrees_with_branch_and_bound():
    pytest.importorskip("pysat")
    rng = random.Random(5)
    for _ in range(20):
        n = rng.randint(1, 12)
        adj = [0] * n
        for a in range(n):
            for b in range(a + 1, n):
                if rng.random() < 0.4:
                    adj[a] |= 1 << b
                    adj[b] |= 1 << a
        clique, _ = max_clique(adj, 10_000)
        colour, done = exact_colouring(adj, clique or [0], dsatur(adj), 10_000)
        chi = max(colour) + 1
        assert done
        assert sat_colouring(adj, chi - 1) is None
        found = sat_colouring(adj, chi, clique)
        assert found is not None and max(found) + 1 <= chi


@pytest.mark.slow
def test_sat_decides_what_the_hand_written_search_cannot():
    pytest.importorskip("pysat")
    assert sat_available()
    cls = _random_class(1, 6)
    cert = _certify(cls, Fr(3, 16), "N0", 200_000, 2048)
    assert cert.code_length == 6 and "SAT" in cert.method and bool(cert.verify())
    far = far_graph(cls._dmatrix(), Fr(3, 8), cls.scale)
    assert max(dsatur(far)) + 1 > 64  # the greedy cover alone leaves 6 or 7 bits


def test_cellwise_ends_match_enumeration_and_theorem_a():
    from exactmtl.closed_forms import theorem_a
    from exactmtl.construction import rho
    from exactmtl.construction_cellwise import cellwise_ends, sign_rank

    for n in (2, 3):
        for m, ks in _families(n):
            r = cellwise_ends(n, m, ks)
            tab = output_table(n, m, list(ks))
            assert r.joint_count == tab.joint().size
            assert r.task_counts == tuple(tab.marginal(t).size for t in range(len(ks)))
            if tab.joint().size > 1:
                assert r.separation == tab.joint().min_distance
            assert r.diameter == tab.joint().diameter
    for m in range(1, 6):
        ks = tuple(range(min(4, 1 << m)))
        a, r = theorem_a(5, m, ks), cellwise_ends(5, m, ks)
        assert sign_rank(m, ks) == rho(ks)  # rank over GF(2) vs the closed form rho(K)
        assert (r.joint_bits, r.task_bits, r.separation) == (a.L_joint, a.task_lengths,
                                                              a.delta_min)
        assert r.joint_length(a.delta_min / 2) is None or m == 5
        assert r.joint_length(1) == 0


def test_cellwise_separation_is_not_a_guess():
    """A changed count or separation is caught by the proof's comparison (M30 falsifier)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "proofs"))
    import m30_n4_curves as m30

    with pytest.raises(CheckFailed):
        m30.falsify_cellwise_count_one_sign_bit_too_many()
