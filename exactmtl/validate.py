"""One call to check a user's formula against an exact quantity the toolkit computes.

``validate(formula, against, relation="==", over={...})`` evaluates ``formula RELATION
against`` at every point of the grid ``over`` (exactly; irrational values are compared by
:func:`exactmtl.certify` or by an exact minimal-polynomial test) and returns a
:class:`ValidationReport`: truthy only when the relation holds at every grid point, otherwise
carrying the first counterexample with both exact values. The report serialises to JSON and
can be written out as a claim file for ``exactmtl check``.

``formula`` is a sympy expression in named parameters, a text in the grammar of
:mod:`exactmtl.formula` (parsed without ``eval``), or a Python callable taking the parameters
as keyword arguments. ``against`` is the name of a registered quantity (:data:`QUANTITIES`,
listed by :func:`quantities` and in the documentation page *Validating formulas*) or a
callable returning exact values.

``exactmtl.validate`` at top level is the function; import the module's other names with
``from exactmtl.validate import QUANTITIES, quantities``.

>>> from fractions import Fraction
>>> import sympy
>>> k, eps = sympy.symbols("k eps")
>>> grid = {"k": range(1, 4), "eps": [Fraction(1, 5), Fraction(1, 8)]}
>>> r = validate(2**k * (sympy.ceiling(1 / (2 * eps)) - 1) + 1, "staircase_pieces", over=grid)
>>> bool(r), r.points_checked
(True, 6)
>>> bad = validate("2**k*ceiling(1/(2*eps)) - 2**k", "staircase_pieces", over=grid)
>>> bool(bad), bad.counterexample["point"], bad.counterexample["formula"], bad.counterexample[
...     "against"]
(False, {'k': '1', 'eps': '1/5'}, '4', '5')
"""

from __future__ import annotations

import inspect
import itertools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy

from exactmtl._validate import as_exact, as_exact_int
from exactmtl.errors import InvalidArgument, InvalidArgumentType, UndecidedError
from exactmtl.formula import evaluate_formula, parse_formula

__all__ = [
    "QUANTITIES",
    "RELATIONS",
    "Quantity",
    "ValidationReport",
    "quantities",
    "validate",
]

RELATIONS = ("==", "!=", "<", "<=", ">", ">=")
MAX_POINTS = 20000


# --------------------------------------------------------------------------- the registry

@dataclass(frozen=True)
class Quantity:
    """A named exact quantity: its parameters, how it is computed and where it is documented.

    >>> QUANTITIES["maurer_xi"].compute(N=4)
    Fraction(103, 32)
    """

    name: str
    params: tuple[str, ...]
    compute: Callable[..., Any] = field(repr=False)
    description: str
    route: str
    docs: str


def _int(value: Any, name: str, lo: int = 0, hi: int | None = None) -> int:
    return as_exact_int(value, name, minimum=lo, maximum=hi)


def _ks(T: Any, m: int) -> list[int]:
    T = _int(T, "T", 1, 1 << m)
    return list(range(T))


def _staircase_pieces(k: Any, eps: Any) -> int:
    from exactmtl.bases import triangle
    from exactmtl.networks import optimal_staircase_pieces

    k = _int(k, "k", 0, 16)
    e = as_exact(eps, "eps")
    if e <= 0:
        raise InvalidArgument(f"eps={e} must be > 0 (the staircase count is infinite at 0)")
    if (1 << k) * (1 / (2 * e) + 1) > 1 << 20:
        raise InvalidArgument(f"k={k}, eps={e}: about 2^k/(2 eps) > 2^20 pieces; refused")
    return optimal_staircase_pieces(triangle(k), e)


def _feature_bits(n: Any, eps: Any) -> int:
    from exactmtl.coding import code_length, feature_class

    return code_length(feature_class(_int(n, "n", 1, 3)), as_exact(eps, "eps"))


def _bits(kind: str) -> Callable[..., int]:
    def compute(n: Any, m: Any, T: Any, eps: Any) -> int:
        from exactmtl.coding import joint_bits, separate_bits

        n, m = _int(n, "n", 1), _int(m, "m", 0)
        func = separate_bits if kind == "separate" else joint_bits
        return func(n, m, _ks(T, min(m, n)), as_exact(eps, "eps"))
    return compute


