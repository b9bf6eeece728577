"""Formulas as text, read without ``eval``: a whitelisted grammar through Python's ``ast``.

:func:`parse_formula` turns a short text such as ``"2**k*(ceiling(1/(2*eps)) - 1) + 1"`` into
an *unevaluated* sympy expression; :func:`evaluate_formula` evaluates a sympy expression at
exact parameter values with size guards, returning an ``int``/``Fraction`` when the value is
rational and an exact sympy number otherwise (``sqrt(2)``, ``log(3)``).

The grammar (everything else is refused with :class:`~exactmtl.errors.InvalidArgument`):

* numbers: integer literals (at most 100 digits) and decimal literals such as ``0.25`` (read
  exactly from the text as ``1/4``, never through a float; no exponent notation);
* names: parameters (identifiers such as ``k``, ``eps``, ``N``) and the constants ``pi``, ``E``;
* operators: ``+ - * / **`` and unary ``-``/``+``, parentheses;
* functions: ``sqrt log exp ceiling floor abs min max binomial factorial`` (``ceil``, ``Abs``,
  ``Min``, ``Max`` are aliases; ``log(x, b)`` is the logarithm to base ``b``; ``log2(x)``).

Sizes are bounded: text at most :data:`MAX_TEXT` characters, at most :data:`MAX_NODES` syntax
nodes, nesting at most :data:`MAX_DEPTH`; at evaluation a power, binomial or factorial whose
result would exceed :data:`MAX_BITS` bits is refused before it is computed.

>>> f = parse_formula("2**k*(ceiling(1/(2*eps)) - 1) + 1")
>>> sorted(str(s) for s in f.free_symbols)
['eps', 'k']
>>> from fractions import Fraction
>>> evaluate_formula(f, {"k": 3, "eps": Fraction(1, 5)})
17
>>> evaluate_formula(parse_formula("2*sqrt(N)"), {"N": 8})
4*sqrt(2)
>>> parse_formula("__import__('os')")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
exactmtl.errors.InvalidArgument: formula: the name '__import__' is not allowed ...
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import sympy

from exactmtl._validate import as_exact
from exactmtl.errors import ExactMTLError, InvalidArgument, InvalidArgumentType

__all__ = [
    "FUNCTIONS",
    "MAX_BITS",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_TEXT",
    "evaluate_formula",
    "formula_parameters",
    "parse_formula",
    "parse_grid",
]

MAX_TEXT = 500
MAX_NODES = 200
MAX_DEPTH = 40
MAX_BITS = 1 << 20  # about a million bits: far beyond any grid point, far below a hang

#: Function names of the grammar -> the sympy function built (unevaluated).
FUNCTIONS: dict[str, Any] = {
    "sqrt": sympy.sqrt,
    "log": lambda x, b=None: sympy.log(x) if b is None else sympy.Mul(
        sympy.log(x), sympy.Pow(sympy.log(b), sympy.Integer(-1))),
    "log2": lambda x: sympy.Mul(sympy.log(x), sympy.Pow(sympy.log(sympy.Integer(2)),
                                                        sympy.Integer(-1))),
    "exp": sympy.exp,
    "ceiling": sympy.ceiling,
    "ceil": sympy.ceiling,
    "floor": sympy.floor,
    "abs": sympy.Abs,
    "Abs": sympy.Abs,
    "min": sympy.Min,
    "Min": sympy.Min,
    "max": sympy.Max,
    "Max": sympy.Max,
    "binomial": sympy.binomial,
    "factorial": sympy.factorial,
}
_ARITY = {"log": (1, 2), "min": (2, 8), "Min": (2, 8), "max": (2, 8), "Max": (2, 8),
          "binomial": (2, 2)}
_CONSTANTS = {"pi": sympy.pi, "E": sympy.E}
_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


def _refuse(message: str) -> InvalidArgument:
    return InvalidArgument(f"formula: {message}")


def parse_formula(text: str) -> sympy.Expr:
    """Parse ``text`` (the grammar of this module) into an unevaluated sympy expression.

    Nothing is computed while parsing (``2**10**9`` parses instantly); evaluation happens in
    :func:`evaluate_formula`, under the size guards.

    >>> parse_formula("max(1, k) + log(8, 2)")
    Max(1, k) + log(8)/log(2)
    >>> parse_formula("k; import os")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: formula: 'k; import os' is not one expression ...
    """
    if not isinstance(text, str):
        raise InvalidArgumentType(f"formula={text!r} is a {type(text).__name__}; expected a "
                                  "string such as '2**k + 1'")
    if len(text) > MAX_TEXT:
        raise _refuse(f"{len(text)} characters; at most {MAX_TEXT} are accepted")
    if not text.strip():
        raise _refuse("the text is empty; expected an expression such as '2**k + 1'")
    try:
        with warnings.catch_warnings():  # e.g. "invalid decimal literal": refused below anyway
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise _refuse(f"{text!r} is not one expression (a syntax error at column "
                      f"{exc.offset}); expected e.g. '2**k*(ceiling(1/(2*eps)) - 1) + 1'"
                      ) from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise _refuse(f"{nodes} syntax nodes; at most {MAX_NODES} are accepted")
    try:
        with sympy.evaluate(False):
            return _build(tree.body, 0, text.strip())
    except ExactMTLError:
        raise
    except Exception as exc:  # sympy failing on an unevaluated form: a refusal, not a crash
        raise _refuse(f"{text.strip()!r} could not be built ({type(exc).__name__}); "
                      "simplify it, e.g. write constants as numbers") from None


def _number(node: ast.Constant, source: str) -> sympy.Expr:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _refuse(f"the literal {value!r} is not a number")
    if isinstance(value, int):
        if len(str(abs(value))) > 100:
            raise _refuse("an integer literal has more than 100 digits")
        return sympy.Integer(value)
    # a decimal literal: read exactly the digits the user wrote (never through the float)
    digits = (ast.get_source_segment(source, node) or "").replace("_", "")
    if not re.fullmatch(r"\d*\.\d*", digits) or digits == "." or len(digits) > 100:
        raise _refuse(f"the literal {digits or value!r} is not a plain decimal such as 0.25 "
                      "(no exponent); write e.g. 1/1000")
    frac = Fraction(digits)
    return sympy.Rational(frac.numerator, frac.denominator)


def _build(node: ast.AST, depth: int, source: str) -> sympy.Expr:
    if depth > MAX_DEPTH:
        raise _refuse(f"nesting deeper than {MAX_DEPTH}")
    if isinstance(node, ast.Constant):
        return _number(node, source)
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if node.id in FUNCTIONS:
            raise _refuse(f"{node.id!r} is a function; call it, e.g. {node.id}(x)")
        if node.id.startswith("_") or len(node.id) > 32:
            raise _refuse(f"the name {node.id!r} is not allowed (parameters are plain "
                          "identifiers such as k, eps, N)")
        return sympy.Symbol(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _build(node.operand, depth + 1, source)
        return sympy.Mul(sympy.Integer(-1), inner) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and isinstance(node.op, _BINOPS):
        a, b = _build(node.left, depth + 1, source), _build(node.right, depth + 1, source)
        if isinstance(node.op, ast.Add):
            return sympy.Add(a, b)
        if isinstance(node.op, ast.Sub):
            return sympy.Add(a, sympy.Mul(sympy.Integer(-1), b))
        if isinstance(node.op, ast.Mult):
            return sympy.Mul(a, b)
        if isinstance(node.op, ast.Div):
            return sympy.Mul(a, sympy.Pow(b, sympy.Integer(-1)))
        return sympy.Pow(a, b)
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise _refuse(f"only the functions {', '.join(sorted(FUNCTIONS))} may be called, "
                          f"by name; got a call of an expression ({type(node.func).__name__})")
        if node.func.id not in FUNCTIONS:
            raise _refuse(f"the name {node.func.id!r} is not allowed as a function; expected "
                          f"one of {', '.join(sorted(FUNCTIONS))}")
        if node.keywords:
            raise _refuse(f"{node.func.id}() takes no keyword arguments")
        lo, hi = _ARITY.get(node.func.id, (1, 1))
        if not lo <= len(node.args) <= hi:
            raise _refuse(f"{node.func.id}() takes {lo if lo == hi else f'{lo} to {hi}'} "
                          f"argument(s); got {len(node.args)}")
        args = [_build(a, depth + 1, source) for a in node.args]
        return FUNCTIONS[node.func.id](*args)
    kind = type(node).__name__
    raise _refuse(f"{kind} is not part of the grammar (numbers, parameters, + - * / **, "
                  f"and the functions {', '.join(sorted(FUNCTIONS))})")


def formula_parameters(expr: Any) -> tuple[str, ...]:
    """The parameter names of a sympy formula, sorted.

    >>> formula_parameters(parse_formula("2*sqrt(N) + eps"))
    ('N', 'eps')
    """
    return tuple(sorted(str(s) for s in expr.free_symbols))


# --------------------------------------------------------------------------- evaluation

def _bits(value: Fraction) -> int:
    return max(abs(value.numerator).bit_length(), value.denominator.bit_length())


def _as_sym(value: Any) -> sympy.Expr:
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.sympify(value) if not isinstance(value, sympy.Basic) else value


def _norm(value: Any) -> Any:
    """int / Fraction for rationals, sympy otherwise."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else value
    if isinstance(value, sympy.Rational):
        return int(value.p) if value.q == 1 else Fraction(int(value.p), int(value.q))
    if isinstance(value, sympy.Basic) and value.is_Rational:
        return _norm(sympy.Rational(value))
    return value


