"""The compute ledger, cumulative compute, the fine-tuning share summary and the threshold
assessments: golden values on hand-made rows, and the acceptance counts on the committed data."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from ceg_calc.derive.assessments import assess, meets, threshold_assessments
from ceg_calc.derive.cumulative import cumulative_compute, ledger_fractions
from ceg_calc.derive.shares import finetune_share_summary, share_row
from conftest import REPO, table

LEDGER_COLUMNS = ["ledger_id", "model_id", "stage", "on_model_id", "enhancement_id", "basis", "compute_flop",
                  "compute_low_flop", "compute_high_flop", "raw_value", "raw_unit", "conversion", "form",
                  "second_hand", "source_id", "locator", "notes"]


def _ledger(*rows):
    out = []
    for ledger_id, model, stage, on, enh, flop, raw, unit, form, second, source in rows:
        out.append(dict(zip(LEDGER_COLUMNS, [ledger_id, model, stage, on, enh, "database", flop, None, None, raw,
                                             unit, "", form, second, source, "x", ""])))
    return pd.DataFrame(out, columns=LEDGER_COLUMNS)


def _tables(ledger, estimates=(), models=()):
    est = pd.DataFrame(list(estimates), columns=["estimate_id", "model_id", "training_compute_flop", "preferred",
                                                 "source_id"])
    mod = pd.DataFrame(list(models), columns=["model_id", "release_date"])
    mod["release_date"] = pd.to_datetime(mod["release_date"])
    return {"compute_ledger": ledger, "compute_estimates": est, "models": mod}


def test_cumulative_by_hand():
    ledger = _ledger(
        # b: base in GPU-hours from source s; t: two stages in GPU-hours from s -> (100 + 50) / 10,000 = 1.5%
        ("b.pre", "b", "pre-training", None, None, None, 10_000.0, "H100-GPU-hours", "point", False, "s"),
        ("t.rl", "t", "rl", "b", "e1", None, 100.0, "H100-GPU-hours", "point", False, "s"),
        ("t.sft", "t", "sft", "b", "e1", None, 50.0, "H100-GPU-hours", "approximate", False, "s"),
        # u: FLOP stage on base c, whose compute is in compute_estimates from the same source d
        ("u.ft", "u", "fine-tuning", "c", "e2", 2e21, 2e21, "FLOP", "point", False, "d"),
        # v: a fine-tune of the fine-tune u (same source d): base compute = u's cumulative
        ("v.ft", "v", "fine-tuning", "u", "e2", 1.02e21, 1.02e21, "FLOP", "point", False, "d"),
        # w: second-hand stage: a share, never counted
        ("w.ft", "w", "fine-tuning", "c", "e2", 1e21, 1e21, "FLOP", "point", True, "d"),
    )
    tables = _tables(ledger, [("c.d", "c", 1e23, False, "d"), ("c.p", "c", 5e23, True, "other")],
                     [("t", "2024-05-01"), ("u", "2023-01-02"), ("v", None)])
    out = cumulative_compute(tables).set_index(["model_id", "source_id"])
    t = out.loc[("t", "s")]
    assert t["finetune_share"] == pytest.approx(0.015) and t["share_basis"] == "gpu-hours"
    assert t["share_form"] == "approximate" and pd.isna(t["base_compute_flop"]) and pd.isna(t["cumulative_flop"])
    assert t["release_year"] == 2024 and t["counted"] and t["stages"] == "rl sft"
    u = out.loc[("u", "d")]
    assert u["base_compute_ref"] == "compute_estimates:c.d"  # the same source's estimate, not the preferred one
    assert u["finetune_share"] == pytest.approx(0.02) and u["cumulative_flop"] == pytest.approx(1.02e23)
    v = out.loc[("v", "d")]
    assert v["base_compute_flop"] == pytest.approx(1.02e23) and v["finetune_share"] == pytest.approx(0.01)
    w = out.loc[("w", "d")]
    assert not w["first_hand"] and not w["counted"] and w["finetune_share"] == pytest.approx(0.01)
    assert not out.loc[("b", "s")]["counted"] and pd.isna(out.loc[("b", "s")]["finetune_share"])
    fractions = {f["model_id"]: f for f in ledger_fractions(out.reset_index())}
    assert fractions["t"]["value"] == pytest.approx(0.015) and fractions["w"]["second_hand"] is True


def test_a_developer_report_is_counted_before_the_database():
    ledger = _ledger(("m.db", "m", "fine-tuning", "c", "e", 1e21, 1e21, "FLOP", "point", False, "db"),
                     ("m.paper", "m", "sft", "c", "e", 3e21, 3e21, "FLOP", "point", False, "paper"))
    ledger.loc[1, "basis"] = "reported-flop"
    tables = _tables(ledger, [("c.p", "c", 1e23, True, "x")])
    out = cumulative_compute(tables).set_index("source_id")
    assert out.loc["paper", "counted"] and not out.loc["db", "counted"]


def test_share_row_by_hand():
    # shares 0.1%, 0.2%, 2%, 50%: median (0.2 + 2) / 2 = 1.1%; q1 = 0.1 + 0.75 * 0.1 = 0.175%; q3 = 2 + 0.25 * 48 = 14%
    out = share_row("all", "all", [0.001, 0.002, 0.02, 0.5], [True, False, True, True])
    assert out["models"] == 4 and out["from_database"] == 3
    assert out["median_share"] == pytest.approx(0.011) and out["share_q1"] == pytest.approx(0.00175)
    assert out["share_q3"] == pytest.approx(0.14) and out["share_under_1pct"] == pytest.approx(0.5)
    assert out["share_min"] == 0.001 and out["share_max"] == 0.5
    empty = share_row("year", "2026", [], [])
    assert empty["models"] == 0 and "median_share" not in empty


def test_summary_groups_every_year_and_enhancement():
    cumulative = pd.DataFrame({"counted": [True, True, False], "finetune_share": [0.001, 0.03, 0.5],
                               "from_database": [True, False, True], "enhancement_id": ["a", "b", "a"],
                               "release_year": [2023, np.nan, 2023]})
    out = finetune_share_summary(cumulative).set_index(["grouping", "group"])
    assert out.loc[("all", "all"), "models"] == 2 and out.loc[("enhancement", "a"), "models"] == 1
    assert out.loc[("year", "2023"), "median_share"] == pytest.approx(0.001)
    assert {g for k, g in out.index if k == "year"} == {"2022", "2023", "2024", "2025", "2026"}


THRESHOLDS = pd.DataFrame([
    {"threshold_id": "eu", "quantity": "cumulative-compute", "value": 1e25, "comparison": ">"},
    {"threshold_id": "gl", "quantity": "training-compute", "value": 1e23, "comparison": ">"},
    {"threshold_id": "rsp", "quantity": "effective-compute-multiple", "value": 4.0, "comparison": ">="},
    {"threshold_id": "third", "quantity": "modification-share", "value": 1 / 3, "comparison": ">"},
    {"threshold_id": "unknown", "quantity": "modification-compute", "value": 1.0, "comparison": ">"},
])


def test_meets_follows_the_comparison():
    assert not meets(1e25, {"value": 1e25, "comparison": ">"}) and meets(1e25, {"value": 1e25, "comparison": ">="})
    assert not meets(None, {"value": 0.0, "comparison": ">="})


def _estimates(*rows):
    columns = ["comparison_id", "enhanced_model_id", "enhancement_id", "evidence", "enhanced_compute_flop", "ceg",
               "ceg_low", "effective_compute_flop", "effective_compute_low_flop"]
    return pd.DataFrame([dict(zip(columns, r)) for r in rows], columns=columns)


def test_assessments_by_hand():
    estimates = _estimates(
        # own 5e22; central 5e22 x 300 = 1.5e25 crosses eu and gl; p5 5e22 x 4 = 2e23 crosses gl only
        ("c1", "m1", "e", "robust-point", 5e22, 300.0, 4.0, 1.5e25, 2e23),
        ("c2", "m2", "e", "extrapolated", 5e22, 300.0, 4.0, 1.5e25, 2e23),  # never flagged
        ("c3", "m3", "e", "censored-top", 5e22, 300.0, 4.0, 1.5e25, 2e23),  # a class not yet defined: never flagged
        ("c4", "m4", "e", "none", None, None, None, None, None),  # no CEG: no row
    )
    cumulative = pd.DataFrame([
        {"model_id": "f", "source_id": "s", "base_model_id": "b", "enhancement_id": "e", "base_compute_flop": 9e22,
         "cumulative_flop": 1.3e23, "finetune_share": 0.4 / 0.9, "first_hand": True, "share_form": "point"},
        {"model_id": "g", "source_id": "s", "base_model_id": "b", "enhancement_id": "e", "base_compute_flop": 9e22,
         "cumulative_flop": 1.3e23, "finetune_share": 0.4 / 0.9, "first_hand": False, "share_form": "point"},
    ])
    out = threshold_assessments(estimates, cumulative, THRESHOLDS).set_index("subject_id")
    assert list(out.index) == ["c1/m1", "c2/m2", "c3/m3", "f/s", "g/s"]
    r = out.loc["c1/m1"]
    assert r["flaggable"] and r["crossed_central"] == "eu gl" and r["crossed_p5"] == "gl"
    assert r["crossed_only_through_enhancement"] == "gl"
    assert r["effective_compute_triggers_central"] == "rsp" and r["effective_compute_triggers_p5"] == "rsp"
    for other in ("c2/m2", "c3/m3", "g/s"):
        row = out.loc[other]
        assert not row["flaggable"] and all(pd.isna(row[c]) for c in (
            "crossed_central", "crossed_p5", "crossed_only_through_enhancement",
            "effective_compute_triggers_p5", "modification_share_rules"))
    f = out.loc["f/s"]
    # cumulative 1.3e23 crosses the 1e23 criterion the base's 9e22 does not; 0.444 > 1/3
    assert f["crossed_only_through_enhancement"] == "gl" and f["modification_share_rules"] == "third"
    assert f["modification_share"] == pytest.approx(4 / 9)


def test_assess_leaves_everything_blank_when_not_flaggable():
    grouped = {q: [] for q in (("training-compute", "cumulative-compute"), ("effective-compute-multiple",),
                               ("modification-share",))}
    assert all(v is None for v in assess(1.0, 2.0, 2.0, 5.0, 5.0, 0.5, False, grouped).values())


# --- acceptance counts on the committed data ---------------------------------------------------

def test_at_least_80_cost_rows():
    assert len(table("costs")) + len(table("compute_ledger")) >= 80


def test_first_hand_shares_for_40_models_8_enhancements_30_from_epoch():
    c = table("cumulative_compute")
    counted = c[c["counted"]]
    assert counted["model_id"].is_unique and counted["first_hand"].all()
    assert len(counted) >= 40 and counted["enhancement_id"].nunique() >= 8
    assert (counted["from_database"] & (counted["source_id"] == "epoch2025-ai-models")).sum() >= 30


def test_inference_cost_for_six_enhancements():
    costs = table("costs")
    assert costs.loc[costs["quantity"] == "inference-multiplier", "enhancement_id"].nunique() >= 6


def test_thresholds_table_holds_the_instruments():
    t = table("thresholds")
    sources = set(table("sources")["source_id"])
    assert len(t) >= 8 and t["source_id"].isin(sources).all()
    compute = t[t["quantity"].isin(["training-compute", "cumulative-compute"])]
    assert {1e23, 1e25, 1e26} <= set(compute["value"])
    third = t[t["quantity"] == "modification-share"]
    assert third["value"].round(6).eq(0.333333).any()
    assert (t["source_id"] == "ca2025-sb53").any() and (t["quantity"] == "effective-compute-multiple").any()
    # a row read only in a secondary summary says so
    assert not t.loc[t["read_via"] == "secondary-summary", "primary_text_read"].any()


def test_derived_rows_name_at_least_five_thresholds():
    a = table("threshold_assessments")
    named = set()
    for column in ("crossed_central", "crossed_p5", "crossed_only_through_enhancement",
                   "effective_compute_triggers_central", "effective_compute_triggers_p5", "modification_share_rules"):
        named |= {t for cell in a[column].dropna() for t in cell.split()}
    assert named <= set(table("thresholds")["threshold_id"]) and len(named) >= 5


def test_nothing_flagged_on_rows_that_are_not_robust():
    a = table("threshold_assessments")
    e = table("ceg_estimates")
    assert set(a.loc[(a["subject"] == "enhanced-row") & a["flaggable"], "evidence"]) <= {"robust-point", "robust-bound"}
    loose = a[~a["flaggable"]]
    assert loose[["crossed_central", "crossed_p5", "crossed_only_through_enhancement",
                  "effective_compute_triggers_p5", "modification_share_rules"]].isna().all().all()
    # every derived row with a CEG is assessed once
    assert (a["subject"] == "enhanced-row").sum() == e["ceg"].notna().sum()


def _pct(x) -> str:
    return "%#.2g%%" % (100 * x)


def test_readme_quotes_the_share_summary():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split('## Is fine-tuning "typically < 1% of pre-training"?')[1].split("\n## ")[0]
    s = table("finetune_share_summary").set_index(["grouping", "group"])
    a = s.loc[("all", "all")]
    assert f"over **{int(a['models'])} models** ({int(a['from_database'])} from Epoch" in section
    assert f"median share is **{_pct(a['median_share'])}**" in section
    assert f"(quartiles\n{_pct(a['share_q1'])} to {_pct(a['share_q3'])})" in section
    assert f"**{100 * a['share_under_1pct']:.0f}%** of the models are under 1%" in section
    for year in ("2022", "2023", "2024", "2025"):
        r = s.loc[("year", year)]
        assert re.search(rf"{re.escape(_pct(r['median_share']))} in\s+{year} \({int(r['models'])}", section), year
    assert s.loc[("year", "2026"), "models"] == 0 and "no\n2026 model" in section
    for enhancement, shown in re.findall(r"(domain training|Minerva|InstructGPT|reasoning training) \(([0-9.]+%)\)",
                                         section):
        key = {"domain training": "domain-training", "Minerva": "minerva", "InstructGPT": "instructgpt",
               "reasoning training": "reasoning-training"}[enhancement]
        assert shown == _pct(s.loc[("enhancement", key), "median_share"]) and \
            s.loc[("enhancement", key), "median_share"] > 0.01


def test_the_legacy_threshold_flags_agree_with_the_thresholds_table():
    from ceg_calc.derive.names import EU_AI_ACT_FLOP, US_EO_14110_FLOP

    t = table("thresholds").set_index("threshold_id")
    assert t.loc["eu-aia-art51-2", "value"] == EU_AI_ACT_FLOP and t.loc["us-eo14110-4-2b-i", "value"] == US_EO_14110_FLOP
    a = table("threshold_assessments")
    a = a[a["subject"] == "enhanced-row"].set_index("subject_id")
    e = table("ceg_estimates")
    e = e[e["ceg"].notna()]
    e.index = e["comparison_id"] + "/" + e["enhanced_model_id"]
    through = a["crossed_only_through_enhancement"].fillna("").str.split()
    for flag, threshold_id in (("crosses_eu_1e25", "eu-aia-art51-2"), ("crosses_us_1e26", "us-eo14110-4-2b-i")):
        from_table = through.map(lambda ids, t=threshold_id: t in ids)
        assert (e[flag].fillna(False).astype(bool) == from_table.reindex(e.index)).all(), flag


def test_the_ledger_import_names_an_unmapped_base_model():
    from ceg_calc.ingest.epoch import load_epoch
    from ceg_calc.ingest.epoch_ledger import process_ledger
    from ceg_calc.ingest.save import IngestError

    epoch = load_epoch(REPO)
    ledger, models = process_ledger(epoch)
    assert ledger["ledger_id"].is_unique and set(ledger["basis"]) == {"database"}
    assert (ledger["stage"] == "fine-tuning").sum() == 43
    epoch.loc[epoch["Model"] == "LIMA", "Base model"] = "Some other model"
    with pytest.raises(IngestError, match=r"all_ai_models.csv: row 'LIMA' names base model 'Some other model'"):
        process_ledger(epoch)
