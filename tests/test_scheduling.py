"""Independent work units: same report whatever the schedule; faults lose no case."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from exactmtl.errors import InvalidArgument, InvalidArgumentType
from exactmtl.proofcheck import (
    cases,
    check_cases,
    discover,
    run_all,
    run_check,
    select,
    write_report,
)
from exactmtl.scheduling import (
    MAX_ATTEMPTS,
    parse_jobs,
    plan_units,
    run_parallel,
)

ROOT = Path(__file__).resolve().parent.parent

HEADER = '''"""{id} -- a test claim.

Statement   a statement.
Check       a check.
Range       a range.
Falsifier   a falsifier.
Source      the tests.
"""
import os
import signal
import time
from pathlib import Path

from exactmtl.proofcheck import Claim, cases, expect, expect_equal

CLAIM = Claim("{id}", "{title}")
MARK = Path({mark!r})


def falsify_wrong():
    expect_equal(1, 2)
'''

# X1: one small claim (stays one unit)
SMALL = '''

def check_sum():
    expect_equal(1 + 1, 2)
    return {"sum": 2}
'''

# X2: cases 1..6 (1..8 with --full), the sum of the first n odd numbers is n^2
SQUARES = '''

@cases(lambda full: range(1, (8 if full else 6) + 1),
       merge=lambda ns, certs: {"n <=": ns[-1], "squares": certs},
       weight=lambda n: float(n))
def check_squares(n):
    expect_equal(sum(range(1, 2 * n, 2)), n * n, n=n)
    return n * n


def check_plain():
    return {"plain": True}
'''

# X3: a case fails (n = 3) and a later one raises (n = 5): the step is the failing case
FAILING = '''

@cases(lambda full: [1, 2, 3, 4, 5])
def check_cubes(n):
    if n == 5:
        raise RuntimeError("boom at five")
    expect(n != 3, "three is excluded", n=n)
    return n ** 3
'''

# X4: a case raises: ERROR with the traceback
RAISING = '''

def helper(n):
    return {"n": n}[n + 1]


@cases(lambda full: [1, 2])
def check_lookup(n):
    return helper(n)
'''

# X5: case 4 waits to be killed the first time (it writes its pid to MARK/first), then passes
KILLED = '''

@cases(lambda full: range(1, 7))
def check_survives(n):
    if n == 4:
        first = MARK / "first"
        if not first.exists():
            tmp = MARK / "first.tmp"
            tmp.write_text(str(os.getpid()))
            tmp.rename(first)
            time.sleep(120)  # the test kills this worker long before
    return n
'''

# X6: case 2 takes its worker down every time
SUICIDAL = '''

@cases(lambda full: [1, 2, 3])
def check_dies(n):
    if n == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return n
'''

# X7: a long case that records its pid (for Ctrl-C)
LONG = '''

@cases(lambda full: [1, 2])
def check_long(n):
    tmp = MARK / f"pid{n}.tmp"
    tmp.write_text(str(os.getpid()))
    tmp.rename(MARK / f"pid{n}")
    time.sleep(120)
'''


def write_proofs(folder: Path, mark: Path, **bodies: tuple[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    mark.mkdir(parents=True, exist_ok=True)
    for name, (claim_id, body) in bodies.items():
        text = HEADER.format(id=claim_id, title=name.replace("_", " "), mark=str(mark)) + body
        (folder / f"{name}.py").write_text(text)
    return folder


def comparable(results, notes=()) -> dict:
    """The JSON report without its timings (the one thing a schedule may change)."""
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"exactmtl-cmp-{os.getpid()}.json"
    write_report(results, path, notes=notes)
    data = json.loads(path.read_text())
    path.unlink()

    def strip(obj):
        if isinstance(obj, dict):
            return {k: strip(v) for k, v in obj.items() if k != "seconds"}
        if isinstance(obj, list):
            return [strip(v) for v in obj]
        return obj

    return strip(data)


@pytest.fixture
def suite(tmp_path):
    return write_proofs(tmp_path / "proofs", tmp_path / "mark",
                        x1_small=("X1", SMALL), x2_squares=("X2", SQUARES),
                        x3_failing=("X3", FAILING), x4_raising=("X4", RAISING))


# --------------------------------------------------------------------------- cases and plan

def test_cases_declaration_is_validated():
    with pytest.raises(InvalidArgumentType, match="declare=3"):
        cases(3)
    with pytest.raises(InvalidArgumentType, match="merge='x'"):
        cases(lambda full: [1], merge="x")
    with pytest.raises(InvalidArgumentType, match="weight=2"):
        cases(lambda full: [1], weight=2)


def test_serial_cases_stop_at_the_first_bad_case_in_order(suite):
    x3 = select(discover([suite]), ["X3"])[0]
    step = run_check(x3.checks[0])
    assert (step.status, step.message, step.case) == ("FAIL", "three is excluded", {"n": 3})
    x2 = select(discover([suite]), ["X2"])[0]
    assert check_cases(x2.checks[0], full=True) == list(range(1, 9))
    assert run_check(x2.checks[0], full=True).certificate == {
        "n <=": 8, "squares": [1, 4, 9, 16, 25, 36, 49, 64]}


def test_a_wrong_case_is_caught_whatever_the_schedule(tmp_path):
    wrong = SQUARES.replace("n * n, n=n", "n * n + (n == 5), n=n")
    folder = write_proofs(tmp_path / "p", tmp_path / "m", x2_squares=("X2", wrong))
    proofs = discover([folder])
    serial = run_all(proofs)
    parallel = run_parallel(proofs, jobs=2)
    assert serial[0].status == parallel.results[0].status == "FAIL"
    assert parallel.results[0].steps[0].case == {"n": 5}
    assert comparable(serial) == comparable(parallel.results)


def test_plan_small_claims_stay_one_unit_and_cases_split(suite):
    units = plan_units(discover([suite]), full=False)
    keys = [u.key for u in units]
    assert keys[0] == "X1"  # a claim without declared cases: one unit
    assert keys[1:8] == [f"X2/check_squares[{n}]" for n in range(1, 7)] + ["X2/check_plain"]
    assert keys[8] == "X2/falsifiers"
    assert [u.index for u in units] == list(range(len(units)))
    assert len(plan_units(discover([suite]), full=True)) == len(units) + 2


def test_a_case_declared_twice_runs_twice_in_every_schedule(tmp_path):
    twice = SQUARES.replace("range(1, (8 if full else 6) + 1)", "[1, 2, 2, 3]")
    folder = write_proofs(tmp_path / "p", tmp_path / "m", x2_squares=("X2", twice))
    proofs = discover([folder])
    keys = [u.key for u in plan_units(proofs)]
    assert keys[:4] == ["X2/check_squares[1]", "X2/check_squares[2]",
                        "X2/check_squares[2]#2", "X2/check_squares[3]"]
    run = run_parallel(proofs, jobs=2)
    assert run.results[0].steps[0].certificate == {"n <=": 3, "squares": [1, 4, 4, 9]}
    assert comparable(run.results) == comparable(run_all(proofs))


def test_parse_jobs():
    assert parse_jobs("2") == 2 and parse_jobs("auto") == parse_jobs("0") >= 1
    for bad in ("-1", "two", "1.5", True):
        with pytest.raises(InvalidArgument, match="expected a number of processes"):
            parse_jobs(bad)
    with pytest.raises(InvalidArgumentType, match="jobs=0"):
        run_parallel([], jobs=0)


# --------------------------------------------------------------------------- local processes

def test_local_pool_report_equals_serial_report(suite):
    proofs = discover([suite])
    serial = run_all(proofs, full=True)
    for jobs in (1, 2):
        run = run_parallel(proofs, full=True, jobs=jobs)
        assert comparable(run.results) == comparable(serial)
        assert run.notes == [] and run.units == 20
    statuses = [r.status for r in serial]
    assert statuses == ["ok", "ok", "FAIL", "ERROR"]


def test_a_raising_unit_is_an_error_with_its_traceback(suite, tmp_path):
    from exactmtl.cli import main

    report = tmp_path / "r.json"
    assert main(["check", str(suite), "-k", "X4", "--jobs", "2", "--json", str(report)]) == 1
    step = json.loads(report.read_text())["claims"][0]["steps"][0]
    assert step["status"] == "ERROR" and step["message"] == "KeyError: 2"
    assert 'in helper\n    return {"n": n}[n + 1]' in step["traceback"]


def test_real_claims_in_parallel_match_the_serial_run():
    proofs = select(discover([ROOT / "proofs"]), ["A9", "D1.2", "M3", "D4*"])
    run = run_parallel(proofs, jobs=2)
    assert comparable(run.results) == comparable(run_all(proofs))
    assert all(r.status == "ok" for r in run.results)


def _kill_when_started(marker: Path, sig: int = signal.SIGKILL) -> threading.Thread:
    def kill() -> None:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if marker.exists():
            os.kill(int(marker.read_text()), sig)

    thread = threading.Thread(target=kill, daemon=True)
    thread.start()
    return thread


def test_killed_local_worker_loses_no_case(tmp_path):
    folder = write_proofs(tmp_path / "proofs", tmp_path / "mark", x5_killed=("X5", KILLED),
                          x2_squares=("X2", SQUARES))
    killer = _kill_when_started(tmp_path / "mark" / "first")
    run = run_parallel(discover([folder]), jobs=2)
    killer.join(10)
    assert run.rerun == ["X5/check_survives[4]"]
    assert run.notes == ["re-run after a worker was lost (1 units): X5 check_survives[4]"]
    serial = run_all(discover([folder]))  # MARK/first exists now: no wait
    assert comparable(run.results) == comparable(serial)
    assert [r.status for r in run.results] == ["ok", "ok"]


def test_a_unit_that_always_kills_its_worker_is_an_error_not_a_hang(tmp_path):
    folder = write_proofs(tmp_path / "proofs", tmp_path / "mark", x6_dies=("X6", SUICIDAL))
    run = run_parallel(discover([folder]), jobs=2)
    step = run.results[0].steps[0]
    assert step.status == "ERROR" and f"died {MAX_ATTEMPTS} times" in step.message
    assert run.rerun == ["X6/check_dies[2]"]


def test_ctrl_c_cancels_every_unit_exits_130_and_writes_no_report(tmp_path):
    folder = write_proofs(tmp_path / "proofs", tmp_path / "mark", x7_long=("X7", LONG))
    report = tmp_path / "report.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "exactmtl", "check", str(folder), "--jobs", "2",
         "--json", str(report)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    pids = [tmp_path / "mark" / "pid1", tmp_path / "mark" / "pid2"]
    deadline = time.monotonic() + 120
    while not all(p.exists() for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(p.exists() for p in pids), proc.stderr
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and not report.exists()
    assert list(tmp_path.glob("*.json*")) == []
    for p in pids:  # the workers are gone too
        pid = int(p.read_text())
        deadline = time.monotonic() + 20
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# --------------------------------------------------------------------------- command line

def test_cli_jobs_and_scheduler_usage_errors(suite, capsys):
    from exactmtl.cli import main

    assert main(["check", str(suite), "--jobs", "-2"]) == 2
    assert "--jobs='-2': expected a number of processes" in capsys.readouterr().err
    assert main(["check", str(suite), "--jobs", "2", "--scheduler", "tcp://h:1"]) == 2
    assert "exclude each other" in capsys.readouterr().err
    assert main(["check", str(suite), "--scheduler", "nowhere"]) == 2
    assert "expected an address such as tcp://HOST:PORT" in capsys.readouterr().err


def test_cli_jobs_prints_claims_in_order_with_the_balance_line(suite, capsys, tmp_path):
    from exactmtl.cli import main

    report = tmp_path / "par.json"
    assert main(["check", str(suite), "--jobs", "auto", "--json", str(report)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line[:2] for line in out if line[:1] == "X"] == ["X1", "X2", "X3", "X4"]
    assert any(line.startswith("18 units on ") for line in out)
    serial = tmp_path / "ser.json"
    assert main(["check", str(suite), "--json", str(serial)]) == 1
    capsys.readouterr()

    def strip(path):
        data = json.loads(path.read_text())
        for claim in data["claims"]:
            claim.pop("seconds")
            for step in claim["steps"]:
                step.pop("seconds")
        return data

    assert strip(report) == strip(serial)


# --------------------------------------------------------------------------- Dask distributed

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="needs the extra exactmtl[distributed]")


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=40) as c:
        yield c


@needs_dask
def test_local_cluster_runs_real_claims_like_the_serial_run(cluster, capsys):
    from exactmtl.cli import main

    proofs = select(discover([ROOT / "proofs"]), ["A9", "D1.2", "M3", "D4*"])
    run = run_parallel(proofs, scheduler=cluster.scheduler_address)
    assert comparable(run.results) == comparable(run_all(proofs))
    assert run.workers == 2 and run.notes == []
    assert main(["check", "-k", "A9", "--scheduler", cluster.scheduler_address]) == 0
    assert "A9  ok" in capsys.readouterr().out


@needs_dask
def test_local_cluster_killed_worker_loses_no_case(cluster, tmp_path):
    folder = write_proofs(tmp_path / "proofs", tmp_path / "mark", x5_killed=("X5", KILLED),
                          x2_squares=("X2", SQUARES), x3_failing=("X3", FAILING))
    killer = _kill_when_started(tmp_path / "mark" / "first")
    run = run_parallel(discover([folder]), scheduler=cluster.scheduler_address)
    killer.join(10)
    # the killed unit is re-run; so is any unit whose result was still held by that worker
    assert "X5/check_survives[4]" in run.rerun
    assert "X5 check_survives[4]" in run.notes[0]
    serial = run_all(discover([folder]))  # MARK/first exists now: no wait
    assert comparable(run.results, run.notes) == comparable(serial, run.notes)
    assert [r.status for r in run.results] == ["ok", "FAIL", "ok"]


@needs_dask
def test_ctrl_c_on_the_cluster_exits_130_and_cancels_the_rest(cluster, tmp_path):
    from distributed import Client

    short = LONG.replace("[1, 2]", "[1, 2, 3, 4, 5, 6]").replace("time.sleep(120)",
                                                                    "time.sleep(4)")
    folder = write_proofs(tmp_path / "proofs", tmp_path / "mark", x7_long=("X7", short))
    report = tmp_path / "report.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "exactmtl", "check", str(folder), "--scheduler",
         cluster.scheduler_address, "--json", str(report)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    deadline = time.monotonic() + 120
    while not (tmp_path / "mark" / "pid1").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and not report.exists()
    time.sleep(5)  # a unit already running finishes on its worker; the rest never start
    started = len(list((tmp_path / "mark").glob("pid?")))
    assert started < 6
    with Client(cluster.scheduler_address) as client:
        left = client.run_on_scheduler(
            lambda dask_scheduler: [k for k in dask_scheduler.tasks if "exactmtl" in str(k)])
    assert left == []


@needs_dask
@pytest.mark.slow
def test_local_cluster_default_suite_matches_the_serial_report(cluster):
    proofs = discover([ROOT / "proofs"])
    run = run_parallel(proofs, scheduler=cluster.scheduler_address)
    assert comparable(run.results) == comparable(run_all(proofs))


@needs_dask
def test_unreachable_scheduler_is_a_usage_error(capsys, monkeypatch):
    from exactmtl import scheduling
    from exactmtl.cli import main

    monkeypatch.setattr(scheduling, "CONNECT_TIMEOUT", "2s")
    assert main(["check", "-k", "A9", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "cannot connect" in capsys.readouterr().err
