"""Interactive charts of the package, drawn in the browser from SQL by the Datasette plugin
`datasette-dashboards <https://github.com/rclement/datasette-dashboards>`_ (Vega-Lite; the
plugin ships vega, vega-lite and vega-embed, so nothing is fetched from a CDN).

Nothing is drawn at build time: a chart is a SQL query plus a Vega-Lite specification in the
Datasette metadata, so ``ceg build`` costs the same for 100 or 10,000 comparisons. Every point
carries a label and its values (tooltip on hover, ``aria-label`` in the SVG) and links to the
row it was drawn from (``href``: the SVG renderer wraps the mark in ``<a>``).

Dashboards (``/-/dashboards/<slug>``):

- ``ceg``: CEG against fine-tuning cost (fraction of pre-training) where a cost is stated, CEG
  of the rows whose cost is not stated (shown apart, as unknown), CEG against scale for the
  comparisons of ``ceg_scale``, and each enhanced model's own and effective compute (compute ×
  CEG) against the EU AI Act (1e25 FLOP) and US EO 14110 (1e26 FLOP) thresholds. The summary
  charts show robust rows only (``evidence`` robust-point or robust-bound); the scale chart adds
  extrapolated points, drawn as triangles;
- ``comparison?comparison_id=<id>``: one comparison: the baseline scores against training
  compute, the enhanced scores, and the equivalent compute C' of each enhanced model.

:func:`render_cell` is a Datasette hook: every ``comparison_id`` cell links to its row and to its
chart.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from datasette import hookimpl

from ceg_calc.derive.names import EU_AI_ACT_FLOP, US_EO_14110_FLOP

DB = "ceg"
CATEGORY_COLOURS = {"tool-use": "#1b9e77", "prompting": "#d95f02", "scaffolding": "#7570b3",
                    "solution-choice": "#e7298a", "data": "#66a61e"}
COMPARISON_CHART = "/-/dashboards/comparison?comparison_id="
# Datasette's tilde encoding of the two characters of our identifiers ([a-z0-9._+-]) it escapes
ROW_PATH = "'/{db}/{table}/' || replace(replace({column}, '.', '~2E'), '+', '~2B')"
EMBED = {"renderer": "svg", "actions": False}


def _row_url(table: str, *columns: str) -> str:
    """SQL for the Datasette row URL of ``table`` keyed by ``columns``."""
    parts = [ROW_PATH.format(db=DB, table=table, column=columns[0])]
    parts += [f"replace(replace({c}, '.', '~2E'), '+', '~2B')" for c in columns[1:]]
    return " || ',' || ".join(parts)


ESTIMATE_COLUMNS = (f"comparison_id, enhanced_model_id, evidence, enhancement_id, category, benchmark_id, ceg, ceg_low, "
                    f"ceg_high, finetune_fraction, {_row_url('ceg_estimates', 'comparison_id', 'enhanced_model_id')}"
                    " AS href")
ROBUST_EVIDENCE = ("robust-point", "robust-bound")  # the evidence classes the summary charts show
SHOWN = f"ceg > 0 AND evidence IN {ROBUST_EVIDENCE!r}"
# the enhancement and benchmark selectors of the ``ceg`` dashboard; datasette-dashboards drops a
# [[ ... ]] block whose parameter is empty, so an empty selector shows every row
SELECTED = "[[ AND enhancement_id = :enhancement_id ]] [[ AND benchmark_id = :benchmark_id ]]"


def _colour():
    return {"field": "category", "type": "nominal", "title": "category",
            "scale": {"domain": list(CATEGORY_COLOURS), "range": list(CATEGORY_COLOURS.values())}}


def _tooltip(*fields: tuple[str, str, str]) -> list[dict]:
    out = []
    for field, kind, title in fields:
        entry = {"field": field, "type": kind, "title": title}
        if kind == "quantitative":
            entry["format"] = ".3~g"
        out.append(entry)
    return out


ESTIMATE_TOOLTIP = _tooltip(("comparison_id", "nominal", "comparison"), ("enhanced_model_id", "nominal", "model"),
                            ("evidence", "nominal", "evidence"),
                            ("enhancement_id", "nominal", "enhancement"), ("benchmark_id", "nominal", "benchmark"),
                            ("ceg", "quantitative", "CEG"), ("ceg_low", "quantitative", "CEG 5%"),
                            ("ceg_high", "quantitative", "CEG 95%"),
                            ("finetune_fraction", "quantitative", "fine-tuning / pre-training compute"))
LOG_CEG = {"field": "ceg", "type": "quantitative", "scale": {"type": "log"}, "title": "compute-equivalent gain (ratio)"}


def ceg_vs_cost() -> dict:
    """CEG against stated fine-tuning cost, with the 5-95% interval."""
    x = {"field": "finetune_fraction", "type": "quantitative", "scale": {"type": "log"},
         "title": "fine-tuning compute / pre-training compute"}
    return {"title": "CEG against fine-tuning cost (robust rows with a stated cost)", "db": DB,
            "library": "vega-lite",
            "query": f"SELECT {ESTIMATE_COLUMNS} FROM ceg_estimates WHERE {SHOWN} AND finetune_fraction IS NOT NULL "
                     f"{SELECTED} "
                     "ORDER BY comparison_id, enhanced_model_id",
            "display": {"usermeta": {"embedOptions": EMBED}, "layer": [
                {"mark": {"type": "rule", "opacity": 0.5},
                 "encoding": {"x": x, "y": {**LOG_CEG, "field": "ceg_low"}, "y2": {"field": "ceg_high"},
                              "color": _colour()}},
                {"mark": {"type": "point", "filled": True, "size": 50},
                 "encoding": {"x": x, "y": LOG_CEG, "color": _colour(), "tooltip": ESTIMATE_TOOLTIP,
                              "href": {"field": "href"}}}]}}


def ceg_without_cost() -> dict:
    """CEG of the rows whose fine-tuning cost is not stated: on their own axis, not at an invented cost."""
    return {"title": "CEG where no fine-tuning cost is stated (robust rows; cost unknown)", "db": DB,
            "library": "vega-lite",
            "query": f"SELECT {ESTIMATE_COLUMNS} FROM ceg_estimates WHERE {SHOWN} AND finetune_fraction IS NULL "
                     f"{SELECTED} "
                     "ORDER BY comparison_id, enhanced_model_id",
            "display": {"usermeta": {"embedOptions": EMBED}, "mark": {"type": "point", "filled": True, "size": 50},
                        "encoding": {"x": LOG_CEG, "y": {"field": "category", "type": "nominal",
                                                         "title": "category (fine-tuning cost unknown)"},
                                     "color": _colour(), "tooltip": ESTIMATE_TOOLTIP, "href": {"field": "href"}}}}


def effective_compute() -> dict:
    """Each enhanced model's own and effective compute against the legal thresholds."""
    x = {"field": "flop", "type": "quantitative", "scale": {"type": "log"}, "title": "training compute (FLOP)"}
    x_top = {**x, "axis": {"orient": "top"}}
    label = {"field": "label", "type": "nominal", "title": None, "sort": {"field": "effective_flop", "op": "min"},
             "axis": {"labelLimit": 0, "labelFontSize": 10}}
    # one row per estimate (the row limit counts estimates); Vega-Lite folds it into two points
    query = (f"SELECT comparison_id || ' / ' || enhanced_model_id AS label, comparison_id, enhanced_model_id, "
             f"category, evidence, ceg, ceg_low, ceg_high, enhanced_compute_flop AS own_flop, "
             f"effective_compute_flop AS effective_flop, "
             f"{_row_url('ceg_estimates', 'comparison_id', 'enhanced_model_id')} AS href FROM ceg_estimates "
             f"WHERE effective_compute_flop IS NOT NULL AND evidence IN {ROBUST_EVIDENCE!r} {SELECTED} "
             "ORDER BY effective_compute_flop, label")
    fold = [{"fold": ["own_flop", "effective_flop"], "as": ["quantity", "flop"]},
            {"calculate": "datum.quantity === 'own_flop' ? 'own training compute' : 'effective compute (x CEG)'",
             "as": "quantity"}]
    tooltip = _tooltip(("comparison_id", "nominal", "comparison"), ("enhanced_model_id", "nominal", "model"),
                       ("evidence", "nominal", "evidence"), ("quantity", "nominal", "quantity"),
                       ("flop", "quantitative", "FLOP"),
                       ("ceg", "quantitative", "CEG"), ("ceg_low", "quantitative", "CEG 5%"),
                       ("ceg_high", "quantitative", "CEG 95%"))
    thresholds = [{"flop": EU_AI_ACT_FLOP, "threshold": "EU AI Act art. 51(2): 1e25 FLOP", "short": "EU 1e25"},
                  {"flop": US_EO_14110_FLOP, "threshold": "US EO 14110: 1e26 FLOP", "short": "US 1e26"}]
    return {"title": "Effective compute (central CEG) against the 1e25 and 1e26 FLOP thresholds (robust rows)", "db": DB,
            "library": "vega-lite", "query": query,
            "display": {"usermeta": {"embedOptions": EMBED}, "height": {"step": 12}, "layer": [
                {"transform": fold, "mark": {"type": "line", "color": "#999999", "point": False},
                 "encoding": {"x": x_top, "y": label, "detail": {"field": "label"}}},
                {"transform": fold, "mark": {"type": "point", "filled": True},
                 "encoding": {"x": x_top, "y": label, "shape": {"field": "quantity", "type": "nominal", "title": None},
                              "color": _colour(), "tooltip": tooltip, "href": {"field": "href"}}},
                {"data": {"values": thresholds}, "mark": {"type": "rule", "strokeDash": [4, 3]},
                 "encoding": {"x": {"field": "flop", "type": "quantitative", "axis": {"orient": "top"}},
                              "tooltip": [{"field": "threshold", "type": "nominal"}]}},
                {"data": {"values": thresholds},
                 "mark": {"type": "text", "dy": 4, "dx": 4, "align": "left", "baseline": "top", "fontWeight": "bold"},
                 "encoding": {"x": {"field": "flop", "type": "quantitative", "axis": {"orient": "top"}},
                              "y": {"value": 0},
                              "text": {"field": "short"}}}]}}


