"""Command line: ``exactmtl check | list`` (and ``python -m exactmtl``).

Exit codes: 0 every claim holds, 1 a claim failed or errored, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from exactmtl.errors import InvalidArgument

__all__ = ["main"]


class _Status:
    """Progress on stderr: one rewritten line on a terminal, silent otherwise."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.width = 0

    def __call__(self, message: str) -> None:
        if self.tty:
            text = message[:100]
            self.stream.write("\r" + text.ljust(self.width))
            self.stream.flush()
            self.width = len(text)

    def clear(self) -> None:
        if self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def _cmd_check(args: argparse.Namespace) -> int:
    from exactmtl.proofcheck import discover, run_all, select, write_report

    try:
        proofs = select(discover(args.paths), args.k)
    except InvalidArgument as exc:
        print(f"exactmtl check: {exc}", file=sys.stderr)
        return 2
    if not proofs:
        print(f"exactmtl check: no claim matches -k {' '.join(args.k or [])}", file=sys.stderr)
        return 2
    status = _Status(sys.stderr)
    width = max(len(p.id) for p in proofs)

    def show(result) -> None:
        status.clear()
        line = f"{result.id:<{width}}  {result.status:<5}  {result.title}  ({result.seconds:.2f} s)"
        print(line, flush=True)
        problem = result.first_problem()
        if problem is not None:
            where = ", ".join(f"{k}={v}" for k, v in problem.case.items())
            print(f"{'':<{width}}  {problem.kind} {problem.name}: {problem.message}"
                  + (f" [{where}]" if where else ""), flush=True)

    results = run_all(proofs, full=args.full, report=status, on_result=show)
    status.clear()
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "FAIL", "ERROR")}
    steps = sum(len(r.steps) for r in results)
    falsifiers = sum(1 for r in results for s in r.steps if s.kind == "falsifier")
    print(f"{len(results)} claims: {counts['ok']} ok, {counts['FAIL']} failed, "
          f"{counts['ERROR']} errors ({steps} steps, {falsifiers} falsifiers rejected "
          f"or reported; {'full' if args.full else 'default'} ranges)")
    if args.json:
        write_report(results, args.json, full=args.full)
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

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
