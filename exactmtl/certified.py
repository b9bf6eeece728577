"""Certified numerics: rigorous enclosures of real constants, three-valued comparisons, proofs.

This is the one float/ball zone of exactmtl. The backend is python-flint's ``arb`` (ball
arithmetic: a midpoint and a radius, every operation rounded outwards), chosen over
``mpmath.iv`` (documented as not trustworthy for proofs; mpmath issues 445 and 1181) and over
exact rational bracketing (correct but 10-1000x slower); ``benchmarks/bench_certified.py``
measures the three. Precision is set locally (:func:`precision`, a context manager that saves and
restores ``flint.ctx.prec``) and never left changed.

* :class:`Enclosure` -- exact dyadic endpoints ``lo <= value <= hi`` (``Fraction``), taken from
  the ball's ``mid -+ rad`` by exact conversion, never through a float.
* :func:`enclose` -- an enclosure of a sympy number built from ``Rational``, ``pi``, ``E``,
  ``Add``, ``Mul``, ``Pow`` (integer or rational exponent, so ``sqrt``), ``log``, ``exp``.
* :func:`compare` -- "below", "above", "equal" (decided exactly: both rational, or the minimal
  polynomial of the difference is ``x``) or "undecided" at the largest precision allowed; it
  doubles the precision until decided. An undecided comparison has no truth value.
* :func:`certify` -- a :class:`Certificate` for ``lhs < rhs`` (``<=``, ``>``, ``>=``): status
  "proved", "disproved" or "undecided"; truthy only when proved; ``to_json()`` and
  :func:`verify_certificate` re-check it from the JSON alone.

**sympy decides comparisons before certify sees them.** ``sympy.sqrt(2) * sympy.log(2) <
Fraction(99, 100)`` is evaluated *eagerly* by sympy (a floating ``evalf``, not a proof) to
``sympy.true``. Pass the two sides and the relation instead, or an unevaluated relational:

>>> import sympy
>>> from fractions import Fraction
>>> c = certify(sympy.sqrt(2) * sympy.log(2), "<", Fraction(99, 100))
>>> bool(c), c.status
(True, 'proved')
>>> with sympy.evaluate(False):
...     rel = sympy.sqrt(2) * sympy.log(2) < Fraction(99, 100)
>>> certify(rel).status
'proved'
>>> verify_certificate(c.to_json())
True
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from typing import Any

from exactmtl._validate import as_exact, as_exact_int, shown
from exactmtl.errors import (
    CheckFailed,
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    ResourceLimitError,
    UndecidedError,
)

__all__ = [
    "DEFAULT_MAX_PREC",
    "DEFAULT_PREC",
    "RELATIONS",
    "Certificate",
    "CertificateLimits",
    "Comparison",
    "Enclosure",
    "certificate_limits",
    "certify",
    "compare",
    "current_certificate_limits",
    "enclose",
    "fraction_of_arb",
    "precision",
    "to_arb",
    "verify_certificate",
]

DEFAULT_PREC = 64
DEFAULT_MAX_PREC = 4096
RELATIONS = ("<", "<=", ">", ">=")
_FORMAT = "exactmtl-certificate-1"
_METHOD_BALL = "arb ball arithmetic"
_METHOD_RATIONAL = "exact rational"
_METHOD_MINPOLY = "minimal polynomial"


# --------------------------------------------------------------------------- resource limits

@dataclass(frozen=True, slots=True)
class CertificateLimits:
    """The resource limits of certified numerics, checked *before* the work they bound.

    One rule set for :func:`certify`, :func:`compare`, :func:`enclose` and
    :func:`verify_certificate`: whatever ``certify`` can produce within these limits re-checks
    within them, and a certificate (a JSON file is untrusted input) outside them is refused with
    a :class:`~exactmtl.errors.ResourceLimitError` naming the limit, in well under a second.
    Raise a limit with ``with certificate_limits(name=value):``. The working precision (``prec``,
    ``max_prec``, a certificate's ``prec``) is the package-wide budget ``bits`` (default 2**16),
    raised with ``with exactmtl.limits(bits=...):``.

    Attributes
    ----------
    nodes, depth : int
        Largest expression tree (sympy nodes) and nesting depth.
    integer_bits : int
        Largest integer (numerator or denominator) inside an expression, in bits.
    exponent : int
        Largest ``|p|`` and ``q`` of a rational exponent ``p/q`` in ``Pow``.
    magnitude : int
        Largest size of an enclosure endpoint ``m * 2**e``: ``|value| < 2**magnitude`` and
        ``e >= -(magnitude + bits + 64)`` (so ``10**(10**12)`` is refused instead of being
        written out).
    work : int
        Largest (number of constants, roots, powers, ``exp``, ``log`` nodes) x (precision in
        bits).
    algebraic : int
        Largest cost ``D**2 * max(1, P)`` of a minimal-polynomial equality check, where ``D`` is
        the product of the root orders and ``P`` the sum of the integer exponents applied to
        irrational bases (sympy's minimal polynomial grows with both).
    radicand_bits : int
        Largest total size in bits of the distinct rational radicands of a minimal-polynomial
        check (sympy factors products of radicands on the way).
    digits : int
        Largest number of decimal digits of a numerator or denominator in a certificate.
    chars : int
        Longest ``expression`` text in a certificate.

    >>> CertificateLimits().nodes
    10000
    >>> with certificate_limits(nodes=1 << 20) as lim:
    ...     lim.nodes
    1048576
    """

    nodes: int = 10_000
    depth: int = 100
    integer_bits: int = 14_000
    exponent: int = 1 << 16
    magnitude: int = 1 << 17
    work: int = 1 << 23
    algebraic: int = 4096
    radicand_bits: int = 64
    digits: int = 40_000
    chars: int = 500_000

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, as_exact_int(getattr(self, f.name),
                                                         f"limits.{f.name}", minimum=1))


_DEFAULT_LIMITS = CertificateLimits()
_LIMITS: contextvars.ContextVar[CertificateLimits | None] = contextvars.ContextVar(
    "exactmtl_certificate_limits", default=None)


def _limits() -> CertificateLimits:
    return _LIMITS.get() or _DEFAULT_LIMITS


def current_certificate_limits() -> CertificateLimits:
    """The :class:`CertificateLimits` in force (the defaults unless raised by
    :func:`certificate_limits`).

    >>> current_certificate_limits().work == CertificateLimits().work
    True
    """
    return _limits()


@contextlib.contextmanager
def certificate_limits(**changes: int) -> Iterator[CertificateLimits]:
    """Raise (or lower) limits of :class:`CertificateLimits` inside a ``with`` block.

    >>> import sympy
    >>> with certificate_limits(nodes=3):
    ...     enclose(sympy.sqrt(2) + sympy.sqrt(3))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.ResourceLimitError: expr: number of nodes=4 exceeds the nodes limit 3; ...
    >>> with certificate_limits(speed=2):  # doctest: +ELLIPSIS
    ...     pass
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: certificate_limits(speed=...): unknown limit; expected ...
    """
    names = [f.name for f in fields(CertificateLimits)]
    unknown = sorted(set(changes) - set(names))
    if unknown:
        raise InvalidArgument(f"certificate_limits({unknown[0]}=...): unknown limit; expected "
                              f"one of {', '.join(names)}")
    token = _LIMITS.set(replace(_limits(), **changes))
    try:
        yield _limits()
    finally:
        _LIMITS.reset(token)


def _short_int(n: int) -> str:
    """An integer for a message: its digits, or its size when it is too long to print."""
    if n.bit_length() <= 256:
        return str(n)
    return f"{'-' if n < 0 else ''}(an integer of {n.bit_length()} bits)"


def _short_frac(v: Fraction) -> Any:
    """A rational for a message or a ``case``: itself, or its size when too long to print."""
    if max(v.numerator.bit_length(), v.denominator.bit_length()) <= 256:
        return v
    return f"(a rational of {v.numerator.bit_length()}/{v.denominator.bit_length()} bits)"


def _over(what: str, value: int, limit: str) -> ResourceLimitError:
    bound = getattr(_limits(), limit)
    return ResourceLimitError(
        f"{what}={_short_int(value)} exceeds the {limit} limit {bound}; raise it with "
        f"'with exactmtl.certified.certificate_limits({limit}=...)'",
        limit=f"certificate_limits.{limit}", needed=value, allowed=bound)


def _check_certificate_digits(enclosure: Enclosure) -> None:
    """Refuse an enclosure whose endpoints :func:`verify_certificate` would refuse to read.

    certify and verify_certificate agree on what is a valid certificate: an endpoint with more
    than ``certificate_limits().digits`` decimal digits (e.g. the enclosure of
    ``exp(-98305)``, about 10^-42694) is a ``ResourceLimitError`` here, not a certificate that
    cannot be re-checked.
    """
    limit = _limits().digits
    for name, v in (("lo", enclosure.lo), ("hi", enclosure.hi)):
        for part in (v.numerator, v.denominator):
            bits = abs(part).bit_length()
            if bits * 30103 // 100000 + 1 > limit:  # decimal digits of part, from its bits
                raise _over(f"digits of the enclosure's {name}", bits * 30103 // 100000 + 1,
                            "digits")


def _prec_limit() -> int:
    """The package-wide precision budget ``bits`` of :func:`exactmtl.limits`."""
    from exactmtl.budgets import current_limits

    return current_limits().bits


def _check_prec(bits: int, name: str = "prec") -> int:
    """``bits`` within the precision budget (before any ball is computed)."""
    limit = _prec_limit()
    if bits > limit:
        raise ResourceLimitError(
            f"{name}={bits} bits exceeds the precision limit {limit} bits; raise it with "
            "'with exactmtl.limits(bits=...)'", limit="bits", needed=bits, allowed=limit)
    return bits


# Python refuses str(int) past 4300 digits (sys.get_int_max_str_digits); certificates hold
# longer numerators (endpoints at high precision), converted in chunks below that limit.
_CHUNK_DIGITS = 4000


def _int_text(n: int) -> str:
    """``str(n)`` for any size (split below Python's int/str digit limit)."""
    if n < 0:
        return "-" + _int_text(-n)
    if n.bit_length() <= 3 * _CHUNK_DIGITS:
        return str(n)
    k = n.bit_length() * 3 // 20   # about half the decimal digits
    hi, lo = divmod(n, 10**k)
    return _int_text(hi) + _int_text(lo).zfill(k)


def _int_of_digits(text: str) -> int:
    """``int(text)`` for a string of decimal digits of any length (chunked)."""
    if len(text) <= _CHUNK_DIGITS:
        return int(text)
    k = len(text) // 2
    return _int_of_digits(text[:-k]) * 10**k + _int_of_digits(text[-k:])


# --------------------------------------------------------------------------- precision

@contextlib.contextmanager
def precision(bits: int) -> Iterator[int]:
    """Set python-flint's working precision to ``bits`` inside a ``with`` block, then restore it.

    >>> import flint
    >>> before = flint.ctx.prec
    >>> with precision(200):
    ...     flint.ctx.prec
    200
    >>> flint.ctx.prec == before
    True
    """
    import flint

    bits = _check_prec(as_exact_int(bits, "prec", minimum=2))
    old = flint.ctx.prec
    try:
        flint.ctx.prec = bits
        yield bits
    finally:
        flint.ctx.prec = old


# --------------------------------------------------------------------------- enclosures

def _fraction_of_arf(value: Any) -> Fraction:
    """The exact value m * 2**e of a flint arf/arb midpoint (no float on the way)."""
    man, exp = value.man_exp()
    man, exp = int(man), int(exp)
    _check_magnitude(man, exp)
    return Fraction(man << exp) if exp >= 0 else Fraction(man, 1 << -exp)


def _check_magnitude(man: int, exp: int) -> None:
    """Refuse to write out ``man * 2**exp`` beyond the magnitude limit (before the shift)."""
    top = exp + man.bit_length()
    mag = _limits().magnitude
    if man and (exp < -(mag + _prec_limit() + 64) or top > mag):
        raise ResourceLimitError(
            f"a binary number m*2**e has e={_short_int(exp)} (a value about "
            f"2**{_short_int(top)}); beyond the "
            f"magnitude limit {mag} (|value| < 2**magnitude, denominators < "
            "2**(magnitude + bits + 64)); raise it with "
            "'with exactmtl.certified.certificate_limits(magnitude=...)'",
            limit="certificate_limits.magnitude", needed=abs(exp), allowed=mag)


def fraction_of_arb(ball: Any) -> tuple[Fraction, Fraction]:
    """The exact endpoints ``(mid - rad, mid + rad)`` of a finite python-flint ``arb`` ball.

    >>> import flint
    >>> fraction_of_arb(flint.arb(3) / 4)
    (Fraction(3, 4), Fraction(3, 4))
    """
    if not ball.is_finite():
        raise UndecidedError(f"ball={ball} is not finite; raise the precision or check the input")
    mid = _fraction_of_arf(ball.mid())
    rad = _fraction_of_arf(ball.rad())
    return mid - rad, mid + rad


def _frac_text(value: Fraction) -> str:
    return f"{_int_text(value.numerator)}/{_int_text(value.denominator)}"


_FRACTION_TEXT = re.compile(r"\s*([+-]?)(\d+)\s*(?:/\s*(\d+)\s*)?")


def _parse_fraction(text: Any, name: str) -> Fraction:
    """A rational 'p/q' (or an integer 'p') of at most ``limits.digits`` digits each: no
    exponent notation, so '1e999999999' is refused instead of computing 10**999999999."""
    if not isinstance(text, str):
        raise InvalidArgumentType(f"{name}={text!r} has type {type(text).__name__}; expected a "
                                  "string 'p/q'")
    limit = _limits().digits
    if len(text) > 2 * limit + 8:
        raise _over(f"len({name})", len(text), "digits")
    match = _FRACTION_TEXT.fullmatch(text)
    if match is None:
        raise InvalidArgument(f"{name}={text[:60]!r} is not a rational 'p/q' (integers p, q; "
                              "no decimal point or exponent)")
    sign, num, den = match.groups()
    for part in (num, den or ""):
        if len(part) > limit:
            raise _over(f"digits of {name}", len(part), "digits")
    q = _int_of_digits(den) if den else 1
    if q == 0:
        raise InvalidArgument(f"{name}={text[:60]!r} has denominator 0; expected a rational")
    p = _int_of_digits(num)
    return Fraction(-p if sign == "-" else p, q)


def _exact_point(value: Any, name: str) -> Fraction:
    """An exact rational; also the exact binary value of an mpmath ``mpf`` (not a Python float)."""
    if type(value).__module__.startswith("mpmath"):
        import mpmath

        if not isinstance(value, mpmath.mpf) or not mpmath.isfinite(value):
            raise InvalidArgument(f"{name}={value} is not a finite real mpf")
        sign, man, exp, _ = value._mpf_
        man = -int(man) if sign else int(man)
        _check_magnitude(man, int(exp))
        return Fraction(man << exp) if exp >= 0 else Fraction(man, 1 << -exp)
    return as_exact(value, name)


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A certified enclosure ``lo <= value <= hi`` with exact rational (dyadic) endpoints.

    Parameters
    ----------
    lo, hi : Fraction
        Exact endpoints (ints, Fractions and sympy Rationals are converted; floats are refused).
    prec : int or None
        The working precision in bits the enclosure was computed at (None for exact points).

    >>> e = Enclosure(Fraction(1, 4), Fraction(3, 4))
    >>> e.contains(Fraction(1, 2)), e.width, e.certainly_below(1), e.certainly_above(0)
    (True, Fraction(1, 2), True, True)
    >>> Enclosure.from_json(e.to_json()) == e
    True
    """

    lo: Fraction
    hi: Fraction
    prec: int | None = None

    def __post_init__(self) -> None:
        lo, hi = as_exact(self.lo, "lo"), as_exact(self.hi, "hi")
        if lo > hi:
            raise InvalidArgument(f"lo={_short_frac(lo)} > hi={_short_frac(hi)}; an enclosure "
                                  "needs lo <= hi")
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)
        if self.prec is not None:
            object.__setattr__(self, "prec", as_exact_int(self.prec, "prec", minimum=2))

    @classmethod
    def point(cls, value: Any) -> Enclosure:
        """The exact enclosure ``[value, value]`` of a rational.

        >>> Enclosure.point(Fraction(1, 3)).width
        Fraction(0, 1)
        """
        v = as_exact(value, "value")
        return cls(v, v)

    @classmethod
    def from_arb(cls, ball: Any, prec: int | None = None) -> Enclosure:
        """The enclosure of a finite python-flint ``arb`` ball (exact endpoints mid -+ rad)."""
        lo, hi = fraction_of_arb(ball)
        return cls(lo, hi, prec)

    @property
    def width(self) -> Fraction:
        """``hi - lo`` (exact)."""
        return self.hi - self.lo

    @property
    def mid(self) -> Fraction:
        """``(lo + hi) / 2`` (exact)."""
        return (self.lo + self.hi) / 2

    def contains(self, value: Any) -> bool:
        """True when the exact number ``value`` (rational, or the binary value of an mpmath
        ``mpf``) lies in ``[lo, hi]``; another :class:`Enclosure` must lie inside.

        >>> Enclosure(0, 1).contains(Enclosure(Fraction(1, 2), 1))
        True
        """
        if isinstance(value, Enclosure):
            return self.lo <= value.lo and value.hi <= self.hi
        v = _exact_point(value, "value")
        return self.lo <= v <= self.hi

    def intersects(self, other: Enclosure) -> bool:
        """True when the two enclosures share a point (consistent enclosures of one value)."""
        return self.lo <= other.hi and other.lo <= self.hi

    def certainly_below(self, threshold: Any) -> bool:
        """True when every point is ``< threshold`` (``hi < threshold``)."""
        return self.hi < as_exact(threshold, "threshold")

    def certainly_above(self, threshold: Any) -> bool:
        """True when every point is ``> threshold`` (``lo > threshold``)."""
        return self.lo > as_exact(threshold, "threshold")

    def to_json(self) -> dict[str, Any]:
        """``{"lo": "p/q", "hi": "p/q", "prec": bits}`` (exact)."""
        return {"lo": _frac_text(self.lo), "hi": _frac_text(self.hi), "prec": self.prec}

    @classmethod
    def from_json(cls, data: Any) -> Enclosure:
        """Inverse of :meth:`to_json`; malformed data raises ``InvalidArgument``."""
        if not isinstance(data, dict) or not {"lo", "hi"} <= set(data):
            raise InvalidArgument(f"enclosure={data!r}; expected a dict with 'lo' and 'hi'")
        return cls(_parse_fraction(data["lo"], "lo"), _parse_fraction(data["hi"], "hi"),
                   data.get("prec"))

    def decimal(self, places: int = 12) -> str:
        """A decimal display ``[lo, hi]`` with ``places`` digits after the point, rounded
        outwards (exact floor/ceiling, so the displayed interval still contains the value).

        >>> Enclosure(Fraction(1, 3), Fraction(2, 3)).decimal(3)
        '[0.333, 0.667]'
        """
        places = as_exact_int(places, "places", minimum=0)
        if places > _limits().digits:
            raise _over("places", places, "digits")
        scale = 10**places

        def fmt(v: int) -> str:
            sign, v = ("-" if v < 0 else ""), abs(v)
            whole, frac = divmod(v, scale)
            return f"{sign}{_int_text(whole)}" + (f".{_int_text(frac).zfill(places)}"
                                                  if places else "")

        lo = (self.lo.numerator * scale) // self.lo.denominator
        hi = -((-self.hi.numerator * scale) // self.hi.denominator)
        return f"[{fmt(lo)}, {fmt(hi)}]"

    def __str__(self) -> str:
        return self.decimal()


# --------------------------------------------------------------------------- sympy -> arb

def _sympy_number(expr: Any, name: str = "expr") -> Any:
    """Validate ``expr`` as a real sympy number (Fraction/int converted); refuse floats, symbols,
    unsupported nodes and expressions beyond the :class:`CertificateLimits`."""
    return _checked(expr, name)[0]


def _checked(expr: Any, name: str = "expr") -> tuple[Any, _Shape]:
    """:func:`_sympy_number` and the :class:`_Shape` of the result."""
    import sympy

    if isinstance(expr, bool) or isinstance(expr, sympy.logic.boolalg.BooleanAtom):
        raise InvalidArgumentType(f"{name}={expr!r} is a truth value; expected a number")
    if isinstance(expr, float):
        raise InexactInputError(f"{name}={expr!r} is a float; pass Fraction({str(expr)!r}) or "
                                "sympy.Rational(...) for an exact value")
    if not isinstance(expr, sympy.Basic):
        v = as_exact(expr, name)
        x = sympy.Rational(v.numerator, v.denominator)
        return x, _shape(x, name)
    return expr, _shape(expr, name)


def _brief(expr: Any, most: int = 300) -> str:
    """``str(expr)`` for messages, unless the expression is too large to print cheaply."""
    stack, seen = [(expr, 0)], 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if seen > most or depth > 40:
            return f"<a {type(expr).__name__} of more than {most} nodes>"
        stack.extend((a, depth + 1) for a in getattr(node, "args", ()))
    text = str(expr)
    return text if len(text) <= 2 * most else text[:2 * most] + "..."


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the limits need to know of a valid expression (see :class:`CertificateLimits`)."""

    costly: int      # constants, roots, powers with a non-integer exponent, exp, log nodes
    degree: int      # product of the orders of the distinct roots (bounds the algebraic degree)
    powers: int      # sum of |p| of the distinct integer powers of irrational bases
    radicands: int   # bits of the distinct rational radicands

    @property
    def algebraic(self) -> int:
        """The cost measure of a minimal-polynomial check (see :class:`CertificateLimits`)."""
        return self.degree ** 2 * max(1, self.powers)


_SUPPORTED = ("enclose() takes Rational, pi, E, EulerGamma, Add, Mul, Pow (integer/rational "
              "exponents, sqrt), exp, log, Abs")


def _shape(expr: Any, name: str = "expr") -> _Shape:
    """Walk ``expr`` once, without recursion: refuse what :func:`to_arb` cannot enclose (the
    validity rules shared by :func:`certify` and :func:`verify_certificate`) and what exceeds
    the limits; return the counts the precision and minimal-polynomial budgets use."""
    import sympy

    lim = _limits()
    atoms = (sympy.pi, sympy.E, sympy.EulerGamma)
    stack: list[tuple[Any, int]] = [(expr, 1)]
    nodes = costly = powers = radicands = 0
    degree = 1
    seen: set[Any] = set()
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > lim.nodes:
            raise _over(f"{name}: number of nodes", nodes, "nodes")
        if depth > lim.depth:
            raise _over(f"{name}: nesting depth", depth, "depth")
        if isinstance(node, sympy.Rational):
            bits = max(int(node.p).bit_length(), int(node.q).bit_length())
            if bits > lim.integer_bits:
                raise _over(f"{name}: an integer of bits", bits, "integer_bits")
            continue
        if any(node is a for a in atoms):
            costly += 1     # computed to the working precision, like a root or a log
            continue
        if isinstance(node, sympy.Float):
            raise InexactInputError(f"{name}={_brief(expr)} contains a sympy Float; use "
                                    "sympy.Rational for exact constants")
        if isinstance(node, sympy.Symbol):
            raise InvalidArgument(f"{name}={_brief(expr)} has free symbols ({node}); expected "
                                  "a number")
        if node is sympy.I:
            raise InvalidArgument(f"{name}={_brief(expr)} is not real; expected a real number")
        if isinstance(node, sympy.logic.boolalg.Boolean) or not isinstance(node, sympy.Expr):
            raise InvalidArgumentType(f"{name}={_brief(expr)} is not a number (type "
                                      f"{type(node).__name__})")
        if isinstance(node, sympy.Pow):
            base, e = node.args
            if isinstance(e, sympy.Rational):
                p, q = int(e.p), int(e.q)
                if abs(p) > lim.exponent or q > lim.exponent:
                    raise _over(f"{name}: the exponent of {type(node).__name__}",
                                max(abs(p), q), "exponent")
                if base.is_zero is True and isinstance(base, sympy.Rational) and p < 0:
                    raise InvalidArgument(f"{name}={_brief(expr)}: Pow(0, {e}) divides by zero")
                if q > 1:
                    costly += 1
                    if node not in seen:
                        seen.add(node)
                        degree *= q
                        if isinstance(base, sympy.Rational):
                            radicands += int(base.p).bit_length() + int(base.q).bit_length()
                elif not isinstance(base, sympy.Rational) and node not in seen:
                    seen.add(node)
                    powers += abs(p)
            else:
                costly += 1
            stack.append((base, depth + 1))
            stack.append((e, depth + 1))
            continue
        if isinstance(node, (sympy.exp, sympy.log)):
            if len(node.args) != 1:
                raise InvalidArgument(f"{name}={_brief(expr)}: {type(node).__name__} takes one "
                                  "argument")
            costly += 1
        elif not isinstance(node, (sympy.Add, sympy.Mul, sympy.Abs)):
            if node in (sympy.oo, -sympy.oo, sympy.zoo, sympy.nan):
                raise InvalidArgument(f"{name}={_brief(expr)}: {node} is not a real number")
            raise InvalidArgument(f"{name}={_brief(expr)}: {type(node).__name__} is not supported; "
                                  f"{_SUPPORTED}")
        stack.extend((a, depth + 1) for a in node.args)
    return _Shape(costly, degree, powers, radicands)


def _check_work(shape: _Shape, bits: int, name: str = "expr") -> None:
    """(costly nodes) x (precision) within the work limit, before the ball is computed."""
    limit = _limits().work
    if shape.costly * bits > limit:
        raise ResourceLimitError(
            f"{name}: {shape.costly} roots/powers/exp/log nodes at {bits} bits is "
            f"{shape.costly * bits} > the work limit {limit}; lower the precision or raise it "
            "with 'with exactmtl.certified.certificate_limits(work=...)'",
            limit="certificate_limits.work", needed=shape.costly * bits, allowed=limit)


def to_arb(expr: Any) -> Any:
    """A python-flint ``arb`` ball containing the real sympy number ``expr`` (at the current
    ``flint.ctx.prec``; use inside :func:`precision`).

    Supported: ``Rational``, ``pi``, ``E``, ``EulerGamma``, ``Add``, ``Mul``, ``Pow`` (integer
    or rational exponent), ``exp``, ``log`` (one argument), ``Abs``. Anything else raises
    ``InvalidArgument`` naming it; a log or root of a certainly negative number too.

    >>> import sympy
    >>> with precision(64):
    ...     ball = to_arb(sympy.sqrt(2))
    >>> ball > 1, ball < 2
    (True, True)
    """
    import flint

    x, shape = _checked(expr)
    _check_work(shape, _check_prec(flint.ctx.prec, "flint.ctx.prec"))
    return _to_arb(x)


def _to_arb(expr: Any) -> Any:
    """The recursion of :func:`to_arb` on an expression already checked by :func:`_shape`."""
    import flint
    import sympy

    if isinstance(expr, sympy.Rational):
        return flint.arb(flint.fmpq(int(expr.p), int(expr.q)))
    if expr is sympy.pi:
        return flint.arb.pi()
    if expr is sympy.E:
        return flint.arb.const_e()
    if expr is sympy.EulerGamma:
        return flint.arb.const_euler()
    if isinstance(expr, sympy.Add):
        out = flint.arb(0)
        for a in expr.args:
            out += _to_arb(a)
        return out
    if isinstance(expr, sympy.Mul):
        out = flint.arb(1)
        for a in expr.args:
            out *= _to_arb(a)
        return out
    if isinstance(expr, sympy.Pow):
        e = expr.exp
        if isinstance(e, sympy.Rational):
            base = _to_arb(expr.base)
            if e.q == 1:
                return base ** int(e.p)
            if base < 0:
                raise InvalidArgument(f"expr={_brief(expr)}: a non-integer power of a negative "
                                      "number is not real")
            root = base.sqrt() if e.q == 2 else base.root(int(e.q))
            return root ** int(e.p)
        base = _to_arb(expr.base)
        if base < 0:
            raise InvalidArgument(f"expr={_brief(expr)}: a non-integer power of a negative "
                                  "number is not real")
        return base ** _to_arb(e)
    if isinstance(expr, sympy.exp):
        return _to_arb(expr.args[0]).exp()
    if isinstance(expr, sympy.log) and len(expr.args) == 1:
        arg = _to_arb(expr.args[0])
        if arg <= 0:
            raise InvalidArgument(f"expr={_brief(expr)}: log of a non-positive number")
        return arg.log()
    if isinstance(expr, sympy.Abs):
        return abs(_to_arb(expr.args[0]))
    if expr is sympy.I:
        raise InvalidArgument(f"expr={_brief(expr)} is not real; expected a real number")
    if isinstance(expr, sympy.Float):
        raise InexactInputError(f"expr={_brief(expr)} is a sympy Float; use sympy.Rational")
    if isinstance(expr, sympy.Symbol):
        raise InvalidArgument(f"expr={_brief(expr)} is a free symbol; expected a number")
    raise InvalidArgument(
        f"expr={_brief(expr)}: {type(expr).__name__} is not supported; {_SUPPORTED}")


def enclose(expr: Any, prec: int = DEFAULT_PREC) -> Enclosure:
    """A certified enclosure of the real number ``expr`` computed at ``prec`` bits.

    ``expr`` is a sympy number (see :func:`to_arb` for what is supported), an int, a Fraction,
    or an :class:`Enclosure` (returned unchanged). Rationals give the exact point.

    >>> import sympy
    >>> e = enclose(sympy.log(2), prec=64)
    >>> e.certainly_above(Fraction(693147, 10**6)), e.certainly_below(Fraction(693148, 10**6))
    (True, True)
    >>> e.width < Fraction(1, 10**18)
    True
    >>> enclose(Fraction(1, 3))
    Enclosure(lo=Fraction(1, 3), hi=Fraction(1, 3), prec=None)
    >>> enclose(sympy.Symbol("x"))
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: expr=x has free symbols (x); expected a number
    """
    if isinstance(expr, Enclosure):
        return expr
    import sympy

    x, shape = _checked(expr)
    if isinstance(x, sympy.Rational):
        return Enclosure.point(Fraction(int(x.p), int(x.q)))
    return _enclose(x, shape, prec)


def _enclose(x: Any, shape: _Shape, prec: int) -> Enclosure:
    """:func:`enclose` of an expression already checked (its :class:`_Shape` known)."""
    with precision(prec) as bits:
        _check_work(shape, bits)
        ball = _to_arb(x)
        if not ball.is_finite():
            raise UndecidedError(f"expr={_brief(x)}: the ball at prec={bits} is not finite (an "
                                 "argument of log, a root or a division is not separated from "
                                 "0); raise the precision")
        return Enclosure.from_arb(ball, bits)


# --------------------------------------------------------------------------- comparisons

def _algebraic_problem(shape: _Shape) -> str | None:
    """Why the minimal-polynomial check of an expression of this shape is over budget."""
    lim = _limits()
    if shape.algebraic > lim.algebraic:
        return (f"its cost (degree bound {shape.degree})**2 * max(1, powers {shape.powers}) = "
                f"{shape.algebraic} exceeds the algebraic limit {lim.algebraic}; raise it with "
                "'with exactmtl.certified.certificate_limits(algebraic=...)'")
    if shape.radicands > lim.radicand_bits:
        return (f"its rational radicands have {shape.radicands} bits, over the radicand_bits "
                f"limit {lim.radicand_bits}; raise it with "
                "'with exactmtl.certified.certificate_limits(radicand_bits=...)'")
    return None


def _exact_equal(x: Any, t: Fraction, shape: _Shape) -> bool | None:
    """x == t decided exactly when x is algebraic: its minimal polynomial is ``q z - p`` with
    ``p/q == t``. None when not decided (transcendental constants, a check over the
    :class:`CertificateLimits` budget, or sympy cannot compute it)."""
    import sympy

    if x.has(sympy.log, sympy.exp, sympy.pi, sympy.E, sympy.EulerGamma):
        return None
    if _algebraic_problem(shape) is not None:
        return None
    z = sympy.Dummy("z")
    try:
        # the minimal polynomial of x alone: its cost does not grow with the size of t
        poly = sympy.Poly(sympy.minimal_polynomial(x, z), z)
    except (NotImplementedError, sympy.polys.polyerrors.NotAlgebraic,
            sympy.polys.polyerrors.PolynomialError, ZeroDivisionError, ValueError):
        return None   # (sympy's factoring can raise ValueError on large radicands)
    if poly.degree() != 1:
        return False
    c1, c0 = (int(c) for c in poly.all_coeffs())
    return Fraction(-c0, c1) == t


@dataclass(frozen=True, slots=True)
class Comparison:
    """The three-valued outcome of :func:`compare` (plus "equal", decided exactly).

    ``verdict`` is "below", "above", "equal" or "undecided". It has no truth value: ``bool()``
    raises, so an undecided comparison can never be read as True or False.
    """

    verdict: str
    threshold: Fraction
    enclosure: Enclosure
    prec: int | None
    method: str

    def __bool__(self) -> bool:
        raise InvalidArgumentType(
            f"a Comparison ({self.verdict}) has no truth value; test .verdict, or use certify()")

    @property
    def decided(self) -> bool:
        """True unless the verdict is "undecided"."""
        return self.verdict != "undecided"


def compare(expr: Any, threshold: Any = 0, *, prec: int = DEFAULT_PREC,
            max_prec: int = DEFAULT_MAX_PREC) -> Comparison:
    """Compare the real number ``expr`` with the rational ``threshold``, rigorously.

    Ball enclosures at ``prec`` bits, doubled up to ``max_prec``, decide "below" (``hi <
    threshold``) or "above" (``lo > threshold``). Exact equality never separates, so when the
    first ball does not decide, equality is tried exactly: ``expr`` rational (sympy's exact
    simplification), or its difference with the threshold algebraic with minimal polynomial
    ``z`` (method "minimal polynomial"). Otherwise "undecided" with the precision reached.

    >>> import sympy
    >>> compare(sympy.pi, Fraction(22, 7)).verdict
    'below'
    >>> compare(sympy.sqrt(2) ** 2, 2).verdict, compare(sympy.sqrt(8) - 2 * sympy.sqrt(2)).method
    ('equal', 'exact rational')
    >>> with sympy.evaluate(False):
    ...     x = sympy.sqrt(2) * sympy.sqrt(2)
    >>> compare(x, 2).method
    'minimal polynomial'
    >>> c = compare(sympy.log(4) - 2 * sympy.log(2), 0, max_prec=256)   # equal, not provable here
    >>> c.verdict, c.prec
    ('undecided', 256)
    """

    t = as_exact(threshold, "threshold")
    prec, max_prec = _check_precisions(prec, max_prec)
    if isinstance(expr, Enclosure):
        e = expr
        verdict = ("below" if e.hi < t else "above" if e.lo > t
                   else "equal" if e.lo == e.hi == t else "undecided")
        return Comparison(verdict, t, e, e.prec, _METHOD_BALL)
    x, shape = _checked(expr)
    return _compare(x, shape, t, prec, max_prec)


def _check_precisions(prec: Any, max_prec: Any) -> tuple[int, int]:
    """``2 <= prec <= max_prec <= bits`` budget (checked before any work)."""
    prec = _check_prec(as_exact_int(prec, "prec", minimum=2))
    max_prec = _check_prec(as_exact_int(max_prec, "max_prec", minimum=prec), "max_prec")
    return prec, max_prec


def _compare(x: Any, shape: _Shape, t: Fraction, prec: int, max_prec: int) -> Comparison:
    """:func:`compare` of a checked expression.

    Exact equality (minimal polynomial) is tried only once a *finite* ball is in hand: the ball
    certifies that every root and log argument is in the real domain (``sqrt(-1)**2 == -1``
    holds over the complex numbers, and is no statement about a real number).
    """
    import sympy

    if isinstance(x, sympy.Rational):
        v = Fraction(int(x.p), int(x.q))
        verdict = "below" if v < t else "above" if v > t else "equal"
        return Comparison(verdict, t, Enclosure.point(v), None, _METHOD_RATIONAL)
    bits, tried_equal, last = prec, False, None
    while True:
        try:
            e = _enclose(x, shape, bits)
        except UndecidedError:
            e = None
        if e is not None:
            last = e
            if e.hi < t:
                return Comparison("below", t, e, bits, _METHOD_BALL)
            if e.lo > t:
                return Comparison("above", t, e, bits, _METHOD_BALL)
            if not tried_equal:
                tried_equal = True
                if _exact_equal(x, t, shape):
                    return Comparison("equal", t, e, bits, _METHOD_MINPOLY)
        if bits >= max_prec:
            break
        bits = min(2 * bits, max_prec)
    if last is None:
        raise UndecidedError(f"expr={_brief(x)}: no finite enclosure up to max_prec={max_prec} "
                             "bits")
    return Comparison("undecided", t, last, bits, _METHOD_BALL)


# --------------------------------------------------------------------------- certificates

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _status(relation: str, verdict: str, e: Enclosure, t: Fraction) -> str:
    """proved / disproved / undecided for ``value relation t`` given value in e (or == t)."""
    if verdict == "equal":
        return "proved" if relation in ("<=", ">=") else "disproved"
    if relation == "<":
        return "proved" if e.hi < t else "disproved" if e.lo >= t else "undecided"
    if relation == "<=":
        return "proved" if e.hi <= t else "disproved" if e.lo > t else "undecided"
    if relation == ">":
        return "proved" if e.lo > t else "disproved" if e.hi <= t else "undecided"
    return "proved" if e.lo >= t else "disproved" if e.hi < t else "undecided"


@dataclass(frozen=True)
class Certificate:
    """The outcome of :func:`certify`: ``expression relation threshold`` proved or not.

    ``status`` is "proved", "disproved" (the opposite relation is proved) or "undecided" (not
    decided at ``prec`` bits, the largest precision tried). ``bool(cert)`` is True only when
    proved: a disproved *and* an undecided certificate are falsy, so test ``status`` to tell
    them apart. ``method`` names how it was decided ("arb ball arithmetic", "exact rational",
    "minimal polynomial"). :meth:`to_json` holds everything :func:`verify_certificate` needs.
    """

    expression: Any
    relation: str
    threshold: Fraction
    status: str
    enclosure: Enclosure | None
    prec: int | None
    method: str

    def __bool__(self) -> bool:
        return self.status == "proved"

    @property
    def proved(self) -> bool:
        return self.status == "proved"

    @property
    def disproved(self) -> bool:
        return self.status == "disproved"

    @property
    def undecided(self) -> bool:
        return self.status == "undecided"

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly dict: ``sympy.srepr`` of the expression, exact rationals as "p/q".

        >>> import sympy
        >>> d = certify(sympy.pi, ">", 3).to_json()
        >>> d["expression"], d["relation"], d["threshold"], d["status"]
        ('pi', '>', '3/1', 'proved')
        """
        import flint
        import sympy

        return {
            "format": _FORMAT,
            "expression": sympy.srepr(self.expression),
            "expression_text": str(self.expression),
            "relation": self.relation,
            "threshold": _frac_text(self.threshold),
            "status": self.status,
            "enclosure": None if self.enclosure is None else self.enclosure.to_json(),
            "prec": self.prec,
            "method": self.method,
            "backend": f"python-flint {flint.__version__} arb",
        }

    def to_coq(self, name: str = "certificate") -> str:
        """The Coq file text proving this verdict with the ``interval`` tactic (exactmtl.coq).

        >>> import sympy
        >>> print(certify(sympy.pi, ">", 3).to_coq("pi_gt_3").splitlines()[-2])
        Lemma pi_gt_3 : PI > 3.
        """
        from exactmtl.coq import certificate_file

        return certificate_file(self, name).text

    def __str__(self) -> str:
        if self.enclosure is None:
            return (f"{self.status}: {self.expression} {self.relation} {self.threshold} (no "
                    f"finite enclosure up to {self.prec} bits)")
        where = f" at {self.prec} bits" if self.prec else ""
        return (f"{self.status}: {self.expression} {self.relation} {self.threshold} "
                f"(enclosure {self.enclosure}{where}, {self.method})")


_BOOL_HINT = (
    "sympy already decided this comparison numerically (a floating evalf, not a proof) before "
    "certify saw it. Pass the two sides: certify(lhs, '<', rhs), or an unevaluated relational: "
    "sympy.Lt(lhs, rhs, evaluate=False), or build it inside 'with sympy.evaluate(False):'")


def _split_relational(rel: Any) -> tuple[Any, str, Any]:
    import sympy

    ops = {sympy.StrictLessThan: "<", sympy.LessThan: "<=", sympy.StrictGreaterThan: ">",
           sympy.GreaterThan: ">="}
    for cls, op in ops.items():
        if type(rel) is cls:
            return rel.lhs, op, rel.rhs
    raise InvalidArgument(f"relation={rel} ({type(rel).__name__}) is not supported; expected "
                          "<, <=, > or >= (equality is not a ball-arithmetic question)")


def _check_relation(relation: Any, name: str) -> str:
    if not isinstance(relation, str):
        raise InvalidArgumentType(f"{name}={_brief_value(relation)} has type "
                                  f"{type(relation).__name__}; expected one of "
                                  f"{', '.join(map(repr, RELATIONS))}")
    if relation not in RELATIONS:
        raise InvalidArgument(f"{name}={relation[:20]!r}; expected one of {', '.join(RELATIONS)}")
    return relation


def _brief_value(value: Any) -> str:
    return shown(value)  # short, and safe for ints past Python's 4300-digit printing limit


def certify(lhs: Any, relation: str | None = None, rhs: Any = None, *,
            prec: int = DEFAULT_PREC, max_prec: int = DEFAULT_MAX_PREC) -> Certificate:
    """Certify ``lhs relation rhs`` (``relation`` in ``<``, ``<=``, ``>``, ``>=``) rigorously.

    Call as ``certify(lhs, "<", rhs)`` or with an *unevaluated* sympy relational
    (``sympy.Lt(a, b, evaluate=False)`` or built inside ``with sympy.evaluate(False):``).
    ``certify(sympy.sqrt(2) * sympy.log(2) < Fraction(99, 100))`` does not work: sympy evaluates
    that ``<`` eagerly with floating ``evalf`` and certify receives ``sympy.true`` -- it raises
    ``InvalidArgumentType`` saying so. When ``rhs`` is not rational, ``lhs - rhs`` is compared
    with 0. Precision starts at ``prec`` bits and doubles up to ``max_prec``.

    Returns
    -------
    Certificate
        Truthy iff proved; ``status`` "proved", "disproved" or "undecided" (never a guess).

    >>> import sympy
    >>> certify(sympy.sqrt(2) * sympy.log(2), "<", Fraction(98, 100)).status
    'disproved'
    >>> pi30 = sympy.Rational(3141592653589793238462643383279, 10**30)
    >>> c = certify(sympy.pi, ">", pi30, max_prec=64)
    >>> c.status, bool(c)
    ('undecided', False)
    >>> certify(sympy.Lt(sympy.E, sympy.pi, evaluate=False)).status
    'proved'
    >>> certify(sympy.sqrt(2) < 2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgumentType: certify got True: sympy already decided this ...
    """
    import sympy

    prec, max_prec = _check_precisions(prec, max_prec)
    if relation is None:
        if isinstance(lhs, (bool, sympy.logic.boolalg.BooleanAtom)):
            raise InvalidArgumentType(f"certify got {lhs!r}: {_BOOL_HINT}")
        if not isinstance(lhs, sympy.core.relational.Relational):
            raise InvalidArgumentType(
                f"lhs={lhs!r} is not a relation; call certify(lhs, '<', rhs) or pass an "
                "unevaluated sympy relational")
        if rhs is not None:
            raise InvalidArgument("rhs given with a relational; pass one or the other")
        lhs, relation, rhs = _split_relational(lhs)
    relation = _check_relation(relation, "relation")
    if rhs is None:
        raise InvalidArgument("rhs is missing; call certify(lhs, relation, rhs)")
    left = _sympy_number(lhs, "lhs")
    right = _sympy_number(rhs, "rhs")
    if isinstance(right, sympy.Rational):
        expr, t = left, Fraction(int(right.p), int(right.q))
    else:
        expr, t = sympy.Add(left, -right), Fraction(0)
    expr, shape = _checked(expr)
    try:
        cmp = _compare(expr, shape, t, prec, max_prec)
    except UndecidedError:  # no finite ball at any precision tried: undecided, no enclosure
        return Certificate(expr, relation, t, "undecided", None, max_prec, _METHOD_BALL)
    _check_certificate_digits(cmp.enclosure)
    return Certificate(expr, relation, t, _status(relation, cmp.verdict, cmp.enclosure, t),
                       cmp.enclosure, cmp.prec, cmp.method)


# --------------------------------------------------------------------------- re-checking

_SREPR_NAMES = ("Integer", "Rational", "Add", "Mul", "Pow", "log", "exp", "Abs")
_SREPR_ATOMS = ("pi", "E", "EulerGamma", "Half", "One", "Zero", "NegativeOne")


def _from_srepr(text: Any) -> Any:
    """Rebuild a sympy number from its ``srepr`` without ``eval``: only the constructors of the
    supported expressions and integer literals are accepted (a JSON file is untrusted input),
    within the :class:`CertificateLimits` (text length, nodes, depth, integer size, checked
    while parsing, before sympy builds anything)."""
    import ast

    import sympy

    if not isinstance(text, str):
        raise InvalidArgumentType(f"expression={_brief_value(text)}; expected a sympy srepr "
                                  "string")
    lim = _limits()
    if len(text) > lim.chars:
        raise _over("len(expression)", len(text), "chars")
    try:
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        why = getattr(exc, "msg", None) or type(exc).__name__
        raise InvalidArgument(f"expression={text[:60]!r} is not a sympy srepr ({why})") from exc
    count = 0

    def fail(node: ast.AST) -> InvalidArgument:
        return InvalidArgument(f"expression={text[:60]!r}: {ast.dump(node)[:60]} is not allowed "
                               "in a certificate")

    def build(node: ast.AST, depth: int) -> Any:
        nonlocal count
        count += 1
        if count > lim.nodes:
            raise _over("expression: number of nodes", count, "nodes")
        if depth > lim.depth:
            raise _over("expression: nesting depth", depth, "depth")
        if isinstance(node, ast.Constant) and type(node.value) is int:
            if node.value.bit_length() > lim.integer_bits:
                raise _over("expression: an integer of bits", node.value.bit_length(),
                            "integer_bits")
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = build(node.operand, depth + 1)
            if type(inner) is int:
                return -inner
            raise fail(node)
        if isinstance(node, ast.Name) and node.id in _SREPR_ATOMS:
            return getattr(sympy.S, node.id) if node.id in ("Half", "One", "Zero",
                                                            "NegativeOne") else getattr(sympy,
                                                                                        node.id)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in _SREPR_NAMES and not node.keywords):
            args = [build(a, depth + 1) for a in node.args]
            name = node.func.id
            if name in ("Integer", "Rational"):
                if not all(type(a) is int for a in args) or not 1 <= len(args) <= 2:
                    raise InvalidArgument(f"expression={text[:60]!r}: {name} takes one or two "
                                          "integers")
                if name == "Rational" and len(args) == 2 and args[1] == 0:
                    raise InvalidArgument(f"expression={text[:60]!r}: Rational({args[0]}, 0) "
                                          "divides by zero")
                if name == "Integer" and len(args) != 1:
                    raise InvalidArgument(f"expression={text[:60]!r}: Integer takes one integer")
                return getattr(sympy, name)(*args)
            if any(type(a) is int for a in args):
                raise InvalidArgument(f"expression={text[:60]!r}: {name} of a bare integer; "
                                      "expected Integer(...)")
            arity = {"Pow": (2, 2), "log": (1, 1), "exp": (1, 1), "Abs": (1, 1)}
            lo, hi = arity.get(name, (0, lim.nodes))
            if not lo <= len(args) <= hi:
                raise InvalidArgument(f"expression={text[:60]!r}: {name} takes "
                                      f"{lo if lo == hi else 'any number of'} argument(s), "
                                      f"got {len(args)}")
            return getattr(sympy, name)(*args, evaluate=False)
        raise fail(node)

    return build(tree, 1)


def verify_certificate(data: Any) -> bool:
    """Re-check a certificate from its JSON dict alone; True, or ``CheckFailed`` if rejected.

    The expression is rebuilt from its ``srepr`` (no ``eval``), re-enclosed at the stored
    precision, and the recomputed enclosure must intersect the stored one and decide the stored
    status by exact ``Fraction`` comparisons with the threshold. Exact methods ("exact
    rational", "minimal polynomial") are re-run; a "minimal polynomial" equality also needs a
    finite ball containing the threshold at the stored precision, as :func:`certify` does (the
    ball certifies the expression is real). The validity rules and the
    :class:`CertificateLimits` are those of :func:`certify`: a JSON outside them (a huge
    ``prec``, a number "1e999999999", a ``Pow`` with a huge exponent, deep nesting) raises
    ``InvalidArgument`` or ``ResourceLimitError`` before any expensive work.

    >>> import sympy
    >>> d = certify(sympy.sqrt(2) * sympy.log(2), "<", Fraction(99, 100)).to_json()
    >>> verify_certificate(d)
    True
    >>> verify_certificate(dict(d, threshold="98/100"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.CheckFailed: the stored enclosure gives status disproved, the ...
    >>> verify_certificate(dict(d, prec=10**9))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.ResourceLimitError: prec=1000000000 bits exceeds the precision limit ...
    """
    import sympy

    if not isinstance(data, dict):
        raise InvalidArgumentType(f"data has type {type(data).__name__}; expected a dict")
    missing = {"format", "expression", "relation", "threshold", "status", "enclosure", "prec",
               "method"} - {k for k in data if isinstance(k, str)}
    if missing:
        raise InvalidArgument(f"certificate lacks {', '.join(sorted(missing))}")
    for key in ("format", "relation", "status", "method"):
        if not isinstance(data[key], str):
            raise InvalidArgumentType(f"{key}={_brief_value(data[key])} has type "
                                      f"{type(data[key]).__name__}; expected a string")
    if data["format"] != _FORMAT:
        raise InvalidArgument(f"format={data['format'][:40]!r}; expected {_FORMAT!r}")
    relation = _check_relation(data["relation"], "relation")
    status, method, prec = data["status"], data["method"], data["prec"]
    if status not in ("proved", "disproved", "undecided"):
        raise InvalidArgument(f"status={status[:20]!r}; expected proved, disproved or undecided")
    if method not in (_METHOD_BALL, _METHOD_RATIONAL, _METHOD_MINPOLY):
        raise InvalidArgument(f"method={method[:40]!r} is not a known certification method")
    if prec is not None:   # every numeric field is bounded before any work
        prec = _check_prec(as_exact_int(prec, "prec", minimum=2))
    t = _parse_fraction(data["threshold"], "threshold")
    stored = None if data["enclosure"] is None else Enclosure.from_json(data["enclosure"])
    if stored is not None and stored.prec is not None:
        _check_prec(stored.prec, "enclosure.prec")
    expr, shape = _checked(_from_srepr(data["expression"]), "expression")
    case = {"expression": data["expression"][:200], "relation": relation,
            "threshold": _short_frac(t)}
    needs_prec = method != _METHOD_RATIONAL
    if needs_prec and prec is None:
        raise CheckFailed(f"method {method!r} needs the precision, and prec is null", case)
    if stored is None:  # undecided without a finite ball: re-check that
        if status != "undecided" or method != _METHOD_BALL:
            raise CheckFailed("a certificate without an enclosure can only be undecided", case)
        try:
            _enclose(expr, shape, prec)
        except UndecidedError:
            return True
        raise CheckFailed(f"a finite enclosure exists at prec={prec}; the certificate says "
                          "there is none", case)
    if method == _METHOD_RATIONAL:
        if not isinstance(expr, sympy.Rational):
            raise CheckFailed("method 'exact rational' but the expression is not rational", case)
        v = Fraction(int(expr.p), int(expr.q))
        recomputed = Enclosure.point(v)
        verdict = "equal" if v == t else "other"
    elif method == _METHOD_MINPOLY:
        problem = _algebraic_problem(shape)
        if problem is not None:
            raise ResourceLimitError(f"the minimal-polynomial check of expression="
                                     f"{_brief(expr)} is refused: {problem}",
                                     limit="certificate_limits.algebraic")
        try:
            recomputed = _enclose(expr, shape, prec)
        except UndecidedError as exc:
            raise CheckFailed(f"method 'minimal polynomial' needs a finite ball (it certifies "
                              f"the expression is real); none at prec={prec}", case) from exc
        if not recomputed.contains(t):
            raise CheckFailed(f"method 'minimal polynomial' but the ball {recomputed} at "
                              f"prec={prec} excludes the threshold", case)
        if not _exact_equal(expr, t, shape):
            raise CheckFailed("method 'minimal polynomial' but equality is not confirmed", case)
        verdict = "equal"
    else:
        try:
            recomputed = _enclose(expr, shape, prec)
        except UndecidedError as exc:
            raise CheckFailed(f"no finite enclosure at prec={prec}", case) from exc
        verdict = "other"
    if not recomputed.intersects(stored):
        raise CheckFailed(f"recomputed enclosure {recomputed} is disjoint from the stored "
                          f"{stored}", case)
    for name, enc in (("stored", stored), ("recomputed", recomputed)):
        got = _status(relation, verdict, enc, t)
        if got != status:
            raise CheckFailed(f"the {name} enclosure gives status {got}, the certificate "
                              f"says {status}", case)
    return True