def _task_bits(n: Any, m: Any, k: Any, eps: Any) -> int:
    from exactmtl.coding import separate_bits

    return separate_bits(_int(n, "n", 1), _int(m, "m", 0), [_int(k, "k", 0)],
                         as_exact(eps, "eps"))


def _class_size(n: Any, m: Any, T: Any) -> int:
    from exactmtl.coding import output_table

    n, m = _int(n, "n", 1, 4), _int(m, "m", 0)
    return output_table(n, m, _ks(T, min(m, n))).joint().size


def _task_class_size(n: Any, m: Any, k: Any) -> int:
    from exactmtl.coding import output_table

    return output_table(_int(n, "n", 1, 4), _int(m, "m", 0), [_int(k, "k", 0)]).joint().size


def _theorem_a(attr: str) -> Callable[..., Any]:
    def compute(n: Any, m: Any, T: Any) -> Any:
        from exactmtl.closed_forms import theorem_a

        n, m = _int(n, "n", 1), _int(m, "m", 0)
        a = theorem_a(n, m, _ks(T, min(m, n)))
        if attr == "joint_count":
            if a.joint_count_log2 > 1 << 20:
                raise InvalidArgument(f"n={n}: the joint count has more than 2^20 bits")
            return 1 << a.joint_count_log2
        return getattr(a, attr)
    return compute


def _theorem_h(n: Any, eps: Any) -> Any:
    from exactmtl.closed_forms import theorem_h_length

    return theorem_h_length(as_exact(eps, "eps"), _int(n, "n", 1))


def _theorem_b(side: str) -> Callable[..., int]:
    def compute(n: Any, m: Any, T: Any, eps: Any) -> int:
        from exactmtl.closed_forms import theorem_b

        n, m = _int(n, "n", 1), _int(m, "m", 0)
        return theorem_b(n, m, _ks(T, min(m, n)), as_exact(eps, "eps")).joint[
            0 if side == "lower" else 1]
    return compute


def _maurer_xi(N: Any) -> Fraction:
    from exactmtl.companions.pacbayes import maurer_xi

    return maurer_xi(_int(N, "N", 1, 5000))


def _kl(q: Any, p: Any) -> Any:
    from exactmtl.companions.pacbayes import kl_expression

    return kl_expression(q, p)


def _kl_inverse(q: Any, c: Any) -> Any:
    from exactmtl.companions.pacbayes import kl_inverse

    return kl_inverse(q, c)


def _kraft(code: str) -> Callable[..., Fraction]:
    def compute(N: Any) -> Fraction:
        from exactmtl.companions.pacbayes import elias_kraft_sum

        return elias_kraft_sum(_int(N, "N", 1), code)
    return compute


def _amortised_dimension(l: Any, k: Any, n: Any) -> Fraction:
    from exactmtl.companions.intrinsic_dim import amortised_dimension

    return amortised_dimension(l, k, n)


def _jacobian_rank(l: Any, n: Any, k: Any) -> int:
    from exactmtl.companions.intrinsic_dim import jacobian_rank

    return jacobian_rank(_int(l, "l", 1, 12), _int(n, "n", 1, 12), _int(k, "k", 1, 12))


def _eigenvalue(s_a: Any, s_b: Any, q: Any) -> Any:
    from exactmtl.companions.statphys import two_task_top_eigenvalue

    return two_task_top_eigenvalue(s_a, s_b, q)


_MC = "main construction"
_LOW = "; K = {0, ..., T-1} (T <= 2^m)"

