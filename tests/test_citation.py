"""`ceg cite`: a citation that needs no other tool, with one release date everywhere."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from ceg_calc.cli import cli
from ceg_calc.core.errors import CegError
from conftest import REPO


def _cite(*args):
    result = CliRunner().invoke(cli, ["cite", *args, str(REPO)])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_dates_of_citation_changelog_and_release_agree():
    from ceg_calc.publish.citation import changelog_date, read_cff
    from ceg_calc.publish.release import release_date

    cff = read_cff(REPO)
    version = str(cff["version"])
    stated = changelog_date((REPO / "CHANGELOG.md").read_text(encoding="utf-8"), version)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cff["date-released"]))
    assert stated == str(cff["date-released"]) == release_date(REPO, version)


def test_bibtex_has_a_real_key_naming_the_version():
    from ceg_calc.publish.citation import read_cff

    cff = read_cff(REPO)
    text = _cite("--format", "bibtex")
    key = re.match(r"@misc\{([^,\s]+),\n", text).group(1)
    assert "YourReferenceHere" not in text and key != "YourReferenceHere"
    assert key.endswith(f"-v{cff['version']}") and str(cff["date-released"])[:4] in key
    assert f"version = {{{cff['version']}}}" in text
    assert f"url = {{{cff['repository-code']}/releases/tag/v{cff['version']}}}" in text
    assert f"date = {{{cff['date-released']}}}" in text
    assert "author = {{CEG dataset maintainers}}" in text  # a body, not family "maintainers"
    assert text.count("{") == text.count("}")


def test_apa_and_cff_formats():
    from ceg_calc.publish.citation import read_cff

    cff = read_cff(REPO)
    apa = _cite("--format", "apa")
    assert apa.startswith(f"CEG dataset maintainers. ({str(cff['date-released'])[:4]}). ")
    assert f"(Version {cff['version']}) [Data set]. {cff['url']}" in apa
    assert _cite("--format", "cff") == (REPO / "CITATION.cff").read_text(encoding="utf-8")


def _project(tmp_path, heading, released='"2024-05-01"'):
    (tmp_path / "CITATION.cff").write_text(
        f'title: "T"\nauthors:\n  - name: "A & B"\nversion: "1.2.3"\ndate-released: {released}\n'
        'repository-code: "https://github.com/o/data-set"\nurl: "https://github.com/o/data-set/releases/tag/v1.2.3"\n',
        encoding="utf-8")
    (tmp_path / "CHANGELOG.md").write_text(f"# Changelog\n\n{heading}\n\n- Rows.\n", encoding="utf-8")
    return tmp_path


def test_a_hand_made_project_is_cited_from_its_changelog_date(tmp_path):
    from ceg_calc.publish.citation import citation

    text = citation(_project(tmp_path, "## 1.2.3 (2024-05-01)"), "bibtex")
    assert text.startswith("@misc{data-set-2024-v1.2.3,\n")
    assert "author = {{A \\& B}}" in text and "title = {{T}}" in text and "month = {5}" in text


@pytest.mark.parametrize("heading, released, message", [
    ("## Unreleased", '"2024-05-01"', "not released yet"),
    ("## 1.2.3 — unreleased", '"2024-05-01"', "not released yet"),
    ("## 1.2.3 (2024-05-02)", '"2024-05-01"', "date-released 2024-05-01 disagrees with CHANGELOG.md's '## 1.2.3 (2024-05-02)'"),
])
def test_no_date_or_two_dates_are_refused(tmp_path, heading, released, message):
    from ceg_calc.publish.citation import citation

    with pytest.raises(CegError, match=re.escape(message)):
        citation(_project(tmp_path, heading, released), "apa")
    result = CliRunner().invoke(cli, ["cite", str(tmp_path)])
    assert result.exit_code == 1 and "Error: " in result.output
