"""The calculator, pure and vectorised: CEG = C'/C_E from baseline curves, with Monte Carlo intervals,
under the rules of a :class:`Policy`. Knows nothing of files, the gate or the imports."""

from ceg_calc.core.faces import face

_EXPORTS = {
    "estimate_ceg": "estimate",
    "CegResult": "estimate",
    "EstimationError": "tasks",
    "binomial_stderr": "tasks",
    "agresti_coull_stderr": "tasks",
    "Task": "tasks",
    "make_tasks": "tasks",
    "Policy": "policy",
    "LEGACY": "policy",
    "DERIVE_POLICY": "policy",
    "VERSION_3": "policy",
    "METHOD_VERSION": "policy",
    "compute_log10_sd": "uncertainty",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = face(__name__, _EXPORTS)
