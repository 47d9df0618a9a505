"""The published page in a real browser: headless Chromium (Debian's `chromium`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest

from .conftest import DEFAULT_EVENTS, write
from .pngread import count_color
from .test_web import Running

pytestmark = pytest.mark.clients

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium must be installed in CI (.ci/run installs Debian's chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return CHROMIUM


def browse(chromium: str, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *extra, url],
                              capture_output=True, text=True, timeout=120)


def console_errors(stderr: str) -> list[str]:
    """Console messages and page errors Chromium logged (its own D-Bus noise is not the page's)."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def test_page_loads_without_console_errors_and_shows_the_chart(chromium, default_events, tmp_path):
    running = Running(default_events)
    try:
        url = f"http://127.0.0.1:{running.port}/"
        shot = tmp_path / "page.png"
        result = browse(chromium, url, "--window-size=1200,1400", f"--screenshot={shot}")
        assert console_errors(result.stderr) == []
        data = shot.read_bytes()
        assert len(data) > 10_000
        # the picture is there: the phases' solid blue and the meetings' green, in bars many pixels wide
        assert count_color(data, (0x2B, 0x6C, 0xB0)) > 2_000
        assert count_color(data, (0x2F, 0x85, 0x5A)) > 300
        dom = browse(chromium, url, "--dump-dom").stdout
        assert "<svg" in dom and dom.count('<li style="padding-left') == 24  # a name a row, beside the picture
    finally:
        running.close()


def test_a_script_title_shows_as_text(chromium, tmp_path, run):
    path = write(tmp_path, 'events:\n  - {id: a, title: "<script>console.error(\'xss\')</script>", when: 2005-01-01}\n')
    out = tmp_path / "site"
    assert run("build", str(out), "-f", str(path)).exit_code == 0
    result = browse(chromium, (out / "index.html").as_uri(), "--dump-dom")
    assert console_errors(result.stderr) == []
    assert "&lt;script&gt;console.error('xss')&lt;/script&gt;" in result.stdout


def test_console_errors_are_detected(chromium, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><script>console.error('broken page')</script>")
    assert console_errors(browse(chromium, page.as_uri(), "--dump-dom").stderr)


# -- the page at a phone's width and a desktop's (#18) -------------------------------------------

HARNESS = """<!DOCTYPE html><meta charset="utf-8"><body style="margin:0">
<iframe id="f" src="index.html" style="width:{width}px;height:3000px;border:0"></iframe><pre id="out">pending</pre>
<script>
f.onload = () => {{
  const d = f.contentDocument, w = d.documentElement.clientWidth, bars = d.querySelector('.bars');
  const over = [...d.body.querySelectorAll('*')]
    .filter(el => !bars.contains(el) && el.getBoundingClientRect().right > w + 0.5)
    .map(el => el.tagName + '.' + el.className);
  const r = d.querySelector('.legend').getBoundingClientRect();
  const items = [...d.querySelectorAll('.legend li')].map(li => li.getBoundingClientRect())
    .filter(b => b.left < 0 || b.right > w || b.width === 0).length;
  const feeds = d.querySelector('details.subscribe').open;
  out.textContent = JSON.stringify({{width: w, scroll: d.documentElement.scrollWidth, over, legend: [r.left, r.right, r.height],
    hidden_items: items, feeds_open: feeds, bars: [bars.scrollWidth, bars.clientWidth],
    dark: getComputedStyle(d.body).backgroundColor}});
}};
</script>
"""


class SiteServer:
    """The built site (and a test's measuring page) served over HTTP on loopback."""

    def __init__(self, folder) -> None:
        import functools
        import http.server
        import threading

        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        handler.log_message = lambda *args: None  # type: ignore[method-assign]
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from typer.testing import CliRunner

    from timeline.cli import app

    folder = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(app, ["build", str(folder / "out"), "-f", str(DEFAULT_EVENTS), "--today", "2005-03-01",
                                      "--base-url", "https://calendar.example.org/wgig/"])
    assert result.exit_code == 0, result.stderr
    server = SiteServer(folder / "out")
    yield folder / "out", server
    server.close()


def measure(chromium: str, site, width: int, *extra: str) -> dict:
    import json
    import re

    folder, server = site
    (folder / f"measure-{width}.html").write_text(HARNESS.format(width=width))
    result = browse(chromium, server.url + f"measure-{width}.html", "--virtual-time-budget=10000", "--dump-dom", *extra)
    assert console_errors(result.stderr) == []
    found = re.search(r'<pre id="out">(.*?)</pre>', result.stdout, re.S)
    assert found and found.group(1) != "pending", result.stdout[-500:]
    return json.loads(found.group(1).replace("&quot;", '"'))


@pytest.mark.parametrize("width", [390, 1280])
def test_the_page_fits_its_width_and_shows_its_legend(chromium, site, width):
    m = measure(chromium, site, width)
    assert m["scroll"] == m["width"] and m["over"] == []  # nothing but the chart's box scrolls sideways
    left, right, height = m["legend"]
    assert left >= 0 and right <= m["width"] and height > 0 and m["hidden_items"] == 0  # the legend whole in view
    assert m["feeds_open"] == (width >= 700)  # the subscribe list is collapsed on a phone
    if width == 390:
        assert m["bars"][0] > m["bars"][1]  # the chart scrolls inside its box, the names stay
    assert m["dark"] == "rgb(255, 255, 255)"


def test_the_page_follows_a_dark_setting(chromium, site):
    assert measure(chromium, site, 1280, "--force-dark-mode", "--blink-settings=preferredColorScheme=0")["dark"] == "rgb(26, 32, 44)"


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_show_the_legend_and_the_chart(chromium, site, tmp_path, width):
    folder, server = site
    shot = tmp_path / f"page-{width}.png"
    result = browse(chromium, server.url + "index.html", f"--window-size={width},1600", f"--screenshot={shot}")
    assert console_errors(result.stderr) == []
    data = shot.read_bytes()
    # every kind's colour is on screen (in the legend at least), and the milestones' purple and
    # the phases' blue in more than the legend: the chart is drawn
    for color, least in (((0x2B, 0x6C, 0xB0), 300), ((0x2F, 0x85, 0x5A), 100), ((0x80, 0x5A, 0xD5), 150),
                         ((0xC5, 0x30, 0x30), 100)):
        assert count_color(data, color) > least, (color, count_color(data, color))


def test_descriptions_are_reachable_without_script(site):
    """The names beside the chart link to the table's rows, whose details open by themselves
    (HTML's own details element: the page's few lines of script only open the subscribe list
    on wide screens and the details for print)."""
    import urllib.request

    folder, server = site
    with urllib.request.urlopen(server.url + "index.html") as response:
        dom = response.read().decode("utf-8")
    assert '<a href="#e-report" title="by 31 Jul 2005">WGIG report issued</a>' in dom  # as of 1 Mar 2005
    row = dom.split('<tr id="e-report"', 1)[1].split("</tr>", 1)[0]
    assert "<details><summary" in row and "Owner: WGIG" in row and "Source: Report will be issued no later than July 2005" in row


# -- accessible, whole in print, any content (#27) ------------------------------------------------

PAGE_JS = os.path.join(os.path.dirname(__file__), "interop", "page.js")
LONG_RULES = """\
calendar: {name: Long rules, timezone: Europe/Zurich}
events:
  - id: board
    title: Board meeting of the extended steering committee with all regional representatives
    when: 2026-01-07T10:00
    duration: 1h
    owner: [Secretariat of the extended steering committee]
    location: Palais des Nations, Salle XVII, Geneva, Switzerland (and online)
    repeat: {every: month, on: 1st wed, until: 2027-06-02, skip: [2026-08-05]}
  - id: weekly
    title: Weekly editors' call
    when: 2026-01-06T15:00
    duration: 45min
    timezone: America/New_York
    repeat: {every: week, on: [tue, thu], until: 2027-06-30}
  - {id: report, title: "Report <b>bold</b> & \\"quoted\\"", due: 2026-Q4}
"""
"""A plan whose repeat rules make long 'when' labels (they once widened the page to 1,418 px)."""


def drive(*args: str) -> dict:
    """Run tests/interop/page.js (puppeteer-core on Debian's Chromium) and read its JSON."""
    import json

    if not os.path.isdir(os.path.join(os.path.dirname(PAGE_JS), "node_modules", "puppeteer-core")):
        if os.environ.get("CI"):
            pytest.fail("puppeteer-core must be installed in CI (.ci/run installs tests/interop's packages)")
        pytest.skip("npm packages of tests/interop are not installed")
    env = dict(os.environ, CHROMIUM=CHROMIUM or "", NODE_PATH=os.path.join(os.path.dirname(PAGE_JS), "node_modules"))
    proc = subprocess.run(["node", PAGE_JS, *args], capture_output=True, text=True, timeout=180, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The default data, the example and a plan of long repeat rules, built and served."""
    from typer.testing import CliRunner

    from timeline.cli import app
    from .conftest import ROOT

    folder = tmp_path_factory.mktemp("sites")
    (folder / "long.yaml").write_text(LONG_RULES, encoding="utf-8")
    plans = {"default": (DEFAULT_EVENTS, "2005-03-01"), "example": (ROOT / "examples" / "working-group.yaml", "2026-03-01"),
             "long": (folder / "long.yaml", "2026-03-01")}
    for name, (path, today) in plans.items():
        result = CliRunner().invoke(app, ["build", str(folder / name), "-f", str(path), "--today", today])
        assert result.exit_code == 0, result.stderr
    server = SiteServer(folder)
    yield server.url
    server.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("plan", ["default", "example", "long"])
def test_the_page_is_accessible_fits_and_opens_the_chart_at_today(chromium, sites, plan, width, scheme):
    found = drive("audit", f"{sites}{plan}/index.html", str(width), scheme)
    assert found["errors"] == []
    assert found["axe"] == []  # axe-core: no violation of any kind
    layout = found["layout"]
    assert layout["scroll"] == layout["width"] and layout["over"] == []  # only the chart's own box scrolls sideways
    assert layout["background"] == ("rgb(26, 32, 44)" if scheme == "dark" else "rgb(255, 255, 255)")
    bars = layout["bars"]
    assert bars["tabIndex"] == 0  # the chart is reachable by keyboard
    room = bars["scrollWidth"] - bars["clientWidth"]
    today = bars["todayX"]  # None where today is outside the chart: it opens at its start
    wanted = 0 if today is None else min(max(0, today - bars["clientWidth"] / 2), room)
    assert abs(bars["scrollLeft"] - wanted) <= 1  # opened with today in view
    if found["keyboard"] is not None and bars["scrollLeft"] > 0:
        assert found["keyboard"]["after"] < found["keyboard"]["before"]  # the arrow keys scroll it
    if width == 390:
        assert set(layout["cellLabels"]) >= {'"When: "', '"Event: "', '"Kind: "', '"Status: "'}  # each field named


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_default_data_prints_whole(chromium, sites, tmp_path, paper):
    from .conftest import schedule_at

    pdf = tmp_path / f"{paper}.pdf"
    assert drive("pdf", f"{sites}default/index.html", str(pdf), paper)["errors"] == []
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    import re

    chart, table = re.split(r"^\f?Schedule$", text, maxsplit=1, flags=re.M)
    schedule = schedule_at(DEFAULT_EVENTS, None)
    for e in schedule.events:  # every row of the chart, the last ones too (they were cut after Sep 2005)
        assert " ".join(e.title.split())[:24] in " ".join(chart.split()), e.id
    axis = next(line for line in chart.splitlines() if "Jan" in line and "Feb" in line).split()
    assert axis[-1] == "Nov"  # the axis to the Tunis summit's month
    header = next(line for line in table.splitlines() if "When" in line).split()
    assert header == ["When", "Event", "Kind", "Status", "Owner", "Location"]  # every column
    for e in schedule.events:
        if e.location:
            assert e.location.split()[0] in table, e.id


@pytest.mark.parametrize("plan", ["default", "example", "hostile"])
def test_mermaid_parses_and_draws_every_export(chromium, tmp_path, run, plan):
    from .conftest import DATA, ROOT
    from .render.test_mermaid import tasks

    path = {"default": DEFAULT_EVENTS, "example": ROOT / "examples" / "working-group.yaml",
            "hostile": DATA / "hostile" / "mermaid.yaml"}[plan]
    result = run("gantt", "-f", str(path), "--today", "2026-01-01", "--format", "mermaid")
    assert result.exit_code == 0
    chart = tmp_path / "chart.mmd"
    chart.write_text(result.stdout, encoding="utf-8")
    drawn = drive("mermaid", str(chart))
    assert drawn["errors"] == [] and drawn["ok"], drawn.get("error")  # Mermaid's own parser accepts it
    found = tasks(result.stdout)
    assert drawn["bars"] == len(found) > 0  # a bar for every task line: nothing swallowed as a comment or a keyword
    labels = {label.strip() for label in drawn["labels"]}
    assert {name for name, *_ in found} <= labels and drawn["scripts"] == 0


@pytest.mark.parametrize("width", [390, 1280])
def test_the_month_calendar_page_is_accessible_and_fits(chromium, sites, width):
    found = drive("audit", f"{sites}long/calendar.html", str(width), "light")
    assert found["errors"] == [] and found["axe"] == []
    assert found["layout"]["scroll"] == found["layout"]["width"] and found["layout"]["over"] == []
