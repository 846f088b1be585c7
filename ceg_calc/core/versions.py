"""Version numbers of the package: MAJOR.MINOR.PATCH, compared as numbers."""

from __future__ import annotations

import re

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def version_key(version: str) -> tuple:
    """``"0.10.1"`` as ``(0, 10, 1)``, so that versions sort by number."""
    return tuple(int(part) for part in version.split("."))
