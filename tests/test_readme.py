"""Every snippet of the README's "Using the data" section runs as written in a fresh clone after
the build that `make serve` does (data, schemas and descriptor as committed; no build/ or dist/)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

FENCE = re.compile(r"^ *```(python|sh)\n(.*?)^ *```", re.S | re.M)


def section(text: str, heading: str) -> str:
    start = text.index(f"## {heading}\n")
    following = text.find("\n## ", start + 1)
    return text[start:following if following > 0 else len(text)]


def snippets() -> list[tuple[str, str]]:
    """``(language, code)`` of each fenced block, de-indented as a reader would copy it."""
    found = []
    for language, body in FENCE.findall(section((REPO / "README.md").read_text(encoding="utf-8"), "Using the data")):
        lines = body.splitlines()
        indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
        found.append((language, "\n".join(line[indent:] for line in lines) + "\n"))
    return found


def _tracked_files() -> list[str]:
    try:
        out = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True).stdout
        return [name for name in out.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: the package's own files
        return [str(p.relative_to(REPO)) for top in ("data", "schemas", "docs") for p in (REPO / top).rglob("*")
                if p.is_file()] + ["datapackage.json", "README.md"]


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory) -> Path:
    clone = tmp_path_factory.mktemp("clone")
    for name in _tracked_files():
        if (REPO / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, clone / name)
    assert not (clone / "build").exists() and not (clone / "dist").exists()
    result = subprocess.run([sys.executable, "-m", "ceg_calc.cli", "build", str(clone)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return clone


def test_the_section_documents_each_way_in():
    code = "".join(body for _, body in snippets())
    for needle in ("pd.read_csv(", "frictionless validate datapackage.json", 'Package("datapackage.json")',
                   "duckdb.sql(", "build/parquet/", "sqlite3.connect(", "from ceg_calc import estimate_ceg"):
        assert needle in code, needle


@pytest.mark.parametrize("language, code", snippets(), ids=lambda v: v.splitlines()[0][:40] if "\n" in v else v)
def test_snippet_runs_in_a_fresh_clone(fresh_clone, language, code):
    if "duckdb" in code:
        pytest.importorskip("duckdb")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [sys.executable, "-c", code] if language == "python" else ["sh", "-e", "-c", code]
    result = subprocess.run(command, cwd=fresh_clone, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, f"{code}\n{result.stdout}\n{result.stderr}"
    assert result.stdout.strip() or language == "sh"


def _readme_script():
    """``scripts/readme_headline.py`` as a module (its markers and ``replaced``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("readme_headline", REPO / "scripts" / "readme_headline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_headline_paragraph_is_written_from_the_derived_tables():
    """The numbers of "Does the data support ..." are those of the committed derived tables, as
    ``scripts/readme_headline.py`` writes them (rounded against the reader's favour)."""
    from ceg_calc.gate.checks import read_valid_tables
    from ceg_calc.verbs.summary import readme_headline

    module = _readme_script()
    text = (REPO / "README.md").read_text(encoding="utf-8")
    expected = readme_headline(read_valid_tables(REPO).tables)
    assert module.replaced(text, expected) == text, "README headline is stale: run scripts/readme_headline.py"
    assert text.count(module.START) == 1 and text.count(module.END) == 1


def test_the_counts_paragraph_is_written_from_the_tables():
    """The counts of "What is in the package" are those of the committed tables, as
    ``scripts/readme_headline.py`` writes them."""
    from ceg_calc.gate.checks import read_valid_tables
    from ceg_calc.verbs.summary import readme_counts

    module = _readme_script()
    text = (REPO / "README.md").read_text(encoding="utf-8")
    tables = read_valid_tables(REPO).tables
    expected = readme_counts(tables)
    assert module.replaced(text, expected, module.COUNTS_START, module.COUNTS_END) == text, \
        "README counts are stale: run scripts/readme_headline.py"
    assert text.count(module.COUNTS_START) == 1 and text.count(module.COUNTS_END) == 1
    assert f"{len(tables['comparisons']):,} comparisons" in expected  # read from the tables, not typed
    assert f"{len(tables['ceg_estimates']):,} derived CEG rows" in expected


def test_snippets_and_canned_queries_rank_by_evidence():
    from ceg_calc.publish.site import QUERIES

    code = "".join(body for _, body in snippets())
    assert "order by evidence_order" in code and "status != 'none'" not in code
    for name, query in QUERIES.items():
        sql = query["sql"].lower()
        if "ceg_estimates" in sql and "order by" in sql:
            assert "order by evidence_order" in sql, name


def test_the_served_length_limit_the_readme_states(fresh_clone):
    """The Querying paragraph's "16 KB for this package" is the limit fitted to the built database."""
    from ceg_calc.publish.guard import fitted_value_bytes

    limit = fitted_value_bytes(fresh_clone / "build" / "ceg.db")
    text = " ".join(section((REPO / "README.md").read_text(encoding="utf-8"), "Querying").split())
    assert f"({limit >> 10} KB for this package;" in text
