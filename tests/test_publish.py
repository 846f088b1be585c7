"""Build, serve and release: round trip, Datasette in-process behind the response cache, hardening,
reproducible releases."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
import urllib.request
import zipfile
from urllib.parse import urlencode

import httpx
import pandas as pd
import pytest
from click.testing import CliRunner

from ceg_calc.cli import cli
from ceg_calc.publish.database import create_table_sql, is_stale
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.publish.serve import ResponseCache, datasette
from ceg_calc.publish.site import build_site, metadata
from ceg_calc.gate.checks import read_valid_tables
from conftest import serving


@pytest.fixture
def built(built_package):
    """The valid fixture package, built (a fresh copy for each test)."""
    return built_package


def test_every_table_reads_back_equal_to_its_csv(built):
    tables = read_valid_tables(built).tables
    package = DataPackage(built)
    with sqlite3.connect(built / "build" / "ceg.db") as con:
        for name, resource in package.resources.items():
            cursor = con.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            # same columns; the SQLite copy shows the key columns of ceg_estimates first
            assert sorted(columns) == sorted(resource.field_names)
            if name == "ceg_estimates":
                assert columns[:7] == ["comparison_id", "enhanced_model_id", "evidence", "ceg", "ceg_low", "ceg_high",
                                       "effective_compute_flop"]
            else:
                assert columns == resource.field_names
            rows = cursor.fetchall()
            assert len(rows) == len(tables[name]), name
            for field in resource.fields:
                i = columns.index(field.name)
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
    # no temporary left (the folder's lock file, .lock, stays: see ceg_calc.core.files.output_folder)
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(".") and p.name != ".lock") == []


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


def test_datasette_shows_descriptions_and_charts(built):
    ds = _datasette(built)
    index = _get(ds, "/")
    assert index.status_code == 200 and 'href="/-/dashboards/ceg"' in index.text
    page = _get(ds, "/ceg/benchmark_scores")
    assert page.status_code == 200
    assert "Identifier of the source the values in this row were read from" in page.text
    query = _get(ds, "/ceg/ceg_by_enhancement.json?enhancement_id=toy-tuning&_shape=array")
    assert query.status_code == 200 and {r["comparison_id"] for r in query.json()} == {
        "toy-tuning-math", "toy-tuning-math-bound"}


def _chart(built, dashboard, chart, **params):
    """The rows a chart of the built site draws, queried as the browser does."""
    spec = json.loads((built / "build" / "metadata.json").read_text(encoding="utf-8"))
    from datasette_dashboards import replace_opts_in_query  # what the plugin does with a page's filters

    sql = replace_opts_in_query(spec["plugins"]["datasette-dashboards"][dashboard]["charts"][chart]["query"], params)
    response = _get(_datasette(built), "/ceg.json?" + urlencode({"sql": sql, "_shape": "array", **params}))
    assert response.status_code == 200, response.text
    return response.json()


def test_the_charts_load_their_scripts_locally(built):
    ds = _datasette(built)
    page = _get(ds, "/-/dashboards/comparison?comparison_id=toy-cot-math")
    assert page.status_code == 200
    scripts = re.findall(r'<script src="([^"]+)"', page.text)
    assert {"vega.min.js", "vega-lite.min.js", "vega-embed.min.js"} <= {s.rsplit("/", 1)[-1] for s in scripts}
    for src in scripts:
        assert src.startswith("/-/static-plugins/") and _get(ds, src).status_code == 200


def test_a_comparison_chart_has_every_point_with_its_row(built):
    points = _chart(built, "comparison", "points", comparison_id="toy-tuning-math")
    by_series = {}
    for p in points:
        by_series.setdefault(p["series"], []).append(p)
    # the baseline family toy (1e21, 1e22, 1e23 FLOP) and one enhanced model at 1.01e21 FLOP
    assert [p["flop"] for p in by_series["baseline"]] == [1e21, 1e22, 1e23]
    assert [(p["flop"], p["score"]) for p in by_series["enhanced"]] == [(1.01e21, 25.0)]
    [equivalent] = by_series["equivalent compute C'"]
    assert equivalent["flop"] == pytest.approx(3.16228e22, rel=1e-5)
    ds = _datasette(built)
    for p in points:  # each href opens the row the point was drawn from
        row = _get(ds, p["href"] + ".json?_shape=array").json()
        assert len(row) == 1 and p["row_id"] in (row[0].get("score_id"),
                                                 f"{row[0].get('comparison_id')},{row[0].get('enhanced_model_id')}")


def test_rows_without_a_stated_cost_are_charted_as_unknown(built):
    with_cost = _chart(built, "ceg", "ceg-vs-cost")
    without = _chart(built, "ceg", "ceg-without-cost")
    estimates = read_valid_tables(built).tables["ceg_estimates"]
    shown = estimates[(estimates["ceg"] > 0) & ~estimates["extrapolated"].fillna(False).astype(bool)]
    assert len(with_cost) == shown["finetune_fraction"].notna().sum()
    assert len(without) == shown["finetune_fraction"].isna().sum() > 0
    assert all(r["finetune_fraction"] is None for r in without)
    assert all(r["finetune_fraction"] > 0 for r in with_cost)
    effective = _chart(built, "ceg", "effective-compute")
    assert len(effective) == shown["effective_compute_flop"].notna().sum() > 0
    for r in effective:  # both points of a row: the model's own compute and compute x CEG
        assert r["effective_flop"] == pytest.approx(r["own_flop"] * r["ceg"], rel=1e-4)


def test_every_comparison_id_links_to_its_chart(built):
    ds = _datasette(built)
    ids = ("toy-cot-math", "toy-tuning-math", "toy-tuning-math-bound")
    # the derived rows of every comparison, and each comparison's own row page
    pages = [_get(ds, "/ceg/ceg_estimates").text] + [_get(ds, f"/ceg/comparisons/{i}").text for i in ids]
    for comparison_id, page in zip(ids, pages[1:]):
        assert f'href="/-/dashboards/comparison?comparison_id={comparison_id}"' in pages[0]
        assert f'href="/-/dashboards/comparison?comparison_id={comparison_id}"' in page
    chart = _get(ds, "/-/dashboards/comparison?comparison_id=toy-tuning-math")
    assert chart.status_code == 200 and "toy-tuning-math" in chart.text


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


@pytest.mark.parametrize("options, cache", [([], ["miss", "hit"]), (["--no-cache"], [None, None])])
def test_ceg_serve_answers_on_loopback(built, tmp_path, options, cache):
    with serving(built, tmp_path / "server.log", *options) as url:
        seen = []
        for _ in range(2):
            with urllib.request.urlopen(url + "/ceg/benchmark_scores", timeout=30) as response:
                assert response.status == 200 and b"benchmark_scores" in response.read()
                seen.append(response.headers.get("x-ceg-cache"))
        assert seen == cache
        # once it listens, the server says where (the port it took), how to stop it and where the tests run
        said = (tmp_path / "server.log").read_text(encoding="utf-8")
        assert (f"The dataset is served at {url}/ -- Ctrl-C to stop; run `make test` in another "
                "terminal.") in said
        assert said.index("Uvicorn running on") < said.index("The dataset is served at")
        assert not url.endswith(":0")


def _release(package, version, monkeypatch, *options, epoch="1700000000"):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = CliRunner().invoke(cli, ["release", version, "--path", str(package), *options])
    assert result.exit_code == 0, result.output
    return package / "dist" / f"ceg-dataset-{version}.zip"


def _refused(package, version, *options):
    result = CliRunner().invoke(cli, ["release", version, "--path", str(package), *options])
    assert result.exit_code == 1, result.output
    return result.output


def _copy_project_files(package):
    from conftest import REPO

    for name in ("pyproject.toml", "CITATION.cff", "CHANGELOG.md", "LICENSE", "README.md", "docs/methodology.md"):
        (package / name).parent.mkdir(exist_ok=True)
        (package / name).write_bytes((REPO / name).read_bytes())
    (package / "ceg_calc").mkdir()
    (package / "ceg_calc" / "__init__.py").write_text('__version__ = "0.1.0"\n', encoding="utf-8")
    changelog = package / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(text[:text.index("\n## ")] + "\n\n## Unreleased\n\n- The toy package.\n", encoding="utf-8")


def _add_changelog_entry(package, line="- Next."):
    changelog = package / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(text.replace("\n## 0.", f"\n## Unreleased\n\n{line}\n\n## 0.", 1), encoding="utf-8")


def _git_commit(package, when="2024-05-01T12:00:00+00:00"):
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "data"]):
        subprocess.run(["git", "-C", str(package), *args], check=True, env=env, capture_output=True)


@pytest.fixture(scope="session")
def released_valid_package(tmp_path_factory, derived_valid_package):
    """The valid fixture package with the project's files, released as 0.1.0 (SOURCE_DATE_EPOCH
    1700000000), made once per test process; never modify it: ``released`` hands out copies."""
    target = tmp_path_factory.mktemp("released") / "pkg"
    shutil.copytree(derived_valid_package, target)
    _copy_project_files(target)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _release(target, "0.1.0", monkeypatch)
    return target


@pytest.fixture
def released(tmp_path, released_valid_package, monkeypatch):
    """A copy of the package as its release 0.1.0 leaves it, safe to modify, with that release's
    SOURCE_DATE_EPOCH set."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    target = tmp_path / "pkg"
    shutil.copytree(released_valid_package, target)
    return target


