"""Sped-up proof routines against their previous versions (the oracles): M19's cell-table Gram
and M22's joint code count."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "proofs"))
m19 = importlib.import_module("m19_output_gram")
m22 = importlib.import_module("m22_theorem_a_counts")


def _table_gram_reference(tab):
    """The previous M19 table_gram: three batched products."""
    v = tab.values.astype(np.int64)
    a, b = v[..., 0], v[..., 1]
    s = a + b
    return s @ s.transpose(0, 2, 1) + a @ a.transpose(0, 2, 1) + b @ b.transpose(0, 2, 1)


def test_m19_table_gram_matches_the_three_products():
    from exactmtl.construction_tables import output_table

    for n, m in [(1, 0), (2, 1), (3, 3), (4, 2)]:
        ks = list(range(2 ** m))
        tab = output_table(n, m, ks)
        num, _den, means = m19.table_gram(n, m, ks, tab)
        assert np.array_equal(num, _table_gram_reference(tab))
        assert np.array_equal(means, (tab.values[..., 0] + tab.values[..., 1]).sum(axis=2))


def _joint_size_reference(ids, ks):
    """The previous M22 relabelling (a cumulative sum over the whole key space)."""
    code = np.zeros_like(ids[ks[0]])
    for k in ks:
        base = int(ids[k].max()) + 1
        key = code * base + ids[k]
        seen = np.zeros((int(code.max()) + 1) * base, dtype=bool)
        seen[key] = True
        code = np.cumsum(seen, dtype=np.int64)[key] - 1
    return int(code.max()) + 1


@given(st.integers(1, 200), st.lists(st.integers(1, 40), min_size=1, max_size=5),
       st.integers(0, 2**32 - 1))
def test_m22_joint_size_matches_the_cumsum_relabelling_and_unique_columns(length, tops, seed):
    rng = np.random.default_rng(seed)
    ids = {k: rng.integers(0, top, length) for k, top in enumerate(tops)}
    ks = list(rng.permutation(len(tops)))
    want = np.unique(np.stack([ids[k] for k in ks]), axis=1).shape[1]
    assert m22._joint_size(ids, ks) == _joint_size_reference(ids, ks) == want
