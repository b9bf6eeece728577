"""Multi-task representation learning in two-layer ReLU networks (§D.2, arXiv 2307.06887).

Setting (PMLR 235:9292-9345): inputs x ~ N(0, I_d); task t labels y_t = sign(u_t . x); a two-layer
ReLU network with shared first layer W (m x d, rows w_j) and one head a_t per task; a loss that is
linear in the head (correlation loss -y a_t . ReLU(W x)). From a zero head, one head step and then
one representation step give (derived):

* the pseudo-contrastive identity sum_t ||Phi^T y_t||^2 = <Phi Phi^T, Y Y^T>_F: the
  representation objective after one head step compares the feature similarity matrix of the
  samples with their label similarity matrix (:func:`pseudo_contrastive_identity`);
* the Gaussian moments E[sign(u.x) ReLU(w.x)] = (u.w) / sqrt(2 pi) (unit u) and its gradient
  E[sign(u.x) 1{w.x > 0} x] = u / sqrt(2 pi) (:func:`gaussian_moments`);
* the population one-step update W+ = W (I + c U_T) with U_T = (1/T) sum_t u_t u_t^T and
  c = eta_head eta_rep / (2 pi): the update W U_T has row space span{u_t}, so one task learns one
  direction and T tasks spanning an r-dimensional subspace learn all of it
  (:func:`population_one_step`, :func:`update_span`).

Principal angles between subspaces are exact for exact bases (:func:`principal_angles`); the
simulation :func:`simulate_principal_angles` (numpy, seeded) prints them against the number of
tasks T.

>>> principal_cosines([[1, 0], [0, 1], [0, 0]], [[1, 0], [0, 3], [0, 4]])
(1, 3/5)
>>> pseudo_contrastive_identity([[1, 2], [0, 1]], [[1], [-1]]).holds
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from exactmtl._validate import (
    as_bool,
    as_exact,
    as_exact_int,
    as_exact_list,
    as_float,
    as_float_array,
    as_list,
    check_budget,
    checked_args,
    shown,
)
from exactmtl.errors import (
    InexactInputError,
    InvalidArgument,
    InvalidArgumentType,
    UndecidedError,
)
from exactmtl.jointsep import JointSeparateReport

__all__ = [
    "IdentityCheck",
    "UpdateSpan",
    "derive_sign_relu_moment",
    "gaussian_moments",
    "joint_vs_separate",
    "population_one_step",
    "principal_angle_table",
    "principal_angles",
    "principal_angles_numeric",
    "principal_cosines",
    "pseudo_contrastive_identity",
    "pseudo_contrastive_symbolic",
    "sign_relu_moment",
    "simulate_one_step",
    "simulate_principal_angles",
    "task_matrix",
    "update_direction",
    "update_span",
]

# --------------------------------------------------------------------------- exact matrices


def _algebraic_entry(value: Any, name: str) -> Any:
    """An exact real sympy number (e.g. ``sqrt(2)/2``): no floats, no free symbols."""
    import sympy

    from exactmtl.jointsep import exact_value

    v = exact_value(value, name)  # Fraction for rationals; refuses floats and symbols
    if isinstance(v, Fraction):
        return sympy.Rational(v.numerator, v.denominator)
    if v.is_real is not True:
        raise InvalidArgument(f"{name}={v} is not known to be real; expected an exact real "
                              "number (rational or algebraic, e.g. sympy.sqrt(2)/2)")
    return v


def _matrix(value: Any, name: str, numeric_hint: str = "", algebraic: bool = False) -> Any:
    """A sympy Matrix of Rationals from nested sequences, a sympy Matrix or an integer array.

    With ``algebraic=True`` exact irrational sympy entries (``sqrt(2)/2``) are accepted too.
    """
    import sympy

    mod = type(value).__module__ or ""
    if mod.startswith("numpy"):
        import numpy as np

        arr = np.asarray(value)
        if arr.dtype.kind == "f" or arr.dtype.kind == "c":
            hint = f"; use {numeric_hint} for float data" if numeric_hint else ""
            raise InexactInputError(f"{name} is a float array (dtype {arr.dtype}); expected "
                                    f"exact entries (int, Fraction, sympy.Rational){hint}")
        value = arr.tolist()
    if isinstance(value, sympy.MatrixBase):
        rows = value.tolist()
    else:
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
            raise InvalidArgumentType(f"{name}={shown(value)} is not a matrix; expected a nested "
                                      "sequence (rows) or a sympy Matrix")
        rows = [list(r) if hasattr(r, "__len__") else r for r in value]
        if not all(isinstance(r, list) for r in rows):
            raise InvalidArgument(f"{name} is not 2-D; expected a sequence of rows")
    if not rows or not rows[0]:
        raise InvalidArgument(f"{name} is empty; expected at least one row and one column")
    width = len(rows[0])
    for i, r in enumerate(rows):
        if len(r) != width:
            raise InvalidArgument(f"{name} row {i} has {len(r)} entries; expected {width} "
                                  "(a rectangular matrix)")
    try:
        if algebraic:
            return sympy.Matrix([[_algebraic_entry(v, f"{name}[{i}][{j}]")
                                  for j, v in enumerate(r)] for i, r in enumerate(rows)])
        ex = [[as_exact(v, f"{name}[{i}][{j}]") for j, v in enumerate(r)]
              for i, r in enumerate(rows)]
    except InvalidArgumentType as exc:
        if numeric_hint and (isinstance(exc, InexactInputError) or "float" in str(exc).lower()):
            raise InexactInputError(f"{exc}; for float data use {numeric_hint}") from None
        raise
    return sympy.Matrix([[sympy.Rational(v.numerator, v.denominator) for v in r] for r in ex])


def _to_fraction(v: Any) -> Fraction:
    return Fraction(int(v.p), int(v.q))


# --------------------------------------------------------------------------- identity


@dataclass(frozen=True)
class IdentityCheck:
    """Both sides of an exact identity; truthy iff they are equal."""

    lhs: Any
    rhs: Any

    @property
    def holds(self) -> bool:
        return self.lhs == self.rhs

    def __bool__(self) -> bool:
        return self.holds


def pseudo_contrastive_identity(Phi: Any, Y: Any) -> IdentityCheck:
    """Both sides of sum_t ||Phi^T y_t||^2 = <Phi Phi^T, Y Y^T>_F, exactly (derived).

    ``Phi`` is n x k (features of n samples), ``Y`` is n x T (labels of T tasks, column y_t).
    With a loss linear in the head and one head step from zero, a_t = eta Phi^T y_t / n, and the
    representation objective sum_t y_t^T Phi a_t / n is (eta / n^2) times the left side: the
    feature similarity Phi Phi^T is rewarded where the label similarity Y Y^T is large.

    >>> c = pseudo_contrastive_identity([[1, 2], [3, 4], [5, 6]], [[1, 0], [0, 1], [1, 1]])
    >>> c.lhs, c.rhs, c.holds
    (Fraction(264, 1), Fraction(264, 1), True)
    """
    P = _matrix(Phi, "Phi")
    Ym = _matrix(Y, "Y")
    if P.rows != Ym.rows:
        raise InvalidArgument(f"Phi has {P.rows} rows but Y has {Ym.rows}; expected one row per "
                              "sample in both")
    lhs = sum((((P.T * Ym[:, t]).T * (P.T * Ym[:, t]))[0, 0] for t in range(Ym.cols)),
              start=0)
    G, H = P * P.T, Ym * Ym.T
    rhs = sum((G[i, j] * H[i, j] for i in range(G.rows) for j in range(G.cols)), start=0)
    import sympy

    return IdentityCheck(_to_fraction(sympy.Rational(lhs)), _to_fraction(sympy.Rational(rhs)))


def pseudo_contrastive_symbolic(n: int, k: int, T: int) -> IdentityCheck:
    """The identity with symbolic n x k Phi and n x T Y: both sides as expanded polynomials
    (sympy ``Poly``, a canonical form), so ``holds`` is a proof for these sizes.

    >>> pseudo_contrastive_symbolic(2, 2, 2).holds
    True
    """
    import sympy

    n = as_exact_int(n, "n", minimum=1, maximum=6)
    k = as_exact_int(k, "k", minimum=1, maximum=6)
    T = as_exact_int(T, "T", minimum=1, maximum=6)
    P = sympy.Matrix(n, k, lambda i, j: sympy.Symbol(f"phi_{i}_{j}"))
    Ym = sympy.Matrix(n, T, lambda i, j: sympy.Symbol(f"y_{i}_{j}"))
    gens = list(P) + list(Ym)
    lhs = sum(((P.T * Ym[:, t]).T * (P.T * Ym[:, t]))[0, 0] for t in range(T))
    G, H = P * P.T, Ym * Ym.T
    rhs = sum(G[i, j] * H[i, j] for i in range(n) for j in range(n))
    return IdentityCheck(sympy.Poly(lhs, *gens), sympy.Poly(rhs, *gens))


# --------------------------------------------------------------------------- Gaussian moments


def gaussian_moments() -> dict[str, Any]:
    """Exact Gaussian moments used by the one-step analysis (g ~ N(0, 1), x ~ N(0, I_d),
    u a unit vector, w any vector, c = u . w).

    >>> m = gaussian_moments()
    >>> m["E[ReLU(g)]"], m["E[ReLU(g)^2]"], m["E[|g|]"]
    (sqrt(2)/(2*sqrt(pi)), 1/2, sqrt(2)/sqrt(pi))
    >>> m["E[sign(u.x) ReLU(w.x)]"]
    sqrt(2)*c/(2*sqrt(pi))
    """
    import sympy

    g = sympy.Symbol("g", real=True)
    c = sympy.Symbol("c", real=True)
    phi = sympy.exp(-g ** 2 / 2) / sympy.sqrt(2 * sympy.pi)
    relu1 = sympy.integrate(g * phi, (g, 0, sympy.oo))
    relu2 = sympy.integrate(g ** 2 * phi, (g, 0, sympy.oo))
    return {
        "E[ReLU(g)]": relu1,
        "E[ReLU(g)^2]": relu2,
        "E[|g|]": 2 * relu1,
        "E[sign(u.x) ReLU(w.x)]": c * relu1,
        "E[sign(u.x) 1{w.x>0} x]": sympy.Symbol("u") * relu1,
        "E[1{w.x>0} x x^T]": sympy.Rational(1, 2) * sympy.Symbol("I"),
    }


def derive_sign_relu_moment() -> dict[str, Any]:
    """Derive E[sign(u.x) ReLU(w.x)] = (u.w) / sqrt(2 pi) with sympy, step by step.

    Write u.x = g, w.x = a g + b h with a = u.w, b = ||w - a u|| > 0, g, h iid N(0, 1).
    (1) F(g) = E_h[ReLU(a g + b h)] by sympy integration; (2) F(g) - F(-g) = a g, checked as an
    expanded expression (erf is odd: canonical cancellation); (3) E[sign(g) F(g)] =
    integral_0^oo (F(g) - F(-g)) phi(g) dg = a integral_0^oo g phi(g) dg = a / sqrt(2 pi).
    (b = 0 is the one-dimensional case E[sign(g) ReLU(a g)] = a / sqrt(2 pi).)

    Returns the expressions and ``"holds": True`` when steps (2)-(3) reduce to zero exactly.

    >>> d = derive_sign_relu_moment()
    >>> d["holds"], d["result"]
    (True, sqrt(2)*a/(2*sqrt(pi)))
    """
    import sympy

    a = sympy.Symbol("a", real=True)
    b = sympy.Symbol("b", positive=True)
    g, h, m = sympy.symbols("g h m", real=True)
    phi_h = sympy.exp(-h ** 2 / 2) / sympy.sqrt(2 * sympy.pi)
    F_m = sympy.integrate((m + b * h) * phi_h, (h, -m / b, sympy.oo))
    odd = sympy.expand(F_m.subs(m, a * g) - F_m.subs(m, -a * g))
    step2 = sympy.expand(odd - a * g) == 0
    phi_g = sympy.exp(-g ** 2 / 2) / sympy.sqrt(2 * sympy.pi)
    result = sympy.integrate(a * g * phi_g, (g, 0, sympy.oo))
    step3 = sympy.expand(result - a / sympy.sqrt(2 * sympy.pi)) == 0
    return {"F(g)": F_m.subs(m, a * g), "F(g) - F(-g)": odd, "result": result,
            "holds": bool(step2 and step3)}


def sign_relu_moment(u: Sequence[Any], w: Sequence[Any]) -> Any:
    """E[sign(u.x) ReLU(w.x)] for x ~ N(0, I_d), exactly: (u.w) / (||u|| sqrt(2 pi)).

    ``u`` need not be a unit vector (sign(u.x) only sees its direction); u = 0 is refused.

    >>> sign_relu_moment([3, 4], [1, 0])
    3*sqrt(2)/(10*sqrt(pi))
    """
    import sympy

    uu, ww = as_exact_list(u, "u"), as_exact_list(w, "w")
    if len(uu) != len(ww):
        raise InvalidArgument(f"len(u)={len(uu)} but len(w)={len(ww)}; expected equal lengths")
    norm2 = sum(v * v for v in uu)
    if norm2 == 0:
        raise InvalidArgument("u=0; expected a nonzero direction")
    dot = sum(p * q for p, q in zip(uu, ww))
    R = sympy.Rational
    return (R(dot.numerator, dot.denominator) / sympy.sqrt(R(norm2.numerator, norm2.denominator))
            / sympy.sqrt(2 * sympy.pi))


# --------------------------------------------------------------------------- one-step update


def task_matrix(U: Any) -> Any:
    """U_T = (1/T) sum_t u_t u_t^T / ||u_t||^2 for the task directions (rows of ``U``), exact.

    Only directions matter (labels are sign(u_t . x)), so each u_t is normalised in the outer
    product, which keeps U_T rational for any rational u_t.

    >>> task_matrix([[1, 1]])
    Matrix([
    [1/2, 1/2],
    [1/2, 1/2]])
    """
    import sympy

    M = _matrix(U, "U")
    out = sympy.zeros(M.cols, M.cols)
    for t in range(M.rows):
        u = M[t, :].T
        n2 = (u.T * u)[0, 0]
        if n2 == 0:
            raise InvalidArgument(f"U row {t} is zero; expected a nonzero task direction")
        out += u * u.T / n2
    return out / M.rows


def update_direction(W: Any, U: Any) -> Any:
    """W U_T, the direction of the population one-step update (exact, rational).

    >>> update_direction([[1, 0], [0, 1], [1, 1]], [[1, 0]])
    Matrix([
    [1, 0],
    [0, 0],
    [1, 0]])
    """
    Wm = _matrix(W, "W")
    UT = task_matrix(U)
    if Wm.cols != UT.rows:
        raise InvalidArgument(f"W has {Wm.cols} columns but the task directions have "
                              f"{UT.rows} entries; expected both = d (input dimension)")
    return Wm * UT


def population_one_step(W: Any, U: Any, head_lr: Any = 1, rep_lr: Any = 1) -> Any:
    """W+ = W (I + c U_T), c = head_lr * rep_lr / (2 pi): one head step from a zero head, then
    one representation step, on the population correlation loss averaged over tasks (derived).

    Head step: a_t = head_lr E[y_t ReLU(W x)] = head_lr W u_t / sqrt(2 pi) (unit u_t).
    Representation gradient for row w_j: -(1/T) sum_t a_tj E[y_t 1{w_j.x > 0} x]
    = -(1/T) sum_t a_tj u_t / sqrt(2 pi). So w_j+ = w_j + c U_T w_j. Exact (sympy, with pi).

    >>> population_one_step([[1, 0]], [[0, 1]], head_lr=2, rep_lr=3)
    Matrix([[1, 0]])
    >>> population_one_step([[1, 1]], [[0, 1]], head_lr=2, rep_lr=3)
    Matrix([[1, 3/pi + 1]])
    """
    import sympy

    hl, rl = as_exact(head_lr, "head_lr"), as_exact(rep_lr, "rep_lr")
    c = sympy.Rational((hl * rl).numerator, (hl * rl).denominator) / (2 * sympy.pi)
    return _matrix(W, "W") + c * update_direction(W, U)


@dataclass(frozen=True)
class UpdateSpan:
    """Rank and row space of the one-step update W U_T against the tasks' span (exact)."""

    rank: int
    span_dim: int
    row_space_equals_span: bool
    w_column_rank: int

    def __bool__(self) -> bool:
        return self.rank == self.span_dim and self.row_space_equals_span


