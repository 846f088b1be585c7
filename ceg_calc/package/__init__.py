"""The data package as data: the descriptor and its check, the one type table, and the tables
read and typed (checks 1 and 2 of the gate). Imports only :mod:`ceg_calc.core`."""

from ceg_calc.core.faces import face

_EXPORTS = {
    "DataPackage": "descriptor",
    "Resource": "descriptor",
    "Field": "descriptor",
    "DESCRIPTOR": "descriptor",
    "TYPES": "types",
    "FieldType": "types",
    "field_type": "types",
    "LoadedPackage": "tables",
    "TypedTable": "tables",
    "load_package": "tables",
    "row_diff": "rowdiff",
    "table_rows": "rowdiff",
    "cell_changes": "rowdiff",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = face(__name__, _EXPORTS)