#: Every named quantity, by name.
QUANTITIES: dict[str, Quantity] = {q.name: q for q in [
    Quantity("staircase_pieces", ("k", "eps"), _staircase_pieces,
             "least number of pieces of a step function within sup distance eps of T^k",
             "greedy optimal segmentation (exact rationals)", f"{_MC} §4.3"),
    Quantity("feature_bits", ("n", "eps"), _feature_bits,
             "code length L(eps, H_n) of the feature class (n <= 3)",
             "enumeration, certified by packing = cover", f"{_MC} §3.4"),
    Quantity("task_bits", ("n", "m", "k", "eps"), _task_bits,
             "code length of one task class {g_{m,k} o h_sigma}",
             "enumeration for n <= 4, closed forms beyond (undecided where only bounded)",
             f"{_MC} §3.5"),
    Quantity("separate_bits", ("n", "m", "T", "eps"), _bits("separate"),
             "L_sep(eps) of the reference construction" + _LOW,
             "enumeration for n <= 4, closed forms beyond", f"{_MC} §3.2, §3.5"),
    Quantity("joint_bits", ("n", "m", "T", "eps"), _bits("joint"),
             "L_joint(eps) of the reference construction" + _LOW,
             "enumeration for n <= 4, closed forms beyond", f"{_MC} §3.2, §3.5"),
    Quantity("joint_class_size", ("n", "m", "T"), _class_size,
             "number of distinct joint outputs F_sigma (n <= 4)" + _LOW,
             "enumeration of every sigma", f"{_MC} §3.5"),
    Quantity("task_class_size", ("n", "m", "k"), _task_class_size,
             "number of distinct task outputs g_{m,k} o h_sigma (n <= 4)",
             "enumeration of every sigma", f"{_MC} §3.5"),
    Quantity("theorem_h_length", ("n", "eps"), _theorem_h,
             "Theorem H closed form 2^j(eps) - 1 for L(eps, H_n)", "closed form",
             f"{_MC} §3.4"),
    Quantity("theorem_a_sep", ("n", "m", "T"), _theorem_a("L_sep"),
             "Theorem A: L_sep below delta_min/2" + _LOW, "closed form", f"{_MC} §3.5"),
    Quantity("theorem_a_joint", ("n", "m", "T"), _theorem_a("L_joint"),
             "Theorem A: L_joint below delta_min/2" + _LOW, "closed form", f"{_MC} §3.5"),
    Quantity("theorem_a_gap", ("n", "m", "T"), _theorem_a("gap"),
             "Theorem A: L_sep - L_joint below delta_min/2" + _LOW, "closed form",
             f"{_MC} §3.5"),
    Quantity("theorem_a_joint_count", ("n", "m", "T"), _theorem_a("joint_count"),
             "Theorem A: |C^joint| = 2^(2^n - 2^m + rho(K))" + _LOW, "closed form",
             f"{_MC} §3.5"),
    Quantity("theorem_a_delta_min", ("n", "m", "T"), _theorem_a("delta_min"),
             "Theorem A: minimum distance of the joint class" + _LOW, "closed form",
             f"{_MC} §3.5"),
    Quantity("theorem_b_joint_lower", ("n", "m", "T", "eps"), _theorem_b("lower"),
             "Theorem B: lower bound 2^m (2^j - 1) for L_joint(eps)" + _LOW, "closed form",
             f"{_MC} §3.5"),
    Quantity("theorem_b_joint_upper", ("n", "m", "T", "eps"), _theorem_b("upper"),
             "Theorem B: upper bound 2^m (2^j - 1) + rho(K) for L_joint(eps)" + _LOW,
             "closed form", f"{_MC} §3.5"),
    Quantity("maurer_xi", ("N",), _maurer_xi,
             "Maurer's constant xi(N) = sum_k C(N,k) k^k (N-k)^(N-k) / N^N (N <= 5000)",
             "exact rational", "companions §D.1"),
    Quantity("kl", ("q", "p"), _kl, "binary KL divergence kl(q||p)",
             "exact sympy expression (logarithms)", "companions §D.1"),
    Quantity("kl_inverse", ("q", "c"), _kl_inverse,
             "kl^-1(q, c) = sup{p >= q : kl(q||p) <= c}",
             "certified enclosure [lo, hi] (width <= 2^-40)", "companions §D.1"),
    Quantity("elias_gamma_kraft", ("N",), _kraft("elias-gamma"),
             "Kraft sum of the Elias gamma code over 1..N", "exact rational",
             "companions §D.1"),
    Quantity("elias_delta_kraft", ("N",), _kraft("elias-delta"),
             "Kraft sum of the Elias delta code over 1..N", "exact rational",
             "companions §D.1"),
    Quantity("amortised_dimension", ("l", "k", "n"), _amortised_dimension,
             "amortised intrinsic dimension l k / n + k", "exact rational",
             "companions §D.1"),
    Quantity("jacobian_rank", ("l", "n", "k"), _jacobian_rank,
             "exact rank of the Jacobian of (Q, alpha) -> (P Q alpha_i)_i at a seeded point "
             "(l, n, k <= 12)", "exact integer rank", "companions §D.1"),
    Quantity("two_task_top_eigenvalue", ("s_a", "s_b", "q"), _eigenvalue,
             "top eigenvalue of the two-task teacher covariance", "exact sympy (square root)",
             "companions §D.4"),
]}


