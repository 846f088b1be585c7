"""``finetune_share_summary``: is fine-tuning typically below 1% of pre-training?

From the ``counted`` rows of ``cumulative_compute`` (one first-hand point or approximate share per
model): the median share with its quartiles (linear interpolation), the smallest and largest, and
the share of models under :data:`UNDER` -- over all models, per enhancement and per release year
(every year of :data:`YEARS` gets a row, empty when no model of that year has a share).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

UNDER = 0.01
YEARS = range(2022, 2027)
COLUMNS = ["grouping", "group", "models", "from_database", "median_share", "share_q1", "share_q3", "share_min",
           "share_max", "share_under_1pct"]


def share_row(grouping: str, group: str, shares, from_database) -> dict:
    """One summary row of the fine-tuning ``shares`` [fraction] (``from_database``: booleans alike)."""
    shares = np.asarray(shares, dtype=float)
    out = {"grouping": grouping, "group": group, "models": int(shares.size),
           "from_database": int(np.asarray(from_database, dtype=bool).sum())}
    if shares.size:
        q1, median, q3 = np.quantile(shares, [0.25, 0.5, 0.75])
        out.update(median_share=float(median), share_q1=float(q1), share_q3=float(q3),
                   share_min=float(shares.min()), share_max=float(shares.max()),
                   share_under_1pct=float((shares < UNDER).mean()))
    return out


def finetune_share_summary(cumulative: pd.DataFrame) -> pd.DataFrame:
    """Rows ``all``, then one per enhancement (by id), then one per year, as the module docstring says."""
    counted = cumulative[cumulative["counted"].astype(bool)]
    shares = counted["finetune_share"].to_numpy(dtype=float)
    database = counted["from_database"].to_numpy(dtype=bool)
    rows = [share_row("all", "all", shares, database)]
    enhancements = counted["enhancement_id"].to_numpy(dtype=object)
    for enhancement_id in sorted({e for e in enhancements if isinstance(e, str)}):
        at = enhancements == enhancement_id
        rows.append(share_row("enhancement", enhancement_id, shares[at], database[at]))
    years = counted["release_year"].to_numpy(dtype=float, na_value=np.nan)
    for year in sorted(set(YEARS) | {int(y) for y in years if not np.isnan(y)}):
        at = years == year
        rows.append(share_row("year", str(year), shares[at], database[at]))
    return pd.DataFrame(rows, columns=COLUMNS)


def share_headline(summary: pd.DataFrame) -> dict:
    """The ``all`` row of ``finetune_share_summary`` as a dict (what the README quotes)."""
    row = summary[summary["grouping"] == "all"].iloc[0]
    return {k: row[k] for k in COLUMNS}