def test_a_release_built_twice_with_different_clocks_is_identical(valid_package, monkeypatch, tmp_path):
    """Same commit, same version, two checkouts: one today, one whose files are dated years later,
    in another time zone, with the process clock moved on. The date comes from the commit."""
    _copy_project_files(valid_package)
    _git_commit(valid_package)
    other = tmp_path / "other-checkout"
    shutil.copytree(valid_package, other)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert CliRunner().invoke(cli, ["release", "0.1.0", "--path", str(valid_package)]).exit_code == 0
    later = time.time() + 3 * 365 * 86400
    for path in other.rglob("*"):
        os.utime(path, (later, later))
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    monkeypatch.setattr(time, "time", lambda: later)
    result = CliRunner().invoke(cli, ["release", "0.1.0", "--path", str(other)])
    assert result.exit_code == 0, result.output
    sums = [(root / "dist" / "SHA256SUMS").read_text(encoding="utf-8") for root in (valid_package, other)]
    assert sums[0] == sums[1] and "ceg-dataset-0.1.0.zip" in sums[0]
    with zipfile.ZipFile(other / "dist" / "ceg-dataset-0.1.0.zip") as z:
        assert {"docs/methodology.md", "CHANGELOG.md", "LICENSE", "CITATION.cff", "README.md", "ceg.db",
                "datapackage.json", "parquet/ceg_estimates.parquet", "schemas/models.json"} <= set(z.namelist())
        assert "## 0.1.0 (2024-05-01)" in z.read("CHANGELOG.md").decode()
        assert 'date-released: "2024-05-01"' in z.read("CITATION.cff").decode()
        assert "unreleased" not in z.read("CHANGELOG.md").decode().lower()


