"""Proof-check machinery: the ``Claim`` record, ``expect_*`` helpers, discovery and running.

A proof file in ``proofs/`` is a Python module with

* a module docstring with the fields ``Statement``, ``Check``, ``Range``, ``Falsifier`` and
  ``Source`` (one paragraph each, the field name first on its line), and optionally
  ``Provenance`` (``paper``, ``derived`` or ``reference``; see :data:`PROVENANCE_TAGS`);
* ``CLAIM = Claim("A3", "one-line title")``;
* one or more functions ``check_*()``: each raises :class:`CheckFailed` on a counterexample
  and may return a JSON-friendly dict (a certificate) that goes into the report; a check that
  takes a parameter ``full`` is called with ``full=True`` on ``--full`` runs;
* one or more functions ``falsify_*()``: each runs the same check on a perturbed input and
  must be rejected, i.e. must raise :class:`CheckFailed`.

A long sweep may declare its independent cases with :func:`cases`; then ``exactmtl check
--jobs N`` (or ``--scheduler``, see :mod:`exactmtl.scheduling`) runs each case as a unit of its
own, and the report is the same as a serial run's.

``exactmtl check`` and pytest (``tests/test_proofs.py``) both use :func:`discover`, so the
two always run the same files.

>>> claim = Claim("X1", "one plus one is two")
>>> expect_equal(1 + 1, 2, a=1)
>>> expect_equal(1 + 1, 3, a=1)
Traceback (most recent call last):
...
exactmtl.errors.CheckFailed: expected 3, got 2 [a=1]
"""

from __future__ import annotations

import contextvars
import fnmatch
import importlib.util
import inspect
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from exactmtl.errors import CheckFailed, InvalidArgument, InvalidArgumentType

__all__ = [
    "OPTIONAL_FIELDS",
    "PROVENANCE_TAGS",
    "BrokenProof",
    "Claim",
    "ClaimResult",
    "ProofModule",
    "StepResult",
    "broken_result",
    "cases",
    "check_cases",
    "default_proof_dir",
    "discover",
    "expect",
    "expect_equal",
    "expect_false",
    "expect_true",
    "merge_cases",
    "new_claim_text",
    "progress",
    "provenance_tag",
    "pytest_params",
    "run_all",
    "run_case",
    "run_proof",
    "select",
    "write_report",
]

