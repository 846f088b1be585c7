"""Build, serve and release: round trip, Datasette in-process behind the response cache, hardening,
reproducible releases."""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import zipfile
from urllib.parse import urlencode

import httpx
import pandas as pd
import pytest
from click.testing import CliRunner

from ceg_calc.cli import cli
from ceg_calc.database import create_table_sql, is_stale
from ceg_calc.package import DataPackage
from ceg_calc.site import ResponseCache, build_site, datasette, metadata
from ceg_calc.validate import read_valid_tables


@pytest.fixture
def built(valid_package):
    build_site(valid_package)
    return valid_package


def test_every_table_reads_back_equal_to_its_csv(built):
    tables = read_valid_tables(built).tables
    package = DataPackage(built)
    with sqlite3.connect(built / "build" / "ceg.db") as con:
        for name, resource in package.resources.items():
            cursor = con.execute(f'SELECT * FROM "{name}"')
            assert [d[0] for d in cursor.description] == resource.field_names
            rows = cursor.fetchall()
            assert len(rows) == len(tables[name]), name
            for i, field in enumerate(resource.fields):
                ours, theirs = tables[name][field.name], [r[i] for r in rows]
                for a, b in zip(ours.tolist(), theirs):
                    if pd.isna(a):
                        assert b is None or pd.isna(b), (name, field.name)
                    elif field.type == "boolean":
                        assert b == int(bool(a)), (name, field.name)
                    elif field.type == "date":
                        assert b == pd.Timestamp(a).strftime("%Y-%m-%d")
                    elif field.type in ("number", "integer"):
                        assert float(b) == float(a) and type(b) is (int if field.type == "integer" else float)
                    else:
                        assert b == a, (name, field.name)


def test_ddl_carries_keys_and_not_null(valid_package):
    sql = create_table_sql(DataPackage(valid_package).resource("benchmark_scores"))
    assert '"score_id" TEXT NOT NULL' in sql and '"score" REAL NOT NULL' in sql
    assert 'PRIMARY KEY ("score_id")' in sql
    assert 'FOREIGN KEY ("model_id") REFERENCES "models" ("model_id")' in sql
    assert "REGEXP" not in sql


def test_stale_after_a_data_change(built):
    assert not is_stale(built, built / "build" / "ceg.db")
    path = built / "data" / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert is_stale(built, built / "build" / "ceg.db")


def test_a_failed_build_keeps_the_previous_database(built):
    db = built / "build" / "ceg.db"
    before = db.read_bytes()
    path = built / "data" / "benchmark_scores.csv"
    path.write_text(path.read_text(encoding="utf-8") + "s9,toy-1b,toy-math,few-shot-greedy,,x,,,false,paper-a,T,\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(built)])
    assert result.exit_code == 1 and "data/benchmark_scores.csv:7: score:" in result.output
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(".")) == []


def test_metadata_describes_every_column(valid_package):
    meta = metadata(DataPackage(valid_package))
    tables = meta["databases"]["ceg"]["tables"]
    for name, resource in DataPackage(valid_package).resources.items():
        assert set(tables[name]["columns"]) == set(resource.field_names)
        assert all(tables[name]["columns"].values())
    assert meta["license"] and all("units" not in t for t in tables.values())


def _datasette(built):
    """What ``ceg serve`` serves, requested in-process: Datasette behind the response cache (with a
    shorter SQL time limit, so that the runaway query test is quick)."""
    return ResponseCache(datasette(built, sql_time_limit_ms=200).app())


def _request(app, method, path, **kwargs):
    async def send():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
            return await client.request(method, path, **kwargs)
    return asyncio.run(send())


def _get(app, path, **kwargs):
    return _request(app, "GET", path, **kwargs)


def test_datasette_shows_descriptions_and_plots(built):
    ds = _datasette(built)
    index = _get(ds, "/")
    assert index.status_code == 200 and "/static/ceg_vs_cost.png" in index.text
    page = _get(ds, "/ceg/benchmark_scores")
    assert page.status_code == 200
    assert "Identifier of the source the values in this row were read from" in page.text
    image = _get(ds, "/static/ceg_vs_cost.png")
    assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
    query = _get(ds, "/ceg/ceg_by_enhancement.json?enhancement_id=toy-tuning&_shape=array")
    assert query.status_code == 200 and {r["comparison_id"] for r in query.json()} == {
        "toy-tuning-math", "toy-tuning-math-bound"}


