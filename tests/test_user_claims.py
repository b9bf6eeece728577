"""Users' own claim files: the template runs under ``exactmtl check`` and under pytest (plugin
and ``pytest_params``); malformed files get one-line verdicts, never tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exactmtl.cli import main
from exactmtl.proofcheck import discover, new_claim_text, provenance_tag, pytest_params

ROOT = Path(__file__).resolve().parent.parent

GOOD_TAIL = '''
from exactmtl.proofcheck import Claim, expect_equal

CLAIM = Claim("{id}", "one plus one")


def check_sum():
    expect_equal(1 + 1, 2)


def falsify_three():
    {falsifier}
'''
DOC = '''"""{id} -- one plus one.

Statement   1 + 1 = 2.
Check       exact arithmetic.
Range       one case.
Falsifier   1 + 1 = 3.
{source}"""
'''


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"   # load the plugin explicitly, installed or not
    env.pop("PYTEST_ADDOPTS", None)
    return env


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          env=_env(), timeout=300)


def _claim(folder: Path, name: str, claim_id: str, *, source: str = "Source      arithmetic.\n",
           falsifier: str = "expect_equal(1 + 1, 3)", body: str | None = None) -> Path:
    path = folder / name
    path.write_text(DOC.format(id=claim_id, source=source)
                    + (body if body is not None
                       else GOOD_TAIL.format(id=claim_id, falsifier=falsifier)))
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's project with one claim generated from the template."""
    (tmp_path / "claims").mkdir()
    assert main(["new-claim", "U1", str(tmp_path / "claims")]) == 0
    return tmp_path


def test_template_runs_under_check_and_pytest(project: Path):
    claim = project / "claims" / "u1_claim.py"
    assert claim.exists()
    check = _run(["-m", "exactmtl", "check", str(claim)], ROOT)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "U1  ok     derived" in check.stdout
    assert "1/1 falsifiers rejected" in check.stdout
    # pytest in the user's project, through the plugin
    plugin = _run(["-m", "pytest", "-p", "exactmtl.pytest_plugin", "--exactmtl-claims", "claims",
                   "-q", "-p", "no:cacheprovider"], project)
    assert plugin.returncode == 0, plugin.stdout + plugin.stderr
    assert "2 passed" in plugin.stdout
    # pytest in the user's project, through pytest_params in an ordinary test file
    (project / "test_claims.py").write_text(
        "import pytest\nfrom exactmtl.proofcheck import pytest_params\n\n\n"
        "@pytest.mark.parametrize('step', pytest_params(['claims']))\n"
        "def test_claim(step):\n    step()\n")
    params = _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_claims.py"], project)
    assert params.returncode == 0, params.stdout + params.stderr
    assert "2 passed" in params.stdout


def test_plugin_ini_option_and_verdicts(tmp_path: Path):
    claims = tmp_path / "claims"
    claims.mkdir()
    _claim(claims, "u2_weak.py", "U2", falsifier="expect_equal(1 + 1, 2)")
    (tmp_path / "pytest.ini").write_text("[pytest]\nexactmtl_claims = claims\n")
    out = _run(["-m", "pytest", "-p", "exactmtl.pytest_plugin", "-q", "-p", "no:cacheprovider"],
               tmp_path)
    assert out.returncode == 1
    assert "1 failed, 1 passed" in out.stdout
    assert "FAIL falsifier falsify_three: falsifier was not rejected" in out.stdout
    assert "Traceback" not in out.stdout


MALFORMED = [
    ("no_source.py", "V1", {"source": ""}, "docstring lacks the fields ['Source']"),
    ("no_falsifier.py", "V2",
     {"body": "from exactmtl.proofcheck import Claim\nCLAIM = Claim('V2', 'x')\n\n\n"
              "def check_x():\n    pass\n"},
     "defines no falsify_* function: every claim needs a falsifier"),
    ("weak.py", "V3", {"falsifier": "expect_equal(1 + 1, 2)"},
     "falsifier was not rejected: the check cannot fail on this input"),
    ("bad_provenance.py", "V4", {"source": "Source      x.\nProvenance  folklore\n"},
     "Provenance='folklore'; expected it to start with one of paper, derived, reference"),
    ("v5_import.py", "V5", {"body": "import no_such_module_for_claims\n"},
     "No module named 'no_such_module_for_claims'"),
]


@pytest.mark.parametrize(("name", "claim_id", "kw", "verdict"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
def test_malformed_claims_get_clear_verdicts(tmp_path, capsys, name, claim_id, kw, verdict):
    path = _claim(tmp_path, name, claim_id, **kw)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr()
    assert verdict in out.out
    assert "Traceback" not in out.out + out.err
    # the same verdict through pytest_params, as an AssertionError
    [*params] = pytest_params([path])
    failures = []
    for p in params:
        try:
            p.values[0]()
        except AssertionError as exc:
            failures.append(str(exc))
    assert any(verdict in f for f in failures), failures


def test_show_and_new_claim_refusals(tmp_path, capsys):
    assert main(["show", "A9"]) == 0
    out = capsys.readouterr().out
    assert "Provenance  derived" in out and "Falsifiers  falsify_uncentred" in out
    assert main(["show", "Z99"]) == 2
    target = tmp_path / "u3.py"
    assert main(["new-claim", "U3", str(target)]) == 0
    assert main(["new-claim", "U3", str(target)]) == 2            # exists: no overwrite
    assert "exists" in capsys.readouterr().err
    assert main(["new-claim", "U3", str(target), "--force"]) == 0
    assert main(["new-claim", "u3", str(tmp_path / "x.py")]) == 2  # not a claim id
    assert main(["new-claim", "U4", str(tmp_path / "x.txt")]) == 2
    proof = discover([target])[0]
    assert proof.id == "U3" and provenance_tag(proof.fields) == "derived"


def test_template_check_and_falsifier_are_real():
    ns: dict = {}
    exec(compile(new_claim_text("U7"), "u7", "exec"), ns)
    assert ns["check_odd_sums"]() == {"n_max": 200}
    from exactmtl.errors import CheckFailed

    with pytest.raises(CheckFailed, match="n=1"):
        ns["falsify_off_by_one"]()
