"""The data diff a pull request shows its reviewers, and the release's row diff it shares.

The issue's poisoning is replayed in a git repository made in ``tmp_path`` from the package's own
files: a pull request divides AlphaCode 41B's training compute by 100 in the Epoch snapshot,
re-hashes the snapshot, updates the imported ``compute_estimates`` row. Every hash agrees; the
diff must name the value with its ratio (0.01) and flag the snapshot's bytes first.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ceg_calc.cli import cli
from ceg_calc.ingest.snapshots import rehash
from ceg_calc.package.rowdiff import CellChange, cell_changes, row_diff, table_rows
from ceg_calc.verbs.datadiff import data_diff

REPO = Path(__file__).resolve().parents[1]
ALPHACODE = b"AlphaCode,DeepMind,2022-02-02,41100000000.0,1.63944e+23,"
ESTIMATE = b"alphacode-41b.epoch,alphacode-41b,1.63944e+23,"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=ceg", "-c", "user.email=ceg@example.org", "-C", str(root), *args],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repository(tmp_path) -> Path:
    """The package's descriptor, schemas and data (snapshots included) committed on ``main``, with a
    branch ``pr`` checked out."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO / "datapackage.json", root)
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "data", root / "data")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "pr")
    return root


def poison(root: Path) -> None:
    """The issue's pull request "Refresh the Epoch snapshot": AlphaCode's compute / 100, re-hashed."""
    snapshot = root / "data" / "raw" / "epoch-ai-models" / "all_ai_models.csv"
    data = snapshot.read_bytes()
    assert data.count(ALPHACODE) == 1
    snapshot.write_bytes(data.replace(ALPHACODE, ALPHACODE.replace(b"1.63944e+23", b"1.63944e+21")))
    rehash("epoch-ai-models", root)
    estimates = root / "data" / "compute_estimates.csv"
    data = estimates.read_bytes()
    assert data.count(ESTIMATE) == 1
    estimates.write_bytes(data.replace(ESTIMATE, ESTIMATE.replace(b"1.63944e+23", b"1.63944e+21")))
    git(root, "commit", "-qam", "Refresh the Epoch snapshot")


def test_the_poisoned_snapshot_is_named_with_its_ratio_and_flagged_first(repository):
    poison(repository)
    report = data_diff(repository, "main")
    flagged = report.flagged()
    assert flagged[0].startswith("snapshot data/raw/epoch-ai-models/all_ai_models.csv: bytes changed (sha256 2a616852ea28 -> ")
    assert flagged[1] == ("compute_estimates alphacode-41b.epoch: training_compute_flop 1.63944e+23 -> 1.63944e+21 "
                          "(x0.01)")
    assert report.tables["compute_estimates"] == {"added": [], "removed": [], "changed": ["alphacode-41b.epoch"]}
    assert not any(report.tables["models"].values())
    text = report.to_text().splitlines()
    assert text[1].startswith("FLAGGED (2:") and text[2].startswith("  ! snapshot ")
    assert "  ~ alphacode-41b.epoch: training_compute_flop 1.63944e+23 -> 1.63944e+21 (x0.01)" in text


def test_the_cli_prints_the_diff_and_writes_the_job_summary(repository, tmp_path):
    poison(repository)
    summary = tmp_path / "summary.md"
    result = CliRunner().invoke(cli, ["diff", "--base", "main", "--path", str(repository)],
                                env={"GITHUB_STEP_SUMMARY": str(summary)}, catch_exceptions=False)
    assert result.exit_code == 0
    assert "training_compute_flop 1.63944e+23 -> 1.63944e+21 (x0.01)" in result.output
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("## Data diff\n") and "(x0.01)" in written


def test_an_unknown_base_is_one_line(repository):
    result = CliRunner().invoke(cli, ["diff", "--base", "origin/nowhere", "--path", str(repository)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: cannot find the merge base")


def test_no_change_says_so(repository):
    assert data_diff(repository, "main").lines()[1:] == ["no row added, removed or changed"]


def test_a_file_saved_again_with_other_line_endings_changes_no_row(repository):
    """Other bytes, the same rows: the table is compared row by row (only byte-identical files are not)."""
    path = repository / "data" / "settings.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    report = data_diff(repository, "main")
    assert report.tables["settings"] == {"added": [], "removed": [], "changed": []}
    assert report.lines()[1:] == ["no row added, removed or changed"]


def test_added_removed_and_a_text_change(repository):
    path = repository / "data" / "settings.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = lines.pop(1).split(",")[0]
    path.write_text("".join(lines), encoding="utf-8")
    report = data_diff(repository, "main")
    assert report.tables["settings"]["removed"] == [removed]
    assert report.flagged() == []


def test_make_test_prints_the_diff_first_in_a_pull_request():
    """``make -n`` shows the recipe: with GITHUB_BASE_REF set, the diff is its first step."""
    dry = subprocess.run(["make", "-n", "-C", str(REPO), "test", "GITHUB_BASE_REF=main"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    steps = [line for line in dry if "/ceg " in line or line.startswith(".venv/bin/")]
    assert '.venv/bin/ceg diff --base "origin/main"' in steps[0]
    plain = subprocess.run(["make", "-n", "-C", str(REPO), "test", "GITHUB_BASE_REF="],
                           capture_output=True, text=True, check=True).stdout
    assert "ceg diff" not in plain


def test_cell_changes_give_ratios_hand_computed():
    old = {"t": {"a": {"k": "a", "x": "2.5e+24", "y": "text"}, "b": {"k": "b", "x": "0", "y": ""}}}
    new = {"t": {"a": {"k": "a", "x": "1e+24", "y": "text"}, "b": {"k": "b", "x": "3", "y": ""},
                 "c": {"k": "c", "x": "1", "y": ""}}}
    cells = cell_changes(old, new)
    assert [(c.key, c.column, c.ratio, c.large) for c in cells] == [("a", "x", pytest.approx(0.4), True),
                                                                    ("b", "x", None, True)]
    assert str(cells[0]) == "t a: x 2.5e+24 -> 1e+24 (x0.4)"
    assert not CellChange("t", "a", "x", "10", "19.9").large and CellChange("t", "a", "x", "10", "-10").large
    assert row_diff(old, new) == {"t": {"added": ["c"], "removed": [], "changed": ["a", "b"]}}


def test_the_release_uses_the_same_row_diff():
    from ceg_calc.publish import release

    assert release.row_diff is row_diff and release.table_rows is table_rows
    rows = table_rows(b"a,b\n1,x\n2,\n", ["a"])
    assert rows == {"1": {"a": "1", "b": "x"}, "2": {"a": "2", "b": ""}}
    assert json.dumps(row_diff({"t": rows}, {"t": {}}))  # what diff-X.Y.Z.json holds