def test_script_in_a_note_renders_escaped(valid_package):
    path = valid_package / "data" / "benchmark_scores.csv"
    text = path.read_text(encoding="utf-8").replace("Five points lower", "<script>alert(1)</script>")
    path.write_text(text, encoding="utf-8")
    build_site(valid_package)
    page = _get(_datasette(valid_package), "/ceg/benchmark_scores")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_runaway_query_is_stopped_and_the_server_stays_up(built):
    ds = _datasette(built)
    sql = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    for _ in range(2):  # an error is computed again, never answered from the cache
        slow = _get(ds, "/ceg.json?" + urlencode({"sql": sql}))
        assert slow.status_code == 400 and "interrupted" in slow.text.lower()
        assert slow.headers["x-ceg-cache"] == "miss"
    assert _get(ds, "/ceg/models.json").status_code == 200


@pytest.mark.parametrize("sql", ["insert into sources (source_id) values ('x')", "drop table models"])
def test_writes_are_refused(built, sql):
    ds = _datasette(built)
    response = _get(ds, "/ceg.json?" + urlencode({"sql": sql}))
    assert response.status_code == 400
    with sqlite3.connect(built / "build" / "ceg.db") as con:
        assert con.execute("select count(*) from models").fetchone()[0] == 4


def test_a_repeated_request_is_answered_from_the_cache(built):
    ds = _datasette(built)
    first, second = _get(ds, "/ceg/benchmark_scores"), _get(ds, "/ceg/benchmark_scores")
    assert first.status_code == second.status_code == 200
    assert (first.headers["x-ceg-cache"], second.headers["x-ceg-cache"]) == ("miss", "hit")
    assert second.content == first.content and second.headers["content-type"] == first.headers["content-type"]
    assert _get(ds, "/ceg/benchmark_scores?_size=5").headers["x-ceg-cache"] == "miss"
    head = _request(ds, "HEAD", "/ceg/benchmark_scores")
    assert head.status_code == 200 and head.content == b""


def _stub(*headers):
    """An ASGI app answering 200 with ``headers`` and a body of N bytes for the query string N
    (in two parts), and the list of methods it was called with."""
    calls = []

    async def app(scope, receive, send):
        calls.append(scope["method"])
        body = b"x" * int(scope["query_string"] or 10)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain"),
                                                                             *headers]})
        await send({"type": "http.response.body", "body": body[:5], "more_body": True})
        await send({"type": "http.response.body", "body": body[5:]})
    return app, calls


def test_posts_cookies_and_their_answers_are_never_cached():
    app, calls = _stub()
    cache = ResponseCache(app)
    assert [_request(cache, "POST", "/page").status_code for _ in range(2)] == [200, 200]
    assert _get(cache, "/page").headers["x-ceg-cache"] == "miss"
    assert all("x-ceg-cache" not in _get(cache, "/page", headers={"Cookie": "a=b"}).headers for _ in range(2))
    assert calls == ["POST", "POST", "GET", "GET", "GET"]
    app, calls = _stub((b"set-cookie", b"session=1"))
    cache = ResponseCache(app)
    assert [_get(cache, "/page").headers["x-ceg-cache"] for _ in range(2)] == ["miss", "miss"]
    assert len(calls) == 2 and not cache.entries


def test_the_cache_is_bounded_least_recently_used_first():
    app, calls = _stub()
    probe = ResponseCache(app)
    _get(probe, "/page?10")
    (key, (start, body)), = probe.entries.items()
    fixed = ResponseCache.entry_bytes(key, start, b"")  # the same for every /page?NN below
    cache = ResponseCache(app, max_bytes=100 + 2 * fixed, max_body=60)
    seen = [_get(cache, f"/page?{n}").headers["x-ceg-cache"] for n in (50, 40, 50, 30, 50, 40, 61, 61)]
    assert seen == ["miss", "miss", "hit", "miss", "hit", "miss", "miss", "miss"]
    assert cache.size == sum(ResponseCache.entry_bytes(k, *v) for k, v in cache.entries.items()) <= 100 + 2 * fixed
    assert _get(cache, "/page?30").content == b"x" * 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("options, cache", [([], ["miss", "hit"]), (["--no-cache"], [None, None])])
