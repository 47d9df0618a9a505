"""A load test on loopback: 200 concurrent clients, 50 requests each, zero errors.

The time bound is a safety stop, not a performance target (those live in benchmarks/).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT
from .loadgen import run_load


def start_server(events: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """`timeline serve` on a free port, its log (one line per request) going to a file."""
    proc = subprocess.Popen([sys.executable, "-m", "timeline", "serve", "-f", str(events), "--port", "0"],
                            cwd=ROOT, stderr=log.open("wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        first = log.read_text().split("\n", 1)[0]
        if first.startswith("timeline serve: http://"):
            return proc, int(first.split(":")[3].split("/")[0])
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"the server did not start: {log.read_text()}")


@pytest.mark.slow
def test_two_hundred_clients_fifty_requests_each(default_events, tmp_path):
    proc, port = start_server(default_events, tmp_path / "access.log")
    try:
        result = run_load(port, clients=200, each=50)
    finally:
        proc.terminate()
        assert proc.wait(timeout=60) == 0
    assert result.errors == []
    assert result.requests == 10_000
    assert result.statuses.get(304, 0) >= 3_000 and result.statuses.get(200, 0) >= 5_000
    assert result.seconds < 300
    assert (tmp_path / "access.log").read_text().count('"GET /') == 10_000
