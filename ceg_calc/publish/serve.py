"""Serving the built site: the in-process Datasette (immutable, read-only, with its row counts
taken once) behind a response cache, on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from contextlib import closing
from pathlib import Path

from ceg_calc.publish.database import DEFAULT_DB
from ceg_calc.publish.site import BUILD, SETTINGS

CACHE_BYTES = 64 << 20
CACHE_MAX_BODY = 2 << 20
CACHE_MAX_KEY = 16 << 10  # URL, host and headers of a kept entry, at most [bytes]
CACHE_ENTRY_OVERHEAD = 512  # Python objects of one entry (tuple, dict, list, bytes headers) [bytes]


def inspect_data(db: Path) -> dict:
    """What ``datasette inspect`` writes for ``db``: hash, size and the row count of every table,
    so that table pages read their counts instead of counting rows on every request."""
    from datasette.inspect import inspect_hash
    from datasette.utils import escape_sqlite

    db = Path(db)
    with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as con:
        names = [name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        tables = {name: {"count": con.execute(f"SELECT count(*) FROM {escape_sqlite(name)}").fetchone()[0]}
                  for name in names}
    return {db.stem: {"hash": inspect_hash(db), "size": db.stat().st_size, "file": str(db), "tables": tables}}


def datasette(root: Path, **settings):
    """The built site in Datasette: the database immutable (read-only) with its row counts taken
    once, its length limit fitted to its largest row (:func:`ceg_calc.publish.guard.fitted_value_bytes`), the metadata (with the charts' plugin configuration), the ``comparison_id`` links, and
    :data:`SETTINGS` updated with ``settings``."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from ceg_calc.publish import charts as figures

    if not pm.is_registered(figures):
        pm.register(figures, name="ceg_calc.publish.charts")
    from ceg_calc.publish.guard import PLUGIN, fitted_value_bytes, register

    register()  # limits on every connection, one log line per error, Content-Security-Policy
    from ceg_calc.publish import evidence as site_evidence

    if not pm.is_registered(site_evidence):
        pm.register(site_evidence, name="ceg_calc.publish.evidence")
    build = Path(root) / BUILD
    db = build / DEFAULT_DB.name
    metadata = json.loads((build / "metadata.json").read_text(encoding="utf-8"))
    metadata.setdefault("plugins", {})[PLUGIN] = {"value_bytes": fitted_value_bytes(db)}
    return Datasette(immutables=[str(db)], inspect_data=inspect_data(db), metadata=metadata,
                     static_mounts=[("static", str(build / "static"))], settings={**SETTINGS, **settings})


class ResponseCache:
    """ASGI middleware keeping complete responses to GET and HEAD requests in memory, as a CDN would.

    Caching is safe because what is served does not change while the process runs: the database
    is opened immutable and read-only (SQLite assumes the file never changes, and writes are
    refused), the metadata (with the chart specifications) is read once at start. A
    successful GET is then a pure function of its URL. A new build is served by restarting
    ``ceg serve`` (as with Datasette's own ``-i``), which starts with an empty cache.

    A response is kept only when its status is 200, it sets no cookie and does not say
    ``Cache-Control: no-store`` or ``private``, and its body is at most ``max_body`` bytes; errors,
    including queries stopped by the SQL time limit, are therefore computed again each time.
    Requests with ``Cookie`` or ``Authorization`` headers go straight to the application, since
    the answer could depend on who asks. The key is method, scheme, ``Host`` (Datasette writes
    absolute URLs from it), path and query string. Responses stream to the client as they are
    produced; the copy is kept once complete. The least recently used entries are dropped when
    the entries (keys, headers and bodies: :meth:`entry_bytes`) exceed ``max_bytes``. Each response from the cached path carries
    ``x-ceg-cache: hit`` or ``miss``.

    Parameters
    ----------
    app : callable
        The ASGI application, e.g. ``Datasette.app()``.
    max_bytes : int
        Total size of the cached entries, keys and headers included [bytes].
    max_body : int
        Largest body that is kept [bytes].
    """

    def __init__(self, app, max_bytes: int = CACHE_BYTES, max_body: int = CACHE_MAX_BODY):
        self.app, self.max_bytes, self.max_body = app, max_bytes, max_body
        self.entries: OrderedDict[tuple, tuple[dict, bytes]] = OrderedDict()
        self.size = 0

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or ())
        if (scope["type"] != "http" or scope["method"] not in ("GET", "HEAD")
                or b"cookie" in headers or b"authorization" in headers):
            return await self.app(scope, receive, send)
        key = (scope["method"], scope.get("scheme", "http"), headers.get(b"host"),
               scope.get("raw_path") or scope["path"].encode(), scope["query_string"])
        if key in self.entries:
            self.entries.move_to_end(key)
            start, body = self.entries[key]
            await send(start)
            return await send({"type": "http.response.body", "body": body})
        start, body = None, bytearray()  # body is None once the response is known not to be kept

        async def record(message):
            nonlocal start, body
            if message["type"] == "http.response.start":
                response = {k.lower(): v.lower() for k, v in message.get("headers", ())}
                control = response.get(b"cache-control", b"")
                if (message["status"] != 200 or b"set-cookie" in response
                        or b"no-store" in control or b"private" in control):
                    body = None
                start = dict(message, headers=[*message.get("headers", ()), (b"x-ceg-cache", b"hit")])
                message = dict(message, headers=[*message.get("headers", ()), (b"x-ceg-cache", b"miss")])
            elif message["type"] == "http.response.body" and body is not None:
                body += message.get("body", b"")
                if len(body) > self.max_body:
                    body = None
                elif not message.get("more_body", False):
                    self._keep(key, start, bytes(body))
            else:
                body = None
            await send(message)

        await self.app(scope, receive, record)

    @staticmethod
    def entry_bytes(key: tuple, start: dict, body: bytes) -> int:
        """What one entry holds [bytes]: its key (URL, host), headers and body, and a fixed
        :data:`CACHE_ENTRY_OVERHEAD` for the Python objects around them; the sum of these is
        what ``max_bytes`` bounds, so that many small answers to long URLs cannot grow it."""
        headers = sum(len(name) + len(value) for name, value in start.get("headers", ()))
        return CACHE_ENTRY_OVERHEAD + sum(len(part or b"") for part in key) + headers + len(body)

    def _keep(self, key: tuple, start: dict, body: bytes) -> None:
        cost = self.entry_bytes(key, start, body)
        if cost - len(body) > CACHE_MAX_KEY:  # a very long URL or header list is not kept
            return
        previous = self.entries.pop(key, None)
        self.size += cost - (self.entry_bytes(key, *previous) if previous else 0)
        self.entries[key] = (start, body)
        while self.size > self.max_bytes:
            old_key, old = self.entries.popitem(last=False)
            self.size -= self.entry_bytes(old_key, *old)


def serve_site(root: Path, port: int, host: str = "127.0.0.1", cache: bool = True, ready=None) -> None:
    """Serve the built site read-only with uvicorn until interrupted, behind a
    :class:`ResponseCache` unless ``cache`` is false; ``ready(port)`` is called once it listens, with
    the port it listens on (the one the system chose when ``port`` is 0)."""
    import uvicorn

    app = datasette(root).app()
    server = uvicorn.Server(uvicorn.Config(ResponseCache(app) if cache else app, host=host, port=port,
                                           log_level="info", lifespan="on"))
    startup = server.startup

    async def started(sockets=None):
        await startup(sockets=sockets)
        if server.started and ready:
            ready(next((s.getsockname()[1] for listening in server.servers for s in listening.sockets), port))
    server.startup = started
    server.run()
