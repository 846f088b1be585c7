"""The imports of external data: each reads only snapshots under ``data/raw/`` and shares one Save
step. Knows nothing of the gate or the calculator."""

from ceg_calc.core.faces import face

_EXPORTS = {
    "ingest": "steps",
    "STEPS": "steps",
    "IngestError": "save",
    "SnapshotError": "snapshots",
    "open_snapshot": "snapshots",
    "verify": "snapshots",
    "rehash": "snapshots",
    "check_origins": "provenance",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = face(__name__, _EXPORTS)
