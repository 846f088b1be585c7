"""The gate: keys, Pandera constraints and cross-table rules (checks 3 and 4), and Frictionless'
own check for ``--strict``. Knows nothing of the calculator or the imports."""

from ceg_calc.core.faces import face

_EXPORTS = {
    "check_keys_and_rules": "checks",
    "read_valid_tables": "checks",
    "frictionless_problems": "strict",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = face(__name__, _EXPORTS)
