"""``exactmtl bounds``: the joint/separate table of the main construction."""

from __future__ import annotations

import pytest

from exactmtl.cli import main


def _table(capsys, *argv: str) -> dict[str, list[str]]:
    assert main(["bounds", *argv]) == 0
    out = capsys.readouterr().out.splitlines()
    return {" ".join(line.split()[:2]) if line.startswith("task") else line.split()[0]:
            line.split() for line in out[3:]}


def test_bounds_golden_row(capsys):
    rows = _table(capsys, "--n", "3", "--m", "2", "--ks", "0,1,2,3", "--eps", "1/4")
    assert [rows[f"task k={k}"][2] for k in range(4)] == ["4", "5", "6", "6"]
    assert rows["L_sep"][1:4] == ["21", "brute", "force"]
    assert rows["L_joint"][1:4] == ["7", "brute", "force"]
    assert rows["gap"][1] == "14" and rows["ratio"][1] == "3"


def test_bounds_header_and_theorem_a_line(capsys):
    assert main(["bounds", "--n", "2", "--m", "1", "--ks", "0,1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("n=2, m=1, ks=[0, 1], heads=sawtooth-walsh, eps=0, convention N0")
    assert "gap >= (T-1)(2^n - 2^m) = 2" in out


def test_bounds_closed_form_at_depth_60(capsys):
    rows = _table(capsys, "--n", "60", "--m", "2", "--ks", "0,1,2,3")
    assert rows["L_joint"][1] == str(2 ** 60 - 1)
    assert rows["L_joint"][2:4] == ["closed", "form"]


def test_bounds_reports_bounds_only(capsys):
    assert main(["bounds", "--n", "60", "--m", "1", "--ks", "0,1", "--eps", "1/8"]) == 0
    out = capsys.readouterr().out
    assert "[14, 15]" in out and "bounds" in out and "Theorem B (j=3)" in out


def test_bounds_walsh_heads_and_brute_flag(capsys):
    rows = _table(capsys, "--n", "3", "--ks", "5,6,7", "--heads", "walsh", "--brute")
    assert rows["L_sep"][1] == "12" and rows["L_joint"][1] == "7"
    rows = _table(capsys, "--n", "3", "--m", "2", "--ks", "0,1", "--closed")
    assert rows["L_sep"][2:4] == ["closed", "form"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--n", "3", "--ks", "1", "--heads", "haar"], r"heads='haar' is not a head family"),
    (["--n", "3", "--ks", "1", "--eps=-1/4"], r"eps=-1/4 is negative"),
    (["--n", "3", "--ks", "1", "--eps", "abc"], r"--eps='abc' is not an exact number"),
    (["--n", "3", "--ks", "1,x"], r"--ks='1,x' must be comma-separated integers"),
    (["--n", "3", "--m", "1", "--ks", "2"], r"ks\[0\]=2 is out of range"),
    (["--n", "2", "--m", "3", "--ks", "0"], r"m=3 must be <= n=2"),
    (["--n", "5", "--ks", "0", "--brute"], r"route='brute' needs n <= 4"),
    (["--n", "3", "--ks", "0", "--convention", "bits"], r"convention='bits'"),
])
def test_bounds_bad_input_exits_2(capsys, argv, message):
    assert main(["bounds", *argv]) == 2
    import re

    assert re.search(message, capsys.readouterr().err)


def test_bounds_usage_error_is_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["bounds", "--n", "3"])
    assert exc.value.code == 2