def update_span(W: Any, U: Any) -> UpdateSpan:
    """Compare the row space of W U_T with span{u_t}, exactly (ranks over Q).

    When W has full column rank d, rank(W U_T) = dim span{u_t} and the row space is that span:
    one task moves the representation in one direction, T tasks spanning R^r in all r.

    >>> update_span([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 2, 3]], [[1, 0, 0], [1, 1, 0]])
    UpdateSpan(rank=2, span_dim=2, row_space_equals_span=True, w_column_rank=3)
    """
    D = update_direction(W, U)
    Um = _matrix(U, "U")
    r_d, r_u = _rank_q(D), _rank_q(Um)
    both = _rank_q(D.col_join(Um))
    return UpdateSpan(r_d, r_u, r_d == r_u == both, _rank_q(_matrix(W, "W")))


def _rank_q(M: Any) -> int:
    """The exact rank over Q of a sympy Matrix of rationals (python-flint's ``fmpq_mat``, in C;
    sympy's own ``rank`` for any other entries).

    >>> import sympy
    >>> _rank_q(sympy.Matrix([[1, 2], [2, 4]])), _rank_q(sympy.Matrix([[1, sympy.sqrt(2)]]))
    (1, 1)
    """
    import sympy

    if not all(isinstance(v, sympy.Rational) for v in M):
        return M.rank()
    if 0 in M.shape:
        return 0
    import flint

    return flint.fmpq_mat(M.rows, M.cols, [flint.fmpq(int(v.p), int(v.q)) for v in M]).rank()


