"""Independent re-check of a code-length certificate of the construction, from its JSON alone.

Deliberately small and separate from the code that found the certificate: it imports nothing
of exactmtl's construction or coding code. From ``n, m, ks, heads, task`` it recomputes every
output ``F_sigma`` straight from the definitions (§2.6-§2.8): the digit-flip feature
``y_i = x_i xor sigma(i-1, first i-1 digits of x)``, ``pal_k(y) = (-1)^(sum_i k_i y_{i+1})`` and
``2 S_m(y) - 1`` with ``S_m(y) = frac(2^m y)`` (``heads="walsh"``: ``pal_k`` alone). Every output
is affine on each level-``n`` cell, so its sup distances are max-norm distances of the vectors
(left value, right limit) over the cells (in units of ``2^(m-n)``), and by the Helly/box
property a cluster fits in one closed eps-ball iff every column's range is ``<= 2 eps``.

:func:`check_certificate` verifies (1) the cover labels every sign pattern, (2) each cluster has
column range ``<= 2 eps``, (3) the packing members are pairwise ``> 2 eps`` apart, and (4)
``ceil(log2 |cover|) == ceil(log2 |packing|) == code_length``. It raises
:class:`~exactmtl.errors.CheckFailed` naming the first failure.

>>> cert = {"n": 1, "m": 1, "ks": [1], "heads": "sawtooth-walsh", "task": None, "eps": "1/4",
...         "convention": "N0", "code_length": 1, "cover": [0, 1], "packing": [0, 1]}
>>> check_certificate(cert)
'cover of 2 clusters and packing of 2 verified: L = 1'
>>> cert["packing"] = [0, 0]
>>> check_certificate(cert)
Traceback (most recent call last):
...
exactmtl.errors.CheckFailed: packing members 0 and 0 are 0 <= 2 eps apart (eps=1/4)
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import numpy as np

from exactmtl.errors import CheckFailed

__all__ = ["check_certificate", "outputs_table"]


def outputs_table(n: int, m: int, ks: list[int], heads: str) -> tuple[np.ndarray, int]:
    """See :func:`_outputs_table` (cached; the arrays are read-only)."""
    return _outputs_table(int(n), int(m), tuple(int(k) for k in ks), str(heads))


@functools.lru_cache(maxsize=8)
def _outputs_table(n: int, m: int, ks: tuple[int, ...], heads: str) -> tuple[np.ndarray, int]:
    """``(values, scale)``: ``values[sigma, t, c] = (left value, right limit) * scale`` of
    ``F_{sigma,t}`` on the level-``n`` cell ``c``, for every ``sigma``, from the definitions.

    >>> v, s = outputs_table(1, 1, [1], "sawtooth-walsh")
    >>> v[:, 0].tolist(), s          # sigma = 1 swaps the halves: the sign of pal_1 flips
    ([[[-1, 1], [1, -1]], [[1, -1], [-1, 1]]], 1)
    """
    cells = np.arange(1 << n, dtype=np.int64)
    sig = np.arange(1 << ((1 << n) - 1), dtype=np.int64)[:, None]
    image = np.zeros((sig.shape[0], cells.size), dtype=np.int64)
    for i in range(1, n + 1):  # digit i of the image of cell c
        x_i = (cells >> (n - i)) & 1
        node = (1 << (i - 1)) - 1 + (cells >> (n - i + 1))
        y_i = x_i ^ ((sig >> node) & 1)
        image |= y_i << (n - i)
    out = []
    for k in ks:
        parity = np.zeros_like(image)
        for i in range(max(k.bit_length(), 1)):
            if k >> i & 1:  # pal_k uses digit i + 1 of y
                parity ^= (image >> (n - 1 - i)) & 1
        sign = 1 - 2 * parity
        if heads == "walsh":
            out.append(np.stack([sign, sign], axis=-1))
        else:  # 2 S_m(y) - 1 on the image cell, in units of 2^(m-n)
            frac = image % (1 << (n - m))
            left = 2 * frac - (1 << (n - m))
            out.append(np.stack([sign * left, sign * (left + 2)], axis=-1))
    scale = 1 if heads == "walsh" else 1 << (n - m)
    values = np.stack(out, axis=1).astype(np.int16)  # |values| <= 2^(n-m) <= 16
    values.setflags(write=False)
    return values, scale


def _fraction(text: Any) -> Fraction:
    if not isinstance(text, str):
        raise CheckFailed(f"eps={text!r} is not a fraction string such as '3/8'")
    return Fraction(text)


def check_certificate(cert: dict[str, Any]) -> str:
    """Re-check a certificate dict (as written by ``ConstructionCertificate.to_json``)."""
    n, m, ks, heads = int(cert["n"]), int(cert["m"]), [int(k) for k in cert["ks"]], cert["heads"]
    if not 1 <= n <= 4 or not 0 <= m <= n or heads not in ("sawtooth-walsh", "walsh"):
        raise CheckFailed(f"unsupported family n={n}, m={m}, heads={heads!r}")
    eps = _fraction(cert["eps"])
    values, scale = outputs_table(n, m, ks, heads)
    if cert["task"] is not None:
        values = values[:, int(cert["task"]):int(cert["task"]) + 1]
    rows = values.reshape(values.shape[0], -1)
    thr = 2 * eps * scale  # compare integers d with d * den > num
    labels = np.asarray(cert["cover"], dtype=np.int64)
    if labels.shape != (rows.shape[0],):
        raise CheckFailed(f"the cover labels {labels.shape[0] if labels.ndim else 0} sign "
                          f"patterns; expected all {rows.shape[0]}")
    order = np.argsort(labels, kind="stable")
    starts = np.flatnonzero(np.r_[True, labels[order][1:] != labels[order][:-1]])
    hi = np.maximum.reduceat(rows[order], starts, axis=0)
    lo = np.minimum.reduceat(rows[order], starts, axis=0)
    width = (hi - lo).max(axis=1)
    bad = np.flatnonzero(width * thr.denominator > thr.numerator)
    if bad.size:
        cluster = int(labels[order][starts[bad[0]]])
        raise CheckFailed(f"cluster {cluster} has diameter {Fraction(int(width[bad[0]]), scale)}"
                          f" > 2 eps = {2 * eps}")
    packing = [int(s) for s in cert["packing"]]
    if not packing or min(packing) < 0 or max(packing) >= rows.shape[0]:
        raise CheckFailed("the packing is empty or leaves the sign patterns")
    sub = rows[packing].astype(np.int64)
    if len({row.tobytes() for row in sub}) == len(packing):
        # distinct rows differ on some level-n cell: if on every cell distinct values are
        # > 2 eps apart, so are any two members (no pairs of members needed)
        blocks = values[packing]
        separated = True
        for c in range(blocks.shape[2]):
            block = np.ascontiguousarray(blocks[:, :, c, :].reshape(len(packing), -1))
            cell = np.array(sorted({row.tobytes(): row for row in block}.values(),
                                   key=lambda r: r.tobytes()), dtype=np.int64)
            d = np.abs(cell[:, None, :] - cell[None, :, :]).max(axis=2)
            d = d[np.triu_indices(cell.shape[0], 1)]
            if (d * thr.denominator <= thr.numerator).any():
                separated = False
                break
        if separated:
            sub = sub[:1]
    for i in range(len(sub) - 1):
        d = np.abs(sub[i + 1:] - sub[i]).max(axis=1)
        close = np.flatnonzero(d * thr.denominator <= thr.numerator)
        if close.size:
            j = i + 1 + int(close[0])
            raise CheckFailed(f"packing members {packing[i]} and {packing[j]} are "
                              f"{Fraction(int(d[close[0]]), scale)} <= 2 eps apart (eps={eps})")
    conv = cert.get("convention", "N0")

    def bits(count: int) -> int:
        b = (count - 1).bit_length()
        return max(b, 1) if conv == "N" else b

    size = starts.size
    if not bits(size) == bits(len(packing)) == int(cert["code_length"]):
        raise CheckFailed(f"cover of {size} and packing of {len(packing)} do not fix "
                          f"code_length={cert['code_length']}")
    return (f"cover of {size} clusters and packing of {len(packing)} verified: "
            f"L = {cert['code_length']}")
