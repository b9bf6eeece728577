"""The reference construction of the main paper: the shared feature, the heads, the outputs.

Everything here is the *reference construction* of main construction §2.6-§2.9 (only the
abstract of arXiv 2606.16028 is public; the definitions are fixed in docs/main_construction.md,
not read in the paper).

* **Sign patterns.** ``sigma`` is a 0/1 label on the nodes ``(j, k)``, ``0 <= j < n``,
  ``0 <= k < 2^j`` of the depth-``n`` dyadic tree (``2^n - 1`` bits). It is accepted as an int
  bitmask with node ``(j, k)`` at bit ``2^j - 1 + k`` (breadth-first order), as a string of
  ``2^n - 1`` characters ``'0'``/``'1'`` (character ``i`` = bit ``i``), or as a dict
  ``{(j, k): bit}`` (missing nodes are 0). :func:`sigma_bits` normalises to the bitmask.
* **The feature** ``h_sigma(x) = x + sum_{j<n} sum_k sigma_{j,k} 2^-(j+1) psi_{j,k}(x)``:
  node ``(j, k)`` swaps the halves of ``I_{j,k}``; three independently built, equal forms
  (:func:`feature`); a measure-preserving translation of the level-``n`` cells
  (:func:`feature_translations`); the group of tree automorphisms (:func:`compose_features`,
  :func:`inverse_feature`); the sup distance by the tree recursion (:func:`feature_distance`).
* **Heads** ``g_{m,k} = pal_k (2 S_m - 1)``, ``k < 2^m`` (:func:`sawtooth_walsh`), and the
  variant pure Walsh heads ``pal_k`` (:func:`walsh_head`); one frequency ``m`` per family
  (:func:`head_family`: one ``m`` per family; ``<g_{a,k}, g_{b,l}> = delta_kl 2^-|a-b| / 3``,
  so heads of different ``m`` with the same ``k`` are not orthogonal).
* **Outputs** ``F_{sigma,t} = g_{m,k_t} o h_sigma`` (:func:`outputs`) and their exact integer
  cell tables (:func:`output_cells`), the cellwise structure ``F = omega(u) (2 h_{sigma_u} - 1)``
  (:func:`sign_pattern`, :func:`subtree_sigma`) and ``rho(K)`` (:func:`rho`).

>>> from fractions import Fraction
>>> from exactmtl import gram
>>> h = feature(0b1011001, n=3)
>>> h(Fraction(1, 16)), sigma_bits("1001101", 3) == 0b1011001
(Fraction(11, 16), True)
>>> gram(outputs(0b1011001, n=3, m=2, ks=[0, 1, 2, 3])) == __import__("sympy").eye(4) / 3
True
>>> rho([1, 2, 3]), rho([2, 3])
(3, 3)
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from exactmtl._validate import (
    as_bool,
    as_choice,
    as_exact_int,
    as_index,
    as_list,
    as_seed,
    check_level,
    check_level_budget,
    shown,
)
from exactmtl.bases import haar, rademacher, sawtooth, walsh
from exactmtl.budgets import current_limits
from exactmtl.errors import InvalidArgument, InvalidArgumentType
from exactmtl.piecewise import Piecewise, _grid_knots

__all__ = [
    "FEATURE_FORMS",
    "HEADS",
    "all_sigmas",
    "compose_features",
    "feature",
    "feature_distance",
    "feature_distance_cells",
    "feature_haar_coefficients",
    "feature_image_cells",
    "feature_image_table",
    "feature_translations",
    "head",
    "head_family",
    "inverse_feature",
    "joint_vs_separate",  # noqa: F822 (module __getattr__: lives in construction_coding)
    "node_bit",
    "output_cells",
    "output_code_table",
    "output_distance",
    "outputs",
    "random_sigma",
    "rho",
    "rho_basis",
    "sawtooth_walsh",
    "sigma_bits",
    "sigma_from_cells",
    "sigma_nodes",
    "sign_pattern",
    "subtree_sigma",
    "unshifted_feature",
    "walsh_head",
]

FEATURE_FORMS = ("digit-flip", "haar", "rademacher-haar")
HEADS = ("sawtooth-walsh", "walsh")

_SIGMA_FORMS = "an int bitmask, a string of '0'/'1' (breadth-first order) or a dict {(j, k): bit}"


# --------------------------------------------------------------------------- sign patterns

def node_bit(j: int, k: int) -> int:
    """The bit position ``2^j - 1 + k`` of node ``(j, k)`` (breadth-first order).

    >>> [node_bit(j, k) for j in range(3) for k in range(2 ** j)]
    [0, 1, 2, 3, 4, 5, 6]
    """
    j = check_level(j, "j")
    k = as_exact_int(k, "k", minimum=0, maximum=(1 << j) - 1)
    return (1 << j) - 1 + k


def sigma_bits(sigma: Any, n: int) -> int:
    """Normalise a sign pattern of depth ``n`` to its int bitmask (node ``(j,k)`` at ``2^j-1+k``).

    Parameters
    ----------
    sigma : int, str or dict
        An int bitmask in ``[0, 2^(2^n - 1))``; a string of exactly ``2^n - 1`` characters
        ``'0'``/``'1'`` whose character ``i`` is bit ``i`` (breadth-first node order); or a dict
        ``{(j, k): 0 or 1}`` (nodes not listed are 0).
    n : int
        The depth of the tree (``n >= 0``).

    Examples
    --------
    >>> sigma_bits(0b101, 2), sigma_bits("101", 2), sigma_bits({(0, 0): 1, (1, 1): 1}, 2)
    (5, 5, 5)
    >>> sigma_bits("1012", 2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: sigma='1012' has 4 characters; expected 3 = 2**n - 1 ...
    """
    n = check_level_budget(n, "n")
    nodes = (1 << n) - 1
    if type(sigma) is int and 0 <= sigma and not sigma >> nodes:
        return sigma  # a plain int bitmask in range (the common case)
    if isinstance(sigma, bool):
        raise InvalidArgumentType(f"sigma={sigma!r} is a bool; expected {_SIGMA_FORMS}")
    if isinstance(sigma, str):
        if len(sigma) != nodes:
            raise InvalidArgument(
                f"sigma={sigma!r} has {len(sigma)} characters; expected {nodes} = 2**n - 1 "
                f"characters '0'/'1' for n={n}")
        bad = sorted(set(sigma) - {"0", "1"})
        if bad:
            raise InvalidArgument(
                f"sigma={sigma!r} contains {bad[0]!r}; expected only the characters '0' and '1'")
        return int(sigma[::-1], 2) if sigma else 0
    if isinstance(sigma, dict):
        mask = 0
        for key, bit in sigma.items():
            if not (isinstance(key, tuple) and len(key) == 2):
                raise InvalidArgument(f"sigma has the key {key!r}; expected nodes (j, k)")
            j, k = key
            j = as_exact_int(j, f"sigma key {key!r}: j", minimum=0)
            if j >= n:
                raise InvalidArgument(
                    f"sigma has the node {key!r} with j={j}; expected j < n={n}")
            k = as_exact_int(k, f"sigma key {key!r}: k", minimum=0, maximum=(1 << j) - 1)
            if isinstance(bit, bool) or bit not in (0, 1):
                raise InvalidArgument(
                    f"sigma[{key!r}]={bit!r}; expected the value 0 or 1")
            if bit:
                mask |= 1 << ((1 << j) - 1 + k)
        return mask
    if isinstance(sigma, (list, tuple)):
        raise InvalidArgumentType(
            f"sigma={sigma!r} is a {type(sigma).__name__}; expected {_SIGMA_FORMS}")
    try:
        return as_exact_int(sigma, "sigma", minimum=0, maximum=(1 << nodes) - 1)
    except InvalidArgument as exc:
        raise InvalidArgument(f"{exc} (a bitmask of the {nodes} = 2**n - 1 nodes, n={n})") \
            from None


def sigma_nodes(sigma: Any, n: int) -> dict[tuple[int, int], int]:
    """The dict form ``{(j, k): bit}`` of a sign pattern (every node listed).

    >>> sigma_nodes(0b101, 2)
    {(0, 0): 1, (1, 0): 0, (1, 1): 1}
    """
    mask = sigma_bits(sigma, n)
    return {(j, k): (mask >> ((1 << j) - 1 + k)) & 1 for j in range(n) for k in range(1 << j)}


def all_sigmas(n: int) -> range:
    """Every sign pattern of depth ``n`` as a bitmask: ``range(2^(2^n - 1))``.

    >>> len(all_sigmas(3)), list(all_sigmas(1))
    (128, [0, 1])
    """
    n = check_level_budget(n, "n")
    return range(1 << ((1 << n) - 1))


def random_sigma(n: int, seed: Any = None) -> int:
    """A uniformly random sign pattern of depth ``n`` (bitmask), reproducible from ``seed``.

    >>> random_sigma(3, seed=1) == random_sigma(3, seed=1) < 128
    True
    """
    n = check_level_budget(n, "n")
    seed = as_seed(seed, "seed")
    return random.Random(seed).getrandbits((1 << n) - 1) if n else 0


# --------------------------------------------------------------------------- the feature

def _images(mask: int, n: int, level: int) -> tuple[int, ...]:
    """The level-``level`` cell (``level >= n``) onto which ``h_sigma`` maps each cell."""
    if level <= 10:  # small tables are asked for again and again: cached (immutable)
        return _images_cached(mask, n, level)
    return _images_computed(mask, n, level)


@functools.lru_cache(maxsize=8192)
def _images_cached(mask: int, n: int, level: int) -> tuple[int, ...]:
    return _images_computed(mask, n, level)


def _images_computed(mask: int, n: int, level: int) -> tuple[int, ...]:
    out = []
    for c in range(1 << level):
        y = c
        for j in range(n):
            if (mask >> ((1 << j) - 1 + (c >> (level - j)))) & 1:
                y ^= 1 << (level - 1 - j)
        out.append(y)
    return tuple(out)


def feature_image_cells(sigma: Any, n: int, level: int | None = None) -> tuple[int, ...]:
    """The permutation ``c -> c'`` of the level-``q`` cells (``q >= n``) induced by ``h_sigma``.

    Digit-flip form: digit ``i <= n`` of the image is ``x_i XOR sigma_{i-1, x_1..x_{i-1}}``.

    >>> feature_image_cells(0b001, 2)            # the root swaps [0, 1/2) and [1/2, 1)
    (2, 3, 0, 1)
    """
    n = check_level_budget(n, "n")
    q = n if level is None else check_level(level, "level", minimum=n)
    return _images(sigma_bits(sigma, n), n, q)


def feature_translations(sigma: Any, n: int) -> tuple[int, ...]:
    """``tau_sigma(c) = 2^n (h_sigma(x) - x)`` on the level-``n`` cell ``c`` (integers).

    >>> feature_translations(0b001, 2), feature_translations(0b110, 2)
    ((2, 2, -2, -2), (1, -1, 1, -1))
    """
    imgs = feature_image_cells(sigma, n)
    return tuple(y - c for c, y in enumerate(imgs))


def sigma_from_cells(images: Sequence[int], n: int) -> int:
    """The sign pattern of a tree automorphism given by its level-``n`` cell permutation.

    Raises InvalidArgument when ``images`` is not a permutation induced by some ``h_sigma``.

    >>> sigma_from_cells((2, 3, 0, 1), 2)
    1
    """
    n = check_level_budget(n, "n")
    size = 1 << n
    imgs = [as_exact_int(v, f"images[{i}]", minimum=0, maximum=size - 1)
            for i, v in enumerate(images)]
    if len(imgs) != size:
        raise InvalidArgument(f"len(images)={len(imgs)}; expected 2**n = {size} cells")
    mask = 0
    for j in range(n):
        for k in range(1 << j):
            c = k << (n - j)
            if ((imgs[c] ^ c) >> (n - 1 - j)) & 1:
                mask |= 1 << ((1 << j) - 1 + k)
    if _images(mask, n, n) != tuple(imgs):
        raise InvalidArgument(
            f"images={list(imgs)} is not a tree automorphism of depth n={n} (not some h_sigma)")
    return mask


def _digit_flip_feature(mask: int, n: int) -> Piecewise:
    size = 1 << n
    knots = _grid_knots(n)
    imgs = _images(mask, n, n)
    polys = []
    values = []
    one = Fraction(1)
    for c, y in enumerate(imgs):
        shift = Fraction(y - c, size)
        polys.append((shift, one) if shift else (Fraction(0), one))
        values.append(Fraction(y, size))
    return Piecewise._make(knots, polys, values, False)


def _haar_series_feature(mask: int, n: int) -> Piecewise:
    """``x + sum_{j,k} sigma_{j,k} 2^-(j+1) psi_{j,k}``, one level at a time: the level-j sum
    ``sum_k sigma_{j,k} psi_{j,k}`` is +sigma_{j,k} on the left half of ``I_{j,k}`` and
    -sigma_{j,k} on its right half, a step function on the level-(j+1) cells."""
    h = Piecewise.identity()
    for j in range(n):
        bits = [(mask >> ((1 << j) - 1 + k)) & 1 for k in range(1 << j)]
        if any(bits):
            level = Piecewise.on_grid([b * s for b in bits for s in (1, -1)])
            h = h + level * Fraction(1, 1 << (j + 1))
    return h


def _haar_series_feature_by_wavelets(mask: int, n: int) -> Piecewise:
    """The same series as a sum of :func:`~exactmtl.bases.haar` wavelets, one per set node
    (the slower route, kept as the oracle of the tests)."""
    h = Piecewise.identity()
    for j in range(n):
        level = Piecewise.constant(0)
        for k in range(1 << j):
            if (mask >> ((1 << j) - 1 + k)) & 1:
                level = level + haar(j, k)
        h = h + level * Fraction(1, 1 << (j + 1))
    return h


def _rademacher_haar_feature(mask: int, n: int) -> Piecewise:
    h = Piecewise.constant(Fraction(1, 2))
    for j in range(n):
        signs = [1 - 2 * ((mask >> ((1 << j) - 1 + k)) & 1) for k in range(1 << j)]
        modulated = rademacher(j + 1) * Piecewise.on_grid(signs)  # sum_k eps_{j,k} psi_{j,k}
        h = h - modulated * Fraction(1, 1 << (j + 2))
    return h - (Fraction(1, 2) - sawtooth(n)) * Fraction(1, 1 << n)


def feature(sigma: Any, n: int, form: str = "digit-flip") -> Piecewise:
    """The hard feature ``h_sigma`` on [0, 1) (main construction §2.6), in one of three equal forms.

    Parameters
    ----------
    sigma : int, str or dict
        The sign pattern (see :func:`sigma_bits`).
    n : int
        The depth of the tree (``n >= 0``; ``n = 0`` gives the identity).
    form : {"digit-flip", "haar", "rademacher-haar"}
        How to build it: the digit flip (node ``(j,k)`` swaps the halves of ``I_{j,k}``:
        ``x + tau(c)`` on each level-``n`` cell), the Haar series
        ``x + sum sigma_{j,k} 2^-(j+1) psi_{j,k}``, or the Rademacher-Haar series
        ``1/2 - sum_j 2^-(j+2) sum_k eps_{j,k} psi_{j,k} - 2^-n (1/2 - S_n)`` with
        ``eps = 1 - 2 sigma``. The three are built independently and are equal everywhere
        (lemma M12).

    Examples
    --------
    >>> h = feature("101", 2)
    >>> [str(h(Fraction(c, 4))) for c in range(4)]
    ['1/2', '3/4', '1/4', '0']
    >>> feature("101", 2, form="haar") == h == feature("101", 2, form="rademacher-haar")
    True
    """
    n = check_level_budget(n, "n")
    if not isinstance(form, str):
        as_choice(form, "form", FEATURE_FORMS)
    mask = sigma_bits(sigma, n)
    if form not in FEATURE_FORMS:
        raise InvalidArgument(
            f"form={shown(form)} is not a feature form; expected one of "
            f"{', '.join(map(repr, FEATURE_FORMS))}")
    return _feature(mask, n, form) if n <= 6 else _feature.__wrapped__(mask, n, form)


@functools.lru_cache(maxsize=2048)
def _feature(mask: int, n: int, form: str) -> Piecewise:
    """:func:`feature` of a validated mask (cached for small depths: the exhaustive checks
    build the same features again and again; Piecewise is immutable)."""
    if form == "digit-flip":
        return _digit_flip_feature(mask, n)
    if form == "haar":
        return _haar_series_feature(mask, n)
    return _rademacher_haar_feature(mask, n)


def unshifted_feature(sigma: Any, n: int) -> Piecewise:
    """The rejected alternative A4 of §2.9: the Haar series without the ``+x`` term,
    ``1/2 + sum sigma_{j,k} 2^-(j+2) psi_{j,k}`` (brought into [0, 1)).

    It is not measure preserving, so composing heads with it breaks orthogonality; the proofs use
    it as the falsifying input of M13 and M19.

    >>> g = unshifted_feature("1", 1)
    >>> g(Fraction(0)), g(Fraction(1, 2))
    (Fraction(3, 4), Fraction(1, 4))
    """
    n = check_level_budget(n, "n")
    f = Piecewise.constant(Fraction(1, 2))
    for (j, k), bit in sigma_nodes(sigma, n).items():
        if bit:
            f = f + haar(j, k) * Fraction(1, 2 ** (j + 2))
    return f


def feature_haar_coefficients(sigma: Any, n: int, normalized: bool = False) -> dict:
    """The Haar coefficients of ``h_sigma - id``: ``{(j, k): sigma_{j,k} 2^-(j+1)}``.

    With ``normalized=True``, the coefficients on the orthonormal ``2^(j/2) psi_{j,k}``:
    ``sigma_{j,k} 2^-(3j+2)/2`` as exact sympy numbers. Nodes with ``sigma = 0`` are included
    (coefficient 0).

    >>> feature_haar_coefficients("101", 2)
    {(0, 0): Fraction(1, 2), (1, 0): Fraction(0, 1), (1, 1): Fraction(1, 4)}
    >>> feature_haar_coefficients("100", 2, normalized=True)[0, 0]
    1/2
    """
    nodes = sigma_nodes(sigma, n)
    if not as_bool(normalized, "normalized"):
        return {(j, k): Fraction(b, 1 << (j + 1)) for (j, k), b in nodes.items()}
    import sympy

    return {(j, k): b * sympy.Integer(2) ** sympy.Rational(-(3 * j + 2), 2)
            for (j, k), b in nodes.items()}


def compose_features(sigma: Any, tau: Any, n: int) -> int:
    """The sign pattern of ``h_sigma o h_tau`` (first ``h_tau``, then ``h_sigma``).

    Portrait of a product of tree automorphisms: node ``v`` gets
    ``tau_v XOR sigma_{tau(v)}``, with ``tau(v)`` the node that ``h_tau`` maps ``v`` onto.

    >>> compose_features(0b001, 0b001, 2), compose_features(0b010, 0b001, 2)
    (0, 5)
    """
    n = check_level_budget(n, "n")
    s, t = sigma_bits(sigma, n), sigma_bits(tau, n)
    out = 0
    for j in range(n):
        imgs = _images(t, j, j)  # the action of tau's levels < j on the level-j nodes
        for k in range(1 << j):
            bit = ((t >> ((1 << j) - 1 + k)) ^ (s >> ((1 << j) - 1 + imgs[k]))) & 1
            out |= bit << ((1 << j) - 1 + k)
    return out


def inverse_feature(sigma: Any, n: int) -> int:
    """The sign pattern of ``h_sigma^{-1}``: node ``w`` gets ``sigma`` at ``h_sigma^{-1}(w)``.

    >>> s = 0b1011001
    >>> compose_features(s, inverse_feature(s, 3), 3), compose_features(inverse_feature(s, 3), s, 3)
    (0, 0)
    """
    n = check_level_budget(n, "n")
    s = sigma_bits(sigma, n)
    out = 0
    for j in range(n):
        imgs = _images(s, j, j)
        for k in range(1 << j):
            out |= ((s >> ((1 << j) - 1 + k)) & 1) << ((1 << j) - 1 + imgs[k])
    return out


def feature_distance(sigma: Any, other: Any, n: int) -> Fraction:
    """``||h_sigma - h_other||_inf`` by the tree recursion of main construction §2.6.

    With ``delta = sigma XOR other``, at a node ``u`` of level ``l``: ``t(u, b) = 0`` when
    ``delta_u = 0``, else ``+2^-(l+1)`` if the child digit ``b = 1 XOR sigma_u`` and
    ``-2^-(l+1)`` if not; ``Mx(u) = max_b [t(u,b) + Mx(child_b)]``,
    ``Mn(u) = min_b [t(u,b) + Mn(child_b)]``, zero at depth ``n``; the distance is
    ``max(Mx(root), -Mn(root))``.

    >>> feature_distance(0, 1, 2), feature_distance(0b001, 0b110, 2)
    (Fraction(1, 2), Fraction(3, 4))
    """
    n = check_level_budget(n, "n")
    s, o = sigma_bits(sigma, n), sigma_bits(other, n)
    d = s ^ o
    scale = 1 << n  # work in units of 2^-n
    mx = [0] * (1 << n)
    mn = [0] * (1 << n)
    for level in range(n - 1, -1, -1):
        step = 1 << (n - level - 1)
        nmx, nmn = [], []
        for k in range(1 << level):
            node = (1 << level) - 1 + k
            if (d >> node) & 1:
                good = 1 ^ ((s >> node) & 1)  # the child digit b with t(u, b) > 0
                tb = [step if b == good else -step for b in (0, 1)]
            else:
                tb = [0, 0]
            nmx.append(max(tb[b] + mx[2 * k + b] for b in (0, 1)))
            nmn.append(min(tb[b] + mn[2 * k + b] for b in (0, 1)))
        mx, mn = nmx, nmn
    return Fraction(max(mx[0], -mn[0]), scale)


def feature_distance_cells(sigma: Any, other: Any, n: int) -> Fraction:
    """``||h_sigma - h_other||_inf = max_c |tau_sigma(c) - tau_other(c)| 2^-n`` (cell formula).

    >>> feature_distance_cells(0b001, 0b110, 2)
    Fraction(3, 4)
    """
    a, b = feature_translations(sigma, n), feature_translations(other, n)
    return Fraction(max(abs(x - y) for x, y in zip(a, b)), 1 << n)


# --------------------------------------------------------------------------- heads

@functools.lru_cache(maxsize=512)
def _sawtooth_walsh(m: int, k: int) -> Piecewise:
    return walsh(k) * (2 * sawtooth(m) - 1)


def sawtooth_walsh(m: int, k: int) -> Piecewise:
    """The Sawtooth-Walsh head ``g_{m,k}(y) = pal_k(y) (2 S_m(y) - 1)``, ``0 <= k < 2^m``.

    Unnormalised: ``<g_{m,k}, g_{m,l}> = delta_kl / 3`` (main construction §2.7).

    >>> g = sawtooth_walsh(m=2, k=3)
    >>> g(Fraction(1, 8)), g(Fraction(5, 16))
    (Fraction(0, 1), Fraction(1, 2))
    >>> sawtooth_walsh(2, 4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: k=4 is out of range; expected 0 <= k < 4 (g_(m,k) needs ...
    """
    m = check_level(m, "m")
    k = _check_k(k, "k", m, "sawtooth-walsh")
    return _sawtooth_walsh(m, k)


def walsh_head(k: int) -> Piecewise:
    """The pure Walsh head ``pal_k`` (the variant of main construction §2.9; ``pal_0 = 1``).

    >>> walsh_head(3)(Fraction(3, 8))
    Fraction(-1, 1)
    """
    return walsh(check_level(k, "k"))


def _check_k(k: Any, name: str, m: int, heads: str) -> int:
    k = as_exact_int(k, name, minimum=0)
    if k >= 1 << m:
        what = "g_(m,k)" if heads == "sawtooth-walsh" else "a Walsh head of a depth-m family"
        raise InvalidArgument(
            f"{name}={k} is out of range; expected 0 <= k < {1 << m} ({what} needs "
            f"k < 2**m = {1 << m} for m={m})")
    return k


def _check_heads(heads: Any) -> str:
    if not isinstance(heads, str):
        as_choice(heads, "heads", HEADS)
    if heads not in HEADS:
        raise InvalidArgument(
            f"heads={heads!r} is not a head family; expected one of {', '.join(map(repr, HEADS))}")
    return heads


def head(m: int, k: int, heads: str = "sawtooth-walsh") -> Piecewise:
    """One head: ``g_{m,k}`` (``heads="sawtooth-walsh"``) or ``pal_k`` (``heads="walsh"``).

    >>> head(1, 1, "walsh") == walsh_head(1)
    True
    """
    heads = _check_heads(heads)
    m = check_level(m, "m")
    k = _check_k(k, "k", m, heads)
    return _sawtooth_walsh(m, k) if heads == "sawtooth-walsh" else walsh(k)


def head_family(specs: Iterable[Any]) -> tuple[int, tuple[int, ...]]:
    """Validate a family of Sawtooth-Walsh heads given as ``(m, k)`` pairs; return ``(m, ks)``.

    Refuses heads of different frequencies ``m``. Exactly,
    ``<g_{a,k}, g_{b,l}> = delta_kl 2^-|a-b| / 3`` (lemma M17): heads with the same ``k`` at
    two frequencies are never orthogonal (``<g_{1,0}, g_{2,0}> = 1/6``); heads with distinct
    ``k`` happen to be orthogonal across frequencies, but the construction (the cellwise
    structure of §2.8, Theorems A and B) is stated for one ``m``, so a T-task family
    uses one ``m`` and ``T <= 2^m`` distinct indices.

    >>> head_family([(2, 0), (2, 3)])
    (2, (0, 3))
    >>> head_family([(1, 0), (2, 0)])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: heads=[(1, 0), (2, 0)] mix ... m=1 and m=2: heads of ...
    """
    pairs = []
    for i, spec in enumerate(as_list(specs, "specs", what="(m, k) pairs")):
        if not (isinstance(spec, tuple) and len(spec) == 2):
            raise InvalidArgumentType(f"heads[{i}]={spec!r}; expected a pair (m, k)")
        pairs.append((check_level(spec[0], f"heads[{i}][0] (m)"),
                      as_exact_int(spec[1], f"heads[{i}][1] (k)", minimum=0)))
    if not pairs:
        raise InvalidArgument("heads=[] is empty; expected at least one head (m, k)")
    ms = sorted({m for m, _ in pairs})
    if len(ms) > 1:
        a, b = ms[0], ms[1]
        by_k: dict[int, list[int]] = {}
        for m_, k_ in pairs:
            by_k.setdefault(k_, []).append(m_)
        clash = next(((k_, sorted(v)) for k_, v in sorted(by_k.items()) if len(set(v)) > 1),
                     None)
        if clash is not None:
            k_, (a2, b2) = clash[0], clash[1][:2]
            why = (f"heads of different m are not orthogonal: <g_({a2},{k_}), g_({b2},{k_})> = "
                   f"{_cross_inner(a2, b2, k_)} (in general <g_(a,k), g_(b,l)> = "
                   "delta_kl 2^-|a-b| / 3)")
        else:
            why = (f"heads of different m are not orthogonal in general (<g_({a},0), "
                   f"g_({b},0)> = {_cross_inner(a, b, 0)}; exactly <g_(a,k), g_(b,l)> = "
                   "delta_kl 2^-|a-b| / 3, so these heads with distinct k are orthogonal), "
                   "and the construction (cellwise structure, Theorems A and B) is stated for "
                   "one m")
        raise InvalidArgument(
            f"heads={pairs} mix the readout frequencies m={a} and m={b}: {why}; a family of "
            "tasks uses one m and distinct k < 2**m")
    m = ms[0]
    ks = tuple(_check_k(k, f"heads[{i}][1] (k)", m, "sawtooth-walsh")
               for i, (_, k) in enumerate(pairs))
    _check_distinct(ks)
    return m, ks


def _cross_inner(a: int, b: int, k: int = 0) -> Fraction:
    """``<g_{a,k}, g_{b,k}>`` computed exactly (``= 2^-|a-b| / 3``)."""
    from exactmtl.piecewise import inner

    return inner(_sawtooth_walsh(a, k), _sawtooth_walsh(b, k))


def _check_distinct(ks: Sequence[int]) -> None:
    if len(set(ks)) != len(ks):
        raise InvalidArgument(
            f"ks={list(ks)} has repeated indices; the tasks of a family use distinct k "
            "(a repeated head is the same task)")


def _family_of_ints(n: Any, m: Any, ks: Any, heads: Any
                    ) -> tuple[int, int, tuple[int, ...], str] | None:
    """:func:`_check_family` for plain ints that pass every check (the coding checks validate
    the same small families very often); None sends anything else through the full checks,
    which raise the errors."""
    if (type(n) is not int or (m is not None and type(m) is not int) or type(heads) is not str
            or heads not in HEADS or type(ks) not in (list, tuple) or not ks):
        return None
    raw = tuple(ks)
    if not all(type(k) is int for k in raw):
        return None
    if m is None:
        m = n if heads == "walsh" else max(raw).bit_length()
    if not 0 <= m <= n or n > current_limits().level:
        return None
    top = 1 << m
    if not all(0 <= k < top for k in raw) or len(set(raw)) != len(raw):
        return None
    return n, m, raw, heads


def _check_family(n: Any, m: Any, ks: Any, heads: Any) -> tuple[int, int, tuple[int, ...], str]:
    """Validate (n, m, ks, heads); ``ks`` may also be ``(m, k)`` pairs (then ``m`` is None)."""
    fast = _family_of_ints(n, m, ks, heads)
    if fast is not None:
        return fast
    heads = _check_heads(heads)
    n = check_level(n, "n")
    if ks is None:
        raise InvalidArgument("ks=None; expected the readout indices k_1..k_T, e.g. ks=[0, 1]")
    if isinstance(ks, (str, bytes)) or not isinstance(ks, Iterable):
        raise InvalidArgumentType(f"ks={shown(ks)} must be a list of readout indices")
    ks = list(ks)
    if not ks:
        raise InvalidArgument("ks=[] is empty; expected at least one readout index")
    if any(isinstance(k, tuple) for k in ks):
        fam_m, raw = head_family(ks)
        if m is not None and check_level(m, "m") != fam_m:
            raise InvalidArgument(f"m={m} differs from the heads' frequency m={fam_m}")
        m = fam_m
    else:
        raw = tuple(as_exact_int(k, f"ks[{i}]", minimum=0) for i, k in enumerate(ks))
        if m is None:
            m = n if heads == "walsh" else max(raw).bit_length()
        m = check_level(m, "m")
    if m > n:
        raise InvalidArgument(
            f"m={m} must be <= n={n}: the readout frequency cannot exceed the feature depth "
            "(main construction §2.8)")
    raw = tuple(_check_k(k, f"ks[{i}]", m, heads) for i, k in enumerate(raw))
    _check_distinct(raw)
    return n, m, raw, heads


def outputs(sigma: Any, n: int, m: int | None = None, ks: Sequence[Any] | None = None,
            heads: str = "sawtooth-walsh") -> list[Piecewise]:
    """The task outputs ``F_{sigma,t} = head_t o h_sigma`` (main construction §2.8), exactly.

    Parameters
    ----------
    sigma : int, str or dict
        The sign pattern of depth ``n``.
    n : int
        The feature depth.
    m : int, optional
        The readout frequency, ``m <= n`` (default: the bit length of ``max(ks)`` for
        Sawtooth-Walsh heads, ``n`` for pure Walsh heads).
    ks : sequence
        Distinct indices ``k_t < 2^m``; or ``(m, k)`` pairs, all with the same ``m``.
    heads : {"sawtooth-walsh", "walsh"}
        ``g_{m,k} = pal_k (2 S_m - 1)`` or the pure Walsh heads ``pal_k``.

    Examples
    --------
    >>> F = outputs(0b1011001, n=3, m=2, ks=[0, 1, 2, 3])
    >>> [str(f(Fraction(1, 16))) for f in F]
    ['1/2', '-1/2', '1/2', '-1/2']
    >>> outputs(0, n=2, m=3, ks=[0])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: m=3 must be <= n=2: the readout frequency cannot exceed ...
    """
    n, m, raw, heads = _check_family(n, m, ks, heads)
    h = _digit_flip_feature(sigma_bits(sigma, n), n)
    if heads == "walsh":
        return [walsh(k).compose(h) for k in raw]
    return [_sawtooth_walsh(m, k).compose(h) for k in raw]


# --------------------------------------------------------------------------- cell tables

def _pal_sign(k: int, cell: int, level: int) -> int:
    """``pal_k`` on the level-``level`` cell ``cell`` (``k < 2^level``): +1 or -1."""
    parity = 0
    i = 0
    while k >> i:
        if (k >> i) & 1:  # r_{i+1}: digit i+1 of the cell = bit level-1-i
            parity ^= (cell >> (level - 1 - i)) & 1
        i += 1
    return 1 - 2 * parity


def output_cells(sigma: Any, n: int, m: int | None = None, ks: Sequence[Any] | None = None,
                 heads: str = "sawtooth-walsh") -> tuple[tuple[int, ...], ...]:
    """Integer cell tables of the outputs: per task, one code per level-``q`` cell.

    ``q = max(n, m)`` (``= n``). For Sawtooth-Walsh heads, on the cell ``c`` with image
    ``c' = h_sigma(c)``, ``F_t = s (2 (a + t) / w - 1)`` for ``t`` in [0, 1) across the cell,
    with ``w = 2^(q-m)``, ``a = c' mod w`` and ``s = pal_k(c' >> (q - m)) = +-1``; the code is
    ``s (2a + 1)`` (nonzero, so ``s`` and ``a`` are recovered). For Walsh heads the code is the
    value ``+-1``. Two outputs are equal iff their tables are equal.

    >>> output_cells(0b001, 1, 1, [1])
    ((-1, 1),)
    """
    n, m, raw, heads = _check_family(n, m, ks, heads)
    imgs = _images(sigma_bits(sigma, n), n, n)
    shift = n - m
    w = 1 << shift
    out = []
    for k in raw:
        if heads == "walsh":
            out.append(tuple(_pal_sign(k, y, n) for y in imgs))
        else:
            out.append(tuple(_pal_sign(k, y >> shift, m) * (2 * (y & (w - 1)) + 1)
                             for y in imgs))
    return tuple(out)


def _cell_gap(u: int, v: int, w: int) -> Fraction:
    """sup over one cell of |f - g| for two Sawtooth-Walsh cell codes (units of 1)."""
    su, au = (1 if u > 0 else -1), (abs(u) - 1) // 2
    sv, av = (1 if v > 0 else -1), (abs(v) - 1) // 2
    left = su * (2 * au - w) - sv * (2 * av - w)
    right = su * (2 * au + 2 - w) - sv * (2 * av + 2 - w)
    return Fraction(max(abs(left), abs(right)), w)


def output_distance(sigma: Any, other: Any, n: int, m: int | None = None,
                    ks: Sequence[Any] | None = None, heads: str = "sawtooth-walsh") -> Fraction:
    """``max_t ||F_{sigma,t} - F_{other,t}||_inf`` exactly, from the integer cell tables.

    >>> output_distance(0, 0b1111111, 3, 2, [0, 1, 2, 3])
    Fraction(1, 1)
    """
    n, m, raw, heads = _check_family(n, m, ks, heads)
    a = output_cells(sigma, n, m, raw, heads)
    b = output_cells(other, n, m, raw, heads)
    if heads == "walsh":
        return Fraction(max(abs(x - y) for ta, tb in zip(a, b) for x, y in zip(ta, tb)))
    w = 1 << (n - m)
    return max(_cell_gap(x, y, w) for ta, tb in zip(a, b) for x, y in zip(ta, tb))


def feature_image_table(n: int, level: int | None = None) -> Any:
    """``table[sigma, c]``: the level-``q`` image cell of cell ``c`` under ``h_sigma``, for every
    sign pattern of depth ``n`` (a numpy int64 array of shape ``(2^(2^n - 1), 2^q)``, ``q >= n``).

    For the exhaustive checks (``n <= 4``: 32768 rows).

    >>> feature_image_table(1).tolist()
    [[0, 1], [1, 0]]
    """
    return _checked_image_table(n, level).copy()


def _checked_image_table(n: Any, level: Any = None) -> Any:
    """The arguments of :func:`feature_image_table` checked, then its cached read-only table."""
    n = check_level_budget(n, "n", "feature_image_table")
    q = n if level is None else check_level(level, "level", minimum=n)
    if n > 4:
        raise InvalidArgument(f"n={n}: the table has 2**{(1 << n) - 1} rows; expected n <= 4")
    check_level_budget(q, "level", "feature_image_table", extra=(1 << n) - 1)
    return _image_table(n, q)


@functools.lru_cache(maxsize=8)
def _image_table(n: int, q: int) -> Any:
    """:func:`feature_image_table` of validated ``(n, q)``, cached read-only (the exhaustive
    checks ask for the same table again and again)."""
    import numpy as np

    sig = np.arange(1 << ((1 << n) - 1), dtype=np.int64)[:, None]
    cells = np.arange(1 << q, dtype=np.int64)[None, :]
    img = np.broadcast_to(cells, (sig.shape[0], cells.shape[1])).copy()
    for j in range(n):
        node = (1 << j) - 1 + (cells >> (q - j))
        img ^= ((sig >> node) & 1) << (q - 1 - j)
    img.flags.writeable = False
    return img


def output_code_table(n: int, m: int, k: int, heads: str = "sawtooth-walsh") -> Any:
    """``table[sigma, c]``: the cell code of :func:`output_cells` of ``head_k o h_sigma`` for
    every sign pattern of depth ``n`` (numpy int64 array; ``n <= 4``).

    >>> output_code_table(1, 1, 1).tolist()
    [[1, -1], [-1, 1]]
    """
    import numpy as np

    n, m, (k,), heads = _check_family(n, m, [k], heads)
    img = _checked_image_table(n)
    # the code of a cell depends on sigma only through its image cell c': tabulate the 2^n
    # codes once, then one integer lookup per entry
    cells = np.arange(1 << n, dtype=np.int64)
    if heads == "walsh":
        u, level = cells, n
    else:
        u, level = cells >> (n - m), m
    parity = np.zeros_like(cells)
    for i in range(k.bit_length()):
        if (k >> i) & 1:
            parity ^= (u >> (level - 1 - i)) & 1
    sign = 1 - 2 * parity
    lut = sign if heads == "walsh" else sign * (2 * (cells & ((1 << (n - m)) - 1)) + 1)
    return lut[img]


# --------------------------------------------------------------------------- cellwise structure

def subtree_sigma(sigma: Any, n: int, m: int, u: int) -> int:
    """``sigma_u``: the restriction of ``sigma`` to the subtree below the level-``m`` node ``u``,
    rescaled to a depth-``(n - m)`` sign pattern.

    >>> subtree_sigma(0b1011001, 3, 1, 1)          # nodes (1,1), (2,2), (2,3) -> bits 0, 1, 2
    4
    """
    n = check_level_budget(n, "n")
    m = as_exact_int(m, "m", minimum=0, maximum=n)
    u = as_exact_int(u, "u", minimum=0, maximum=(1 << m) - 1)
    s = sigma_bits(sigma, n)
    out = 0
    for d in range(n - m):
        for k in range(1 << d):
            if (s >> ((1 << (m + d)) - 1 + (u << d) + k)) & 1:
                out |= 1 << ((1 << d) - 1 + k)
    return out


def sign_pattern(sigma: Any, n: int, m: int, k: int) -> tuple[int, ...]:
    """``omega(u) = pal_k(u 2^-m) (-1)^(sum_{i in bits(k)} sigma(u_{<i}))`` per level-``m`` cell.

    ``bits(k) = {i : bit i-1 of k is 1}`` and ``sigma(u_{<i})`` is the bit of the level-``i-1``
    node on the path to ``u``. Then ``F_{sigma,t}(x) = omega(u) (2 h_{sigma_u}(x') - 1)`` for
    ``x = (u + x') 2^-m`` (main construction §2.8). Depends only on the levels ``< m`` of ``sigma``.

    >>> sign_pattern(0b1011001, 3, 2, 3)
    (-1, 1, 1, -1)
    """
    n = check_level_budget(n, "n")
    m = as_exact_int(m, "m", minimum=0, maximum=n)
    k = _check_k(k, "k", m, "sawtooth-walsh")
    s = sigma_bits(sigma, n)
    out = []
    for u in range(1 << m):
        parity = 0
        for i in range(1, m + 1):
            if (k >> (i - 1)) & 1:
                prefix = u >> (m - i + 1)
                parity ^= (s >> ((1 << (i - 1)) - 1 + prefix)) & 1
        out.append(_pal_sign(k, u, m) * (1 - 2 * parity))
    return tuple(out)


def rho_basis(ks: Iterable[Any]) -> dict[int, int]:
    """A GF(2) echelon basis of ``span_2 K``: ``{top bit i: basis vector}`` (``top = bit_length``).

    >>> rho_basis([5, 6, 3])
    {3: 5, 2: 3}
    """
    return _gf2_basis(as_index(k, f"K[{i}]") for i, k in enumerate(as_list(ks, "ks",
                                                                           what="indices")))


def _gf2_basis(values: Iterable[int]) -> dict[int, int]:
    """Gaussian elimination over GF(2) of non-negative ints: leading bit -> basis vector."""
    basis: dict[int, int] = {}
    for v in values:
        while v:
            top = v.bit_length()
            if top not in basis:
                basis[top] = v
                break
            v ^= basis[top]
    return basis


def rho(ks: Iterable[Any]) -> int:
    """``rho(K) = sum 2^(i-1)`` over the pivot bits ``i`` of a GF(2) echelon basis of ``span_2 K``.

    The number of free sign bits of the joint outputs (main construction §2.8); ``rho({k}) =
    2^(bit_length(k) - 1)`` for ``k >= 1``, ``rho({0}) = 0``.

    >>> rho([0]), rho([1]), rho([2]), rho([3]), rho([0, 1, 2, 3])
    (0, 1, 2, 2, 3)
    """
    ints = tuple(ks) if isinstance(ks, (list, tuple)) else None
    if ints is not None and all(type(k) is int and k >= 0 for k in ints):
        limits = current_limits()  # plain ints within the budgets: nothing to refuse
        if len(ints) <= limits.pieces and all(k.bit_length() <= limits.level for k in ints):
            return _rho_ints(ints)
    return sum(1 << (top - 1) for top in rho_basis(ks))


@functools.lru_cache(maxsize=4096)
def _rho_ints(ks: tuple[int, ...]) -> int:
    """:func:`rho` of validated non-negative ints (cached: the coding checks ask again and
    again for the same few sets)."""
    return sum(1 << (top - 1) for top in _gf2_basis(ks))


# --------------------------------------------------------------------------- report

def __getattr__(name: str) -> Any:
    """``joint_vs_separate`` (the joint-versus-separate report of the construction) lives in
    :mod:`exactmtl.construction_coding`, which sits above this module; the name stays
    importable from here without an import cycle."""
    if name == "joint_vs_separate":
        from exactmtl.construction_coding import joint_vs_separate

        return joint_vs_separate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
