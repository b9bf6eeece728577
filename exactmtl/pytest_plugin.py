"""pytest plugin: run claim files (the ``proofs/`` format) as test items in a user's project.

Installed with exactmtl (entry point ``pytest11``), it does nothing until asked:

* ``pytest --exactmtl-claims claims`` (repeatable; a folder or a file) collects every claim
  file there, one test item per ``check_*`` and per ``falsify_*``;
* or put ``exactmtl_claims = claims`` in the ``[pytest]`` / ``[tool.pytest.ini_options]``
  section of the project's configuration;
* ``--exactmtl-full`` runs the checks' long ranges (``full=True``).

Without the entry point (e.g. ``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``) load it with
``-p exactmtl.pytest_plugin`` or ``pytest_plugins = ["exactmtl.pytest_plugin"]`` in a
``conftest.py``. A check that fails, a falsifier that is not rejected and a claim file that
cannot be loaded (missing field, no falsifier, import error) each fail their item with the
runner's one-line verdict, as ``exactmtl check`` prints it. The same verdicts are available to
plain parametrised tests through :func:`exactmtl.proofcheck.pytest_params`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

__all__ = ["ClaimFile", "ClaimItem", "pytest_addoption", "pytest_collect_file",
           "pytest_configure"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("exactmtl", "exactmtl claim files")
    group.addoption("--exactmtl-claims", action="append", default=[], metavar="PATH",
                    help="collect the claim files in PATH (folder or file) as test items")
    group.addoption("--exactmtl-full", action="store_true", default=False,
                    help="run the claim checks' long ranges (full=True)")
    parser.addini("exactmtl_claims", "folders or files of claim files to collect",
                  type="paths", default=[])


def _claim_roots(config: pytest.Config) -> list[Path]:
    roots = [Path(p).resolve() for p in config.getoption("--exactmtl-claims") or []]
    roots += [Path(p).resolve() for p in config.getini("exactmtl_claims") or []]
    return roots


def pytest_configure(config: pytest.Config) -> None:
    """Add the claim folders to the collection arguments (so ``pytest --exactmtl-claims c``
    collects them without naming them twice)."""
    roots = _claim_roots(config)
    config._exactmtl_claim_roots = roots  # type: ignore[attr-defined]
    if not roots:
        return
    args = [Path(a.split("::")[0]).resolve() for a in config.args]
    for root in roots:
        if not any(root == a or a in root.parents for a in args):
            config.args.append(str(root))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Any:
    roots = getattr(parent.config, "_exactmtl_claim_roots", [])
    if file_path.suffix != ".py" or file_path.name.startswith("_") or not roots:
        return None
    path = file_path.resolve()
    if any(path == r or r in path.parents for r in roots):
        return ClaimFile.from_parent(parent, path=file_path)
    return None


class ClaimFile(pytest.File):
    """One claim file: its steps, or one failing item when it cannot be loaded."""

    def collect(self) -> Any:
        from exactmtl.proofcheck import discover

        broken: list = []
        proofs = discover([self.path], broken=broken)
        for b in broken:
            yield ClaimItem.from_parent(self, name=f"{b.id}-load", func=None, kind="load",
                                        message=b.message)
        full = bool(self.config.getoption("--exactmtl-full"))
        for proof in proofs:
            for func in proof.checks:
                yield ClaimItem.from_parent(self, name=f"{proof.id}-{func.__name__}",
                                            func=func, kind="check", full=full)
            for func in proof.falsifiers:
                yield ClaimItem.from_parent(self, name=f"{proof.id}-{func.__name__}",
                                            func=func, kind="falsifier")


class ClaimVerdict(Exception):
    """A step that is not ok; its text is the runner's verdict."""


class ClaimItem(pytest.Item):
    """One ``check_*`` or ``falsify_*`` of a claim file (or the failed load of one)."""

    def __init__(self, *, func: Any, kind: str, full: bool = False, message: str = "",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.func, self.kind, self.full, self.message = func, kind, full, message

    def runtest(self) -> None:
        from exactmtl.proofcheck import run_check, run_falsifier

        if self.kind == "load":
            raise ClaimVerdict(f"ERROR {self.message}")
        result = (run_check(self.func, self.full) if self.kind == "check"
                  else run_falsifier(self.func))
        if result.status != "ok":
            where = ", ".join(f"{k}={v}" for k, v in result.case.items())
            raise ClaimVerdict(f"{result.status} {self.kind} {self.func.__name__}: "
                               f"{result.message}" + (f" [{where}]" if where else ""))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, ClaimVerdict):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"claim {self.name}"