def _frac(value: Any) -> Fraction | None:
    v = _norm(value)
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return Fraction(v)
    return v if isinstance(v, Fraction) else None


def _sign(value: Any) -> int:
    from exactmtl.jointsep import exact_sign

    return exact_sign(value)


def _floor(value: Any) -> int:
    q = _frac(value)
    if q is not None:
        return math.floor(q)
    from exactmtl.certified import enclose

    prec = 64
    while prec <= 4096:
        e = enclose(value, prec)
        lo, hi = math.floor(e.lo), math.floor(e.hi)
        if lo == hi:
            return lo
        if _sign(_as_sym(value) - hi) == 0:  # exactly an integer
            return hi
        prec *= 2
    raise InvalidArgument(f"floor({value}) not decided up to 4096 bits")


def evaluate_formula(expr: Any, values: Mapping[str, Any]) -> Any:
    """Evaluate the sympy expression ``expr`` exactly at ``values`` (name -> exact number).

    Returns an ``int`` or ``Fraction`` when the value is rational, else an exact sympy
    number. Floats anywhere are refused; so are unknown parameters, division by zero and
    results larger than :data:`MAX_BITS` bits.

    >>> evaluate_formula(parse_formula("binomial(n, 2) / 3"), {"n": 5})
    Fraction(10, 3)
    >>> evaluate_formula(parse_formula("2**2**n"), {"n": 40})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: formula: 2**1099511627776 would have more than ...
    >>> evaluate_formula(parse_formula("k + 1"), {})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: formula: the parameter 'k' has no value; ...
    """
    if not isinstance(expr, sympy.Basic):
        raise InvalidArgumentType(f"formula={expr!r} is a {type(expr).__name__}; expected a "
                                  "sympy expression (or use parse_formula on a string)")
    env = {str(k): as_exact(v, str(k)) for k, v in values.items()}
    try:
        return _norm(_eval(expr, env))
    except ExactMTLError:
        raise
    except Exception as exc:  # sympy failing on an exotic form: a refusal, not a crash
        raise _refuse(f"{expr} could not be evaluated exactly ({type(exc).__name__})") from None


