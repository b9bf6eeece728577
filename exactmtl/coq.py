"""Export exact verdicts and certified bounds to Coq, for a proof assistant's kernel to re-check.

exactmtl's verdicts are exact and its certificates are re-checked from JSON by our own code.
This module writes them as Coq files (``.v``) whose proofs the Coq kernel checks:

* **Certified real inequalities** (:func:`inequality_file`, :func:`certificate_file`,
  :func:`enclosure_file`): the statement in Coq's reals (``sqrt``, ``ln``, ``exp``, ``PI``,
  powers, rationals) proved by the ``interval`` tactic of the coq-interval library, which
  evaluates the expression in certified interval arithmetic *inside* the kernel.
* **Finite exact statements** (:func:`walsh_gram_file`, :func:`telgarsky_file`,
  :func:`code_length_file`, :func:`maurer_xi_file`): the data as Coq lists over ``Z``/``Q`` and a
  boolean checker that the kernel runs (``vm_compute``), so the statement is
  ``checker data = true`` proved by computation.

Every file opens with a comment that says exactly what the kernel checks and what is taken from
the export (for example the piece table of a compiled network). :func:`export_items` lists the
items (ids such as ``"D1.1/kl-inverse/q=1/8,c=1/2/upper"``), :func:`export_coq` writes them and
:func:`compile_coq` runs ``coqc`` on one file. ``exactmtl export --coq DIR [-k ID]`` is the CLI.

Coq 8.16 with coq-interval 4.x is assumed (Debian: ``apt-get install coq libcoq-interval``).
Without ``coqc`` the export still writes the files; :func:`coqc_path` returns None.

>>> import sympy
>>> from fractions import Fraction
>>> from exactmtl import certify
>>> c = certify(sympy.sqrt(2) * sympy.log(2), "<", Fraction(99, 100))
>>> print(coq_real(c.expression))
((sqrt 2) * (ln 2))
>>> "interval with (i_prec" in c.to_coq()
True
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from exactmtl._validate import as_exact, as_exact_int
from exactmtl.errors import InvalidArgument, InvalidArgumentType

__all__ = [
    "COQ_PACKAGES",
    "CoqFile",
    "CoqResult",
    "certificate_file",
    "code_length_file",
    "compile_coq",
    "coq_real",
    "coqc_path",
    "enclosure_file",
    "export_coq",
    "export_items",
    "inequality_file",
    "maurer_xi_file",
    "telgarsky_file",
    "walsh_gram_file",
]

#: Debian packages that provide ``coqc`` and the ``interval`` tactic.
COQ_PACKAGES = "coq libcoq-interval"

_REAL_HEADER = ("From Coq Require Import Reals.\nFrom Interval Require Import Tactic.\n"
                "Open Scope R_scope.\n")
_FINITE_HEADER = ("From Coq Require Import ZArith QArith List Bool Arith.\n"
                  "Import ListNotations.\n")
_MAX_TERM = 200_000  # characters of one exported real term


@dataclass(frozen=True)
class CoqFile:
    """One exported Coq file: its item id, module name, text, and what the kernel checks.

    ``checked`` says what the Coq kernel verifies; ``taken`` what the file takes from the
    export without proof (the tables themselves, a piece table's meaning). :meth:`write`
    writes ``<module>.v`` into a folder atomically.
    """

    item: str
    module: str
    text: str
    checked: str
    taken: str

    def write(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``<module>.v`` into ``directory`` atomically; return its path."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{self.module}.v"
        fd, tmp = tempfile.mkstemp(prefix=f".{self.module}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.text)
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)
            os.replace(tmp, target)
        except BaseException:
            with _suppress():
                os.unlink(tmp)
            raise
        return target


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], OSError)  # type: ignore[arg-type]


def _module_name(item: str) -> str:
    name = re.sub(r"[^A-Za-z0-9]+", "_", item).strip("_")
    return "exactmtl_" + name


def _comment(item: str, checked: str, taken: str, statement: str) -> str:
    def clean(s: str) -> str:
        return s.replace("(*", "( *").replace("*)", "* )")

    return (f"(* exactmtl export: {clean(item)}\n   Statement: {clean(statement)}\n"
            f"   Checked by the Coq kernel: {clean(checked)}\n"
            f"   Taken from the export: {clean(taken)} *)\n\n")


# --------------------------------------------------------------------------- real terms

def _q(value: Fraction) -> str:
    if value.denominator == 1:
        return f"({value.numerator})" if value.numerator < 0 else f"{value.numerator}"
    return f"({value.numerator} / {value.denominator})"


def coq_real(expr: Any) -> str:
    """A Coq term of type ``R`` for an exact real sympy expression (no floats).

    Supported: integers and rationals, ``pi``, ``E``, ``+``, ``*``, powers with integer
    exponents (``^`` on ``nat``, inverted for negative ones), square roots, other rational
    exponents as ``exp(q * ln x)`` (valid for ``x > 0``, which the interval tactic then has to
    prove), ``log`` (natural), ``exp`` and ``Abs``.

    >>> import sympy
    >>> x = sympy.Rational(1, 3)
    >>> print(coq_real(x * sympy.log(x / sympy.Rational(1, 2)) + sympy.exp(-1)))
    (((1 / 3) * (ln (2 / 3))) + (exp (-1)))
    >>> coq_real(sympy.Symbol("y"))
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: expr=y: Symbol is not an exact real constant Coq can state
    """
    import sympy

    def term(e: Any, top: bool = False) -> str:
        if isinstance(e, sympy.Rational):
            return _q(Fraction(int(e.p), int(e.q)))
        if e is sympy.pi:
            return "PI"
        if e is sympy.E:
            return "exp 1"
        if isinstance(e, sympy.Add):
            body = " + ".join(term(a) for a in e.args)
            return body if top else f"({body})"
        if isinstance(e, sympy.Mul):
            args = list(e.args)
            if args and args[0] == -1:
                rest = sympy.Mul(*args[1:], evaluate=False) if len(args) > 2 else args[1]
                return f"(- {term(rest)})"
            body = " * ".join(term(a) for a in args)
            return body if top else f"({body})"
        if isinstance(e, sympy.Pow):
            base, ex = e.args
            if isinstance(ex, sympy.Integer):
                k = int(ex)
                if k >= 0:
                    return f"({term(base)} ^ {k})"
                return f"(/ ({term(base)} ^ {-k}))"
            if ex == sympy.S.Half:
                return f"(sqrt {term(base)})"
            if ex == -sympy.S.Half:
                return f"(/ sqrt {term(base)})"
            if isinstance(ex, sympy.Rational):
                return f"(exp ({term(ex)} * ln {term(base)}))"
            return f"(exp ({term(ex)} * ln {term(base)}))"
        if isinstance(e, sympy.log):
            if len(e.args) != 1:
                raise InvalidArgument(f"expr={expr}: log with a base; rewrite as a quotient")
            return f"(ln {term(e.args[0])})" if not top else f"ln {term(e.args[0])}"
        if isinstance(e, sympy.exp):
            return f"(exp {term(e.args[0])})" if not top else f"exp {term(e.args[0])}"
        if isinstance(e, sympy.Abs):
            return f"(Rabs {term(e.args[0])})"
        raise InvalidArgument(f"expr={expr}: {type(e).__name__} is not an exact real constant "
                              "Coq can state")

    e = sympy.sympify(expr) if not isinstance(expr, sympy.Basic) else expr
    if isinstance(e, sympy.Float) or e.has(sympy.Float):
        raise InvalidArgumentType(f"expr={expr} contains a Float; pass exact numbers")
    text = term(e)
    if len(text) > _MAX_TERM:
        raise InvalidArgument(f"expr has a Coq term of {len(text)} characters; at most "
                              f"{_MAX_TERM} are exported")
    return text


_COQ_REL = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}
_OPPOSITE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _interval_prec(prec: Any) -> int:
    bits = 64 if prec is None else as_exact_int(prec, "prec", minimum=1, maximum=1 << 16)
    return max(64, bits + 16)


def inequality_file(item: str, lhs: Any, relation: str, rhs: Any, *, prec: Any = None,
                    note: str = "") -> CoqFile:
    """A Coq file proving ``lhs relation rhs`` over the reals with ``interval``.

    ``lhs``/``rhs`` are exact sympy numbers or rationals; ``prec`` the bits certify used (the
    interval precision is ``max(64, prec + 16)``). The file compiles iff the kernel accepts
    the inequality at that precision.

    >>> import sympy
    >>> f = inequality_file("demo", sympy.sqrt(2), "<", sympy.Rational(3, 2))
    >>> "Lemma demo : (sqrt 2) < (3 / 2)." in f.text
    True
    """
    if not isinstance(item, str) or not item:
        raise InvalidArgumentType(f"item={item!r}; expected a non-empty string")
    if relation not in _COQ_REL:
        raise InvalidArgument(f"relation={relation!r}; expected one of <, <=, >, >=")
    left = coq_real(_as_sympy(lhs, "lhs"))
    right = coq_real(_as_sympy(rhs, "rhs"))
    p = _interval_prec(prec)
    statement = f"{left} {_COQ_REL[relation]} {right}"
    checked = (f"the real inequality above, by the interval tactic (certified interval "
               f"arithmetic at {p} bits run in the kernel)")
    taken = "nothing: the statement is self-contained" + (f"; {note}" if note else "")
    text = (_comment(item, checked, taken, statement) + _REAL_HEADER + "\n"
            f"Lemma {_lemma(item)} : {statement}.\n"
            f"Proof. interval with (i_prec {p}). Qed.\n")
    return CoqFile(item, _module_name(item), text, checked, taken)


def _lemma(item: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", item) if re.match(r"[A-Za-z]", item) else "claim"


def _as_sympy(value: Any, name: str) -> Any:
    import sympy

    if isinstance(value, sympy.Basic):
        return value
    exact = as_exact(value, name)
    return sympy.Rational(exact.numerator, exact.denominator)


def certificate_file(cert: Any, item: str = "certificate") -> CoqFile:
    """The Coq file of a proved or disproved :class:`~exactmtl.certified.Certificate`.

    A proved certificate exports ``expression relation threshold``; a disproved one the
    opposite relation (which is what was proved). An undecided one is refused.

    >>> import sympy
    >>> from exactmtl import certify
    >>> f = certificate_file(certify(sympy.pi, ">", 3), "pi_gt_3")
    >>> f.text.splitlines()[-2]
    'Lemma pi_gt_3 : PI > 3.'
    """
    from exactmtl.certified import Certificate

    if not isinstance(cert, Certificate):
        raise InvalidArgumentType(f"cert={cert!r}; expected a Certificate from certify")
    if cert.status == "undecided":
        raise InvalidArgument(f"cert is undecided ({cert}); only proved or disproved "
                              "certificates can be exported")
    rel = cert.relation if cert.status == "proved" else _OPPOSITE[cert.relation]
    return inequality_file(item, cert.expression, rel, cert.threshold, prec=cert.prec,
                           note=f"exactmtl status {cert.status!r} of {cert.relation!r}")


def enclosure_file(item: str, expr: Any, lo: Any, hi: Any, *, prec: Any = None) -> CoqFile:
    """A Coq file proving ``lo <= expr <= hi`` (an exact enclosure of a real constant).

    >>> import sympy
    >>> f = enclosure_file("e_enc", sympy.E, Fraction(271, 100), Fraction(272, 100))
    >>> "(271 / 100) <= exp 1 <= (68 / 25)" in f.text
    True
    """
    lo_q, hi_q = as_exact(lo, "lo"), as_exact(hi, "hi")
    if lo_q > hi_q:
        raise InvalidArgument(f"lo={lo_q} > hi={hi_q}; expected lo <= hi")
    e = coq_real(_as_sympy(expr, "expr"))
    p = _interval_prec(prec)
    statement = f"{_q(lo_q)} <= {e} <= {_q(hi_q)}"
    checked = f"both inequalities, by the interval tactic at {p} bits"
    taken = "nothing: the statement is self-contained"
    text = (_comment(item, checked, taken, statement) + _REAL_HEADER + "\n"
            f"Lemma {_lemma(item)} : {statement}.\n"
            f"Proof. interval with (i_prec {p}). Qed.\n")
    return CoqFile(item, _module_name(item), text, checked, taken)


def _kl_expr(q: Fraction, p: Fraction) -> Any:
    """kl(q||p) as an exact sympy expression (0 ln 0 = 0), for 0 < p < 1."""
    import sympy

    Q, P = sympy.Rational(q.numerator, q.denominator), sympy.Rational(p.numerator,
                                                                      p.denominator)
    terms = []
    if q > 0:
        terms.append(sympy.Mul(Q, sympy.log(Q / P, evaluate=False), evaluate=False))
    if q < 1:
        terms.append(sympy.Mul(1 - Q, sympy.log((1 - Q) / (1 - P), evaluate=False),
                               evaluate=False))
    return sympy.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]


# --------------------------------------------------------------------------- finite checks

def _zlist(values: Iterable[int]) -> str:
    return "[" + "; ".join(f"({v})%Z" if v < 0 else f"{v}%Z" for v in values) + "]"


def _zrows(rows: Iterable[Iterable[int]]) -> str:
    return "[\n  " + ";\n  ".join(_zlist(r) for r in rows) + "]"


def _qlit(value: Fraction) -> str:
    return f"({value.numerator} # {value.denominator})"


def _qlist(values: Iterable[Fraction]) -> str:
    return "[" + "; ".join(_qlit(Fraction(v)) for v in values) + "]"


def _nat_list(values: Iterable[int]) -> str:
    return "[" + "; ".join(f"{int(v)}%nat" for v in values) + "]"


def walsh_gram_file(n: int, rows: Sequence[Sequence[int]] | None = None) -> CoqFile:
    """Walsh functions at level ``n``: the exported table is Paley's, and its Gram matrix is I.

    ``rows[m][c]`` is ``w_m`` on the level-``n`` cell ``c`` (default: exactmtl's
    :func:`~exactmtl.bases.walsh`); pass a perturbed table to see the kernel reject it.

    >>> f = walsh_gram_file(2)
    >>> "Lemma walsh_gram_ok : check = true." in f.text
    True
    """
    n = as_exact_int(n, "n", minimum=0, maximum=8)
    size = 1 << n
    if rows is None:
        from exactmtl.bases import walsh

        rows = [[int(walsh(m)(Fraction(2 * c + 1, 2 * size))) for c in range(size)]
                for m in range(size)]
    table = [[as_exact_int(v, "rows entry", minimum=-1, maximum=1) for v in r] for r in rows]
    if len(table) != size or any(len(r) != size for r in table):
        raise InvalidArgument(f"rows has shape {len(table)} x ?; expected {size} x {size}")
    item = f"A3/walsh-gram/n={n}"
    statement = (f"for the {size} Walsh functions w_0..w_{size - 1} (Paley order) on the "
                 f"level-{n} dyadic cells, <w_i, w_j> = 2^-{n} sum_c w_i(c) w_j(c) = [i = j]")
    checked = ("(1) every table entry equals Paley's definition w_m(c) = (-1)^(sum_j m_j "
               "x_(j+1)), x_(j+1) the (j+1)-th binary digit of the cell c, computed by the "
               "kernel; (2) sum_c w_i(c) w_j(c) = 2^n [i = j] for every pair i, j")
    taken = ("that w_m is constant on each level-n cell (so the integral is the cell sum "
             "over 2^n); nothing else")
    text = _comment(item, checked, taken, statement) + _FINITE_HEADER + f"""
Open Scope Z_scope.
Definition n : nat := {n}.
Definition table : list (list Z) := {_zrows(table)}.

Definition digit (c j : nat) : bool := Nat.testbit c (n - 1 - j).
Fixpoint parity (m c j : nat) (k : nat) : bool :=
  match k with
  | O => false
  | S k' => xorb (andb (Nat.testbit m j) (digit c j)) (parity m c (S j) k')
  end.
