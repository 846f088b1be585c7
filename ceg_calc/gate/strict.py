"""``--strict``: Frictionless' own validation of the package, merged into the report.

Frictionless is the reference implementation of the Data Package standard, so a package
that passes it loads in any Frictionless tool. It is slow (tens of seconds per million
rows), which is why the default gate is the package's own faster check. It runs only on what the
fast gate accepted (plain UTF-8 CSV files, confined paths: :mod:`ceg_calc.package.descriptor_check`)
and only on files under :data:`MAX_FILE_BYTES`, so a compressed or oversized file never reaches it.

:func:`start_frictionless` runs it in a child process (``python -m ceg_calc.gate.strict ROOT``) for a
package of :data:`CHILD_FROM_BYTES` or more, so that ``ceg validate --strict`` checks the derived
tables' drift on the other core meanwhile; a smaller package is validated in the process when its
findings are collected (a child's start, about a second of imports, would cost more than it saves).
"""

from __future__ import annotations

import json
import subprocess
import sys

from ceg_calc.core.errors import CegError
from ceg_calc.package.descriptor import DESCRIPTOR, DataPackage
from ceg_calc.core.report import Problem
from ceg_calc.core.shown import escaped

ERROR_LIMIT = 10_000  # Frictionless stops after this many errors (as many as a report keeps)
MAX_FILE_BYTES = 64 << 20  # a resource file larger than this is not handed to Frictionless [bytes]
CHILD_FROM_BYTES = 1 << 20  # resource files of this many bytes in all: Frictionless in a child process


def offline_session():
    """A ``requests`` session that refuses every request (``requests.ConnectionError``)."""
    import requests
    from requests.adapters import BaseAdapter

    class Refuse(BaseAdapter):
        def send(self, request, **kwargs):
            raise requests.ConnectionError(f"network access is off in --strict: {request.url[:80]}")

        def close(self):
            pass

    session = requests.Session()
    session.mount("http://", Refuse())
    session.mount("https://", Refuse())
    return session


def _sizes(package: DataPackage) -> dict:
    """Bytes of each resource's file, by path."""
    return {r.path: (package.root / r.path).stat().st_size for r in package.resources.values()}


def _oversized(package: DataPackage, sizes: dict | None = None) -> list[Problem]:
    """One ``frictionless:skipped`` problem per resource file over :data:`MAX_FILE_BYTES`."""
    return [Problem(path, None, None, "frictionless:skipped",
                    f"{size:,} bytes: over the {MAX_FILE_BYTES >> 20} MB that --strict hands to Frictionless")
            for path, size in (sizes or _sizes(package)).items() if size > MAX_FILE_BYTES]


def frictionless_problems(package: DataPackage) -> list[Problem]:
    """Problems Frictionless finds in the package, in the report's form (check ``frictionless:<type>``);
    only :func:`_oversized`'s when a file is over the bound (then Frictionless does not run)."""
    from frictionless import system, validate

    large = _oversized(package)
    if large:
        return large
    # Offline: the descriptor's paths are confined before this runs (no URL reaches here), and
    # anything Frictionless would still fetch (a remote profile, say) fails instead of going out.
    with system.use_context(trusted=False, http_session=offline_session()):
        report = validate(str(package.root / DESCRIPTOR), limit_errors=ERROR_LIMIT)
    paths = {r.name: r.path for r in package.resources.values()}
    out = []
    for error in report.errors:
        out.append(Problem(DESCRIPTOR, None, None, f"frictionless:{error.type}", error.message))
    for task in report.tasks:
        file = paths.get(task.name, str(task.place))
        for error in task.errors:
            line = getattr(error, "row_number", None)
            column = getattr(error, "field_name", None)
            note = getattr(error, "note", "") or error.message
            note = escaped(note)
            out.append(Problem(file, line, column, f"frictionless:{error.type}", f"{error.title}: {note[:300]}"))
    return out


class PendingFrictionless:
    """Frictionless' validation of a package: running in a child process (``child``), or to be run in
    this one when :meth:`problems` is called, or already known (``known``: the oversized files')."""

    def __init__(self, package: DataPackage, child: bool = True, known: list[Problem] | None = None):
        self._package, self._known, self._child = package, known, None
        if known is None and child:
            self._child = subprocess.Popen(
                [sys.executable, "-m", __name__, str(package.root)], stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def problems(self) -> list[Problem]:
        """The problems, as :func:`frictionless_problems` gives them (waiting for the child, if any)."""
        if self._known is not None:
            return self._known
        if self._child is None:
            return frictionless_problems(self._package)
        out, err = self._child.communicate()
        if self._child.returncode != 0:
            last = (err.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1][:300]
            last = escaped(last)  # it may quote the package's text
            raise CegError(f"frictionless validation failed (exit {self._child.returncode}): {last}")
        return [Problem(*fields) for fields in json.loads(out)]

    def cancel(self) -> None:
        """Stop the child if it still runs (its findings are not wanted); nothing once collected."""
        if self._child is not None and self._child.returncode is None:
            self._child.kill()
            self._child.communicate()


def start_frictionless(package: DataPackage, child: bool | None = None) -> PendingFrictionless:
    """:func:`frictionless_problems` of ``package``, to collect with ``problems()``: in a child process
    started now when ``child`` (by default: when its files hold :data:`CHILD_FROM_BYTES` or more).
    A file over :data:`MAX_FILE_BYTES` is found here, and then Frictionless does not run."""
    sizes = _sizes(package)
    large = _oversized(package, sizes)
    if child is None:
        child = sum(sizes.values()) >= CHILD_FROM_BYTES
    return PendingFrictionless(package, child, large or None)


def _main(root: str) -> None:
    """The child of :class:`PendingFrictionless`: the problems as one JSON list on standard output
    (whatever Frictionless might print goes to standard error)."""
    out, sys.stdout = sys.stdout, sys.stderr
    problems = frictionless_problems(DataPackage(root))
    out.write(json.dumps([[p.file, p.line, p.column, p.check, p.message] for p in problems]))


if __name__ == "__main__":
    _main(sys.argv[1])