def comparison_points() -> dict:
    """One comparison: baseline curve, enhanced scores and their equivalent compute C'."""
    score_url = _row_url("benchmark_scores", "s.score_id")
    query = (
        f"SELECT 'baseline' AS series, s.model_id AS model, s.score_id AS row_id, c.training_compute_flop AS flop, "
        f"s.score, {score_url} AS href, NULL AS ceg, NULL AS ceg_low, NULL AS ceg_high, NULL AS evidence "
        "FROM ceg_estimates e JOIN benchmark_scores s "
        "ON instr(' ' || e.baseline_score_ids || ' ', ' ' || s.score_id || ' ') > 0 "
        "JOIN compute_estimates c ON c.model_id = s.model_id AND c.preferred = 1 "
        "WHERE e.comparison_id = :comparison_id "
        f"UNION SELECT 'enhanced', s.model_id, s.score_id, e.enhanced_compute_flop, s.score, {score_url}, "
        "e.ceg, e.ceg_low, e.ceg_high, e.evidence "
        "FROM ceg_estimates e JOIN benchmark_scores s ON s.score_id = e.enhanced_score_id "
        "WHERE e.comparison_id = :comparison_id AND e.enhanced_compute_flop IS NOT NULL "
        "UNION SELECT 'equivalent compute C''', e.enhanced_model_id, e.comparison_id || ',' || e.enhanced_model_id, "
        f"e.equivalent_compute_flop, e.enhanced_score, "
        f"{_row_url('ceg_estimates', 'e.comparison_id', 'e.enhanced_model_id')}, e.ceg, e.ceg_low, e.ceg_high, "
        "e.evidence FROM ceg_estimates e WHERE e.comparison_id = :comparison_id AND e.equivalent_compute_flop IS NOT NULL "
        "ORDER BY 1, 4")
    x = {"field": "flop", "type": "quantitative", "scale": {"type": "log"}, "title": "training compute (FLOP)"}
    y = {"field": "score", "type": "quantitative", "title": "score", "scale": {"zero": False}}
    domain = ["baseline", "enhanced", "equivalent compute C'"]
    series = {"field": "series", "type": "nominal", "title": None,
              "scale": {"domain": domain, "range": ["#444444", "#d95f02", "#7570b3"]}}
    shape = {"field": "series", "type": "nominal", "title": None,
             "scale": {"domain": domain, "range": ["circle", "square", "diamond"]}}
    tooltip = _tooltip(("series", "nominal", "series"), ("model", "nominal", "model"), ("row_id", "nominal", "row"),
                       ("flop", "quantitative", "FLOP"), ("score", "quantitative", "score"),
                       ("evidence", "nominal", "evidence"), ("ceg", "quantitative", "CEG"),
                       ("ceg_low", "quantitative", "CEG 5%"), ("ceg_high", "quantitative", "CEG 95%"))
    return {"title": "Scores against training compute", "db": DB, "library": "vega-lite", "query": query,
            "display": {"usermeta": {"embedOptions": EMBED}, "height": 320, "layer": [
                {"transform": [{"filter": "datum.series === 'baseline'"}],
                 "mark": {"type": "line", "color": "#444444", "point": False},
                 "encoding": {"x": x, "y": y}},
                {"mark": {"type": "point", "filled": True, "size": 70},
                 "encoding": {"x": x, "y": y, "color": series, "shape": shape, "tooltip": tooltip,
                              "href": {"field": "href"}}}]}}


