"""Shared fixtures: small packages assembled from the real descriptor and schemas."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EPOCH_SNAPSHOT = REPO / "data" / "raw" / "epoch-ai-models" / "all_ai_models.csv"


def table(name: str):
    """A table of the package as pandas reads it (the package's only missing value is the empty cell)."""
    import pandas as pd

    return pd.read_csv(REPO / "data" / f"{name}.csv", keep_default_na=False, na_values=[""])


def source_rows(name: str, source_id: str):
    """The rows of table ``name`` that cite ``source_id``, every cell as written (text)."""
    import pandas as pd

    frame = pd.read_csv(REPO / "data" / f"{name}.csv", dtype=str, keep_default_na=False)
    return frame[frame["source_id"] == source_id]


@functools.lru_cache(maxsize=1)
def _scores_by_locator():
    s = table("benchmark_scores")
    return s.groupby(["source_id", "locator"])["score"].apply(list).to_dict()


def located_score(source_id: str, locator: str) -> float:
    """The one score of ``source_id`` whose locator is exactly ``locator`` (a cell as its source prints it)."""
    hits = _scores_by_locator().get((source_id, locator), [])
    assert len(hits) == 1, (source_id, locator, hits)
    return float(hits[0])


def score_row(model, benchmark, setting, source):
    """The one score row of ``model`` on ``benchmark`` in ``setting`` from ``source``."""
    s = table("benchmark_scores")
    row = s[(s.model_id == model) & (s.benchmark_id == benchmark) & (s.setting_id == setting) & (s.source_id == source)]
    assert len(row) == 1, (model, benchmark, setting, source)
    return row.iloc[0]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"


def assemble(target: Path, *overlays: Path) -> Path:
    """A package in ``target``: the real datapackage.json and schemas, the valid fixture's
    data, then each overlay's ``data/`` files on top (and files named in its ``remove.txt``
    deleted)."""
    shutil.copy(REPO / "datapackage.json", target / "datapackage.json")
    shutil.copytree(REPO / "schemas", target / "schemas")
    shutil.copytree(VALID / "data", target / "data")
    for overlay in overlays:
        if (overlay / "data").is_dir():
            for f in (overlay / "data").iterdir():
                shutil.copy(f, target / "data" / f.name)
        remove = overlay / "remove.txt"
        if remove.exists():
            for rel in remove.read_text(encoding="utf-8").split():
                (target / rel).unlink()
    return target


@pytest.fixture(scope="session")
def derived_valid_package(tmp_path_factory) -> Path:
    """The valid fixture package after one ``ceg derive`` (its fingerprint and keys recorded), made
    once per test process; never modify it: ``valid_package`` hands out copies."""
    from ceg_calc.derive.run import derive_package

    target = tmp_path_factory.mktemp("derived-valid") / "pkg"
    target.mkdir()
    derive_package(assemble(target))
    return target


@pytest.fixture
def valid_package(tmp_path, derived_valid_package) -> Path:
    """A copy of the valid fixture package as ``ceg derive`` leaves it, safe to modify."""
    target = tmp_path / "pkg"
    shutil.copytree(derived_valid_package, target)
    return target


@pytest.fixture(scope="session")
def built_valid_package(tmp_path_factory, derived_valid_package) -> Path:
    """The derived valid fixture package after one ``build_site`` (database, Parquet, site metadata),
    made once per test process; never modify it: ``built_package`` hands out copies."""
    from ceg_calc.publish.site import build_site

    target = tmp_path_factory.mktemp("built-valid") / "pkg"
    shutil.copytree(derived_valid_package, target)
    build_site(target)
    return target


@pytest.fixture
def built_package(tmp_path, built_valid_package) -> Path:
    """A copy of the valid fixture package as ``build_site`` leaves it, safe to modify (the build's
    staleness is judged from the files' contents, so the copy is as fresh as the original)."""
    target = tmp_path / "pkg"
    shutil.copytree(built_valid_package, target)
    return target


@pytest.fixture
def make_package(tmp_path):
    """Factory: ``make_package(overlay_dir)`` assembles the valid package plus an overlay."""
    def make(*overlays: Path) -> Path:
        target = tmp_path / "pkg"
        target.mkdir()
        return assemble(target, *overlays)
    return make


BROWSER_HINT = ("The browser tests were skipped: they need headless Chromium and ChromeDriver. On Debian or Ubuntu, "
                "as root: apt-get update && apt-get install -y chromium chromium-driver (or point $CHROMIUM at a "
                "Chromium binary), then run `make test` again.")


def pytest_terminal_summary(terminalreporter):
    """Say how to run the browser tests when they were skipped for want of Chromium."""
    skipped = terminalreporter.stats.get("skipped", [])
    if any("test_browser.py" in str(getattr(report, "nodeid", "")) or "test_browser.py" in str(report.longrepr)
           for report in skipped):
        terminalreporter.write_sep("-", "browser tests skipped")
        terminalreporter.write_line(BROWSER_HINT)


SERVED = re.compile(r"The dataset is served at (http://127\.0\.0\.1:[0-9]+)/")


@contextmanager
def serving(package: Path, log: Path, *options: str, wait: float = 120):
    """``ceg serve PACKAGE --port 0`` in its own process, its output in ``log``; yields its URL once
    it says it listens (up to ``wait`` seconds: on a loaded machine, beside other test processes).

    With port 0 the server takes a free port as it binds: a port found free beforehand could be
    taken by another test's server in between, and the requests would reach that one.
    """
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen([sys.executable, "-m", "ceg_calc.cli", "serve", str(package), "--port", "0",
                                   *options], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + wait
        while not (found := SERVED.search(log.read_text(encoding="utf-8"))):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("ceg serve did not answer: " + log.read_text(encoding="utf-8")[-2000:])
            time.sleep(0.05)
        yield found.group(1)
    finally:
        server.terminate()
        server.wait(timeout=30)
