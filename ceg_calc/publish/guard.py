"""Serving to anyone who can reach the port: limits on what one query may produce, quiet error
logs and a Content-Security-Policy. A Datasette plugin (registered by :func:`register`) plus an
ASGI wrapper (:class:`SecurityHeaders`).

Any web page a visitor opens can make the browser send GET requests to a server on 127.0.0.1,
so the server assumes every query is hostile:

- **values**: SQLite's length limit (``SQLITE_LIMIT_LENGTH``) is set on every connection Datasette
  opens (the ``prepare_connection`` hook), so ``randomblob(1000000000)``, ``zeroblob``,
  ``printf('%.*c', ...)`` or a ``replace`` that grows a string fail at once with "string or blob too
  big" instead of allocating gigabytes; the number of result columns and the SQL text are limited too,
  and ``printf``/``format`` (which a huge width keeps busy beyond the time limit) are refused;
- **results**: rows are counted as they are fetched, and a query whose values exceed
  :data:`RESULT_BYTES` stops with an error (Datasette already stops at ``max_returned_rows`` rows and
  ``sql_time_limit_ms``, but a thousand rows of a megabyte each would still be a gigabyte);
- **logs**: one line per error (Datasette 0.65 prints a rich traceback with every local variable,
  tens of kilobytes per error, when ``rich`` is installed);
- **pages**: :data:`CONTENT_SECURITY_POLICY`, the one place where the policy is written.

``sqlite3.Connection.setlimit`` needs Python 3.11; on 3.10 the result budget still applies.
"""

from __future__ import annotations

import sqlite3
import sys
import types

from datasette import hookimpl

VALUE_BYTES = 1_000_000  # largest string or blob SQLite may produce [bytes]
RESULT_COLUMNS = 100  # columns of a result, table or index
SQL_BYTES = 100_000  # longest SQL statement [bytes]
RESULT_BYTES = 4 << 20  # values one query may return before it is stopped [bytes]
# SQLite 3.40's printf('%.*c', N, 'x') spends seconds on a huge N inside one step, where the time
# limit cannot stop it (the length limit only makes its result NULL): these functions are refused.
DENIED_FUNCTIONS = frozenset({"printf", "format"})
LOG_CHARACTERS = 300  # longest error message written to the log [characters]

# The Content-Security-Policy of every response: adjust it here, and only here.
# - scripts: Datasette 0.65's own templates run inline scripts (menus, the SQL editor, facet
#   suggestions, plugins' body scripts), hence 'unsafe-inline'; scripts from files come from this
#   server only ('self': Datasette's /-/static and plugins' /-/static-plugins). A chart plugin that
#   needs 'unsafe-eval' (Vega without its interpreter) would add it here.
# - nothing is loaded from, sent to or framed by another origin; no plugins (object-src).
# Links from the descriptor (licence, sources) are checked to be http(s) before they reach a page
# (ceg_calc.package.descriptor_check), since 'unsafe-inline' would let a javascript: link run.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    # 'unsafe-eval': Vega (the interactive charts of datasette-dashboards) compiles its expressions
    # with new Function(); 'unsafe-inline': Datasette 0.65's templates and the dashboards' pages.
    "script-src": "'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADERS = [
    (b"content-security-policy", "; ".join(f"{k} {v}" for k, v in CONTENT_SECURITY_POLICY.items()).encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class ResultTooLarge(sqlite3.OperationalError):
    """A query's rows exceed :data:`RESULT_BYTES`."""


def _size(value) -> int:
    return len(value) if isinstance(value, (str, bytes)) else 8


def budgeted_rows(limit: int = RESULT_BYTES):
    """A ``row_factory`` giving :class:`sqlite3.Row` objects that stops a cursor whose rows add up to
    more than ``limit`` bytes of values (a new cursor starts a new budget)."""
    state = {"cursor": None, "bytes": 0}

    def factory(cursor, row):
        if state["cursor"] is not cursor:
            state["cursor"], state["bytes"] = cursor, 0
        state["bytes"] += sum(map(_size, row))
        if state["bytes"] > limit:
            raise ResultTooLarge(f"result too large: over {limit >> 20} MB of values; "
                                 "ask for fewer rows or columns")
        return sqlite3.Row(cursor, row)

    return factory


def limit_connection(conn: sqlite3.Connection) -> None:
    """Set the length, column and SQL limits and the result budget on one connection."""
    if hasattr(conn, "setlimit"):  # Python >= 3.11
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, VALUE_BYTES)
        conn.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, RESULT_COLUMNS)
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, SQL_BYTES)
    conn.row_factory = budgeted_rows()
    conn.set_authorizer(_authorize)


def _authorize(action, arg1, arg2, database, trigger):
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn, database, datasette):
    limit_connection(conn)


@hookimpl
def asgi_wrapper(datasette):
    return SecurityHeaders


def one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= LOG_CHARACTERS else text[:LOG_CHARACTERS] + "..."


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    """Write one line per error; Datasette's own handler (with its printing off) renders the page."""
    status = getattr(exception, "status", 500)
    path = request.path if request is not None else "?"
    sys.stderr.write(f"ERROR {status} {one_line(path)}: {type(exception).__name__}: {one_line(exception)}\n")
    sys.stderr.flush()
    return None


def _quiet_default_handler() -> None:
    """Turn off the tracebacks Datasette's default handler prints (rich, with locals; or plain)."""
    import datasette.handle_exception as default

    default.rich = None
    default.traceback = types.SimpleNamespace(print_exc=lambda *args, **kwargs: None)


def register() -> None:
    """Register this module as a Datasette plugin (once per process)."""
    from datasette.plugins import pm

    _quiet_default_handler()
    module = sys.modules[__name__]
    if not pm.is_registered(module):
        pm.register(module, name="ceg_calc.publish.guard")


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` (the Content-Security-Policy first) to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", ())}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message = dict(message, headers=[*message.get("headers", ()), *extra])
            await send(message)

        await self.app(scope, receive, with_headers)