# --------------------------------------------------------------------------- principal angles


def _sqrt_combination(v: Any) -> bool:
    """True when ``v`` is r_0 + sum_i r_i sqrt(n_i) with rationals r_i and distinct square-free
    integers n_i > 1 (then v is irrational unless every r_i, i >= 1, is 0: square roots of
    distinct square-free integers are linearly independent over Q)."""
    import sympy

    seen = set()
    for term in sympy.Add.make_args(v):
        if isinstance(term, sympy.Rational):
            continue
        coeff, rest = term.as_coeff_Mul()
        if not (isinstance(coeff, sympy.Rational) and isinstance(rest, sympy.Pow)
                and rest.exp == sympy.S.Half and isinstance(rest.base, sympy.Integer)
                and rest.base > 1 and rest.base not in seen
                and all(e == 1 for e in sympy.factorint(int(rest.base)).values())):
            return False
        seen.add(rest.base)
    return True


def _rational_or_none(value: Any) -> Any:
    """``value`` as a sympy Rational when it is one, else None (exact).

    Fast path: after expanding and rationalising denominators, a sum of rational multiples of
    square roots of distinct square-free integers is rational iff it has no root term. Otherwise
    an algebraic number is rational iff its minimal polynomial has degree 1.
    """
    import sympy

    v = sympy.expand(value)
    if isinstance(v, sympy.Rational):
        return v
    v = sympy.expand(sympy.radsimp(v))
    if isinstance(v, sympy.Rational):
        return v
    if _sqrt_combination(v):
        return None
    x = sympy.Dummy("x")
    try:
        p = sympy.Poly(sympy.minimal_polynomial(v, x), x)
    except (NotImplementedError, sympy.polys.polyerrors.NotAlgebraic):
        raise UndecidedError(f"{value} is not recognised as an algebraic number; principal "
                             "angles are exact for rational or algebraic bases") from None
    if p.degree() == 1:
        a, b = p.all_coeffs()
        return -b / a
    return None