def ceg_vs_scale() -> dict:
    """CEG against the enhanced model's training compute for the comparisons of ``ceg_scale``
    (at least three sizes of one family on one benchmark): do gains shrink or grow with scale?
    Each comparison's fitted slope of log10 CEG on log10 compute is in the tooltip."""
    query = (f"SELECT e.comparison_id, e.enhanced_model_id, e.evidence, e.enhancement_id, e.benchmark_id, "
             f"e.category, e.ceg, e.ceg_low, e.ceg_high, e.enhanced_compute_flop, s.slope, s.slope_low, s.slope_high, s.trend, "
             f"{_row_url('ceg_estimates', 'e.comparison_id', 'e.enhanced_model_id')} AS href "
             "FROM ceg_scale s JOIN ceg_estimates e ON e.comparison_id = s.comparison_id "
             "WHERE e.ceg > 0 AND e.evidence IN ('robust-point', 'extrapolated') "
             f"{SELECTED.replace('AND ', 'AND e.')} ORDER BY e.comparison_id, e.enhanced_compute_flop")
    x = {"field": "enhanced_compute_flop", "type": "quantitative", "scale": {"type": "log"},
         "title": "enhanced model's training compute (FLOP)"}
    tooltip = _tooltip(("comparison_id", "nominal", "comparison"), ("enhanced_model_id", "nominal", "model"),
                       ("evidence", "nominal", "evidence"), ("benchmark_id", "nominal", "benchmark"),
                       ("ceg", "quantitative", "CEG"), ("ceg_low", "quantitative", "CEG 5%"),
                       ("ceg_high", "quantitative", "CEG 95%"),
                       ("enhanced_compute_flop", "quantitative", "FLOP"), ("slope", "quantitative", "slope"),
                       ("slope_low", "quantitative", "slope 5%"), ("slope_high", "quantitative", "slope 95%"),
                       ("trend", "nominal", "trend"))
    filled = {"field": "evidence", "type": "nominal", "title": "evidence",
              "scale": {"domain": ["robust-point", "extrapolated"], "range": ["circle", "triangle-up"]}}
    return {"title": "CEG against scale (comparisons with three or more sizes of one family)", "db": DB,
            "library": "vega-lite", "query": query,
            "display": {"usermeta": {"embedOptions": EMBED}, "height": 320, "layer": [
                {"mark": {"type": "line", "opacity": 0.4, "point": False},
                 "encoding": {"x": x, "y": LOG_CEG, "detail": {"field": "comparison_id"}, "color": _colour()}},
                {"mark": {"type": "point", "filled": True, "size": 50},
                 "encoding": {"x": x, "y": LOG_CEG, "color": _colour(), "shape": filled, "tooltip": tooltip,
                              "href": {"field": "href"}}}]}}


