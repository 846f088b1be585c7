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

# $CHROMIUM, else the first browser of these names on PATH; the test skips when there is none.
CHROMIUM = os.environ.get("CHROMIUM") or next(
    (path for name in ("chromium", "chromium-browser", "google-chrome") if (path := shutil.which(name))), "")
pytestmark = pytest.mark.browser
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _require_chromium():
    # Skipped, never failed, where no browser is installed (CI included): `make test` installs nothing.
    if not CHROMIUM or not Path(CHROMIUM).exists():
        pytest.skip("no headless Chromium on this machine (chromium, chromium-browser or google-chrome on PATH, "
                    "or $CHROMIUM); .ci/run and the GitHub workflow install it before `make test`")


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
    page = _browse(url + "/ceg/benchmark_scores", tmp_path, "--dump-dom")
    assert "Identifier of the source the values in this row were read from" in page
    # the browser itself fetched the plot, and the server answered with the image
    shot = tmp_path / "index.png"
    _browse(url + "/", tmp_path, f"--screenshot={shot}", "--window-size=1280,900")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert '"GET /static/ceg_vs_cost.png HTTP/1.1" 200' in log.read_text(encoding="utf-8")
