"""Writing an output file so that it is either whole under its final name or not there at all.

Every result file sever writes (hits, alerts, exports, models) goes through :func:`atomic_output`:
the content is written to a hidden temporary file in the same folder, flushed to disk, then renamed
over the final name. A full disk, a file-size limit, a crash or Ctrl-C leaves the previous file (if
any) untouched and no temporary file behind, and the user gets one line naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sever.errors import SeverError


class OutputError(SeverError):
    """An output file could not be written; nothing was left under its name."""

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


def check_output_path(path: str | Path) -> Path:
    """The output path, or an OutputError when it cannot be a file: a folder, or a folder part
    that is a file. Called before long work so the user learns early."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(path, "is a folder; give a file name")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(path, f"{parent} is a file, not a folder")
            break
    return path


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.EFBIG:
        return "file too large for this file system or the file-size limit"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``; on any failure it is
    removed and an OSError becomes an OutputError naming ``path``."""
    path = check_output_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        os.close(fd)
        os.chmod(name, 0o666 & ~_umask())
    except OSError as exc:
        raise OutputError(path, f"cannot write: {_reason(exc)}") from None
    temp = Path(name)
    try:
        yield temp
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OutputError(path, f"cannot write: {_reason(exc)}; nothing was written") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
