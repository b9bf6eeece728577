"""Shared pieces of the command-line entry points: bounded argument parsing, report-target
checks, and a runner that turns Ctrl-C and a closed pipe into one line and an exit code.

Every parser here fails with a one-line message naming the flag, what was expected and what was
given, before any work; the cost of parsing is bounded by the text (no ``Fraction("1e999999")``,
which computes ``10**999999``).

>>> exact_number("1/4", "--eps"), exact_number("2.5e-3", "--eps")
(Fraction(1, 4), Fraction(1, 400))
>>> exact_number("1e99999999", "--eps")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
exactmtl.errors.ResourceLimitError: --eps='1e99999999' has exponent 99999999; expected ...
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import NoReturn

from exactmtl.errors import InvalidArgument, ResourceLimitError

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_PIPE",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "OneLineParser",
    "bounded_int",
    "exact_number",
    "int_list",
    "output_target_problem",
    "run",
]

MAX_DIGITS = 1000          # digits of a number typed on the command line
MAX_EXPONENT = 1000        # |e| of a number written 1.5e-3
EXIT_INTERRUPTED = 130     # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_PIPE = 141            # 128 + SIGPIPE, as a shell reports a closed pipe

_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
_RATIO = re.compile(r"([+-]?\d+)\s*/\s*([+-]?\d+)")


def exact_number(text: str, flag: str) -> Fraction:
    """An exact rational from ``p/q``, an integer or a decimal (``0.25``, ``1.5e-3``), with at
    most :data:`MAX_DIGITS` digits and ``|exponent| <= MAX_EXPONENT``.

    >>> exact_number("-3/6", "--eps")
    Fraction(-1, 2)
    >>> exact_number("0.1", "--eps")
    Fraction(1, 10)
    >>> exact_number("abc", "--eps")
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: --eps='abc' is not an exact number; expected e.g. 1/4 or 0.25
    """
    show = text if len(text) <= 40 else text[:40] + "..."
    digits = sum(c.isdigit() for c in text)
    if digits > MAX_DIGITS or len(text) > 2 * MAX_DIGITS + 16:
        raise ResourceLimitError(f"{flag}={show!r} has {digits} digits; expected at most "
                                 f"{MAX_DIGITS}")
    stripped = text.strip()
    ratio = _RATIO.fullmatch(stripped)
    if ratio:
        p, q = int(ratio.group(1)), int(ratio.group(2))
        if q == 0:
            raise InvalidArgument(f"{flag}={show!r} has denominator 0; expected e.g. 1/4")
        return Fraction(p, q)
    dec = _DECIMAL.fullmatch(stripped)
    if not dec or not (dec.group(2) or dec.group(3)):
        raise InvalidArgument(f"{flag}={show!r} is not an exact number; expected e.g. 1/4 or "
                              "0.25")
    sign, whole, frac, exp = dec.groups()
    e = int(exp or 0)
    if abs(e) > MAX_EXPONENT:
        raise ResourceLimitError(f"{flag}={show!r} has exponent {e}; expected |exponent| <= "
                                 f"{MAX_EXPONENT}")
    frac = frac or ""
    value = Fraction(int((whole or "0") + frac), 10 ** len(frac)) * Fraction(10) ** e
    return -value if sign == "-" else value


def bounded_int(text: str, flag: str, *, minimum: int, maximum: int) -> int:
    """An integer in ``[minimum, maximum]`` (at most :data:`MAX_DIGITS` digits parsed).

    >>> bounded_int("12", "--n", minimum=1, maximum=100)
    12
    >>> bounded_int("20000", "--n", minimum=1, maximum=10000)
    Traceback (most recent call last):
    ...
    exactmtl.errors.InvalidArgument: --n=20000 must be an integer in [1, 10000]
    """
    stripped = text.strip()
    if not re.fullmatch(r"[+-]?\d+", stripped):
        show = text if len(text) <= 40 else text[:40] + "..."
        raise InvalidArgument(f"{flag}={show!r} is not an integer; expected an integer in "
                              f"[{minimum}, {maximum}]")
    longest = max(abs(minimum), abs(maximum)).bit_length() * 3 // 10 + 3   # >= its digits
    if len(stripped.lstrip("+-").lstrip("0")) > min(longest, MAX_DIGITS):   # no huge int()
        show = stripped if len(stripped) <= 40 else f"{stripped[:20]}... ({len(stripped)} digits)"
        raise InvalidArgument(f"{flag}={show} must be an integer in [{minimum}, {maximum}]")
    value = int(stripped)
    if not minimum <= value <= maximum:
        raise InvalidArgument(f"{flag}={value} must be an integer in [{minimum}, {maximum}]")
    return value


def int_list(text: str, flag: str, *, minimum: int, maximum: int, most: int) -> list[int]:
    """Comma-separated integers, each in ``[minimum, maximum]``, at most ``most`` of them.

    >>> int_list("0,1, 3", "--ks", minimum=0, maximum=2**60, most=8)
    [0, 1, 3]
    """
    parts = [p for p in text.split(",") if p.strip()]
    if len(parts) > most:
        raise ResourceLimitError(f"{flag} has {len(parts)} entries; expected at most {most}")
    out = []
    for part in parts:
        if not re.fullmatch(r"\s*[+-]?\d+\s*", part):
            show = text if len(text) <= 40 else text[:40] + "..."
            raise InvalidArgument(f"{flag}={show!r} must be comma-separated integers, e.g. "
                                  f"{flag} 0,1,2,3")
        out.append(bounded_int(part, f"{flag} entry", minimum=minimum, maximum=maximum))
    return out


def output_target_problem(path: str, flag: str = "--json") -> str | None:
    """Why a report cannot be written to ``path`` (checked before a long run), or None.

    Refuses an empty name, a directory, an existing non-regular file (a device: ``os.replace``
    would replace it), and a folder where no file can be created (tried, not guessed from
    permission bits: ``/proc`` looks writable to root).

    >>> output_target_problem("")
    "--json '' is empty; expected a file name"
    >>> output_target_problem("/proc/x")  # doctest: +ELLIPSIS
    "--json '/proc/x': cannot create a file in '/proc' ..."
    """
    from exactmtl._atomic import probe_directory, temp_name

    if not path:
        return f"{flag} {path!r} is empty; expected a file name"
    if "\0" in path:
        return f"{flag} {path!r} contains a NUL character"
    target = Path(path)
    try:
        if target.is_dir():
            return f"{flag} {path!r} is a directory; expected a file name"
        if target.exists() and not target.is_file():
            return f"{flag} {path!r} exists and is not a regular file"
        parent = target.parent
        while not parent.exists():
            parent = parent.parent
        if not parent.is_dir():
            return f"{flag} {path!r}: {str(parent)!r} is not a directory"
        name_max = _name_max(parent)
        if len(os.fsencode(temp_name(target).name)) > name_max:
            return f"{flag} {path!r}: the file name is too long (at most {name_max - 40} bytes)"
        problem = probe_directory(parent)
    except OSError as exc:
        return f"{flag} {path!r}: {exc.strerror or exc}"
    if problem:
        return f"{flag} {path!r}: cannot create a file in {str(parent)!r} ({problem})"
    return None


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return 255


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one line on stderr (exit code 2).

    >>> p = OneLineParser(prog="demo")
    >>> _ = p.add_argument("--n", type=int)
    >>> try:
    ...     p.parse_args(["--m"])
    ... except SystemExit as exc:
    ...     exc.code
    2
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _silence_stdout() -> None:
    """After a closed pipe: point fd 1 at /dev/null so the exit-time flush cannot fail."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:
        pass


def run(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None,
        prog: str) -> int:
    """Call ``main(argv)``; Ctrl-C gives one line and :data:`EXIT_INTERRUPTED`, a closed stdout
    pipe (``| head``) :data:`EXIT_PIPE` without a traceback.

    >>> def boom(argv):
    ...     raise KeyboardInterrupt
    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     code = run(boom, [], "demo")
    >>> code, err.getvalue()
    (130, 'demo: interrupted\\n')
    """
    try:
        code = main(argv)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        try:
            sys.stdout.flush()
        except (BrokenPipeError, OSError):
            _silence_stdout()
        print(f"{prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        _silence_stdout()
        return EXIT_PIPE
