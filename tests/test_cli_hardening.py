"""Every entry point: bounded argument parsing, one-line errors (exit 2), Ctrl-C (exit 130),
closed pipes, report targets checked up front, no temporary file left (issue 11, item 6)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

from exactmtl._atomic import TEMP_SUFFIX, atomic_writer, remove_stale
from exactmtl._cliargs import bounded_int, exact_number, int_list, output_target_problem
from exactmtl.cli import main
from exactmtl.errors import InvalidArgument, ResourceLimitError

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}

SLOW = '''"""X9 -- a claim that takes its time.

Statement   time passes.
Check       a loop.
Range       one case.
Falsifier   none rejected quickly.
Source      test.
"""
import sys
import time

from exactmtl.proofcheck import Claim, expect_equal

CLAIM = Claim("X9", "slow")


def check_slow():
    print("started", file=sys.stderr, flush=True)
    time.sleep(60)
    expect_equal(1, 1)


def falsify_wrong():
    expect_equal(1, 2)
'''

GOOD = SLOW.replace('"X9"', '"X8"').replace("time.sleep(60)", "pass")


def _python(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          timeout=120, env=ENV, cwd=ROOT, **kw)


def _one_line_error(run: subprocess.CompletedProcess) -> None:
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


# --------------------------------------------------------------------------- bounded parsing

@pytest.mark.parametrize(("argv", "message"), [
    (["--eps", "1e99999999"], r"--eps='1e99999999' has exponent 99999999; expected \|exponent\|"),
    (["--eps", "1" * 5000], r"--eps='1111.*' has 5000 digits; expected at most 1000"),
    (["--eps", "1/0"], r"--eps='1/0' has denominator 0"),
    (["--eps", "nan"], r"--eps='nan' is not an exact number"),
    (["--eps", "inf"], r"--eps='inf' is not an exact number"),
    (["--eps", "."], r"--eps='.' is not an exact number"),
    (["--n", "20000"], r"--n=20000 must be an integer in \[1, 10000\]"),
    (["--n", "9" * 5000], r"--n=99999999999999999999\.\.\. \(5000 digits\) must be an integer"),
    (["--n", "0"], r"--n=0 must be an integer in \[1, 10000\]"),
    (["--n", "3.0"], r"--n='3.0' is not an integer"),
    (["--m", "-1"], r"--m=-1 must be an integer in \[0, 10000\]"),
    (["--ks", ",".join(["0"] * 5000)], r"--ks has 5000 entries; expected at most 4096"),
    (["--ks", "0,-1"], r"--ks entry=-1 must be an integer in \[0, "),
    (["--ks", "1" * 5000], r"--ks entry=11111111111111111111\.\.\. \(5000 digits\)"),
])
def test_bounds_bad_numbers_are_one_line_exit_2_and_fast(capsys, argv, message):
    import re

    base = {"--n": "3", "--ks": "0,1"}
    flags = dict(zip(argv[::2], argv[1::2]))
    full = [x for k, v in {**base, **flags}.items() for x in (k, v)]
    start = time.process_time()
    assert main(["bounds", *full]) == 2
    assert time.process_time() - start < 1
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert len(err.strip().splitlines()) == 1


def test_issue_examples_for_bounds_in_a_subprocess(capsys):
    _one_line_error(_python("-m", "exactmtl", "bounds", "--n", "3", "--ks", "0,1", "--eps",
                            "1e99999999"))
    assert main(["bounds", "--n", "20000", "--ks", "0,1"]) == 2
    assert "--n=20000 must be an integer in [1, 10000]" in capsys.readouterr().err
    assert main(["bounds", "--n", "3", "--ks", "0,1", "--eps", "2.5e-1"]) == 0
    assert "eps=1/4" in capsys.readouterr().out


def test_exact_number_forms():
    assert exact_number(" 3/6 ", "--x") == Fraction(1, 2)
    assert exact_number("-0.125", "--x") == Fraction(-1, 8)
    assert exact_number("1e3", "--x") == 1000
    assert exact_number(".5", "--x") == Fraction(1, 2)
    assert exact_number("5.", "--x") == 5
    assert exact_number("1E-1000", "--x") == Fraction(1, 10**1000)
    with pytest.raises(ResourceLimitError, match="exponent 1001"):
        exact_number("1e1001", "--x")
    with pytest.raises(InvalidArgument, match="not an exact number"):
        exact_number("0x10", "--x")
    with pytest.raises(InvalidArgument, match=r"--n='1e3' is not an integer"):
        bounded_int("1e3", "--n", minimum=0, maximum=10)
    assert int_list(" 1, 2,,3 ", "--ks", minimum=0, maximum=9, most=3) == [1, 2, 3]


# --------------------------------------------------------------------------- usage errors

@pytest.mark.parametrize("argv", [
    ["bounds", "--n", "3"],
    ["check", "--no-such-flag"],
    ["list", "--bogus-flag"],
    ["bounds", "--n", "3", "--ks", "0", "--bogus-flag"],
    ["no-such-command"],
    [],
    ["bounds", "--n", "3", "--ks", "0", "--brute", "--closed"],
])
def test_usage_errors_are_one_line_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--help" in err, err
    if "--bogus-flag" in argv:
        assert "unrecognized arguments: --bogus-flag" in err


@pytest.mark.parametrize("argv", [[], ["list"], ["bounds"], ["check"]])
def test_every_subcommand_has_help(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0 and capsys.readouterr().out.startswith("usage:")


def test_python_dash_m_entry_points_parse_with_argparse():
    for entry in (["-m", "exactmtl"], ["-m", "exactmtl.companions"]):
        helped = _python(*entry, "--help")
        assert helped.returncode == 0 and helped.stdout.startswith("usage:"), helped.stderr
    bad = _python("-m", "exactmtl.companions", "--bogus-flag")
    _one_line_error(bad)
    assert "unrecognized arguments: --bogus-flag" in bad.stderr
    _one_line_error(_python("-m", "exactmtl", "list", "--bogus-flag"))


def test_companions_markdown_flag_still_works(capsys):
    from exactmtl.jointsep import main as companions_main

    assert companions_main(["--markdown"]) == 0
    assert capsys.readouterr().out.startswith("|")
    with pytest.raises(SystemExit) as exc:
        companions_main(["--no-such"])
    assert exc.value.code == 2


# --------------------------------------------------------------------------- closed pipe

@pytest.mark.parametrize("argv", [["-m", "exactmtl", "bounds", "--n", "200", "--ks", "0,1"],
                                  ["-m", "exactmtl.companions"]])
def test_a_closed_pipe_ends_quietly(argv):
    proc = subprocess.Popen([sys.executable, *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=ENV, cwd=ROOT)
    proc.stdout.close()            # the reader is gone before anything is written (| head)
    _, err = proc.communicate(timeout=120)
    err = err.decode()
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception" not in err
    assert proc.returncode in (0, 141), (proc.returncode, err)


def test_head_on_a_long_listing(tmp_path):
    shell = (f"{sys.executable} -m exactmtl list -v | head -n 1; "
             "echo status=${PIPESTATUS[0]}")
    run = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120,
                         env=ENV, cwd=ROOT)
    assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr, run.stderr
    assert run.stdout.splitlines()[0].startswith("A")


# --------------------------------------------------------------------------- Ctrl-C

def _start_slow_check(tmp_path, *extra):
    folder = tmp_path / "proofs"
    folder.mkdir()
    (folder / "x8_good.py").write_text(GOOD)
    (folder / "x9_slow.py").write_text(SLOW)
    proc = subprocess.Popen([sys.executable, "-m", "exactmtl", "check", str(folder), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            cwd=ROOT)
    deadline = time.monotonic() + 60
    seen = ""
    while "started" not in seen.split("\n")[-2:] and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
        if line.strip() == "started" and seen.count("started") == 2:
            break
    return proc, seen


def test_ctrl_c_exits_130_with_one_line_and_leaves_no_file(tmp_path):
    report = tmp_path / "out" / "report.json"
    proc, _ = _start_slow_check(tmp_path, "--json", str(report))
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().splitlines()[-1] == "exactmtl: interrupted"
    assert not report.exists()
    leftovers = list(report.parent.iterdir()) if report.parent.exists() else []
    assert leftovers == []


_WRITER = '''
import json, sys, time
from exactmtl import proofcheck
from exactmtl.proofcheck import ClaimResult

def slow_dump(obj, fh, **kw):
    fh.write('{"partial": ')
    fh.flush()
    print("writing", flush=True)
    time.sleep(60)

json.dump = slow_dump
proofcheck.write_report([], sys.argv[1])
'''


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_a_run_killed_while_writing_leaves_no_temporary_file_behind(tmp_path, sig):
    target = tmp_path / "report.json"
    target.write_text('{"old": true}\n')
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(target)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            cwd=ROOT)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    assert target.read_text() == '{"old": true}\n'      # the old report is untouched
    visible = [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert visible == ["report.json"]                    # nothing where a user looks
    if sig == signal.SIGINT:                             # Python cleaned up itself
        assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    with atomic_writer(target) as fh:                    # the next run removes what is left
        fh.write('{"new": true}\n')
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert json.loads(target.read_text()) == {"new": True}


def test_stale_temporary_files_of_other_targets_and_live_writers_are_kept(tmp_path):
    target = tmp_path / "r.json"
    live = tmp_path / f".r.json.{os.getpid()}.ab{TEMP_SUFFIX}"
    dead = tmp_path / f".r.json.999999999.cd{TEMP_SUFFIX}"
    other = tmp_path / f".q.json.999999999.ef{TEMP_SUFFIX}"
    for p in (live, dead, other):
        p.write_text("{")
    assert remove_stale(target) == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])


# --------------------------------------------------------------------------- report targets

@pytest.mark.parametrize(("target", "message"), [
    ("", r"--json '' is empty; expected a file name"),
    ("/proc/x", r"--json '/proc/x': cannot create a file in '/proc'"),
    ("/dev/null", r"--json '/dev/null' exists and is not a regular file"),
])
def test_json_targets_are_checked_before_the_run(tmp_path, capsys, target, message):
    import re

    folder = tmp_path / "proofs"
    folder.mkdir()
    (folder / "x8_good.py").write_text(GOOD)
    assert main(["check", str(folder), "--json", target]) == 2
    captured = capsys.readouterr()
    assert re.search(message, captured.err), captured.err
    assert captured.out == ""                   # nothing was run
    assert output_target_problem(target) is not None


def test_json_target_in_a_new_folder_is_accepted(tmp_path):
    assert output_target_problem(str(tmp_path / "a" / "b" / "r.json")) is None
    assert not (tmp_path / "a").exists()        # checking creates nothing
    assert list(tmp_path.iterdir()) == []


def test_check_and_list_path_problems_are_one_line(tmp_path, capsys):
    long_name = "a" * 5000
    for cmd in ("check", "list"):
        assert main([cmd, long_name]) == 2
        err = capsys.readouterr().err
        assert "File name too long" in err and len(err.strip().splitlines()) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["check", str(empty)]) == 2
    assert "no proof files found in" in capsys.readouterr().err
    assert main(["list", "-k", "["]) == 2
    assert "no claim matches -k [" in capsys.readouterr().err
