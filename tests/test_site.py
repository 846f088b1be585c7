"""The site a reader uses without SQL: the enhancement page, readable tables, search and the
chart selectors, requested in-process as the browser does (the browser tests draw them)."""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import urlencode

import httpx
import pytest

from ceg_calc.publish.enhancement import headline_columns, headline_query, page_url, summary_query
from ceg_calc.publish.serve import datasette
from ceg_calc.publish.site import TRUNCATE_CELLS, build_site


@pytest.fixture
def built(built_package):
    """The valid fixture package, built (a fresh copy for each test)."""
    return built_package


def _get(built, path):
    async def go():
        transport = httpx.ASGITransport(app=datasette(built).app())
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            return await client.get(path)
    return asyncio.run(go())


def _chart(built, dashboard, chart, **params):
    """The rows a chart draws: its query with the page's filters, as datasette-dashboards sends it."""
    from datasette_dashboards import replace_opts_in_query

    spec = json.loads((built / "build" / "metadata.json").read_text(encoding="utf-8"))
    sql = replace_opts_in_query(spec["plugins"]["datasette-dashboards"][dashboard]["charts"][chart]["query"], params)
    response = _get(built, "/ceg.json?" + urlencode({"sql": sql, "_shape": "array", **params}))
    assert response.status_code == 200, response.text
    return response.json()


def test_the_enhancement_page_answers_what_it_gives_how_sure_and_what_it_costs(built):
    page = _get(built, page_url("toy-tuning"))
    assert page.status_code == 200 and 'id="chart-headline"' in page.text and 'id="chart-costs"' in page.text
    [headline] = _chart(built, "enhancement", "headline", enhancement_id="toy-tuning")
    # the fixture's enhancement_summary (method 4): one benchmark x baseline-family cell holding a
    # robust point 31.3097 and a robust bound 9.90099, whose value is their median
    # (31.3097 + 9.90099) / 2 = 20.6053; the strongest single figure is the point (largest 5th
    # percentile, 5.948)
    assert headline["headline CEG (representative_ceg)"] == "20.6"
    assert headline["interval (representative_ceg_low – representative_ceg_high)"] == "20.6 – 20.6"
    assert headline["cells (cells)"] == "1" and headline["strongest (strongest_ceg)"] == "31.3"
    evidence = {r["evidence"]: r["rows"] for r in _chart(built, "enhancement", "evidence", enhancement_id="toy-tuning")}
    assert evidence == {"robust-point": 1, "robust-bound": 1}
    points = _chart(built, "enhancement", "ceg-vs-compute", enhancement_id="toy-tuning")
    assert sorted((p["comparison_id"], p["evidence"]) for p in points) == [
        ("toy-tuning-math", "robust-point"), ("toy-tuning-math-bound", "robust-bound")]
    costs = _chart(built, "enhancement", "costs", enhancement_id="toy-tuning")
    assert [re.sub("<[^>]+>", "", c["cost"]) for c in costs] == ["toy-tuning-flop", "toy-tuning-pfsd"]
    assert costs[0]["cost"] == '<a href="/ceg/costs/toy-tuning-flop">toy-tuning-flop</a>'
    [stated] = _chart(built, "enhancement", "stated", enhancement_id="toy-tuning")
    assert (stated["stated"], stated["stated_ceg"], stated["derived_rows"], stated["robust_rows"]) == (
        "toy-tuning-math", "30.0", 2, 2)
    assert (stated["derived_min"], stated["derived_max"]) == ("9.9", "31.3")
    strongest = _chart(built, "enhancement", "strongest", enhancement_id="toy-tuning")
    # largest 5th percentile first: 5.948 (the point) before 1.922 (the bound)
    assert [(re.sub("<[^>]+>", "", r["comparison"]), r["ceg_low"]) for r in strongest] == [
        ("toy-tuning-math", "5.95"), ("toy-tuning-math-bound", "1.92")]
    assert strongest[0]["enhanced_score"] == "25.0" and "reason" in strongest[0]
    assert strongest[0]["anchor_scores"].split("; ") == ["toy-1b: 10.0", "toy-10b: 20.0", "toy-100b: 30.0"]
    summary = {r["column"]: r["value"] for r in _chart(built, "enhancement", "summary", enhancement_id="toy-tuning")}
    assert summary["robust_points"] == "1" and summary["category"] == "data"


