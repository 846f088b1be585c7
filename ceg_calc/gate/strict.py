"""``--strict``: Frictionless' own validation of the package, merged into the report.

Frictionless is the reference implementation of the Data Package standard, so a package
that passes it loads in any Frictionless tool. It is slow (tens of seconds per million
rows), which is why the default gate is the package's own faster check. It runs only on what the
fast gate accepted (plain UTF-8 CSV files, confined paths: :mod:`ceg_calc.package.descriptor_check`)
and only on files under :data:`MAX_FILE_BYTES`, so a compressed or oversized file never reaches it.
"""

from __future__ import annotations

from ceg_calc.package.descriptor import DESCRIPTOR, DataPackage
from ceg_calc.core.report import Problem
from ceg_calc.core.shown import misleading

ERROR_LIMIT = 10_000  # Frictionless stops after this many errors (as many as a report keeps)
MAX_FILE_BYTES = 64 << 20  # a resource file larger than this is not handed to Frictionless [bytes]


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


def frictionless_problems(package: DataPackage) -> list[Problem]:
    """Problems Frictionless finds in the package, in the report's form (check ``frictionless:<type>``)."""
    from frictionless import system, validate

    large = [Problem(r.path, None, None, "frictionless:skipped",
                     f"{size:,} bytes: over the {MAX_FILE_BYTES >> 20} MB that --strict hands to Frictionless")
             for r in package.resources.values()
             if (size := (package.root / r.path).stat().st_size) > MAX_FILE_BYTES]
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
            note = ascii(note)[1:-1] if misleading(note) else note
            out.append(Problem(file, line, column, f"frictionless:{error.type}", f"{error.title}: {note[:300]}"))
    return out
