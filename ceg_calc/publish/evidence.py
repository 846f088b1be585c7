"""What the site shows first and how it marks robustness: the enhancement summary on the index
page (above the plots), a style sheet that puts column descriptions below the rows, and a
Datasette ``render_cell`` hook that marks every ``evidence`` cell by its class.
"""

from __future__ import annotations

import html
import math

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
CSS = """/* data first: column descriptions move below the rows of every table page */
body.table section.content { display: flex; flex-direction: column; }
body.table section.content > * { order: 0; }
body.table section.content > dl.column-descriptions { order: 1; border-top: 1px solid #ccc; padding-top: 0.5em; }
body.table section.content > dl.column-descriptions::before { content: "Column descriptions"; font-weight: bold; }
table.enhancement-summary td, table.enhancement-summary th { padding: 2px 6px; text-align: right; }
table.enhancement-summary td:first-child, table.enhancement-summary th:first-child { text-align: left; }
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
    """The ``enhancement_summary`` table as HTML for the index page, largest representative CEG first."""
    rows = summary.sort_values(["representative_ceg", "summary_id"], ascending=[False, True], na_position="last")
    head = ("<tr><th>enhancement</th><th>category</th><th>rows</th><th>cells</th><th>censored cells</th>"
            "<th>representative CEG (90% interval)</th><th>cells &gt; 5×</th><th>cells &gt; 20×</th>"
            "<th>strongest single figure</th></tr>")
    body = "".join(
        f'<tr><td><a href="/ceg/ceg_estimates?enhancement_id={html.escape(r.enhancement_id)}">'
        f"{html.escape(r.summary_id)}</a></td><td>{html.escape(r.category)}</td><td>{r.rows}</td>"
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
    """Mark ``evidence`` cells: extrapolated and limited rows stand out on every page."""
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