def _eval(e: sympy.Basic, env: dict[str, Fraction]) -> Any:
    if isinstance(e, sympy.Float):
        raise InvalidArgumentType(f"formula contains the float {e}; write an exact number "
                                  "(sympy.Rational or Fraction)")
    if e.is_Rational:
        return Fraction(int(e.p), int(e.q))
    if isinstance(e, sympy.Symbol):
        if e.name not in env:
            raise _refuse(f"the parameter {e.name!r} has no value; give it in over=... "
                          f"(known here: {', '.join(sorted(env)) or 'none'})")
        return env[e.name]
    if e in (sympy.pi, sympy.E):
        return e
    args = [_eval(a, env) for a in e.args]
    fr = [_frac(a) for a in args]
    rational = all(f is not None for f in fr)
    if isinstance(e, sympy.Add):
        if rational:
            return sum(fr, Fraction(0))
        return sympy.Add(*[_as_sym(a) for a in args])
    if isinstance(e, sympy.Mul):
        if rational:
            out = Fraction(1)
            for f in fr:
                out *= f
            return out
        return sympy.Mul(*[_as_sym(a) for a in args])
    if isinstance(e, sympy.Pow):
        base, ex = args
        b, x = fr
        if x is not None and x.denominator == 1 and b is not None:
            if b == 0 and x < 0:
                raise _refuse(f"division by zero in {e}")
            if b not in (0, 1, -1) and abs(x) * _bits(b) > MAX_BITS:
                raise _refuse(f"{b}**{x} would have more than {MAX_BITS} bits; refused")
            return b ** int(x)
        if x is not None and b is not None and x.denominator != 1:
            if abs(x.numerator) * _bits(b) > MAX_BITS:
                raise _refuse(f"{b}**({x}) is too large; refused")
            if b < 0:
                raise _refuse(f"{b}**({x}) is not real")
        return sympy.Pow(_as_sym(base), _as_sym(ex))
    if isinstance(e, (sympy.ceiling, sympy.floor)):
        (a,) = args
        if isinstance(e, sympy.floor):
            return Fraction(_floor(a))
        return Fraction(-_floor(-_as_sym(a) if fr[0] is None else -fr[0]))
    if isinstance(e, sympy.Abs):
        (a,) = args
        if fr[0] is not None:
            return abs(fr[0])
        return sympy.Abs(_as_sym(a))
    if isinstance(e, (sympy.Min, sympy.Max)):
        best = args[0]
        for a in args[1:]:
            s = _sign(_as_sym(a) - _as_sym(best))
            if (s < 0) if isinstance(e, sympy.Min) else (s > 0):
                best = a
        return best
    if isinstance(e, sympy.log):
        (a,) = args
        if fr[0] is not None and fr[0] <= 0:
            raise _refuse(f"log of {fr[0]} is not defined; expected a positive argument")
        return sympy.log(_as_sym(a))
    if isinstance(e, sympy.exp):
        (a,) = args
        if fr[0] is not None and abs(fr[0]) > MAX_BITS:
            raise _refuse(f"exp({fr[0]}) is too large; refused")
        return sympy.exp(_as_sym(a))
    if isinstance(e, (sympy.binomial, sympy.factorial)):
        if not rational or any(f.denominator != 1 or f < 0 for f in fr):
            raise _refuse(f"{e.func.__name__} needs non-negative integers; got "
                          f"{', '.join(str(a) for a in args)}")
        ints = [int(f) for f in fr]
        if ints[0] > 1 << 16:
            raise _refuse(f"{e.func.__name__}({ints[0]}, ...) is too large; refused")
        if isinstance(e, sympy.factorial):
            return Fraction(math.factorial(ints[0]))
        return Fraction(math.comb(ints[0], ints[1]))
    raise _refuse(f"{type(e).__name__} is not supported in a formula (supported: numbers, "
                  f"parameters, + - * / **, {', '.join(sorted(FUNCTIONS))})")


