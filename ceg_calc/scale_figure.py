"""``ceg_vs_scale.png``: CEG against the enhanced model's training compute, one line per
comparison of the ``ceg_scale`` table (do gains shrink or grow with scale?).

Robust points are filled, extrapolated points hollow; the legend gives each comparison's slope
of log10 CEG on log10 compute with its 90% interval. No timestamp is written into the file.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

PNG_METADATA = {"Software": None}


def ceg_vs_scale(scale: pd.DataFrame, estimates: pd.DataFrame, path: Path) -> Path:
    """Draw the plot into ``path`` and return it."""
    fig, ax = plt.subplots(figsize=(8, 5))
    if scale.empty:
        ax.text(0.5, 0.5, "no comparison with three sizes yet", ha="center", va="center", transform=ax.transAxes)
    points = estimates[estimates["evidence"].isin(("robust-point", "extrapolated"))]
    colours = plt.get_cmap("tab20")(np.linspace(0, 1, max(len(scale), 1)))
    for colour, row in zip(colours, scale.itertuples()):
        rows = points[points["comparison_id"] == row.comparison_id].sort_values("enhanced_compute_flop")
        label = f"{row.comparison_id}: {row.slope:+.2f} [{row.slope_low:+.2f}, {row.slope_high:+.2f}]"
        ax.plot(rows["enhanced_compute_flop"], rows["ceg"], "-", color=colour, lw=0.8, label=label)
        robust = rows["evidence"] == "robust-point"
        ax.plot(rows.loc[robust, "enhanced_compute_flop"], rows.loc[robust, "ceg"], "o", color=colour, ms=5)
        ax.plot(rows.loc[~robust, "enhanced_compute_flop"], rows.loc[~robust, "ceg"], "o", mfc="white",
                color=colour, ms=5)
    if not scale.empty:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.axhline(1, color="grey", lw=0.8)
        ax.set_xlabel("enhanced model's training compute (FLOP)")
        ax.set_ylabel("compute-equivalent gain (ratio)")
        ax.legend(fontsize=5.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="slope, 90% interval",
                  title_fontsize=6)
    ax.set_title("CEG against scale (filled: robust point; hollow: extrapolated)", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, metadata=PNG_METADATA)
    plt.close(fig)
    return path
