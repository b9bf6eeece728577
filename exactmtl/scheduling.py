"""Independent work units of the proof suite, run on local processes or a Dask cluster.

:func:`plan_units` cuts the selected proofs into units:

* a claim none of whose checks declares cases is **one unit** (all its checks and falsifiers):
  small claims stay whole;
* a claim with a check that declares cases (:func:`exactmtl.proofcheck.cases`) becomes one unit
  per case of that check, one unit per other check, and one unit for its falsifiers.

A unit carries its proof file's source, so a worker needs only the installed package.
:func:`run_unit` runs one unit anywhere and returns its steps; :func:`assemble` puts them back
together in the plan's order, merging the cases of a check exactly as the serial runner does
(:func:`exactmtl.proofcheck.merge_cases`). So verdicts, certificates and order do not depend
on the schedule; only the timings do.

:func:`run_parallel` runs the units on ``jobs`` local worker processes (a process that dies
has its unit re-run on a fresh one; the re-run units are listed in the notes) or, with
``scheduler="tcp://HOST:PORT"``, on a Dask distributed cluster, which re-runs the units of a
lost worker elsewhere. Ctrl-C kills or cancels every unit and raises ``KeyboardInterrupt``.

>>> from exactmtl.proofcheck import discover
>>> proofs = discover(["proofs/a9_centred_waves.py"])
>>> units = plan_units(proofs)
>>> [u.key for u in units]
['A9']
>>> run = run_parallel(proofs, jobs=1)
>>> [r.status for r in run.results], run.notes
(['ok'], [])
"""

from __future__ import annotations

import hashlib
import os
import pickle
import socket
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from exactmtl.errors import InvalidArgument, InvalidArgumentType
from exactmtl.proofcheck import (
    ClaimResult,
    ProofModule,
    StepResult,
    _jsonable,
    _proof_module,
    check_cases,
    merge_cases,
    run_case,
    run_check,
    run_falsifier,
    run_proof,
)

__all__ = [
    "ParallelRun",
    "Unit",
    "UnitResult",
    "assemble",
    "parse_jobs",
    "plan_units",
    "run_parallel",
    "run_unit",
]

MAX_ATTEMPTS = 3  # a unit whose worker dies this many times is reported as ERROR
CONNECT_TIMEOUT = "20s"  # how long --scheduler waits for the Dask scheduler to answer


@dataclass(frozen=True)
class Unit:
    """One schedulable piece of a claim: the whole claim, one check, one case or its falsifiers.

    ``part`` is ``"claim"``, ``"check"``, ``"case"`` or ``"falsifiers"``; ``name`` is the
    check's name (for ``"check"`` and ``"case"``), ``case`` the declared case.

    >>> Unit("A3/check_x[15]", 0, "A3", "a3.py", "", "case", "check_x", 15).label
    'A3 check_x[15]'
    """

    key: str
    index: int
    claim: str
    path: str
    source: str
    part: str
    name: str = ""
    case: Any = None
    full: bool = False
    weight: float = 1.0

    @property
    def label(self) -> str:
        """A short human name: the claim, the check and the case."""
        if self.part == "claim":
            return self.claim
        if self.part == "falsifiers":
            return f"{self.claim} falsifiers"
        if self.part == "check":
            return f"{self.claim} {self.name}"
        return f"{self.claim} {self.name}[{_jsonable(self.case)}]"


@dataclass
class UnitResult:
    """What a worker sends back: the unit's steps, its wall and CPU seconds, and where it ran.

    >>> r = UnitResult("A9", [], 1.5, 1.25, "host:1")
    >>> r.cpu
    1.25
    """

    key: str
    steps: list[StepResult]
    seconds: float
    cpu: float
    worker: str


