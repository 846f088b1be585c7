"""``ceg derive`` on the toy package: values worked by hand, reasons, determinism and drift."""

from __future__ import annotations

import csv
import json
import math

import pytest
from click.testing import CliRunner

from ceg_calc.cli import cli
from ceg_calc.derive.run import derive_package
from ceg_calc.verbs.validate import validate_package


def rows(package):
    with open(package / "data" / "ceg_estimates.csv", encoding="utf-8", newline="") as f:
        return {(r["comparison_id"], r["enhanced_model_id"]): r for r in csv.DictReader(f)}


def append(package, table, line):
    with open(package / "data" / f"{table}.csv", "a", encoding="utf-8", newline="") as f:
        f.write(line + "\n")


def test_committed_fixture_derivation_is_current(make_package):
    assert validate_package(make_package(), full_drift=True).valid


def test_derived_values_by_hand(valid_package):
    derive_package(valid_package)
    r = rows(valid_package)
    # toy-1b (1e21 FLOP) scores 15 with CoT: half-way from 10 (1e21) to 20 (1e22) → C' = 10^21.5
    cot = r[("toy-cot-math", "toy-1b")]
    assert float(cot["ceg"]) == pytest.approx(10 ** 0.5, rel=1e-5)
    assert cot["status"] == "estimated" and cot["extrapolated"] == "false"
    assert cot["baseline_score_ids"] == "s1 s2 s3" and cot["enhanced_score_id"] == "s5"
    # toy-1b-tuned (1.01e21 FLOP) scores 25 → C' = 10^22.5
    tuned = r[("toy-tuning-math", "toy-1b-tuned")]
    assert float(tuned["ceg"]) == pytest.approx(10 ** 22.5 / 1.01e21, rel=1e-5)
    assert float(tuned["ceg_low"]) < float(tuned["ceg"]) < float(tuned["ceg_high"])
    assert tuned["published_ceg"] == "30" and tuned["published_form"] == "approximate"
    assert float(tuned["effective_compute_flop"]) == pytest.approx(10 ** 22.5, rel=1e-5)
    # lower bound: beats toy-10b (1e22 FLOP)
    bound = r[("toy-tuning-math-bound", "toy-1b-tuned")]
    assert bound["status"] == "lower-bound" and bound["is_lower_bound"] == "true"
    assert float(bound["ceg"]) == pytest.approx(1e22 / 1.01e21, rel=1e-5)


def test_derive_twice_gives_the_same_bytes(valid_package):
    path, _ = derive_package(valid_package)
    first = path.read_bytes()
    derive_package(valid_package)
    assert path.read_bytes() == first


def test_model_without_compute_is_listed_with_its_reason(valid_package):
    append(valid_package, "models", "toy-x,Toy X,toy-x,Example Lab,2023-01-15,day,,,true,paper-a,Table 1,")
    append(valid_package, "benchmark_scores", "s6,toy-x,toy-math,few-shot-greedy,toy-tuning,40,,Few-shot,false,paper-a,Table 2,")
    append(valid_package, "comparisons",
           "toy-x-math,toy-tuning,toy-math,toy,few-shot-greedy,paper-a,toy-x,few-shot-greedy,paper-a,interpolate,,")
    derive_package(valid_package)
    row = rows(valid_package)[("toy-x-math", "toy-x")]
    assert row["status"] == "none" and row["ceg"] == ""
    assert "no training-compute estimate for the enhanced model toy-x" in row["reason"]


def test_one_baseline_point_is_a_reason(valid_package):
    append(valid_package, "settings", "zero-shot-greedy,Zero-shot,zero-shot,0,greedy,1,none,none,")
    append(valid_package, "benchmark_scores", "s7,toy-1b,toy-math,zero-shot-greedy,,5,,Zero-shot,false,paper-a,Table 3,")
    append(valid_package, "comparisons",
           "toy-one-point,toy-tuning,toy-math,toy,zero-shot-greedy,paper-a,toy-tuned,few-shot-greedy,paper-a,interpolate,,")
    derive_package(valid_package)
    row = rows(valid_package)[("toy-one-point", "toy-1b-tuned")]
    assert row["status"] == "none"
    assert "1 baseline point(s) with compute; method interpolate needs at least 2" in row["reason"]


