"""Calculator and validation suite for the open compute-equivalent-gain (CEG) dataset.

The public API is :data:`__all__`; each name lives in one stage (``docs/architecture.md``) and is
imported on first use.
"""

__version__ = "0.1.0"

from ceg_calc.core.faces import face  # noqa: E402

_EXPORTS = {
    "estimate_ceg": "calc.estimate", "CegResult": "calc.estimate", "EstimationError": "calc.tasks",
    "binomial_stderr": "calc.tasks", "agresti_coull_stderr": "calc.tasks", "Policy": "calc.policy", "LEGACY": "calc.policy",
    "DERIVE_POLICY": "calc.policy", "DataPackage": "package.descriptor", "CegError": "core.errors",
    "validate_package": "verbs.validate", "derive_package": "derive.run", "build_site": "publish.site",
}
__all__ = sorted([*_EXPORTS, "__version__"])
__getattr__, __dir__ = face(__name__, _EXPORTS)