def test_an_enhancement_without_costs_or_stated_estimates_says_so(built):
    [cost] = _chart(built, "enhancement", "costs", enhancement_id="toy-prompting")
    assert cost["cost"] == "no cost stated for this enhancement"
    [stated] = _chart(built, "enhancement", "stated", enhancement_id="toy-prompting")
    assert stated["stated"].startswith("no CEG stated")


def test_the_headline_reads_its_columns_by_name():
    """A summary method that renames its headline columns is read from the columns it has."""
    v4 = ["enhancement_id", "category", "headline_ceg", "headline_ceg_low", "headline_ceg_high", "cells", "median_ceg"]
    assert headline_columns(v4) == {"figure": "headline_ceg", "low": "headline_ceg_low", "high": "headline_ceg_high",
                                    "cells": "cells"}
    assert '"headline CEG (headline_ceg)"' in headline_query(v4) and "median_ceg" not in headline_query(v4)
    bare = headline_query(["enhancement_id"])  # nothing to show but the id: still one valid query
    assert bare.startswith("SELECT coalesce(") and "FROM enhancement_summary" in bare
    assert "'cells' AS column_name" in summary_query(v4)


def test_table_cells_of_the_enhancement_page_are_escaped(valid_package):
    path = valid_package / "data" / "costs.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",Sec. 4,", ',"<img src=x onerror=alert(1)> & Sec. 4",', 1),
                    encoding="utf-8")
    build_site(valid_package)
    costs = _chart(valid_package, "enhancement", "costs", enhancement_id="toy-tuning")
    assert costs[0]["locator"] == "&lt;img src=x onerror=alert(1)&gt; &amp; Sec. 4"


def test_every_enhancement_id_and_the_index_link_to_the_enhancement_page(built):
    href = f'href="{page_url("toy-tuning")}"'
    index = _get(built, "/").text
    assert index.index('id="enhancement-summary"') < index.index(href)
    for path in ("/ceg/ceg_estimates", "/ceg/comparisons", "/ceg/costs", "/ceg/benchmark_scores",
                 "/ceg/published_estimates", "/ceg/enhancements", "/ceg/enhancements/toy-tuning"):
        assert href in _get(built, path).text, path


def test_estimate_pages_show_the_key_columns_first_and_id_lists_as_counts(built):
    page = _get(built, "/ceg/ceg_estimates").text
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    columns = [c for c in re.findall(r'data-column="([^"]+)"', head) if c != "Link"]  # Link: the row's key
    assert columns[:7] == ["comparison_id", "enhanced_model_id", "evidence", "ceg", "ceg_low", "ceg_high",
                           "effective_compute_flop"]
    assert '<a href="/ceg/benchmark_scores?score_id__in=s1,s2,s3" title="s1 s2 s3">3 scores</a>' in page
    rows = _get(built, "/ceg/benchmark_scores.json?score_id__in=s1,s2,s3&_shape=array").json()
    assert sorted(r["score_id"] for r in rows) == ["s1", "s2", "s3"]


def test_long_cells_are_truncated_on_table_pages(valid_package):
    path = valid_package / "data" / "sources.csv"
    text = path.read_text(encoding="utf-8")
    long_note = "word " * 40
    lines = text.splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + "," + long_note.strip()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build_site(valid_package)
    page = _get(valid_package, "/ceg/sources").text
    assert long_note.strip() not in page and long_note.strip()[:TRUNCATE_CELLS] + "…" in page
    row = _get(valid_package, "/ceg/sources.json?_shape=array").json()
    assert long_note.strip() in {r["notes"] for r in row}  # the data are whole; only the page is short


