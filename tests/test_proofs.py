"""Run the proof files through the same discovery as ``exactmtl check``.

Every ``check_*`` must hold; every ``falsify_*`` must be rejected (raise CheckFailed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exactmtl.errors import CheckFailed
from exactmtl.proofcheck import discover, run_check

PROOFS = discover([Path(__file__).resolve().parent.parent / "proofs"])
CHECKS = [(p, f) for p in PROOFS for f in p.checks]
FALSIFIERS = [(p, f) for p in PROOFS for f in p.falsifiers]


@pytest.mark.parametrize(("proof", "func"), CHECKS,
                         ids=[f"{p.id}-{f.__name__}" for p, f in CHECKS])
def test_check_holds(proof, func, full):
    result = run_check(func, full=full)
    assert result.status == "ok", f"{proof.id} {func.__name__}: {result.message} {result.case}"


@pytest.mark.parametrize(("proof", "func"), FALSIFIERS,
                         ids=[f"{p.id}-{f.__name__}" for p, f in FALSIFIERS])
def test_falsifier_is_rejected(proof, func):
    with pytest.raises(CheckFailed):
        func()


def test_every_proof_documents_its_fields():
    for proof in PROOFS:
        for key in ("Statement", "Check", "Range", "Falsifier", "Source"):
            assert proof.fields.get(key), f"{proof.path.name} lacks {key}"


# --------------------------------------------------------------------------- exactmtl check

GOOD = '''"""X1 -- one plus one is two.

Statement   1 + 1 = 2.
Check       exact integer arithmetic.
Range       one case.
Falsifier   1 + 1 = 3 is rejected.
Source      arithmetic.
"""
from exactmtl.proofcheck import Claim, expect_equal

CLAIM = Claim("X1", "one plus one")


def check_sum():
    expect_equal(1 + 1, 2)
    return {"sum": 2}


def falsify_three():
    expect_equal(1 + 1, 3)
'''


def _write_proofs(folder, **bodies):
    folder.mkdir(exist_ok=True)
    for name, body in bodies.items():
        (folder / f"{name}.py").write_text(body)
    return folder


def _variant(claim_id, check_body="expect_equal(1 + 1, 2)", falsify_body="expect_equal(1, 2)"):
    return (GOOD.replace('"X1"', f'"{claim_id}"')
            .replace("expect_equal(1 + 1, 2)\n    return", f"{check_body}\n    return")
            .replace("expect_equal(1 + 1, 3)", falsify_body))


def test_check_exit_0_one_line_per_claim_and_json(tmp_path, capsys):
    import json

    from exactmtl.cli import main

    folder = _write_proofs(tmp_path / "proofs", x1_good=GOOD, x2_good=_variant("X2"))
    report = tmp_path / "out" / "report.json"
    assert main(["check", str(folder), "--json", str(report)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("X1  ok") and out[1].startswith("X2  ok")
    assert "2 claims: 2 ok, 0 failed, 0 errors (4 steps; 2/2 falsifiers rejected" in out[2]
    data = json.loads(report.read_text())
    assert data["summary"] == {"claims": 2, "ok": 2, "failed": 0, "errors": 0}
    assert data["claims"][0]["steps"][0]["certificate"] == {"sum": 2}
    assert [p.name for p in report.parent.iterdir()] == ["report.json"]  # no temporary left


def test_check_exit_1_on_fail_error_unrejected_falsifier_and_broken_file(tmp_path, capsys):
    from exactmtl.cli import main

    folder = _write_proofs(
        tmp_path / "proofs",
        x1_good=GOOD,
        x2_fail=_variant("X2", check_body="expect_equal(1 + 1, 3, n=7)"),
        x3_error=_variant("X3", check_body="1 // 0"),
        x4_blind=_variant("X4", falsify_body="pass"),
        x5_broken="import no_such_module_anywhere\n",
    )
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "X2  FAIL" in out and "check check_sum: expected 3, got 2 [n=7]" in out
    assert "X3  ERROR" in out and "ZeroDivisionError" in out
    assert "X4  FAIL" in out and "falsifier was not rejected" in out
    assert "X5  ERROR" in out and "cannot load x5_broken.py" in out
    assert "5 claims: 1 ok, 2 failed, 2 errors" in out
    assert main(["check", str(folder), "-k", "X1"]) == 0
    assert main(["check", str(folder), "-k", "X5"]) == 1  # a broken file can be selected


@pytest.mark.parametrize(("argv", "message"), [
    (["check", "no/such/proofs"], r"path='no/such/proofs' is neither a proof file"),
    (["check", "-k", "ZZ99"], r"no claim matches -k ZZ99"),
])
def test_check_usage_errors_exit_2(argv, message, capsys):
    import re

    from exactmtl.cli import main

    assert main(argv) == 2
    assert re.search(message, capsys.readouterr().err)


def test_check_unwritable_json_target_is_refused_before_running(tmp_path, capsys):
    from exactmtl.cli import main

    folder = _write_proofs(tmp_path / "proofs", x1_good=GOOD)
    assert main(["check", str(folder), "--json", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "is a directory" in captured.err and captured.out == ""  # nothing was run


def test_check_unknown_flag_exits_2(capsys):
    from exactmtl.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["check", "--no-such-flag"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --no-such-flag" in capsys.readouterr().err


def test_json_report_is_atomic_when_the_write_fails(tmp_path, monkeypatch):
    import json

    from exactmtl import proofcheck

    folder = _write_proofs(tmp_path / "proofs", x1_good=GOOD)
    results = proofcheck.run_all(discover([folder]))
    target = tmp_path / "report.json"
    target.write_text('{"old": true}\n')

    def half_then_fail(obj, fh, **kw):
        fh.write('{"tool": "exactm')  # a partial write, then the process is "killed"
        raise KeyboardInterrupt

    monkeypatch.setattr(json, "dump", half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        proofcheck.write_report(results, target)
    assert target.read_text() == '{"old": true}\n'  # the previous report is untouched
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["report.json"]
    fresh = tmp_path / "fresh.json"
    with pytest.raises(KeyboardInterrupt):
        proofcheck.write_report(results, fresh)
    assert not fresh.exists()


def test_progress_heartbeat_on_a_pipe():
    import io

    from exactmtl.cli import _Status

    stream = io.StringIO()
    status = _Status(stream, heartbeat=0.0)
    status("[1/2] A3: levels 5/12")
    assert stream.getvalue() == "... [1/2] A3: levels 5/12\n"
    quiet = _Status(io.StringIO(), heartbeat=3600)
    quiet("never shown")
    assert quiet.stream.getvalue() == ""


def test_python_dash_m_and_console_script(tmp_path):
    import shutil
    import subprocess
    import sys

    folder = _write_proofs(tmp_path / "proofs", x1_good=GOOD)
    run = subprocess.run([sys.executable, "-m", "exactmtl", "check", str(folder)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.startswith("X1  ok"), run.stderr
    bad = subprocess.run([sys.executable, "-m", "exactmtl", "check", "--bogus"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    script = shutil.which("exactmtl")
    if script is not None:
        run = subprocess.run([script, "check", str(folder)], capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0 and "1 claims: 1 ok" in run.stdout