def quantities() -> list[Quantity]:
    """The registered quantities, sorted by name.

    >>> [q.name for q in quantities()][:3]
    ['amortised_dimension', 'elias_delta_kraft', 'elias_gamma_kraft']
    """
    return [QUANTITIES[k] for k in sorted(QUANTITIES)]


# --------------------------------------------------------------------------- values

def _text(value: Any) -> str:
    from exactmtl.certified import Enclosure

    if isinstance(value, Enclosure):
        return f"[{value.lo}, {value.hi}]"
    return str(value)


def _exact(value: Any, side: str) -> Any:
    """int/Fraction, an exact sympy number, or an Enclosure; floats refused."""
    from exactmtl.certified import Enclosure
    from exactmtl.jointsep import exact_value

    if isinstance(value, Enclosure):
        return value
    if isinstance(value, bool):
        raise InvalidArgumentType(f"{side} returned a bool ({value}); expected a number")
    v = exact_value(value, side)
    if isinstance(v, Fraction):
        return v.numerator if v.denominator == 1 else v
    return v


def _enclosure(value: Any) -> Any:
    from exactmtl.certified import Enclosure, enclose

    if isinstance(value, Enclosure):
        return value
    if isinstance(value, (int, Fraction)):
        return Enclosure.point(value)
    return enclose(value, 256)


def _holds(a: Any, relation: str, b: Any) -> tuple[bool | None, str]:
    """Decide ``a relation b``: (True/False/None for undecided, the method)."""
    from exactmtl.certified import Enclosure, certify
    from exactmtl.jointsep import exact_equal

    rational = (int, Fraction)
    if isinstance(a, rational) and isinstance(b, rational):
        return _ops(relation)(a, b), "exact"
    if isinstance(a, Enclosure) or isinstance(b, Enclosure):
        ea, eb = _enclosure(a), _enclosure(b)
        below, above = ea.hi < eb.lo, ea.lo > eb.hi
        le, ge = ea.hi <= eb.lo, ea.lo >= eb.hi
        same_point = ea.lo == ea.hi == eb.lo == eb.hi
        verdict = {
            "<": True if below else False if ge else None,
            "<=": True if le else False if above else None,
            ">": True if above else False if le else None,
            ">=": True if ge else False if below else None,
            "==": True if same_point else False if (below or above) else None,
            "!=": False if same_point else True if (below or above) else None,
        }[relation]
        return verdict, "certified enclosure"
    if relation in ("==", "!="):
        eq = exact_equal(a, b)
        if eq is None:
            return None, "minimal polynomial"
        return (eq if relation == "==" else not eq), "minimal polynomial"
    cert = certify(a, relation, b)
    return {"proved": True, "disproved": False}.get(cert.status), "certified (arb)"


def _ops(relation: str) -> Callable[[Any, Any], bool]:
    import operator

    return {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
            ">": operator.gt, ">=": operator.ge}[relation]


# --------------------------------------------------------------------------- report

