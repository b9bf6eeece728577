"""Command line: ``exactmtl check | list | show | new-claim | validate | bounds``
(and ``python -m exactmtl``).

``exactmtl check [PATHS] [-k ID] [--full] [--json FILE] [--jobs N | --scheduler ADDR]`` prints
one line per claim (ok, FAIL with the failing case, or ERROR), then a summary. ``--jobs N`` runs
the claims' independent units on N processes and ``--scheduler tcp://HOST:PORT`` on a Dask
cluster (:mod:`exactmtl.scheduling`); the verdicts and certificates are the serial run's, and
Ctrl-C cancels every unit and exits 130 with no report. Exit codes: 0 every claim holds, 1 a claim
failed or errored (a proof file that cannot be loaded is an ERROR), 2 usage error (unknown
flag, a path that is not a proof file or folder, ``-k`` matching nothing, an unwritable
``--json`` target), 130 interrupted (Ctrl-C), 141 stdout closed (``| head``).

Every bad argument is one line on stderr and exit code 2, before any work: numbers are parsed
with bounded cost (``exactmtl._cliargs``), report targets are tried before the run.
Each claim line shows the claim's provenance tag (paper, derived, reference; ``-`` for
a claim file without a Provenance field).

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

from exactmtl._cliargs import (
    OneLineParser,
    bounded_int,
    exact_number,
    int_list,
    output_target_problem,
    run,
)
from exactmtl.errors import InvalidArgument, ResourceLimitError

__all__ = ["main"]

MAX_BOUNDS_DEPTH = 10_000   # exactmtl bounds --n: 2**n stays printable (Python's 4300 digits)
MAX_BOUNDS_TASKS = 4096     # exactmtl bounds --ks: number of readout indices


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
    return output_target_problem(path, "--json")


def _one_line(exc: BaseException) -> str:
    """An error as one line (an OSError's text can hold a very long path)."""
    if isinstance(exc, OSError) and exc.strerror:
        name = str(exc.filename or "")
        shown = name if len(name) <= 80 else name[:80] + "..."
        return f"{shown!r}: {exc.strerror}" if name else exc.strerror
    return " ".join(str(exc).split())


def _nothing_selected(args: argparse.Namespace) -> str:
    if args.k:
        return f"no claim matches -k {' '.join(args.k)}"
    where = " ".join(map(repr, args.paths)) if args.paths else "proofs/"
    return f"no proof files found in {where}"


def _cmd_check(args: argparse.Namespace) -> int:
    from exactmtl.proofcheck import (
        broken_result,
        discover,
        provenance_tag,
        run_all,
        select,
        write_report,
    )

    parallel = _parallel_options(args)  # --jobs / --scheduler: refused before any work
    if isinstance(parallel, int):
        return parallel
    if args.json is not None:
        problem = _json_target_problem(args.json)
        if problem:
            print(f"exactmtl check: {problem}", file=sys.stderr)
            return 2
    broken: list = []
    try:
        proofs = select(discover(args.paths, broken=broken), args.k)
    except (InvalidArgument, OSError) as exc:
        print(f"exactmtl check: {_one_line(exc)}", file=sys.stderr)
        return 2
    broken = select(broken, args.k)
    if not proofs and not broken:
        print(f"exactmtl check: {_nothing_selected(args)}", file=sys.stderr)
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
            if problem.status == "ERROR" and problem.traceback:
                for tb_line in problem.traceback.rstrip().splitlines():
                    print(f"{'':<{width}}    {tb_line}", flush=True)

    results = []
    for b in broken:
        results.append(broken_result(b))
        show(results[-1])
    notes: list[str] = []
    if parallel is None:
        results += run_all(proofs, full=args.full, report=status, on_result=show)
    else:
        try:
            run = _run_parallel(proofs, args, parallel, status, show)
        except KeyboardInterrupt:
            status.clear()
            print("exactmtl check: interrupted; every unit cancelled, no report written",
                  file=sys.stderr)
            return 130
        except InvalidArgument as exc:
            status.clear()
            print(f"exactmtl check: {exc}", file=sys.stderr)
            return 2
        results += run.results
        notes = run.notes
        status.clear()
        print(run.balance_line())
        for note in notes:
            print(f"note: {note}")
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
            write_report(results, args.json, full=args.full, notes=notes)
        except OSError as exc:
            print(f"exactmtl check: cannot write --json {args.json!r}: {exc}", file=sys.stderr)
            return 2
        print(f"report written to {args.json}")
    return 0 if counts["ok"] == len(results) else 1


def _parallel_options(args: argparse.Namespace) -> tuple[int, str | None] | int | None:
    """``(jobs, scheduler)`` for a parallel run, None for the plain serial run, or exit code 2."""
    from exactmtl.scheduling import parse_jobs

    if args.scheduler is not None:
        if args.jobs is not None:
            print("exactmtl check: --jobs and --scheduler exclude each other (the cluster's "
                  "workers set the parallelism)", file=sys.stderr)
            return 2
        if "://" not in args.scheduler and ":" not in args.scheduler:
            print(f"exactmtl check: --scheduler {args.scheduler!r}: expected an address such "
                  "as tcp://HOST:PORT", file=sys.stderr)
            return 2
        return (1, args.scheduler)
    if args.jobs is None:
        return None
    try:
        jobs = parse_jobs(args.jobs)
    except InvalidArgument as exc:
        print(f"exactmtl check: --{exc}", file=sys.stderr)
        return 2
    return (jobs, None)


def _run_parallel(proofs, args: argparse.Namespace, parallel: tuple[int, str | None],
                  status, show):
    from exactmtl.scheduling import run_parallel

    jobs, scheduler = parallel
    return run_parallel(proofs, full=args.full, jobs=jobs, scheduler=scheduler, report=status,
                        on_result=show)


def _cmd_list(args: argparse.Namespace) -> int:
    from exactmtl.proofcheck import discover, select

    try:
        proofs = select(discover(args.paths), args.k)
    except (InvalidArgument, OSError) as exc:
        print(f"exactmtl list: {_one_line(exc)}", file=sys.stderr)
        return 2
    if not proofs:
        print(f"exactmtl list: {_nothing_selected(args)}", file=sys.stderr)
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
    return int_list(text, "--ks", minimum=0, maximum=(1 << MAX_BOUNDS_DEPTH) - 1,
                    most=MAX_BOUNDS_TASKS)


def _parse_eps(text: str | None):
    return None if text is None else exact_number(text, "--eps")


def _cmd_rate_readings(args: argparse.Namespace) -> int:
    """``bounds --tasks T [--eps E]`` and ``bounds --beta B [--jmax J]``: the §3.6 readings."""
    from fractions import Fraction

    from exactmtl.errors import InvalidArgumentType
    from exactmtl.rates import exponent_table, readings_table

    try:
        parts = []
        if args.tasks is not None:
            tasks = int_list(args.tasks, "--tasks", minimum=1, maximum=MAX_BOUNDS_TASKS,
                             most=64)
            eps = _parse_eps(args.eps)
            epss = [eps] if eps is not None else [Fraction(1, 2 ** j) for j in (4, 8, 16)]
            parts.append(readings_table(tasks, epss))
        if args.beta is not None:
            beta = exact_number(args.beta, "--beta")
            jmax = bounded_int(args.jmax or "20", "--jmax", minimum=1, maximum=1000)
            parts.append(exponent_table(beta, range(1, jmax + 1)))
    except (InvalidArgument, InvalidArgumentType, ResourceLimitError) as exc:
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
        args.parser.error("the following arguments are required: --n, --ks (or --tasks T / "
                          "--beta B for the rate readings)")

    route = "brute" if args.brute else "closed" if args.closed else "auto"
    try:
        n = bounded_int(args.n, "--n", minimum=1, maximum=MAX_BOUNDS_DEPTH)
        m = None if args.m is None else bounded_int(args.m, "--m", minimum=0,
                                                     maximum=MAX_BOUNDS_DEPTH)
        text = bounds_table(n, m, _parse_ks(args.ks), _parse_eps(args.eps),
                            heads=args.heads, convention=args.convention, route=route)
    except (InvalidArgument, InvalidArgumentType, ResourceLimitError) as exc:
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
    parser = OneLineParser(
        prog="exactmtl", description="Exact verification toolkit for multi-task learning theory."
    )
    from exactmtl import __version__

    parser.add_argument("--version", action="version", version=f"exactmtl {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    check = sub.add_parser("check", help="run the proof-check suite")
    check.add_argument("paths", nargs="*", help="proof files or folders (default: proofs/)")
    check.add_argument("-k", action="append", metavar="ID",
                       help="run only claims with this id or glob (repeatable), e.g. -k A3 -k 'M*'")
    check.add_argument("--full", action="store_true", help="run the long ranges")
    check.add_argument("--json", metavar="FILE", help="write a machine-readable report")
    check.add_argument("-j", "--jobs", metavar="N", default=None,
                       help="run independent units on N local processes (0 or auto: all cores)")
    check.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                       help="run the units on a Dask distributed cluster "
                            "(pip install 'exactmtl[distributed]')")
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
    bounds.add_argument("--n", default=None,
                        help=f"feature depth 1 <= n <= {MAX_BOUNDS_DEPTH} (required unless "
                             "--tasks or --beta)")
    bounds.add_argument("--m", default=None,
                        help="readout frequency m <= n (default: least m with every k < 2^m; "
                             "n for --heads walsh)")
    bounds.add_argument("--ks", default=None, help="readout indices, e.g. 0,1,2,3")
    bounds.add_argument("--tasks", default=None, metavar="T",
                        help="rate readings (1)-(4) of §3.6 for T tasks (comma list "
                             "allowed) at --eps (default 2^-4, 2^-8, 2^-16), infinite depth")
    bounds.add_argument("--beta", default=None, metavar="B",
                        help="reading (3): T(eps) = ceil(eps^-B) tasks along eps = 2^-j, "
                             "j = 1..--jmax; exponents 1/(1+B) and 1/(1+2B)")
    bounds.add_argument("--jmax", default=None, help="largest j for --beta (default 20)")
    bounds.add_argument("--eps", default=None,
                        help="exact eps >= 0, e.g. 1/4 (default 0: identification)")
    bounds.add_argument("--heads", default="sawtooth-walsh",
                        help="sawtooth-walsh (default) or walsh")
    bounds.add_argument("--convention", default="N0", help="N0 (default; 0 bits allowed) or N")
    how = bounds.add_mutually_exclusive_group()
    how.add_argument("--brute", action="store_true",
                     help="force enumeration of every sign pattern (n <= 4)")
    how.add_argument("--closed", action="store_true", help="closed forms only")
    bounds.set_defaults(func=_cmd_bounds, parser=bounds)

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
    return run(_main, argv, "exactmtl")


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
