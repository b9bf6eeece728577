"""sympy expressions in, exact functions out: the reader behind ``from_sympy`` and coercion.

Every public function of exactmtl that takes a function also takes a sympy expression in one
real variable; :func:`as_piecewise` converts it exactly (or says why it cannot) through
:func:`read_sympy`, which understands nested ``Piecewise`` / ``Heaviside`` / ``Min`` / ``Max`` /
``Abs`` / ``floor`` / ``ceiling`` / ``frac`` / ``Mod`` / ``sign`` compositions, the boolean
conditions sympy's ``subs`` produces (``ITE``, ``Xor``, ...), and a common exact real algebraic
factor such as the ``2**(j/2)`` of a normalised Haar function (then the result is a
:class:`~exactmtl.bases.ScaledPiecewise`). No float is ever created.

>>> import sympy
>>> from fractions import Fraction
>>> x = sympy.Symbol("x")
>>> tent = sympy.Piecewise((2 * x, x < sympy.Rational(1, 2)), (2 - 2 * x, True))
>>> f = read_sympy(tent.subs(x, tent))          # T o T, as sympy's subs writes it
>>> f.pieces, f(Fraction(1, 4))
(4, Fraction(1, 1))
>>> read_sympy(sympy.sqrt(2) * sympy.Heaviside(x - sympy.Rational(1, 2), 1))(Fraction(3, 4))
sqrt(2)
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from exactmtl._validate import as_exact
from exactmtl.errors import InvalidArgument, InvalidArgumentType
from exactmtl.piecewise import Piecewise, floor, heaviside, maximum, minimum

__all__ = ["MAX_DEGREE", "MAX_FLOOR_PIECES", "as_piecewise", "is_sympy_function", "read_sympy"]

_DEFAULT_DOMAIN = (0, 1)
MAX_DEGREE = 1024
"""Largest polynomial degree (and exponent) that the reader builds exactly."""
MAX_FLOOR_PIECES = 1 << 16
"""Largest number of integer steps a ``floor``/``ceiling``/``frac``/``Mod`` may create."""


def is_sympy_function(obj: Any) -> bool:
    """True when ``obj`` is a sympy expression or ``Lambda`` that :func:`as_piecewise` reads.

    >>> import sympy
    >>> is_sympy_function(sympy.Symbol("x") ** 2), is_sympy_function(3)
    (True, False)
    """
    mod = type(obj).__module__ or ""
    if not mod.startswith("sympy"):
        return False
    import sympy

    return isinstance(obj, sympy.Basic) and not isinstance(obj, sympy.Float)


def _like_domain(like: Any) -> tuple[tuple[Any, Any], bool]:
    base = getattr(like, "base", like)  # a ScaledPiecewise carries its Piecewise as .base
    if isinstance(base, Piecewise):
        return base.domain, base.closed
    return _DEFAULT_DOMAIN, False


def as_piecewise(f: Any, name: str = "f", like: Any = None) -> Any:
    """Return ``f`` as an exact function: sympy expressions are read exactly, others pass.

    A sympy expression in one variable becomes a :class:`~exactmtl.piecewise.Piecewise` on the
    domain of ``like`` when ``like`` is an exact function (else on ``[0, 1)``); objects that are
    already exact functions (or anything else, which the caller then checks) are returned as
    they are.

    Parameters
    ----------
    f : Piecewise, ScaledPiecewise, sympy expression or sympy Lambda
    name : str
        The argument's name, echoed in error messages.
    like : optional
        An exact function whose domain (and closedness) a sympy ``f`` takes.

    Examples
    --------
    >>> import sympy
    >>> from exactmtl import triangle
    >>> x = sympy.Symbol("x")
    >>> g = as_piecewise(1 - x, "g", like=triangle(1))
    >>> g.domain, g.closed, g(1)
    ((Fraction(0, 1), Fraction(1, 1)), True, Fraction(0, 1))
    """
    if isinstance(f, Piecewise) or not is_sympy_function(f):
        return f
    domain, closed = _like_domain(like)
    return read_sympy(f, None, domain, closed=closed, name=name)


def _free_symbol(expr: Any, x: Any, name: str) -> Any:
    import sympy

    if x is not None:
        if not isinstance(x, sympy.Symbol):
            raise InvalidArgumentType(f"x={x!r} has type {type(x).__name__}; expected a sympy "
                                      "Symbol (the variable of the expression)")
        others = expr.free_symbols - {x}
        if others:
            raise InvalidArgument(
                f"{name}={expr} has the free symbols {sorted(map(str, others))} besides x={x}; "
                "expected an expression in one real variable")
        return x
    syms = sorted(expr.free_symbols, key=str)
    if len(syms) > 1:
        raise InvalidArgument(
            f"{name}={expr} has the free symbols {[str(s) for s in syms]}; expected an "
            "expression in one real variable (pass x=... to say which one after substituting "
            "the others)")
    return syms[0] if syms else sympy.Symbol("x", real=True)


def read_sympy(expr: Any, x: Any = None, domain: tuple[Any, Any] = _DEFAULT_DOMAIN, *,
               closed: bool = False, name: str = "expr") -> Any:
    """Convert a sympy expression in the real variable ``x`` exactly, on ``domain``.

    Reads rational numbers, ``x``, ``+``, ``*``, non-negative integer powers, ``Piecewise``
    (nested too) with conditions built from ``<, <=, >, >=, Eq, Ne`` and ``And, Or, Not, Xor,
    ITE, Implies, Equivalent, Nand, Nor`` and ``Contains(x, Interval(...))``,
    ``Heaviside(arg, H0)`` (sympy's default ``H0 = 1/2`` is kept), ``Abs``, ``sign``, ``Max``,
    ``Min``, ``floor``, ``ceiling``, ``frac`` and ``Mod(arg, q)`` of piecewise-linear arguments,
    and ``Lambda(x, expr)``. A common exact real algebraic factor ``c`` (e.g. ``sqrt(2)``) is
    carried exactly: the result is then ``ScaledPiecewise(c, g)`` with ``g`` rational.

    Parameters
    ----------
    expr : sympy expression or Lambda
    x : sympy.Symbol, optional
        The variable (default: the only free symbol).
    domain : pair of exact numbers
    closed : bool
        Whether the right end of ``domain`` belongs to it.
    name : str
        The argument's name, echoed in error messages.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> read_sympy(sympy.Min(sympy.frac(3 * x), sympy.Rational(1, 2))).breakpoints
    (Fraction(1, 6), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(5, 6))
    >>> read_sympy(sympy.exp(x))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: expr contains exp(x) (exp), which from_sympy does not ...
    """
    import sympy

    if not isinstance(expr, sympy.Basic):
        try:
            expr = sympy.sympify(expr, strict=True)
        except (sympy.SympifyError, TypeError, ValueError):
            raise InvalidArgumentType(f"{name}={expr!r} has type {type(expr).__name__}; "
                                      "expected a sympy expression") from None
    if isinstance(expr, sympy.Lambda):
        if len(expr.variables) != 1:
            raise InvalidArgument(f"{name}={expr} takes {len(expr.variables)} variables; "
                                  "expected a function of one real variable")
        x, expr = expr.variables[0], expr.expr
    if isinstance(expr, sympy.Float) or expr.has(sympy.Float):
        bad = next(iter(expr.atoms(sympy.Float)), expr)
        as_exact(bad, name)  # raises InexactInputError with the hint
    x = _free_symbol(expr, x, name)
    if x.is_real is False:
        raise InvalidArgument(f"x={x} is declared non-real; expected a real variable")
    dom = Piecewise.constant(0, domain).domain  # validates the pair (a, b) with a < b
    reader = _Reader(x, dom, bool(closed), name)
    factors = _irrational_factors(expr, x)
    if not factors:
        return reader.conv(expr)
    c = factors[0]
    for d in factors[1:]:
        ratio = _rational_or_none(d / c)
        if ratio is None:
            raise InvalidArgument(
                f"{name} has the coefficients {c} and {d}, which are not rational multiples of "
                "one constant; exact functions carry rational values times one exact factor")
    if not (c.is_real and c.is_algebraic):
        raise InvalidArgument(
            f"{name} contains the constant {c}, which is not a real algebraic number; exact "
            "functions carry rational values (times one real algebraic factor)")
    scaled = sympy.expand(sympy.piecewise_fold(expr / c))
    base = reader.conv(scaled)
    content = _content(base)  # canonical: the base has coprime integer values, c the rest
    if content != 1:
        base = base / content
        c = c * sympy.Rational(content.numerator, content.denominator)
    from exactmtl.bases import ScaledPiecewise

    return ScaledPiecewise(c, base)


def _content(f: Piecewise) -> Fraction:
    """The positive rational ``g`` with ``f / g`` having coprime integer coefficients and values."""
    import math

    nums = [c for p in f.polys for c in p if c] + [v for v in f.values if v]
    if not nums:
        return Fraction(1)
    num = math.gcd(*(q.numerator for q in nums))
    den = math.lcm(*(q.denominator for q in nums))
    return Fraction(num, den)


def _rational_or_none(value: Any) -> Any:
    import sympy

    v = sympy.radsimp(value)
    if not v.is_Rational:
        v = sympy.simplify(v)
    return v if v.is_Rational else None


def _irrational_factors(expr: Any, x: Any) -> list[Any]:
    """Irrational numeric leaves in value positions (not in conditions nor jump arguments)."""
    import sympy
    from sympy.logic.boolalg import Boolean

    out: list[Any] = []
    seen: set = set()

    def walk(e: Any) -> None:
        if isinstance(e, Boolean) and not isinstance(e, sympy.Expr):
            return
        if e.is_number:
            if not e.is_Rational and e not in seen:
                if _rational_or_none(e) is None:
                    seen.add(e)
                    out.append(e)
            return
        if isinstance(e, sympy.Piecewise):
            for val, _cond in e.args:
                walk(val)
            return
        if isinstance(e, (sympy.Heaviside, sympy.sign, sympy.floor, sympy.ceiling,
                          sympy.frac, sympy.Mod)):
            return  # their values are rational; irrational arguments fail later, clearly
        if isinstance(e, sympy.Pow):
            walk(e.base)  # an irrational exponent is refused later as a power, clearly
            return
        for a in e.args:
            walk(a)

    walk(expr)
    return out


def _balanced(items: list[Any], op: Callable[[Any, Any], Any]) -> Any:
    """``op``-fold of ``items`` as a balanced tree (sums of many small functions stay cheap)."""
    while len(items) > 1:
        items = [op(items[i], items[i + 1]) if i + 1 < len(items) else items[i]
                 for i in range(0, len(items), 2)]
    return items[0]


class _Reader:
    """Structural recursion from a sympy expression to an exact Piecewise."""

    def __init__(self, x: Any, dom: tuple[Fraction, Fraction], closed: bool, name: str) -> None:
        self.x, self.dom, self.closed, self.name = x, dom, closed, name

    def const(self, c: Any) -> Piecewise:
        return Piecewise.constant(c, self.dom, closed=self.closed)

    def number(self, e: Any) -> Piecewise:
        if e.is_Rational:
            return self.const(Fraction(int(e.p), int(e.q)))
        v = _rational_or_none(e)
        if v is None:
            raise InvalidArgument(
                f"{self.name} contains the irrational constant {e} in a place where an exact "
                "Piecewise needs a rational (a threshold, or a value mixed with rationals)")
        return self.const(Fraction(int(v.p), int(v.q)))

    def conv(self, e: Any) -> Piecewise:
        import sympy

        if e == self.x:
            return Piecewise.identity(self.dom, closed=self.closed)
        if e.is_number and not e.has(sympy.Piecewise, sympy.Heaviside):
            if isinstance(e, sympy.Float):
                as_exact(e, self.name)
            return self.number(e)
        if isinstance(e, sympy.Add):
            return _balanced([self.conv(a) for a in e.args], operator.add)
        if isinstance(e, sympy.Mul):
            parts = [self.conv(a) for a in e.args]
            self.degree_ok(sum(max(p.degree, 0) for p in parts), e)
            return _balanced(parts, operator.mul)
        if isinstance(e, sympy.Pow):
            base, ex = e.args
            if ex.is_Integer and ex >= 0:
                self.degree_ok(int(ex), e)
                b = self.conv(base)
                self.degree_ok(max(b.degree, 0) * int(ex), e)
                return b ** int(ex)
            raise InvalidArgument(f"{self.name} has the power {e}; only non-negative integer "
                                  "exponents give piecewise polynomials")
        if isinstance(e, sympy.Heaviside):
            h0 = e.args[1] if len(e.args) > 1 else sympy.Rational(1, 2)
            return heaviside(self.conv(e.args[0]), as_exact(h0, "H0"))
        if isinstance(e, sympy.Abs):
            return abs(self.conv(e.args[0]))
        if isinstance(e, sympy.sign):
            g = self.conv(e.args[0])
            return heaviside(g, 0) - heaviside(-g, 0)
        if isinstance(e, sympy.floor):
            return floor(self.steps(self.conv(e.args[0]), e))
        if isinstance(e, sympy.ceiling):
            return -floor(-self.steps(self.conv(e.args[0]), e))
        if isinstance(e, sympy.frac):
            g = self.steps(self.conv(e.args[0]), e)
            return g - floor(g)
        if isinstance(e, sympy.Mod):
            q = as_exact(e.args[1], f"{self.name} modulus")
            if q <= 0:
                raise InvalidArgument(f"{self.name} has {e}; expected a positive rational modulus")
            g = self.conv(e.args[0])
            return g - q * floor(self.steps(g / q, e))
        if isinstance(e, (sympy.Max, sympy.Min)):
            op = maximum if isinstance(e, sympy.Max) else minimum
            out = self.conv(e.args[0])
            for a in e.args[1:]:
                out = op(out, self.conv(a))
            return out
        if isinstance(e, sympy.Piecewise):
            return self.rows(e.args, 0, len(e.args))[0]
        kind = type(e).__name__
        raise InvalidArgument(f"{self.name} contains {e} ({kind}), which from_sympy does not "
                              "convert: it is not a piecewise polynomial read exactly")

    def degree_ok(self, degree: int, e: Any) -> None:
        if degree > MAX_DEGREE:
            raise InvalidArgument(
                f"{self.name} has {e} of degree {degree}; degrees above MAX_DEGREE={MAX_DEGREE} "
                "are refused (exact pieces of that degree are not practical)")

    def steps(self, g: Piecewise, e: Any) -> Piecewise:
        """``g`` itself, after checking that ``floor(g)`` has at most MAX_FLOOR_PIECES steps."""
        if g.degree <= 1:
            lo, hi = g.range_bounds()
            if hi - lo > MAX_FLOOR_PIECES:
                raise InvalidArgument(
                    f"{self.name} has {e}, whose argument spans [{lo}, {hi}]: more than "
                    f"MAX_FLOOR_PIECES={MAX_FLOOR_PIECES} integer steps are refused")
        return g

    def rows(self, args: Sequence[Any], lo: int, hi: int) -> tuple[Piecewise, Piecewise]:
        """(value, cover) of the Piecewise rows ``lo..hi-1``: the first true row wins.

        Halving keeps the work near ``n log n`` for ``n`` rows (a left-to-right sweep would
        multiply whole-domain functions ``n`` times).
        """
        if hi - lo == 1:
            val, cond = args[lo]
            ind = self.indicator(cond)
            return self.conv(val) * ind, ind
        mid = (lo + hi) // 2
        va, ca = self.rows(args, lo, mid)
        vb, cb = self.rows(args, mid, hi)
        return va + (1 - ca) * vb, ca + cb - ca * cb

    def indicator(self, c: Any) -> Piecewise:
        import sympy
        from sympy.core.relational import Relational
        from sympy.logic import boolalg

        if c is sympy.true:
            return self.const(1)
        if c is sympy.false:
            return self.const(0)
        if isinstance(c, sympy.And):
            return _balanced([self.indicator(a) for a in c.args], operator.mul)
        if isinstance(c, sympy.Or):
            return _balanced([self.indicator(a) for a in c.args], lambda u, v: u + v - u * v)
        if isinstance(c, sympy.Not):
            return 1 - self.indicator(c.args[0])
        if isinstance(c, boolalg.Xor):
            out = self.const(0)
            for a in c.args:
                ind = self.indicator(a)
                out = out + ind - 2 * out * ind
            return out
        if isinstance(c, boolalg.ITE):
            a, b, d = (self.indicator(t) for t in c.args)
            return a * b + (1 - a) * d
        if isinstance(c, boolalg.Implies):
            a, b = (self.indicator(t) for t in c.args)
            return 1 - a + a * b
        if isinstance(c, boolalg.Equivalent):
            inds = [self.indicator(t) for t in c.args]
            every = none = self.const(1)
            for ind in inds:
                every = every * ind
                none = none * (1 - ind)
            return every + none
        if isinstance(c, boolalg.Nand):
            return 1 - self.indicator(sympy.And(*c.args, evaluate=False))
        if isinstance(c, boolalg.Nor):
            return 1 - self.indicator(sympy.Or(*c.args, evaluate=False))
        if isinstance(c, sympy.Contains) and isinstance(c.args[1], sympy.Set):
            return self.indicator(c.args[1].as_relational(c.args[0]))
        if isinstance(c, Relational):
            diff = self.conv(c.lhs - c.rhs)
            if isinstance(c, sympy.GreaterThan):
                return heaviside(diff, 1)
            if isinstance(c, sympy.StrictGreaterThan):
                return heaviside(diff, 0)
            if isinstance(c, sympy.LessThan):
                return heaviside(-diff, 1)
            if isinstance(c, sympy.StrictLessThan):
                return heaviside(-diff, 0)
            if isinstance(c, sympy.Eq):
                return heaviside(diff, 1) * heaviside(-diff, 1)
            if isinstance(c, sympy.Ne):
                return 1 - heaviside(diff, 1) * heaviside(-diff, 1)
        raise InvalidArgument(f"{self.name} has the condition {c} ({type(c).__name__}), which "
                              "exactmtl does not read")
