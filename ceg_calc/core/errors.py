"""Exceptions raised by the ``ceg_calc`` library.

The library never prints: it raises one of these, and the command-line interface turns
them into a one-line ``Error: ...`` message with exit status 1.
"""


class CegError(Exception):
    """Base class of every error the library raises on purpose."""


class PackageError(CegError):
    """The data package cannot be read: a missing or unreadable descriptor, schema or file."""


class ValidationFailed(CegError):
    """Raised by commands that need a valid package (derive, build) when validation fails."""

    def __init__(self, report):
        self.report = report
        super().__init__(f"the package has {report.count} problem(s); run `ceg validate` to see them")


class DescriptorInvalid(ValidationFailed):
    """``datapackage.json`` or a Table Schema has a wrong shape or names a path outside the package;
    ``report`` locates every problem. Nothing named by the descriptor has been read."""
