"""Fuzz tier over the whole public API (issue 11); the machinery is in ``tests/_fuzz_api.py``.

* ``test_fuzz_tier``: every public callable (from ``__all__``), every parameter, the issue's
  bad-value classes, each call in a worker process with a 10 s bound: 0 generic errors, 0
  timeouts or memory blow-ups, 0 inexact inputs accepted, 0 floats in exact results.
* ``test_fuzz_tier_full`` (slow): the same with about twice as many bad values.
* ``test_random_junk``: hypothesis draws a callable, a parameter and a random junk value (so the
  CI step with a fresh seed explores new inputs every run); in-process, with an alarm.
"""

from __future__ import annotations

import signal
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _fuzz_api as fuzz


def _report(jobs, results) -> tuple[Counter, list[str]]:
    counts = Counter(r[0] for r in results)
    bad = [f"{r[0]}: {j.qualname}({j.param}={j.label}) {r[2]}"
           for j, r in zip(jobs, results) if r[0] in (*fuzz.FAILING, "missing")]
    print(f"\nfuzz tier: {len(jobs)} calls over {len({j.qualname for j in jobs})} callables: "
          + ", ".join(f"{k} {counts[k]}" for k in (*fuzz.OUTCOMES, "missing") if counts[k]))
    return counts, bad


def _check(full: bool) -> None:
    jobs, results = fuzz.run(full=full)
    counts, bad = _report(jobs, results)
    assert len(jobs) > 5000 and len({j.qualname for j in jobs}) > 150  # the whole API ran
    assert counts["exact"] > 0 and counts["clear"] > 0 and counts["limit"] > 0
    assert not bad, "\n".join(bad[:40])


def test_fuzz_tier():
    _check(full=False)


@pytest.mark.slow
def test_fuzz_tier_full():
    _check(full=True)


def test_judge_classifies():
    """The judge itself can fail a call: generic errors, inexact results, accepted floats."""
    from exactmtl.errors import InvalidArgument, ResourceLimitError

    job = fuzz.Job("exactmtl.walsh", "m", "float 0.5", True, False)
    assert fuzz.judge(job, exc=TypeError("float object is not iterable"))[0] == "generic"
    assert fuzz.judge(job, exc=MemoryError())[0] == "memory"
    assert fuzz.judge(job, exc=InvalidArgument("m=0.5"))[0] == "clear"
    assert fuzz.judge(job, exc=ResourceLimitError("big", "pieces"))[0] == "limit"
    assert fuzz.judge(job, result=Fraction(1))[0] == "inexact-accepted"
    ok = fuzz.Job("exactmtl.walsh", "m", "int 3", False, False)
    assert fuzz.judge(ok, result=[Fraction(1), 0.5])[0] == "inexact-result"
    assert fuzz.judge(ok, result=(Fraction(1), 2))[0] == "exact"


# --------------------------------------------------------------------------- random junk

_CALLABLES = None


def _callables():
    global _CALLABLES
    if _CALLABLES is None:
        out = []
        for qualname, obj in fuzz.public_callables():
            calls = fuzz._record(qualname, obj)
            if calls:
                sig, arguments = fuzz._bind(obj, *calls[0])
                if sig is not None:
                    out.append((qualname, obj, sig, arguments))
        _CALLABLES = out
    return _CALLABLES


_SCALARS = st.one_of(
    st.integers(), st.integers(-(2**80), 2**80).map(lambda v: v * 2**200),
    st.fractions(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.text(max_size=5), st.none(), st.complex_numbers(allow_nan=True, allow_infinity=True))
_JUNK = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(st.text(max_size=2),
                                                                          inner, max_size=2)),
    max_leaves=8)


class _Alarm(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Alarm


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_junk(data):
    qualname, obj, sig, arguments = data.draw(st.sampled_from(_callables()), label="callable")
    names = [n for n, p in sig.parameters.items()
             if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if not names:
        return
    pname = data.draw(st.sampled_from(names), label="parameter")
    value = data.draw(_JUNK, label="value")
    kwargs = dict(arguments)
    kwargs[pname] = value
    args = [kwargs.pop(n) for n, p in sig.parameters.items()
            if p.kind == p.POSITIONAL_ONLY and n in kwargs]
    inexact = fuzz._has_float(value)
    p = sig.parameters[pname]
    float_ok = fuzz.float_zone(qualname) or (
        fuzz.float_zone(qualname, pname, p.annotation) and not isinstance(p.default, bool))
    job = fuzz.Job(qualname, pname, repr(value)[:60], inexact, float_ok)
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(int(fuzz.TIME_BOUND))
    try:
        outcome, detail = fuzz.judge(job, result=obj(*args, **kwargs))
    except _Alarm:
        outcome, detail = "timeout", ""
    except Exception as exc:
        outcome, detail = fuzz.judge(job, exc=exc)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        if "matplotlib.pyplot" in sys.modules:  # a plotting call's figure: one example's only
            sys.modules["matplotlib.pyplot"].close("all")
    assert outcome not in fuzz.FAILING, f"{outcome}: {qualname}({pname}={value!r}): {detail}"