@dataclass
class ParallelRun:
    """The outcome of :func:`run_parallel`: claim results in plan order, and the run's notes.

    ``rerun`` lists the units that were re-run after their worker was lost; ``notes`` says so
    in words (it goes into the report). ``cpu_by_worker`` is the CPU seconds each worker spent
    in units: the balance of the schedule.
    """

    results: list[ClaimResult]
    notes: list[str] = field(default_factory=list)
    rerun: list[str] = field(default_factory=list)
    units: int = 0
    workers: int = 1
    seconds: float = 0.0
    cpu_by_worker: dict[str, float] = field(default_factory=dict)

    def balance_line(self) -> str:
        """One line: units, workers, wall time and the CPU seconds of each worker."""
        cpus = sorted(self.cpu_by_worker.values(), reverse=True)
        text = " + ".join(f"{c:.1f}" for c in cpus) or "0"
        return (f"{self.units} units on {self.workers} workers in {self.seconds:.1f} s; "
                f"CPU seconds per worker: {text}")


# --------------------------------------------------------------------------- planning

def _source(proof: ProofModule) -> str:
    try:
        return Path(proof.path).read_text(encoding="utf-8")
    except OSError:  # an in-memory proof: the worker must be this process (jobs=1)
        return ""


def plan_units(proofs: Sequence[ProofModule], full: bool = False) -> list[Unit]:
    """The work units of ``proofs``, in a deterministic order (the report's order).

    Parameters
    ----------
    proofs : sequence of ProofModule
        The claims to run, as :func:`exactmtl.proofcheck.discover` returns them.
    full : bool
        Plan the ``--full`` ranges (more cases).

    Returns
    -------
    list of Unit
        One unit per small claim; one per case, per other check and for the falsifiers of a
        claim whose checks declare cases.

    >>> from exactmtl.proofcheck import discover
    >>> units = plan_units(discover(["proofs/a3_walsh.py"]), full=True)
    >>> [u.key for u in units][:3]
    ['A3/check_group_law_and_orthonormality[0]', 'A3/check_group_law_and_orthonormality[1]', \
'A3/check_group_law_and_orthonormality[2]']
    >>> units[-1].key, units[-1].part
    ('A3/falsifiers', 'falsifiers')
    """
    units: list[Unit] = []
    seen: set[str] = set()
    for proof in proofs:
        source = _source(proof)
        declared: dict[str, list | None] = {}
        for func in proof.checks:
            try:
                declared[func.__name__] = check_cases(func, full)
            except Exception:  # the worker's run_check reports it as an ERROR
                declared[func.__name__] = None

        def add(key: str, part: str, name: str = "", case: Any = None,
                weight: float = 1.0, _proof: ProofModule = proof, _source: str = source) -> None:
            if key in seen:  # a case declared twice still gets a unit of its own
                key = f"{key}#{len(units)}"
            seen.add(key)
            units.append(Unit(key, len(units), _proof.id, str(_proof.path), _source, part, name,
                              case, full, weight))

        if all(d is None for d in declared.values()):
            add(proof.id, "claim")
            continue
        for func in proof.checks:
            cases = declared[func.__name__]
            if not cases:
                add(f"{proof.id}/{func.__name__}", "check", func.__name__)
                continue
            weigh = getattr(func, "__exactmtl_weight__", None)
            for case in cases:
                weight = float(weigh(case)) if weigh is not None else 1.0  # float ok: scheduling
                add(f"{proof.id}/{func.__name__}[{_jsonable(case)}]", "case", func.__name__,
                    case, weight)
        add(f"{proof.id}/falsifiers", "falsifiers")
    return units


# --------------------------------------------------------------------------- running one unit

_LOADED: dict[tuple[str, str], ProofModule] = {}