def test_release_bytes_carry_no_library_versions(released_valid_package, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    valid_package = released_valid_package
    with zipfile.ZipFile(valid_package / "dist" / "ceg-dataset-0.1.0.zip") as z:
        z.extractall(tmp_path / "out")
    for path in (tmp_path / "out" / "parquet").glob("*.parquet"):
        data = path.read_bytes()
        assert pa.__version__.encode() not in data and b"pandas" not in data
        assert pq.read_metadata(path).created_by == "ceg-dataset"
    scores = pq.read_table(tmp_path / "out" / "parquet" / "benchmark_scores.parquet")
    rows = len(pd.read_csv(valid_package / "data" / "benchmark_scores.csv"))
    assert scores.num_rows == rows > 0 and str(scores.schema.field("second_hand").type) == "bool"
    header = (tmp_path / "out" / "ceg.db").read_bytes()[:100]
    assert header[96:100] == (3_000_000).to_bytes(4, "big")
    with sqlite3.connect(tmp_path / "out" / "ceg.db") as con:
        assert con.execute("select count(*) from benchmark_scores").fetchone()[0] == rows


def test_the_first_run_records_the_new_version(released, monkeypatch):
    import ceg_calc

    valid_package = released
    _add_changelog_entry(valid_package)
    path = valid_package / "data" / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Toy compute database", "Toy compute db"), encoding="utf-8")
    # the release rewrites the running calculator's own __init__.py: its version must follow in-process
    monkeypatch.setattr(ceg_calc, "__file__", str(valid_package / "ceg_calc" / "__init__.py"))
    monkeypatch.setattr(ceg_calc, "__version__", "0.1.0")
    zip_path = _release(valid_package, "0.1.1", monkeypatch)
    with zipfile.ZipFile(zip_path) as z:
        (valid_package / "released.db").write_bytes(z.read("ceg.db"))
        assert json.loads(z.read("datapackage.json"))["version"] == "0.1.1"
    with sqlite3.connect(valid_package / "released.db") as con:
        info = dict(con.execute("select key, value from build_info").fetchall())
    assert info["package_version"] == info["calculator_version"] == "0.1.1"


def test_a_published_release_is_never_rewritten(released, monkeypatch):
    valid_package = released
    first = valid_package / "dist" / "ceg-dataset-0.1.0.zip"
    published = first.read_bytes()
    assert _release(valid_package, "0.1.0", monkeypatch).read_bytes() == published  # same data: same bytes
    path = valid_package / "data" / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Toy compute database", "Toy compute db"), encoding="utf-8")
    assert "0.1.0 is already released" in _refused(valid_package, "0.1.0")
    assert first.read_bytes() == published
    (valid_package / "dist" / "ceg-dataset-0.0.9.zip").write_bytes(b"not recorded")
    _add_changelog_entry(valid_package)
    first.write_bytes(published[:100] + bytes([published[100] ^ 1]) + published[101:])  # tampered with
    message = _refused(valid_package, "0.1.1")
    assert "dist/ceg-dataset-0.1.0.zip does not match its SHA-256 in SHA256SUMS" in message
    assert not (valid_package / "dist" / "ceg-dataset-0.1.1.zip").exists()
    first.write_bytes(published)
    _release(valid_package, "0.1.1", monkeypatch)
    sums = (valid_package / "dist" / "SHA256SUMS").read_text(encoding="utf-8")
    assert [line.split()[1] for line in sums.splitlines()] == [
        "ceg-dataset-0.1.0.zip", "ceg-dataset-0.1.1.zip", "diff-0.1.1.json"]


def test_a_release_without_data_changes_needs_a_patch_and_a_reason(released, monkeypatch):
    valid_package = released
    assert "CHANGELOG.md has no entry for 0.1.1" in _refused(valid_package, "0.1.1", "--reason", "x")
    _add_changelog_entry(valid_package)
    for version, options in (("0.2.0", ["--reason", "new layout"]), ("0.1.1", [])):
        assert "no row or schema changed since release 0.1.0" in _refused(valid_package, version, *options)
    _release(valid_package, "0.1.1", monkeypatch, "--reason", "methodology text corrected")
    changelog = (valid_package / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 0.1.1 (2023-11-14)\n\n- Next.\n- Reason for this release: methodology text corrected" in changelog


def test_release_is_valid_frictionless(released_valid_package, tmp_path):
    out = tmp_path / "unzipped"
    with zipfile.ZipFile(released_valid_package / "dist" / "ceg-dataset-0.1.0.zip") as z:
        z.extractall(out)
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert all(r["hash"].startswith("sha256:") and r["bytes"] > 0 for r in descriptor["resources"])
    from frictionless import validate

    assert validate(out / "datapackage.json").valid


def test_duckdb_reads_parquet_and_csv_alike(released_valid_package, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "unzipped"
    with zipfile.ZipFile(released_valid_package / "dist" / "ceg-dataset-0.1.0.zip") as z:
        z.extractall(out)
    for name in ("benchmark_scores", "models", "ceg_estimates"):
        parquet = duckdb.sql(f"select count(*) from '{out}/parquet/{name}.parquet'").fetchall()[0][0]
        csv_rows = duckdb.sql(f"select count(*) from read_csv_auto('{out}/data/{name}.csv')").fetchall()[0][0]
        assert parquet == csv_rows > 0


def test_release_bumps_versions_and_diffs_rows(released, monkeypatch):
    valid_package = released
    path = valid_package / "data" / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Toy compute database", "Toy compute database v2"),
                    encoding="utf-8")
    _add_changelog_entry(valid_package)
    _release(valid_package, "0.1.1", monkeypatch)
    diff = json.loads((valid_package / "dist" / "diff-0.1.1.json").read_text(encoding="utf-8"))
    assert diff["previous_version"] == "0.1.0"
    assert diff["tables"]["sources"] == {"added": [], "removed": [], "changed": ["db-a"]}
    assert 'version = "0.1.1"' in (valid_package / "pyproject.toml").read_text(encoding="utf-8")
    citation = (valid_package / "CITATION.cff").read_text(encoding="utf-8")
    assert 'version: "0.1.1"' in citation and 'date-released: "2023-11-14"' in citation
    assert citation.count("/releases/tag/v0.1.1") == 1
    zenodo = json.loads((valid_package / ".zenodo.json").read_text(encoding="utf-8"))
    assert (zenodo["version"], zenodo["publication_date"]) == ("0.1.1", "2023-11-14")
    assert "  - `sources`: 0 added, 0 removed, 1 changed" in (valid_package / "CHANGELOG.md").read_text(encoding="utf-8")
    build_site(valid_package)
    changes = _get(_datasette(valid_package), "/ceg/changes_since_version.json?since=0.1.0&_shape=array").json()
    assert changes == [{"version": "0.1.1", "table_name": "sources", "change": "changed", "row_key": "db-a"}]


def test_release_refuses_a_bad_version(valid_package):
    result = CliRunner().invoke(cli, ["release", "1.0", "--path", str(valid_package)])
    assert result.exit_code == 1 and "MAJOR.MINOR.PATCH" in result.output


def test_zenodo_metadata_is_generated_from_the_citation():
    from conftest import REPO

    from ceg_calc.publish.citation import read_cff, zenodo_metadata

    cff = read_cff(REPO)
    committed = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))
    assert committed == zenodo_metadata(cff)
    assert committed["version"] == cff["version"] and committed["upload_type"] == "dataset"
    assert {"identifier": "https://arxiv.org/abs/2312.07413", "relation": "references", "scheme": "url"} in \
        committed["related_identifiers"]
    assert cff["url"] == f"{cff['repository-code']}/releases/tag/v{cff['version']}"


