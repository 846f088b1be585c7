"""The commands' work, composed from the stages below: ``validate`` (gate + drift + strict),
``release`` (validate + publish) and ``summary``."""

from ceg_calc.core.faces import face

_EXPORTS = {
    "validate_package": "validate",
    "release": "release",
    "summarise": "summary",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = face(__name__, _EXPORTS)