Definition paley (m c : nat) : Z := if parity m c 0 n then -1 else 1.
Definition row_ok (m : nat) (r : list Z) : bool :=
  forallb (fun c => Z.eqb (nth c r 0) (paley m c)) (seq 0 (2 ^ n)) &&
  Nat.eqb (length r) (2 ^ n).
Fixpoint dot (a b : list Z) : Z :=
  match a, b with x :: a', y :: b' => x * y + dot a' b' | _, _ => 0 end.
Definition gram_ok : bool :=
  forallb (fun i => forallb (fun j =>
    Z.eqb (dot (nth i table []) (nth j table []))
          (if Nat.eqb i j then Z.of_nat (2 ^ n) else 0)) (seq 0 (2 ^ n))) (seq 0 (2 ^ n)).
Definition check : bool :=
  Nat.eqb (length table) (2 ^ n) &&
  forallb (fun m => row_ok m (nth m table [])) (seq 0 (2 ^ n)) && gram_ok.

Lemma walsh_gram_ok : check = true.
Proof. vm_compute. reflexivity. Qed.
"""
    return CoqFile(item, _module_name(item), text, checked, taken)


_ACT = {"identity": 0, "relu": 1}


def telgarsky_file(k: int, network: Any = None, table: Any = None) -> CoqFile:
    """The level-``k`` Telgarsky identity: the depth-``k`` ReLU network equals ``triangle(k)``.

    Exports the network's rational weights, the exact piece table of ``triangle(k)`` (its
    breakpoints and values) and the compiled piece table of the network. Pass a perturbed
    ``network`` or ``table`` (a pair of lists: breakpoints, values) to see the kernel reject it.

    >>> f = telgarsky_file(2)
    >>> "Lemma telgarsky_ok : check = true." in f.text
    True
    """
    from exactmtl.bases import triangle
    from exactmtl.networks import Network, telgarsky_network

    k = as_exact_int(k, "k", minimum=1, maximum=12)
    net = telgarsky_network(k) if network is None else network
    if not isinstance(net, Network):
        raise InvalidArgumentType(f"network={net!r}; expected a Network")
    layers = []
    for lay in net.layers:
        if lay.skip is not None:
            raise InvalidArgument("network has skip connections; the export handles plain "
                                  "feed-forward layers")
        W, b, names = lay.weights, lay.biases, list(lay.activations)
        if any(a not in _ACT for a in names):
            raise InvalidArgument(f"network has activations {names}; the export handles "
                                  "identity and relu (continuous piecewise linear) networks")
        layers.append((W, b, [_ACT[a] for a in names]))
    if table is None:
        tri = triangle(k)
        xs = list(tri.knots)
        ys = [tri(x) if x < 1 else tri.limit(x, "left") for x in xs]
    else:
        xs, ys = (list(map(Fraction, table[0])), list(map(Fraction, table[1])))
    compiled = net.to_piecewise()
    cxs = list(compiled.knots)
    cys = [compiled(x) if x < 1 else compiled.limit(x, "left") for x in cxs]
    item = f"A8/telgarsky/k={k}"
    statement = (f"the depth-{k} width-2 ReLU network N_{k} (weights below) equals the "
                 f"triangle wave T^{k} on [0, 1]")
    checked = ("(1) the exported table of T^k matches the kernel's own iteration of the tent "
               "map T(y) = min(2y, 2 - 2y) at every breakpoint; (2) the breakpoints increase "
               "from 0 to 1; (3) on every piece [a, b] of the table, every neuron's "
               "pre-activation has weakly the same sign at a and at b, so by induction over the "
               "layers every neuron (hence the output) is affine on [a, b], and the output "
               "equals the table at a and at b, so on all of [a, b]; (4) the network's own "
               "compiled piece table (exactmtl's compiler) equals the table of T^k")
    taken = ("that T^k is affine between consecutive exported breakpoints (T^k is affine on "
             "each [j 2^-k, (j+1) 2^-k]); the induction step of (3) (a ReLU of an affine "
             "function that does not change strict sign on [a, b] is affine there) is stated, "
             "not formalised")
    layer_txt = ";\n  ".join(
        f"({_qrows(W)}, {_qlist(b)}, {_nat_list(a)})" for W, b, a in layers)
    text = _comment(item, checked, taken, statement) + _FINITE_HEADER + f"""