@pytest.mark.parametrize("style", ["bibtex", "apalike"])
def test_cffconvert_names_the_version_and_the_repository(style):
    from conftest import REPO

    from ceg_calc.publish.citation import read_cff

    tool = REPO / ".tools" / "cffconvert" / "bin" / "cffconvert"
    if not tool.exists():
        if os.environ.get("CI"):
            pytest.fail("cffconvert missing in CI: `make test` installs it in .tools/cffconvert")
        pytest.skip("cffconvert not installed (make .tools/cffconvert/bin/cffconvert)")
    cff = read_cff(REPO)
    text = subprocess.run([str(tool), "-f", style, "-i", str(REPO / "CITATION.cff")], capture_output=True,
                          text=True, check=True).stdout
    assert cff["repository-code"] in text and f"v{cff['version']}" in text
    assert "CEG dataset maintainers" in text and str(cff["date-released"])[:4] in text


def test_the_changelog_entry_is_dated_once_and_notes_are_not_repeated():
    from ceg_calc.publish.citation import changelog_date, dated_changelog, unreleased_heading
    from ceg_calc.core.errors import CegError

    text = "# Changelog\n\n## 0.2.0 — unreleased\n\n- New rows.\n\n## 0.1.0 (2024-01-02)\n\n- First.\n"
    dated = dated_changelog(text, "0.2.0", "2024-03-04", ["- Reason for this release: x"])
    assert dated == ("# Changelog\n\n## 0.2.0 (2024-03-04)\n\n- New rows.\n- Reason for this release: x\n\n"
                     "## 0.1.0 (2024-01-02)\n\n- First.\n")
    assert dated_changelog(dated, "0.2.0", "2030-01-01", ["- Reason for this release: x"]) == dated
    assert changelog_date(dated, "0.2.0") == "2024-03-04" and changelog_date(dated, "0.3.0") is None
    with pytest.raises(CegError, match="2 unreleased entries"):
        unreleased_heading("## Unreleased\n\n- a\n\n## 0.2.0 — unreleased\n\n- b\n", "0.2.0")
    with pytest.raises(CegError, match="no entry for 0.3.0"):
        unreleased_heading(text, "0.3.0")


