"""The derivation fingerprint: ``ceg validate`` skips recomputing only when nothing it covers moved."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

import ceg_calc.calc.policy
import ceg_calc.derive.drift
from ceg_calc.cli import cli
from ceg_calc.derive.run import derive_package
from ceg_calc.derive.fingerprint import FINGERPRINT, CODE_DIR, code_digest, fingerprint, recorded
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.verbs.validate import validate_package


@pytest.fixture
def derived(valid_package):
    """The toy package after ``ceg derive``: its fingerprint is recorded (``valid_package`` is a copy of
    the session's derived package; deriving it again writes the same bytes, so it is not repeated)."""
    return valid_package


@pytest.fixture
def recomputations(monkeypatch):
    """Counts the fresh derivations the drift check makes (the real one still runs)."""
    calls = []
    real = ceg_calc.derive.drift.drift_problems

    def counted(loaded, **options):
        calls.append(loaded.package.root)
        return real(loaded, **options)

    monkeypatch.setattr(ceg_calc.derive.drift, "drift_problems", counted)
    return calls


def replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_derive_records_the_inputs(derived):
    stored = recorded(DataPackage(derived))
    assert stored["draws"] == 10_000 and stored["seed"] == 0
    assert "data/ceg_estimates.csv" in stored["files_sha256"]
    assert "data/benchmark_scores.csv" in stored["files_sha256"]
    assert "schemas/ceg_estimates.json" in stored["files_sha256"]


def test_matching_fingerprint_skips_the_derivation(derived, recomputations):
    assert validate_package(derived).valid
    assert recomputations == []


def test_full_drift_and_strict_recompute_anyway(derived, recomputations):
    assert validate_package(derived, full_drift=True).valid
    assert len(recomputations) == 1
    result = CliRunner().invoke(cli, ["validate", "--full-drift", str(derived)])
    assert result.exit_code == 0, result.output
    assert len(recomputations) == 2


def test_without_a_fingerprint_the_derivation_runs(derived, recomputations):
    (derived / FINGERPRINT).unlink()
    assert validate_package(derived).valid
    assert len(recomputations) == 1


def test_a_hand_edited_derived_file_is_caught(derived, recomputations):
    # an edit that every other rule accepts (the value stays inside its own interval)
    replace_in(derived / "data" / "ceg_estimates.csv", ",3.16228,", ",4.2,")
    report = validate_package(derived)
    assert [str(p) for p in report.problems] == [
        "data/ceg_estimates.csv:2: ceg: published 4.2, derived 3.16228; run `ceg derive`"]
    assert len(recomputations) == 1


def test_a_changed_source_table_is_caught(derived, recomputations):
    # toy-1b scores 15 with CoT (s5); at 17.5 the CEG moves from 10^0.5 to 10^0.75
    replace_in(derived / "data" / "benchmark_scores.csv", ",toy-prompting,15,", ",toy-prompting,17.5,")
    problems = [str(p) for p in validate_package(derived).problems]
    assert "data/ceg_estimates.csv:2: ceg: published 3.16228, derived 5.62341; run `ceg derive`" in problems
    assert len(recomputations) == 1


def test_a_change_that_leaves_the_derivation_alone_is_recomputed_and_passes(derived, recomputations):
    replace_in(derived / "data" / "benchmark_scores.csv", "NA, null and None are text here", "edited note")
    assert validate_package(derived).valid
    assert len(recomputations) == 1


def test_derived_with_other_draws_does_not_vouch_for_the_default(valid_package, recomputations):
    derive_package(valid_package, draws=500)
    report = validate_package(valid_package)
    assert len(recomputations) == 1
    assert any(p.check == "drift" and p.column == "ceg_low" for p in report.problems)


def test_fingerprint_covers_draws_seed_and_method(derived):
    package = DataPackage(derived)
    base = fingerprint(package, 10_000, 0)
    assert fingerprint(package, 10_000, 0) == base
    assert fingerprint(package, 9_999, 0) != base
    assert fingerprint(package, 10_000, 1) != base
    assert base["method_version"] == str(ceg_calc.calc.policy.METHOD_VERSION)


def test_code_digest_moves_with_the_calculator_code_only(tmp_path):
    code = tmp_path / "ceg_calc"
    shutil.copytree(CODE_DIR, code, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_digest(code)
    assert before == code_digest(CODE_DIR)
    (code / "publish" / "site.py").write_text("# serving only\n", encoding="utf-8")
    (code / "publish" / "new_chart.py").write_text("# a new module of a publishing stage\n", encoding="utf-8")
    assert code_digest(code) == before
    (code / "calc" / "new_rule.py").write_text("# a new module of the calculator\n", encoding="utf-8")
    assert code_digest(code) != before
    (code / "calc" / "new_rule.py").unlink()
    with open(code / "derive" / "estimates.py", "a", encoding="utf-8") as handle:
        handle.write("\n# a change to the derivation\n")
    assert code_digest(code) != before


def test_an_unreadable_fingerprint_means_recompute(derived, recomputations):
    (derived / FINGERPRINT).write_text("{not json", encoding="utf-8")
    assert validate_package(derived).valid
    assert len(recomputations) == 1
    assert json.loads(json.dumps(recorded(DataPackage(derived)) or {})) == {}


@pytest.fixture
def full_validations(monkeypatch):
    """Counts the full validations ``ceg derive`` runs before deriving."""
    import ceg_calc.derive.run

    calls = []
    real = ceg_calc.derive.run.read_valid_tables

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(ceg_calc.derive.run, "read_valid_tables", counted)
    return calls


def test_derive_skips_the_checks_of_unchanged_sources(derived, full_validations):
    before = (derived / "data" / "ceg_estimates.csv").read_bytes()
    derive_package(derived)
    assert full_validations == []
    assert (derived / "data" / "ceg_estimates.csv").read_bytes() == before


def test_derive_checks_changed_sources_and_refuses_invalid_ones(derived, full_validations):
    with open(derived / "data" / "benchmark_scores.csv", "a", encoding="utf-8", newline="") as f:
        f.write("s9,toy-1b,toy-math,few-shot-greedy,,abc,,Few-shot,false,paper-a,Table 2,\n")
    before = (derived / "data" / "ceg_estimates.csv").read_bytes()
    result = CliRunner().invoke(cli, ["derive", str(derived)])
    assert result.exit_code == 1
    assert "data/benchmark_scores.csv:7: score:" in result.output
    assert len(full_validations) == 1
    assert (derived / "data" / "ceg_estimates.csv").read_bytes() == before


def test_derive_checks_again_when_a_schema_changes(derived, full_validations):
    path = derived / "schemas" / "benchmark_scores.json"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # other bytes, same schema
    derive_package(derived)
    assert len(full_validations) == 1


def test_derive_ignores_a_broken_derived_table_on_the_fast_path(derived, full_validations):
    replace_in(derived / "data" / "ceg_estimates.csv", ",3.16228,", ",oops,")
    derive_package(derived)
    assert full_validations == []
    assert validate_package(derived, full_drift=True).valid


def test_derive_if_stale_skips_only_a_current_derivation(derived):
    runner = CliRunner()
    target = derived / "data" / "ceg_estimates.csv"
    before = target.stat().st_mtime_ns
    result = runner.invoke(cli, ["derive", "--if-stale", str(derived)])
    assert result.exit_code == 0 and "nothing derived" in result.output
    assert target.stat().st_mtime_ns == before
    # other draws, or a hand edit, make the recorded derivation stale: it is derived again
    result = runner.invoke(cli, ["derive", "--if-stale", "--draws", "200", str(derived)])
    assert result.exit_code == 0 and result.output.startswith("wrote "), result.output
    fresh = target.read_text(encoding="utf-8")
    target.write_text(fresh.replace("toy-cot-math,toy-1b,robust-point", "toy-cot-math,toy-1b,limited"),
                      encoding="utf-8")
    result = runner.invoke(cli, ["derive", "--if-stale", "--draws", "200", str(derived)])
    assert result.exit_code == 0 and result.output.startswith("wrote "), result.output
    assert target.read_text(encoding="utf-8") == fresh


def test_build_rechecks_a_derived_table_edited_after_derive(derived):
    from ceg_calc.core.errors import ValidationFailed
    from ceg_calc.publish.site import build_site

    assert build_site(derived).is_file()  # current fingerprint: read and typed, not checked again
    # a value outside its own interval: the edit makes the fingerprint stale, so build checks again
    replace_in(derived / "data" / "ceg_estimates.csv", ",3.16228,", ",28.2,")
    with pytest.raises(ValidationFailed) as failed:
        build_site(derived)
    assert "ceg lies outside [ceg_low, ceg_high]" in failed.value.report.to_text()
