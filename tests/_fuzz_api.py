"""Fuzz tier over the whole public API (issue 11): every callable of ``exactmtl.__all__`` and of
each ``exactmtl.companions.<name>.__all__``, each argument fed bad values.

The valid calls are *recorded from the callables' own doctest examples* (every public callable
has one), so a new public function is covered without editing this file. For each recorded call,
each parameter in turn gets every value of ``BAD_VALUES`` (floats, NaN, numpy and sympy floats,
bools, negative and huge integers, wrong types, empty and ragged lists, irrationals, strings) while
the others keep their recorded values. Each call must end in one of

* an exact result (no float inside, unless the callable is in the float zone), and never a result
  for an inexact argument (``inexact accepted``);
* a clear library error: an ``ExactMTLError`` that is also a builtin exception
  (``ResourceLimitError`` for a budget);

within ``TIME_BOUND`` seconds and under ``MEMORY_BOUND`` bytes. Calls run in a worker process
(killed and restarted on a timeout), so a hang cannot stall the test run.

Run ``python tests/_fuzz_api.py`` for the counts (``--all`` for the full bad-value set,
``--show generic`` to list one class of outcomes).
"""

from __future__ import annotations

import contextlib
import dataclasses
import doctest
import importlib
import inspect
import io
import os
import pkgutil
import select
import subprocess
import sys
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TIME_BOUND = 10.0
MEMORY_BOUND = 4 << 30

OUTCOMES = ("exact", "clear", "limit", "generic", "inexact-accepted", "inexact-result",
            "timeout", "memory")
FAILING = ("generic", "inexact-accepted", "inexact-result", "timeout", "memory")


# --------------------------------------------------------------------------- the public API

def public_callables() -> list[tuple[str, Any]]:
    """(qualified name, callable) for every callable in the package's and companions' __all__."""
    import exactmtl
    import exactmtl.companions as comp

    mods = [exactmtl] + [importlib.import_module(f"exactmtl.companions.{m.name}")
                         for m in sorted(pkgutil.iter_modules(comp.__path__), key=lambda m: m.name)
                         if not m.name.startswith("_")]
    out = []
    for mod in mods:
        for name in sorted(getattr(mod, "__all__", ())):
            obj = getattr(mod, name)
            if not callable(obj) or (isinstance(obj, type) and issubclass(obj, BaseException)):
                continue
            only = os.environ.get("EXACTMTL_FUZZ_ONLY")
            if only and not any(o in f"{mod.__name__}.{name}" for o in only.split(",")):
                continue
            out.append((f"{mod.__name__}.{name}", obj))
    return out


def float_zone(qualname: str, param: str | None = None, annotation: Any = None) -> bool:
    """Named numeric paths (plots, simulations, numeric/float names) may take and return floats
    (project rule)."""
    short = qualname.rsplit(".", 1)[-1].lower()
    if any(word in short for word in ("numeric", "float", "simulate", "plot")):
        return True
    return "float" in str(annotation or "")


# --------------------------------------------------------------------------- valid calls

class _Recorded(Exception):
    pass


def _record(qualname: str, obj: Any) -> list[tuple[tuple, dict]]:
    """Valid (args, kwargs) of ``obj`` taken from its own doctest examples."""
    doc = inspect.getdoc(obj) or ""
    if isinstance(obj, type):
        doc = (obj.__doc__ or "") + "\n" + (inspect.getdoc(obj.__init__) or "")
    examples = doctest.DocTestParser().get_examples(doc)
    if not examples:
        return []
    modname, name = qualname.rsplit(".", 1)
    mod = importlib.import_module(modname)
    home = importlib.import_module(getattr(obj, "__module__", modname) or modname)
    calls: list[tuple[tuple, dict]] = []
    seen: set[str] = set()
    explicit = [False]  # only calls written in the example itself (not made inside the library)

    if isinstance(obj, type):
        orig_init = obj.__init__

        def init(self, *args, **kwargs):
            key = repr((args, sorted(kwargs.items())))
            if explicit[0] and key not in seen and len(calls) < 4:
                seen.add(key)
                calls.append((args, kwargs))
            orig_init(self, *args, **kwargs)

        patches = [(obj, "__init__", init)]
    else:
        def recorder(*args, **kwargs):
            key = repr((args, sorted(kwargs.items())))
            if explicit[0] and key not in seen and len(calls) < 4:
                seen.add(key)
                calls.append((args, kwargs))
            return obj(*args, **kwargs)

        patches = [(m, name, recorder) for m in {id(mod): mod, id(home): home}.values()
                   if getattr(m, name, None) is obj]
        import exactmtl
        if getattr(exactmtl, name, None) is obj and exactmtl not in (mod, home):
            patches.append((exactmtl, name, recorder))
    saved = [(target, attr, target.__dict__[attr]) for target, attr, _ in patches]
    globs = dict(home.__dict__)
    for target, attr, new in patches:
        setattr(target, attr, new)
        if target is home and not isinstance(obj, type):
            globs[attr] = new
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for ex in examples:
                explicit[0] = f"{name}(" in ex.source
                try:
                    exec(compile(ex.source, f"<doctest {qualname}>", "exec"), globs)
                except BaseException:
                    pass
    finally:
        for target, attr, old in saved:
            setattr(target, attr, old)
    return calls