def test_frontier_view_shows_the_best_supported_evidence_first():
    # an extrapolated cross-family figure on the largest model must not be the first row a reader sees
    import sqlite3

    from ceg_calc.publish.database import VIEWS

    db = sqlite3.connect(":memory:")
    common = ("method TEXT, enhanced_model_id TEXT, enhancement_id TEXT, benchmark_id TEXT, enhanced_compute_flop REAL, "
              "ceg REAL, ceg_low REAL, ceg_high REAL, effective_compute_flop REAL, effective_compute_low_flop REAL, "
              "evidence TEXT")
    db.execute(f"CREATE TABLE ceg_estimates (comparison_id TEXT, {common})")
    db.execute(f"CREATE TABLE ceg_cross_family (row_id TEXT, reference TEXT, {common})")
    db.execute("INSERT INTO ceg_cross_family VALUES ('x', 'ref', 'cross-family-absolute', 'big', 'e', 'b', 5e26, "
               "47.5, 0.94, 11729, 2.4e28, 4.7e26, 'extrapolated')")
    db.execute("INSERT INTO ceg_estimates VALUES ('c', 'interpolate', 'mid', 'e', 'b', 6e24, 2.0, 1.5, 2.6, 1.2e25, "
               "9e24, 'robust-point')")
    db.execute("INSERT INTO ceg_estimates VALUES ('d', 'interpolate', 'small', 'e', 'b', 2e24, 1.0, 1.0, 1.0, 2e24, "
               "2e24, 'trivial-bound')")
    db.execute("INSERT INTO ceg_estimates VALUES ('f', 'interpolate', 'low', 'e', 'b', 1e23, 9.0, 5.0, 12, 9e23, "
               "5e23, 'robust-point')")
    rows = db.execute(f"SELECT enhanced_model_id, evidence FROM ({VIEWS['frontier']})").fetchall()
    assert rows == [("mid", "robust-point"), ("big", "extrapolated"), ("small", "trivial-bound")]