# --------------------------------------------------------------------------- grids (CLI)

MAX_GRID_VALUES = 20000


def _exact_text(text: str, where: str) -> Fraction:
    t = text.strip()
    if not t or len(t) > 60:
        raise InvalidArgument(f"{where}: {text!r} is not an exact number; expected e.g. 3, "
                              "-1/5 or 0.25")
    try:
        return Fraction(t)
    except (ValueError, ZeroDivisionError):
        raise InvalidArgument(f"{where}: {text!r} is not an exact number; expected e.g. 3, "
                              "-1/5 or 0.25") from None


def parse_grid(items: list[str]) -> dict[str, list[Any]]:
    """Read ``--over`` items: ``k=1..6`` (integers, both ends included), ``eps=1/5,1/8``
    (a list of exact numbers) or ``N=7`` (one value). A name given twice is refused.

    >>> parse_grid(["k=1..3", "eps=1/5,0.125"])
    {'k': [1, 2, 3], 'eps': [Fraction(1, 5), Fraction(1, 8)]}
    >>> parse_grid(["k=3..1"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: --over k=3..1: the range is empty; ...
    """
    grid: dict[str, list[Any]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise InvalidArgument(f"--over {item!r}: expected NAME=VALUES, e.g. k=1..6 or "
                                  "eps=1/5,1/8")
        if name in grid:
            raise InvalidArgument(f"--over {name} is given twice")
        where = f"--over {item}"
        if ".." in values:
            lo_text, _, hi_text = values.partition("..")
            lo, hi = _exact_text(lo_text, where), _exact_text(hi_text, where)
            if lo.denominator != 1 or hi.denominator != 1:
                raise InvalidArgument(f"{where}: a range a..b needs integers; list fractions "
                                      "with commas instead")
            if hi < lo:
                raise InvalidArgument(f"{where}: the range is empty; expected a..b with a <= b")
            if hi - lo + 1 > MAX_GRID_VALUES:
                raise InvalidArgument(f"{where}: more than {MAX_GRID_VALUES} values")
            grid[name] = list(range(int(lo), int(hi) + 1))
            continue
        parts = values.split(",")
        if len(parts) > MAX_GRID_VALUES:
            raise InvalidArgument(f"{where}: more than {MAX_GRID_VALUES} values")
        vals = [_exact_text(v, where) for v in parts]
        grid[name] = [int(v) if v.denominator == 1 else v for v in vals]
    return grid
