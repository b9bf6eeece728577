"""Fast exact Walsh-Hadamard and Haar transforms on dyadic grids, with certified overflow guards.

A sequence of ``N = 2**n`` exact values is a step function on the level-n cells of [0, 1)
(``values[x]`` on ``[x 2^-n, (x+1) 2^-n)``, conventions §A.1).

* :func:`fwht` computes ``c[k] = sum_x w_k(x) values[x]`` for the Walsh functions ``w_k`` in the
  chosen ordering (``"hadamard"``: Sylvester rows ``(-1)^popcount(k & x)``; ``"paley"``:
  ``w_m = prod r_{i+1}^{m_i}``; ``"sequency"``: ``wal_s`` has ``s`` sign changes), unnormalised,
  so ``c[k] / N = <f, w_k>``. :func:`ifwht` inverts it. Both are O(N log N).
* :func:`haar_transform` gives the coefficients in the unnormalised Haar basis
  ``{1} ∪ {psi_{j,k}}`` (§A.5), :func:`haar_lifting` the integer-to-integer lifting scheme,
  :func:`normalized_haar_coefficients` carries the ``2^(j/2)`` factors exactly.
* :func:`haar_to_walsh` / :func:`walsh_to_haar` change basis in O(N log N) (one Walsh transform
  of size ``2**j`` per Haar level ``j``).

Exactness. Every user number is converted with the checks of :mod:`exactmtl._validate` (floats
are refused). Rationals are scaled to integer numerators over one common denominator. The
butterflies run on numpy ``int64`` only when an a-priori bound proves that no intermediate can
overflow (``bits(max|input|) + n <= 63`` for the Walsh transform); otherwise the integers are split
into at most three int64 limbs (the transform is linear; each limb is bounded again), or the
butterfly runs on Python ints. The ``*_with_report`` functions return a
:class:`TransformResult` saying which path ran and why.

>>> fwht([1, 0, 0, 0]).tolist(), fwht([1, 2, 3, 4], order="sequency").tolist()
([1, 1, 1, 1], [10, -4, 0, -2])
>>> r = fwht_with_report([2**62, 1])
>>> r.path, r.values.tolist()
('int64-limbs', [4611686018427387905, 4611686018427387903])
>>> ifwht(fwht([Fraction(1, 3), 5, -2, 0])).tolist()
[Fraction(1, 3), 5, -2, 0]
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from exactmtl._validate import (
    as_choice,
    as_exact,
    as_exact_int,
    as_seed,
    check_budget,
    check_level_budget,
    check_power_of_two_length,
    shown,
)
from exactmtl.errors import InexactInputError, InvalidArgument, InvalidArgumentType

__all__ = [
    "TRANSFORM_PATHS",
    "WALSH_ORDERS",
    "ScreenResult",
    "TransformResult",
    "convert_walsh_order",
    "fwht",
    "fwht_float64_numeric",
    "fwht_reference",
    "fwht_with_report",
    "haar_lifting",
    "haar_to_walsh",
    "haar_to_walsh_with_report",
    "haar_transform",
    "haar_transform_with_report",
    "ifwht",
    "ifwht_with_report",
    "inverse_haar_lifting",
    "inverse_haar_transform",
    "involution_screen",
    "normalized_haar_coefficients",
    "walsh_index_map",
    "walsh_permutation",
    "walsh_to_haar",
    "walsh_to_haar_with_report",
]

#: The Walsh orderings (the same set as :data:`exactmtl.bases.WALSH_ORDERS`).
WALSH_ORDERS = ("hadamard", "paley", "sequency")
#: Values of the ``path`` argument: ``"auto"`` picks int64 when the bound allows it.
TRANSFORM_PATHS = ("auto", "int64", "limbs", "object")
#: int64 holds every integer of absolute value < 2**63.
INT64_BITS = 63


# --------------------------------------------------------------------------- validation

def _check_order(order: Any, name: str = "order") -> str:
    if not isinstance(order, str):
        as_choice(order, name, WALSH_ORDERS)
    if order not in WALSH_ORDERS:
        raise InvalidArgument(
            f"{name}={order!r} is not a Walsh ordering; expected one of "
            + ", ".join(repr(o) for o in WALSH_ORDERS))
    return order


def _check_path(path: Any) -> str:
    if not isinstance(path, str):
        as_choice(path, "path", TRANSFORM_PATHS)
    if path not in TRANSFORM_PATHS:
        raise InvalidArgument(
            f"path={path!r} is not a transform path; expected one of "
            + ", ".join(repr(p) for p in TRANSFORM_PATHS))
    return path


def _float_dtype_error(name: str, dtype: Any) -> InexactInputError:
    return InexactInputError(
        f"{name} has dtype {dtype} (floating point); exact transforms take integers, Fractions "
        "or dyadic rationals: pass an integer array, or Fraction(str(v)) for each value "
        "(fwht_float64_numeric is the float transform)")


def _as_array(values: Any, name: str) -> np.ndarray:
    """A numpy array of the input (no copy for numpy integer arrays); refuses scalars."""
    if isinstance(values, np.ndarray):
        arr = values
    elif isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise InvalidArgumentType(
            f"{name} has type {type(values).__name__}; expected a sequence of 2**n exact values")
    else:
        try:
            arr = np.asarray(values, dtype=object)
        except ValueError as exc:
            raise InvalidArgument(
                f"{name} is ragged ({exc}); expected equal-length rows of exact values") from None
        if any(isinstance(v, (list, tuple, np.ndarray)) for v in arr.flat):
            raise InvalidArgument(
                f"{name} is ragged (rows of different lengths); expected equal-length rows of "
                "exact values")
    if arr.ndim == 0:
        raise InvalidArgumentType(
            f"{name}={arr.item()!r} is a scalar; expected a sequence of 2**n exact values")
    check_budget("entries", arr.size, f"{name} with its entries")
    return arr


def _bits_of(arr: np.ndarray) -> int:
    """Bit length of ``max |arr|`` (0 for an all-zero or empty array), computed exactly."""
    if arr.size == 0:
        return 0
    hi, lo = int(arr.max()), int(arr.min())
    return max(abs(hi), abs(lo)).bit_length()


def _to_int_array(ints: np.ndarray) -> np.ndarray:
    """int64 if every entry fits (|v| < 2**63), else an object array of Python ints."""
    if ints.dtype == np.int64:
        return ints
    if ints.dtype.kind in "iu" and ints.dtype.itemsize < 8:
        return ints.astype(np.int64)
    if ints.dtype == np.uint64:
        if ints.size and int(ints.max()) >> INT64_BITS:
            return ints.astype(object)
        return ints.astype(np.int64)
    # object array of Python ints
    if _bits_of(ints) <= INT64_BITS:
        return ints.astype(np.int64)
    return ints


def _integer_numerators(values: Any, name: str) -> tuple[np.ndarray, int]:
    """(integer numerators, common denominator D) with ``values == numerators / D`` exactly."""
    arr = _as_array(values, name)
    kind = arr.dtype.kind
    if kind == "b":
        raise InvalidArgumentType(f"{name} has dtype bool; expected integers or exact rationals")
    if kind in "fc":
        raise _float_dtype_error(name, arr.dtype)
    if kind in "iu":
        return _to_int_array(arr), 1
    if kind != "O":
        raise InvalidArgumentType(
            f"{name} has dtype {arr.dtype}; expected integers or exact rationals")
    flat = arr.ravel().tolist()
    if all(type(v) is int for v in flat):
        ints = np.empty(len(flat), dtype=object)
        ints[:] = flat
        return _to_int_array(ints.reshape(arr.shape)), 1
    fracs = []
    for i, v in enumerate(flat):
        if isinstance(v, float):
            raise InexactInputError(
                f"{name}[{i}]={v!r} is a float; pass Fraction({str(v)!r}) for an exact value "
                "(fwht_float64_numeric is the float transform)")
        fracs.append(as_exact(v, f"{name}[{i}]"))
    den = math.lcm(*(f.denominator for f in fracs)) if fracs else 1
    ints = np.empty(len(fracs), dtype=object)
    ints[:] = [f.numerator * (den // f.denominator) for f in fracs]
    return _to_int_array(ints.reshape(arr.shape)), den


def _level_of(arr: np.ndarray, name: str) -> int:
    if arr.ndim == 0:
        raise InvalidArgumentType(f"{name} is a scalar; expected a sequence of 2**n values")
    return check_power_of_two_length(arr.shape[-1], name)


# --------------------------------------------------------------------------- orderings

def _bit_reverse_array(idx: np.ndarray, bits: int) -> np.ndarray:
    out = np.zeros_like(idx)
    for b in range(bits):
        out |= ((idx >> b) & 1) << (bits - 1 - b)
    return out


def _gray_array(idx: np.ndarray) -> np.ndarray:
    return idx ^ (idx >> 1)


def _gray_inverse_array(g: np.ndarray, bits: int) -> np.ndarray:
    out = g.copy()
    shift = 1
    while shift < bits:
        out ^= out >> shift
        shift <<= 1
    return out


@functools.lru_cache(maxsize=64)
def _permutation(level: int, order: str) -> np.ndarray:
    idx = np.arange(1 << level, dtype=np.int64)
    if order == "hadamard":
        perm = idx
    elif order == "paley":
        perm = _bit_reverse_array(idx, level)
    else:
        perm = _bit_reverse_array(_gray_array(idx), level)
    perm.setflags(write=False)
    return perm


@functools.lru_cache(maxsize=64)
def _inverse_permutation(level: int, order: str) -> np.ndarray:
    perm = _permutation(level, order)
    inv = np.empty_like(perm)
    inv[perm] = np.arange(perm.size, dtype=np.int64)
    inv.setflags(write=False)
    return inv


def walsh_permutation(level: int, order: str) -> np.ndarray:
    """Hadamard (Sylvester) row index of the ``k``-th Walsh function in ``order``, for every k.

    Paley ``m`` is Hadamard row ``bit_reverse(m)``; sequency ``s`` is Paley ``gray(s)``
    (main construction §2.4). The array is read-only and cached.

    >>> walsh_permutation(3, "paley").tolist()
    [0, 4, 2, 6, 1, 5, 3, 7]
    >>> walsh_permutation(3, "sequency").tolist()
    [0, 4, 6, 2, 3, 7, 5, 1]
    """
    return _permutation(check_level_budget(level, "level", "walsh_permutation", limit="entries"),
                        _check_order(order))


def walsh_index_map(level: int, source: str, target: str) -> np.ndarray:
    """``out[i]`` = the index in ``target`` order of the function with index ``i`` in ``source``.

    The vectorised form of :func:`exactmtl.bases.convert_walsh_index`.

    >>> walsh_index_map(3, "hadamard", "sequency").tolist()        # the golden vector
    [0, 7, 3, 4, 1, 6, 2, 5]
    """
    level = check_level_budget(level, "level", "walsh_index_map", limit="entries")
    _check_order(source, "source")
    _check_order(target, "target")
    return _inverse_permutation(level, target)[_permutation(level, source)]


def convert_walsh_order(coefficients: Any, source: str, target: str) -> np.ndarray:
    """Reorder Walsh coefficients (along the last axis) from ``source`` to ``target`` order.

    >>> c = fwht([1, 2, 3, 4], order="paley")
    >>> (convert_walsh_order(c, "paley", "sequency") == fwht([1, 2, 3, 4], "sequency")).all()
    np.True_
    """
    _check_order(source, "source")
    _check_order(target, "target")
    arr = _as_array(coefficients, "coefficients")
    if arr.dtype.kind in "fc":
        raise _float_dtype_error("coefficients", arr.dtype)
    if arr.dtype == object:  # a permutation keeps values: each must be exact already
        for i, v in enumerate(arr.flat):
            as_exact(v, f"coefficients[{i}]")
    level = _level_of(arr, "coefficients")
    if source == target:
        return arr.copy()
    pick = _inverse_permutation(level, source)[_permutation(level, target)]
    return np.take(arr, pick, axis=-1)  # C-ordered, and faster than arr[..., pick]


# --------------------------------------------------------------------------- kernels

_BLOCK = 1 << 15  # elements per cache block of the butterfly
_MAX_AUTO_LIMBS = 3  # beyond this many int64 limbs the Python-int butterfly is faster
_RADIX = 8  # the first log2(_RADIX) stages are done together on long strided columns


def _front(x: np.ndarray, radix: int) -> np.ndarray:
    """The first ``log2(radix)`` stages: column ``k`` of the ``(rows, -1, radix)`` view holds
    every element with ``x mod radix = k``; the small butterfly runs on whole columns (long
    numpy loops instead of inner loops of length 2 and 4)."""
    rows, size = x.shape
    view = x.reshape(rows, size // radix, radix)
    cols = [view[:, :, k] for k in range(radix)]
    h = 1
    while h < radix:
        nxt = list(cols)
        for start in range(0, radix, 2 * h):
            for i in range(start, start + h):
                a, b = cols[i], cols[i + h]
                nxt[i], nxt[i + h] = a + b, a - b
        cols = nxt
        h <<= 1
    out = np.empty_like(x)
    oview = out.reshape(rows, size // radix, radix)
    for k in range(radix):
        oview[:, :, k] = cols[k]
    return out


def _stages(src: np.ndarray, h: int) -> np.ndarray:
    """Stages ``h, 2h, ..., size/2`` on an array owned by the caller (it is overwritten)."""
    rows, size = src.shape
    if h >= size:
        return src
    dst = np.empty_like(src)
    while h < size:
        s = src.reshape(rows, -1, 2, h)
        d = dst.reshape(rows, -1, 2, h)
        np.add(s[:, :, 0], s[:, :, 1], out=d[:, :, 0])
        np.subtract(s[:, :, 0], s[:, :, 1], out=d[:, :, 1])
        src, dst = dst, src
        h <<= 1
    return src


_BLOCK_BYTES = 1 << 18  # bytes per cache block of rows (numeric dtypes)
_SPLIT_MIN_LEVEL = 6  # from 2^6 on, the split kernel below beats the radix front


def _split_block(x: np.ndarray) -> np.ndarray:
    """The butterfly of a cache-sized block of rows as ``H_A ⊗ H_B`` (``A B = size``).

    An index is ``i = a B + b``: the stages ``h >= B`` act on ``a`` with contiguous runs of
    ``h >= B`` elements; one transpose makes ``b`` the high part, whose stages then run with
    runs ``>= A``; a second transpose restores the layout. No stage has a short inner loop (the
    stages commute: each acts on its own tensor factor). ``x`` is not modified.
    """
    rows, size = x.shape
    level = size.bit_length() - 1
    b = 1 << (level // 2)
    a = size // b
    y = _stages(x.copy(), b)
    t = np.ascontiguousarray(y.reshape(rows, a, b).transpose(0, 2, 1)).reshape(rows, size)
    t = _stages(t, a)
    return np.ascontiguousarray(t.reshape(rows, b, a).transpose(0, 2, 1)).reshape(rows, size)


def _butterfly(x: np.ndarray) -> np.ndarray:
    """Sylvester butterfly along the last axis of a 2-D array: ``x @ H`` with ``H = H_1^{⊗n}``.

    Reshape-based: at each stage the rows are viewed as ``(-1, 2, h)`` blocks and replaced by
    ``(a + b, a - b)``; the stages are run on cache-sized blocks of rows (stages ``h < 2^15``
    of a long row act on its 2^15-blocks independently). Numeric rows of ``2^6`` entries or
    more use :func:`_split_block` (no short inner loops); object rows and short rows the radix
    front of :func:`_butterfly_radix`, the previous kernel (kept as the tests' oracle).
    The dtype is kept (int16/int32/int64, object or float64); ``x`` is not modified.
    """
    rows, size = x.shape
    if x.dtype == object or size < 1 << _SPLIT_MIN_LEVEL:
        return _butterfly_radix(x)
    if size > _BLOCK:
        inner = _butterfly(x.reshape(rows * (size // _BLOCK), _BLOCK))
        return _stages(inner.reshape(rows, size), _BLOCK)
    step = max(1, _BLOCK_BYTES // (x.dtype.itemsize * size))
    if rows <= step:
        return _split_block(x)
    out = np.empty_like(x)
    for start in range(0, rows, step):
        out[start:start + step] = _split_block(x[start:start + step])
    return out


def _butterfly_radix(x: np.ndarray) -> np.ndarray:
    """The butterfly with the first three stages fused on strided columns (:func:`_front`).

    Used for object rows and rows shorter than ``2^6``; the oracle of :func:`_butterfly`.
    """
    rows, size = x.shape
    if size == 1:
        return x.copy()
    if size > _BLOCK:
        inner = _butterfly_radix(x.reshape(rows * (size // _BLOCK), _BLOCK))
        return _stages(inner.reshape(rows, size), _BLOCK)
    radix = min(_RADIX, size)
    step = max(1, _BLOCK // size)
    if rows <= step:
        return _stages(_front(x, radix), radix)
    out = np.empty_like(x)
    for start in range(0, rows, step):
        out[start:start + step] = _stages(_front(x[start:start + step], radix), radix)
    return out




def _object_ints(x: np.ndarray) -> np.ndarray:
    return x if x.dtype == object else x.astype(object)


def _limb_split(x: np.ndarray, width: int, bits: int) -> list[np.ndarray]:
    """Split integers into balanced int64 limbs: ``x = sum_l limb_l 2^(width l)``.

    Every limb but the top one lies in ``[-2^(width-1), 2^(width-1))`` (balanced digits, so
    random data still cancels inside each limb's transform); the top one is what remains, at
    most about ``2^(bits - width (L - 1))`` in absolute value. The caller re-checks each limb's
    bit length before transforming it.
    """
    count = max(1, -(-(bits + 1) // width))
    rem = x if x.dtype == np.int64 else _object_ints(x)
    if rem.dtype == np.int64 and bits >= INT64_BITS - 1:
        rem = _object_ints(rem)  # rem + half below must not wrap
    half, mask = 1 << (width - 1), (1 << width) - 1
    limbs = []
    for _ in range(count - 1):
        low = ((rem + half) & mask) - half
        limbs.append(low.astype(np.int64))
        rem = (rem - low) >> width
    limbs.append(rem.astype(np.int64) if _bits_of(rem) <= INT64_BITS else rem)
    return limbs


_NARROW_MIN_SIZE = 1 << 16  # below this many entries the int64 run is as fast


def _narrow_dtype(bound: int, size: int) -> Any:
    """int16 (int32) when every intermediate is below ``2^bound <= 2^15`` (``2^31``) and the
    array is large enough for memory traffic to matter; else None (int64)."""
    if size < _NARROW_MIN_SIZE:
        return None
    if bound <= 15:
        return np.int16
    if bound <= 31:
        return np.int32
    return None


def _guarded_butterfly(ints: np.ndarray, level: int, path: str, growth: int,
                       kernel: Any = None, *, linear: bool = True,
                       keep_narrow: bool = False) -> tuple[np.ndarray, str, str, int, int]:
    """Run ``kernel``, a map whose intermediates are at most ``2^growth`` times max|input|.

    int64 when ``bits(max|input|) + growth <= 63``; otherwise int64 limbs if the kernel is
    linear, else Python ints. Returns (result, path used, reason, input bits, limb count).
    ``keep_narrow``: an int16/int32 run returns its result in that dtype (internal callers
    that only read the result: no int64 copy of a large array).
    """
    kernel = kernel or _butterfly
    bits = _bits_of(ints)
    bound = bits + growth
    fits = bound <= INT64_BITS
    if path == "int64" and not fits:
        raise InvalidArgument(
            f"path='int64' is not safe here: max |input| has {bits} bits and the transform "
            f"multiplies by at most 2^{growth}, so results may reach 2^{bound} > 2^63 - 1; "
            "use path='auto' (exact limbs) or path='object'")
    if path == "object":
        return (kernel(_object_ints(ints)), "object",
                f"path='object' requested: Python ints throughout (exact at any size; "
                f"max |input| has {bits} bits, bound 2^{bound})", bits, 1)
    if fits and path in ("auto", "int64"):
        narrow = _narrow_dtype(bound, ints.size)
        if narrow is not None:  # the same integers in half or a quarter of the memory traffic
            out = kernel(ints.astype(narrow))
            if not keep_narrow:
                out = out.astype(np.int64)
        else:
            out = kernel(ints.astype(np.int64, copy=False))
        return (out, "int64",
                f"max |input| < 2^{bits} and the transform grows values by at most 2^{growth}: "
                f"every intermediate is below 2^{bound} <= 2^63, so int64 cannot overflow", bits,
                1)
    width = INT64_BITS - growth
    if width < 1 or not linear:
        why = ("the map is not linear (no limb splitting)" if not linear else
               f"growth 2^{growth} leaves no room for an int64 limb")
        return (kernel(_object_ints(ints)), "object",
                f"max |input| has {bits} bits, {bits} + {growth} = {bound} > 63 could overflow "
                f"int64 and {why}: Python ints throughout", bits, 1)
    count = max(1, -(-(bits + 1) // width)) if width >= 1 else 0
    if path == "auto" and count > _MAX_AUTO_LIMBS:
        return (kernel(_object_ints(ints)), "object",
                f"max |input| has {bits} bits, {bits} + {growth} = {bound} > 63 could overflow "
                f"int64, and {count} limbs of {width} bits would be slower than Python ints "
                "(measured): Python ints throughout", bits, 1)
    limbs = _limb_split(ints, width, bits)
    if any(limb.dtype != np.int64 or _bits_of(limb) + growth > INT64_BITS for limb in limbs):
        return (kernel(_object_ints(ints)), "object",
                f"max |input| has {bits} bits, {bits} + {growth} = {bound} > 63 could overflow "
                "int64 and a limb failed its own bound: Python ints throughout", bits, 1)
    parts = [kernel(limb) for limb in limbs]
    # a-posteriori bound on the actual limb results: |sum_l p_l 2^(w l)| < 2^post
    post = (max(_bits_of(p) + width * i for i, p in enumerate(parts))
            + (len(parts) - 1).bit_length())
    if post <= INT64_BITS:
        total = parts[0]
        for index, part in enumerate(parts[1:], 1):
            total = total + (part << (width * index))
        how = f"recombined in int64 (the limb results bound the sum by 2^{post} <= 2^63)"
    else:
        total = _object_ints(parts[0])
        for index, part in enumerate(parts[1:], 1):
            total = total + (_object_ints(part) << (width * index))
        how = "recombined exactly in Python ints"
    why = ("path='limbs' requested" if path == "limbs" else
           f"max |input| has {bits} bits and the transform grows values by up to 2^{growth}: "
           f"{bits} + {growth} = {bound} > 63 could overflow int64")
    return (total, "int64-limbs",
            f"{why}; split into {len(limbs)} limbs of {width} bits, each transformed in int64 "
            f"(limb bits + {growth} <= 63), {how}", bits, len(limbs))


# --------------------------------------------------------------------------- results

def _exact_values(num: np.ndarray, den: int) -> np.ndarray:
    """``num / den`` exactly: integers where every entry is one, else Fractions."""
    if den == 1:
        return num
    if num.dtype != object and den.bit_length() > INT64_BITS:
        num = num.astype(object)  # den itself does not fit int64
    if num.dtype == object:
        if all(v % den == 0 for v in num.flat):
            return num // den
    elif not (num % den).any():
        return num // den
    out = np.empty(num.shape, dtype=object)
    out.flat[:] = [_reduced(int(v), den) for v in num.flat]
    return out


@dataclass(frozen=True)
class TransformResult:
    """An exact transform: ``values = numerators / denominator``, and how it was computed.

    Attributes
    ----------
    numerators : numpy.ndarray
        Integers: ``int64`` whenever they fit, else an object array of Python ints.
    denominator : int
        One common positive denominator (the input's common denominator, times ``N`` for the
        inverse Walsh transform, ``2**n`` for Haar coefficients).
    transform, order, level : str, str or None, int
        What was computed.
    path : str
        ``"int64"``, ``"int64-limbs"`` or ``"object"``.
    reason : str
        Why that path is exact (the overflow bound that was checked).
    input_bits, limbs : int
        Bit length of the largest input numerator; number of int64 limbs used.

    Examples
    --------
    >>> r = fwht_with_report([Fraction(1, 2), Fraction(3, 2)])
    >>> r.numerators.tolist(), r.denominator, r.path, r.input_bits
    ([4, -2], 2, 'int64', 2)
    """

    numerators: np.ndarray = field(repr=False)
    denominator: int
    transform: str
    order: str | None
    level: int
    path: str
    reason: str
    input_bits: int
    limbs: int = 1

    @property
    def values(self) -> np.ndarray:
        """The exact result: ints (int64 or Python) if every entry is an integer, else Fractions.

        >>> fwht_with_report([Fraction(1, 2), Fraction(3, 2)]).values.tolist()
        [2, -1]
        >>> ifwht_with_report([1, 0]).values.tolist()
        [Fraction(1, 2), Fraction(1, 2)]
        """
        return _exact_values(self.numerators, self.denominator)

    @property
    def exact(self) -> bool:
        """Always True: every path is exact; the report says why.

        >>> fwht_with_report([2**70, 1]).exact
        True
        """
        return True

    def __str__(self) -> str:
        order = f", order={self.order}" if self.order else ""
        return (f"{self.transform}(level={self.level}{order}): exact via {self.path} path — "
                f"{self.reason}")


def _finish(result: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return result.reshape(shape)


def _prepare(values: Any, name: str) -> tuple[np.ndarray, int, int, tuple[int, ...]]:
    if isinstance(values, TransformResult):  # exact already: numerators over a denominator
        ints, den = _to_int_array(values.numerators), values.denominator
    else:
        ints, den = _integer_numerators(values, name)
    level = _level_of(ints, name)
    shape = ints.shape
    return ints.reshape(-1, shape[-1]), den, level, shape


# --------------------------------------------------------------------------- Walsh-Hadamard

def fwht_with_report(values: Any, order: str = "hadamard", *,
                     path: str = "auto") -> TransformResult:
    """Exact fast Walsh-Hadamard transform with a report of the arithmetic path used.

    ``result.values[..., k] = sum_x w_k(x) values[..., x]`` along the last axis (length
    ``2**n``), ``w_k`` the ``k``-th Walsh function of ``order`` sampled on the level-n cells.

    Parameters
    ----------
    values : sequence or array of int, Fraction, sympy.Rational (any shape, last axis 2**n)
    order : {"hadamard", "paley", "sequency"}
    path : {"auto", "int64", "limbs", "object"}
        ``"auto"`` uses int64 when ``bits(max|numerator|) + n <= 63`` proves that no
        intermediate overflows, else exact int64 limbs (at most 3; Python ints beyond, which
        are faster then). ``"int64"`` raises if that bound fails; ``"limbs"`` and ``"object"``
        force a path.

    Examples
    --------
    >>> r = fwht_with_report([3, 1, 4, 1, 5, 9, 2, 6], order="paley")
    >>> r.values.tolist(), r.path
    ([31, -13, 5, -7, -3, 13, -1, -1], 'int64')
    >>> print(r.reason)  # doctest: +ELLIPSIS
    max |input| < 2^4 and the transform grows values by at most 2^3: every intermediate ...
    """
    order = _check_order(order)
    path = _check_path(path)
    ints, den, level, shape = _prepare(values, "values")
    out, used, reason, bits, limbs = _guarded_butterfly(ints, level, path, level)
    if order != "hadamard":
        out = np.take(out, _permutation(level, order), axis=1)
    return TransformResult(_finish(out, shape), den, "fwht", order, level, used, reason, bits,
                           limbs)


def fwht(values: Any, order: str = "hadamard", *, path: str = "auto") -> np.ndarray:
    """Exact fast Walsh-Hadamard transform (unnormalised), O(N log N), along the last axis.

    ``fwht(v)[k] = sum_x w_k(x) v[x]``, so ``fwht(v)[k] / N`` is the Walsh coefficient
    ``<f, w_k>`` of the step function with cell values ``v``. Returns an int64 array when the
    certified int64 path ran, else an object array (Python ints, or Fractions for rational
    input). See :func:`fwht_with_report` for the path and its justification.

    >>> fwht([1, 2, 3, 4]).tolist()
    [10, -2, -4, 0]
    >>> fwht([1, 2, 3, 4], order="paley").tolist()
    [10, -4, -2, 0]
    >>> fwht([1, 2, 3])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: len(values)=3 is not a power of two; expected 2**n ...
    """
    return fwht_with_report(values, order, path=path).values


def ifwht_with_report(coefficients: Any, order: str = "hadamard", *,
                      path: str = "auto") -> TransformResult:
    """Exact inverse of :func:`fwht_with_report`: ``values = W^T c / N`` (``W W^T = N I``).

    >>> r = ifwht_with_report([10, -2, -4, 0])
    >>> r.values.tolist(), r.denominator
    ([1, 2, 3, 4], 4)
    """
    order = _check_order(order)
    path = _check_path(path)
    ints, den, level, shape = _prepare(coefficients, "coefficients")
    if order != "hadamard":
        ints = np.take(ints, _inverse_permutation(level, order), axis=1)
    out, used, reason, bits, limbs = _guarded_butterfly(ints, level, path, level)
    return TransformResult(_finish(out, shape), den << level, "ifwht", order, level, used,
                           reason, bits, limbs)


def ifwht(coefficients: Any, order: str = "hadamard", *, path: str = "auto") -> np.ndarray:
    """Exact inverse fast Walsh-Hadamard transform: ``ifwht(fwht(v, o), o) == v``.

    >>> ifwht([10, -4, -2, 0], order="paley").tolist()
    [1, 2, 3, 4]
    >>> ifwht([1, 0]).tolist()
    [Fraction(1, 2), Fraction(1, 2)]
    """
    return ifwht_with_report(coefficients, order, path=path).values


def fwht_reference(values: Sequence[Any], order: str = "hadamard") -> list[Fraction | int]:
    """Pure-Python reference transform (lists, ints/Fractions, no numpy): the test oracle.

    Independent of the vectorised code: scalar Gray code and bit reversal, list butterflies.

    >>> fwht_reference([1, 2, 3, 4], order="sequency")
    [10, -4, 0, -2]
    """
    order = _check_order(order)
    vals = [v if type(v) is int else as_exact(v, f"values[{i}]") for i, v in enumerate(values)]
    level = check_power_of_two_length(len(vals), "values")
    size = len(vals)
    h = 1
    while h < size:
        for start in range(0, size, 2 * h):
            for i in range(start, start + h):
                a, b = vals[i], vals[i + h]
                vals[i], vals[i + h] = a + b, a - b
        h *= 2

    def rev(i: int) -> int:
        return int(format(i, f"0{level}b")[::-1], 2) if level else 0

    if order == "hadamard":
        return vals
    if order == "paley":
        return [vals[rev(m)] for m in range(size)]
    return [vals[rev(s ^ (s >> 1))] for s in range(size)]


def fwht_float64_numeric(values: Any, order: str = "hadamard") -> np.ndarray:
    """The same butterfly on float64 (numeric path, NOT exact: rounding above 2**53).

    For benchmarks and float cross-checks only.

    >>> fwht_float64_numeric([1.0, 2.0, 3.0, 4.0]).tolist()
    [10.0, -2.0, -4.0, 0.0]
    """
    order = _check_order(order)
    x = np.asarray(values, dtype=np.float64)  # float ok: numeric path
    level = _level_of(x, "values")
    shape = x.shape
    out = _butterfly(x.reshape(-1, shape[-1]))
    if order != "hadamard":
        out = np.take(out, _permutation(level, order), axis=1)
    return out.reshape(shape)


# --------------------------------------------------------------------------- Haar

def _haar_kernel(level: int):
    """Unnormalised Haar analysis on integers: sums and differences, numerators over 2^n.

    Output layout: index 0 is ``2^n a`` (a = mean), index ``2^j + k`` is ``2^n d_{j,k}`` where
    ``f = a + sum d_{j,k} psi_{j,k}``. With ``S``/``E`` the block sums and differences,
    ``2^n d_{j,k} = 2^j E_{j,k}``.
    """
    def kernel(x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        s = x
        for j in range(level - 1, -1, -1):
            pairs = s.reshape(s.shape[0], 1 << j, 2)
            a, b = pairs[:, :, 0], pairs[:, :, 1]
            diff = a - b
            out[:, 1 << j: 2 << j] = diff << j
            s = a + b
        out[:, 0] = s[:, 0]
        return out
    return kernel


def _inverse_haar_kernel(level: int):
    def kernel(c: np.ndarray) -> np.ndarray:
        s = c[:, :1]
        for j in range(level):
            d = c[:, 1 << j: 2 << j]
            nxt = np.empty((c.shape[0], 2 << j), dtype=c.dtype)
            nxt[:, 0::2] = s + d
            nxt[:, 1::2] = s - d
            s = nxt
        return s.copy() if s.base is not None else s
    return kernel


def haar_transform_with_report(values: Any, *, path: str = "auto") -> TransformResult:
    """Exact unnormalised Haar coefficients with a report (see :func:`haar_transform`).

    >>> r = haar_transform_with_report([4, 2, 5, 5])
    >>> r.numerators.tolist(), r.denominator, r.path
    ([16, -4, 4, 0], 4, 'int64')
    """
    path = _check_path(path)
    ints, den, level, shape = _prepare(values, "values")
    out, used, reason, bits, limbs = _guarded_butterfly(ints, level, path, level,
                                                        _haar_kernel(level))
    return TransformResult(_finish(out, shape), den << level, "haar", None, level, used,
                           reason, bits, limbs)


def haar_transform(values: Any, *, path: str = "auto") -> np.ndarray:
    """Coefficients of the step function ``values`` in the unnormalised Haar basis (§A.5).

    ``f = c[0] + sum_{j<n, k<2^j} c[2^j + k] psi_{j,k}``: ``c[0]`` is the mean and
    ``c[2^j + k] = 2^j <f, psi_{j,k}>`` = (mean over the left half of ``I_{j,k}`` - mean over its
    right half) / 2. Exact (averages and differences on integer numerators), O(N).

    >>> haar_transform([4, 2, 5, 5]).tolist()
    [4, -1, 1, 0]
    >>> haar_transform([1, 0]).tolist()
    [Fraction(1, 2), Fraction(1, 2)]
    """
    return haar_transform_with_report(values, path=path).values


def inverse_haar_transform(coefficients: Any, *, path: str = "auto") -> np.ndarray:
    """Cell values from unnormalised Haar coefficients: inverse of :func:`haar_transform`.

    >>> inverse_haar_transform([4, -1, 1, 0]).tolist()
    [4, 2, 5, 5]
    """
    path = _check_path(path)
    ints, den, level, shape = _prepare(coefficients, "coefficients")
    growth = (level + 1).bit_length()  # |value| <= (n + 1) max|coefficient|
    out, _, _, _, _ = _guarded_butterfly(ints, level, path, growth, _inverse_haar_kernel(level))
    return _exact_values(_finish(out, shape), den)


def _check_integers(values: Any, name: str) -> tuple[np.ndarray, int, tuple[int, ...]]:
    ints, den, level, shape = _prepare(values, name)
    if den != 1:
        raise InvalidArgument(
            f"{name} has non-integer entries (common denominator {den}); the integer lifting "
            "scheme takes integers (use haar_transform for exact rational coefficients)")
    return ints, level, shape


def _lifting_kernel(level: int):
    def kernel(x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        s = x
        for j in range(level - 1, -1, -1):
            a, b = s[:, 0::2], s[:, 1::2]
            d = a - b
            out[:, 1 << j: 2 << j] = d
            s = b + (d >> 1)
        out[:, 0] = s[:, 0]
        return out
    return kernel


def _inverse_lifting_kernel(level: int):
    def kernel(c: np.ndarray) -> np.ndarray:
        s = c[:, :1].copy()
        for j in range(level):
            d = c[:, 1 << j: 2 << j]
            b = s - (d >> 1)
            nxt = np.empty((c.shape[0], 2 << j), dtype=c.dtype)
            nxt[:, 0::2] = d + b
            nxt[:, 1::2] = b
            s = nxt
        return s
    return kernel


def haar_lifting(values: Any) -> np.ndarray:
    """Integer-to-integer Haar transform by lifting (the S-transform), exactly invertible.

    At each level, a pair ``(a, b)`` becomes ``d = a - b`` and ``s = b + floor(d / 2)``
    (``= floor((a + b) / 2)``). Layout as in :func:`haar_transform`: ``out[0]`` is the final
    floor-average, ``out[2^j + k]`` the level-j difference. Integers only.

    >>> haar_lifting([4, 2, 5, 5]).tolist()
    [4, -2, 2, 0]
    >>> inverse_haar_lifting([4, -2, 2, 0]).tolist()
    [4, 2, 5, 5]
    """
    ints, level, shape = _check_integers(values, "values")
    out, _, _, _, _ = _guarded_butterfly(ints, level, "auto", 1, _lifting_kernel(level),
                                         linear=False)
    return _finish(out, shape)


def inverse_haar_lifting(coefficients: Any) -> np.ndarray:
    """Inverse of :func:`haar_lifting` (integers in, integers out).

    >>> inverse_haar_lifting(haar_lifting([7, -3, 2, 2**70])).tolist() == [7, -3, 2, 2**70]
    True
    """
    ints, level, shape = _check_integers(coefficients, "coefficients")
    growth = (3 * level + 1).bit_length()  # |value| <= (3n + 1) max|coefficient|
    out, _, _, _, _ = _guarded_butterfly(ints, level, "auto", growth,
                                         _inverse_lifting_kernel(level), linear=False)
    return _finish(out, shape)


def _haar_levels(level: int) -> np.ndarray:
    """``j`` for each Haar index ``2^j + k`` (and 0 for index 0)."""
    js = np.zeros(1 << level, dtype=np.int64)
    for j in range(level):
        js[1 << j: 2 << j] = j
    return js


def normalized_haar_coefficients(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients in the orthonormal Haar basis ``psi~_{j,k} = 2^(j/2) psi_{j,k}``, exactly.

    Returns ``(rational, root)`` with coefficient ``i = rational[i] * sqrt(2)**root[i]``,
    ``root[i]`` in {0, 1}: ``<f, psi~_{j,k}> = 2^(-j/2) c_{j,k}``, and
    ``2^(-j/2) = 2^(-ceil(j/2)) sqrt(2)^(j mod 2)``. Parseval then reads
    ``sum rational^2 2^root = ∫ f^2`` in exact rationals.

    >>> q, r = normalized_haar_coefficients([4, 2, 5, 5])
    >>> q.tolist(), r.tolist()          # 4, -1, sqrt(2)/2, 0
    ([4, -1, Fraction(1, 2), 0], [0, 0, 1, 1])
    """
    report = haar_transform_with_report(values)
    level = report.level
    js = _haar_levels(level)
    # numerator / (D 2^n) * 2^-ceil(j/2): one more power of two in the denominator per entry
    scale = np.broadcast_to(1 << ((js + 1) // 2), report.numerators.shape)
    rational = np.empty(report.numerators.shape, dtype=object)
    rational.flat[:] = [_reduced(int(v), report.denominator * int(s))
                        for v, s in zip(report.numerators.flat, scale.flat)]
    root = np.broadcast_to((js & 1).astype(np.int8), report.numerators.shape).copy()
    return rational, root


def _reduced(num: int, den: int) -> int | Fraction:
    q = Fraction(num, den)
    return q.numerator if q.denominator == 1 else q


# --------------------------------------------------------------------------- Haar <-> Walsh

def haar_to_walsh_with_report(coefficients: Any, order: str = "paley", *,
                              path: str = "auto") -> TransformResult:
    """Walsh coefficients from Haar coefficients, as numerators over one denominator.

    ``coefficients`` may be a :class:`TransformResult` of :func:`haar_transform_with_report`
    (no conversion to Fractions: the fast route for large levels).

    >>> r = haar_to_walsh_with_report(haar_transform_with_report([4, 2, 5, 5]))
    >>> r.numerators.tolist(), r.denominator
    ([32, -8, 4, 4], 8)
    """
    order = _check_order(order)
    path = _check_path(path)
    ints, den, level, shape = _prepare(coefficients, "coefficients")
    growth = max(level - 1, 0)

    def kernel(x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        out[:, 0] = x[:, 0] << growth
        for j in range(level):
            block = _butterfly(x[:, 1 << j: 2 << j])[:, _permutation(j, "paley")]
            out[:, 1 << j: 2 << j] = block << (level - 1 - j)
        return out

    out, used, reason, bits, limbs = _guarded_butterfly(ints, level, path, growth, kernel)
    if order != "paley":
        out = np.take(out, _inverse_permutation(level, "paley")[_permutation(level, order)],
                      axis=1)
    return TransformResult(_finish(out, shape), den << growth, "haar_to_walsh", order, level,
                           used, reason, bits, limbs)


def haar_to_walsh(coefficients: Any, order: str = "paley", *, path: str = "auto") -> np.ndarray:
    """Walsh coefficients ``<f, w_m>`` from unnormalised Haar coefficients, O(N log N).

    Uses ``psi_{j,k} = 2^-j sum_{m<2^j} w_m(I_{j,k}) w_{2^j+m}`` (Paley): the level-j block of
    Haar coefficients maps to the Paley block ``[2^j, 2^(j+1))`` by one size-``2^j`` transform.

    >>> c = haar_transform([4, 2, 5, 5])
    >>> haar_to_walsh(c).tolist()
    [4, -1, Fraction(1, 2), Fraction(1, 2)]
    >>> (haar_to_walsh(c) * 4 == fwht([4, 2, 5, 5], "paley")).all()      # <f, w_m> = fwht / N
    np.True_
    """
    return haar_to_walsh_with_report(coefficients, order, path=path).values


def walsh_to_haar_with_report(coefficients: Any, order: str = "paley", *,
                              path: str = "auto") -> TransformResult:
    """Haar coefficients from Walsh coefficients, as numerators over one denominator.

    >>> r = walsh_to_haar_with_report([4, -1, Fraction(1, 2), Fraction(1, 2)])
    >>> r.numerators.tolist(), r.denominator
    ([8, -2, 2, 0], 2)
    """
    order = _check_order(order)
    path = _check_path(path)
    ints, den, level, shape = _prepare(coefficients, "coefficients")
    if order != "paley":
        ints = np.take(ints, _inverse_permutation(level, order)[_permutation(level, "paley")],
                       axis=1)
    growth = max(level - 1, 0)

    def kernel(x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        out[:, 0] = x[:, 0]
        for j in range(level):
            block = x[:, 1 << j: 2 << j][:, _inverse_permutation(j, "paley")]
            out[:, 1 << j: 2 << j] = _butterfly(np.ascontiguousarray(block))
        return out

    out, used, reason, bits, limbs = _guarded_butterfly(ints, level, path, growth, kernel)
    return TransformResult(_finish(out, shape), den, "walsh_to_haar", order, level, used,
                           reason, bits, limbs)


def walsh_to_haar(coefficients: Any, order: str = "paley", *, path: str = "auto") -> np.ndarray:
    """Unnormalised Haar coefficients from Walsh coefficients ``<f, w_m>``, O(N log N).

    Inverse of :func:`haar_to_walsh`: block ``j`` is ``W_j^T`` (Paley, size ``2^j``) applied to
    the Walsh coefficients ``2^j .. 2^(j+1) - 1``.

    >>> walsh_to_haar([4, -1, Fraction(1, 2), Fraction(1, 2)]).tolist()
    [4, -1, 1, 0]
    """
    return walsh_to_haar_with_report(coefficients, order, path=path).values


# --------------------------------------------------------------------------- screen

@dataclass(frozen=True)
class ScreenResult:
    """A randomised screen: evidence, NOT a proof.

    ``passed`` says whether every trial agreed; ``false_pass_bound`` bounds the probability
    that a wrong linear map passes all trials (Schwartz-Zippel / Freivalds for random integer
    vectors with entries drawn from ``range(2**entry_bits)``).

    >>> s = involution_screen(3, trials=2, entry_bits=8)
    >>> bool(s), s.false_pass_bound, s.label
    (True, Fraction(1, 65536), 'randomised screen, not a proof')
    """

    passed: bool
    trials: int
    seed: int
    what: str
    false_pass_bound: Fraction
    failure: dict | None = None
    label: str = "randomised screen, not a proof"

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        verdict = "passed" if self.passed else f"FAILED at {self.failure}"
        return (f"{self.what}: {verdict} ({self.trials} trials, seed {self.seed}; "
                f"{self.label}; false-pass probability <= {self.false_pass_bound})")


def involution_screen(level: int, *, trials: int = 3, seed: int = 0,
                      entry_bits: int = 32, transform: Any = None) -> ScreenResult:
    """Screen: the Hadamard transform applied twice equals ``N`` times the input.

    Draws ``trials`` seeded random integer vectors ``x`` (entries in ``[0, 2^entry_bits)``) and
    checks ``T(T(x)) == 2^level x`` exactly, ``T = transform`` (default :func:`fwht`). If the
    linear map ``T∘T`` differs from ``N I``, one trial passes with probability at most
    ``2^-entry_bits``. This is a **screen**: it is cheap, it is exact arithmetic, and it is not a
    proof (the exact statement is checked by ``proofs/a3_walsh.py``).

    >>> s = involution_screen(10, trials=2)
    >>> s.passed, s.label
    (True, 'randomised screen, not a proof')
    >>> involution_screen(4, transform=lambda v: np.roll(fwht(v), 1)).passed   # a wrong T
    False
    """
    level = check_level_budget(level, "level", "involution_screen", limit="entries")
    trials = as_exact_int(trials, "trials", minimum=1)
    check_budget("entries", trials << level, f"involution_screen(trials={trials}, level={level})")
    entry_bits = as_exact_int(entry_bits, "entry_bits", minimum=1)
    check_budget("exponent", entry_bits, f"involution_screen(entry_bits={entry_bits})")
    seed = as_seed(seed, "seed")
    if transform is not None and not callable(transform):
        raise InvalidArgumentType(f"transform={shown(transform)} has type "
                                  f"{type(transform).__name__}; expected a callable (an array "
                                  "of 2**level entries -> array)")
    transform = transform or fwht
    rng = random.Random(seed)
    size = 1 << level
    for t in range(trials):
        x = np.array([rng.getrandbits(entry_bits) for _ in range(size)],
                     dtype=np.int64 if entry_bits <= 62 else object)
        twice = np.asarray(transform(transform(x)), dtype=object)
        expected = x.astype(object) * size
        bad = np.nonzero(twice != expected)[0]
        if bad.size:
            i = int(bad[0])
            return ScreenResult(False, t + 1, seed, f"T(T(x)) == 2^{level} x", Fraction(0),
                                {"trial": t, "index": i, "got": twice[i], "expected": expected[i]})
    return ScreenResult(True, trials, seed, f"T(T(x)) == 2^{level} x",
                        Fraction(1, 1 << (entry_bits * trials)))