def test_ceg_serve_answers_on_loopback(built, tmp_path, options, cache):
    port = _free_port()
    with open(tmp_path / "server.log", "w", encoding="utf-8") as log:
        server = subprocess.Popen([sys.executable, "-m", "ceg_calc.cli", "serve", str(built), "--port", str(port),
                                   *options], stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("ceg serve did not answer: " + (tmp_path / "server.log").read_text(encoding="utf-8"))
        seen = []
        for _ in range(2):
            with urllib.request.urlopen(url + "/ceg/benchmark_scores", timeout=30) as response:
                assert response.status == 200 and b"benchmark_scores" in response.read()
                seen.append(response.headers.get("x-ceg-cache"))
        assert seen == cache
    finally:
        server.terminate()
        server.wait(timeout=10)


def _release(package, version, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = CliRunner().invoke(cli, ["release", version, "--path", str(package)])
    assert result.exit_code == 0, result.output
    return package / "dist" / f"ceg-dataset-{version}.zip"


def _copy_project_files(package):
    from conftest import REPO

    for name in ("pyproject.toml", "CITATION.cff", "CHANGELOG.md"):
        (package / name).write_bytes((REPO / name).read_bytes())
    (package / "ceg_calc").mkdir()
    (package / "ceg_calc" / "__init__.py").write_text('__version__ = "0.1.0"\n', encoding="utf-8")


def test_release_is_reproducible_and_valid(valid_package, monkeypatch, tmp_path):
    _copy_project_files(valid_package)
    first = _release(valid_package, "0.1.0", monkeypatch).read_bytes()
    second = _release(valid_package, "0.1.0", monkeypatch).read_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    sums = (valid_package / "dist" / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{hashlib.sha256(first).hexdigest()}  ceg-dataset-0.1.0.zip" in sums
    out = tmp_path / "unzipped"
    with zipfile.ZipFile(valid_package / "dist" / "ceg-dataset-0.1.0.zip") as z:
        z.extractall(out)
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert all(r["hash"].startswith("sha256:") and r["bytes"] > 0 for r in descriptor["resources"])
    from frictionless import validate

    assert validate(out / "datapackage.json").valid


def test_duckdb_reads_parquet_and_csv_alike(valid_package, monkeypatch, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    _copy_project_files(valid_package)
    _release(valid_package, "0.1.0", monkeypatch)
    out = tmp_path / "unzipped"
    with zipfile.ZipFile(valid_package / "dist" / "ceg-dataset-0.1.0.zip") as z:
        z.extractall(out)
    for name in ("benchmark_scores", "models", "ceg_estimates"):
        parquet = duckdb.sql(f"select count(*) from '{out}/parquet/{name}.parquet'").fetchall()[0][0]
        csv_rows = duckdb.sql(f"select count(*) from read_csv_auto('{out}/data/{name}.csv')").fetchall()[0][0]
        assert parquet == csv_rows > 0


def test_release_bumps_versions_and_diffs_rows(valid_package, monkeypatch):
    _copy_project_files(valid_package)
    _release(valid_package, "0.1.0", monkeypatch)
    path = valid_package / "data" / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Toy compute database", "Toy compute database v2"),
                    encoding="utf-8")
    _release(valid_package, "0.1.1", monkeypatch)
    diff = json.loads((valid_package / "dist" / "diff-0.1.1.json").read_text(encoding="utf-8"))
    assert diff["previous_version"] == "0.1.0"
    assert diff["tables"]["sources"] == {"added": [], "removed": [], "changed": ["db-a"]}
    assert 'version = "0.1.1"' in (valid_package / "pyproject.toml").read_text(encoding="utf-8")
    assert "version: 0.1.1" in (valid_package / "CITATION.cff").read_text(encoding="utf-8")
    assert "date-released: 2023-11-14" in (valid_package / "CITATION.cff").read_text(encoding="utf-8")
    assert "`sources`: 0 added, 0 removed, 1 changed" in (valid_package / "CHANGELOG.md").read_text(encoding="utf-8")
    build_site(valid_package)
    changes = _get(_datasette(valid_package), "/ceg/changes_since_version.json?since=0.1.0&_shape=array").json()
    assert changes == [{"version": "0.1.1", "table_name": "sources", "change": "changed", "row_key": "db-a"}]


def test_release_refuses_a_bad_version(valid_package):
    result = CliRunner().invoke(cli, ["release", "1.0", "--path", str(valid_package)])
    assert result.exit_code == 1 and "MAJOR.MINOR.PATCH" in result.output
