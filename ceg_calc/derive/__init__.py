"""The derivation: one module per derived table, the CSV writer, the fingerprint and the drift check.
Composes the gate (a valid package) with the calculator."""

from ceg_calc.core.faces import face

_EXPORTS = {
    "derive_package": "run",
    "derive_tables": "run",
    "checked_tables": "run",
    "derive_frame": "estimates",
    "drift_problems": "drift",
    "DERIVED_TABLES": "names",
    "EVIDENCE": "names",
    "enhancement_summary": "summary",
    "ceg_scale": "summary",
    "cross_family": "crossfamily",
    "headline": "summary",
    "cumulative_compute": "cumulative",
    "finetune_share_summary": "shares",
    "share_headline": "shares",
    "threshold_assessments": "assessments",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = face(__name__, _EXPORTS)