def ceg_vs_release_date() -> dict:
    """CEG of the robust rows against the enhanced model's release date (``models.release_date``):
    how fast do gains arrive?"""
    query = (f"SELECT e.comparison_id, e.enhanced_model_id, e.evidence, e.enhancement_id, e.benchmark_id, e.category, "
             f"e.ceg, e.ceg_low, e.ceg_high, m.release_date, "
             f"{_row_url('ceg_estimates', 'e.comparison_id', 'e.enhanced_model_id')} AS href "
             "FROM ceg_estimates e JOIN models m ON m.model_id = e.enhanced_model_id "
             f"WHERE e.ceg > 0 AND e.evidence IN {ROBUST_EVIDENCE!r} AND m.release_date IS NOT NULL "
             f"{SELECTED.replace('AND ', 'AND e.')} ORDER BY m.release_date, e.comparison_id")
    x = {"field": "release_date", "type": "temporal", "title": "enhanced model's release date"}
    tooltip = _tooltip(("comparison_id", "nominal", "comparison"), ("enhanced_model_id", "nominal", "model"),
                       ("release_date", "nominal", "released"), ("evidence", "nominal", "evidence"),
                       ("benchmark_id", "nominal", "benchmark"), ("ceg", "quantitative", "CEG"),
                       ("ceg_low", "quantitative", "CEG 5%"), ("ceg_high", "quantitative", "CEG 95%"))
    return {"title": "CEG against the enhanced model's release date (robust rows)", "db": DB, "library": "vega-lite",
            "query": query,
            "display": {"usermeta": {"embedOptions": EMBED}, "height": 320, "layer": [
                {"mark": {"type": "rule", "opacity": 0.4},
                 "encoding": {"x": x, "y": {**LOG_CEG, "field": "ceg_low"}, "y2": {"field": "ceg_high"},
                              "color": _colour()}},
                {"mark": {"type": "point", "filled": True, "size": 50},
                 "encoding": {"x": x, "y": LOG_CEG, "color": _colour(), "tooltip": tooltip,
                              "href": {"field": "href"}}}]}}


