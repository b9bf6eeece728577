"""A fused integer kernel compiling continuous networks (identity and ReLU neurons only).

The pre-activations of one layer on ``[a, b]`` are held as

* ``T``: knot numerators over the knot denominator ``D`` (``x = u / D``, ``u`` an integer);
* for each *group* ``g`` of neurons sharing one weight row and one skip weight: ``Z[g]`` the
  values at the knots and ``S[g]`` the slope per unit of ``u`` on each piece, both numerators
  over one common denominator ``E``;
* neuron ``j`` of group ``g`` is ``(Z[g] + beta[j]) / E`` (``beta[j]`` its bias, a Python int).

Without Heaviside neurons every function is continuous, so values at the knots and slopes
determine it: no intercept per piece and no separate point values. One layer is one pass:
insert the exact zero crossings of the ReLU neurons (``u = T_i - (Z_i + beta) / S_i``, over one
common denominator, interleaved into the knot array without a global sort when each piece is
crossed at most once), apply the activations by ``maximum``/``where`` and accumulate the next
layer's affine combinations group by group, freeing each temporary at once. Telgarsky's
network has one group per layer (its two neurons share the row ``(2, -4)``), so a layer costs
a few passes over three integer arrays.

Arrays are int64 while a bound computed beforehand (from measured maxima, in Python ints)
shows that no entry and no intermediate reaches ``limit`` (``2**62``); otherwise they are
object arrays of Python ints. Both are exact; no float is created here. The results are the
canonical integer forms of :mod:`exactmtl._intcore` (through ``_intcore.make``).

>>> from exactmtl.networks import telgarsky_network
>>> outs, regions, layers = compile_continuous(telgarsky_network(3), Fraction(0), Fraction(1),
...                                            True, 1 << 62)
>>> regions, layers, outs[0].K.tolist(), outs[0].V.tolist()
(8, (2, 4, 8, 8), [0, 1, 2, 3, 4, 5, 6, 7, 8], [0, 1, 0, 1, 0, 1, 0, 1, 0])
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from exactmtl import _intcore
from exactmtl._validate import check_budget

__all__ = ["compile_continuous", "supported"]

_OBJ = np.dtype(object)
# ``make`` takes ``V=None`` (right-continuous, trusted) with the right-end value ``end``
_MAKE_RC = "end" in inspect.signature(_intcore.make).parameters
_MAX_WIDTH = 8  # wider layers take the general engine (its matrix products cost less there)


def supported(net: Any) -> bool:
    """Whether the fused kernel handles ``net``: no Heaviside neuron, every width <= 8.

    >>> from exactmtl.networks import deep_sawtooth_network, telgarsky_network
    >>> supported(telgarsky_network(4)), supported(deep_sawtooth_network(4))
    (True, False)
    """
    for layer in net.layers:
        if layer.width > _MAX_WIDTH or "heaviside" in layer.activations:
            return False
    return True


# --------------------------------------------------------------------------- checked integers

def _i64(a: np.ndarray) -> np.ndarray:
    """An object array known to fit, as int64."""
    if a.dtype != _OBJ:
        return a
    return np.array(a.tolist(), dtype=np.int64).reshape(a.shape)


def _arr(values: list[int], big: bool) -> np.ndarray:
    if big:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out
    return np.array(values, dtype=np.int64)


def _gcd(arrays: list[np.ndarray], start: int) -> int:
    """``gcd(start, *every entry)`` (``start >= 1``)."""
    g = start
    if g & (g - 1) == 0:  # a power of two: the lowest set bit of an OR
        low = g
        for a in arrays:
            if a.size:
                low |= int(np.bitwise_or.reduce(a)) if a.dtype != _OBJ else _or_obj(a)
            if low & 1:
                return 1
        return low & -low
    for a in arrays:
        if g == 1:
            return 1
        if a.size == 0:
            continue
        if a.dtype != _OBJ:
            g = math.gcd(g, int(np.gcd.reduce(a)))
        else:
            g = math.gcd(g, *a.tolist())
    return g


def _or_obj(a: np.ndarray) -> int:
    out = 0
    for v in a.tolist():
        out |= v
    return out


def _lcm_of(den: np.ndarray) -> int:
    """``lcm`` of a positive integer array, as a Python int."""
    if den.size == 0:
        return 1
    if den.dtype == _OBJ:
        return math.lcm(*set(den.tolist()))
    top = int(den.max())
    if top == int(den.min()) or not np.any(top % den):
        return top
    return math.lcm(*np.unique(den).tolist())


# --------------------------------------------------------------------------- the state

@dataclass
class _State:
    T: np.ndarray
    D: int
    Z: list[np.ndarray]
    S: list[np.ndarray]
    E: int
    bz: list[int]       # bounds on |Z[g]|
    bs: list[int]       # bounds on |S[g]|
    group: list[int]    # the group of each neuron
    beta: list[int]     # the bias of each neuron, over E

    @property
    def pieces(self) -> int:
        return len(self.T) - 1

    @property
    def big(self) -> bool:
        return self.T.dtype == _OBJ

    def tmax(self) -> int:
        return max(abs(int(self.T[0])), abs(int(self.T[-1])))

    def to_object(self) -> None:
        if not self.big:
            self.T = _intcore.obj(self.T)
            self.Z = [_intcore.obj(z) for z in self.Z]
            self.S = [_intcore.obj(s) for s in self.S]


def _first(layer: Any, a: Fraction, b: Fraction, limit: int) -> _State:
    """The first layer's pre-activations on the single piece ``[a, b]``."""
    D = math.lcm(a.denominator, b.denominator)
    T = [a.numerator * (D // a.denominator), b.numerator * (D // b.denominator)]
    skip = layer.skip if layer.skip is not None else (0,) * layer.width
    slopes: dict[Fraction, int] = {}
    group = [slopes.setdefault(Fraction(row[0] + s), len(slopes))
             for row, s in zip(layer.weights, skip)]
    cs = list(slopes)
    E = math.lcm(*[(c / D).denominator for c in cs], *[v.denominator for v in layer.biases])
    ints = [int(c * E / D) for c in cs]  # slope per unit u, over E
    beta = [int(v * E) for v in layer.biases]
    top = max([abs(t) for t in T] + [abs(v) for v in beta])
    big = max(abs(s) for s in ints) * max(abs(t) for t in T) >= limit or top >= limit
    st = _State(_arr(T, big), D, [_arr([s * T[0], s * T[1]], big) for s in ints],
                [_arr([s], big) for s in ints], E,
                [abs(s) * max(abs(t) for t in T) for s in ints], [abs(s) for s in ints],
                group, beta)
    return st


# --------------------------------------------------------------------------- one layer

def _refine(st: _State, relu: list[int], limit: int, budget: bool) -> _State:
    """Insert the interior zero crossings of the ReLU neurons ``relu``."""
    n = st.pieces
    found: list[tuple[int, np.ndarray]] = []
    total = 0
    for j in relu:
        g = st.group[j]
        if st.bs[g] == 0:
            continue
        thr = -st.beta[j]
        Z = st.Z[g]
        if not st.big and abs(thr) >= limit:
            # the threshold lies outside every value: no crossing
            continue
        gt = Z > thr
        lt = Z < thr
        mask = gt[:-1] & lt[1:]
        mask |= lt[:-1] & gt[1:]
        del gt, lt
        idx = np.flatnonzero(mask)
        del mask
        if idx.size:
            found.append((j, idx))
            total += int(idx.size)
    if not found:
        return st
    if budget:
        check_budget("pieces", n + total, "Network.compile (linear pieces)")
    if not st.big and max(st.bz[st.group[j]] + abs(st.beta[j]) for j, _ in found) >= limit:
        st.to_object()
    # offsets u - T_i = -(Z_i + beta) / S_i in lowest terms, per crossing neuron
    parts = []
    L = 1
    for j, idx in found:
        g = st.group[j]
        num = st.Z[g][idx]
        num += st.beta[j]
        np.negative(num, out=num)
        den = st.S[g][idx]
        if den.dtype != _OBJ:  # num * sign(den), |den|: unmasked passes
            sign = np.sign(den)
            num *= sign
            del sign
            np.abs(den, out=den)
        else:
            neg = den < 0
            if neg.any():
                np.negative(num, out=num, where=neg)
                np.negative(den, out=den, where=neg)
            del neg
        if den.dtype != _OBJ and not np.any(den & (den - 1)):
            gg = num & -num  # den a power of two, num > 0: the gcd is a lowest set bit
            np.minimum(gg, den, out=gg)
        else:
            gg = np.gcd(num, den)
        if gg.dtype == _OBJ or np.any(gg != 1):
            num //= gg
            den //= gg
        del gg
        L = math.lcm(L, _lcm_of(den))
        parts.append((j, idx, num, den))
        del num, den
    span = int(st.T[-1]) - int(st.T[0])
    bzs = max(st.bz)
    bss = max(st.bs)
    if not st.big and max(st.tmax() * L, (bzs + bss * span) * L,
                          max(map(abs, st.beta)) * L) >= limit:
        st.to_object()
    if st.big:
        parts = [(j, idx, _intcore.obj(num), _intcore.obj(den)) for j, idx, num, den in parts]
    offs = []
    for _, idx, num, den in parts:
        if den.dtype == _OBJ or np.any(den != L):
            num *= L // den
        offs.append((idx, num))
    del parts, found, num, den
    if len(offs) == 1:
        idx, off = offs[0]
    else:
        idx = np.concatenate([i for i, _ in offs])
        off = np.concatenate([o for _, o in offs])
        pos = st.T[idx] * L
        pos += off
        order = np.argsort(pos, kind="stable")  # a merge of sorted runs (timsort)
        pos = pos[order]
        keep = np.empty(len(pos), dtype=bool)
        keep[0] = True
        np.not_equal(pos[1:], pos[:-1], out=keep[1:])
        del pos
        order = order[keep]
        idx, off = idx[order], off[order]
        del order, keep
    m = len(idx)
    N = n + m
    dtype = st.T.dtype
    # every piece crossed exactly once (idx is sorted; one neuron's pieces are distinct)
    once = m == n and (len(offs) == 1 or not np.any(idx[1:] == idx[:-1]))
    del offs
    if once:
        oldp: Any = slice(0, None, 2)
        newp: Any = slice(1, None, 2)
        reps = None
    else:
        newp = idx + np.arange(1, m + 1)
        oldp = np.ones(N + 1, dtype=bool)
        oldp[newp] = False
        reps = np.bincount(idx, minlength=n)
        reps += 1
    T = st.T
    Tn = np.empty(N + 1, dtype=dtype)
    if once:
        np.multiply(T, L, out=Tn[oldp])
        np.multiply(T[:-1], L, out=Tn[newp])
        Tn[newp] += off
    else:
        Tn[oldp] = T * L if L != 1 else T
        tmp = T[idx] * L
        tmp += off
        Tn[newp] = tmp
        del tmp
    st.T = T = None  # type: ignore[assignment]  # free as we go
    if once:
        del idx
    Zn, Sn = [], []
    groups = len(st.Z)
    for g in range(groups):
        Z, S = st.Z[g], st.S[g]
        z = np.empty(N + 1, dtype=dtype)
        if once:
            np.multiply(Z, L, out=z[oldp])
            np.multiply(Z[:-1], L, out=z[newp])
            if st.bs[g]:
                if g == groups - 1:  # the offsets' last use: scale them in place
                    off *= S
                    z[newp] += off
                    del off
                else:
                    z[newp] += S * off
            st.Z[g] = Z = None  # type: ignore[call-overload]
            s = np.empty(N, dtype=dtype)
            s[0::2] = S
            s[1::2] = S
        else:
            z[oldp] = Z * L if L != 1 else Z
            tmp = Z[idx] * L
            if st.bs[g]:
                tmp += S[idx] * off
            z[newp] = tmp
            del tmp
            s = np.repeat(S, reps)
        st.Z[g] = st.S[g] = Z = S = None  # type: ignore[call-overload]  # free as we go
        Zn.append(z)
        Sn.append(s)
    return _State(Tn, st.D * L, Zn, Sn, st.E * L, [b * L for b in st.bz], list(st.bs),
                  st.group, [v * L for v in st.beta])


def _activation(st: _State, j: int, act: str) -> tuple[np.ndarray, np.ndarray]:
    """Values at the knots and slopes of neuron ``j`` after its activation (fresh arrays)."""
    g = st.group[j]
    a = st.Z[g] + st.beta[j] if st.beta[j] else st.Z[g].copy()
    if act == "identity":
        return a, st.S[g].copy()
    np.maximum(a, 0, out=a)
    pos = a[:-1] > 0
    pos |= a[1:] > 0
    s = np.where(pos, st.S[g], 0)
    return a, s


def _plus(acc: Any, term: np.ndarray) -> np.ndarray:
    """``acc + term`` (``term`` a fresh array, adopted when ``acc`` is None)."""
    if acc is None:
        return term
    acc += term
    return acc


def _accumulate(acc: list[Any], users: list[int], coef: list[list[int]], j: int,
                arr: np.ndarray) -> None:
    """``acc[h] += coef[h][j] * arr`` for ``h`` in ``users``; ``arr`` (ours) is scaled in place
    by its last user."""
    for k, h in enumerate(users):
        c = coef[h][j]
        if k == len(users) - 1:
            if c != 1:
                arr *= c
            if acc[h] is None:
                acc[h] = arr.copy() if arr.base is not None or not arr.flags.writeable else arr
            else:
                acc[h] += arr
        else:
            acc[h] = _plus(acc[h], arr * c)


def _params(layer: Any) -> tuple[list[tuple], list[int], list[Fraction], list[Fraction]]:
    """Next-layer groups: (row, skip) keys, the group of each neuron, biases, skips."""
    skip = layer.skip if layer.skip is not None else (Fraction(0),) * layer.width
    keys: dict[tuple, int] = {}
    group = [keys.setdefault((row, s), len(keys)) for row, s in zip(layer.weights, skip)]
    return list(keys), group, list(layer.biases), list(skip)


def _affine(st: _State, acts: tuple[str, ...], nxt: Any, limit: int) -> _State:
    """Activations of the current layer, then the pre-activations of ``nxt`` (same knots)."""
    keys, group2, biases, _ = _params(nxt)
    dW = math.lcm(*[w.denominator for row, _ in keys for w in row])
    D = st.D
    E2 = math.lcm(st.E * dW, *[(s / D).denominator for _, s in keys],
                  *[v.denominator for v in biases])
    # integer coefficient of neuron j in group h, over E2
    unit = E2 // st.E  # a multiple of every weight's denominator
    coef = [[w.numerator * (unit // w.denominator) for w in row] for row, _ in keys]
    sig = [int(s * E2 / D) for _, s in keys]  # skip: value sig * u, slope sig
    # identity neurons of one group merge into one term; their biases into a constant
    ident: list[dict[int, int]] = [{} for _ in keys]
    const = [0] * len(keys)
    for j, act in enumerate(acts):
        if act == "identity":
            g = st.group[j]
            for h in range(len(keys)):
                if coef[h][j]:
                    ident[h][g] = ident[h].get(g, 0) + coef[h][j]
                    const[h] += coef[h][j] * st.beta[j]
    relu = [j for j, act in enumerate(acts) if act == "relu"]
    # bounds, in Python ints, before any array work
    tmax = st.tmax()
    bz2, bs2 = [], []
    for h in range(len(keys)):
        bz = abs(sig[h]) * tmax
        bs = abs(sig[h])
        for g, c in ident[h].items():
            bz += abs(c) * st.bz[g]
            bs += abs(c) * st.bs[g]
        for j in relu:
            c = abs(coef[h][j])
            bz += c * (st.bz[st.group[j]] + abs(st.beta[j]))
            bs += c * st.bs[st.group[j]]
        bz2.append(bz)
        bs2.append(bs)
    worst = max(bz2 + bs2 + [st.bz[st.group[j]] + abs(st.beta[j]) for j in relu]
                + [abs(c) for row in coef for c in row] + [abs(v) for v in sig])
    if not st.big and worst >= limit:
        st.to_object()
    n = st.pieces
    dtype = st.T.dtype
    Z2: list[Any] = [None] * len(keys)
    S2: list[Any] = [None] * len(keys)
    for h in range(len(keys)):
        for g, c in ident[h].items():
            if c:
                Z2[h] = _plus(Z2[h], st.Z[g] * c)
                S2[h] = _plus(S2[h], st.S[g] * c)
        if sig[h]:
            Z2[h] = _plus(Z2[h], st.T * sig[h])
            S2[h] = _plus(S2[h], np.full(n, sig[h], dtype=dtype))
    # slopes first (then the old slopes are freed), values second; the group's last ReLU
    # neuron works in place on the group's arrays
    last_use = {st.group[j]: j for j in relu}
    users = {j: [h for h in range(len(keys)) if coef[h][j]] for j in relu}
    for j in relu:
        g = st.group[j]
        if users[j]:
            gt = st.Z[g] > -st.beta[j]
            pos = gt[:-1] | gt[1:]  # the piece is where the neuron is positive
            del gt
            if last_use[g] == j:
                s = st.S[g]
                s *= pos
            else:
                s = np.where(pos, st.S[g], 0)
            del pos
            _accumulate(S2, users[j], coef, j, s)
            del s
        if last_use[g] == j:
            st.S[g] = None  # type: ignore[call-overload]
    for j in relu:
        g = st.group[j]
        if users[j]:
            a = st.Z[g] if last_use[g] == j else st.Z[g].copy()
            if st.beta[j]:
                a += st.beta[j]
            np.maximum(a, 0, out=a)
            _accumulate(Z2, users[j], coef, j, a)
            del a
        if last_use[g] == j:
            st.Z[g] = None  # type: ignore[call-overload]
    T = st.T
    for g in range(len(st.Z)):
        st.Z[g] = st.S[g] = None  # type: ignore[call-overload]
    for h in range(len(keys)):  # a group no neuron feeds: the zero function
        if Z2[h] is None:
            Z2[h] = np.zeros(n + 1, dtype=dtype)
        if S2[h] is None:
            S2[h] = np.zeros(n, dtype=dtype)
    # canonical: drop the interior knots where every group stays one affine function
    removed = False
    if n > 1:
        keep = np.zeros(n + 1, dtype=bool)
        keep[0] = keep[-1] = True
        for s in S2:
            keep[1:-1] |= s[1:] != s[:-1]
        removed = not keep.all()
        if removed:
            T = T[keep]
            Z2 = [z[keep] for z in Z2]
            pk = keep[:-1]
            S2 = [s[pk] for s in S2]
        del keep
    beta2 = [int(v * E2) + const[h] for v, h in zip(biases, group2)]
    out = _State(T, D, Z2, S2, E2, [_intcore.mx(z) for z in Z2], [_intcore.mx(s) for s in S2],
                 group2, beta2)
    _normalise(out, limit, removed)
    return out


def _normalise(st: _State, limit: int, knots_removed: bool = True) -> None:
    """Lowest terms for ``E`` and ``D`` (in place), int64 again when everything fits.

    ``D`` stays in lowest terms through a refinement (the new knots are reduced fractions); only
    removing knots can leave a common factor, so ``knots_removed=False`` skips that pass.
    """
    h = _gcd(st.Z + st.S, st.E)
    if h > 1:
        for v in st.beta:
            h = math.gcd(h, v)
    if h > 1:
        if not st.big and h >= limit:
            st.to_object()
        shift = h.bit_length() - 1 if h & (h - 1) == 0 and not st.big else None
        for z in st.Z + st.S:
            if shift is not None:
                np.right_shift(z, shift, out=z)  # exact: h divides every entry
            else:
                z //= h
        st.E //= h
        st.beta = [v // h for v in st.beta]
        st.bz = [b // h for b in st.bz]
        st.bs = [b // h for b in st.bs]
    g = _gcd([st.T], st.D) if knots_removed else 1
    if g > 1:
        # u' = u / g: the slope per unit u' is g times larger
        if not st.big and max(st.bs) * g >= limit:
            st.to_object()
        st.T //= g
        st.D //= g
        for s in st.S:
            s *= g
        st.bs = [b * g for b in st.bs]
    if not st.big and max(map(abs, st.beta), default=0) >= limit:
        st.to_object()
    if st.big and max([st.tmax()] + st.bz + st.bs + [abs(v) for v in st.beta]) < limit:
        st.T = _i64(st.T)
        st.Z = [_i64(z) for z in st.Z]
        st.S = [_i64(s) for s in st.S]


def _outputs(st: _State, acts: tuple[str, ...], closed: bool, limit: int
             ) -> tuple[list[_intcore.Arr], int]:
    """The canonical integer form of each output, and the joint number of linear regions."""
    width = len(acts)
    n = st.pieces
    union = np.zeros(max(n - 1, 0), dtype=bool) if width > 1 else None
    tmax = st.tmax()
    if not st.big and max(st.bs) * tmax + max(st.bz) + max(map(abs, st.beta)) >= limit:
        st.to_object()
    outs = []
    for j in range(width):
        g = st.group[j]
        last = all(st.group[i] != g for i in range(j + 1, width))
        if acts[j] == "identity" and not st.beta[j] and last:
            a, s = st.Z[g], st.S[g]  # the group's arrays themselves: no copy
        else:
            a, s = _activation(st, j, acts[j])
        if union is not None and n > 1:
            union |= s[1:] != s[:-1]
        A = s * st.T[:-1]
        np.subtract(a[:-1], A, out=A)
        if last:
            st.Z[g] = st.S[g] = None  # type: ignore[call-overload]
        if _MAKE_RC:  # a continuous function is right-continuous: no value array
            end = int(a[-1]) if closed else None
            del a
            outs.append(_intcore.make(st.T, st.D, A, s, None, st.E, closed, end=end))
        else:
            V = a if closed else a[:-1]
            del a
            outs.append(_intcore.make(st.T, st.D, A, s, V, st.E, closed))
            del V
        del s, A
    if union is None:
        return outs, outs[0].pieces
    return outs, int(np.count_nonzero(union)) + 1


def compile_continuous(net: Any, a: Fraction, b: Fraction, closed: bool, limit: int
                       ) -> tuple[list[_intcore.Arr], int, tuple[int, ...]]:
    """(integer form of each output, linear regions, activation regions per layer).

    ``net`` must be :func:`supported`; ``[a, b]`` (``a < b``) is the domain, ``closed`` whether
    the right end belongs to it; ``limit`` the int64 bound (``2**62``; tests lower it to force
    the Python-int path).
    """
    layers = net.layers
    st = _first(layers[0], a, b, limit)
    regions: list[int] = []
    for li, layer in enumerate(layers):
        relu = [j for j, act in enumerate(layer.activations) if act == "relu"]
        st = _refine(st, relu, limit, budget=li > 0 or len(layers) == 1)
        regions.append(st.pieces)
        if li + 1 < len(layers):
            st = _affine(st, layer.activations, layers[li + 1], limit)
    outs, total = _outputs(st, layers[-1].activations, closed, limit)
    return outs, total, tuple(regions)