def _load_unit_proof(unit: Unit) -> ProofModule:
    """The unit's proof module: the file itself when it has the unit's source, else the
    source executed as a fresh module (a worker on another machine needs no proofs/ folder)."""
    digest = hashlib.sha256(unit.source.encode()).hexdigest()
    cached = _LOADED.get((unit.path, digest))
    if cached is not None:
        return cached
    path = Path(unit.path)
    try:
        same = path.is_file() and path.read_text(encoding="utf-8") == unit.source
    except OSError:
        same = False
    if same or not unit.source:
        proof = _proof_module(path)
    else:
        import re

        name = "exactmtl_proofs." + re.sub(r"\W", "_", path.stem)
        module = ModuleType(name)
        module.__file__ = str(path)
        sys.modules[name] = module
        exec(compile(unit.source, str(path), "exec"), module.__dict__)
        proof = _proof_module(path, module)
    _LOADED[(unit.path, digest)] = proof
    return proof


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_unit(unit: Unit) -> UnitResult:
    """Run one unit here and return its steps; never raises (a failure is an ERROR step).

    Parameters
    ----------
    unit : Unit
        A unit of :func:`plan_units`; its proof source is executed when the file is absent.

    Returns
    -------
    UnitResult
        The steps, the wall and CPU seconds, and ``host:pid`` of the process that ran it.

    >>> from exactmtl.proofcheck import discover
    >>> unit = plan_units(discover(["proofs/a9_centred_waves.py"]))[0]
    >>> [s.status for s in run_unit(unit).steps]
    ['ok', 'ok']
    """
    start, cpu = time.perf_counter(), time.process_time()
    try:
        proof = _load_unit_proof(unit)
        checks = {f.__name__: f for f in proof.checks}
        if unit.part == "claim":
            steps = run_proof(proof, unit.full).steps
        elif unit.part == "check":
            steps = [run_check(checks[unit.name], unit.full)]
        elif unit.part == "case":
            steps = [run_case(checks[unit.name], unit.case, unit.full)]
        elif unit.part == "falsifiers":
            steps = [run_falsifier(f) for f in proof.falsifiers]
        else:
            raise InvalidArgument(f"unit part={unit.part!r}; expected claim, check, case or "
                                  "falsifiers")
    except Exception as exc:  # a unit that cannot even start is reported, never lost
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        steps = [StepResult(unit.name or "load", "load", "ERROR", 0.0,
                            f"unit {unit.key}: {tb}", traceback=traceback.format_exc())]
    result = UnitResult(unit.key, steps, time.perf_counter() - start,
                        time.process_time() - cpu, _worker_name())
    try:
        pickle.dumps(result)
    except Exception:  # a certificate that cannot travel is sent as its JSON form
        for step in result.steps:
            step.certificate = _jsonable(step.certificate)
            step.case = _jsonable(step.case)
    return result


def _lost(unit: Unit, message: str) -> UnitResult:
    return UnitResult(unit.key, [StepResult(unit.name or "worker", "load", "ERROR", 0.0,
                                            f"unit {unit.key}: {message}")], 0.0, 0.0, "")


# --------------------------------------------------------------------------- assembling

def assemble(proofs: Sequence[ProofModule], units: Sequence[Unit],
             results: dict[str, UnitResult]) -> list[ClaimResult]:
    """Claim results, in the order of ``proofs``, from the results of every unit.

    Parameters
    ----------
    proofs : sequence of ProofModule
        The claims, in report order.
    units : sequence of Unit
        Their plan (:func:`plan_units`).
    results : dict
        ``unit.key -> UnitResult`` for every unit (any order, any worker).

    Returns
    -------
    list of ClaimResult
        The serial run's results: cases merged by :func:`exactmtl.proofcheck.merge_cases`.

    >>> from exactmtl.proofcheck import discover
    >>> proofs = discover(["proofs/a9_centred_waves.py"])
    >>> units = plan_units(proofs)
    >>> [r.status for r in assemble(proofs, units, {u.key: run_unit(u) for u in units})]
    ['ok']
    """
    by_claim: dict[str, list[Unit]] = {}
    for unit in units:
        by_claim.setdefault(unit.claim, []).append(unit)
    claims = []
    for proof in proofs:
        mine = by_claim.get(proof.id, [])
        missing = [u.key for u in mine if u.key not in results]
        if not mine or missing:
            raise InvalidArgument(f"assemble: no result for the units {missing or [proof.id]}")
        steps: list[StepResult] = []
        if len(mine) == 1 and mine[0].part == "claim":
            steps = list(results[mine[0].key].steps)
        else:
            for func in proof.checks:
                parts = [u for u in mine if u.name == func.__name__]
                if len(parts) == 1 and parts[0].part == "check":
                    steps.extend(results[parts[0].key].steps)
                else:
                    steps.append(merge_cases(func, [u.case for u in parts],
                                             [results[u.key].steps[0] for u in parts]))
            for unit in mine:
                if unit.part == "falsifiers":
                    steps.extend(results[unit.key].steps)
        seconds = sum(results[u.key].seconds for u in mine)
        claims.append(ClaimResult(proof.id, proof.claim.title, str(proof.path), proof.fields,
                                  steps, seconds))
    return claims


