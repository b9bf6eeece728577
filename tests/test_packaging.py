"""The built wheel is complete: proof suite, py.typed, license, CLI; it runs from any folder.

The wheel is built from a copy of the sources (nothing is written into the checkout), installed
with ``pip --no-deps --no-index`` into a fresh venv whose only view of the dependencies is a
``.pth`` file naming the folders that hold sympy, numpy, mpmath and python-flint (so no download
and no editable install of exactmtl leaks in), and run from an unrelated folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import exactmtl

ROOT = Path(__file__).resolve().parent.parent
PROOFS = sorted(p for p in (ROOT / "proofs").glob("*.py") if not p.name.startswith("_"))
DEPENDENCIES = ("sympy", "numpy", "mpmath", "flint")


def _run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("exactmtl", "proofs"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    dist = base / "dist"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                  str(src)], cwd=base)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("exactmtl-*.whl")
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=base)
    assert made.returncode == 0, made.stderr
    py = venv / "bin" / "python"
    site = _run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                cwd=base).stdout.strip()
    folders = {str(Path(__import__(mod).__file__).resolve().parent.parent)
               for mod in DEPENDENCIES}
    Path(site, "_exactmtl_test_deps.pth").write_text("\n".join(sorted(folders)) + "\n")
    inst = _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                 "--no-index", "-q", str(wheel)], cwd=base)
    assert inst.returncode == 0, inst.stdout + inst.stderr
    return venv


def _elsewhere(tmp_path: Path) -> Path:
    where = tmp_path / "unrelated folder"
    where.mkdir()
    return where


def test_wheel_carries_the_package_the_suite_and_metadata(wheel_venv, tmp_path):
    py = wheel_venv / "bin" / "python"
    probe = _run([str(py), "-c",
                  "import exactmtl, pathlib, importlib.metadata as md; "
                  "p = pathlib.Path(exactmtl.__file__).parent; "
                  "print(p); print((p / 'py.typed').is_file()); "
                  "print(len([f for f in (p / '_proofs').glob('*.py') "
                  "if not f.name.startswith('_')])); "
                  "m = md.metadata('exactmtl'); print(m['License-Expression']); "
                  "print(any(str(f).endswith('LICENSE') for f in md.files('exactmtl')))"],
                 cwd=_elsewhere(tmp_path))
    assert probe.returncode == 0, probe.stderr
    where, typed, count, spdx, lic = probe.stdout.split("\n")[:5]
    assert where.startswith(str(wheel_venv)), f"imported {where}, not the installed wheel"
    assert (typed, count, spdx, lic) == ("True", str(len(PROOFS)), "MIT", "True")


def test_installed_cli_lists_and_checks_claims_from_another_folder(wheel_venv, tmp_path):
    exe = str(wheel_venv / "bin" / "exactmtl")
    here = _elsewhere(tmp_path)
    version = _run([exe, "--version"], cwd=here)
    assert version.returncode == 0 and version.stdout.strip() == f"exactmtl {exactmtl.__version__}"
    listed = _run([exe, "list"], cwd=here)
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.strip().splitlines()) == len(PROOFS)
    checked = _run([exe, "check", "-k", "A1", "-k", "A9", "-k", "M9", "-k", "D1.3"], cwd=here)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "4 claims: 4 ok, 0 failed, 0 errors" in checked.stdout
    # falsifier: a claim id that is not in the installed suite is a usage error, not a pass
    missing = _run([exe, "check", "-k", "Z99"], cwd=here)
    assert missing.returncode == 2


@pytest.mark.slow
def test_installed_wheel_runs_the_whole_suite_green(wheel_venv, tmp_path):
    """The issue's promise: `pip install exactmtl-*.whl && cd /somewhere && exactmtl check`."""
    exe = str(wheel_venv / "bin" / "exactmtl")
    done = _run([exe, "check"], cwd=_elsewhere(tmp_path), timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    n = len(PROOFS)
    assert f"{n} claims: {n} ok, 0 failed, 0 errors" in done.stdout


def test_version_agrees_with_pyproject():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^version = "([^"]+)"', text, re.M).group(1) == exactmtl.__version__


def test_wheel_packages_list_every_subpackage():
    """pyproject.toml lists packages explicitly (to map proofs/ into the wheel): none forgotten."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    listed = set(re.findall(r'"(exactmtl(?:\.\w+)*)"', re.search(
        r"^packages = \[(.*?)\]", text, re.M | re.S).group(1)))
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "exactmtl").rglob("__init__.py")}
    assert found | {"exactmtl._proofs"} == listed


def test_default_proof_dir_in_the_checkout_and_installed(tmp_path, monkeypatch):
    from exactmtl import proofcheck

    monkeypatch.chdir(tmp_path)  # no ./proofs here: the checkout's suite is found
    assert proofcheck.default_proof_dir() == ROOT / "proofs"
    fake = tmp_path / "site" / "exactmtl"
    (fake / "_proofs").mkdir(parents=True)
    monkeypatch.setattr(proofcheck, "__file__", str(fake / "proofcheck.py"))
    assert proofcheck.default_proof_dir() == fake / "_proofs"   # as installed from the wheel
    (tmp_path / "proofs").mkdir()
    assert proofcheck.default_proof_dir() == tmp_path / "proofs"  # ./proofs wins


def test_strategies_without_hypothesis_name_the_extra(monkeypatch):
    import importlib

    from exactmtl import MissingDependency

    monkeypatch.delitem(sys.modules, "exactmtl.strategies", raising=False)
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    with pytest.raises(MissingDependency, match=r"pip install 'exactmtl\[test\]'"):
        importlib.import_module("exactmtl.strategies")


@pytest.mark.slow
def test_docs_build_the_api_pages(tmp_path):
    """The docs extra has a job: API pages from the numpy-style docstrings build."""
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)
    env["EXACTMTL_DOCS_EXECUTE"] = "0"  # the notebooks are executed by the CI docs build
    out = tmp_path / "html"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q",
                           str(ROOT / "docs"), str(out)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    api = (out / "api.html").read_text(encoding="utf-8")
    assert "read_sympy" in api and "plot_function" in api and "from_sympy" in api
