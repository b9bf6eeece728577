"""Coq export: files are written without coqc; with coqc every item compiles and every
falsifier (a perturbed constant or table entry) is rejected by the kernel."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import pytest
import sympy

from exactmtl import certify
from exactmtl.bases import walsh
from exactmtl.coding import code_length_certificate, feature_class
from exactmtl.companions.pacbayes import kl_inverse
from exactmtl.coq import (
    COQ_PACKAGES,
    CoqFile,
    _kl_expr,
    certificate_file,
    code_length_file,
    compile_coq,
    coq_real,
    coqc_path,
    enclosure_file,
    export_coq,
    export_items,
    inequality_file,
    maurer_xi_file,
    telgarsky_file,
    walsh_gram_file,
)
from exactmtl.errors import InvalidArgument, InvalidArgumentType
from exactmtl.networks import telgarsky_network

needs_coqc = pytest.mark.skipif(
    coqc_path() is None,
    reason=f"coqc not installed: apt-get install {COQ_PACKAGES} to run the kernel checks")


def _compile_all(files: list[CoqFile], tmp_path, outputs: list[str] | None = None) -> list[bool]:
    paths = [f.write(tmp_path / f"case{i}") for i, f in enumerate(files)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(compile_coq, paths))
    if outputs is not None:
        outputs.extend(r.output for r in results)
    return [bool(r) for r in results]


# --------------------------------------------------------------------------- no coqc needed

def test_export_writes_every_item(tmp_path):
    paths = export_coq(tmp_path)
    items = export_items()
    assert len(paths) == len(items) >= 30
    assert {p.name for p in paths} == {f"{f.module}.v" for f in items}
    kinds = {f.item.split("/")[0] for f in items}
    assert kinds == {"README", "D1.1", "D1.4", "A3", "A8", "M16", "M25"}
    for p in paths:
        text = p.read_text()
        assert "Checked by the Coq kernel:" in text and "Taken from the export:" in text
        assert "Qed." in text and "Admitted" not in text
    assert not list(tmp_path.glob(".*tmp"))


def test_selection_and_errors():
    assert [f.item for f in export_items(["D1.4"])] == ["D1.4/maurer-xi/N=4"]
    assert [f.item for f in export_items(["A8/telgarsky/k=4"])] == ["A8/telgarsky/k=4"]
    assert {f.item.split("/")[1] for f in export_items(["D1.1"])} == {"kl-inverse",
                                                                      "multitask-occam"}
    with pytest.raises(InvalidArgument, match=r"ids=\['Z9'\] match no export item"):
        export_items(["Z9"])
    with pytest.raises(InvalidArgumentType, match="ids='A3'"):
        export_items("A3")


def test_coq_real_terms():
    x = sympy.Rational(3, 4)
    assert coq_real(sympy.sqrt(2) * sympy.log(2)) == "((sqrt 2) * (ln 2))"
    assert coq_real(sympy.Pow(x, -2, evaluate=False)) == "(/ ((3 / 4) ^ 2))"
    assert coq_real(sympy.pi - 3) == "((-3) + PI)"
    assert coq_real(sympy.Rational(2) ** sympy.Rational(1, 3)) == "(exp ((1 / 3) * ln 2))"
    with pytest.raises(InvalidArgumentType, match="Float"):
        coq_real(sympy.Float(0.5) + sympy.sqrt(2))
    with pytest.raises(InvalidArgument, match="Symbol"):
        coq_real(sympy.Symbol("t") + 1)


def test_undecided_certificate_refused():
    pi30 = sympy.Rational(3141592653589793238462643383279, 10**30)
    c = certify(sympy.pi, ">", pi30, max_prec=64)
    assert c.undecided
    with pytest.raises(InvalidArgument, match="undecided"):
        certificate_file(c)
    with pytest.raises(InvalidArgumentType, match="expected a Certificate"):
        certificate_file("pi > 3")


def test_disproved_certificate_exports_the_opposite():
    c = certify(sympy.sqrt(2) * sympy.log(2), "<", Fraction(98, 100))
    assert c.disproved
    assert "Lemma c : ((sqrt 2) * (ln 2)) >= (49 / 50)." in certificate_file(c, "c").text


def test_code_length_file_refuses_bad_arguments():
    with pytest.raises(InvalidArgument, match="eps=-1"):
        code_length_file("x", [[0]], 1, -1, [[0]], [0], 0)
    with pytest.raises(InvalidArgument, match="expected 4 x 4"):
        walsh_gram_file(2, [[1, 1], [1, -1]])
    with pytest.raises(InvalidArgument, match="heaviside"):
        from exactmtl.networks import heaviside_sawtooth_network
        telgarsky_file(2, network=heaviside_sawtooth_network(1))


def test_cli_export_without_compile(tmp_path):
    out = subprocess.run([sys.executable, "-m", "exactmtl", "export", "--coq", str(tmp_path),
                          "-k", "A3"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "1 Coq files written" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "exactmtl", "export", "--coq", str(tmp_path),
                          "-k", "nothing"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "match no export item" in bad.stderr
    assert "Traceback" not in bad.stderr


# --------------------------------------------------------------------------- the kernel

def _falsifiers() -> dict[str, CoqFile]:
    """One perturbed export of each kind; the kernel must reject every one."""
    q, c = Fraction(1, 8), Fraction(1, 2)
    enc = kl_inverse(q, c)
    rows = [[int(walsh(m)(Fraction(2 * cell + 1, 16))) for cell in range(8)] for m in range(8)]
    rows[5][3] = -rows[5][3]
    h = feature_class(3)
    cert = code_length_certificate(h, Fraction(1, 8))          # L = 3, 8 groups
    table, scale = h.table.tolist(), int(h.scale)
    cover = [list(g) for g in cert.cover]
    moved = [list(g) for g in cover]
    moved[1].append(moved[0].pop())                           # one member moved
    packing = list(cert.packing)
    close_pair = next(j for j in range(h.size) if j != packing[0]
                      and h.distance(packing[0], j) <= 2 * cert.eps)
    tri = telgarsky_network(3)
    return {
        "certify: threshold 97/100 below sqrt(2) ln 2": inequality_file(
            "f1", sympy.sqrt(2) * sympy.log(2), "<", Fraction(97, 100)),
        "kl-inverse: lower end offered as upper": inequality_file(
            "f2", _kl_expr(q, enc.lo), ">", c),
        "enclosure of e too narrow": enclosure_file("f3", sympy.E, Fraction(272, 100),
                                                    Fraction(273, 100)),
        "xi(4) = 103/31": maurer_xi_file(4, Fraction(103, 31)),
        "Walsh table with one sign flipped": walsh_gram_file(3, rows),
        "Telgarsky network one weight off": telgarsky_file(
            3, network=tri.replace_weight(1, 0, 1, -3)),
        "Telgarsky table value perturbed": telgarsky_file(
            2, table=([0, Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), 1],
                      [0, 1, 0, Fraction(9, 10), 0])),
        "cover with one member moved": code_length_file("f8", table, scale, cert.eps, moved,
                                                        packing, 3),
        "packing with two members within 2 eps": code_length_file(
            "f9", table, scale, cert.eps, cover, [*packing[:-1], close_pair], 3),
        "code length off by one": code_length_file("f10", table, scale, cert.eps, cover,
                                                   packing, 4),
    }


@needs_coqc
def test_kernel_accepts_one_item_of_each_kind(tmp_path):
    files = [export_items([prefix])[0] for prefix in
             ("README", "D1.1/kl-inverse", "D1.1/multitask-occam", "D1.4", "A3",
              "A8/telgarsky/k=4", "M16", "M25/golden/n=3,m=2,K=0,1,2,3/joint")]
    assert _compile_all(files, tmp_path) == [True] * len(files)


@needs_coqc
def test_kernel_rejects_every_falsifier(tmp_path):
    cases = _falsifiers()
    outputs: list[str] = []
    verdicts = _compile_all(list(cases.values()), tmp_path, outputs)
    assert dict(zip(cases, verdicts)) == dict.fromkeys(cases, False)
    # rejected by the kernel's computation or the interval tactic, not by a syntax error
    for name, out in zip(cases, outputs):
        assert ('Unable to unify "true" with "false"' in out
                or "Numerical evaluation failed to conclude" in out), (name, out)


@needs_coqc
@pytest.mark.slow
def test_kernel_accepts_every_item(tmp_path):
    files = export_items()
    assert _compile_all(files, tmp_path) == [True] * len(files)


def test_compile_without_coqc_names_the_packages(monkeypatch, tmp_path):
    import exactmtl.coq as coq

    monkeypatch.setattr(coq.shutil, "which", lambda name: None)
    path = export_items(["D1.4"])[0].write(tmp_path)
    with pytest.raises(FileNotFoundError, match="apt-get install coq libcoq-interval"):
        compile_coq(path)
