"""Confinement: every file the package names stays inside the package folder.

A pull request controls ``datapackage.json`` and every file in the repository, symlinks included.
Before anything named there is read or written, its path must be

- a plain relative POSIX path: segments of letters, digits, ``_``, ``-`` and ``.``, none of them
  empty, ``.`` or ``..`` or starting with a dot; no backslash, no ``scheme:`` (so no URL, no
  drive letter, no absolute path);
- inside the package once resolved (a symlink may point elsewhere in the package, not out of it);
- a regular file when it exists (not a directory, device, FIFO or socket: ``/dev/zero`` through a
  symlink would never end);
- of the expected kind (``.csv`` for a resource, ``.json`` for a Table Schema), so that no command
  that writes a resource can overwrite code or the descriptor.

The relative path that passes is the name used everywhere else, zip entries of a release included.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ceg_calc.core.errors import PackageError

SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9._-]*"
PLAIN = re.compile(rf"{SEGMENT}(?:/{SEGMENT})*")
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
MAX_JSON_BYTES = 4 << 20  # a descriptor or Table Schema larger than this is refused [bytes]
KINDS = {stat.S_IFDIR: "a directory", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
         stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket"}


def shown_path(value) -> str:
    """A path as shown in a message: at most 80 characters, escaped (see :func:`ceg_calc.core.shown.shown`)."""
    from ceg_calc.core.shown import shown

    return shown(value, limit=80)


def path_problem(root: Path, rel, suffix: str = "", base: Path | None = None) -> str | None:
    """Why ``rel`` may not be used as a file of the package at ``root`` (``None`` when it may).

    Only metadata is looked at (``lstat``/``stat`` and symlink targets); the file is never opened.
    ``base`` is ``root`` already resolved, for a caller that checks many paths at once (resolving
    a folder costs a ``lstat`` per segment).
    """
    return checked_path(root, rel, suffix, base)[0]


def checked_path(root: Path, rel, suffix: str = "", base: Path | None = None) -> tuple[str | None, Path | None]:
    """:func:`path_problem` and the resolved target it looked at (``None`` when there is a problem)."""
    problem = _lexical_problem(rel, suffix)
    if problem:
        return problem, None
    base = Path(root).resolve() if base is None else base
    try:
        target = (base / rel).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return f"{shown_path(rel)} cannot be resolved (symlink loop?)", None
    if not target.is_relative_to(base):
        return f"{shown_path(rel)} resolves outside the package (through a symlink)", None
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return None, target  # a missing file is reported by whoever reads it
    except OSError as exc:
        return f"{shown_path(rel)} cannot be inspected: {exc.strerror}", None
    if not stat.S_ISREG(mode):
        return f"{shown_path(rel)} is {KINDS.get(stat.S_IFMT(mode), 'not a regular file')}, not a regular file", None
    return None, target


def _lexical_problem(rel, suffix: str) -> str | None:
    """What is wrong with ``rel`` as written, before the file system is asked."""
    if not isinstance(rel, str):
        return f"must be a string (a relative path), not {type(rel).__name__}"
    if URL.match(rel) and "://" in rel:
        return f"{shown_path(rel)} is a URL: the package reads only files inside it"
    if rel.startswith("/") or URL.match(rel):
        return f"{shown_path(rel)} is absolute: write a path relative to the package folder"
    if not PLAIN.fullmatch(rel) or ".." in rel.split("/"):
        return (f"{shown_path(rel)} is not a plain relative path (letters, digits, _ - . and /; "
                "no '..', no leading dot, no backslash)")
    if suffix and not rel.endswith(suffix):
        return f"{shown_path(rel)} must end in {suffix}"
    return None


def confined(root: Path, rel, suffix: str = "", base: Path | None = None) -> Path:
    """``root / rel`` once :func:`path_problem` finds nothing wrong with it (``base``: ``root``
    resolved, as there).

    Raises
    ------
    PackageError
        Naming the path and what is wrong with it.
    """
    problem = path_problem(root, rel, suffix, base)
    if problem:
        raise PackageError(f"{shown_path(rel)}: {problem}" if not isinstance(rel, str) else problem)
    return Path(root) / rel


def confined_dir(root: Path, name: str) -> Path:
    """``root / name``, a folder the package writes to (``build``, ``dist``), checked to be either
    missing or a real folder inside the package (not a symlink out of it, not a file)."""
    base = Path(root).resolve()
    folder = base / name
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise PackageError(f"{name}/ must be a folder of the package, not a symlink or a file")
    if not folder.resolve().is_relative_to(base):
        raise PackageError(f"{name}/ resolves outside the package")
    return Path(root) / name


def read_json_text(root: Path, rel: str, what: str, base: Path | None = None) -> str:
    """The text of a JSON file of the package, after confinement (``base``: ``root`` resolved, as in
    :func:`path_problem`) and a size check.

    Raises
    ------
    PackageError
        When the path is not confined, the file is missing, too large or not UTF-8.
    """
    path = confined(root, rel, ".json", base)
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_JSON_BYTES:
                raise PackageError(f"{what} {rel} is larger than {MAX_JSON_BYTES >> 20} MB")
            data = handle.read(MAX_JSON_BYTES + 1)
    except FileNotFoundError:
        raise PackageError(f"{what} not found: {path}") from None
    except OSError as exc:
        raise PackageError(f"{what} cannot be read: {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackageError(f"{what} {rel} is not UTF-8 (byte offset {exc.start})") from None