# --------------------------------------------------------------------------- executors

def parse_jobs(value: Any) -> int:
    """``--jobs``: a count >= 1, or ``0`` / ``"auto"`` for every core this process may use.

    Parameters
    ----------
    value : int or str
        What the user gave.

    Returns
    -------
    int
        The number of worker processes (at least 1).

    >>> parse_jobs("3"), parse_jobs("auto") >= 1, parse_jobs(0) == parse_jobs("auto")
    (3, True, True)
    >>> parse_jobs("-1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: jobs='-1': expected a number of processes >= 1, or 0 / ...
    """
    text = str(value).strip().lower()
    if isinstance(value, bool) or not (text == "auto" or text.isdigit()):
        raise InvalidArgument(f"jobs={value!r}: expected a number of processes >= 1, or 0 / "
                              "auto for all cores")
    if text == "auto" or int(text) == 0:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not on Linux
            return max(1, os.cpu_count() or 1)
    return int(text)


def _order(units: Sequence[Unit]) -> list[Unit]:
    """Submission order: declared weights first, heaviest first; the plan order breaks ties."""
    return sorted(units, key=lambda u: (-u.weight, u.index))


class _Progress:
    """``[done/total units] elapsed, about N s left`` for a status callback.

    The estimate scales the elapsed time by the declared weights (estimated seconds) of the
    units still to run against those already run, so heavy units started first do not make
    it wildly pessimistic.

    >>> lines = []
    >>> p = _Progress([4.0, 1.0, 1.0], lines.append)
    >>> p.finished(4.0); p()
    >>> lines[-1].split("] ")[0]
    '[1/3 units'
    """

    def __init__(self, weights: Sequence[float], report: Callable[[str], None] | None) -> None:
        self.total = len(weights)
        self.done = 0
        self.report = report
        self.start = time.monotonic()
        self.weight_total = float(sum(weights))  # float ok: progress estimate
        self.weight_done = 0.0

    def finished(self, weight: float) -> None:
        self.done += 1
        self.weight_done += weight

    def __call__(self, running: Sequence[str] = ()) -> None:
        if self.report is None:
            return
        elapsed = time.monotonic() - self.start
        text = f"[{self.done}/{self.total} units] {elapsed:.0f} s elapsed"
        if 0 < self.done < self.total and self.weight_done > 0:
            left = elapsed * max(self.weight_total - self.weight_done, 0.0) / self.weight_done
            text += f", about {left:.0f} s left"
        if running:
            text += "; running " + ", ".join(running)
        self.report(text)


def _worker_main(conn: Any) -> None:  # pragma: no cover - runs in the worker processes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it ends us
    while True:
        try:
            unit = conn.recv()
        except (EOFError, OSError):
            return
        if unit is None:
            return
        conn.send(run_unit(unit))


def _context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["exactmtl", "exactmtl.scheduling"])
        return ctx
    return multiprocessing.get_context("spawn")


