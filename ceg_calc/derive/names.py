"""Names the derivation shares with everything above it: which tables ``ceg derive`` writes, the
evidence classes of a derived row, and the compute thresholds the rows are flagged against."""

from __future__ import annotations

DERIVED = "ceg_estimates"
#: Every table ``ceg derive`` writes, in the order it writes them; validation's drift check,
#: the release and the site iterate this list.
DERIVED_TABLES = ("ceg_estimates", "enhancement_summary", "ceg_scale", "cumulative_compute", "finetune_share_summary",
                  "threshold_assessments", "ceg_cross_family")
#: The two thresholds of the ceg_estimates flags crosses_eu_1e25 and crosses_us_1e26 (rows eu-aia-art51-2 and
#: us-eo14110-4-2b-i of data/thresholds.csv, which threshold_assessments compares with every threshold).
EU_AI_ACT_FLOP = 1e25  # Regulation (EU) 2024/1689, art. 51(2)
US_EO_14110_FLOP = 1e26  # Executive Order 14110, sec. 4.2(b)(i) (revoked 2025-01-20 by EO 14148)
#: Values of ``evidence``, most robust first (their position is the first part of ``evidence_order``).
EVIDENCE = ("robust-point", "robust-bound", "censored-top", "extrapolated", "limited", "trivial-bound", "none")