@dataclass
class ValidationReport:
    """The outcome of :func:`validate`; truthy only when ``status == "holds"``.

    ``status`` is ``"holds"`` (every grid point), ``"fails"`` (``counterexample`` holds the
    first failing point with both exact values) or ``"undecided"`` (a point where neither the
    relation nor its negation could be certified; ``counterexample`` holds that point).
    """

    formula: str
    against: str
    relation: str
    over: Any
    status: str
    points_checked: int
    points_total: int
    counterexample: dict[str, Any] | None
    methods: dict[str, int]
    formula_spec: Any = field(default=None, repr=False, compare=False)
    against_spec: Any = field(default=None, repr=False, compare=False)

    def __bool__(self) -> bool:
        return self.status == "holds"

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict (all numbers as exact text).

        >>> validate("k + 1", lambda k: k + 1, over={"k": [1, 2]}).as_dict()["status"]
        'holds'
        """
        return {
            "formula": self.formula,
            "against": self.against,
            "relation": self.relation,
            "over": self.over,
            "status": self.status,
            "points_checked": self.points_checked,
            "points_total": self.points_total,
            "counterexample": self.counterexample,
            "methods": self.methods,
        }

    def to_json(self, **kwargs: Any) -> str:
        """The report as JSON text.

        >>> import json
        >>> json.loads(validate("N", "maurer_xi", ">=", over={"N": [1]}).to_json())["status"]
        'fails'
        """
        return json.dumps(self.as_dict(), **kwargs)

    def write_json(self, path: Any) -> None:
        """Write :meth:`to_json` to ``path`` atomically (a temporary file, then a rename).

        >>> import json, tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "v.json"
        >>> validate("k", lambda k: k, over={"k": [1]}).write_json(target)
        >>> json.loads(target.read_text())["points_checked"]
        1
        """
        import os
        import tempfile
        from pathlib import Path

        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.to_json(indent=2) + "\n")
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def __str__(self) -> str:
        head = (f"{self.formula} {self.relation} {self.against}: {self.status} "
                f"({self.points_checked}/{self.points_total} grid points")
        how = ", ".join(f"{k} {v}" for k, v in sorted(self.methods.items()))
        head += f"; {how})" if how else ")"
        if self.counterexample is None:
            return head
        c = self.counterexample
        at = ", ".join(f"{k}={v}" for k, v in c["point"].items())
        return (f"{head}\n  first {'counterexample' if self.status == 'fails' else 'undecided'}"
                f" at {at}: formula = {c['formula']}, {self.against} = {c['against']}")

    def to_claim(self, claim_id: str, title: str | None = None) -> str:
        """The text of a claim file (``proofs/`` format) that re-runs this validation.

        Only text/sympy formulas and named quantities can be written out (a callable has no
        text form). The falsifier shifts the exact quantity so that the relation fails at
        every grid point, and must be rejected.

        >>> text = validate("N", "maurer_xi", "<=", over={"N": [2]}).to_claim("U1")
        >>> "CLAIM = Claim('U1'" in text and "def falsify_shifted" in text
        True
        """
        from exactmtl.proofcheck import Claim

        Claim(claim_id, "check")  # validates the id
        if self.formula_spec is None or self.against_spec is None:
            raise InvalidArgument("to_claim needs a text or sympy formula and a named quantity; "
                                  "a callable cannot be written into a claim file")
        title = title or f"{self.formula} {self.relation} {self.against}"
        if isinstance(self.over, dict):
            grid = "{" + ", ".join(f"{k!r}: {v!r}" for k, v in self.over.items()) + "}"
            ranges = "; ".join(k + " in {" + ", ".join(v) + "}" for k, v in self.over.items())
        else:
            import pprint

            grid = pprint.pformat(self.over, width=92, compact=True)
            ranges = f"{len(self.over)} points: " + "; ".join(
                ", ".join(f"{k}={v}" for k, v in p.items()) for p in self.over)
        doc = "\n".join([
            f"{claim_id} -- {title}.",
            "",
            f"Statement   {self.formula} {self.relation} {self.against} at every grid point.",
            f"Check       exactmtl.validate, exact (methods: "
            f"{', '.join(sorted(self.methods)) or 'exact'}).",
            f"Range       {ranges}.",
            "Falsifier   the quantity shifted so that the relation fails at every point.",
            f"Source      the registered quantity {self.against!r} "
            f"({QUANTITIES[self.against].docs}, docs/validate.md).",
            "Provenance  derived",
        ])
        return f'''"""{doc}
