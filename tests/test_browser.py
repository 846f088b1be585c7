"""A real browser: headless Chromium loads the index, table pages and charts served by `ceg serve`;
through ChromeDriver (W3C WebDriver, spoken over plain HTTP) it hovers over a point of a chart and
clicks it, which must open the row the point was drawn from. One browser serves the module's
tests (starting one costs about a second of the machine's time); each test starts in a 1200x900
window on a blank page."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import serving

# $CHROMIUM, else the first browser of these names on PATH; the test skips when there is none.
CHROMIUM = os.environ.get("CHROMIUM") or next(
    (path for name in ("chromium", "chromium-browser", "google-chrome") if (path := shutil.which(name))), "")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C web element identifier
pytestmark = pytest.mark.browser
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _require_chromium():
    # Skipped, never failed, where no browser is installed (CI included): `make test` installs nothing.
    if not CHROMIUM or not Path(CHROMIUM).exists():
        pytest.skip("no headless Chromium on this machine (chromium, chromium-browser or google-chrome on PATH, "
                    "or $CHROMIUM); install Debian's chromium and chromium-driver to run it (CI installs them)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _LogSince:
    """The server's log from the moment a test began: what that test's pages asked for."""

    def __init__(self, path: Path):
        self.path, self.start = path, path.stat().st_size

    def read_text(self, encoding: str = "utf-8") -> str:
        with open(self.path, "rb") as f:
            f.seek(self.start)
            return f.read().decode(encoding)


@pytest.fixture(scope="module")
def site(tmp_path_factory, built_valid_package):
    """One `ceg serve` of a copy of the built valid fixture package for the module's tests (none of
    them changes the package; the copy's build is current, so the server does not build again),
    and its log."""
    _require_chromium()
    root = tmp_path_factory.mktemp("browser")
    package = root / "pkg"
    shutil.copytree(built_valid_package, package)
    with serving(package, root / "server.log") as url:
        yield url, root / "server.log"


@pytest.fixture
def server(site):
    """The module's server and its log from this test's start."""
    url, log = site
    return url, _LogSince(log)


def test_index_and_table_page_render_in_chromium(server, webdriver):
    url, log = server
    index = webdriver.page(url + "/", "#enhancement-summary")
    assert "Post-training enhancements and their compute-equivalent gains" in index
    assert '<a href="/-/dashboards/ceg">' in index
    # the enhancement summary leads the index, above the charts, with the fixture's two enhancements
    assert index.index('id="enhancement-summary"') < index.index('<a href="/-/dashboards/ceg">')
    assert ">toy-tuning</a>" in index and ">toy-prompting</a>" in index
    estimates = webdriver.page(url + "/ceg/ceg_estimates", "table.rows-and-columns")
    assert 'class="evidence evidence-robust-point"' in estimates
    # rows first: the first row is the robust point with the largest CEG, column descriptions after the rows
    assert estimates.index("toy-tuning-math</a>") < estimates.index("toy-cot-math</a>")
    page = webdriver.page(url + "/ceg/benchmark_scores", "table.rows-and-columns")
    assert "Identifier of the source the values in this row were read from" in page
    webdriver("POST", "/window/rect", {"width": 1280, "height": 900})
    webdriver.page(url + "/", "#enhancement-summary")
    assert base64.b64decode(webdriver("GET", "/screenshot"))[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_comparison_chart_draws_labelled_points(server, webdriver):
    url, log = server
    webdriver("POST", "/url", {"url": url + "/-/dashboards/comparison?comparison_id=toy-tuning-math"})
    webdriver.wait_for('#chart-points path[aria-roledescription="point"]')
    dom = webdriver("GET", "/source")
    labels = re.findall(r'<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="point"', dom)
    assert any("series: baseline" in label and "row: s3" in label and "score: 30" in label for label in labels)
    assert any("series: enhanced" in label and "row: s4" in label for label in labels)
    served = log.read_text(encoding="utf-8")
    for script in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):  # served here, not from a CDN
        assert f"/-/static-plugins/datasette_dashboards/{script} HTTP/1.1\" 200" in served


class WebDriver:
    """The few W3C WebDriver commands the test needs, sent to ChromeDriver with urllib."""

    def __init__(self, port: int, profile: Path):
        self.base = f"http://127.0.0.1:{port}"
        options = {"binary": CHROMIUM, "args": [*FLAGS, f"--user-data-dir={profile}", "--window-size=1200,900"]}
        session = self.call("POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}})
        self.session = f"/session/{session['sessionId']}"

    def call(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as exc:  # WebDriver's error says what went wrong
            pytest.fail(f"WebDriver {method} {path}: {exc.read().decode(errors='replace')[:500]}")

    def __call__(self, method: str, path: str, body: dict | None = None):
        return self.call(method, self.session + path, body)

    def page(self, url: str, css: str) -> str:
        """The DOM of ``url`` once an element matches ``css``."""
        self("POST", "/url", {"url": url})
        self.wait_for(css)
        return self("GET", "/source")

    def wait_for(self, css: str, seconds: float = 20) -> list[str]:
        for _ in range(int(seconds * 10)):
            found = self("POST", "/elements", {"using": "css selector", "value": css})
            if found:
                return [f[ELEMENT] for f in found]
            time.sleep(0.1)
        pytest.fail(f"no element matches {css}")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One ChromeDriver and its Chromium for the module's tests."""
    _require_chromium()
    if not Path(CHROMEDRIVER).exists():
        pytest.skip("no ChromeDriver on this machine (chromedriver on PATH); install Debian's chromium-driver "
                    "to run it (CI installs it)")
    port = _free_port()
    proc = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    driver = WebDriver(port, tmp_path_factory.mktemp("driver-profile"))
    yield driver
    driver("DELETE", "")
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def webdriver(browser):
    """The module's browser, in a 1200x900 window on a blank page."""
    browser("POST", "/url", {"url": "about:blank"})
    browser("POST", "/window/rect", {"width": 1200, "height": 900})
    return browser


