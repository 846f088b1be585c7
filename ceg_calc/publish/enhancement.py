"""One page per enhancement (``/-/dashboards/enhancement?enhancement_id=<id>``), the answer to
"what does enhancement X give, how sure is it, what does it cost?" without SQL.

The page is a ``datasette-dashboards`` dashboard with an ``enhancement_id`` filter, so it is
drawn in the browser from SQL like the other charts. Every query of the page is written here:

- ``headline``: the enhancement's headline figure from ``enhancement_summary``, with its interval
  and number of cells. The columns are chosen by name from the table's schema (the first present
  of :data:`HEADLINE_COLUMNS`), so a new summary method that renames or adds headline columns
  changes what the page reads here and nowhere else; the column header says which column it is;
- ``summary``: every column of that ``enhancement_summary`` row, as column / value pairs;
- ``evidence``: the derived rows by evidence class;
- ``ceg-vs-compute``: CEG (with its 5-95% interval) of the robust rows against the enhanced
  model's training compute, every point with its CEG, interval and evidence, linked to its row;
- ``costs``: the enhancement's stated costs (``costs``);
- ``stated``: the CEGs stated in the literature (``published_estimates``) beside the derived rows
  paired with them;
- ``strongest``: the robust rows with the largest 5th percentile, with the scores they rest on
  and the row's ``reason`` (why it counts).
"""

from __future__ import annotations

from urllib.parse import quote

DB = "ceg"
PAGE = "/-/dashboards/enhancement?enhancement_id="
ROBUST = "('robust-point', 'robust-bound')"
STRONGEST_ROWS = 10

#: What the headline shows, each from the first of its candidate ``enhancement_summary`` columns
#: the schema has (a method's own name first, the method-3 columns last).
HEADLINE_COLUMNS = {
    "figure": ("headline_ceg", "representative_ceg", "cell_median_ceg", "median_cell_ceg", "median_ceg"),
    "low": ("headline_ceg_low", "representative_ceg_low", "cell_median_ceg_low", "median_cell_ceg_low", "ceg_q1"),
    "high": ("headline_ceg_high", "representative_ceg_high", "cell_median_ceg_high", "median_cell_ceg_high",
             "ceg_q3"),
    "cells": ("cells", "headline_cells", "robust_cells", "n_cells", "robust_points"),
    "strongest": ("strongest_ceg", "strongest_robust_ceg", "largest_lower_bound"),
}


def page_url(enhancement_id: str) -> str:
    """The address of an enhancement's page."""
    return PAGE + quote(enhancement_id, safe="")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _num(expression: str) -> str:
    """SQL showing a CEG with about three significant digits (``printf`` is refused by the guard)."""
    return (f"CASE WHEN {expression} IS NULL THEN NULL WHEN abs({expression}) >= 100 THEN round({expression}) "
            f"WHEN abs({expression}) >= 10 THEN round({expression}, 1) WHEN abs({expression}) >= 1 "
            f"THEN round({expression}, 2) ELSE round({expression}, 3) END")


def text(expression: str) -> str:
    """SQL giving ``expression`` as HTML text ('' for NULL): the dashboards' table renderer writes
    each value with ``innerHTML``, so ``&``, ``<`` and ``>`` in a cell are escaped here."""
    return (f"coalesce(replace(replace(replace(CAST({expression} AS TEXT), '&', '&amp;'), '<', '&lt;'), '>', "
            f"'&gt;'), '')")


def number(expression: str) -> str:
    return text(_num(expression))


def _tilde(expression: str) -> str:
    """Datasette's tilde encoding of the two characters of identifiers ([a-z0-9._+-]) it escapes."""
    return f"replace(replace({expression}, '.', '~2E'), '+', '~2B')"


def link(href: str, label: str) -> str:
    """SQL for ``<a href="{href}">{label}</a>``; ``href`` must be SQL of URL-safe text."""
    return f"'<a href=\"' || {href} || '\">' || {text(label)} || '</a>'"


def _or_none(query: str, columns: int, message: str, rows: str | None = None) -> str:
    """``query``, or one row saying ``message`` when it has none (the renderer needs a row);
    ``rows``, when given, is a cheaper query with the same rows."""
    blanks = "".join(", ''" for _ in range(columns - 1))
    return f"SELECT * FROM ({query}) UNION ALL SELECT '{message}'{blanks} WHERE NOT EXISTS ({rows or query})"


def headline_columns(columns) -> dict[str, str]:
    """``{role: column}`` for the roles of :data:`HEADLINE_COLUMNS` that ``columns`` (the
    ``enhancement_summary`` field names) can fill."""
    present = set(columns)
    chosen = {}
    for role, candidates in HEADLINE_COLUMNS.items():
        found = next((c for c in candidates if c in present), None)
        if found:
            chosen[role] = found
    return chosen


