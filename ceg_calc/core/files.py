"""Tidy writes: temporary files that are recognisable, and rewritten files with normal permissions.

Every file is written to a temporary file beside its target (``.<name>.<random>.tmp``) and moved
into place when complete. A process killed with SIGKILL cannot remove its temporary file; the
pattern is ignored by ``.gitignore`` so that it is never committed, and the next ``ceg build`` or
``ceg release`` removes those left in its output folder while it holds the folder's lock
(:func:`output_folder`). ``tempfile.mkstemp`` creates files readable by their owner only (0600); a
file moved into place gets the mode a new file would get (0666 less the umask, usually 0644) instead.

A write that fails (a full disk, a read-only folder) raises :class:`WriteError`, one line naming the
file and the system's reason, and leaves the target as it was.

:func:`fault_point` lets the tests kill the process (SIGKILL) at a named point of a write, to show
that nothing half-written is ever left at a target's name: it does nothing unless the environment
variable :data:`KILL_AT` names that point.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import tempfile
from pathlib import Path

from ceg_calc.core.errors import CegError

TEMP_SUFFIX = ".tmp"
KILL_AT = "CEG_KILL_AT"  # environment variable naming a fault point (tests only)
LOCK = ".lock"


class WriteError(CegError):
    """A file or folder could not be written (disk full, read-only, no permission)."""


def cannot_write(path, exc: BaseException) -> WriteError:
    reason = getattr(exc, "strerror", None) or str(exc)
    if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "disk is full" in str(exc):
        reason += " (free some space and run it again)"
    return WriteError(f"cannot write {path}: {reason}")


def fault_point(name: str) -> None:
    """Kill this process with SIGKILL when :data:`KILL_AT` names ``name`` (for the fault tests)."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def make_dirs(folder: Path) -> Path:
    """``folder`` and its parents, created when missing; :class:`WriteError` when it cannot be."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(f"{folder}/", exc) from None
    return Path(folder)


@contextlib.contextmanager
def output_folder(folder: Path, *subfolders: str):
    """Hold ``folder``'s lock (``folder/.lock``, released by the system even when the process is
    killed) while a command writes there, after removing the temporary files a killed run left in
    ``folder`` and its ``subfolders``: with the lock held, no other run is writing them."""
    folder = make_dirs(folder)
    try:
        handle = open(folder / LOCK, "a+b")
    except OSError as exc:
        raise cannot_write(folder / LOCK, exc) from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        for place in (folder, *(folder / s for s in subfolders)):
            for stale in place.glob(f".*{TEMP_SUFFIX}") if place.is_dir() else ():
                if stale.is_file() and not stale.is_symlink():
                    stale.unlink(missing_ok=True)
        yield folder


def umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, and put it back at once
    os.umask(mask)
    return mask


def normal_mode() -> int:
    """Permissions of a new regular file: 0666 less the umask."""
    return 0o666 & ~umask()


def temporary_beside(path: Path) -> tuple[int, str]:
    """An open descriptor and the name of a new temporary file in ``path``'s folder, with the
    permissions of a normal new file."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    os.fchmod(fd, normal_mode())
    return fd, tmp


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder: all or nothing."""
    path = Path(path)
    fd, tmp = temporary_beside(path)
    try:
        half = len(data) // 2
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, data[:half])
            fault_point(f"mid-write:{path.name}")
            _write_all(handle, data[half:])
        fault_point(f"before-replace:{path.name}")
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise cannot_write(path, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_all(handle, data: bytes) -> None:
    """Write and flush ``data`` (a full disk then fails here, inside the try, not at close)."""
    handle.write(data)
    handle.flush()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, line endings as given) to ``path``: all or nothing."""
    write_bytes_atomic(path, text.encode("utf-8"))