def comparison_rows() -> dict:
    """The derived rows of one comparison, beside its chart."""
    from ceg_calc.publish.enhancement import number, text

    columns = ", ".join([*(f"{text(c)} AS {c}" for c in ("enhanced_model_id", "evidence", "status", "method")),
                         *(f"{number(c)} AS {c}" for c in ("ceg", "ceg_low", "ceg_high")), f"{text('reason')} AS reason"])
    return {"title": "Derived rows", "db": DB, "library": "table",  # the renderer writes cells as HTML: escaped
            "query": f"SELECT {columns} FROM ceg_estimates WHERE comparison_id = :comparison_id "
                     "ORDER BY enhanced_model_id"}


def dashboards(default_comparison: str | None, summary_columns=(), default_enhancement: str | None = None) -> dict:
    """The ``datasette-dashboards`` plugin configuration; ``summary_columns`` are the field names of
    ``enhancement_summary`` (the enhancement page reads its headline from them)."""
    from ceg_calc.publish.enhancement import dashboard as enhancement_page

    comparison_filter = {"name": "Comparison", "type": "select", "db": DB,
                         "query": "SELECT comparison_id FROM comparisons ORDER BY comparison_id"}
    if default_comparison:
        comparison_filter["default"] = default_comparison
    selectors = {"enhancement_id": {"name": "Enhancement (empty: all)", "type": "select", "db": DB,
                                    "query": "SELECT DISTINCT enhancement_id FROM ceg_estimates ORDER BY 1"},
                 "benchmark_id": {"name": "Benchmark (empty: all)", "type": "select", "db": DB,
                                  "query": "SELECT DISTINCT benchmark_id FROM ceg_estimates "
                                           "[[ WHERE enhancement_id = :enhancement_id ]] ORDER BY 1"}}
    return {
        "ceg": {"title": "Compute-equivalent gains",
                "description": "Choose an enhancement or a benchmark to narrow every chart. Hover a point for its "
                               "CEG, interval and evidence; click it to open its row.",
                "layout": [["ceg-vs-cost", "ceg-without-cost"], ["ceg-vs-scale", "ceg-vs-date"],
                           ["effective-compute", "effective-compute"]],
                "filters": selectors,
                "charts": {"ceg-vs-cost": ceg_vs_cost(), "ceg-without-cost": ceg_without_cost(),
                           "ceg-vs-scale": ceg_vs_scale(), "ceg-vs-date": ceg_vs_release_date(),
                           "effective-compute": effective_compute()}},
        "comparison": {"title": "One comparison",
                       "description": "Baseline scores against training compute, the enhanced scores, and the "
                                      "equivalent compute C' read off the baseline. Hover a point for its values; "
                                      "click it to open its row.",
                       "layout": [["points"], ["rows"]],
                       "filters": {"comparison_id": comparison_filter},
                       "charts": {"points": comparison_points(), "rows": comparison_rows()}},
        "enhancement": enhancement_page(summary_columns, default_enhancement),
    }