Open Scope Q_scope.
Definition k : nat := {k}.
Definition layers : list (list (list Q) * list Q * list nat) := [
  {layer_txt}].
Definition xs : list Q := {_qlist(xs)}.
Definition ys : list Q := {_qlist(ys)}.
Definition cxs : list Q := {_qlist(cxs)}.
Definition cys : list Q := {_qlist(cys)}.

Definition relu (x : Q) : Q := if Qle_bool 0 x then x else 0.
Definition act (a : nat) (x : Q) : Q := match a with O => x | _ => relu x end.
Fixpoint dot (w x : list Q) : Q :=
  match w, x with a :: w', b :: x' => Qred (a * b + dot w' x') | _, _ => 0 end.
Definition pre (L : list (list Q) * list Q * list nat) (v : list Q) : list Q :=
  let '(W, b, _) := L in map (fun '(w, c) => Qred (dot w v + c)) (combine W b).
Definition post (L : list (list Q) * list Q * list nat) (z : list Q) : list Q :=
  let '(_, _, A) := L in map (fun '(a, x) => act a x) (combine A z).
(* all pre-activations, layer by layer, and the output *)
Fixpoint run (Ls : list (list (list Q) * list Q * list nat)) (v : list Q)
  : list (list Q) * list Q :=
  match Ls with
  | [] => ([], v)
  | L :: Ls' => let z := pre L v in let '(zs, out) := run Ls' (post L z) in (z :: zs, out)
  end.