class _LocalWorker:
    def __init__(self, ctx: Any) -> None:
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(target=_worker_main, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.unit: Unit | None = None

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


def _run_local(units: Sequence[Unit], jobs: int, done: Callable[[Unit, UnitResult], None],
               progress: _Progress) -> tuple[list[str], int]:
    """Run ``units`` on ``jobs`` worker processes; returns the keys of re-run units."""
    from multiprocessing.connection import wait

    ctx = _context()
    queue = deque(_order(units))
    attempts: dict[str, int] = {}
    rerun: list[str] = []
    workers = [_LocalWorker(ctx) for _ in range(min(jobs, len(units)) or 1)]
    dead_idle = 0
    last = 0.0
    try:
        while queue or any(w.unit is not None for w in workers):
            for w in workers:
                if w.unit is None and queue:
                    w.unit = queue.popleft()
                    attempts[w.unit.key] = attempts.get(w.unit.key, 0) + 1
                    try:
                        w.conn.send(w.unit)
                    except OSError:  # the worker just died: its sentinel says so below
                        pass
            busy = [w for w in workers if w.unit is not None]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in workers],
                         timeout=0.5)
            for w in list(workers):
                result = None
                if w.unit is not None and w.conn in ready:
                    try:
                        result = w.conn.recv()
                    except (EOFError, OSError):
                        result = None
                if result is not None:
                    unit, w.unit = w.unit, None
                    progress.finished(unit.weight)
                    done(unit, result)
                    continue
                if w.process.sentinel in ready or not w.process.is_alive():
                    w.process.join(timeout=5)
                    code = w.process.exitcode
                    unit, w.unit = w.unit, None
                    w.conn.close()
                    workers[workers.index(w)] = _LocalWorker(ctx)
                    if unit is None:
                        dead_idle += 1
                        if dead_idle > 3 * jobs:
                            raise RuntimeError(f"worker processes keep dying (exit code {code})")
                        continue
                    if unit.key not in rerun:
                        rerun.append(unit.key)
                    if attempts[unit.key] >= MAX_ATTEMPTS:
                        progress.finished(unit.weight)
                        done(unit, _lost(unit, f"its worker process died {MAX_ATTEMPTS} times "
                                               f"(last exit code {code})"))
                    else:
                        queue.appendleft(unit)
            now = time.monotonic()
            if now - last >= 0.5:
                last = now
                progress([w.unit.label for w in workers if w.unit is not None])
    except BaseException:  # Ctrl-C or a bug: no worker outlives the run
        for w in workers:
            w.stop(kill=True)
        raise
    for w in workers:
        w.stop()
    return rerun, len(workers)


_DASK_TOPIC = "exactmtl-unit-start"


def _dask_run_unit(key: str, unit: Unit) -> UnitResult:  # pragma: no cover - on the workers
    """:func:`run_unit` on a Dask worker, which first tells the scheduler it started ``key``
    (a key started twice was re-run after its first worker was lost)."""
    from distributed import get_worker

    get_worker().log_event(_DASK_TOPIC, {"key": key})
    return run_unit(unit)


def _run_dask(units: Sequence[Unit], address: str, done: Callable[[Unit, UnitResult], None],
              progress: _Progress, client: Any = None) -> tuple[list[str], int]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InvalidArgument(f"scheduler={address!r} needs Dask distributed: "
                              "pip install 'exactmtl[distributed]'") from None
    own = client is None
    if own:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise InvalidArgument(f"scheduler={address!r}: cannot connect ({exc})") from None
    token = hashlib.sha256(f"{time.time_ns()}-{os.getpid()}".encode()).hexdigest()[:12]
    ordered = _order(units)
    futures: dict[str, Any] = {}
    unit_of: dict[str, Unit] = {}
    try:
        for rank, unit in enumerate(ordered):
            key = f"exactmtl-{token}-{unit.index}"
            unit_of[key] = unit
            futures[key] = client.submit(_dask_run_unit, key, unit, key=key, pure=False,
                                         priority=len(ordered) - rank)
        for fut in as_completed(list(futures.values())):
            if fut.key not in futures:  # finished again after a lost worker: already have it
                continue
            unit = unit_of[fut.key]
            try:
                result = fut.result()
            except Exception as exc:  # KilledWorker: the unit took its workers down
                tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
                result = _lost(unit, f"lost on the cluster: {tb}")
            # release the result at once: a worker lost later must not take a done unit along
            futures.pop(fut.key).release()
            progress.finished(unit.weight)
            done(unit, result)
            progress()
        starts: dict[str, int] = {}
        for _, event in client.get_events(_DASK_TOPIC):
            key = event.get("key") if isinstance(event, dict) else None
            if key in unit_of:
                starts[key] = starts.get(key, 0) + 1
        rerun = [unit.key for key, unit in unit_of.items() if starts.get(key, 0) > 1]
        workers = len(client.scheduler_info().get("workers", {}))
    except BaseException:
        client.cancel(list(futures.values()), force=True)
        raise
    finally:
        if own:
            client.close()
    order = {u.key: u.index for u in units}
    return sorted(rerun, key=order.__getitem__), workers