# --------------------------------------------------------------------------- bad values

def bad_values(full: bool) -> list[tuple[str, Any, bool]]:
    """(label, value, inexact?) -- the bad-value classes of issue 11."""
    import numpy as np
    import sympy

    nan = float("nan")
    # one value per bad-value class of the issue (the default tier) ...
    vals: list[tuple[str, Any, bool]] = [
        ("float 0.5", 0.5, True),
        ("nan", nan, True),
        ("numpy float64", np.float64(0.5), True),
        ("sympy Float", sympy.Float(0.5), True),
        ("bool True", True, False),
        ("int -1", -1, False),
        ("int 10**9", 10**9, False),
        ("sqrt(2)", sympy.sqrt(2), False),
        ("str '3'", "3", False),
        ("None", None, False),
        ("empty list", [], False),
        ("ragged list", [[1, 2], [3]], False),
    ]
    if full:  # ... and more of each class (the slow tier)
        vals += [
            ("float 2.0", 2.0, True),
            ("inf", float("inf"), True),
            ("float -inf", float("-inf"), True),
            ("numpy float32", np.float32(2.0), True),
            ("sympy Float 2", sympy.Float(2), True),
            ("complex", 1j, True),
            ("sympy I", sympy.I, True),
            ("list of floats", [0.1, 0.2, 0.3, 0.4], True),
            ("list with nan", [nan, 1, 2, 3], True),
            ("numpy float array", np.array([0.5, 0.25]), True),
            ("sympy Float list", [sympy.Float(0.5), 1], True),
            ("bool False", False, False),
            ("int 0", 0, False),
            ("int 2**40", 2**40, False),
            ("int 10**400", 10**400, False),
            ("int -2**70", -(2**70), False),
            ("int 2**(10**6)", 2 ** (10**6), False),
            ("numpy int64 -1", np.int64(-1), False),
            ("Fraction -1/3", Fraction(-1, 3), False),
            ("Fraction 1/3", Fraction(1, 3), False),
            ("pi", sympy.pi, False),
            ("str ''", "", False),
            ("str 'abc'", "abc", False),
            ("bytes", b"x", False),
            ("object", object(), False),
            ("dict", {}, False),
            ("list of 3", [1, 2, 3], False),
            ("nested empty", [[]], False),
            ("numpy int array", np.array([1, 2]), False),
            ("huge list level", [10**9], False),
        ]
    return vals


# --------------------------------------------------------------------------- jobs

@dataclasses.dataclass
class Job:
    qualname: str
    param: str | None  # None: the recorded valid call itself
    label: str
    inexact: bool
    float_ok: bool


def _bind(obj: Any, args: tuple, kwargs: dict) -> tuple[inspect.Signature | None, dict]:
    try:
        sig = inspect.signature(obj)
        bound = sig.bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None, {}
    return sig, dict(bound.arguments)


