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
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from exactmtl._validate import as_exact, as_exact_int
from exactmtl.errors import (
    CheckFailed,
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    UndecidedError,
)

__all__ = [
    "DEFAULT_MAX_PREC",
    "DEFAULT_PREC",
    "RELATIONS",
    "Certificate",
    "Comparison",
    "Enclosure",
    "certify",
    "compare",
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

    bits = as_exact_int(bits, "prec", minimum=2)
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
    return Fraction(man << exp) if exp >= 0 else Fraction(man, 1 << -exp)


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
    return f"{value.numerator}/{value.denominator}"


def _parse_fraction(text: Any, name: str) -> Fraction:
    if not isinstance(text, str):
        raise InvalidArgumentType(f"{name}={text!r} has type {type(text).__name__}; expected a "
                                  "string 'p/q'")
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError) as exc:
        raise InvalidArgument(f"{name}={text!r} is not a rational 'p/q'") from exc


def _exact_point(value: Any, name: str) -> Fraction:
    """An exact rational; also the exact binary value of an mpmath ``mpf`` (not a Python float)."""
    if type(value).__module__.startswith("mpmath"):
        import mpmath

        if not isinstance(value, mpmath.mpf) or not mpmath.isfinite(value):
            raise InvalidArgument(f"{name}={value} is not a finite real mpf")
        sign, man, exp, _ = value._mpf_
        man = -int(man) if sign else int(man)
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
            raise InvalidArgument(f"lo={lo} > hi={hi}; an enclosure needs lo <= hi")
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
        scale = 10**places

        def fmt(v: int) -> str:
            sign, v = ("-" if v < 0 else ""), abs(v)
            whole, frac = divmod(v, scale)
            return f"{sign}{whole}" + (f".{frac:0{places}d}" if places else "")

        lo = (self.lo.numerator * scale) // self.lo.denominator
        hi = -((-self.hi.numerator * scale) // self.hi.denominator)
        return f"[{fmt(lo)}, {fmt(hi)}]"

    def __str__(self) -> str:
        return self.decimal()


# --------------------------------------------------------------------------- sympy -> arb

def _sympy_number(expr: Any, name: str = "expr") -> Any:
    """Validate ``expr`` as a real sympy number (Fraction/int converted); refuse floats, symbols."""
    import sympy

    if isinstance(expr, bool) or isinstance(expr, sympy.logic.boolalg.BooleanAtom):
        raise InvalidArgumentType(f"{name}={expr!r} is a truth value; expected a number")
    if isinstance(expr, float):
        raise InexactInputError(f"{name}={expr!r} is a float; pass Fraction({str(expr)!r}) or "
                                "sympy.Rational(...) for an exact value")
    if not isinstance(expr, sympy.Basic):
        v = as_exact(expr, name)
        return sympy.Rational(v.numerator, v.denominator)
    if expr.has(sympy.Float):
        raise InexactInputError(f"{name}={expr} contains a sympy Float; use sympy.Rational for "
                                "exact constants")
    if expr.free_symbols:
        names = ", ".join(sorted(str(s) for s in expr.free_symbols))
        raise InvalidArgument(f"{name}={expr} has free symbols ({names}); expected a number")
    if isinstance(expr, sympy.logic.boolalg.Boolean) or not isinstance(expr, sympy.Expr):
        raise InvalidArgumentType(f"{name}={expr} is not a number (type {type(expr).__name__})")
    return expr


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
            out += to_arb(a)
        return out
    if isinstance(expr, sympy.Mul):
        out = flint.arb(1)
        for a in expr.args:
            out *= to_arb(a)
        return out
    if isinstance(expr, sympy.Pow):
        e = expr.exp
        if isinstance(e, sympy.Rational):
            base = to_arb(expr.base)
            if e.q == 1:
                return base ** int(e.p)
            if base < 0:
                raise InvalidArgument(f"expr={expr}: a non-integer power of a negative number "
                                      "is not real")
            root = base.sqrt() if e.q == 2 else base.root(int(e.q))
            return root ** int(e.p)
        base = to_arb(expr.base)
        if base < 0:
            raise InvalidArgument(f"expr={expr}: a non-integer power of a negative number is "
                                  "not real")
        return base ** to_arb(e)
    if isinstance(expr, sympy.exp):
        return to_arb(expr.args[0]).exp()
    if isinstance(expr, sympy.log) and len(expr.args) == 1:
        arg = to_arb(expr.args[0])
        if arg <= 0:
            raise InvalidArgument(f"expr={expr}: log of a non-positive number")
        return arg.log()
    if isinstance(expr, sympy.Abs):
        return abs(to_arb(expr.args[0]))
    if expr is sympy.I:
        raise InvalidArgument(f"expr={expr} is not real; expected a real number")
    if isinstance(expr, sympy.Float):
        raise InexactInputError(f"expr={expr} is a sympy Float; use sympy.Rational")
    if isinstance(expr, sympy.Symbol):
        raise InvalidArgument(f"expr={expr} is a free symbol; expected a number")
    raise InvalidArgument(
        f"expr={expr}: {type(expr).__name__} is not supported; enclose() takes Rational, pi, E, "
        "Add, Mul, Pow (integer/rational exponents, sqrt), exp, log, Abs")


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

    x = _sympy_number(expr)
    if isinstance(x, sympy.Rational):
        return Enclosure.point(Fraction(int(x.p), int(x.q)))
    with precision(prec) as bits:
        ball = to_arb(x)
        if not ball.is_finite():
            raise UndecidedError(f"expr={x}: the ball at prec={bits} is not finite (an "
                                 "argument of log, a root or a division is not separated from "
                                 "0); raise the precision")
        return Enclosure.from_arb(ball, bits)


# --------------------------------------------------------------------------- comparisons

def _exact_equal(x: Any, t: Fraction) -> bool | None:
    """x == t decided exactly when x is algebraic (minimal polynomial of x - t is the variable);
    None when not decided (transcendental constants, or sympy cannot compute it)."""
    import sympy

    if x.has(sympy.log, sympy.exp, sympy.pi, sympy.E, sympy.EulerGamma):
        return None
    z = sympy.Dummy("z")
    try:
        return sympy.minimal_polynomial(x - sympy.Rational(t.numerator, t.denominator), z) == z
    except (NotImplementedError, sympy.polys.polyerrors.NotAlgebraic,
            sympy.polys.polyerrors.PolynomialError):
        return None


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
    import sympy

    t = as_exact(threshold, "threshold")
    prec = as_exact_int(prec, "prec", minimum=2)
    max_prec = as_exact_int(max_prec, "max_prec", minimum=prec)
    if isinstance(expr, Enclosure):
        e = expr
        verdict = ("below" if e.hi < t else "above" if e.lo > t
                   else "equal" if e.lo == e.hi == t else "undecided")
        return Comparison(verdict, t, e, e.prec, _METHOD_BALL)
    x = _sympy_number(expr)
    if isinstance(x, sympy.Rational):
        v = Fraction(int(x.p), int(x.q))
        verdict = "below" if v < t else "above" if v > t else "equal"
        return Comparison(verdict, t, Enclosure.point(v), None, _METHOD_RATIONAL)
    bits, tried_equal, last = prec, False, None
    while True:
        try:
            e = enclose(x, bits)
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
            if _exact_equal(x, t):
                return Comparison("equal", t, last or Enclosure.point(t), bits, _METHOD_MINPOLY)
        if bits >= max_prec:
            break
        bits = min(2 * bits, max_prec)
    if last is None:
        raise UndecidedError(f"expr={x}: no finite enclosure up to max_prec={max_prec} bits")
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
    if relation not in RELATIONS:
        raise InvalidArgument(f"relation={relation!r}; expected one of {', '.join(RELATIONS)}")
    if rhs is None:
        raise InvalidArgument("rhs is missing; call certify(lhs, relation, rhs)")
    left = _sympy_number(lhs, "lhs")
    right = _sympy_number(rhs, "rhs")
    if isinstance(right, sympy.Rational):
        expr, t = left, Fraction(int(right.p), int(right.q))
    else:
        expr, t = sympy.Add(left, -right), Fraction(0)
    try:
        cmp = compare(expr, t, prec=prec, max_prec=max_prec)
    except UndecidedError:  # no finite ball at any precision tried: undecided, no enclosure
        return Certificate(expr, relation, t, "undecided", None, max_prec, _METHOD_BALL)
    return Certificate(expr, relation, t, _status(relation, cmp.verdict, cmp.enclosure, t),
                       cmp.enclosure, cmp.prec, cmp.method)


# --------------------------------------------------------------------------- re-checking

_SREPR_NAMES = ("Integer", "Rational", "Add", "Mul", "Pow", "log", "exp", "Abs")
_SREPR_ATOMS = ("pi", "E", "EulerGamma", "Half", "One", "Zero", "NegativeOne")


def _from_srepr(text: Any) -> Any:
    """Rebuild a sympy number from its ``srepr`` without ``eval``: only the constructors of the
    supported expressions and integer literals are accepted (a JSON file is untrusted input)."""
    import ast

    import sympy

    if not isinstance(text, str):
        raise InvalidArgumentType(f"expression={text!r}; expected a sympy srepr string")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise InvalidArgument(f"expression={text!r} is not a sympy srepr") from exc

    def build(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = build(node.operand)
            if type(inner) is int:
                return -inner
        if isinstance(node, ast.Name) and node.id in _SREPR_ATOMS:
            return getattr(sympy.S, node.id) if node.id in ("Half", "One", "Zero",
                                                            "NegativeOne") else getattr(sympy,
                                                                                        node.id)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in _SREPR_NAMES and not node.keywords):
            args = [build(a) for a in node.args]
            if node.func.id in ("Integer", "Rational"):
                if not all(type(a) is int for a in args):
                    raise InvalidArgument(f"expression={text!r}: {node.func.id} of non-integers")
                return getattr(sympy, node.func.id)(*args)
            return getattr(sympy, node.func.id)(*args, evaluate=False)
        raise InvalidArgument(f"expression={text!r}: {ast.dump(node)[:60]} is not allowed in a "
                              "certificate")

    return build(tree)


def verify_certificate(data: Any) -> bool:
    """Re-check a certificate from its JSON dict alone; True, or ``CheckFailed`` if rejected.

    The expression is rebuilt from its ``srepr`` (no ``eval``), re-enclosed at the stored
    precision, and the recomputed enclosure must intersect the stored one and decide the stored
    status by exact ``Fraction`` comparisons with the threshold. Exact methods ("exact
    rational", "minimal polynomial") are re-run.

    >>> import sympy
    >>> d = certify(sympy.sqrt(2) * sympy.log(2), "<", Fraction(99, 100)).to_json()
    >>> verify_certificate(d)
    True
    >>> verify_certificate(dict(d, threshold="98/100"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.CheckFailed: the stored enclosure gives status disproved, the ...
    """
    import sympy

    if not isinstance(data, dict):
        raise InvalidArgumentType(f"data has type {type(data).__name__}; expected a dict")
    missing = {"format", "expression", "relation", "threshold", "status", "enclosure", "prec",
               "method"} - set(data)
    if missing:
        raise InvalidArgument(f"certificate lacks {', '.join(sorted(missing))}")
    if data["format"] != _FORMAT:
        raise InvalidArgument(f"format={data['format']!r}; expected {_FORMAT!r}")
    expr = _sympy_number(_from_srepr(data["expression"]), "expression")
    relation = data["relation"]
    if relation not in RELATIONS:
        raise InvalidArgument(f"relation={relation!r}; expected one of {', '.join(RELATIONS)}")
    t = _parse_fraction(data["threshold"], "threshold")
    status, method, prec = data["status"], data["method"], data["prec"]
    case = {"expression": data["expression"], "relation": relation, "threshold": t}
    if status not in ("proved", "disproved", "undecided"):
        raise InvalidArgument(f"status={status!r}; expected proved, disproved or undecided")
    if data["enclosure"] is None:  # undecided without a finite ball: re-check that
        if status != "undecided" or method != _METHOD_BALL:
            raise CheckFailed("a certificate without an enclosure can only be undecided", case)
        try:
            enclose(expr, as_exact_int(prec, "prec", minimum=2))
        except UndecidedError:
            return True
        raise CheckFailed(f"a finite enclosure exists at prec={prec}; the certificate says "
                          "there is none", case)
    stored = Enclosure.from_json(data["enclosure"])
    if method == _METHOD_RATIONAL:
        if not isinstance(expr, sympy.Rational):
            raise CheckFailed("method 'exact rational' but the expression is not rational", case)
        v = Fraction(int(expr.p), int(expr.q))
        recomputed = Enclosure.point(v)
        verdict = "equal" if v == t else "other"
    elif method == _METHOD_MINPOLY:
        if not _exact_equal(expr, t):
            raise CheckFailed("method 'minimal polynomial' but equality is not confirmed", case)
        recomputed, verdict = stored, "equal"
    elif method == _METHOD_BALL:
        prec = as_exact_int(prec, "prec", minimum=2)
        try:
            recomputed = enclose(expr, prec)
        except UndecidedError as exc:
            raise CheckFailed(f"no finite enclosure at prec={prec}", case) from exc
        verdict = "other"
    else:
        raise InvalidArgument(f"method={method!r} is not a known certification method")
    if not recomputed.intersects(stored):
        raise CheckFailed(f"recomputed enclosure {recomputed} is disjoint from the stored "
                          f"{stored}", case)
    for name, enc in (("stored", stored), ("recomputed", recomputed)):
        got = _status(relation, verdict, enc, t)
        if got != status:
            raise CheckFailed(f"the {name} enclosure gives status {got}, the certificate "
                              f"says {status}", case)
    return True
