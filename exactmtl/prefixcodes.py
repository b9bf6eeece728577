"""Prefix-free codes for integers and exact rationals: Elias gamma and delta, exact Kraft sums.

Integer codes (for ``n >= 1``; a non-negative ``n`` is coded as ``n + 1``):

* **Elias gamma** ``gamma(n)``: ``L - 1`` zeros, then the ``L`` binary digits of ``n``
  (``L = n.bit_length()``); length ``2 L - 1``.
* **Elias delta** ``delta(n)``: ``gamma(L)``, then the ``L - 1`` binary digits of ``n`` after its
  leading one; length ``L - 1 + 2 bit_length(L) - 1``.

Rational codes (the ``code`` parameter of :func:`rational_code_length`, ``Network.bits`` and
friends). Write a rational as ``q = s a / b`` in lowest terms, ``s`` the sign, ``a >= 0``,
``b >= 1``, and let ``E`` be the integer code (gamma or delta):

* ``"elias-gamma"`` / ``"elias-delta"`` (numerator and denominator):
  ``E(a + 1)``, then, only when ``a > 0``, one sign bit (``0`` for +, ``1`` for -) and ``E(b)``.
  Zero costs ``E(1)`` = 1 bit.
* ``"elias-gamma-dyadic"`` / ``"elias-delta-dyadic"`` (numerator and exponent), for dyadic
  rationals ``q = s a / 2**e`` only: ``E(a + 1)``, then, only when ``a > 0``, the sign bit and
  ``E(e + 1)``.

Each is prefix-free: a decoder reads ``E``, learns whether more follows, then reads a fixed sign
bit and one more self-delimiting ``E``. :func:`decode_rational` is that decoder. Lengths are
exact integers; Kraft sums are exact ``Fraction`` values.

>>> elias_gamma(5), elias_delta(5)
('00101', '01101')
>>> rational_code_length(Fraction(-1, 2), "elias-gamma")   # E(2) + sign + E(2) = 3 + 1 + 3
7
>>> rational_code_length(Fraction(-1, 2), "elias-gamma-dyadic")  # E(2) + sign + E(2): e = 1
7
>>> encode_rational(Fraction(3, 4), "elias-gamma-dyadic")   # E(4), +, E(e + 1) = E(3)
'001000011'
>>> decode_rational('001000011', "elias-gamma-dyadic")
(Fraction(3, 4), '')
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from exactmtl._validate import as_choice, as_exact, as_exact_int, as_list, check_budget, shown
from exactmtl.errors import InvalidArgument, InvalidArgumentType

__all__ = [
    "RATIONAL_CODES",
    "decode_elias_delta",
    "decode_elias_gamma",
    "decode_rational",
    "elias_delta",
    "elias_delta_length",
    "elias_gamma",
    "elias_gamma_length",
    "encode_rational",
    "integer_code_length",
    "is_prefix_free",
    "kraft_sum",
    "rational_code_length",
]

RATIONAL_CODES = ("elias-gamma", "elias-delta", "elias-gamma-dyadic", "elias-delta-dyadic")


def _positive(n: Any, name: str = "n") -> int:
    return as_exact_int(n, name, minimum=1)


# --------------------------------------------------------------------------- integers

def elias_gamma_length(n: int) -> int:
    """Length ``2 floor(log2 n) + 1`` of the Elias gamma codeword of ``n >= 1``.

    >>> [elias_gamma_length(n) for n in (1, 2, 3, 4, 1023, 1024)]
    [1, 3, 3, 5, 19, 21]
    """
    return 2 * _positive(n).bit_length() - 1


def elias_delta_length(n: int) -> int:
    """Length ``L - 1 + elias_gamma_length(L)`` (``L`` = bits of ``n``) of the delta codeword.

    >>> [elias_delta_length(n) for n in (1, 2, 3, 4, 1023, 1024)]
    [1, 4, 4, 5, 16, 17]
    """
    length = _positive(n).bit_length()
    return length - 1 + 2 * length.bit_length() - 1


def elias_gamma(n: int) -> str:
    """The Elias gamma codeword of ``n >= 1`` as a string of ``'0'``/``'1'``.

    >>> [elias_gamma(n) for n in (1, 2, 3, 4)]
    ['1', '010', '011', '00100']
    """
    n = _positive(n)
    body = format(n, "b")
    return "0" * (len(body) - 1) + body


def elias_delta(n: int) -> str:
    """The Elias delta codeword of ``n >= 1``: ``gamma(bit_length(n))`` then the tail bits.

    >>> [elias_delta(n) for n in (1, 2, 3, 4, 17)]
    ['1', '0100', '0101', '01100', '001010001']
    """
    n = _positive(n)
    body = format(n, "b")
    return elias_gamma(len(body)) + body[1:]


def _check_bits(bits: Any) -> str:
    if not isinstance(bits, str):
        raise InvalidArgumentType(f"bits={shown(bits)} has type {type(bits).__name__}; expected a "
                                  "string of '0' and '1'")
    if set(bits) - {"0", "1"}:
        raise InvalidArgument(f"bits={shown(bits)} contains characters other than '0' and '1'")
    return bits


def decode_elias_gamma(bits: str) -> tuple[int, str]:
    """Read one gamma codeword from the front of ``bits``; return ``(n, rest)``.

    >>> decode_elias_gamma("0010111")
    (5, '11')
    """
    bits = _check_bits(bits)
    zeros = len(bits) - len(bits.lstrip("0"))
    end = 2 * zeros + 1
    if end > len(bits):
        raise InvalidArgument(f"bits={shown(bits)} ends inside an Elias gamma codeword")
    return int(bits[zeros:end], 2), bits[end:]


def decode_elias_delta(bits: str) -> tuple[int, str]:
    """Read one delta codeword from the front of ``bits``; return ``(n, rest)``.

    >>> decode_elias_delta("001010001" + "1")
    (17, '1')
    """
    length, rest = decode_elias_gamma(bits)
    if length - 1 > len(rest):
        raise InvalidArgument(f"bits={shown(bits)} ends inside an Elias delta codeword")
    return int("1" + rest[:length - 1], 2), rest[length - 1:]


_INT_CODES = {
    "gamma": (elias_gamma, elias_gamma_length, decode_elias_gamma),
    "delta": (elias_delta, elias_delta_length, decode_elias_delta),
}


def integer_code_length(n: int, code: str = "elias-gamma") -> int:
    """Length of the codeword of the integer ``n >= 1`` under ``"elias-gamma"``/``"elias-delta"``.

    >>> integer_code_length(100, "elias-gamma"), integer_code_length(100, "elias-delta")
    (13, 11)
    """
    return _INT_CODES[_integer_code_name(code)][1](n)


def _integer_code_name(code: Any) -> str:
    if code in ("elias-gamma", "gamma"):
        return "gamma"
    if code in ("elias-delta", "delta"):
        return "delta"
    raise InvalidArgument(f"code={code!r} is not an integer code; expected 'elias-gamma' or "
                          "'elias-delta'")


# --------------------------------------------------------------------------- rationals

def _check_code(code: Any) -> tuple[str, bool]:
    if not isinstance(code, str):
        as_choice(code, "code", RATIONAL_CODES)
    if code not in RATIONAL_CODES:
        raise InvalidArgument(f"code={code!r} is not a rational code; expected one of "
                              f"{', '.join(RATIONAL_CODES)}")
    base, _, dyadic = code.removeprefix("elias-").partition("-")
    return base, dyadic == "dyadic"


def _parts(q: Any, code: str, name: str) -> tuple[str, bool, int, int]:
    """(integer code, sign, |numerator|, denominator or exponent + 1)."""
    base, dyadic = _check_code(code)
    value = as_exact(q, name)
    a, b = abs(value.numerator), value.denominator
    if dyadic:
        if b & (b - 1):
            raise InvalidArgument(f"{name}={value} is not dyadic; code={code!r} needs p/2**e "
                                  "(use 'elias-gamma' or 'elias-delta' for any rational)")
        b = b.bit_length()  # e + 1
    return base, value < 0, a, b


def rational_code_length(q: Any, code: str = "elias-gamma") -> int:
    """Exact length in bits of the codeword of the rational ``q`` under ``code``.

    >>> [rational_code_length(v, "elias-gamma") for v in (0, 1, -1, Fraction(1, 3))]
    [1, 5, 5, 7]
    >>> rational_code_length(Fraction(1, 1024), "elias-gamma-dyadic")   # E(2) + 1 + E(11)
    11
    """
    fast = _fast_rational_length(q, code)
    if fast is not None:
        return fast
    base, _, a, b = _parts(q, code, "q")
    length = _INT_CODES[base][1]
    if a == 0:
        return 1
    return length(a + 1) + 1 + length(b)


_GAMMA_DELTA = {"elias-gamma": ("gamma", False), "elias-delta": ("delta", False),
                "elias-gamma-dyadic": ("gamma", True), "elias-delta-dyadic": ("delta", True)}


def _fast_rational_length(q: Any, code: Any) -> int | None:
    """:func:`rational_code_length` for a plain int or Fraction of moderate size and a known
    code, with the lengths from bit lengths (the network bit counts ask for it very often);
    None sends everything else through the checked path."""
    if type(q) is int:
        a, b = abs(q), 1
    elif type(q) is Fraction:
        a, b = abs(q.numerator), q.denominator
    else:
        return None
    if type(code) is not str or code not in _GAMMA_DELTA or a.bit_length() > 4000 \
            or b.bit_length() > 4000:
        return None
    base, dyadic = _GAMMA_DELTA[code]
    if dyadic:
        if b & (b - 1):
            return None  # not dyadic: the checked path raises
        b = b.bit_length()
    if a == 0:
        return 1
    length = _INT_CODES[base][1]
    return length(a + 1) + 1 + length(b)


def encode_rational(q: Any, code: str = "elias-gamma") -> str:
    """The codeword of ``q`` under ``code`` (see the module docstring).

    >>> encode_rational(0), encode_rational(-2)   # -2: E(3), sign 1, E(1)
    ('1', '01111')
    """
    base, negative, a, b = _parts(q, code, "q")
    enc = _INT_CODES[base][0]
    if a == 0:
        return enc(1)
    return enc(a + 1) + ("1" if negative else "0") + enc(b)


def decode_rational(bits: str, code: str = "elias-gamma") -> tuple[Fraction, str]:
    """Read one rational codeword from the front of ``bits``; return ``(q, rest)``.

    >>> decode_rational(encode_rational(Fraction(-5, 7)) + "01")
    (Fraction(-5, 7), '01')
    """
    base, dyadic = _check_code(code)
    dec = _INT_CODES[base][2]
    a1, rest = dec(bits)
    if a1 == 1:
        return Fraction(0), rest
    if not rest:
        raise InvalidArgument(f"bits={shown(bits)} ends before the sign bit")
    sign, rest = (-1 if rest[0] == "1" else 1), rest[1:]
    b, rest = dec(rest)
    den = 1 << (b - 1) if dyadic else b
    return Fraction(sign * (a1 - 1), den), rest


# --------------------------------------------------------------------------- Kraft

def kraft_sum(lengths: Iterable[Any]) -> Fraction:
    """The exact Kraft sum ``sum 2**-l`` of codeword lengths (<= 1 for every prefix code).

    >>> kraft_sum(elias_gamma_length(n) for n in range(1, 2**10))   # 1 - 2**-10
    Fraction(1023, 1024)
    """
    ls = [as_exact_int(v, f"lengths[{i}]", minimum=0)
          for i, v in enumerate(as_list(lengths, "lengths", what="lengths"))]
    if not ls:
        return Fraction(0)
    top = check_budget("exponent", max(ls), "kraft_sum (2**max(lengths))")
    return Fraction(sum(1 << (top - v) for v in ls), 1 << top)


def is_prefix_free(words: Iterable[str]) -> bool:
    """True when no word is a prefix of another (distinct words; sort and compare neighbours).

    >>> is_prefix_free(["0", "10", "11"]), is_prefix_free(["0", "01"])
    (True, False)
    """
    ws = sorted(_check_bits(w) for w in words)
    return all(not b.startswith(a) for a, b in itertools.pairwise(ws))