def build_jobs(full: bool) -> tuple[list[Job], list[Any]]:
    """The job list and, parallel to it, a thunk per job (deterministic: same order each run)."""
    bads = bad_values(full)
    jobs: list[Job] = []
    thunks: list[Any] = []
    for qualname, obj in public_callables():
        calls = _record(qualname, obj)
        if not calls:
            if not _bind(obj, (), {})[0]:
                continue  # a result record users never build (no example): not exercised
            calls = [((), {})]
        args0, kwargs0 = calls[0]
        sig, arguments = _bind(obj, args0, kwargs0)
        fz = float_zone(qualname)
        for args, kwargs in calls[:2]:
            jobs.append(Job(qualname, None, "recorded call", False, fz))
            thunks.append((obj, args, kwargs))
        if sig is None:
            continue
        for pname, p in sig.parameters.items():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or pname == "self":
                continue
            fok = fz or float_zone(qualname, pname, p.annotation)
            if isinstance(p.default, bool) or str(p.annotation) == "bool":
                fok = fz  # booleans as booleans: a float for a flag is never fine
            for label, value, inexact in bads:
                if isinstance(p.default, bool) and isinstance(value, bool):
                    continue  # a bool for a flag is a valid value
                new = dict(arguments)
                new[pname] = value
                a, k = [], {}
                for name, q in sig.parameters.items():
                    if name not in new:
                        continue
                    if q.kind == q.POSITIONAL_ONLY:
                        a.append(new[name])
                    elif q.kind == q.VAR_POSITIONAL:
                        a.extend(new[name])
                    elif q.kind == q.VAR_KEYWORD:
                        k.update(new[name])
                    else:
                        k[name] = new[name]
                jobs.append(Job(qualname, pname, label, inexact, fok))
                thunks.append((obj, tuple(a), k))
    return jobs, thunks


# --------------------------------------------------------------------------- judging results

def _has_float(value: Any, depth: int = 0, budget: list[int] | None = None) -> bool:
    import numpy as np
    import sympy

    budget = budget if budget is not None else [2000]
    budget[0] -= 1
    if budget[0] < 0 or depth > 6:
        return False
    if isinstance(value, (bool, int, Fraction, str, bytes)) or value is None:
        return False
    if isinstance(value, (float, complex, np.floating, np.complexfloating)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc"
    if isinstance(value, sympy.Basic):
        return bool(value.atoms(sympy.Float))
    if isinstance(value, dict):
        return any(_has_float(v, depth + 1, budget) for v in list(value.values())[:50])
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_float(v, depth + 1, budget) for v in list(value)[:50])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(_has_float(getattr(value, f.name), depth + 1, budget)
                   for f in dataclasses.fields(value))
    return False


def judge(job: Job, result: Any = None, exc: BaseException | None = None) -> tuple[str, str]:
    from exactmtl.errors import ExactMTLError

    try:
        from exactmtl.errors import ResourceLimitError
    except ImportError:  # pragma: no cover - before issue 11
        ResourceLimitError = ()
    if exc is not None:
        text = f"{type(exc).__name__}: {str(exc)[:160]}"
        if isinstance(exc, MemoryError) and not isinstance(exc, ExactMTLError):
            return "memory", text
        if ResourceLimitError and isinstance(exc, ResourceLimitError):
            return "limit", text
        builtin = (TypeError, ValueError, ArithmeticError, LookupError, AssertionError,
                   MemoryError)
        if isinstance(exc, ExactMTLError) and isinstance(exc, builtin):
            return "clear", text
        return "generic", text
    if job.inexact and not job.float_ok:
        return "inexact-accepted", repr(result)[:160]
    if not job.float_ok and _has_float(result):
        return "inexact-result", repr(result)[:160]
    return "exact", ""


# --------------------------------------------------------------------------- worker / driver

def _worker(start: int, full: bool, out_fd: int) -> None:
    import resource
    import warnings

    warnings.simplefilter("ignore")
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BOUND, MEMORY_BOUND))
    sys.set_int_max_str_digits(4300)
    out = os.fdopen(out_fd, "w", buffering=1)
    with contextlib.redirect_stdout(io.StringIO()):
        jobs, thunks = build_jobs(full)
    out.write(f"N\t{len(jobs)}\n")
    devnull = open(os.devnull, "w")
    for i in range(start, len(jobs)):
        obj, args, kwargs = thunks[i]
        job = jobs[i]
        out.write(f"S\t{i}\t{job.qualname}\t{job.param}\t{job.label}\t{int(job.inexact)}\t"
                  f"{int(job.float_ok)}\n")
        t0 = time.process_time()
        try:
            with contextlib.redirect_stdout(devnull), contextlib.redirect_stderr(devnull):
                result = obj(*args, **kwargs)
            outcome, detail = judge(jobs[i], result=result)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            outcome, detail = judge(jobs[i], exc=exc)
        dt = time.process_time() - t0
        if dt > TIME_BOUND:
            outcome = "timeout"
        out.write(f"R\t{i}\t{outcome}\t{dt:.3f}\t{detail.replace(chr(10), ' ')}\n")
    out.write("DONE\n")


