"""Test oracle: the coding tables of the construction as computed before issue 12.

Verbatim copies (doctests removed) of ``_images`` and the body of ``output_table`` from
``exactmtl/construction_tables.py`` and of ``_unique_rows`` from ``exactmtl/covering.py``.
``tests/test_check_speed.py`` compares the faster versions with them. Not public.
"""

from __future__ import annotations

import math

import numpy as np


def images(n: int, level: int) -> np.ndarray:
    """``images[sigma, c]``: the level-``level`` cell that ``h_sigma`` maps cell ``c`` onto."""
    sig = np.arange(1 << ((1 << n) - 1), dtype=np.int64)[:, None]
    cells = np.arange(1 << level, dtype=np.int64)[None, :]
    img = np.broadcast_to(cells, (sig.shape[0], cells.shape[1])).copy()
    for j in range(n):  # node (j, k) at bit 2**j - 1 + k swaps the halves of I_{j,k}
        node = (1 << j) - 1 + (cells >> (level - j))
        img ^= ((sig >> node) & 1) << (level - 1 - j)
    return img


def output_values(n: int, m: int, ks: tuple[int, ...], heads: str) -> tuple[np.ndarray, int]:
    """``(values, scale)`` of ``output_table(n, m, ks, heads)`` (arguments already valid)."""
    level = n  # m <= n: the heads are affine (Walsh: constant) on the level-n cells
    img = images(n, n)
    signs = []
    for k in ks:  # pal_k(y) = (-1)^(sum_i k_i y_{i+1}); digit i+1 of cell c' is bit level-1-i
        par = np.zeros_like(img)
        for i in range(k.bit_length()):
            if k >> i & 1:
                par ^= (img >> (level - 1 - i)) & 1
        signs.append(1 - 2 * par)
    sign = np.stack(signs, axis=1)  # (sigma, t, cell)
    if heads == "walsh":
        return sign[..., None].astype(np.int64), 1
    half = 1 << (n - m)  # units of 2^(m - n): 2 S_m - 1 runs from 2r - half to 2r - half + 2
    left = 2 * (img & (half - 1)) - half
    vals = np.stack([sign * left[:, None, :], sign * (left[:, None, :] + 2)], axis=-1)
    return vals.astype(np.int64), half


def unique_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first index of each distinct row, in order of first appearance; inverse map)."""
    n = x.shape[0]
    if x.shape[1] == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(n, dtype=np.int64)
    if x.dtype == object:
        seen: dict[tuple, int] = {}
        firsts, inv = [], []
        for r, row in enumerate(x):
            key = tuple(row)
            if key not in seen:
                seen[key] = len(firsts)
                firsts.append(r)
            inv.append(seen[key])
        return np.array(firsts, dtype=np.int64), np.array(inv, dtype=np.int64)
    lo = x.min(axis=0)
    span = (x.max(axis=0) - lo + 1).astype(object)
    if math.prod(int(v) for v in span) < 1 << 62:  # exact mixed-radix key per row
        weights = np.cumprod([1, *(int(v) for v in span[:-1])]).astype(np.int64)
        keys = (x - lo) @ weights
    else:
        keys = np.ascontiguousarray(x).view(np.dtype((np.void, x.dtype.itemsize * x.shape[1])))
        keys = keys.reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return first[order], rank[inverse]


def output_codes(n: int, m: int, k: int, heads: str) -> np.ndarray:
    """``construction.output_code_table`` before issue 12 (arguments already valid)."""
    img = images(n, n)
    if heads == "walsh":
        u, level = img, n
    else:
        u, level = img >> (n - m), m
    parity = np.zeros_like(img)
    for i in range(k.bit_length()):
        if (k >> i) & 1:
            parity ^= (u >> (level - 1 - i)) & 1
    sign = 1 - 2 * parity
    if heads == "walsh":
        return sign
    return sign * (2 * (img & ((1 << (n - m)) - 1)) + 1)
