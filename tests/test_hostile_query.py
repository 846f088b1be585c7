"""A patient hostile query: one expensive function call that SQLite's time limit cannot interrupt.

SQLite checks Datasette's ``sql_time_limit_ms`` between virtual-machine steps, never inside one
call, and ``instr`` of two long strings costs the product of their lengths. The length limit is
fitted to the database served (:func:`ceg_calc.publish.guard.fitted_value_bytes`), so the strings
such a call needs cannot be built. The load test runs on loopback only, with a bounded number of
requests, and stops by itself; its times are measured in ``bench/bench_hostile_query.py``.
"""

from __future__ import annotations

import sqlite3
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from ceg_calc.publish import guard
from ceg_calc.publish.site import build_site
from conftest import serving

INSTR = ("select instr(hex(zeroblob(490000 + length(source_id)*0)), hex(zeroblob(240000))||'1') "
         "from sources limit 2")


def test_fitted_limit_is_four_times_the_largest_row_rounded_up_to_a_power_of_two(tmp_path):
    db = tmp_path / "t.db"
    with sqlite3.connect(db) as con:
        con.execute("create table t (a text, b blob, c integer)")
        con.execute("insert into t values (?, ?, 7)", ["x" * 3000, b"\0" * 2000])  # a row of 5,000 bytes + 1 digit
        con.execute("insert into t values ('y', null, null)")
    assert guard.fitted_value_bytes(db) == 32768  # 4 x 5,001 = 20,004 -> 2**15
    with sqlite3.connect(db) as con:
        con.execute("delete from t where c = 7")
    assert guard.fitted_value_bytes(db) == guard.MIN_VALUE_BYTES  # the schema text alone is short


def test_a_fitted_connection_refuses_the_strings_a_slow_call_needs(tmp_path):
    con = sqlite3.connect(":memory:")
    guard.limit_connection(con, 16384)
    with pytest.raises(sqlite3.DataError, match="too big"):
        con.execute("select instr(hex(zeroblob(490000)), hex(zeroblob(240000))||'1')").fetchone()
    assert con.execute("select instr(hex(zeroblob(4000)), '00')").fetchone()[0] == 1
    with pytest.raises(sqlite3.OperationalError, match="pattern too complex"):
        con.execute("select 'a' like ?", ["%" * (guard.LIKE_PATTERN_BYTES + 1)]).fetchone()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import assemble

    package = tmp_path_factory.mktemp("query-site")
    assemble(package)
    build_site(package)
    return package


def test_the_served_site_ends_the_instr_query_with_an_error(built):
    """In-process, with Datasette's own client: the query ends (here at once, with an error)."""
    import asyncio

    from ceg_calc.publish.serve import datasette

    app = datasette(built)

    async def ask():
        return await asyncio.wait_for(app.client.get("/ceg.json?" + urlencode({"sql": INSTR})), timeout=30)

    response = asyncio.run(ask())
    assert response.status_code == 400
    assert "string or blob too big" in response.json()["error"]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_three_concurrent_instr_queries_leave_table_pages_answering(built, tmp_path):
    """``ceg serve`` on 127.0.0.1; three clients send the instr query 10 times each while a fourth
    asks for table pages never asked before (so not cached). Every request ends (timeouts of 30 s
    stop a hang); the instr queries are refused, the pages answer."""
    with serving(built, tmp_path / "server.log") as base:
        hostile = f"{base}/ceg.json?" + urlencode({"sql": INSTR})
        pages = [f"{base}/ceg/benchmark_scores?_sort=score&_size={n}" for n in range(5, 10)]
        with ThreadPoolExecutor(4) as pool:
            attacks = [pool.submit(lambda: [_get(hostile) for _ in range(10)]) for _ in range(3)]
            answers = [_get(page) for page in pages]
            refused = [status for attack in attacks for status in attack.result(timeout=120)]
        assert answers == [200] * len(pages)
        assert refused == [400] * 30
