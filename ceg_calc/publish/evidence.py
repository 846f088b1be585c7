"""What the site shows first and how its cells read: the enhancement summary on the index page
(above the plots, each enhancement linked to its page), a style sheet that puts column
descriptions below the rows, and a Datasette ``render_cell`` hook that marks every ``evidence``
cell by its class and shows a list of score ids as a count linking to those scores.
"""

from __future__ import annotations

import html
import math
from urllib.parse import quote

import pandas as pd
from datasette import hookimpl

from ceg_calc.derive.summary import figure

#: Background of an ``evidence`` cell: robust classes plain or green, the others warn.
EVIDENCE_STYLE = {
    "robust-point": "background:#e5f5e0", "robust-bound": "background:#e5f5e0", "censored-top": "background:#e0ecf8",
    "extrapolated": "background:#fff3cd", "limited": "background:#fde2e2",
    "trivial-bound": "color:#777", "none": "color:#777",
}
EVIDENCE_MARK = {"extrapolated": "⚠ ", "limited": "⛔ ", "censored-top": "▲ "}
#: Columns holding space-separated ``benchmark_scores`` ids: shown as "N scores", linked to them.
SCORE_ID_LISTS = ("baseline_score_ids", "anchor_score_ids")
ROW_PAGE = "row_page"  # a query column holding a row's address on this site (the search query's)
CSS = """/* data first: column descriptions move below the rows of every table page */
body.table section.content { display: flex; flex-direction: column; }
body.table section.content > * { order: 0; }
body.table section.content > dl.column-descriptions { order: 1; border-top: 1px solid #ccc; padding-top: 0.5em; }
body.table section.content > dl.column-descriptions::before { content: "Column descriptions"; font-weight: bold; }
table.enhancement-summary td, table.enhancement-summary th { padding: 2px 6px; text-align: right; }
table.enhancement-summary td:first-child, table.enhancement-summary th:first-child { text-align: left; }
/* table pages: the row link of a compound key stays one short line (the key columns follow it) */
body.table td.type-pk { max-width: 8em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
/* the derived rows read one line each (long cells are truncated; the row page shows them whole) */
body.table-ceg_estimates td { white-space: nowrap; max-width: 16em; overflow: hidden; text-overflow: ellipsis; }
form.ceg-search { margin: 0.5em 0 1em; }
form.ceg-search input[type=search] { width: 22em; }
/* dashboards' tables: headers and numbers stay on one line, long text wraps in a bounded column */
.dashboard-card-chart table { border-collapse: collapse; font-size: 0.85em; }
.dashboard-card-chart th, .dashboard-card-chart td:first-child { white-space: nowrap; text-align: left; }
.dashboard-card-chart td, .dashboard-card-chart th { padding: 2px 6px; border-bottom: 1px solid #eee; max-width: 32em; }
"""


def _number(value, direction: str = "nearest") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return figure(float(value), direction)


def _representative(row) -> str:
    if row.representative_ceg is None or pd.isna(row.representative_ceg):
        return "–"
    at_least = "≥ " if row.bound_cells else ""
    return (f"{at_least}{_number(row.representative_ceg, 'down')} ({_number(row.representative_ceg_low, 'down')}–"
            f"{_number(row.representative_ceg_high, 'up')})")


def _strongest(row) -> str:
    if row.strongest_ceg is None or pd.isna(row.strongest_ceg):
        return "–"
    return (f"{_number(row.strongest_ceg, 'down')} (5th percentile {_number(row.strongest_ceg_low, 'down')}; "
            f"{html.escape(row.strongest_comparison_id)} / {html.escape(row.strongest_enhanced_model_id)})")


def _share(value) -> str:
    return "–" if value is None or pd.isna(value) else f"≥ {figure(100 * float(value), 'down', 2)}%"


def summary_html(summary: pd.DataFrame, headline: dict) -> str:
    """The ``enhancement_summary`` table as HTML for the index page, largest representative CEG first;
    each enhancement links to its page and to its derived rows."""
    from ceg_calc.publish.enhancement import page_url

    rows = summary.sort_values(["representative_ceg", "summary_id"], ascending=[False, True], na_position="last")
    head = ("<tr><th>enhancement</th><th>category</th><th>rows</th><th>cells</th><th>censored cells</th>"
            "<th>representative CEG (90% interval)</th><th>cells &gt; 5×</th><th>cells &gt; 20×</th>"
            "<th>strongest single figure</th></tr>")
    body = "".join(
        f'<tr><td><a href="{html.escape(page_url(r.enhancement_id))}">{html.escape(r.summary_id)}</a> '
        f'(<a href="/ceg/ceg_estimates?enhancement_id={quote(r.enhancement_id, safe="")}">rows</a>)</td>'
        f"<td>{html.escape(r.category)}</td><td>{r.rows}</td>"
        f"<td>{r.cells}</td><td>{r.censored_cells}</td><td>{_representative(r)}</td>"
        f"<td>{_share(r.share_cells_above_5)}</td><td>{_share(r.share_cells_above_20)}</td>"
        f"<td>{_strongest(r)}</td></tr>" for r in rows.itertuples())
    sentence = (f"Of {headline['with_robust_evidence']} enhancements with robust evidence, {headline['above_5']} "
                f"show more than 5× and {headline['above_20']} more than 20× by their representative CEG (the median "
                f"over benchmark × baseline-family cells, each counted once); {headline['censored_cells']} of "
                f"{headline['cells']} cells are censored at the top and count at their floor, so the medians are "
                f"biased low.")
    return (f'<h2 id="enhancement-summary">Enhancement summary</h2><p>{html.escape(sentence)} '
            f'Robust rows only: no extrapolated point counts; a combination of enhancements has its own row. '
            f'Full table: <a href="/ceg/enhancement_summary">enhancement_summary</a>.</p>'
            f'<table class="enhancement-summary">{head}{body}</table>')


@hookimpl
def render_cell(value, column, table):
    """Mark ``evidence`` cells (extrapolated and limited rows stand out on every page), show a list
    of score ids as "N scores" linking to those rows, and link a ``row_page`` address."""
    if column in SCORE_ID_LISTS and isinstance(value, str) and value.strip():
        from markupsafe import Markup

        ids = value.split()
        href = "/ceg/benchmark_scores?score_id__in=" + quote(",".join(ids), safe=",")
        return Markup(f'<a href="{html.escape(href)}" title="{html.escape(value)}">{len(ids)} '
                      f'score{"s" if len(ids) != 1 else ""}</a>')
    if column == ROW_PAGE and isinstance(value, str) and value.startswith("/ceg/"):
        from markupsafe import Markup

        return Markup(f'<a href="{html.escape(quote(value, safe="/~,"))}">open</a>')
    if column != "evidence" or value not in EVIDENCE_STYLE:
        return None
    from markupsafe import Markup

    mark = EVIDENCE_MARK.get(value, "")
    return Markup(f'<span class="evidence evidence-{value}" style="{EVIDENCE_STYLE[value]};padding:0 3px">'
                  f"{mark}{html.escape(value)}</span>")


def register() -> None:
    """Register the ``render_cell`` hook with Datasette's plugin manager (once per process)."""
    import sys

    from datasette.plugins import pm

    module = sys.modules[__name__]
    if not pm.is_registered(module):
        pm.register(module, name="ceg-evidence")
