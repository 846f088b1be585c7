"""A real browser: headless Chromium loads the index and a table page served by `ceg serve`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _require_chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: scripts/ensure_chromium.sh should have installed it")
        pytest.skip("headless Chromium not installed (run scripts/ensure_chromium.sh)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(valid_package, tmp_path):
    _require_chromium()
    port = _free_port()
    log = open(tmp_path / "server.log", "w+", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "ceg_calc.cli", "serve", str(valid_package), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("ceg serve did not answer: " + (tmp_path / "server.log").read_text())
    yield url, tmp_path / "server.log"
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def _browse(url: str, tmp_path: Path, *extra: str) -> str:
    result = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000",
                             *extra, url], capture_output=True, text=True, timeout=120)
    return result.stdout


def test_index_and_table_page_render_in_chromium(server, tmp_path):
    url, log = server
    index = _browse(url + "/", tmp_path, "--dump-dom")
    assert "Post-training enhancements and their compute-equivalent gains" in index
    assert '<img src="/static/ceg_vs_cost.png"' in index
    # the enhancement summary leads the index, above the plots, with the fixture's two enhancements
    assert 'id="enhancement-summary"' in index
    assert index.index('id="enhancement-summary"') < index.index('<img src="/static/ceg_vs_cost.png"')
    assert ">toy-tuning</a>" in index and ">toy-prompting</a>" in index
    estimates = _browse(url + "/ceg/ceg_estimates", tmp_path, "--dump-dom")
    assert 'class="evidence evidence-robust-point"' in estimates
    # rows first: the first row is the robust point with the largest CEG, column descriptions after the rows
    assert estimates.index("toy-tuning-math</a>") < estimates.index("toy-cot-math</a>")
    page = _browse(url + "/ceg/benchmark_scores", tmp_path, "--dump-dom")
    assert "Identifier of the source the values in this row were read from" in page
    # the browser itself fetched the plot, and the server answered with the image
    shot = tmp_path / "index.png"
    _browse(url + "/", tmp_path, f"--screenshot={shot}", "--window-size=1280,900")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert '"GET /static/ceg_vs_cost.png HTTP/1.1" 200' in log.read_text(encoding="utf-8")
