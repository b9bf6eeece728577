"""The joint-versus-separate report shared by the main construction and the companions.

Every module that compares joint (multi-task) with separate (one model per task) training fills in
one :class:`JointSeparateReport`: what is compared (``setting``, ``unit``), the two exact values,
and the exact condition under which they are equal (§D.5: "orthogonal tasks gain nothing from
joint training, shared structure gains"). :func:`table` prints several side by side.

Values are exact: ``int``, ``Fraction`` or a sympy number (e.g. ``(5 + sqrt(13))/2``); floats are
refused. ``prefer`` says which direction is better for the quantity ("lower" for costs, "higher"
for signal strengths); ``gain`` is then what joint training gains, in ``unit``.

>>> r = JointSeparateReport("D.3", "2 tasks", "cost", joint=5, separate=7,
...                         equality_condition="disjoint kinks")
>>> r.ratio, r.gain, r.equal
(Fraction(5, 7), Fraction(2, 1), False)
>>> print(table([r]))
source  setting  unit  joint  separate  ratio  gain  equal  equality condition
------  -------  ----  -----  --------  -----  ----  -----  ------------------
D.3     2 tasks  cost  5      7         5/7    2     no     disjoint kinks
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from exactmtl._validate import as_choice, as_exact, shown
from exactmtl.errors import InvalidArgument, InvalidArgumentType

__all__ = [
    "REPORT_MODULES",
    "JointSeparateReport",
    "collect_reports",
    "exact_equal",
    "exact_sign",
    "exact_value",
    "markdown_table",
    "table",
]

_COLUMNS = ("source", "setting", "unit", "joint", "separate", "ratio", "gain", "equal",
            "equality condition")


def exact_value(value: Any, name: str) -> Any:
    """Return ``value`` as an exact number: ``Fraction`` for rationals, sympy for irrationals.

    Floats (Python, numpy, sympy ``Float``) are refused; so are sympy expressions with free
    symbols or floats inside.

    >>> exact_value(3, "joint")
    Fraction(3, 1)
    >>> import sympy
    >>> print(exact_value((5 + sympy.sqrt(13)) / 2, "joint"))
    sqrt(13)/2 + 5/2
    """
    mod = type(value).__module__ or ""
    if mod.startswith("sympy"):
        import sympy

        if isinstance(value, sympy.Basic) and not isinstance(value, sympy.Float):
            if value.free_symbols or not value.is_number:
                raise InvalidArgument(f"{name}={value} is not a number; expected an exact "
                                      "number without free symbols")
            if value.has(sympy.Float):
                raise InvalidArgumentType(f"{name}={value} contains a float; expected an exact "
                                          "expression (sympy.Rational, sympy.sqrt, ...)")
            if isinstance(value, sympy.Rational):
                return Fraction(int(value.p), int(value.q))
            if value.is_real is False:
                raise InvalidArgument(f"{name}={value} is not real; expected a real number")
            return value
    return as_exact(value, name)


def _is_rational(value: Any) -> bool:
    return isinstance(value, Fraction)


def exact_equal(a: Any, b: Any) -> bool | None:
    """Decide a == b exactly: ``==`` on rationals, else "the minimal polynomial of a - b is x".

    Returns None when ``a - b`` is not recognised as algebraic (undecided), never a guess.

    >>> import sympy
    >>> exact_equal(sympy.sqrt(2) + sympy.sqrt(3), sympy.sqrt(5 + 2 * sympy.sqrt(6)))
    True
    >>> exact_equal(Fraction(1, 3), 0)
    False
    """
    a, b = exact_value(a, "a"), exact_value(b, "b")
    if _is_rational(a) and _is_rational(b):
        return a == b
    import sympy

    x = sympy.Dummy("x")
    try:
        return sympy.minimal_polynomial(_to_sympy(a) - _to_sympy(b), x) == x
    except (NotImplementedError, sympy.polys.polyerrors.NotAlgebraic):
        return None


def exact_sign(value: Any, max_prec: int = 4096) -> int:
    """The sign (-1, 0, 1) of an exact real number, decided rigorously.

    Rationals: directly. Otherwise :func:`exactmtl.certified.compare` with 0 (python-flint ball
    enclosures, precision doubled from 64 bits, set locally and restored; if the first ball does
    not exclude 0, the value is 0 iff its minimal polynomial is x). Raises ``UndecidedError`` if
    neither decides.

    >>> import sympy
    >>> exact_sign(sympy.sqrt(2) + sympy.sqrt(3) - sympy.sqrt(10)), exact_sign(Fraction(-1, 3))
    (-1, -1)
    """
    from exactmtl.errors import UndecidedError

    v = exact_value(value, "value")
    if isinstance(v, Fraction):
        return (v > 0) - (v < 0)
    from exactmtl.certified import compare  # the float/ball zone, imported only when needed

    try:
        verdict = compare(v, 0, max_prec=max_prec).verdict
    except (ValueError, TypeError):  # an expression the enclosure code does not support
        verdict = "undecided"
    if verdict == "undecided":
        raise UndecidedError(f"value={v}: sign not decided (precision <= {max_prec} bits)")
    return {"below": -1, "equal": 0, "above": 1}[verdict]


def _fmt(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Fraction):
        return str(value)
    import sympy

    return sympy.sstr(sympy.together(value), order="rev-lex")  # (5 + sqrt(13))/2


def _to_sympy(value: Any) -> Any:
    import sympy

    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return value


@dataclass(frozen=True, slots=True)
class JointSeparateReport:
    """One joint-versus-separate comparison with exact values.

    Parameters
    ----------
    source : str
        Where the comparison comes from, e.g. ``"arXiv 2112.15577 (companions §D.3)"``.
    setting : str
        The instance compared, e.g. ``"task A + task B of companions §D.3"``.
    unit : str
        What ``joint`` and ``separate`` measure, e.g. ``"representation cost"``.
    joint, separate : int, Fraction or sympy number
        The exact values for joint and for separate training (floats are refused).
    equality_condition : str
        The exact condition under which joint == separate, in words.
    equal : bool or None
        Whether joint == separate in this instance. Decided exactly when possible (``==`` on
        rationals, the minimal polynomial of ``joint - separate`` for algebraic numbers) and then
        checked against the given value; left as given (None = unknown) otherwise.
    prefer : {"lower", "higher"}
        Which direction is better for the quantity ("lower" for costs).

    >>> r = JointSeparateReport("x", "y", "bits", joint=Fraction(3, 2), separate=3,
    ...                         equality_condition="never")
    >>> r.as_dict()["ratio"], r.equal
    ('1/2', False)
    """

    source: str
    setting: str
    unit: str
    joint: Any
    separate: Any
    equality_condition: str
    equal: bool | None = None
    prefer: str = "lower"
    notes: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        for name in ("source", "setting", "unit", "equality_condition", "notes"):
            if not isinstance(getattr(self, name), str):
                raise InvalidArgumentType(
                    f"{name}={shown(getattr(self, name))} has type "
                    f"{type(getattr(self, name)).__name__}; expected str")
        if not isinstance(self.prefer, str):
            as_choice(self.prefer, "prefer", ("lower", "higher"))
        if self.prefer not in ("lower", "higher"):
            raise InvalidArgument(f"prefer={self.prefer!r}; expected 'lower' or 'higher'")
        joint = exact_value(self.joint, "joint")
        separate = exact_value(self.separate, "separate")
        object.__setattr__(self, "joint", joint)
        object.__setattr__(self, "separate", separate)
        if self.equal is not None and not isinstance(self.equal, bool):
            raise InvalidArgumentType(f"equal={shown(self.equal)}; expected True, False or None")
        truth = exact_equal(joint, separate)
        if truth is not None:
            if self.equal is None:
                object.__setattr__(self, "equal", truth)
            elif self.equal != truth:
                raise InvalidArgument(
                    f"equal={self.equal} contradicts joint={joint}, separate={separate}")

    @property
    def ratio(self) -> Any:
        """``joint / separate``, exact (a Fraction, or a sympy number with a rational denominator).

        >>> JointSeparateReport("s", "t", "u", 5, 7, "c").ratio
        Fraction(5, 7)
        """
        if self.separate == 0:
            raise InvalidArgument("separate=0; the ratio joint/separate is undefined")
        if _is_rational(self.joint) and _is_rational(self.separate):
            return self.joint / self.separate
        import sympy

        return sympy.radsimp(_to_sympy(self.joint) / _to_sympy(self.separate))

    @property
    def gain(self) -> Any:
        """What joint training gains, in ``unit``: ``separate - joint`` when lower is better,
        ``joint - separate`` when higher is better (>= 0 when joint training helps).

        >>> JointSeparateReport("s", "t", "u", 5, 7, "c").gain
        Fraction(2, 1)
        """
        diff = self.separate - self.joint if self.prefer == "lower" else self.joint - self.separate
        if isinstance(diff, Fraction):
            return diff
        import sympy

        return sympy.expand(diff)

    def approx(self, value: Any, digits: int = 6) -> str:
        """A decimal display of an exact value (display only, never used in a comparison)."""
        import sympy

        if isinstance(value, Fraction) and value.denominator == 1:
            return str(value.numerator)
        return str(sympy.N(_to_sympy(value), digits))

    def row(self) -> tuple[str, ...]:
        """The report as a tuple of strings, in the order of :func:`table`'s columns."""
        return (self.source, self.setting, self.unit, _fmt(self.joint), _fmt(self.separate),
                _fmt(self.ratio), _fmt(self.gain), _fmt(self.equal), self.equality_condition)

    def as_dict(self) -> dict[str, str]:
        """A JSON-friendly dict (exact values as strings, plus decimal displays).

        >>> JointSeparateReport("s", "t", "u", 5, 7, "c").as_dict()["gain"]
        '2'
        """
        return {
            "source": self.source,
            "setting": self.setting,
            "unit": self.unit,
            "prefer": self.prefer,
            "joint": _fmt(self.joint),
            "separate": _fmt(self.separate),
            "ratio": _fmt(self.ratio),
            "gain": _fmt(self.gain),
            "equal": _fmt(self.equal),
            "equality_condition": self.equality_condition,
            "joint_approx": self.approx(self.joint),
            "separate_approx": self.approx(self.separate),
            "ratio_approx": self.approx(self.ratio),
            "notes": self.notes,
        }

    def to_markdown(self) -> str:
        """A one-row markdown table (header included)."""
        return markdown_table([self])

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def _rows(reports: Iterable[JointSeparateReport]) -> list[tuple[str, ...]]:
    rows = []
    for i, rep in enumerate(reports):
        if not isinstance(rep, JointSeparateReport):
            raise InvalidArgumentType(f"reports[{i}] has type {type(rep).__name__}; "
                                      "expected JointSeparateReport")
        rows.append(rep.row())
    return rows


