"""A hostile visitor of the site (or any web page making a browser send GETs to 127.0.0.1).

Outcomes, not timings: a query that would allocate gigabytes ends with an error message; the
response cache holds at most its byte budget, keys and headers counted; an error writes at most
a few short log lines; only http(s) links from the descriptor reach the pages, and every page
carries the Content-Security-Policy.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from urllib.parse import urlencode

import httpx
import pytest

from ceg_calc.publish import guard as serve_guard
from ceg_calc.publish.serve import ResponseCache, datasette
from ceg_calc.publish.site import build_site, metadata, web_link


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The valid fixture package, built once for this module, served in-process."""
    from conftest import assemble

    package = tmp_path_factory.mktemp("site")
    assemble(package)
    build_site(package)
    return ResponseCache(datasette(package, sql_time_limit_ms=200).app())


def get(app, path, **kwargs):
    async def send():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
            return await client.get(path, **kwargs)
    return asyncio.run(send())


def query(app, sql):
    return get(app, "/ceg.json?" + urlencode({"sql": sql}))


@pytest.mark.parametrize("sql, message", [
    ("select randomblob(1000000000)", "string or blob too big"),
    ("select zeroblob(1000000000)", "string or blob too big"),
    ("select length(randomblob(1000000000))", "string or blob too big"),
    ("select hex(zeroblob(600000))", "string or blob too big"),
    ("select instr(hex(zeroblob(490000 + length(source_id)*0)), hex(zeroblob(240000))||'1') from sources limit 2",
     "string or blob too big"),
    ("select replace(hex(zeroblob(490000)), hex(zeroblob(240000))||'1', '')", "string or blob too big"),
    ("with recursive r(s) as (select 'x' union all select s || s from r) select length(s) from r",
     "string or blob too big"),
    ("select printf('%.*c', 1000000000, 'x')", "not authorized"),
    ("select format('%.*c', 1000000000, 'x')", "not authorized"),
    ("with recursive r(n) as (select 1 union all select n + 1 from r where n < 2000) select randomblob(6000) from r",
     "result too large"),
])
def test_a_query_that_would_allocate_gigabytes_ends_with_an_error(site, sql, message):
    response = query(site, sql)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert len(response.content) < 10_000


def test_ordinary_queries_still_answer(site):
    response = query(site, "select count(*) as n, length(randomblob(1000)) as b from benchmark_scores")
    assert response.status_code == 200 and response.json()["rows"][0][1] == 1000
    assert get(site, "/ceg/models.json").status_code == 200


def test_every_connection_has_the_limits():
    con = sqlite3.connect(":memory:")
    serve_guard.limit_connection(con)
    assert con.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) == serve_guard.VALUE_BYTES
    with pytest.raises(sqlite3.DataError):
        con.execute("select zeroblob(?)", [serve_guard.VALUE_BYTES + 1]).fetchone()
    rows = con.execute("select 1 as a, 'x' as b").fetchall()
    assert rows[0]["b"] == "x"  # still sqlite3.Row, as Datasette expects


def test_the_result_budget_counts_the_bytes_of_each_query():
    con = sqlite3.connect(":memory:")
    con.row_factory = serve_guard.budgeted_rows(limit=1000)
    assert len(con.execute("select zeroblob(400) from (select 1 union all select 2)").fetchall()) == 2
    with pytest.raises(serve_guard.ResultTooLarge):
        con.execute("select zeroblob(400) from (select 1 union all select 2 union all select 3)").fetchall()
    assert len(con.execute("select zeroblob(900)").fetchall()) == 1  # a new query, a new budget