DOC_FIELDS = ("Statement", "Check", "Range", "Falsifier", "Source")
#: Optional docstring fields (the project's own proof files all have them).
OPTIONAL_FIELDS = ("Provenance",)
#: Provenance tags: stated in a published paper (cited by arXiv id or reference), derived
#: here (our derivation or correction), or part of the reference construction of the main
#: paper (arXiv 2606.16028, reconstructed from its abstract).
PROVENANCE_TAGS = ("paper", "derived", "reference")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim id (``"A3"``, ``"M17"``, ``"D1.4"``) and a one-line title.

    >>> Claim("A3", "Walsh group law").id
    'A3'
    >>> Claim("a3", "lower case")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: Claim id='a3' is not a claim id; expected a letter ...
    """

    id: str
    title: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z][A-Za-z]*\d+(\.\d+)*", self.id):
            raise InvalidArgument(
                f"Claim id={self.id!r} is not a claim id; expected a letter then digits, "
                "e.g. 'A3', 'M17', 'D1.4'"
            )


# --------------------------------------------------------------------------- expectations

def _jsonable(value: Any) -> Any:
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def expect(condition: Any, message: str, **case: Any) -> None:
    """Raise :class:`CheckFailed` with ``message`` and the case unless ``condition`` is truthy.

    >>> expect(2 > 1, "order")
    >>> expect(1 > 2, "order", a=1, b=2)
    Traceback (most recent call last):
    ...
    exactmtl.errors.CheckFailed: order [a=1, b=2]
    """
    if not condition:
        raise CheckFailed(message, case)


def expect_true(condition: Any, message: str = "expected a true verdict", **case: Any) -> None:
    """Like :func:`expect`; a verdict object's own text is appended to the message.

    >>> from exactmtl import equal, sawtooth, triangle
    >>> expect_true(equal(sawtooth(1), sawtooth(1)))
    >>> expect_true(equal(triangle(2), triangle(1)), "T^2 != T", k=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.CheckFailed: T^2 != T: differ on (0, 1/4): at x=1/8 f=1/2, g=1/4 [k=2]
    """
    if not condition:
        raise CheckFailed(f"{message}: {condition}", case)


def expect_false(condition: Any, message: str = "expected a false verdict", **case: Any) -> None:
    """Raise :class:`CheckFailed` if ``condition`` is truthy.

    >>> expect_false(1 > 2)
    >>> expect_false(2 > 1, "should not hold")
    Traceback (most recent call last):
    ...
    exactmtl.errors.CheckFailed: should not hold: True
    """
    if condition:
        raise CheckFailed(f"{message}: {condition}", case)


def expect_equal(actual: Any, expected: Any, message: str = "", **case: Any) -> None:
    """Exact equality (``==``) or :class:`CheckFailed` showing both values.

    >>> from fractions import Fraction
    >>> expect_equal(Fraction(2, 4), Fraction(1, 2))
    >>> expect_equal(Fraction(1, 3), Fraction(1, 2), "mean", k=1)
    Traceback (most recent call last):
    ...
    exactmtl.errors.CheckFailed: mean: expected 1/2, got 1/3 [k=1]
    """
    if actual != expected:
        text = f"expected {expected}, got {actual}"
        raise CheckFailed(f"{message}: {text}" if message else text, case)


# --------------------------------------------------------------------------- progress

_PROGRESS: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar(
    "exactmtl_progress", default=None
)


def progress(items: Iterable[T], label: str = "", total: int | None = None) -> Iterator[T]:
    """Iterate over ``items``, reporting progress when run by ``exactmtl check``.

    Outside the runner (pytest, a notebook) this is a plain iteration.

    >>> list(progress(range(3), "levels"))
    [0, 1, 2]
    """
    report = _PROGRESS.get()
    if report is None:
        yield from items
        return
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    last = time.monotonic()
    for i, item in enumerate(items):
        now = time.monotonic()
        if now - last > 0.5:
            last = now
            report(f"{label} {i}/{total}" if total else f"{label} {i}")
        yield item


# --------------------------------------------------------------------------- independent cases

_CASES = "__exactmtl_cases__"
_MERGE = "__exactmtl_merge__"
_WEIGHT = "__exactmtl_weight__"


def _default_merge(declared: list, certificates: list) -> dict:
    return {"cases": len(declared),
            "per_case": {str(_jsonable(c)): cert for c, cert in zip(declared, certificates)}}


def cases(declare: Callable[[bool], Iterable[Any]], *,
          merge: Callable[[list, list], Any] | None = None,
          weight: Callable[[Any], float] | None = None) -> Callable[[T], T]:
    """Declare the independent cases of a ``check_*``, so a runner can schedule each one alone.

    ``declare(full)`` returns the cases in order (small picklable values: ints, strings,
    tuples). The check is called once per case, ``check(case)`` (with ``full=`` when it takes
    that parameter), and returns the case's certificate. ``merge(cases, certificates)`` builds
    the check's certificate from them (default ``{"cases": n, "per_case": {case: cert}}``).
    The step is ok when every case holds; otherwise it is the first case, in declared order,
    that failed or raised. So the verdict and the certificate are the same whether the cases
    ran one after the other (:func:`run_check`) or on many workers (``exactmtl check --jobs``).
    ``weight(case)``, optional, estimates a case's seconds: a parallel run starts the heaviest
    cases first, which balances the workers (it never changes a result).

    Parameters
    ----------
    declare : callable
        ``declare(full) -> iterable`` of the cases, in order.
    merge : callable, optional
        ``merge(cases, certificates) -> certificate`` of the whole check.
    weight : callable, optional
        ``weight(case) -> float``, estimated seconds of one case.

    Returns
    -------
    callable
        The decorator; it marks the check and returns it unchanged.

    Examples
    --------
    >>> @cases(lambda full: range(1, (6 if full else 4) + 1))
    ... def check_square(n):
    ...     expect_equal(sum(range(2 * n)[1::2]), n * n, n=n)
    ...     return n * n
    >>> check_cases(check_square, full=False)
    [1, 2, 3, 4]
    >>> run_check(check_square).certificate
    {'cases': 4, 'per_case': {'1': 1, '2': 4, '3': 9, '4': 16}}
    >>> cases(3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgumentType: cases(declare=3): expected a function full -> ...
    """
    if not callable(declare):
        raise InvalidArgumentType(f"cases(declare={declare!r}): expected a function full -> "
                                  f"cases, got {type(declare).__name__}")
    if merge is not None and not callable(merge):
        raise InvalidArgumentType(f"cases(merge={merge!r}): expected a function (cases, "
                                  f"certificates) -> certificate, got {type(merge).__name__}")
    if weight is not None and not callable(weight):
        raise InvalidArgumentType(f"cases(weight={weight!r}): expected a function case -> "
                                  f"seconds, got {type(weight).__name__}")

    def mark(func: T) -> T:
        setattr(func, _CASES, declare)
        setattr(func, _MERGE, merge or _default_merge)
        setattr(func, _WEIGHT, weight)
        return func

    return mark


def check_cases(func: Callable[..., Any], full: bool = False) -> list | None:
    """The cases a check declares through :func:`cases` (None when it is one unit).

    >>> check_cases(lambda: None) is None
    True
    """
    declare = getattr(func, _CASES, None)
    return None if declare is None else list(declare(full))


def merge_cases(func: Callable[..., Any], declared: list,
                outcomes: Sequence[StepResult]) -> StepResult:
    """One step from the per-case steps of ``func`` (all of them, in declared order, or the
    prefix up to the first that is not ok): ok with the merged certificate, or that case.

    >>> ok = StepResult("check_x", "check", "ok", 1.0, certificate=2)
    >>> bad = StepResult("check_x", "check", "FAIL", 0.5, "expected 3", {"n": 2})
    >>> step = merge_cases(check_cases, [1, 2, 3], [ok, bad])
    >>> step.status, step.message, step.seconds
    ('FAIL', 'expected 3', 1.5)
    """
    seconds = sum(o.seconds for o in outcomes)
    for outcome in outcomes:
        if outcome.status != "ok":
            return StepResult(func.__name__, "check", outcome.status, seconds, outcome.message,
                              outcome.case, traceback=outcome.traceback)
    if len(outcomes) != len(declared):
        raise InvalidArgument(f"merge_cases: {len(outcomes)} outcomes for {len(declared)} "
                              f"cases of {func.__name__}; expected one per case")
    merge = getattr(func, _MERGE, _default_merge)
    try:
        certificate = merge(declared, [o.certificate for o in outcomes])
    except Exception as exc:
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return StepResult(func.__name__, "check", "ERROR", seconds, f"merge: {tb}",
                          traceback=traceback.format_exc())
    return StepResult(func.__name__, "check", "ok", seconds, certificate=certificate)


# --------------------------------------------------------------------------- discovery

@dataclass(frozen=True)
class ProofModule:
    """One proof file: its claim, documented fields, checks and falsifiers.

    >>> proof = discover(["proofs/a9_centred_waves.py"])[0]
    >>> proof.id, [f.__name__ for f in proof.checks], sorted(proof.fields)[:2]
    ('A9', ['check_gram'], ['Check', 'Falsifier'])
    """

    path: Path
    module: ModuleType
    claim: Claim
    fields: dict[str, str]
    checks: tuple[Callable[..., Any], ...]
    falsifiers: tuple[Callable[..., Any], ...]

    @property
    def id(self) -> str:
        return self.claim.id


def _parse_fields(doc: str) -> dict[str, str]:
    fields: dict[str, list[str]] = {}
    current = None
    for line in doc.splitlines():
        head = line.split(None, 1)
        if (head and head[0] in DOC_FIELDS + OPTIONAL_FIELDS
                and line[: len(head[0])] == head[0]):
            current = head[0]
            fields[current] = [head[1].strip()] if len(head) > 1 else []
        elif current is not None and line.strip():
            fields[current].append(line.strip())
        elif current is not None:
            current = None
    return {k: " ".join(v) for k, v in fields.items()}


def provenance_tag(fields: dict[str, str]) -> str:
    """The short provenance tag of a claim's fields: ``paper``, ``derived``, ``reference``,
    ``-`` when the optional field is absent, ``?`` when it names none of the tags.

    >>> provenance_tag({"Provenance": "reference (our reading of arXiv 2606.16028)"})
    'reference'
    >>> provenance_tag({}), provenance_tag({"Provenance": "folklore"})
    ('-', '?')
    """
    text = fields.get("Provenance")
    if not text:
        return "-"
    head = re.split(r"[\s,;:.(]", text.strip(), maxsplit=1)[0].lower()
    return head if head in PROVENANCE_TAGS else "?"


def _claim_sort_key(claim_id: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.findall(r"\d+|[A-Za-z]+", claim_id))


def default_proof_dir() -> Path:
    """``./proofs`` if it exists, else the suite the wheel carries, else the checkout's ``proofs/``.

    An installed wheel carries the top-level ``proofs/`` as the package ``exactmtl._proofs``
    (see pyproject.toml), so ``exactmtl check`` runs the whole suite from any folder.

    >>> default_proof_dir().name
    'proofs'
    """
    here = Path.cwd() / "proofs"
    if here.is_dir():
        return here
    package = Path(__file__).resolve().parent
    installed = package / "_proofs"
    if installed.is_dir():
        return installed
    return package.parent / "proofs"


def _load(path: Path) -> ModuleType:
    name = "exactmtl_proofs." + re.sub(r"\W", "_", path.stem)
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise InvalidArgument(f"path={str(path)!r} cannot be imported as a proof file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]  # a failed import must not be served from the cache next time
        raise
    return module


def _proof_module(path: Path, module: ModuleType | None = None) -> ProofModule:
    """The proof in ``path``; ``module``, when given, is its already executed source."""
    if module is None:
        module = _load(path)
    claim = getattr(module, "CLAIM", None)
    if not isinstance(claim, Claim):
        raise InvalidArgument(f"proof file {path} has no CLAIM = Claim(...)")
    fields = _parse_fields(module.__doc__ or "")
    missing = [f for f in DOC_FIELDS if not fields.get(f)]
    if missing:
        raise InvalidArgument(
            f"proof file {path} docstring lacks the fields {missing}; each field is a line "
            "starting with its name, e.g. 'Falsifier   1 + 1 = 3 is rejected.' (exactmtl "
            "new-claim writes a complete template)")
    if "Provenance" in fields and provenance_tag(fields) == "?":
        raise InvalidArgument(
            f"proof file {path}: Provenance={fields['Provenance']!r}; expected it to start "
            f"with one of {', '.join(PROVENANCE_TAGS)}")
    funcs = [
        obj for name, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__
    ]
    checks = tuple(f for f in funcs if f.__name__.startswith("check_"))
    falsifiers = tuple(f for f in funcs if f.__name__.startswith("falsify_"))
    if not checks:
        raise InvalidArgument(f"proof file {path} defines no check_* function (a check raises "
                              "CheckFailed on a counterexample)")
    if not falsifiers:
        raise InvalidArgument(f"proof file {path} defines no falsify_* function: every claim "
                              "needs a falsifier, the same check on a perturbed input, which "
                              "must be rejected")
    return ProofModule(path, module, claim, fields, checks, falsifiers)


@dataclass(frozen=True)
class BrokenProof:
    """A proof file that could not be loaded (import error, missing ``CLAIM`` or fields).

    ``id`` is guessed from the file name (``a3_walsh.py`` -> ``"A3"``) so that ``-k`` can
    still select it; the runner reports it as an ERROR, never silently skips it.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "x7_broken.py").write_text("import no_such_module_anywhere")
    >>> broken = []
    >>> discover([folder], broken=broken), broken[0].id
    ([], 'X7')
    >>> broken[0].message
    "cannot load x7_broken.py: ModuleNotFoundError: No module named 'no_such_module_anywhere'"
    """

    path: Path
    id: str
    message: str


def _guess_id(path: Path) -> str:
    head = path.stem.split("_")[0]
    return head.upper() if head else path.stem


def discover(paths: Sequence[str | os.PathLike] | None = None, *,
             broken: list[BrokenProof] | None = None) -> list[ProofModule]:
    """Load the proof files under ``paths`` (files or folders; default :func:`default_proof_dir`).

    Files whose name starts with ``_`` are helpers, not proofs. The result is sorted by claim id.
    A file that fails to load raises, unless a list ``broken`` is given: then the file is
    recorded there as a :class:`BrokenProof` (the command line reports it as an ERROR).

    >>> [p.id for p in discover()][:3]
    ['A1', 'A2', 'A3']
    >>> discover(["no/such/dir"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: path='no/such/dir' is neither a proof file (*.py) nor ...
    """
    roots = [Path(p) for p in paths] if paths else [default_proof_dir()]
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            files.extend(sorted(p for p in root.glob("*.py") if not p.name.startswith("_")))
        elif root.is_file() and root.suffix == ".py":
            files.append(root)
        else:
            raise InvalidArgument(
                f"path={str(root)!r} is neither a proof file (*.py) nor a folder of them"
            )
    proofs = []
    for f in files:
        if broken is None:
            proofs.append(_proof_module(f.resolve()))
            continue
        try:
            proofs.append(_proof_module(f.resolve()))
        except Exception as exc:  # reported as ERROR by the caller, never skipped silently
            tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
            broken.append(BrokenProof(f.resolve(), _guess_id(f), f"cannot load {f.name}: {tb}"))
    seen: dict[str, Path] = {}
    for p in proofs:
        if p.id in seen and seen[p.id] != p.path:
            raise InvalidArgument(f"claim id {p.id} is defined twice: {seen[p.id]} and {p.path}")
        seen[p.id] = p.path
    return sorted(proofs, key=lambda p: _claim_sort_key(p.id))


def select(proofs: Sequence[ProofModule], patterns: Sequence[str] | None) -> list[ProofModule]:
    """Keep the proofs whose id matches one of ``patterns``: the id itself (case-insensitive),
    a glob, or a group prefix (``D1`` selects ``D1.1``, ``D1.2``, ...).

    >>> [p.id for p in select(discover(), ["a1", "A1?"])]
    ['A1', 'A10']
    >>> [p.id for p in select(discover(), ["D4"])]
    ['D4.1', 'D4.2', 'D4.3']
    """
    if not patterns:
        return list(proofs)
    pats = [p.upper() for p in patterns]
    return [p for p in proofs
            if any(fnmatch.fnmatchcase(p.id.upper(), q) or p.id.upper().startswith(q + ".")
                   for q in pats)]


# --------------------------------------------------------------------------- running

@dataclass
class StepResult:
    """The outcome of one check or one falsifier.

    >>> run_check(lambda: expect_equal(1, 2, n=3)).status
    'FAIL'
    """

    name: str
    kind: str  # "check" | "falsifier" | "load"
    status: str  # "ok" | "FAIL" | "ERROR"
    seconds: float
    message: str = ""
    case: dict = field(default_factory=dict)
    certificate: Any = None
    traceback: str = ""  # the full traceback of an ERROR


@dataclass
class ClaimResult:
    """The outcome of one proof file: ok only if every check held and every falsifier failed.

    >>> r = run_proof(_demo_proof())
    >>> r.status, r.first_problem(), r.as_dict()["steps"][1]["message"]
    ('ok', None, 'rejected: expected 3, got 2')
    """

    id: str
    title: str
    path: str
    fields: dict[str, str]
    steps: list[StepResult]
    seconds: float

    @property
    def status(self) -> str:
        statuses = {s.status for s in self.steps}
        if "ERROR" in statuses:
            return "ERROR"
        if "FAIL" in statuses:
            return "FAIL"
        return "ok"

    def first_problem(self) -> StepResult | None:
        """The first step that is not ok (None when the claim holds).

        >>> broken_result(BrokenProof(Path("x.py"), "X9", "cannot load")).first_problem().name
        'load'
        """
        return next((s for s in self.steps if s.status != "ok"), None)

    def as_dict(self) -> dict:
        """A JSON-friendly dict (the entry of the ``--json`` report).

        >>> d = run_proof(_demo_proof()).as_dict()
        >>> d["id"], d["status"], [s["kind"] for s in d["steps"]]
        ('X1', 'ok', ['check', 'falsifier'])
        """
        return {
            "id": self.id,
            "title": self.title,
            "path": self.path,
            "status": self.status,
            "seconds": round(self.seconds, 4),
            "fields": self.fields,
            "steps": [
                {
                    "name": s.name,
                    "kind": s.kind,
                    "status": s.status,
                    "seconds": round(s.seconds, 4),
                    "message": s.message,
                    "case": _jsonable(s.case),
                    "certificate": _jsonable(s.certificate),
                    **({"traceback": s.traceback} if s.traceback else {}),
                }
                for s in self.steps
            ],
        }


def _demo_proof() -> ProofModule:
    """A two-step proof in memory, for the examples."""
    import types

    def check_two() -> None:
        expect_equal(1 + 1, 2)

    def falsify_three() -> None:
        expect_equal(1 + 1, 3)

    return ProofModule(Path("demo.py"), types.ModuleType("demo"), Claim("X1", "1 + 1 = 2"),
                       {}, (check_two,), (falsify_three,))


def broken_result(proof: BrokenProof) -> ClaimResult:
    """The ERROR result of a proof file that could not be loaded.

    >>> b = BrokenProof(Path("x9_bad.py"), "X9", "cannot load x9_bad.py: SyntaxError")
    >>> r = broken_result(b)
    >>> r.status, r.steps[0].message
    ('ERROR', 'cannot load x9_bad.py: SyntaxError')
    """
    return ClaimResult(proof.id, "proof file failed to load", str(proof.path), {},
                       [StepResult("load", "load", "ERROR", 0.0, proof.message)], 0.0)


def run_check(func: Callable[..., Any], full: bool = False) -> StepResult:
    """Run one ``check_*``: ok when it returns, FAIL on :class:`CheckFailed`, else ERROR.

    A check that declares its cases (:func:`cases`) runs them in order and stops at the first
    one that is not ok (:func:`merge_cases`).

    >>> r = run_check(lambda: expect_equal(1 + 1, 3, a=1))
    >>> r.status, r.message, r.case
    ('FAIL', 'expected 3, got 2', {'a': 1})
    >>> run_check(lambda: 1 // 0).status
    'ERROR'
    """
    if getattr(func, _CASES, None) is not None:  # declared cases: one after the other
        try:
            declared = check_cases(func, full)
        except Exception as exc:
            tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
            return StepResult(func.__name__, "check", "ERROR", 0.0, f"cases: {tb}",
                              traceback=traceback.format_exc())
        outcomes: list[StepResult] = []
        report = _PROGRESS.get()
        for i, case in enumerate(declared):
            if report is not None:
                report(f"{func.__name__} case {i + 1}/{len(declared)}: {_jsonable(case)}")
            outcomes.append(run_case(func, case, full))
            if outcomes[-1].status != "ok":
                break
        return merge_cases(func, declared, outcomes)
    return _run_step(func, (), full)


def run_case(func: Callable[..., Any], case: Any, full: bool = False) -> StepResult:
    """Run one declared case of a check (see :func:`cases`); its certificate is the case's.

    >>> @cases(lambda full: [1, 2])
    ... def check_even(n):
    ...     expect(n % 2 == 0, "odd", n=n)
    >>> run_case(check_even, 2).status, run_case(check_even, 1).case
    ('ok', {'n': 1})
    """
    return _run_step(func, (case,), full)


def _run_step(func: Callable[..., Any], args: tuple, full: bool) -> StepResult:
    start = time.perf_counter()
    try:
        if "full" in inspect.signature(func).parameters:
            certificate = func(*args, full=full)
        else:
            certificate = func(*args)
    except CheckFailed as exc:
        return StepResult(func.__name__, "check", "FAIL", time.perf_counter() - start,
                          exc.message, exc.case)
    except Exception as exc:  # the runner reports, never crashes
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return StepResult(func.__name__, "check", "ERROR", time.perf_counter() - start, tb,
                          traceback=traceback.format_exc())
    return StepResult(func.__name__, "check", "ok", time.perf_counter() - start,
                      certificate=certificate)


def run_falsifier(func: Callable[..., Any]) -> StepResult:
    """Run one ``falsify_*``: ok when the perturbed input is rejected (CheckFailed).

    >>> run_falsifier(lambda: expect(False, "rejected")).status
    'ok'
    >>> run_falsifier(lambda: None).status     # a falsifier the check cannot see
    'FAIL'
    """
    start = time.perf_counter()
    try:
        func()
    except CheckFailed as exc:
        return StepResult(func.__name__, "falsifier", "ok", time.perf_counter() - start,
                          f"rejected: {exc.message}", exc.case)
    except Exception as exc:
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return StepResult(func.__name__, "falsifier", "ERROR", time.perf_counter() - start, tb,
                          traceback=traceback.format_exc())
    return StepResult(func.__name__, "falsifier", "FAIL", time.perf_counter() - start,
                      "falsifier was not rejected: the check cannot fail on this input")


def run_proof(proof: ProofModule, full: bool = False,
              report: Callable[[str], None] | None = None) -> ClaimResult:
    """Run every check and falsifier of one proof file.

    >>> [(s.kind, s.name, s.status) for s in run_proof(_demo_proof()).steps]
    [('check', 'check_two', 'ok'), ('falsifier', 'falsify_three', 'ok')]
    """
    token = _PROGRESS.set(report)
    start = time.perf_counter()
    steps = []
    try:
        for func in proof.checks:
            if report:
                report(func.__name__)
            steps.append(run_check(func, full))
        for func in proof.falsifiers:
            if report:
                report(func.__name__)
            steps.append(run_falsifier(func))
    finally:
        _PROGRESS.reset(token)
    return ClaimResult(proof.id, proof.claim.title, str(proof.path), proof.fields, steps,
                       time.perf_counter() - start)


def run_all(proofs: Sequence[ProofModule], full: bool = False,
            report: Callable[[str], None] | None = None,
            on_result: Callable[[ClaimResult], None] | None = None) -> list[ClaimResult]:
    """Run the proofs in order, calling ``on_result`` after each.

    >>> [r.status for r in run_all([_demo_proof(), _demo_proof()])]
    ['ok', 'ok']
    """
    results = []
    for i, proof in enumerate(proofs, 1):
        sub = None
        if report is not None:
            def sub(msg: str, _i: int = i, _id: str = proof.id) -> None:
                report(f"[{_i}/{len(proofs)}] {_id}: {msg}")
        result = run_proof(proof, full, sub)
        results.append(result)
        if on_result:
            on_result(result)
    return results


def write_report(results: Sequence[ClaimResult], path: str | os.PathLike, *,
                 full: bool = False, notes: Sequence[str] = ()) -> None:
    """Write the machine-readable report atomically (temporary file, then rename).

    The JSON goes to an unnamed temporary file in the target's folder and replaces ``path``
    with ``os.replace`` only when complete: an interrupted write (Ctrl-C, or ``kill -9`` where
    the file system has ``O_TMPFILE``) leaves no partial file, and a temporary file left by a
    killed run elsewhere is removed by the next write (see ``exactmtl._atomic``).
    ``notes`` are run-level notes (e.g. units re-run after a worker was lost); the key
    ``"notes"`` is written only when there are some.

    >>> import json, tempfile
    >>> target = Path(tempfile.mkdtemp()) / "report.json"
    >>> write_report([run_proof(_demo_proof())], target)
    >>> json.loads(target.read_text())["summary"]
    {'claims': 1, 'ok': 1, 'failed': 0, 'errors': 0}
    """
    import platform

    from exactmtl import __version__

    payload = {
        "tool": "exactmtl",
        "version": __version__,
        "python": platform.python_version(),
        "full": full,
        "summary": {
            "claims": len(results),
            "ok": sum(r.status == "ok" for r in results),
            "failed": sum(r.status == "FAIL" for r in results),
            "errors": sum(r.status == "ERROR" for r in results),
        },
        "claims": [r.as_dict() for r in results],
    }
    if notes:
        payload["notes"] = [str(n) for n in notes]
    from exactmtl._atomic import atomic_writer

    with atomic_writer(path) as fh:
        json.dump(payload, fh, indent=2)
        fh.write("\n")


# --------------------------------------------------------------------------- users' own claims

_TEMPLATE = '''"""{id} -- {title}.

Statement   For every n >= 1, the first n odd numbers sum to n^2 (replace with your claim).
Check       exact integer sums for n <= 200 (n <= 2000 with --full).
Range       1 <= n <= 200 by default, n <= 2000 with --full.
Falsifier   the formula n^2 + 1 in place of n^2 must be rejected.
Source      your reference here (paper, arXiv id, section); e.g. Gauss, folklore.
Provenance  derived
"""

from exactmtl.proofcheck import Claim, expect_equal, progress

CLAIM = Claim({id!r}, {title!r})


def _check(formula, n_max):
    """The exact check, parametrised by its input: raises CheckFailed on a counterexample."""
    total = 0
    for n in progress(range(1, n_max + 1), "n"):
        total += 2 * n - 1
        expect_equal(total, formula(n), "sum of the first n odd numbers", n=n)


def check_odd_sums(full: bool = False):
    n_max = 2000 if full else 200
    _check(lambda n: n * n, n_max)
    return {{"n_max": n_max}}          # an optional certificate for the --json report


def falsify_off_by_one():
    _check(lambda n: n * n + 1, 10)    # must raise CheckFailed
'''


def new_claim_text(claim_id: str, title: str = "the first n odd numbers sum to n^2") -> str:
    """The text of a complete, runnable claim file (edit it into your own claim).

    It has every docstring field, one ``check_*`` and one ``falsify_*``, and runs as is under
    ``exactmtl check PATH`` and under pytest (:func:`pytest_params` or the pytest plugin).

    >>> text = new_claim_text("U1")
    >>> "CLAIM = Claim('U1'" in text, "def falsify_off_by_one" in text
    (True, True)
    >>> new_claim_text("u1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: Claim id='u1' is not a claim id; ...
    """
    Claim(claim_id, title)
    return _TEMPLATE.format(id=claim_id, title=title)


def pytest_params(paths: Sequence[str | os.PathLike] | None = None, *,
                  full: bool = False) -> list[Any]:
    """``pytest.param`` objects, one per check and per falsifier of the claim files.

    Each parameter is a zero-argument callable that raises ``AssertionError`` with the
    runner's verdict when the step is not ok (a check that fails or errors, a falsifier that
    is not rejected, a file that cannot be loaded). In a user's project::

        import pytest
        from exactmtl.proofcheck import pytest_params

        @pytest.mark.parametrize("step", pytest_params(["claims"]))
        def test_claim(step):
            step()

    >>> params = pytest_params(["proofs/a9_centred_waves.py"])
    >>> [p.id for p in params]
    ['A9-check_gram', 'A9-falsify_uncentred']
    >>> params[0].values[0]()
    """
    import pytest

    broken: list[BrokenProof] = []
    proofs = discover(paths, broken=broken)
    params = []
    for b in broken:
        params.append(pytest.param(_failing_step(f"{b.id}: {b.message}"), id=f"{b.id}-load"))
    for proof in proofs:
        for func in proof.checks:
            params.append(pytest.param(_step(proof, func, "check", full),
                                       id=f"{proof.id}-{func.__name__}"))
        for func in proof.falsifiers:
            params.append(pytest.param(_step(proof, func, "falsifier", full),
                                       id=f"{proof.id}-{func.__name__}"))
    return params


def _failing_step(message: str) -> Callable[[], None]:
    def step() -> None:
        raise AssertionError(message)
    return step


def _step(proof: ProofModule, func: Callable[..., Any], kind: str,
          full: bool) -> Callable[[], None]:
    def step() -> None:
        result = run_check(func, full) if kind == "check" else run_falsifier(func)
        if result.status != "ok":
            where = ", ".join(f"{k}={v}" for k, v in result.case.items())
            raise AssertionError(f"{proof.id} {kind} {func.__name__} {result.status}: "
                                 f"{result.message}" + (f" [{where}]" if where else ""))
    step.__name__ = f"{proof.id}-{func.__name__}"
    return step
