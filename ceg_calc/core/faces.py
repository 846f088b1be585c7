"""Package faces that re-export names without importing anything until a name is used.

Each sub-package's ``__init__`` lists what it offers and where it lives; the module holding a name
is imported on first use (PEP 562), so ``import ceg_calc.gate`` costs nothing and ``ceg validate``
does not pay for the publishing stages' imports.
"""

from __future__ import annotations

import importlib


def face(package: str, exports: dict[str, str]):
    """``(__getattr__, __dir__)`` for the ``__init__`` of ``package``: ``exports`` maps each public
    name to the module (relative to ``package``) that defines it."""
    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{exports[name]}"), name)

    def __dir__():
        return sorted(exports)

    return __getattr__, __dir__
