"""``ceg release VERSION``: the release of :mod:`ceg_calc.publish.release`, refusing a package that
the whole gate (:func:`ceg_calc.verbs.validate.validate_package`: checks, drift) finds invalid."""

from __future__ import annotations

from pathlib import Path

from ceg_calc.publish.release import make_release
from ceg_calc.verbs.validate import validate_package


def release(root: str | Path, version: str, progress=None, reason: str | None = None) -> Path:
    """Write release ``version`` of the package at ``root`` under ``dist/``; returns the zip path."""
    return make_release(root, version, validate_package, progress=progress, reason=reason)
