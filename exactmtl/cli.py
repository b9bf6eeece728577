"""Command line: ``exactmtl check | list | show | new-claim | validate | bounds``
(and ``python -m exactmtl``).

``exactmtl check [PATHS] [-k ID] [--full] [--json FILE]`` prints one line per claim (ok, FAIL
with the failing case, or ERROR), then a summary. Exit codes: 0 every claim holds, 1 a claim
failed or errored (a proof file that cannot be loaded is an ERROR), 2 usage error (unknown
flag, a path that is not a proof file or folder, ``-k`` matching nothing, an unwritable
``--json`` target). Each claim line shows the claim's provenance tag (paper, derived,
reference; ``-`` for a claim file without a Provenance field).

>>> main(["check", "proofs/a9_centred_waves.py"])  # doctest: +ELLIPSIS
A9  ok     derived    centred triangle waves: orthogonal, norm^2 1/12  (... s)
1 claims: 1 ok, 0 failed, 0 errors (2 steps; 1/1 falsifiers rejected; default ranges)
0
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from exactmtl.errors import InvalidArgument

__all__ = ["main"]


class _Status:
    """Progress on stderr for long runs.

    On a terminal: one line, rewritten in place. Elsewhere (CI logs, pipes): a plain line
    at most every ``heartbeat`` seconds, so a long run is visibly alive without flooding the log.
    """

    def __init__(self, stream, heartbeat: float = 15.0) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.width = 0
        self.heartbeat = heartbeat
        self.last = time.monotonic()

    def __call__(self, message: str) -> None:
        if self.tty:
            text = message[:100]
            self.stream.write("\r" + text.ljust(self.width))
            self.stream.flush()
            self.width = len(text)
            return
        now = time.monotonic()
        if now - self.last >= self.heartbeat:
            self.last = now
            self.stream.write(f"... {message[:120]}\n")
            self.stream.flush()

    def clear(self) -> None:
        if self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
        self.last = time.monotonic()


def _json_target_problem(path: str) -> str | None:
    """Why ``--json path`` cannot be written (checked before a long run), or None."""
    target = Path(path)
    if target.is_dir():
        return f"--json {path!r} is a directory; expected a file name"
    parent = target.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"--json {path!r}: {str(parent)!r} is not a directory"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"--json {path!r}: the directory {str(parent)!r} is not writable"
    return None


def _cmd_check(args: argparse.Namespace) -> int:
    from exactmtl.proofcheck import (
        broken_result,
        discover,
        provenance_tag,
        run_all,
        select,
        write_report,
    )

    if args.json:
        problem = _json_target_problem(args.json)
        if problem:
            print(f"exactmtl check: {problem}", file=sys.stderr)
            return 2
    broken: list = []
    try:
        proofs = select(discover(args.paths, broken=broken), args.k)
    except InvalidArgument as exc:
        print(f"exactmtl check: {exc}", file=sys.stderr)
        return 2
    broken = select(broken, args.k)
    if not proofs and not broken:
        print(f"exactmtl check: no claim matches -k {' '.join(args.k or [])}", file=sys.stderr)
        return 2
    status = _Status(sys.stderr)
    width = max(len(p.id) for p in [*proofs, *broken])

    def show(result) -> None:
        status.clear()
        tag = provenance_tag(result.fields)
        line = (f"{result.id:<{width}}  {result.status:<5}  {tag:<9}  {result.title}  "
                f"({result.seconds:.2f} s)")
        print(line, flush=True)
        problem = result.first_problem()
        if problem is not None:
            where = ", ".join(f"{k}={v}" for k, v in problem.case.items())
            print(f"{'':<{width}}  {problem.kind} {problem.name}: {problem.message}"
                  + (f" [{where}]" if where else ""), flush=True)

    results = []
    for b in broken:
        results.append(broken_result(b))
        show(results[-1])
    results += run_all(proofs, full=args.full, report=status, on_result=show)
    status.clear()
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "FAIL", "ERROR")}
    steps = [s for r in results for s in r.steps]
    falsifiers = [s for s in steps if s.kind == "falsifier"]
    rejected = sum(s.status == "ok" for s in falsifiers)
    print(f"{len(results)} claims: {counts['ok']} ok, {counts['FAIL']} failed, "
          f"{counts['ERROR']} errors ({len(steps)} steps; {rejected}/{len(falsifiers)} "
          f"falsifiers rejected; {'full' if args.full else 'default'} ranges)")
    if args.json:
        try:
            write_report(results, args.json, full=args.full)
        except OSError as exc:
            print(f"exactmtl check: cannot write --json {args.json!r}: {exc}", file=sys.stderr)
            return 2
        print(f"report written to {args.json}")
    return 0 if counts["ok"] == len(results) else 1


def _cmd_list(args: argparse.Namespace) -> int:
    from exactmtl.proofcheck import discover, select

    try:
        proofs = select(discover(args.paths), args.k)
    except InvalidArgument as exc:
        print(f"exactmtl list: {exc}", file=sys.stderr)
        return 2
    for p in proofs:
        print(f"{p.id:<6} {p.claim.title}")
        if args.verbose:
            for key, text in p.fields.items():
                print(f"       {key:<10} {text}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from exactmtl.proofcheck import discover, provenance_tag, select

    broken: list = []
    try:
        proofs = select(discover(args.paths, broken=broken), [args.id])
    except InvalidArgument as exc:
        print(f"exactmtl show: {exc}", file=sys.stderr)
        return 2
    bad = select(broken, [args.id])
    for b in bad:
        print(f"{b.id}  ERROR  {b.message}")
    if not proofs:
        if not bad:
            print(f"exactmtl show: no claim {args.id!r} (see exactmtl list)", file=sys.stderr)
        return 2 if not bad else 1
    for i, p in enumerate(proofs):
        if i:
            print()
        print(f"{p.id}  {p.claim.title}")
        print(f"  {'File':<11} {p.path}")
        for key, text in p.fields.items():
            print(f"  {key:<11} {text}")
        if "Provenance" not in p.fields:
            print(f"  {'Provenance':<11} {provenance_tag(p.fields)} (not given)")
        print(f"  {'Checks':<11} {', '.join(f.__name__ for f in p.checks)}")
        print(f"  {'Falsifiers':<11} {', '.join(f.__name__ for f in p.falsifiers)}")
    return 0


def _cmd_new_claim(args: argparse.Namespace) -> int:
    from exactmtl.proofcheck import new_claim_text

    target = Path(args.path)
    if target.is_dir() or args.path.endswith(("/", os.sep)):
        target = target / f"{args.id.lower().replace('.', '_')}_claim.py"
    if target.suffix != ".py":
        print(f"exactmtl new-claim: PATH={args.path!r} must end in .py or be a folder",
              file=sys.stderr)
        return 2
    if target.exists() and not args.force:
        print(f"exactmtl new-claim: {str(target)!r} exists; pass --force to overwrite",
              file=sys.stderr)
        return 2
    try:
        text = new_claim_text(args.id, args.title) if args.title else new_claim_text(args.id)
    except InvalidArgument as exc:
        print(f"exactmtl new-claim: {exc}", file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}: edit it, then run  exactmtl check {target}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from exactmtl.errors import InvalidArgumentType, UndecidedError
    from exactmtl.formula import parse_grid
    from exactmtl.validate import QUANTITIES, quantities, validate

    if args.list:
        for q in quantities():
            print(f"{q.name:<24} ({', '.join(q.params)})  {q.description} [{q.route}; "
                  f"{q.docs}]")
        return 0
    if not args.formula or not args.against:
        print("exactmtl validate: give a FORMULA and --against NAME (or --list)",
              file=sys.stderr)
        return 2
    try:
        grid = parse_grid(args.over or [])
        report = validate(args.formula, args.against, args.relation, over=grid)
        claim = report.to_claim(args.claim[0]) if args.claim else None
    except (InvalidArgument, InvalidArgumentType, UndecidedError) as exc:
        print(f"exactmtl validate: {exc}", file=sys.stderr)
        if args.against and args.against not in QUANTITIES:
            print("  (exactmtl validate --list shows the quantities)", file=sys.stderr)
        return 2
    print(report)
    if args.json:
        problem = _json_target_problem(args.json)
        if problem:
            print(f"exactmtl validate: {problem}", file=sys.stderr)
            return 2
        report.write_json(args.json)
        print(f"report written to {args.json}")
    if claim is not None:
        path = Path(args.claim[1])
        if path.exists() and not args.force:
            print(f"exactmtl validate: {str(path)!r} exists; pass --force to overwrite",
                  file=sys.stderr)
            return 2
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(claim, encoding="utf-8")
        print(f"claim file written to {path}")
    return 0 if report else 1


def _parse_ks(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InvalidArgument(f"--ks={text!r} must be comma-separated integers, e.g. "
                              "--ks 0,1,2,3") from None


def _parse_eps(text: str | None):
    from fractions import Fraction

    if text is None:
        return None
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise InvalidArgument(f"--eps={text!r} is not an exact number; expected e.g. 1/4 "
                              "or 0.25") from None


def _cmd_bounds(args: argparse.Namespace) -> int:
    from exactmtl.coding import bounds_table
    from exactmtl.errors import InvalidArgumentType, UndecidedError

    route = "brute" if args.brute else "closed" if args.closed else "auto"
    try:
        text = bounds_table(args.n, args.m, _parse_ks(args.ks), _parse_eps(args.eps),
                            heads=args.heads, convention=args.convention, route=route)
    except (InvalidArgument, InvalidArgumentType) as exc:
        print(f"exactmtl bounds: {exc}", file=sys.stderr)
        return 2
    except UndecidedError as exc:
        print(f"exactmtl bounds: {exc}", file=sys.stderr)
        return 1
    print(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exactmtl", description="Exact verification toolkit for multi-task learning theory."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="run the proof-check suite")
    check.add_argument("paths", nargs="*", help="proof files or folders (default: proofs/)")
    check.add_argument("-k", action="append", metavar="ID",
                       help="run only claims with this id or glob (repeatable), e.g. -k A3 -k 'M*'")
    check.add_argument("--full", action="store_true", help="run the long ranges")
    check.add_argument("--json", metavar="FILE", help="write a machine-readable report")
    check.set_defaults(func=_cmd_check)

    lst = sub.add_parser("list", help="list the claims of the proof-check suite")
    lst.add_argument("paths", nargs="*")
    lst.add_argument("-k", action="append", metavar="ID")
    lst.add_argument("-v", "--verbose", action="store_true", help="show statement, check, ...")
    lst.set_defaults(func=_cmd_list)

    show = sub.add_parser("show", help="show one claim: every field, its checks, falsifiers")
    show.add_argument("id", help="claim id (or glob), e.g. M25")
    show.add_argument("paths", nargs="*", help="proof files or folders (default: proofs/)")
    show.set_defaults(func=_cmd_show)

    new = sub.add_parser("new-claim", help="write a complete claim-file template to edit")
    new.add_argument("id", help="claim id: a letter then digits, e.g. U1 or U2.3")
    new.add_argument("path", help="file (*.py) or folder to write it in")
    new.add_argument("--title", default=None, help="one-line title")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.set_defaults(func=_cmd_new_claim)

    val = sub.add_parser(
        "validate", help="check a formula against an exact quantity on a grid",
        description="Check FORMULA RELATION NAME at every grid point, exactly. FORMULA uses "
                    "numbers, parameters, + - * / **, sqrt log exp ceiling floor abs min max "
                    "binomial factorial (parsed without eval).")
    val.add_argument("formula", nargs="?", help="e.g. '2**k*(ceiling(1/(2*eps)) - 1) + 1'")
    val.add_argument("--against", metavar="NAME", help="a quantity (see --list)")
    val.add_argument("--relation", default="==", choices=["==", "!=", "<", "<=", ">", ">="],
                     help="read as FORMULA RELATION NAME (default ==)")
    val.add_argument("--over", action="append", metavar="NAME=VALUES",
                     help="grid values: k=1..6 (inclusive range) or eps=1/5,1/8 (repeatable)")
    val.add_argument("--json", metavar="FILE", help="write the report as JSON")
    val.add_argument("--claim", nargs=2, metavar=("ID", "PATH"),
                     help="also write a claim file re-running this validation")
    val.add_argument("--force", action="store_true", help="overwrite an existing claim file")
    val.add_argument("--list", action="store_true", help="list the quantities and exit")
    val.set_defaults(func=_cmd_validate)

    bounds = sub.add_parser(
        "bounds", help="joint/separate code lengths of the main construction (§3.5)")
    bounds.add_argument("--n", type=int, required=True, help="feature depth n >= 1")
    bounds.add_argument("--m", type=int, default=None,
                        help="readout frequency m <= n (default: least m with every k < 2^m; "
                             "n for --heads walsh)")
    bounds.add_argument("--ks", required=True, help="readout indices, e.g. 0,1,2,3")
    bounds.add_argument("--eps", default=None,
                        help="exact eps >= 0, e.g. 1/4 (default 0: identification)")
    bounds.add_argument("--heads", default="sawtooth-walsh",
                        help="sawtooth-walsh (default) or walsh")
    bounds.add_argument("--convention", default="N0", help="N0 (default; 0 bits allowed) or N")
    how = bounds.add_mutually_exclusive_group()
    how.add_argument("--brute", action="store_true",
                     help="force enumeration of every sign pattern (n <= 4)")
    how.add_argument("--closed", action="store_true", help="closed forms only")
    bounds.set_defaults(func=_cmd_bounds)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (argparse usage errors exit with 2).

    >>> main(["list", "-k", "A9"])
    A9     centred triangle waves: orthogonal, norm^2 1/12
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