def test_the_cache_is_bounded_by_keys_and_headers_under_a_flood_of_urls():
    """30,000 distinct long URLs with tiny bodies: the stored bytes (counted one by one) stay
    within the budget, and so does the number of entries."""
    async def tiny(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    budget = 1 << 20
    cache = ResponseCache(tiny, max_bytes=budget)

    async def flood():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=cache), base_url="http://localhost") as c:
            for n in range(3000):
                await c.get(f"/ceg/models?q={n}&pad=" + "x" * 2000)
    asyncio.run(flood())
    stored = sum(len(p or b"") for key in cache.entries for p in key) + sum(
        len(k) + len(v) + 0 for start, _ in cache.entries.values() for k, v in start["headers"])
    stored += sum(len(body) for _, body in cache.entries.values())
    assert stored <= cache.size <= budget
    assert len(cache.entries) < budget // 2000


def test_a_url_longer_than_the_key_limit_is_not_kept():
    async def tiny(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    cache = ResponseCache(tiny)
    assert get(cache, "/x?" + "y" * 40_000).status_code == 200
    assert not cache.entries and cache.size == 0


@pytest.mark.parametrize("path", [
    "/ceg.json?" + urlencode({"sql": "with recursive c(x) as (select 1 union all select x + 1 from c) "
                                     "select count(*) from c"}),
    "/ceg.json?" + urlencode({"sql": "select * from nowhere"}),
    "/ceg.json?" + urlencode({"sql": "select randomblob(1000000000)"}),
    "/no-such-database",
    "/ceg/models/no-such-row",
])
def test_an_error_writes_at_most_a_few_short_log_lines(site, path, capfd):
    capfd.readouterr()
    response = get(site, path)
    assert response.status_code >= 400
    out, err = capfd.readouterr()
    log = out + err
    assert len(log.splitlines()) <= 2, log
    assert len(log) < 2000
    assert "Traceback" not in log and "locals" not in log.lower()


def test_an_unexpected_exception_is_one_line_too(capfd):
    """What Datasette's router does with an exception: every handle_exception hook, in order."""
    from datasette.app import Datasette
    from datasette.plugins import pm
    from datasette.utils import await_me_maybe
    from datasette.utils.asgi import Request

    serve_guard.register()
    ds = Datasette(memory=True)

    async def handle():
        exception = RuntimeError("boom " * 2000)
        try:
            raise exception
        except RuntimeError:  # inside the except, as in Datasette (traceback.print_exc would print)
            return [await await_me_maybe(hook) for hook in pm.hook.handle_exception(
                datasette=ds, request=Request.fake("/boom"), exception=exception)]

    capfd.readouterr()
    responses = [r for r in asyncio.run(handle()) if r is not None]
    out, err = capfd.readouterr()
    assert responses and responses[0].status == 500
    assert len((out + err).splitlines()) == 1 and len(out + err) < 1000


def test_pages_carry_the_content_security_policy(site):
    for path in ("/", "/ceg/models", "/ceg.json?sql=select+1", "/no-such-database"):
        policy = get(site, path).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<script>1</script>",
                                  " http://x.org", "http://x.org/\"onmouseover=alert(1)", 42])
def test_only_web_links_reach_the_pages(valid_package, link):
    from ceg_calc.package.descriptor import DataPackage

    package = DataPackage(valid_package)
    package.descriptor["licenses"][0]["path"] = link
    package.descriptor["sources"][0]["path"] = link
    meta = metadata(package)
    assert meta["license_url"] == meta["source_url"] == "" and web_link(link) == ""
    assert web_link("https://creativecommons.org/licenses/by/4.0/") != ""


@pytest.mark.parametrize("key", ["licenses", "sources"])
def test_the_gate_refuses_a_javascript_link(valid_package, key):
    from click.testing import CliRunner

    from ceg_calc.cli import cli

    path = valid_package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor[key][0]["path"] = "javascript:alert(document.domain)"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    for args in (["validate", str(valid_package)], ["validate", "--strict", str(valid_package)]):
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 1
        assert f"datapackage.json: {key}[0].path: 'javascript:alert(document.domain)' is not an http(s) URL" \
            in result.output