def _canonical(value: Any) -> Any:
    """A rational as a Rational; an irrational expanded and with rationalised denominators."""
    import sympy

    r = _rational_or_none(value)
    return r if r is not None else sympy.expand(sympy.radsimp(sympy.expand(value)))


def _is_zero(value: Any) -> bool:
    r = _rational_or_none(value)
    return r is not None and r == 0


def _all_rational(M: Any) -> bool:
    import sympy

    return all(isinstance(v, sympy.Rational) for v in M)


def _check_basis(M: Any, name: str) -> None:
    if _all_rational(M):  # sympy's rank is exact over Q
        rank = M.rank()
    elif not _is_zero((M.T * M).det()):  # algebraic entries: independent iff det(M^T M) != 0
        rank = M.cols
    else:
        rank = min(M.rank(iszerofunc=_is_zero), M.cols - 1)
    if rank != M.cols:
        raise InvalidArgument(f"{name} has rank {rank} but {M.cols} columns; expected "
                              "linearly independent columns (a basis of the subspace)")


def _check_orthonormal(M: Any, name: str) -> None:
    G = M.T * M
    for i in range(G.rows):
        for j in range(G.cols):
            want = 1 if i == j else 0
            got = _rational_or_none(G[i, j])
            if got is None or got != want:
                shown = got if got is not None else _expand(G[i, j])
                raise InvalidArgument(
                    f"{name} is not orthonormal: ({name}^T {name})[{i}][{j}] = {shown}, "
                    f"expected {want}; pass orthonormal=False for a general basis")