def table(reports: Iterable[JointSeparateReport]) -> str:
    """Plain-text table of several reports side by side (one row each, aligned columns)."""
    rows = _rows(reports)
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(_COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(_COLUMNS, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def markdown_table(reports: Iterable[JointSeparateReport]) -> str:
    """Markdown table of several reports side by side.

    >>> print(markdown_table([JointSeparateReport("s", "t", "u", 1, 1, "always")]))
    | source | setting | unit | joint | separate | ratio | gain | equal | equality condition |
    |---|---|---|---|---|---|---|---|---|
    | s | t | u | 1 | 1 | 1 | 0 | yes | always |
    """
    rows = _rows(reports)
    esc = [tuple(v.replace("|", r"\|") for v in r) for r in rows]
    lines = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
    lines += ["| " + " | ".join(r) + " |" for r in esc]
    return "\n".join(lines)


REPORT_MODULES = (
    "exactmtl.construction",
    "exactmtl.companions.pacbayes",
    "exactmtl.companions.representation",
    "exactmtl.companions.vector_tv",
    "exactmtl.companions.statphys",
)


def collect_reports(modules: Iterable[str] = REPORT_MODULES
                    ) -> tuple[list[JointSeparateReport], dict[str, str]]:
    """Import each module and call its ``joint_vs_separate()`` (or ``joint_vs_separate_report()``);
    return the reports and, per module left out, the reason (not installed, no report, error).

    >>> reports, skipped = collect_reports(["exactmtl.companions.vector_tv", "no.such.module"])
    >>> [str(r.joint) for r in reports], skipped
    (['5', '1488/11'], {'no.such.module': 'not available (ModuleNotFoundError)'})
    """
    import importlib

    reports: list[JointSeparateReport] = []
    skipped: dict[str, str] = {}
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            skipped[name] = f"not available ({type(exc).__name__})"
            continue
        func = getattr(module, "joint_vs_separate", None) or getattr(
            module, "joint_vs_separate_report", None)
        if func is None:
            skipped[name] = "no joint_vs_separate()"
            continue
        try:
            out = func()
        except Exception as exc:  # a report that fails is listed, never hidden
            skipped[name] = f"joint_vs_separate() raised {type(exc).__name__}: {exc}"
            continue
        items = [out] if isinstance(out, JointSeparateReport) else list(out)
        bad = [type(r).__name__ for r in items if not isinstance(r, JointSeparateReport)]
        if bad:
            skipped[name] = f"joint_vs_separate() returned {bad[0]}, not JointSeparateReport"
            continue
        reports.extend(items)
    return reports, skipped


def main(argv: list[str] | None = None) -> int:
    """``python -m exactmtl.companions [--markdown]``: print every report side by side.

    Arguments are parsed with argparse (``--help``; an unknown flag is a one-line error, exit 2).
    """
    from exactmtl._cliargs import OneLineParser

    parser = OneLineParser(prog="python -m exactmtl.companions",
                           description="Every companion's joint-vs-separate report, side by "
                                       "side (companions §D.5).")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    reports, skipped = collect_reports()
    print(markdown_table(reports) if args.markdown else table(reports))
    for name, why in skipped.items():
        print(f"(left out {name}: {why})")
    return 0