Definition output (x : Q) : Q := hd 0 (snd (run layers [x])).
Definition same_sign (a b : Q) : bool :=
  (Qle_bool 0 a && Qle_bool 0 b) || (Qle_bool a 0 && Qle_bool b 0).
Definition signs_ok (a b : Q) : bool :=
  forallb (fun '(za, zb) => forallb (fun '(x, y) => same_sign x y) (combine za zb))
          (combine (fst (run layers [a])) (fst (run layers [b]))).
Definition tent (y : Q) : Q := if Qle_bool y (1 # 2) then Qred (2 * y) else Qred (2 - 2 * y).
Fixpoint iter (j : nat) (y : Q) : Q := match j with O => y | S j' => tent (iter j' y) end.
Fixpoint increasing (l : list Q) : bool :=
  match l with x :: ((y :: _) as l') => negb (Qle_bool y x) && increasing l' | _ => true end.
Fixpoint pieces (l : list Q) : list (Q * Q) :=
  match l with x :: ((y :: _) as l') => (x, y) :: pieces l' | _ => [] end.
Definition table_ok : bool :=
  forallb (fun '(x, y) => Qeq_bool (iter k x) y) (combine xs ys) &&
  Nat.eqb (length xs) (length ys).
Definition ends_ok : bool :=
  Qeq_bool (hd 1 xs) 0 && Qeq_bool (last xs 0) 1 && increasing xs.
Definition pieces_ok : bool :=
  forallb (fun '(a, b) => signs_ok a b) (pieces xs) &&
  forallb (fun '(x, y) => Qeq_bool (output x) y) (combine xs ys).
Fixpoint qlist_eq (a b : list Q) : bool :=
  match a, b with
  | x :: a', y :: b' => Qeq_bool x y && qlist_eq a' b'
  | [], [] => true
  | _, _ => false
  end.
Definition compiled_ok : bool := qlist_eq cxs xs && qlist_eq cys ys.
Definition check : bool := table_ok && ends_ok && pieces_ok && compiled_ok.

Lemma telgarsky_ok : check = true.
Proof. vm_compute. reflexivity. Qed.
"""
    return CoqFile(item, _module_name(item), text, checked, taken)


def _qrows(rows: Sequence[Sequence[Any]]) -> str:
    return "[" + "; ".join(_qlist(r) for r in rows) + "]"


def code_length_file(item: str, table: Any, scale: int, eps: Any, cover: Sequence[Sequence[int]],
                     packing: Sequence[int], code_length: int, statement: str = "") -> CoqFile:
    """Covering/packing certificate of an exact code length, checked by the kernel.

    ``table[i]`` holds member ``i`` as integers over ``scale`` (values whose row-wise maximum
    difference is the sup distance); ``cover`` partitions the members into groups of pairwise
    distance ``<= 2 eps``; ``packing`` lists members of pairwise distance ``> 2 eps``. The
    kernel checks both and that ``ceil(log2 |cover|) = ceil(log2 |packing|) = code_length``,
    which fixes ``L = ceil(log2 N_ext(eps))`` since ``|packing| <= N_ext <= |cover|``.

    >>> f = code_length_file("demo", [[0], [1], [2], [3]], 1, Fraction(1, 2),
    ...                      [[0, 1], [2, 3]], [0, 2], 1)
    >>> "Lemma code_length_ok : check = true." in f.text
    True
    """
    rows = [[int(v) for v in r] for r in table]
    scale = as_exact_int(scale, "scale", minimum=1)
    e = as_exact(eps, "eps")
    if e < 0:
        raise InvalidArgument(f"eps={e}; expected eps >= 0")
    L = as_exact_int(code_length, "code_length", minimum=0)
    size = len(rows)
    # |x - y| / scale <= 2 eps  <=>  |x - y| * den <= 2 num scale
    num, den = e.numerator, e.denominator
    statement = statement or (f"the class of {size} members has exact code length "
                              f"L = ceil(log2 N_ext({e})) = {L}")
    checked = (f"the cover is a partition of 0..{size - 1} into {len(cover)} groups of pairwise "
               f"sup distance <= 2 eps; the packing has {len(packing)} distinct members of "
               "pairwise sup distance > 2 eps; ceil(log2) of both sizes equals L")
    taken = ("the integer table: row i is member i (values and one-sided limits at the grid "
             "points, times scale), so that the sup distance of two members is the maximum "
             "absolute difference of their rows over scale")
    text = _comment(item, checked, taken, statement) + _FINITE_HEADER + f"""
Open Scope Z_scope.
Definition table : list (list Z) := {_zrows(rows)}.
Definition size : nat := {size}.
Definition cover : list (list nat) := [{"; ".join(_nat_list(g) for g in cover)}].
Definition packing : list nat := {_nat_list(packing)}.
Definition L : nat := {L}.
Definition num : Z := {num}.
Definition den : Z := {den}.
Definition scale : Z := {scale}.

Fixpoint dist (a b : list Z) : Z :=
  match a, b with x :: a', y :: b' => Z.max (Z.abs (x - y)) (dist a' b') | _, _ => 0 end.
Definition row (i : nat) : list Z := nth i table [].
Definition close (i j : nat) : bool := Z.leb (dist (row i) (row j) * den) (2 * num * scale).
Definition group_ok (g : list nat) : bool := forallb (fun i => forallb (close i) g) g.
Definition count (i : nat) (l : list nat) : nat := count_occ Nat.eq_dec l i.
Definition partition_ok : bool :=
  Nat.eqb (length (concat cover)) size &&
  forallb (fun i => Nat.eqb (count i (concat cover)) 1) (seq 0 size).
Fixpoint far_from (i : nat) (l : list nat) : bool :=
  match l with [] => true | j :: l' => negb (close i j) && far_from i l' end.
Fixpoint packing_far (l : list nat) : bool :=
  match l with [] => true | i :: l' => far_from i l' && packing_far l' end.
Definition packing_ok : bool :=
  forallb (fun i => Nat.ltb i size) packing && packing_far packing.
Definition check : bool :=
  Nat.eqb (length table) size && partition_ok && forallb group_ok cover && packing_ok &&
  Nat.eqb (Nat.log2_up (length cover)) L && Nat.eqb (Nat.log2_up (length packing)) L.

Lemma code_length_ok : check = true.
Proof. vm_compute. reflexivity. Qed.
"""
    return CoqFile(item, _module_name(item), text, checked, taken)


def maurer_xi_file(N: int, value: Any) -> CoqFile:
    """Maurer's xi(N) computed by the kernel over Q equals ``value``; sqrt(N) <= xi <= 2 sqrt(N).

    >>> f = maurer_xi_file(4, Fraction(103, 32))
    >>> "Lemma xi_value : Qeq_bool (xi N) (103 # 32) = true." in f.text
    True
    """
    N = as_exact_int(N, "N", minimum=1, maximum=200)
    v = as_exact(value, "value")
    item = f"D1.4/maurer-xi/N={N}"
    statement = (f"xi({N}) = sum_k C({N},k) k^k ({N}-k)^({N}-k) / {N}^{N} = {v}, and "
                 f"sqrt({N}) <= {v} <= 2 sqrt({N})")
    checked = ("the sum, computed over Z/Q by the kernel from the definition (0^0 = 1), equals "
               "the exported value; both real inequalities by the interval tactic")
    taken = "nothing: the statement is self-contained"
    text = _comment(item, checked, taken, statement) + _FINITE_HEADER + f"""\
From Coq Require Import Reals.
From Interval Require Import Tactic.
Open Scope Z_scope.
Definition N : nat := {N}.
Fixpoint binom (n k : nat) : Z :=
  match n, k with
  | _, O => 1
  | O, S _ => 0
  | S n', S k' => binom n' k' + binom n' k
  end.
Definition zpow (b : nat) (e : nat) : Z := Z.pow (Z.of_nat b) (Z.of_nat e).
Definition xi (n : nat) : Q :=
  (fold_left Z.add (map (fun k => binom n k * zpow k k * zpow (n - k) (n - k)) (seq 0 (S n))) 0)
  # Z.to_pos (zpow n n).
Lemma xi_value : Qeq_bool (xi N) {_qlit(v)} = true.
Proof. vm_compute. reflexivity. Qed.

Open Scope R_scope.
Lemma xi_bounds : sqrt {N} <= {_q(v)} <= 2 * sqrt {N}.
Proof. interval. Qed.
"""
    return CoqFile(item, _module_name(item), text, checked, taken)


# --------------------------------------------------------------------------- items and export

def _readme_certify() -> list[CoqFile]:
    import sympy

    from exactmtl.certified import certify

    c = certify(sympy.sqrt(2) * sympy.log(2), "<", Fraction(99, 100))
    return [certificate_file(c, "README/certify")]


def _kl_inverse_items() -> list[CoqFile]:
    from exactmtl.companions.pacbayes import kl_inverse

    out = []
    for q, c in ((Fraction(1, 8), Fraction(1, 2)), (Fraction(0), Fraction(1, 8)),
                 (Fraction(3, 8), Fraction(1, 64))):
        enc = kl_inverse(q, c)
        base = f"D1.1/kl-inverse/q={q},c={c}"
        out.append(inequality_file(f"{base}/lower", _kl_expr(q, enc.lo), "<=", c,
                                   prec=enc.prec, note=f"lower end {enc.lo} of kl^-1"))
        if enc.hi < 1:
            out.append(inequality_file(f"{base}/upper", _kl_expr(q, enc.hi), ">", c,
                                       prec=enc.prec, note=f"upper end {enc.hi} of kl^-1"))
    return out


def _occam_items() -> list[CoqFile]:
    from exactmtl.companions.pacbayes import multitask_occam_bound, occam_complexity

    r_hat, shared, tasks, m, delta = Fraction(1, 20), 8000, [100] * 20, 1000, Fraction(1, 20)
    b = multitask_occam_bound(r_hat, shared, tasks, m, delta)
    c = occam_complexity(shared + sum(tasks), len(tasks) * m, delta)
    base = "D1.1/multitask-occam"
    files = [inequality_file(f"{base}/lower", _kl_expr(r_hat, b.lo), "<=", c,
                             prec=b.value.prec, note="kl(r_hat||lo) <= c: lo is below the bound")]
    if b.hi < 1:
        files.append(inequality_file(f"{base}/upper", _kl_expr(r_hat, b.hi), ">", c,
                                     prec=b.value.prec,
                                     note="kl(r_hat||hi) > c with kl increasing on [r_hat, 1]:"
                                          " every r with kl(r_hat||r) <= c is below hi"))
    return files


def _xi_items() -> list[CoqFile]:
    from exactmtl.companions.pacbayes import maurer_xi

    return [maurer_xi_file(4, maurer_xi(4))]


def _walsh_items() -> list[CoqFile]:
    return [walsh_gram_file(5)]


def _telgarsky_items() -> list[CoqFile]:
    return [telgarsky_file(k) for k in (1, 4, 8)]


def _golden_code_items() -> list[CoqFile]:
    from exactmtl.coding import code_length_certificate, feature_class, output_table

    out = []
    # Theorem H at n = 3: one eps in each range of L(eps, H_3) = 7, 3, 1, 0
    h = feature_class(3)
    for eps, L in ((Fraction(1, 32), 7), (Fraction(1, 8), 3), (Fraction(1, 4), 1),
                   (Fraction(1, 2), 0)):
        cert = code_length_certificate(h, eps)
        out.append(_cert_file(f"M16/theorem-H/n=3,eps={eps}", cert, L,
                              f"L(eps, H_3) = {L} at eps = {eps} (Theorem H)"))
    # the n <= 3 golden rows of the joint/separate table, below delta_min / 2
    rows = [(2, 1, (0, 1), (2, 3), 3), (2, 2, (0, 1, 2, 3), (0, 1, 2, 2), 3),
            (3, 1, (0, 1), (6, 7), 7), (3, 2, (0, 1, 2, 3), (4, 5, 6, 6), 7)]
    for n, m, ks, per_task, joint in rows:
        tab = output_table(n, m, list(ks))
        eps = Fraction(1, 1 << (n - m + 3)) if m < n else Fraction(1, 4)
        name = f"M25/golden/n={n},m={m},K={','.join(map(str, ks))}"
        for t, L in enumerate(per_task):
            cert = code_length_certificate(tab.marginal(t), eps)
            out.append(_cert_file(f"{name}/task={t}", cert, L,
                                  f"per-task code length of task {t} is {L} at eps = {eps}"))
        cert = code_length_certificate(tab.joint(), eps)
        out.append(_cert_file(f"{name}/joint", cert, joint,
                              f"joint code length is {joint} at eps = {eps}"))
    return out


def _cert_file(item: str, cert: Any, L: int, statement: str) -> CoqFile:
    if cert.code_length != L:
        raise InvalidArgument(f"{item}: exactmtl computed L = {cert.code_length}, the golden "
                              f"value is {L}")
    cls = cert.cls
    return code_length_file(item, cls.table.tolist(), int(cls.scale), cert.eps,
                            [list(g) for g in cert.cover], list(cert.packing), L, statement)


_ITEMS: dict[str, Callable[[], list[CoqFile]]] = {
    "README": _readme_certify,
    "D1.1": lambda: _kl_inverse_items() + _occam_items(),
    "D1.4": _xi_items,
    "A3": _walsh_items,
    "A8": _telgarsky_items,
    "M16+M25": _golden_code_items,
}


def export_items(ids: Sequence[str] | None = None) -> list[CoqFile]:
    """The export items, optionally selected by ``ids`` (globs or prefixes of item ids).

    ``ids=["D1.4"]`` selects every item whose id starts with ``D1.4`` (as ``exactmtl check
    -k`` does for claims); ``["A8/telgarsky/k=4"]`` one item.

    >>> [f.item for f in export_items(["D1.4"])]
    ['D1.4/maurer-xi/N=4']
    """
    if ids is not None and (isinstance(ids, str) or not all(isinstance(i, str) for i in ids)):
        raise InvalidArgumentType(f"ids={ids!r}; expected a list of strings")
    pats = list(ids) if ids else None
    out: list[CoqFile] = []
    for group, make in _ITEMS.items():
        if pats and not any(_group_may_match(group, p) for p in pats):
            continue
        out.extend(f for f in make() if not pats or any(_matches(f.item, p) for p in pats))
    if pats and not out:
        raise InvalidArgument(f"ids={pats} match no export item; items start with "
                              f"{', '.join(g for k in _ITEMS for g in k.split('+'))}")
    return out


def _matches(item: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(item, pattern) or item.startswith(pattern)


def _group_may_match(group: str, pattern: str) -> bool:
    head = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
    return any(g.startswith(head) or head.startswith(g) for g in group.split("+"))


def export_coq(directory: str | os.PathLike[str], ids: Sequence[str] | None = None) -> list[Path]:
    """Write the selected export items into ``directory`` as ``.v`` files; return the paths."""
    if not isinstance(directory, (str, os.PathLike)) or not str(directory):
        raise InvalidArgumentType(f"directory={directory!r}; expected a folder path")
    return [f.write(directory) for f in export_items(ids)]


@dataclass(frozen=True)
class CoqResult:
    """The outcome of :func:`compile_coq`: truthy iff ``coqc`` accepted the file."""

    ok: bool
    seconds: float
    output: str

    def __bool__(self) -> bool:
        return self.ok


def coqc_path() -> str | None:
    """The ``coqc`` executable, or None (install the Debian packages :data:`COQ_PACKAGES`)."""
    return shutil.which("coqc")


def compile_coq(path: str | os.PathLike[str], *, timeout: float = 600) -> CoqResult:
    """Compile one exported file with ``coqc`` (in a scratch folder); the kernel's verdict.

    Raises ``FileNotFoundError`` naming the packages to install when ``coqc`` is absent.
    """
    coqc = coqc_path()
    if coqc is None:
        raise FileNotFoundError(f"coqc not found; install the Debian packages {COQ_PACKAGES} "
                                "(apt-get install coq libcoq-interval)")
    src = Path(path)
    if not src.is_file() or src.suffix != ".v":
        raise InvalidArgument(f"path={str(src)!r} is not a .v file")
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / src.name
        shutil.copyfile(src, local)
        start = time.perf_counter()
        try:
            proc = subprocess.run([coqc, "-q", local.name], cwd=tmp, capture_output=True,
                                  text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return CoqResult(False, time.perf_counter() - start, f"timed out after {timeout} s")
        return CoqResult(proc.returncode == 0, time.perf_counter() - start,
                         (proc.stdout + proc.stderr).strip())
