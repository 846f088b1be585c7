"""Publishing: the SQLite database, Parquet copies, the Datasette site, its charts and guard, the
server, releases and citation metadata."""

from ceg_calc.core.faces import face

_EXPORTS = {
    "build_database": "database",
    "build_site": "site",
    "serve_site": "serve",
    "datasette": "serve",
    "ResponseCache": "serve",
    "make_release": "release",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = face(__name__, _EXPORTS)
