"""The lowest stage: errors, problems and the report, atomic files, path confinement, shown values,
Arrow kernels, threads and version numbers. It imports no other stage."""

from ceg_calc.core.faces import face

_EXPORTS = {
    "CegError": "errors",
    "PackageError": "errors",
    "ValidationFailed": "errors",
    "DescriptorInvalid": "errors",
    "Problem": "report",
    "Report": "report",
    "capped": "report",
    "write_atomic": "files",
    "write_bytes_atomic": "files",
    "confined": "confine",
    "confined_dir": "confine",
    "shown": "shown",
    "version_key": "versions",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = face(__name__, _EXPORTS)