def test_combined_comparison_shows_the_product_of_its_parts(valid_package):
    append(valid_package, "comparison_components", "toy-tuning-math,toy-tuning-math-bound,")
    derive_package(valid_package)
    r = rows(valid_package)
    product = float(r[("toy-tuning-math", "toy-1b-tuned")]["component_ceg_product"])
    assert product == pytest.approx(1e22 / 1.01e21, rel=1e-5)


def test_finetune_fraction_from_stated_compute(valid_package):
    # 1e19 + 0.1 petaflop/s-day (8.64e18) of fine-tuning against 1e21 of pre-training
    append(valid_package, "costs", "toy-base,toy-tuning,toy-1b-tuned,,,pretraining-compute,1e21,FLOP,point,false,paper-a,Sec. 4,")
    derive_package(valid_package)
    row = rows(valid_package)[("toy-tuning-math", "toy-1b-tuned")]
    assert float(row["finetune_fraction"]) == pytest.approx((1e19 + 8.64e18) / 1e21, rel=1e-5)


def test_drift_names_row_column_and_both_values(valid_package):
    path = valid_package / "data" / "ceg_estimates.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    cells = text[1].split(",")
    assert cells[10] == "3.16228"
    cells[10] = "5"  # inside its interval: only the drift check can tell
    text[1] = ",".join(cells)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    report = validate_package(valid_package)
    assert [str(p) for p in report.problems] == [
        "data/ceg_estimates.csv:2: ceg: published 5, derived 3.16228; run `ceg derive`"]


def test_drift_compares_values_not_spelling(valid_package):
    """The drift check reads the file's cells; a cell spelled otherwise with the same value
    (3.162280 for 3.16228), or the file's lines ended with CRLF, is no drift, and a changed
    value in that file still is, named with its line."""
    path = valid_package / "data" / "ceg_estimates.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    cells = text[1].split(",")
    assert cells[10] == "3.16228"
    cells[10] = "3.162280"
    text[1] = ",".join(cells)
    path.write_bytes(("\r\n".join(text) + "\r\n").encode("utf-8"))
    assert validate_package(valid_package).valid
    cells[10] = "3.2"
    text[1] = ",".join(cells)
    path.write_bytes(("\r\n".join(text) + "\r\n").encode("utf-8"))
    assert [str(p) for p in validate_package(valid_package).problems] == [
        "data/ceg_estimates.csv:2: ceg: published 3.2, derived 3.16228; run `ceg derive`"]


def test_drift_reports_missing_and_extra_rows(valid_package):
    path = valid_package / "data" / "ceg_estimates.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    problems = [str(p) for p in validate_package(valid_package).problems]
    assert problems == ["data/ceg_estimates.csv:4: comparison_id: derived row toy-tuning-math-bound / "
                        "toy-1b-tuned is missing; run `ceg derive`"]


def test_derive_refuses_an_invalid_package_and_writes_nothing(valid_package):
    append(valid_package, "benchmark_scores", "s9,toy-1b,toy-math,few-shot-greedy,,abc,,Few-shot,false,paper-a,Table 2,")
    before = (valid_package / "data" / "ceg_estimates.csv").read_bytes()
    result = CliRunner().invoke(cli, ["derive", str(valid_package)])
    assert result.exit_code == 1
    assert "data/benchmark_scores.csv:7: score:" in result.output
    assert "nothing was derived" in result.output
    assert (valid_package / "data" / "ceg_estimates.csv").read_bytes() == before


def test_derive_rewrites_a_broken_derived_table(valid_package):
    path = valid_package / "data" / "ceg_estimates.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("3.16228", "oops"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["derive", str(valid_package)])
    assert result.exit_code == 0, result.output
    assert "3 rows (2 estimated, 1 lower-bound, 0 censored, 0 none)" in result.output
    assert validate_package(valid_package).valid


def test_validate_json_shows_drift(valid_package):
    path = valid_package / "data" / "ceg_estimates.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",3.16228,", ",3.2,", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--json", str(valid_package)])
    data = json.loads(result.output)
    assert result.exit_code == 1 and not data["valid"]
    assert data["errors"][0]["check"] == "drift" and data["errors"][0]["column"] == "ceg"
    assert not math.isnan(float(data["errors"][0]["line"]))
