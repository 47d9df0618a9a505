"""The published page in a real browser: headless Chromium (Debian's `chromium`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest

from .conftest import write
from .pngread import count_color
from .test_web import Running

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
        assert "<svg" in dom and dom.count('class="label"') == 24
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