def _expand(value: Any) -> Any:
    import sympy

    return sympy.expand(value)


def _squared_cosines(M: Any) -> list[Any]:
    """The eigenvalues of M (p x p, real spectrum in [0, 1]), exact, ascending."""
    import sympy

    lam = sympy.Dummy("lambda")
    cp = M.charpoly(lam)
    coeffs = [_rational_or_none(c) for c in cp.all_coeffs()]
    if all(c is not None for c in coeffs):  # rational characteristic polynomial
        return list(sympy.Poly(coeffs, lam, domain="QQ").all_roots())
    # algebraic coefficients: roots by radicals of the canonicalised polynomial
    x = sympy.Symbol("x")
    cs = [_canonical(c) for c in cp.all_coeffs()]
    poly = sum((c * x ** (len(cs) - 1 - i) for i, c in enumerate(cs)), sympy.Integer(0))
    roots = sympy.roots(poly, x, multiple=True)
    if len(roots) != M.rows:
        raise UndecidedError(f"the characteristic polynomial {poly} of the {M.rows} x {M.rows} "
                             "cosine matrix has algebraic coefficients and sympy finds no "
                             "radical roots; use rational bases or principal_angles_numeric")
    return sorted(roots, key=lambda r: sympy.N(r, 50))  # radical formulas: exact roots


