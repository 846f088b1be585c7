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
- **one call**: SQLite checks the time limit between virtual-machine steps (every 1,000 in
  Datasette), never inside one function call, and ``instr``, ``replace``, ``trim`` or ``like`` on two
  long strings cost the product of their lengths (``instr`` of 980,000 and 480,000 characters: 11 s).
  :func:`fitted_value_bytes` therefore fits the length limit to the database served: four times its
  largest row or schema text, rounded up to a power of two, at least :data:`MIN_VALUE_BYTES` (for
  this package 16 KB, where one such call costs about 6 ms and a thousand steps of them about one
  second); ``serve`` passes it in the plugin configuration (:data:`PLUGIN`). The price is that a
  query may not build a value longer than that (a ``group_concat`` of thousands of ids);
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

VALUE_BYTES = 1_000_000  # largest string or blob SQLite may produce, when no fitted value is configured [bytes]
MIN_VALUE_BYTES = 8 << 10  # the fitted length limit is never below this [bytes]
VALUE_MARGIN = 4  # the fitted limit is at least this many times the largest row or schema text
LIKE_PATTERN_BYTES = 1000  # longest LIKE or GLOB pattern (a filter's "contains" text) [bytes]
PLUGIN = "ceg-guard"  # Datasette plugin configuration: {"value_bytes": N}
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


def fitted_value_bytes(db) -> int:
    """The length limit fitted to database ``db``: the smallest power of two at least
    :data:`VALUE_MARGIN` times its largest row (the sum of a row's value lengths; a sort or a
    subquery writes whole rows) and its largest schema text, and at least :data:`MIN_VALUE_BYTES`."""
    from contextlib import closing
    from pathlib import Path

    def size(column: str) -> str:
        return f'coalesce(length(cast("{column.replace(chr(34), chr(34) * 2)}" as blob)), 0)'

    with closing(sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)) as con:
        largest = con.execute("SELECT max(length(cast(sql as blob))) FROM sqlite_master").fetchone()[0] or 0
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            quoted = '"' + table.replace('"', '""') + '"'
            columns = [row[1] for row in con.execute(f"PRAGMA table_info({quoted})")]
            if columns:
                row = con.execute(f"SELECT max({' + '.join(map(size, columns))}) FROM {quoted}").fetchone()[0]
                largest = max(largest, row or 0)
    limit = MIN_VALUE_BYTES
    while limit < VALUE_MARGIN * largest:
        limit *= 2
    return limit


def limit_connection(conn: sqlite3.Connection, value_bytes: int = VALUE_BYTES) -> None:
    """Set the length (``value_bytes``), LIKE-pattern, column and SQL limits and the result budget on
    one connection."""
    if hasattr(conn, "setlimit"):  # Python >= 3.11
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, value_bytes)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, LIKE_PATTERN_BYTES)
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
    config = datasette.plugin_config(PLUGIN) or {}
    limit_connection(conn, min(int(config.get("value_bytes", VALUE_BYTES)), VALUE_BYTES))


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
