"""M22 -- Theorem A: exact class sizes and the minimum distance of the task-output classes.

Statement   For n >= 1, 0 <= m <= n and distinct k_t < 2^m:
            |C^(t)| = 2^((2^n - 2^m) + rho({k_t})) and |C^joint| = 2^((2^n - 2^m) + rho(K));
            the minimum distance between distinct members (of each marginal class and of the
            joint class, sup norm, max over tasks) is delta_min = 2^(m-n+1) if m < n and 2 if
            m = n, and it is attained (as a value, not only as a one-sided limit) at a left
            cell endpoint c 2^-n. Pure Walsh heads pal_k (the case m = n): |{pal_k o h}| =
            2^rho({k}), joint 2^rho(K).
Check       distinct rows of the exact integer cell-code tables of every sigma
            (exactmtl.construction.output_code_table: two outputs are equal iff their tables
            are), compared with the formula written here and with
            exactmtl.closed_forms.theorem_a; the minimum distance from the left values and
            right limits of exactmtl.coding.output_table over all pairs of distinct members, and
            the max over cells of the left-endpoint differences of a minimising pair.
Range       counts: every nonempty K for n <= 3 (all m <= n); n = 4 (32768 sigma) every single
            k for every m <= 4 (m = 4 included, which main construction §3.5 had not run), every
            K for m <= 2, every K with |K| <= 2 and K = {0..2^m - 1} for m = 3, 4; pure Walsh heads
            every K for n <= 3, every single k and pair for n = 4. delta_min: every m <= n <= 3,
            every single k and K = {0..min(3, 2^m - 1)}. --full: n = 4 every K with |K| <= 3.
Falsifier   the count exponent off by one ((2^n - 2^m) + rho + 1), and delta_min = 2^(m-n)
            (off by one in the exponent).
Source      arXiv 2606.16028, reference construction: main construction §3.5 (Theorem A: counts,
            minimum distance), §2.9 (docs/main_construction.md).
Provenance  reference
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from exactmtl.closed_forms import theorem_a
from exactmtl.coding import output_table
from exactmtl.construction import output_code_table, rho
from exactmtl.proofcheck import Claim, expect, expect_equal, progress

CLAIM = Claim("M22", "Theorem A counts and delta_min")


def count_log2(n: int, m: int, ks, heads: str = "sawtooth-walsh", offset: int = 0) -> int:
    """log2 |C| = (2^n - 2^m) + rho(K) (pure Walsh heads: rho(K)); ``offset`` = falsifier."""
    free = 2 ** n - 2 ** m if heads == "sawtooth-walsh" else 0
    return free + rho(list(ks)) + offset


def delta_min(n: int, m: int, exponent_offset: int = 1) -> Fraction:
    """2^(m-n+1) if m < n, 2 if m = n (``exponent_offset=0`` is the falsifier)."""
    if m == n:
        return Fraction(2)
    e = m - n + exponent_offset
    return Fraction(2) ** e


def _row_ids(tab: np.ndarray) -> np.ndarray:
    """An id per sigma, equal iff the cell-code rows are equal (exact: byte view of int8)."""
    a = np.ascontiguousarray(tab.astype(np.int8))
    expect(bool((a == tab).all()), "cell codes do not fit in int8")
    v = a.view(np.dtype((np.void, a.shape[1]))).ravel()
    return np.unique(v, return_inverse=True)[1].ravel().astype(np.int64)


def _ids(n: int, m: int, heads: str) -> dict[int, np.ndarray]:
    return {k: _row_ids(output_code_table(n, m, k, heads)) for k in range(2 ** m)}


def _joint_size(ids: dict[int, np.ndarray], ks) -> int:
    code = np.zeros_like(ids[ks[0]])
    for k in ks:  # combine exactly: re-index after every step so the codes stay small
        base = int(ids[k].max()) + 1
        key = code * base + ids[k]
        space = (int(code.max()) + 1) * base
        if space <= 1 << 22:  # relabel through a table of the keys that occur (no sort)
            seen = np.zeros(space, dtype=bool)
            seen[key] = True
            present = np.flatnonzero(seen)  # the keys that occur, increasing
            label = np.empty(space, dtype=np.int64)  # read only where written just below
            label[present] = np.arange(present.size, dtype=np.int64)
            code = label[key]
        else:
            code = np.unique(key, return_inverse=True)[1].ravel().astype(np.int64)
    return int(code.max()) + 1


def _check_counts(n: int, m: int, sets, heads: str = "sawtooth-walsh", offset: int = 0) -> int:
    ids = _ids(n, m, heads)
    count = 0
    for k, v in ids.items():
        got = int(v.max()) + 1
        expect_equal(got, 2 ** count_log2(n, m, [k], heads, offset), "|C^(t)| != Theorem A",
                     n=n, m=m, k=k, heads=heads)
        if heads == "sawtooth-walsh":
            expect_equal(theorem_a(n, m, [k]).task_count_log2[0], count_log2(n, m, [k]),
                         "closed_forms.theorem_a task count", n=n, m=m, k=k)
    for ks in sets:
        ks = list(ks)
        got = _joint_size(ids, ks)
        expect_equal(got, 2 ** count_log2(n, m, ks, heads, offset), "|C^joint| != Theorem A",
                     n=n, m=m, K=ks, heads=heads)
        if heads == "sawtooth-walsh":
            expect_equal(theorem_a(n, m, ks).joint_count_log2, count_log2(n, m, ks),
                         "closed_forms.theorem_a joint count", n=n, m=m, K=ks)
        count += 1
    return count


def _all_sets(m: int, max_size: int | None = None):
    top = 2 ** m if max_size is None else min(max_size, 2 ** m)
    return [ks for size in range(1, top + 1) for ks in itertools.combinations(range(2 ** m), size)]


def check_counts(full: bool = False) -> dict:
    out = {}
    for n in range(1, 4):
        for m in range(n + 1):
            out[f"n={n},m={m}"] = _check_counts(n, m, _all_sets(m))
    n = 4
    for m in progress(range(n + 1), "n=4"):
        if m <= 2:
            sets = _all_sets(m)
        else:
            sets = [*_all_sets(m, 3 if full else 2), tuple(range(2 ** m))]
        out[f"n=4,m={m}"] = _check_counts(n, m, sets)
    return out


def check_walsh_head_counts() -> dict:
    out = {}
    for n in range(1, 5):
        sets = _all_sets(n) if n <= 3 else _all_sets(n, 2)
        out[f"n={n}"] = _check_counts(n, n, sets, heads="walsh")
    return out


def _distances(vals: np.ndarray, scale: int) -> tuple[Fraction, bool]:
    """(min distance over distinct members, attained at a left endpoint by a minimising pair)."""
    flat = vals.reshape(vals.shape[0], -1)
    _, first = np.unique(flat, axis=0, return_index=True)
    v = vals[np.sort(first)]
    left = v[..., 0].reshape(v.shape[0], -1)
    both = v.reshape(v.shape[0], -1)
    d = np.abs(both[:, None, :] - both[None, :, :]).max(axis=2)
    dl = np.abs(left[:, None, :] - left[None, :, :]).max(axis=2)
    iu = np.triu_indices(v.shape[0], 1)
    dmin = int(d[iu].min())
    at_left = bool((dl[iu][d[iu] == dmin] == dmin).any())
    return Fraction(dmin, scale), at_left


def _check_delta_min(n: int, m: int, exponent_offset: int = 1) -> None:
    ks = list(range(min(4, 2 ** m)))
    tab = output_table(n, m, ks)
    target = delta_min(n, m, exponent_offset)
    classes = [(f"task k={k}", tab.values[:, t:t + 1]) for t, k in enumerate(ks)]
    if len(ks) > 1:
        classes.append(("joint", tab.values))
    for name, vals in classes:
        if np.unique(vals.reshape(vals.shape[0], -1), axis=0).shape[0] < 2:
            continue  # a one-member class (n = m, k = 0) has no pair
        d, at_left = _distances(vals, tab.scale)
        expect_equal(d, target, "delta_min != Theorem A", n=n, m=m, cls=name)
        expect(at_left, "delta_min is not attained at a left cell endpoint", n=n, m=m, cls=name)
    expect_equal(theorem_a(n, m, ks).delta_min, delta_min(n, m), "closed_forms.theorem_a "
                 "delta_min", n=n, m=m)


def check_delta_min() -> dict:
    for n in range(1, 4):
        for m in range(n + 1):
            _check_delta_min(n, m)
    return {"n": "1..3", "m": "0..n"}


def falsify_count_off_by_one() -> None:
    _check_counts(2, 1, _all_sets(1), offset=1)


def falsify_delta_min_exponent() -> None:
    _check_delta_min(3, 1, exponent_offset=0)