def principal_cosines(A: Any, B: Any, *, orthonormal: bool = False) -> tuple[Any, ...]:
    """Cosines of the principal angles between span(A) and span(B) (columns), exact, largest
    first; min(p, q) of them for p, q columns.

    Entries may be rational or exact algebraic sympy numbers (e.g. ``sqrt(2)/2`` in an
    orthonormal basis); floats are refused (use :func:`principal_angles_numeric`).

    Method: the squared cosines are the eigenvalues of the p x p matrix
    M = (A^T A)^{-1} A^T B (B^T B)^{-1} B^T A (p <= q; swap otherwise), i.e. the roots of its
    characteristic polynomial (over Q: ``Poly.all_roots``, rationals, radicals or exact
    ``CRootOf``; with algebraic coefficients: radicals, each root checked exactly); cos =
    sqrt(root). With ``orthonormal=True`` the columns must be orthonormal (checked exactly) and
    M = (A^T B)(A^T B)^T, whose eigenvalues are the squared singular values.

    >>> principal_cosines([[1], [0]], [[1], [1]])
    (sqrt(2)/2,)
    >>> import sympy
    >>> h = sympy.sqrt(2) / 2
    >>> principal_cosines([[h], [h], [0]], [[1, 0], [0, 0], [0, 1]], orthonormal=True)
    (sqrt(2)/2,)
    >>> principal_cosines([[1, 0], [0, 1], [0, 0]], [[0], [3], [4]], orthonormal=True)
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: B is not orthonormal: (B^T B)[0][0] = 25, expected 1; \
pass orthonormal=False for a general basis
    """
    import sympy

    hint = "principal_angles_numeric"
    Am = _matrix(A, "A", hint, algebraic=True)
    Bm = _matrix(B, "B", hint, algebraic=True)
    if Am.rows != Bm.rows:
        raise InvalidArgument(f"A has {Am.rows} rows but B has {Bm.rows}; expected bases of "
                              "subspaces of the same R^d (one row per coordinate)")
    _check_basis(Am, "A")
    _check_basis(Bm, "B")
    if as_bool(orthonormal, "orthonormal"):
        _check_orthonormal(Am, "A")
        _check_orthonormal(Bm, "B")
    if Am.cols > Bm.cols:
        Am, Bm = Bm, Am
    if orthonormal:
        C = Am.T * Bm
        M = C * C.T
    else:
        M = (Am.T * Am).inv() * Am.T * Bm * (Bm.T * Bm).inv() * Bm.T * Am
    if not _all_rational(M):
        M = M.applyfunc(_canonical)
    roots = _squared_cosines(M)  # ascending, with multiplicity
    for r in roots:  # the eigenvalues of a product of projections lie in [0, 1]
        if not (r >= 0 and r <= 1):  # pragma: no cover - would be a bug
            raise AssertionError(f"squared cosine {r} outside [0, 1]")
    return tuple(sympy.sqrt(r) for r in reversed(roots))


def principal_angles(A: Any, B: Any, *, orthonormal: bool = False) -> tuple[Any, ...]:
    """Principal angles between span(A) and span(B) (columns), exact (sympy), smallest first:
    acos of :func:`principal_cosines`. Float input is refused: use
    :func:`principal_angles_numeric`.

    >>> principal_angles([[1, 0], [0, 1], [0, 0]], [[1, 0], [0, 1], [0, 1]])
    (0, pi/4)
    """
    import sympy

    return tuple(sympy.acos(c) for c in principal_cosines(A, B, orthonormal=orthonormal))