@pytest.mark.parametrize("query", ["Toy 100B", "toy-100b", "TOY 100b"])
def test_a_search_for_a_model_name_returns_its_row(built, query):
    rows = _get(built, "/ceg/models.json?" + urlencode({"_search": query, "_shape": "array"})).json()
    assert [r["model_id"] for r in rows] == ["toy-100b"]
    found = _get(built, "/ceg/search.json?" + urlencode({"q": query, "_shape": "array"})).json()
    assert {"table_name": "models", "id": "toy-100b", "name": "Toy 100B",
            "row_page": "/ceg/models/toy-100b"} in found
    assert all(r["id"] == "toy-100b" for r in found if r["table_name"] == "models")


def test_search_covers_four_tables_and_reads_input_as_text(built):
    tables = {r["table_name"] for r in _get(built, "/ceg/search.json?q=toy&_shape=array").json()}
    assert tables == {"models", "enhancements", "benchmarks"} | ({"sources"} & tables)
    for odd in ('"', "a AND", "-x", "NEAR(", ""):  # FTS syntax is never parsed from the box
        response = _get(built, "/ceg/search.json?" + urlencode({"q": odd, "_shape": "array"}))
        assert response.status_code == 200, (odd, response.text)
    index = _get(built, "/").text
    assert '<form class="ceg-search" action="/ceg/search" method="get">' in index
    page = _get(built, "/ceg/search?q=Toy+100B").text
    assert '<a href="/ceg/models/toy-100b">open</a>' in page
    assert 'name="_search"' in _get(built, "/ceg/models").text  # the table's own search box


def test_the_ceg_dashboard_filters_by_enhancement_and_benchmark(built):
    every = _chart(built, "ceg", "ceg-without-cost")
    chosen = _chart(built, "ceg", "ceg-without-cost", enhancement_id="toy-prompting", benchmark_id="")
    assert {r["enhancement_id"] for r in every} == {"toy-prompting", "toy-tuning"}
    assert {r["enhancement_id"] for r in chosen} == {"toy-prompting"}
    assert _chart(built, "ceg", "effective-compute", benchmark_id="no-such-benchmark") == []
    dated = _chart(built, "ceg", "ceg-vs-date")
    # release dates of the enhanced models (models.csv): toy-1b 2023-01-15, toy-1b-tuned 2023-06-01
    assert sorted((r["enhanced_model_id"], r["release_date"]) for r in dated) == [
        ("toy-1b", "2023-01-15"), ("toy-1b-tuned", "2023-06-01"), ("toy-1b-tuned", "2023-06-01")]
    page = _get(built, "/-/dashboards/ceg?enhancement_id=toy-tuning")
    assert page.status_code == 200 and '<option value="toy-tuning" selected>' in page.text


def test_every_point_of_the_charts_carries_ceg_interval_and_evidence(built):
    spec = json.loads((built / "build" / "metadata.json").read_text(encoding="utf-8"))
    dashboards = spec["plugins"]["datasette-dashboards"]
    for dashboard, chart in [("ceg", "ceg-vs-cost"), ("ceg", "ceg-without-cost"), ("ceg", "ceg-vs-scale"),
                             ("ceg", "ceg-vs-date"), ("ceg", "effective-compute"), ("comparison", "points"),
                             ("enhancement", "ceg-vs-compute")]:
        display = dashboards[dashboard]["charts"][chart]["display"]
        tooltips = [layer["encoding"]["tooltip"] for layer in display.get("layer", [display])
                    if "tooltip" in layer.get("encoding", {}) and isinstance(layer["encoding"]["tooltip"], list)
                    and len(layer["encoding"]["tooltip"]) > 1]
        assert tooltips, chart
        for tooltip in tooltips:
            assert {"ceg", "ceg_low", "ceg_high", "evidence"} <= {t["field"] for t in tooltip}, chart
    [equivalent] = [p for p in _chart(built, "comparison", "points", comparison_id="toy-tuning-math")
                    if p["series"] == "equivalent compute C'"]
    assert equivalent["evidence"] == "robust-point" and equivalent["ceg"] == pytest.approx(31.3097)
    tall = dashboards["ceg"]["charts"]["effective-compute"]["display"]["layer"][0]["encoding"]
    assert tall["x"]["axis"]["orient"] == "top" and tall["y"]["axis"]["labelLimit"] == 0