def headline_query(columns) -> str:
    chosen = headline_columns(columns)
    parts = [f"{text('enhancement_id')} AS enhancement"]
    if "category" in set(columns):
        parts.append(f"{text('category')} AS category")
    if "figure" in chosen:
        parts.append(f"{number(_quote(chosen['figure']))} AS {_quote('headline CEG (' + chosen['figure'] + ')')}")
    if "low" in chosen and "high" in chosen:
        low, high = _num(_quote(chosen["low"])), _num(_quote(chosen["high"]))
        parts.append(f"CASE WHEN {_quote(chosen['low'])} IS NULL THEN '' ELSE {low} || ' – ' || {high} END AS "
                     f"{_quote('interval (' + chosen['low'] + ' – ' + chosen['high'] + ')')}")
    if "cells" in chosen:
        parts.append(f"{text(_quote(chosen['cells']))} AS {_quote('cells (' + chosen['cells'] + ')')}")
    if "strongest" in chosen:
        parts.append(f"{number(_quote(chosen['strongest']))} AS {_quote('strongest (' + chosen['strongest'] + ')')}")
    return (f"SELECT {', '.join(parts)} FROM enhancement_summary WHERE summary_id = :enhancement_id")


def summary_query(columns) -> str:
    """Every column of the enhancement's summary row as (column, value) pairs, in schema order."""
    rows = [f"SELECT {i} AS n, '{c}' AS column_name, {text(_quote(c))} AS value "
            "FROM enhancement_summary WHERE summary_id = :enhancement_id"
            for i, c in enumerate(columns) if c not in ("summary_id", "enhancement_id") and "'" not in c]
    return "SELECT column_name AS \"column\", value FROM (" + " UNION ALL ".join(rows) + ") ORDER BY n"


EVIDENCE_QUERY = ("SELECT evidence, count(*) AS rows, count(DISTINCT comparison_id) AS comparisons, "
                  "count(DISTINCT benchmark_id) AS benchmarks FROM ceg_estimates "
                  "WHERE enhancement_id = :enhancement_id GROUP BY evidence ORDER BY min(evidence_order)")

ROW_HREF = f"'/ceg/ceg_estimates/' || {_tilde('comparison_id')} || ',' || {_tilde('enhanced_model_id')}"

CHART_QUERY = (f"SELECT comparison_id, enhanced_model_id, benchmark_id, evidence, ceg, ceg_low, ceg_high, "
               f"enhanced_compute_flop, {ROW_HREF} AS href FROM ceg_estimates "
               f"WHERE enhancement_id = :enhancement_id AND ceg > 0 AND enhanced_compute_flop IS NOT NULL "
               f"AND evidence IN {ROBUST} ORDER BY evidence_order, comparison_id")

COST_HREF = "'/ceg/costs/' || " + _tilde("cost_id")
COSTS_QUERY = _or_none(
    f"SELECT {link(COST_HREF, 'cost_id')} AS cost, "
    f"{text('model_id')} AS model, {text('quantity')} AS quantity, {text('value')} AS value, "
    f"{text('unit')} AS unit, {text('form')} AS form, {text('source_id')} AS source, {text('locator')} AS locator "
    "FROM costs WHERE enhancement_id = :enhancement_id ORDER BY quantity, cost_id", 8,
    "no cost stated for this enhancement")

STATED_QUERY = _or_none(
    f"SELECT {text('p.published_id')} AS stated, {text('p.scope')} AS scope, {text('p.form')} AS form, "
    f"{number('p.ceg')} AS stated_ceg, {number('p.ceg_high')} AS stated_ceg_high, "
    f"count(e.comparison_id) AS derived_rows, coalesce(sum(e.evidence IN {ROBUST}), 0) AS robust_rows, "
    f"{number('min(e.ceg)')} AS derived_min, {number('max(e.ceg)')} AS derived_max, "
    f"{text('p.source_id')} AS source, {text('p.locator')} AS locator "
    "FROM published_estimates p LEFT JOIN ceg_estimates e ON e.published_id = p.published_id "
    "WHERE p.enhancement_id = :enhancement_id GROUP BY p.published_id ORDER BY p.published_id", 11,
    "no CEG stated in the literature for this enhancement")

# the baseline scores a row rests on (its anchors), as "model: score; ..."
ANCHOR_SCORES = ("(SELECT group_concat(s.model_id || ': ' || s.score, '; ') FROM benchmark_scores s "
                 "WHERE s.benchmark_id = e.benchmark_id "
                 "AND instr(' ' || e.anchor_score_ids || ' ', ' ' || s.score_id || ' ') > 0)")
E_ROW_HREF = f"'/ceg/ceg_estimates/' || {_tilde('e.comparison_id')} || ',' || {_tilde('e.enhanced_model_id')}"