def principal_angles_numeric(A: Any, B: Any) -> Any:
    """Principal angles (radians, ascending) for float bases: QR then SVD (numeric path).

    >>> import numpy as np
    >>> np.round(np.degrees(principal_angles_numeric(np.eye(3)[:, :2], np.eye(3)[:, 1:])), 6)
    array([ 0., 90.])
    """
    import numpy as np

    Am, Bm = as_float_array(A, "A"), as_float_array(B, "B")
    if Am.ndim != 2 or Bm.ndim != 2:
        raise InvalidArgument(f"A has {Am.ndim} dims and B has {Bm.ndim}; expected 2-D bases")
    if Am.shape[0] != Bm.shape[0]:
        raise InvalidArgument(f"A has {Am.shape[0]} rows but B has {Bm.shape[0]}; expected "
                              "bases of subspaces of the same R^d")
    Qa, _ = np.linalg.qr(Am)
    Qb, _ = np.linalg.qr(Bm)
    s = np.linalg.svd(Qa.T @ Qb, compute_uv=False)
    return np.arccos(np.clip(s, -1.0, 1.0))


# --------------------------------------------------------------------------- report


def joint_vs_separate(U: Any = None) -> tuple[JointSeparateReport, ...]:
    """D.2 row: first-layer directions stored to serve all tasks after one step.

    Joint (one shared representation): rank(W U_T) = dim span{u_t}. Separate (one network per
    task): sum_t rank(W u_t u_t^T) = T. Equal iff the task directions are linearly independent.
    Default: the T = 4 tasks (1,0,0), (0,1,0), (1,1,0), (1,-1,0) in R^3, with W = I.

    >>> r, = joint_vs_separate(); r.joint, r.separate
    (Fraction(2, 1), Fraction(4, 1))
    """
    import sympy

    if U is None:
        U = [[1, 0, 0], [0, 1, 0], [1, 1, 0], [1, -1, 0]]
    Um = _matrix(U, "U")
    W = sympy.eye(Um.cols)
    joint = update_span(W, Um).rank
    separate = sum(update_span(W, Um[t, :]).rank for t in range(Um.rows))
    return (JointSeparateReport(
        "arXiv 2307.06887 (§D.2)", f"one population step, T={Um.rows} tasks in R^{Um.cols}",
        "rank of the first-layer update (directions stored)", joint, separate,
        "the task directions u_t are linearly independent",
        notes="derived one-step analysis; exact ranks over Q"),)


# --------------------------------------------------------------------------- simulation


def _one_step_budget(a: dict) -> None:
    W, U = a["W"], a["U"]
    check_budget("ops", W.size * max(U.size, 1) * a["n"], "simulate_one_step (tasks x samples)")


@checked_args(_one_step_budget, W="array", U="array", n="int>=1", seed="seed",
              label_noise="float[0,1]")
def simulate_one_step(W: Any, U: Any, n: int, *, seed: int = 0, label_noise: float = 0.0
                      ) -> Any:
    """The empirical one-step update direction G (numpy, seeded; numeric path).

    n samples per task, x ~ N(0, I_d), y = sign(u_t . x) flipped with probability
    ``label_noise``; head a_t = mean_i y_i ReLU(W x_i); G = (1/T) sum_t mean_i y_i (a_t *
    1{W x_i > 0}) x_i^T. Its expectation (no noise) is W U_T / (2 pi).

    >>> import numpy as np
    >>> G = simulate_one_step(np.eye(3), [[1.0, 0.0, 0.0]], 50, seed=1)
    >>> G.shape, bool(np.array_equal(G, simulate_one_step(np.eye(3), [[1.0, 0, 0]], 50, seed=1)))
    ((3, 3), True)
    """
    import numpy as np

    W = np.asarray(W, dtype=float)
    U = np.atleast_2d(np.asarray(U, dtype=float))
    if W.ndim != 2 or U.shape[1] != W.shape[1]:
        raise InvalidArgument(f"W has shape {W.shape} and U {U.shape}; expected (m, d), (T, d)")
    n = as_exact_int(n, "n", minimum=1)
    rng = np.random.default_rng(seed)
    G = np.zeros_like(W)
    for u in U:
        X = rng.standard_normal((n, W.shape[1]))
        y = np.sign(X @ u)
        if label_noise:
            y = y * np.where(rng.random(n) < label_noise, -1.0, 1.0)
        pre = X @ W.T
        a = (y[:, None] * np.maximum(pre, 0.0)).mean(axis=0)
        G += ((y[:, None] * (pre > 0) * a[None, :]).T @ X) / n
    return G / len(U)