@hookimpl
def render_cell(value, column, table, database, row):
    """A ``comparison_id`` cell (of a table, view or query) links to the comparison's row and to its
    chart, an ``enhancement_id`` cell to the enhancement's row and to its page. Datasette shows the
    primary key of ``comparisons`` and ``enhancements`` itself as the link to the row, whose page
    then carries the chart or page link; on the ``enhancements`` table the name links to the page."""
    if isinstance(value, dict):  # a foreign key Datasette expanded: {"value": ..., "label": ...}
        value = value.get("value")
    if table == "enhancements" and column == "name" and database == DB and isinstance(value, str):
        from markupsafe import Markup

        from ceg_calc.publish.enhancement import page_url

        key = row["enhancement_id"] if row is not None and "enhancement_id" in row.keys() else None
        if isinstance(key, str):
            return Markup(f'<a href="{html.escape(page_url(key))}">{html.escape(value)}</a>')
    if column not in ("comparison_id", "enhancement_id") or database != DB or not isinstance(value, str):
        return None
    from markupsafe import Markup
    from datasette.utils import tilde_encode

    from ceg_calc.publish.enhancement import page_url

    text = html.escape(value)
    if column == "enhancement_id":
        return Markup(f'<a href="/{DB}/enhancements/{tilde_encode(value)}">{text}</a> '
                      f'(<a href="{html.escape(page_url(value))}">page</a>)')
    return Markup(f'<a href="/{DB}/comparisons/{tilde_encode(value)}">{text}</a> '
                  f'(<a href="{COMPARISON_CHART}{quote(value, safe="")}">chart</a>)')