def test_clicking_a_point_opens_its_row(server, webdriver):
    url, _ = server
    webdriver("POST", "/url", {"url": url + "/-/dashboards/comparison?comparison_id=toy-tuning-math"})
    points = webdriver.wait_for('#chart-points path[aria-roledescription="point"]')
    labels = {p: webdriver("GET", f"/element/{p}/attribute/aria-label") for p in points}
    [point] = [p for p, label in labels.items() if "row: s3" in label]
    assert "series: baseline" in labels[point] and "model: toy-100b" in labels[point]
    # a real pointer: hovering shows the point's values in Vega's tooltip, a click follows its link
    move = {"type": "pointerMove", "duration": 0, "origin": {ELEMENT: point}, "x": 0, "y": 0}
    webdriver("POST", "/actions", {"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                                                "actions": [move, {"type": "pause", "duration": 300}]}]})
    tooltip = webdriver.wait_for("#vg-tooltip-element.visible")[0]
    text = webdriver("GET", f"/element/{tooltip}/text")
    assert "toy-100b" in text and "s3" in text and "30" in text
    webdriver("POST", "/actions", {"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                                                "actions": [move, {"type": "pointerDown", "button": 0},
                                                            {"type": "pointerUp", "button": 0}]}]})
    for _ in range(100):
        if webdriver("GET", "/url").endswith("/ceg/benchmark_scores/s3"):
            break
        time.sleep(0.1)
    assert webdriver("GET", "/url") == url + "/ceg/benchmark_scores/s3"
    assert "toy-100b" in webdriver("GET", "/source")


def _script(webdriver, script: str, *args):
    return webdriver("POST", "/execute/sync", {"script": script, "args": list(args)})


def _wait_text(webdriver, css: str, needle: str, seconds: float = 20) -> str:
    text = ""
    for _ in range(int(seconds * 10)):
        found = webdriver("POST", "/elements", {"using": "css selector", "value": css})
        text = " ".join(webdriver("GET", f"/element/{f[ELEMENT]}/text") for f in found)
        if needle in text:
            return text
        time.sleep(0.1)
    pytest.fail(f"{css} never showed {needle!r} (last: {text[:300]!r})")


def test_an_enhancement_page_opens_from_the_index(server, webdriver):
    """From the index's summary to the enhancement's page: headline figure, chart and costs."""
    url, _ = server
    webdriver("POST", "/url", {"url": url + "/"})
    [link] = webdriver.wait_for('#enhancement-summary ~ table a[href="/-/dashboards/enhancement?enhancement_id=toy-tuning"]')
    webdriver("POST", f"/element/{link}/click", {})
    for _ in range(100):
        if "/-/dashboards/enhancement?enhancement_id=toy-tuning" in webdriver("GET", "/url"):
            break
        time.sleep(0.1)
    assert webdriver("GET", "/url") == url + "/-/dashboards/enhancement?enhancement_id=toy-tuning"
    # the fixture's headline (method 4): one cell holding a robust point 31.3097 and a robust bound
    # 9.90099, whose value is their median 20.6053; the strongest single figure is the point
    headline = _wait_text(webdriver, "#chart-headline table", "20.6")
    assert "headline CEG (representative_ceg)" in headline and "20.6 – 20.6" in headline and "31.3" in headline
    points = webdriver.wait_for('#chart-ceg-vs-compute path[aria-roledescription="point"]')
    labels = [webdriver("GET", f"/element/{p}/attribute/aria-label") for p in points]
    assert len(labels) == 2 and any("comparison: toy-tuning-math;" in label and "CEG: 31.3" in label and
                                    "evidence: robust-point" in label for label in labels), labels
    costs = _wait_text(webdriver, "#chart-costs table", "toy-tuning-flop")
    assert "toy-tuning-pfsd" in costs and "finetune-compute" in costs and "petaflop/s-day" in costs
    assert "toy-tuning-math" in _wait_text(webdriver, "#chart-stated table", "30")


def test_the_first_estimate_row_shows_its_ceg_in_a_1280x900_window(server, webdriver):
    url, _ = server
    webdriver("POST", "/window/rect", {"width": 1280, "height": 900})
    webdriver("POST", "/url", {"url": url + "/ceg/ceg_estimates"})
    [cell] = webdriver.wait_for("table.rows-and-columns tbody tr:first-child td.col-ceg")
    assert webdriver("GET", f"/element/{cell}/text") == "31.3097"  # the robust point with the largest CEG
    rect = webdriver("GET", f"/element/{cell}/rect")
    width, height = _script(webdriver, "return [window.innerWidth, window.innerHeight];")
    assert width <= 1280 and height <= 900
    assert 0 <= rect["x"] and rect["x"] + rect["width"] <= width, (rect, width)
    assert 0 <= rect["y"] and rect["y"] + rect["height"] <= height, (rect, height)
    row = webdriver.wait_for("table.rows-and-columns tbody tr:first-child")[0]
    assert webdriver("GET", f"/element/{row}/rect")["height"] < 40  # one line per row