def run_parallel(proofs: Sequence[ProofModule], full: bool = False, *, jobs: int = 1,
                 scheduler: str | None = None, client: Any = None,
                 report: Callable[[str], None] | None = None,
                 on_result: Callable[[ClaimResult], None] | None = None) -> ParallelRun:
    """Run ``proofs`` as independent units: in this process (``jobs=1``), on ``jobs`` local
    worker processes, or on the Dask cluster at ``scheduler`` (or an open Dask ``client``).

    Parameters
    ----------
    proofs : sequence of ProofModule
        The claims to run.
    full : bool
        Run the ``--full`` ranges.
    jobs : int
        Local worker processes (1: in this process); see :func:`parse_jobs`.
    scheduler : str, optional
        A Dask scheduler address, ``tcp://HOST:PORT``.
    client : distributed.Client, optional
        An open Dask client (instead of ``scheduler``).
    report : callable, optional
        Gets progress lines (units done/total, elapsed, estimate).
    on_result : callable, optional
        Gets each claim, in plan order, as soon as it and every claim before it are done.

    Returns
    -------
    ParallelRun
        The claims' results (as a serial run gives them), the notes and re-run units, and the
        CPU seconds of each worker.

    Examples
    --------
    >>> from exactmtl.proofcheck import discover
    >>> run = run_parallel(discover(["proofs/d4_3_pooling.py"]), jobs=2)
    >>> [r.status for r in run.results], run.units, run.rerun
    (['ok'], 1, [])
    """
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise InvalidArgumentType(f"jobs={jobs!r}: expected an int >= 1 (see parse_jobs)")
    units = plan_units(proofs, full)
    results: dict[str, UnitResult] = {}
    progress = _Progress([u.weight for u in units], report)
    by_claim: dict[str, list[str]] = {}
    for unit in units:
        by_claim.setdefault(unit.claim, []).append(unit.key)
    shown = 0
    start = time.perf_counter()

    def done(unit: Unit, result: UnitResult) -> None:
        nonlocal shown
        results[unit.key] = result
        while shown < len(proofs) and all(k in results for k in by_claim[proofs[shown].id]):
            claim = assemble([proofs[shown]], units, results)[0]
            shown += 1
            if on_result is not None:
                on_result(claim)

    if scheduler is not None or client is not None:
        rerun, workers = _run_dask(units, scheduler or "", done, progress, client)
    elif jobs == 1:
        rerun, workers = [], 1
        for unit in units:
            progress([unit.label])
            progress.finished(unit.weight)
            done(unit, run_unit(unit))
    else:
        rerun, workers = _run_local(units, jobs, done, progress)
    cpu: dict[str, float] = {}
    for result in results.values():
        if result.worker:
            cpu[result.worker] = cpu.get(result.worker, 0.0) + result.cpu
    labels = {u.key: u.label for u in units}
    notes = []
    if rerun:
        notes.append(f"re-run after a worker was lost ({len(rerun)} units): "
                     + ", ".join(labels[k] for k in rerun))
    return ParallelRun(assemble(proofs, units, results), notes, rerun, len(units), workers,
                       time.perf_counter() - start, cpu)
