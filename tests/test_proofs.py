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
