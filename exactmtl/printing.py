"""Bounded display of exact functions through sympy's printers and in Jupyter.

``sympy.latex``, ``sympy.pretty``, ``sympy.sstr``, ``sympy.mathml``, ``init_printing`` and
Jupyter's ``_repr_latex_`` call the hooks of :class:`SympyDisplay`, the mixin of
:class:`~exactmtl.piecewise.Piecewise` and :class:`~exactmtl.bases.ScaledPiecewise`. A
function with more than ``max_pieces`` pieces prints as a summary: its piece count, domain,
the first :data:`HEAD` and the last :data:`TAIL` pieces. ``max_pieces=None`` gives the full
form (``f.to_latex()``, ``f.to_str()``). Isolated point values are shown as ``x = t`` rows, so
what is printed is the function exactly (when not summarised).

>>> from exactmtl import triangle
>>> print(str_form(triangle(1)))
Piecewise((2*x, 0 <= x < 1/2), (2 - 2*x, 1/2 <= x <= 1))
>>> print(str_form(triangle(12)))  # doctest: +NORMALIZE_WHITESPACE
Piecewise(<4096 pieces on [0, 1]>: (4096*x, 0 <= x < 1/4096), (2 - 4096*x, 1/4096 <= x < 1/2048),
(4096*x - 2, 1/2048 <= x < 3/4096), (4 - 4096*x, 3/4096 <= x < 1/1024), ...,
(4096*x - 4094, 2047/2048 <= x < 4095/4096), (4096 - 4096*x, 4095/4096 <= x <= 1))
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

__all__ = [
    "DEFAULT_MAX_PIECES",
    "HEAD",
    "TAIL",
    "SympyDisplay",
    "display_expression",
    "latex_form",
    "pretty_form",
    "str_form",
]

DEFAULT_MAX_PIECES = 8
"""Functions with more pieces print as a summary."""
HEAD = 4
"""Pieces shown at the start of a summary."""
TAIL = 2
"""Pieces shown at the end of a summary."""

_X = None


def _x() -> Any:
    global _X
    if _X is None:
        import sympy

        _X = sympy.Symbol("x")
    return _X


def _peval(p: tuple, t: Fraction) -> Fraction:
    acc = Fraction(0)
    for c in reversed(p):
        acc = acc * t + c
    return acc


def _rat(c: Fraction) -> Any:
    import sympy

    return sympy.Rational(c.numerator, c.denominator)


def _poly(p: tuple) -> Any:
    import sympy

    x = _x()
    return sympy.Add(*(_rat(Fraction(c)) * x**k for k, c in enumerate(p) if c))


class _Row:
    """One displayed row: a value on an interval, or an isolated value at a point."""

    __slots__ = ("hi", "hi_closed", "lo", "lo_closed", "value")

    def __init__(self, value: Any, lo: Fraction, hi: Fraction | None,
                 lo_closed: bool = True, hi_closed: bool = False) -> None:
        self.value, self.lo, self.hi = value, lo, hi
        self.lo_closed, self.hi_closed = lo_closed, hi_closed

    def condition(self, unicode: bool = True) -> Any:
        import sympy

        if self.hi is None:
            return sympy.Eq(_x(), _rat(self.lo), evaluate=False)
        if not unicode:  # ASCII has no interval brackets: two inequalities
            x, lo, hi = _x(), _rat(self.lo), _rat(self.hi)
            left = sympy.Ge(x, lo) if self.lo_closed else sympy.Gt(x, lo)
            right = sympy.Le(x, hi) if self.hi_closed else sympy.Lt(x, hi)
            return sympy.And(left, right, evaluate=False)
        interval = sympy.Interval(_rat(self.lo), _rat(self.hi), not self.lo_closed,
                                  not self.hi_closed)
        return sympy.Contains(_x(), interval, evaluate=False)

    def text(self, printer: Any = None) -> str:
        import sympy

        show = printer._print if printer is not None else sympy.sstr
        if self.hi is None:
            return f"({show(self.value)}, x == {self.lo})"
        left = "<=" if self.lo_closed else "<"
        right = "<=" if self.hi_closed else "<"
        return f"({show(self.value)}, {self.lo} {left} x {right} {self.hi})"


def _rows(f: Any, indices: range) -> Iterator[_Row]:
    ks, ps, vs = f.knots, f.polys, f.values
    last = len(ps) - 1
    for i in indices:
        p, t, u = ps[i], ks[i], ks[i + 1]
        value = _poly(p)
        right = _peval(p, t)
        isolated = vs[i] != right
        if isolated:
            yield _Row(_rat(vs[i]), t, None)
        end_closed = False
        end_isolated = False
        if i == last and f.closed:
            end_closed = vs[-1] == _peval(p, u)
            end_isolated = not end_closed
        yield _Row(value, t, u, lo_closed=not isolated, hi_closed=end_closed)
        if end_isolated:
            yield _Row(_rat(vs[-1]), u, None)


def _shown(f: Any, max_pieces: int | None) -> tuple[list[_Row], list[_Row] | None]:
    """(head rows, tail rows); tail is None when the whole function is shown."""
    n = f.pieces
    if max_pieces is None or n <= max_pieces:
        return list(_rows(f, range(n))), None
    head = min(HEAD, max_pieces)
    tail = min(TAIL, max_pieces - head)
    return list(_rows(f, range(head))), list(_rows(f, range(n - tail, n)))


def _check_max(max_pieces: Any) -> int | None:
    if max_pieces is None:
        return None
    from exactmtl._validate import as_exact_int

    return as_exact_int(max_pieces, "max_pieces", minimum=1)


def _domain_text(f: Any) -> str:
    a, b = f.domain
    return f"[{a}, {b}{']' if f.closed else ')'}"


def _base(f: Any) -> tuple[Any, Any]:
    """(factor or None, Piecewise) for a Piecewise or a ScaledPiecewise."""
    factor = getattr(f, "factor", None)
    if factor is None:
        return None, f
    return (None if factor == 1 else factor), f.base


def str_form(f: Any, max_pieces: int | None = DEFAULT_MAX_PIECES, printer: Any = None) -> str:
    """One-line text of ``f``; a summary when it has more than ``max_pieces`` pieces.

    >>> from exactmtl.piecewise import Piecewise
    >>> print(str_form(Piecewise([0, Fraction(1, 2), 1], [(1,), (2,)], values=[1, 7])))
    Piecewise((1, 0 <= x < 1/2), (7, x == 1/2), (2, 1/2 < x < 1))
    """
    import sympy

    factor, g = _base(f)
    head, tail = _shown(g, _check_max(max_pieces))
    rows = [r.text(printer) for r in head]
    label = ""
    if tail is not None:
        label = f"<{g.pieces} pieces on {_domain_text(g)}>: "
        rows += ["...", *(r.text(printer) for r in tail)]
    body = f"Piecewise({label}{', '.join(rows)})"
    if factor is None:
        return body
    show = printer._print if printer is not None else sympy.sstr
    return f"{show(factor)}*{body}"


def latex_form(f: Any, max_pieces: int | None = DEFAULT_MAX_PIECES, printer: Any = None) -> str:
    r"""LaTeX of ``f`` as a ``cases`` block; a summary when it has more than ``max_pieces`` pieces.

    >>> from exactmtl import sawtooth
    >>> print(latex_form(sawtooth(1)).replace(r" \\", "\n"))
    \begin{cases} 2 x & \text{for}\: x \in \left[0, \frac{1}{2}\right)
    2 x - 1 & \text{for}\: x \in \left[\frac{1}{2}, 1\right) \end{cases}
    """
    import sympy

    show = printer._print if printer is not None else sympy.latex
    factor, g = _base(f)
    head, tail = _shown(g, _check_max(max_pieces))

    def line(r: _Row) -> str:
        return rf"{show(r.value)} & \text{{for}}\: {show(r.condition())}"

    lines = [line(r) for r in head]
    note = ""
    if tail is not None:
        lines.append(r"\vdots & \vdots")
        lines += [line(r) for r in tail]
        a, b = g.domain
        end = "]" if g.closed else ")"
        note = (rf"\quad \left(\text{{{g.pieces} pieces on }} \left[{show(_rat(a))}, "
                rf"{show(_rat(b))}\right{end}\right)")
    body = r"\begin{cases} " + r" \\".join(lines) + r" \end{cases}" + note
    if factor is None:
        return body
    return rf"{show(factor)} \cdot {body}"


def display_expression(f: Any, max_pieces: int | None = None, *, unicode: bool = True) -> Any:
    """The unevaluated sympy ``Piecewise`` that the printers show (rows in order of ``x``).

    With ``max_pieces=None`` it is the whole function, exactly: interval rows
    ``Contains(x, Interval(...))`` (``And`` of inequalities when ``unicode=False``) and
    isolated values ``Eq(x, t)``; a summary has a ``(..., ...)`` row in the middle.

    >>> from exactmtl.piecewise import Piecewise
    >>> e = display_expression(Piecewise([0, Fraction(1, 2), 1], [(1,), (2,)], values=[1, 7]))
    >>> e.args[:2]
    ((1, Contains(x, Interval.Ropen(0, 1/2))), (7, Eq(x, 1/2)))
    """
    import sympy

    factor, g = _base(f)
    head, tail = _shown(g, _check_max(max_pieces))
    pairs = [(r.value, r.condition(unicode)) for r in head]
    if tail is not None:
        dots = sympy.Symbol("...")
        pairs.append((dots, dots))
        pairs += [(r.value, r.condition(unicode)) for r in tail]
    body = sympy.Piecewise(*pairs, evaluate=False)
    return body if factor is None else sympy.Mul(factor, body, evaluate=False)


def pretty_form(f: Any, printer: Any, max_pieces: int | None = DEFAULT_MAX_PIECES) -> Any:
    """The 2-D ``prettyForm`` of ``f`` for sympy's pretty printer (summarised when long).

    >>> import sympy
    >>> from exactmtl import walsh
    >>> print(sympy.pretty(walsh(1), use_unicode=True))
    ⎧1   for x ∈ [0, 1/2)
    ⎨
    ⎩-1  for x ∈ [1/2, 1)
    """
    from sympy.printing.pretty.stringpict import prettyForm

    factor, g = _base(f)
    uni = bool(getattr(printer, "_use_unicode", True))
    form = printer._print(display_expression(g, max_pieces, unicode=uni))
    if max_pieces is not None and g.pieces > max_pieces:
        form = prettyForm(*form.right(f"  ({g.pieces} pieces on {_domain_text(g)})"))
    if factor is None:
        return form
    left = printer._print(factor)
    return prettyForm(*left.right(" * ", form))


class SympyDisplay:
    """Mixin of exact function types: sympy printer hooks, Jupyter LaTeX, full forms, ``plot``.

    sympy's printers call ``_latex``, ``_pretty``, ``_sympystr`` and ``_mathml_*`` before their
    dispatch on the class name (which would treat our ``Piecewise`` as sympy's); Jupyter calls
    ``_repr_latex_``. All of them are bounded by :data:`DEFAULT_MAX_PIECES`; ``to_latex`` and
    ``to_str`` give the full form. The mixin uses only the public surface of the function
    (``knots``, ``polys``, ``values``, ``closed``, ``pieces``; ``factor`` and ``base`` when
    scaled).

    >>> from exactmtl import triangle
    >>> f = triangle(6)
    >>> "64 pieces" in f._repr_latex_(), f.to_latex().count("for"), f.to_str(2).count("x <")
    (True, 64, 2)
    """

    __slots__ = ()

    def _repr_latex_(self) -> str:
        return "$\\displaystyle " + latex_form(self) + "$"

    def _latex(self, printer: Any) -> str:
        return latex_form(self, printer=printer)

    def _pretty(self, printer: Any) -> Any:
        return pretty_form(self, printer)

    def _sympystr(self, printer: Any) -> str:
        return str_form(self, printer=printer)

    def _mathml_content(self, printer: Any) -> Any:
        import sympy

        # MathML wants a default row: outside the domain the function is undefined (nan)
        factor, g = _base(self)
        rows = display_expression(g, DEFAULT_MAX_PIECES).args
        body = sympy.Piecewise(*rows, (sympy.nan, True), evaluate=False)
        if factor is not None:
            body = sympy.Mul(factor, body, evaluate=False)
        return printer._print(body)

    _mathml_presentation = _mathml_content

    def to_latex(self, max_pieces: int | None = None) -> str:
        """LaTeX of the whole function (``max_pieces=n``: a summary beyond ``n`` pieces).

        >>> from exactmtl import walsh
        >>> "2 pieces" in walsh(1).to_latex(max_pieces=1), "pieces" in walsh(1).to_latex()
        (True, False)
        """
        return latex_form(self, max_pieces)

    def to_str(self, max_pieces: int | None = None) -> str:
        """Text of the whole function (``max_pieces=n``: a summary beyond ``n`` pieces).

        >>> from exactmtl import walsh
        >>> walsh(1).to_str()
        'Piecewise((1, 0 <= x < 1/2), (-1, 1/2 <= x < 1))'
        """
        return str_form(self, max_pieces)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the function exactly (needs the ``plot`` extra); return the matplotlib axes.

        Jumps are gaps, values taken are filled dots, limits not taken are hollow circles; see
        :func:`exactmtl.plotting.plot_function` for the keyword arguments.
        """
        from exactmtl.plotting import plot_function

        return plot_function(self, ax=ax, **kwargs)