def run(full: bool = False, time_bound: float = TIME_BOUND) -> tuple[list[Job], list[tuple]]:
    """Run every job; returns the jobs and (outcome, seconds, detail) per job.

    The worker announces each job before running it, so the driver never rebuilds the list.
    """
    env = dict(os.environ)
    described: dict[int, Job] = {}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    results: dict[int, tuple] = {}
    total = None
    start = 0
    while total is None or start < total:
        r, w = os.pipe()
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(start),
               "--fd", str(w)] + (["--all"] if full else [])
        proc = subprocess.Popen(cmd, env=env, pass_fds=(w,), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, cwd=str(ROOT))
        os.close(w)
        buf = b""
        current = start
        deadline = time.monotonic() + time_bound + 120  # set-up (recording) included once
        done = False
        while True:
            wait = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([r], [], [], wait)
            if not ready:  # the job in flight hangs: kill, record, restart after it
                proc.kill()
                proc.wait()
                results[current] = ("timeout", time_bound, "killed")
                start = current + 1
                break
            chunk = os.read(r, 65536)
            if not chunk:  # worker died (e.g. killed by the OS): record and go on
                proc.wait()
                if total is not None and current >= total:
                    done = True
                    break
                results[current] = ("memory", 0.0, f"worker died rc={proc.returncode}")
                start = current + 1
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                parts = line.decode("utf-8", "replace").split("\t")
                if parts[0] == "N":
                    total = int(parts[1])
                elif parts[0] == "S":
                    current = int(parts[1])
                    described[current] = Job(parts[2], None if parts[3] == "None" else
                                                   parts[3], parts[4], parts[5] == "1",
                                                   parts[6] == "1")
                elif parts[0] == "R":
                    i = int(parts[1])
                    results[i] = (parts[2], float(parts[3]), parts[4] if len(parts) > 4 else "")
                    current = i + 1
                elif parts[0] == "DONE":
                    done = True
            if done:
                proc.wait()
                break
            deadline = time.monotonic() + time_bound
        os.close(r)
        if done:
            break
    n = total or 0
    jobs = [described.get(i, Job("?", None, "?", False, False)) for i in range(n)]
    return jobs, [results.get(i, ("missing", 0.0, "")) for i in range(n)]


def summary(jobs: list[Job], results: list[tuple]) -> Counter:
    return Counter(r[0] for r in results)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))  # this checkout's exactmtl, never an installed one
    if "--worker" in argv:
        _worker(int(argv[argv.index("--worker") + 1]), "--all" in argv,
                int(argv[argv.index("--fd") + 1]))
        return 0
    full = "--all" in argv
    bound = float(argv[argv.index("--time") + 1]) if "--time" in argv else TIME_BOUND
    t0 = time.monotonic()
    jobs, results = run(full, bound)
    counts = summary(jobs, results)
    print(f"{len(jobs)} calls over {len({j.qualname for j in jobs})} callables "
          f"in {time.monotonic() - t0:.1f}s wall")
    for key in (*OUTCOMES, "missing"):
        if counts.get(key):
            print(f"  {key:18s} {counts[key]}")
    show = argv[argv.index("--show") + 1].split(",") if "--show" in argv else list(FAILING)
    for job, (outcome, dt, detail) in zip(jobs, results):
        if outcome in show:
            print(f"{outcome:16s} {job.qualname}({job.param}={job.label}) {dt:.2f}s {detail}")
    slow = sorted(((r[1], j.qualname, str(j.param), j.label) for j, r in zip(jobs, results)),
                  reverse=True)[:10]
    print("slowest:", ", ".join(f"{q}({p}={lab}) {t:.2f}s" for t, q, p, lab in slow))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
