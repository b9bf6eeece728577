"""Command line: ``exactmtl check | list | bounds`` (and ``python -m exactmtl``).

``exactmtl check [PATHS] [-k ID] [--full] [--json FILE]`` prints one line per claim (ok, FAIL
with the failing case, or ERROR), then a summary. Exit codes: 0 every claim holds, 1 a claim
failed or errored (a proof file that cannot be loaded is an ERROR), 2 usage error (unknown
flag, a path that is not a proof file or folder, ``-k`` matching nothing, an unwritable
``--json`` target).

>>> main(["check", "proofs/a9_centred_waves.py"])  # doctest: +ELLIPSIS
A9  ok     centred triangle waves: orthogonal, norm^2 1/12  (... s)
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
    from exactmtl.proofcheck import broken_result, discover, run_all, select, write_report

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
        line = f"{result.id:<{width}}  {result.status:<5}  {result.title}  ({result.seconds:.2f} s)"
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


def _parse_ks(text: str, flag: str = "--ks") -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InvalidArgument(f"{flag}={text!r} must be comma-separated integers, e.g. "
                              f"{flag} 0,1,2,3") from None


def _parse_eps(text: str | None, flag: str = "--eps"):
    from fractions import Fraction

    if text is None:
        return None
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise InvalidArgument(f"{flag}={text!r} is not an exact number; expected e.g. 1/4 "
                              "or 0.25") from None


def _cmd_rate_readings(args: argparse.Namespace) -> int:
    """``bounds --tasks T [--eps E]`` and ``bounds --beta B [--jmax J]``: THEORY-main 3.6."""
    from fractions import Fraction

    from exactmtl.errors import InvalidArgumentType
    from exactmtl.rates import exponent_table, readings_table

    try:
        parts = []
        if args.tasks is not None:
            tasks = _parse_ks(args.tasks, flag="--tasks")
            eps = _parse_eps(args.eps)
            epss = [eps] if eps is not None else [Fraction(1, 2 ** j) for j in (4, 8, 16)]
            parts.append(readings_table(tasks, epss))
        if args.beta is not None:
            beta = _parse_eps(args.beta, flag="--beta")
            if args.jmax < 1:
                raise InvalidArgument(f"--jmax={args.jmax} must be >= 1")
            parts.append(exponent_table(beta, range(1, args.jmax + 1)))
    except (InvalidArgument, InvalidArgumentType) as exc:
        print(f"exactmtl bounds: {exc}", file=sys.stderr)
        return 2
    print("\n\n".join(parts))
    return 0


def _cmd_bounds(args: argparse.Namespace) -> int:
    from exactmtl.coding import bounds_table
    from exactmtl.errors import InvalidArgumentType, UndecidedError

    if args.tasks is not None or args.beta is not None:
        return _cmd_rate_readings(args)
    if args.n is None or args.ks is None:
        print("exactmtl bounds: --n and --ks are required (or --tasks T / --beta B for the "
              "rate readings)", file=sys.stderr)
        raise SystemExit(2)  # a usage error, as argparse reports a missing required flag

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


def _cmd_export(args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from exactmtl.coq import COQ_PACKAGES, compile_coq, coqc_path, export_items
    from exactmtl.errors import InvalidArgumentType

    if not args.coq:
        print("exactmtl export: --coq DIR is required (the only export format)", file=sys.stderr)
        return 2
    target = Path(args.coq)
    if target.exists() and not target.is_dir():
        print(f"exactmtl export: --coq {args.coq!r} exists and is not a folder", file=sys.stderr)
        return 2
    if args.compile and coqc_path() is None:
        print(f"exactmtl export: coqc not found; install the Debian packages {COQ_PACKAGES}",
              file=sys.stderr)
        return 2
    try:
        files = export_items(args.k)
    except (InvalidArgument, InvalidArgumentType) as exc:
        print(f"exactmtl export: {exc}", file=sys.stderr)
        return 2
    paths = [f.write(target) for f in files]
    if not args.compile:
        for f, path in zip(files, paths):
            print(f"{f.item:<48} {path}")
        print(f"{len(paths)} Coq files written to {target}")
        return 0
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        results = list(pool.map(compile_coq, paths))
    failed = 0
    for f, res in zip(files, results):
        print(f"{f.item:<48} {'ok' if res else 'FAIL':<5} ({res.seconds:.1f} s)")
        if not res:
            failed += 1
            print("    " + res.output.replace("\n", "\n    "))
    print(f"{len(paths)} Coq files: {len(paths) - failed} compiled, {failed} failed "
          f"({time.perf_counter() - start:.1f} s)")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exactmtl", description="Exact verification toolkit for multi-task learning theory."
    )
    from exactmtl import __version__

    parser.add_argument("--version", action="version", version=f"exactmtl {__version__}")
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

    bounds = sub.add_parser(
        "bounds", help="joint/separate code lengths of the main construction (THEORY 3.5)")
    bounds.add_argument("--n", type=int, default=None,
                        help="feature depth n >= 1 (required unless --tasks or --beta)")
    bounds.add_argument("--m", type=int, default=None,
                        help="readout frequency m <= n (default: least m with every k < 2^m; "
                             "n for --heads walsh)")
    bounds.add_argument("--ks", default=None, help="readout indices, e.g. 0,1,2,3")
    bounds.add_argument("--tasks", default=None, metavar="T",
                        help="rate readings (1)-(4) of THEORY 3.6 for T tasks (comma list "
                             "allowed) at --eps (default 2^-4, 2^-8, 2^-16), infinite depth")
    bounds.add_argument("--beta", default=None, metavar="B",
                        help="reading (3): T(eps) = ceil(eps^-B) tasks along eps = 2^-j, "
                             "j = 1..--jmax; exponents 1/(1+B) and 1/(1+2B)")
    bounds.add_argument("--jmax", type=int, default=20, help="largest j for --beta (default 20)")
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

    export = sub.add_parser("export", help="export kernel-checkable certificates (Coq)")
    export.add_argument("--coq", metavar="DIR", help="write one .v file per item into DIR")
    export.add_argument("-k", action="append", metavar="ID",
                        help="only items whose id starts with or matches ID (repeatable)")
    export.add_argument("--compile", action="store_true",
                        help="compile every file with coqc; exit 1 if one is rejected")
    export.set_defaults(func=_cmd_export)

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