"""

from exactmtl.proofcheck import Claim, expect
from exactmtl.validate import validate

CLAIM = Claim({claim_id!r}, {title!r})
FORMULA = {self.formula!r}
AGAINST = {self.against!r}
RELATION = {self.relation!r}
OVER = {grid}


def _check(against):
    report = validate(FORMULA, against, RELATION, over=OVER)
    expect(report, str(report))
    return report.as_dict()


def check_formula():
    return _check(AGAINST)


def falsify_shifted():
    from exactmtl.validate import shifted_against

    _check(shifted_against(FORMULA, RELATION))
'''


def shifted_against(formula: Any, relation: str) -> Callable[..., Any]:
    """A callable quantity that makes ``formula relation quantity`` fail at every point:
    ``f + 1`` for ``==`` and ``>=``, ``f`` for ``!=``, ``<`` and ``>``, ``f - 1`` for ``<=``.
    Used by the falsifiers of generated claim files.

    >>> bool(validate("k", shifted_against("k", "<="), "<=", over={"k": [1, 2]}))
    False
    """
    spec = parse_formula(formula) if isinstance(formula, str) else formula
    shift = {"==": 1, ">=": 1, "!=": 0, "<": 0, ">": 0, "<=": -1}[relation]

    def quantity(**point: Any) -> Any:
        value = evaluate_formula(spec, point)
        return sympy.Add(value, shift) if isinstance(value, sympy.Basic) else value + shift

    return quantity


# --------------------------------------------------------------------------- validate

def _values(name: str, values: Any, max_points: int) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        values = [values]
    vals = list(itertools.islice(values, max_points + 1))
    if len(vals) > max_points:
        raise InvalidArgument(f"over[{name!r}] has more than max_points={max_points} values")
    if not vals:
        raise InvalidArgument(f"over[{name!r}] is empty; expected at least one value")
    out = []
    for v in vals:
        f = as_exact(Fraction(v) if isinstance(v, str) and _looks_exact(v) else v,
                     f"over[{name!r}]")
        out.append(f.numerator if f.denominator == 1 else f)
    return out


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.isidentifier():
        raise InvalidArgument(f"over key {name!r} is not a parameter name")
    return name


def _grid(over: Any, max_points: int) -> tuple[list[str], list[dict[str, Any]] | None,
                                               dict[str, list[Any]]]:
    """(names, explicit points or None, product grid)."""
    if over is None:
        return [], None, {}
    if isinstance(over, Mapping):
        grid = {_check_name(k): _values(k, v, max_points) for k, v in over.items()}
        return list(grid), None, grid
    if isinstance(over, (list, tuple)) and all(isinstance(p, Mapping) for p in over):
        if len(over) > max_points:
            raise InvalidArgument(f"over has {len(over)} points; max_points={max_points}")
        if not over:
            raise InvalidArgument("over is an empty list of points")
        names = [_check_name(k) for k in over[0]]
        points = []
        for i, p in enumerate(over):
            if sorted(p) != sorted(names):
                raise InvalidArgument(f"over[{i}] has the names {sorted(p)}; every point needs "
                                      f"{sorted(names)}")
            points.append({k: _values(f"{i}].[{k}", p[k], 1)[0] for k in names})
        return names, points, {}
    raise InvalidArgumentType(f"over={over!r} is a {type(over).__name__}; expected a dict such "
                              "as {'k': range(1, 7), 'eps': [Fraction(1, 5)]} or a list of "
                              "points [{'n': 1, 'm': 0}, ...]")


def _looks_exact(text: str) -> bool:
    try:
        Fraction(text)
    except (ValueError, ZeroDivisionError):
        return False
    return True


def _callable_params(func: Callable[..., Any]) -> tuple[tuple[str, ...], bool]:
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return (), True
    names = tuple(p.name for p in sig.parameters.values()
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
    var = any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())
    return names, var


def _side(spec: Any, role: str) -> tuple[str, tuple[str, ...] | None, Callable[..., Any],
                                          Any]:
    """(display text, parameter names or None for **kwargs, evaluator, serialisable spec)."""
    if role == "against" and isinstance(spec, str):
        if spec not in QUANTITIES:
            raise InvalidArgument(f"against={spec!r} is not a registered quantity; expected one "
                                  f"of {', '.join(sorted(QUANTITIES))} or a callable")
        q = QUANTITIES[spec]
        return spec, q.params, lambda **p: q.compute(**{k: p[k] for k in q.params}), spec
    if isinstance(spec, str):
        text = " ".join(spec.split())
        expr = parse_formula(spec)
        names = tuple(sorted(str(s) for s in expr.free_symbols))
        return text, names, lambda **p: evaluate_formula(expr, p), text
    if isinstance(spec, sympy.Basic):
        if isinstance(spec, sympy.core.relational.Relational) or spec.is_Boolean:
            raise InvalidArgumentType(f"{role}={spec} is a relation; pass the expression and "
                                      "the relation separately: validate(expr, name, '<=')")
        expr = spec
        names = tuple(sorted(str(s) for s in expr.free_symbols))
        return str(expr), names, lambda **p: evaluate_formula(expr, p), str(expr)
    if callable(spec):
        names, var = _callable_params(spec)
        label = getattr(spec, "__name__", type(spec).__name__)

        def call(**p: Any) -> Any:
            return spec(**p) if var else spec(**{k: p[k] for k in names if k in p})

        return label, (None if var else names), call, None
    raise InvalidArgumentType(f"{role}={spec!r} is a {type(spec).__name__}; expected a sympy "
                              "expression, a formula text, a registered name or a callable")


def validate(formula: Any, against: Any, relation: str = "==",
             over: Mapping[str, Any] | None = None, *,
             max_points: int = MAX_POINTS) -> ValidationReport:
    """Check ``formula relation against`` at every point of the grid ``over``, exactly.

    Parameters
    ----------
    formula : sympy expression, str or callable
        A sympy expression in named parameters, a text in the :mod:`exactmtl.formula` grammar
        (never ``eval``-ed), or a callable taking the parameters as keyword arguments.
    against : str or callable
        A registered quantity (:func:`quantities`; its parameter names are documented there)
        or a callable returning exact values (int, Fraction, exact sympy, or an
        :class:`~exactmtl.certified.Enclosure`).
    relation : {"==", "!=", "<", "<=", ">", ">="}
        Read as ``formula relation against``.
    over : dict or list of dicts
        Parameter name -> exact values (a list, a ``range``, or one value; the grid is their
        product), or an explicit list of points ``[{"n": 1, "m": 0}, ...]`` for parameters
        that constrain each other. Every parameter of the formula and of the quantity must be
        given; extra names are refused.
    max_points : int
        The largest grid accepted (default 20000).

    Returns
    -------
    ValidationReport
        Truthy only when the relation holds at every point; otherwise ``counterexample``
        holds the first failing (or undecided) point in grid order with both exact values.

    >>> import sympy
    >>> N = sympy.Symbol("N")
    >>> r = validate(2 * sympy.sqrt(N), "maurer_xi", ">=", over={"N": range(1, 30)})
    >>> bool(r), r.methods
    (True, {'exact': 5, 'certified (arb)': 24})
    >>> validate("k", "maurer_xi", over={"N": [1]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: over lacks the parameter(s) ['k']; ...
    """
    if relation not in RELATIONS:
        raise InvalidArgument(f"relation={relation!r}; expected one of {', '.join(RELATIONS)}")
    max_points = as_exact_int(max_points, "max_points", minimum=1)
    names, points, grid = _grid(over, max_points)
    f_text, f_names, f_eval, f_spec = _side(formula, "formula")
    a_text, a_names, a_eval, a_spec = _side(against, "against")
    needed = set(f_names or ()) | set(a_names or ())
    missing = sorted(needed - set(names))
    if missing:
        raise InvalidArgument(f"over lacks the parameter(s) {missing}; expected values for "
                              f"{sorted(needed)}")
    if f_names is not None and a_names is not None:
        extra = sorted(set(names) - needed)
        if extra:
            raise InvalidArgument(f"over names {extra}, which neither the formula nor "
                                  f"{a_text!r} uses (parameters: {sorted(needed)})")
    if points is None:
        total = 1
        for vals in grid.values():
            total *= len(vals)
        if total > max_points:
            raise InvalidArgument(f"the grid has {total} points; max_points={max_points}")
        todo: Iterable[dict[str, Any]] = (
            dict(zip(names, combo)) for combo in itertools.product(*(grid[k] for k in names)))
        serial: Any = {k: [str(v) for v in vals] for k, vals in grid.items()}
    else:
        total, todo = len(points), points
        serial = [{k: str(v) for k, v in p.items()} for p in points]
    methods: dict[str, int] = {}
    checked = 0
    status, counter = "holds", None
    for point in todo:
        where = {k: str(v) for k, v in point.items()}
        a = _exact(_at(f_eval, point, "formula"), "formula")
        try:
            b = _exact(_at(a_eval, point, a_text), a_text)
        except UndecidedError as exc:
            status = "undecided"
            counter = {"point": where, "formula": _text(a), "against": f"undecided: {exc}"}
            break
        verdict, method = _holds(a, relation, b)
        methods[method] = methods.get(method, 0) + 1
        checked += 1
        if verdict is not True:
            status = "fails" if verdict is False else "undecided"
            counter = {"point": where, "formula": _text(a), "against": _text(b),
                       "method": method}
            break
    return ValidationReport(f_text, a_text, relation, serial, status, checked, total, counter,
                            methods, f_spec, a_spec)


def _at(func: Callable[..., Any], point: dict[str, Any], side: str) -> Any:
    """Evaluate one side at one point; a refusal names the point."""
    try:
        return func(**point)
    except (InvalidArgument, InvalidArgumentType) as exc:
        at = ", ".join(f"{k}={v}" for k, v in point.items())
        raise type(exc)(f"{side} at {at}: {exc}") from None
