"""Networks of the reference construction (main construction §4.2 item 4 and §4.4), built exactly.

* :func:`feature_network` -- the hard feature ``h_sigma`` as one Heaviside layer at the level-n
  grid points plus a linear skip (weights in ``2^-n Z``).
* :func:`joint_staircase_network` -- the explicit 3-hidden-layer Heaviside network computing the
  level-``p`` staircases ``Q_p F_t`` of all ``T`` task outputs ``F_t = g_{m,k_t} o h_sigma``;
  only its layer-1 -> 2 weights (and layer-2 biases) depend on ``sigma``.
* :func:`separate_staircase_networks` -- ``T`` single-task copies; :func:`joint_separate_costs`
  compares their exact weight and bit totals: the shared, sigma-dependent digit units are paid
  once jointly and ``T`` times separately.

``sigma`` is read by :func:`exactmtl.construction.sigma_bits` (an int bitmask with node
``(j, k)`` at bit ``2**j - 1 + k``, a dict ``{(j, k): bit}`` or a bit string). Node ``(j, k)``
swaps the two halves of the cell ``I_{j,k}`` (the digit-flip form of ``h_sigma``, §2.6);
the weights here are computed from that form by a separate short routine, and the proofs compare
the compiled networks with the Haar-series form built from :func:`exactmtl.haar` and with
:mod:`exactmtl.construction`.

>>> from fractions import Fraction
>>> net = feature_network(0b001, 2)            # sigma_{0,0} = 1: swap the halves of [0, 1)
>>> net(Fraction(1, 8)), net(Fraction(5, 8))
(Fraction(5, 8), Fraction(1, 8))
>>> [w for w in joint_staircase_network(0b1, 1, 1, [0, 1], 2).widths]
[1, 3, 2, 5, 2]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from exactmtl._validate import as_exact_int, check_level, shown
from exactmtl.construction import head_family, sigma_bits
from exactmtl.errors import InvalidArgument, InvalidArgumentType
from exactmtl.networks import Network

__all__ = [
    "StaircaseCosts",
    "feature_network",
    "joint_separate_costs",
    "joint_staircase_network",
    "separate_staircase_networks",
]

_HALF = Fraction(1, 2)


def _image(mask: int, n: int, c: int, p: int) -> int:
    """The level-``p`` cell that ``h_sigma`` maps cell ``c`` onto (``p >= n``)."""
    y = c
    for j in range(n):
        k = c >> (p - j)  # the first j digits
        if (mask >> ((1 << j) - 1 + k)) & 1:
            y ^= 1 << (p - 1 - j)
    return y


def _translations(sigma: Any, n: int) -> tuple[Fraction, ...]:
    """``tau_sigma(c) = h_sigma(x) - x`` on the level-``n`` cell ``c`` (multiples of ``2^-n``).

    >>> [str(t) for t in _translations(0b001, 2)]
    ['1/2', '1/2', '-1/2', '-1/2']
    """
    n = check_level(n, "n")
    mask = sigma_bits(sigma, n)
    size = 1 << n
    return tuple(Fraction(_image(mask, n, c, n) - c, size) for c in range(size))


def feature_network(sigma: Any, n: int) -> Network:
    """``h_sigma(x) = x + tau(0) + sum_c (tau(c) - tau(c - 1)) H(x - c 2^-n)`` (§4.2 item 4).

    One hidden layer of ``2^n - 1`` Heaviside neurons at the level-``n`` grid points (the same
    for every ``sigma``); ``sigma`` only enters the output weights; the ``x`` term is a skip
    connection. Equals ``h_sigma`` on [0, 1).

    >>> feature_network(0, 3).size().neurons
    7
    """
    n = check_level(n, "n")
    tau = _translations(sigma, n)
    size = 1 << n
    if n == 0:
        return Network([([[1]], [0], "identity")])
    rows = [[1]] * (size - 1)
    biases = [Fraction(-c, size) for c in range(1, size)]
    weights = [tau[c] - tau[c - 1] for c in range(1, size)]
    return Network([(rows, biases, "heaviside"), ([weights], [tau[0]], "identity", [1])])


def _check_tasks(ks: Any, m: int) -> tuple[int, ...]:
    if isinstance(ks, (str, bytes)) or not isinstance(ks, Sequence):
        raise InvalidArgumentType(f"ks={shown(ks)} must be a list of readout indices")
    if any(isinstance(k, tuple) for k in ks):  # (m, k) pairs: one frequency (head_family)
        fam_m, ks = head_family(ks)
        if fam_m != m:
            raise InvalidArgument(f"m={m} differs from the heads' frequency m={fam_m}")
    out = tuple(as_exact_int(k, f"ks[{i}]", minimum=0, maximum=(1 << m) - 1)
                for i, k in enumerate(ks))
    if not out:
        raise InvalidArgument("ks is empty; expected at least one task")
    if len(set(out)) != len(out):
        raise InvalidArgument(f"ks={list(out)} has repeated indices; tasks use distinct k")
    return out


def joint_staircase_network(sigma: Any, n: int, m: int, ks: Sequence[int], p: int) -> Network:
    """The 3-hidden-layer Heaviside network computing ``Q_p F_t`` for every task (§4.4).

    ``Q_p F_t(x) = pal_{k_t}(y) (2 V - 1)`` with ``y`` the digits of ``h_sigma(x)`` and
    ``V = sum_{i=m+1}^p y_i 2^(m-i) + 2^(m-p-1)``: the midpoint staircase of ``F_t`` on the
    level-``p`` cells, at sup distance exactly ``2^(m-p)``. Layers:

    1. ``u_c = H(x - c 2^-p)``, ``c = 1..2^p - 1`` (shared, sigma-independent);
    2. digit units ``H(y_i - 1/2) = y_i`` for ``i = m+1..p`` (shared) and, per task, parity units
       ``H(sum_{i in bits(k_t)} y_i - l + 1/2)``, ``l = 1..popcount(k_t)``; each ``y_i`` is an
       affine form of the ``u_c`` with ternary weights -- the only sigma-dependent weights;
    3. the digits again, and per task ``H(b_t - 1/2)`` and ``a_{t,i} = H(b_t + y_i - 3/2)``;

    output ``t``: ``2V - 1 + 2 b_t - 4 sum_i 2^(m-i) a_{t,i} - 2^(m-p+1) b_t``. Widths
    ``(2^p - 1, (p - m) + sum_t popcount(k_t), (p - m) + T (p - m + 1))``. Needs
    ``p >= max(n, m)`` and ``p > m``.

    >>> net = joint_staircase_network(0b101, 2, 1, [0, 1], 3)
    >>> net.widths, net.evaluate(Fraction(1, 16))
    ((1, 7, 3, 8, 2), (Fraction(-3, 4), Fraction(3, 4)))
    """
    n = check_level(n, "n")
    m = check_level(m, "m")
    p = check_level(p, "p")
    mask = sigma_bits(sigma, n)
    tasks = _check_tasks(ks, m)
    if p < max(n, m) or p <= m:
        raise InvalidArgument(f"p={p} must satisfy p >= max(n, m) = {max(n, m)} and p > m={m}")
    size = 1 << p
    images = [_image(mask, n, c, p) for c in range(size)]

    def digit(i: int, c: int) -> int:  # y_i on cell c
        return (images[c] >> (p - i)) & 1

    beta = {i: [digit(i, 0)] + [digit(i, c) - digit(i, c - 1) for c in range(1, size)]
            for i in range(1, p + 1)}
    ypass = list(range(m + 1, p + 1))
    l1 = ([[1]] * (size - 1), [Fraction(-c, size) for c in range(1, size)], "heaviside")
    rows2: list[list[int]] = []
    bias2: list[Fraction] = []
    for i in ypass:
        rows2.append(beta[i][1:])
        bias2.append(beta[i][0] - _HALF)
    parity: list[list[int]] = []  # indices of each task's parity units in layer 2
    for k in tasks:
        bits = [i for i in range(1, m + 1) if (k >> (i - 1)) & 1]
        units = []
        for ell in range(1, len(bits) + 1):
            units.append(len(rows2))
            rows2.append([sum(beta[i][c] for i in bits) for c in range(1, size)])
            bias2.append(sum(beta[i][0] for i in bits) - ell + _HALF)
        parity.append(units)
    w2 = len(rows2)
    rows3: list[list[int]] = []
    bias3: list[Fraction] = []
    for r in range(len(ypass)):
        row = [0] * w2
        row[r] = 1
        rows3.append(row)
        bias3.append(-_HALF)
    b_unit: list[int] = []
    and_units: list[list[int]] = []
    for units in parity:
        b_row = [0] * w2
        for ell, u in enumerate(units, 1):
            b_row[u] = 1 if ell % 2 else -1
        b_unit.append(len(rows3))
        rows3.append(b_row)
        bias3.append(-_HALF)
        ands = []
        for r in range(len(ypass)):
            row = list(b_row)
            row[r] = 1
            ands.append(len(rows3))
            rows3.append(row)
            bias3.append(Fraction(-3, 2))
        and_units.append(ands)
    w3 = len(rows3)
    out_rows: list[list[Fraction]] = []
    out_bias: list[Fraction] = []
    for t in range(len(tasks)):
        row = [Fraction(0)] * w3
        for r, i in enumerate(ypass):
            row[r] = Fraction(2) ** (m - i + 1)
            row[and_units[t][r]] = -Fraction(2) ** (m - i + 2)
        row[b_unit[t]] = 2 - Fraction(2) ** (m - p + 1)
        out_rows.append(row)
        out_bias.append(Fraction(2) ** (m - p) - 1)
    return Network([l1, (rows2, bias2, "heaviside"), (rows3, bias3, "heaviside"),
                    (out_rows, out_bias, "identity")])


def separate_staircase_networks(sigma: Any, n: int, m: int, ks: Sequence[int],
                                p: int) -> tuple[Network, ...]:
    """``T`` single-task networks: :func:`joint_staircase_network` with ``ks = [k_t]``.

    >>> [net.outputs for net in separate_staircase_networks(0, 1, 1, [0, 1], 2)]
    [1, 1]
    """
    tasks = _check_tasks(ks, check_level(m, "m"))
    return tuple(joint_staircase_network(sigma, n, m, [k], p) for k in tasks)


@dataclass(frozen=True)
class StaircaseCosts:
    """Exact weight and bit totals of the joint network and of the ``T`` separate networks.

    ``*_weights`` count nonzero weights and biases; ``*_bits`` are description lengths under
    ``code`` (:meth:`Network.bits`). The sigma-dependent parameters are the weights and biases
    of the second hidden layer; ``shared_sigma_*`` are those of its digit units, which the joint
    network pays once and the separate networks ``T`` times::

        separate_sigma - joint_sigma == (T - 1) * shared_sigma      (weights and bits).
    """

    tasks: int
    code: str
    joint_weights: int
    separate_weights: int
    joint_bits: int
    separate_bits: int
    joint_sigma_weights: int
    separate_sigma_weights: int
    joint_sigma_bits: int
    separate_sigma_bits: int
    shared_sigma_weights: int
    shared_sigma_bits: int


def _sigma_part(net: Network, rows: range | None, code: str) -> tuple[int, int]:
    from exactmtl.prefixcodes import rational_code_length

    layer = net.layers[1]
    idx = range(layer.width) if rows is None else rows
    vals = [v for r in idx for v in (*layer.weights[r], layer.biases[r])]
    return sum(1 for v in vals if v), sum(rational_code_length(v, code) for v in vals)


def joint_separate_costs(sigma: Any, n: int, m: int, ks: Sequence[int], p: int,
                         code: str = "elias-gamma") -> StaircaseCosts:
    """Compare the joint staircase network with ``T`` separate ones, exactly.

    >>> c = joint_separate_costs(0b1011011, 3, 2, [1, 2, 3], 4)
    >>> c.separate_sigma_weights - c.joint_sigma_weights == 2 * c.shared_sigma_weights
    True
    """
    joint = joint_staircase_network(sigma, n, m, ks, p)
    seps = separate_staircase_networks(sigma, n, m, ks, p)
    shared = range(p - check_level(m, "m"))
    js = _sigma_part(joint, None, code)
    ss = [_sigma_part(net, None, code) for net in seps]
    sh = _sigma_part(joint, shared, code)
    return StaircaseCosts(
        tasks=len(seps), code=code,
        joint_weights=joint.size().parameters,
        separate_weights=sum(net.size().parameters for net in seps),
        joint_bits=joint.bits(code), separate_bits=sum(net.bits(code) for net in seps),
        joint_sigma_weights=js[0], separate_sigma_weights=sum(s[0] for s in ss),
        joint_sigma_bits=js[1], separate_sigma_bits=sum(s[1] for s in ss),
        shared_sigma_weights=sh[0], shared_sigma_bits=sh[1])
