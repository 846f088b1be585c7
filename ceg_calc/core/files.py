"""Tidy writes: temporary files that are recognisable, and rewritten files with normal permissions.

Every file is written to a temporary file beside its target (``.<name>.<random>.tmp``) and moved
into place when complete. A process killed with SIGKILL cannot remove its temporary file; the
pattern is ignored by ``.gitignore`` so that it is never committed. ``tempfile.mkstemp`` creates
files readable by their owner only (0600); a file moved into place gets the mode a new file
would get (0666 less the umask, usually 0644) instead.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    os.fchmod(fd, normal_mode())
    return fd, tmp


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder: all or nothing."""
    path = Path(path)
    fd, tmp = temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, line endings as given) to ``path``: all or nothing."""
    write_bytes_atomic(path, text.encode("utf-8"))
