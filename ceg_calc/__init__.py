"""Calculator and validation suite for the open compute-equivalent-gain (CEG) dataset."""

__version__ = "0.1.0"