STRONGEST = (f"SELECT * FROM ceg_estimates WHERE enhancement_id = :enhancement_id AND evidence IN {ROBUST} "
             f"ORDER BY ceg_low DESC, ceg DESC LIMIT {STRONGEST_ROWS}")
# the scores are looked up for the chosen rows only (a subquery per row of the enhancement is too slow)
STRONGEST_QUERY = _or_none(
    f"SELECT {link(E_ROW_HREF, 'e.comparison_id')}"
    f" AS comparison, {text('e.enhanced_model_id')} AS model, {text('e.benchmark_id')} AS benchmark, "
    f"{text('e.evidence')} AS evidence, {number('e.ceg')} AS ceg, {number('e.ceg_low')} AS ceg_low, "
    f"{number('e.ceg_high')} AS ceg_high, {text('e.enhanced_score')} AS enhanced_score, "
    f"{text(ANCHOR_SCORES)} AS anchor_scores, {text('e.reason')} AS reason FROM ({STRONGEST}) e "
    "ORDER BY e.ceg_low DESC, e.ceg DESC", 10, "no robust row: see the evidence counts and the chart", STRONGEST)


def _chart() -> dict:
    x = {"field": "enhanced_compute_flop", "type": "quantitative", "scale": {"type": "log"},
         "title": "enhanced model's training compute (FLOP)"}
    y = {"field": "ceg", "type": "quantitative", "scale": {"type": "log"}, "title": "compute-equivalent gain (ratio)"}
    classes = ["robust-point", "robust-bound"]
    evidence = {"field": "evidence", "type": "nominal", "title": "evidence",
                "scale": {"domain": classes, "range": ["#1b9e77", "#d95f02"]}}
    shape = {**evidence, "scale": {"domain": classes, "range": ["circle", "triangle-up"]}}
    tooltip = [{"field": f, "type": "nominal", "title": t} for f, t in
               (("comparison_id", "comparison"), ("enhanced_model_id", "model"), ("benchmark_id", "benchmark"),
                ("evidence", "evidence"))]
    tooltip += [{"field": f, "type": "quantitative", "title": t, "format": ".3~g"} for f, t in
                (("ceg", "CEG"), ("ceg_low", "CEG 5%"), ("ceg_high", "CEG 95%"), ("enhanced_compute_flop", "FLOP"))]
    return {"title": "CEG against training compute (robust rows, 5-95% interval; a bound is a lower end)", "db": DB,
            "library": "vega-lite", "query": CHART_QUERY,
            "display": {"usermeta": {"embedOptions": {"renderer": "svg", "actions": False}}, "height": 300,
                        "layer": [
                            {"mark": {"type": "rule", "opacity": 0.5},
                             "encoding": {"x": x, "y": {**y, "field": "ceg_low"}, "y2": {"field": "ceg_high"},
                                          "color": evidence}},
                            {"mark": {"type": "point", "filled": True, "size": 60},
                             "encoding": {"x": x, "y": y, "color": evidence, "shape": shape, "tooltip": tooltip,
                                          "href": {"field": "href"}}}]}}


def _table(title: str, query: str) -> dict:
    return {"title": title, "db": DB, "library": "table", "query": query}


def dashboard(summary_columns, default: str | None) -> dict:
    """The enhancement page's ``datasette-dashboards`` configuration; ``summary_columns`` are the
    field names of ``enhancement_summary``, ``default`` the enhancement it opens on."""
    columns = list(summary_columns)
    selector = {"name": "Enhancement", "type": "select", "db": DB,
                "query": "SELECT enhancement_id FROM enhancements ORDER BY enhancement_id"}
    if default:
        selector["default"] = default
    return {"title": "One enhancement",
            "description": "What an enhancement gives, how sure it is and what it costs: its headline figure, the "
                           "evidence behind it, its chart, its costs, the stated estimates beside the derived ones, "
                           "and its strongest rows with why they count. Hover a point for its values; click it to "
                           "open its row.",
            "layout": [["headline", "headline"], ["evidence", "ceg-vs-compute"], ["costs", "stated"],
                       ["strongest", "strongest"], ["summary", "summary"]],
            "filters": {"enhancement_id": selector},
            "charts": {"headline": _table("Headline figure", headline_query(columns)),
                       "evidence": _table("Evidence counts (derived rows by class)", EVIDENCE_QUERY),
                       "ceg-vs-compute": _chart(),
                       "costs": _table("Costs (stated fine-tuning compute and inference cost)", COSTS_QUERY),
                       "stated": _table("Stated estimates beside the derived rows paired with them", STATED_QUERY),
                       "strongest": _table(f"Strongest robust rows (largest 5th percentile; at most {STRONGEST_ROWS})",
                                           STRONGEST_QUERY),
                       "summary": _table("The whole enhancement_summary row", summary_query(columns))}}
