"""Atomic report files: a reader sees the old file or the complete new one, never a part.

The text is written to an *unnamed* file in the target's folder (Linux ``O_TMPFILE``: a run
killed with ``kill -9`` while writing leaves nothing behind), given a temporary name only once
complete, then moved over the target with ``os.replace``. Where ``O_TMPFILE`` is not available
the temporary file is named ``.<target>.<pid>.<random>.exactmtl-tmp`` from the start; any such
file whose writing process is gone is removed by the next write to the same target.

>>> import json, tempfile
>>> from pathlib import Path
>>> target = Path(tempfile.mkdtemp()) / "report.json"
>>> with atomic_writer(target) as fh:
...     json.dump({"ok": True}, fh)
>>> json.loads(target.read_text()), [p.name for p in target.parent.iterdir()]
({'ok': True}, ['report.json'])
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["TEMP_SUFFIX", "atomic_writer", "probe_directory", "remove_stale", "temp_name"]

TEMP_SUFFIX = ".exactmtl-tmp"
_STALE_SECONDS = 24 * 3600     # a temporary file this old is stale even if its pid is reused


def temp_name(target: Path) -> Path:
    """The temporary name of a write to ``target`` by this process.

    >>> temp_name(Path("out/report.json")).name.startswith(".report.json.")
    True
    """
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def remove_stale(target: Path) -> list[Path]:
    """Remove the temporary files of earlier writes to ``target`` whose process is gone (or
    older than a day); return them.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> stale = folder / f".r.json.999999999.abcd{TEMP_SUFFIX}"
    >>> _ = stale.write_text("{partial")
    >>> [p.name for p in remove_stale(folder / "r.json")] == [stale.name]
    True
    """
    removed = []
    pattern = f".{glob.escape(target.name)}.*{TEMP_SUFFIX}"
    for path in target.parent.glob(pattern):
        middle = path.name[len(target.name) + 2:-len(TEMP_SUFFIX)]
        pid_text = middle.split(".")[0]
        try:
            old = time.time() - path.stat().st_mtime > _STALE_SECONDS
        except OSError:
            continue
        if pid_text.isdigit() and _alive(int(pid_text)) and not old:
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


_UNNAMED = {"ok": True}   # set to False once naming an unnamed file failed (e.g. EXDEV)


def _open_unnamed(folder: Path) -> int | None:
    """A file descriptor of an unnamed file in ``folder`` (``O_TMPFILE``), or None."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not _UNNAMED["ok"] or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, flag | os.O_RDWR, 0o666)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None      # the file system has no O_TMPFILE: use a named temporary file
        raise


def probe_directory(folder: Path) -> str | None:
    """Why no file can be created in ``folder`` (tried, then removed), or None.

    >>> import tempfile
    >>> probe_directory(Path(tempfile.mkdtemp())) is None
    True
    """
    try:
        fd = _open_unnamed(folder)
        if fd is not None:
            os.close(fd)
            return None
        probe = folder / f".exactmtl-probe.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        probe.unlink()
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _name_unnamed(fd: int, target: Path) -> Path:
    """Link the unnamed file ``fd`` under a temporary name; where the kernel refuses (some
    sandboxes give EXDEV), copy it to a named temporary file instead."""
    named = temp_name(target)
    try:
        os.link(f"/proc/self/fd/{fd}", named, follow_symlinks=True)
        return named
    except OSError:
        _UNNAMED["ok"] = False
    out = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        while chunk := os.read(fd, 1 << 20):
            view = memoryview(chunk)
            while view:
                view = view[os.write(out, view):]
        os.fsync(out)
    except BaseException:
        os.close(out)
        named.unlink(missing_ok=True)
        raise
    os.close(out)
    return named


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text file handle whose content replaces ``path`` atomically when the block ends
    without an exception; on any exception (Ctrl-C too) ``path`` is left as it was and no
    temporary file remains. Missing parent folders are created.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    fd = _open_unnamed(target.parent)
    named: Path | None = None
    if fd is None:
        named = temp_name(target)
        fd = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w+" if named is None else "w", encoding=encoding) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
            if named is None:   # give the complete unnamed file a name, then move it in place
                named = _name_unnamed(fh.fileno(), target)
        os.replace(named, target)
    except BaseException:
        if named is not None:
            with contextlib.suppress(OSError):
                named.unlink()
        raise