def _angles_budget(a: dict) -> None:
    ts = [as_exact_int(t, f"tasks[{i}]", minimum=1)
          for i, t in enumerate(as_list(a["tasks"], "tasks"))]
    if a["r"] > a["d"]:
        raise InvalidArgument(f"r={a['r']} > d={a['d']}; expected r <= d")
    check_budget("ops", (sum(ts) + 1) * a["n"] * a["width"] * a["d"],
                 "simulate_principal_angles (tasks x samples x width x d)")


@checked_args(_angles_budget, d="int>=1", r="int>=1", width="int>=1", n="int>=1", seed="seed",
              label_noise="float[0,1]")
def simulate_principal_angles(tasks: Sequence[int] = (1, 2, 4, 8, 16, 32), *, d: int = 20,
                              r: int = 4, width: int = 64, n: int = 100, seed: int = 0,
                              label_noise: float = 0.1) -> list[dict[str, float]]:
    """Principal angles (degrees) between the learned and the true r-dim subspace versus T.

    The true subspace is spanned by r random orthonormal directions of R^d; task directions are
    random unit vectors in it; each task has n samples. The learned subspace is the top-r right
    singular subspace of the empirical update :func:`simulate_one_step` from a random W.
    Numeric path (numpy, seeded): expect the largest angle near 90 degrees while T < r (only T
    directions are learned) and small, decreasing with T, once T >= r.

    >>> rows = simulate_principal_angles(tasks=(1, 8), d=6, r=2, width=8, n=50, seed=0)
    >>> [row["T"] for row in rows], sorted(rows[0])
    ([1, 8], ['T', 'max_angle', 'mean_angle', 'min_angle'])
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    B, _ = np.linalg.qr(rng.standard_normal((d, r)))
    W = rng.standard_normal((width, d)) / np.sqrt(d)
    rows = []
    for T in tasks:
        T = as_exact_int(T, "T", minimum=1)
        Z = rng.standard_normal((T, r))
        U = Z @ B.T
        U /= np.linalg.norm(U, axis=1, keepdims=True)
        G = simulate_one_step(W, U, n, seed=int(rng.integers(2 ** 31)), label_noise=label_noise)
        _, _, Vt = np.linalg.svd(G)
        ang = np.degrees(principal_angles_numeric(Vt[:r].T, B))
        rows.append({"T": T, "max_angle": ang.max().item(), "mean_angle": ang.mean().item(),
                     "min_angle": ang.min().item()})
    return rows


def principal_angle_table(rows: Sequence[dict[str, float]]) -> str:
    """Format :func:`simulate_principal_angles` rows as a text table (degrees, one row per T).

    ``python -m exactmtl.companions.representation`` prints it for the default simulation.

    >>> print(principal_angle_table([{"T": 1, "max_angle": 88.0, "mean_angle": 60.5,
    ...                               "min_angle": 30.25}]))
        T  max angle  mean angle  min angle
        1       88.0        60.5       30.2
    """
    lines = ["    T  max angle  mean angle  min angle"]
    rows = as_list(rows, "rows", what="rows (dicts)")
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InvalidArgumentType(f"rows[{i}] has type {type(row).__name__}; expected a dict "
                                      "with T, max_angle, mean_angle, min_angle")
        missing = {"T", "max_angle", "mean_angle", "min_angle"} - set(row)
        if missing:
            raise InvalidArgument(f"rows[{i}] lacks {sorted(missing)}")
        row = {k: (as_exact_int(row[k], f"rows[{i}][{k!r}]", minimum=0) if k == "T" else
                   as_float(row[k], f"rows[{i}][{k!r}]")) for k in ("T", "max_angle",
                                                              "mean_angle", "min_angle")}
        lines.append(f"{row['T']:>5} {row['max_angle']:>10.1f} {row['mean_angle']:>11.1f} "
                     f"{row['min_angle']:>10.1f}")
    return "\n".join(lines)


def _demo(argv: Sequence[str] | None = None) -> int:
    """``python -m exactmtl.companions.representation``: the principal-angle demo."""
    from exactmtl._cliargs import OneLineParser

    OneLineParser(prog="python -m exactmtl.companions.representation",
                  description="Principal angles of the numeric two-layer ReLU simulation "
                              "(a demo, not a proof).").parse_args(argv)
    print("principal angles between the learned and the true r = 4 dim subspace (d = 20, "
          "n = 400 samples per task, 10% label noise, seed 0; numeric path, not a proof)")
    print(principal_angle_table(simulate_principal_angles(n=400, seed=0)))
    return 0


if __name__ == "__main__":  # pragma: no cover - a demo of the numeric path
    from exactmtl._cliargs import run

    raise SystemExit(run(_demo, None, "python -m exactmtl.companions.representation"))
