"""Shared fixtures: test data files, golden-file comparison, and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
DEFAULT_EVENTS = ROOT / "events.yaml"


@pytest.fixture(autouse=True)
def no_schedule_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes a schedule cache unless it asks for one (tests/test_cache.py)."""
    monkeypatch.setenv("TIMELINE_CACHE_DIR", "")


@pytest.fixture
def data() -> Path:
    """The folder of test data files."""
    return DATA


@pytest.fixture
def default_events() -> Path:
    """The project's default events.yaml."""
    return DEFAULT_EVENTS


def assert_golden(name: str, text: str) -> None:
    """Compare text with tests/golden/NAME; UPDATE_GOLDEN=1 rewrites it on purpose."""
    path = GOLDEN / name
    data = text.encode("utf-8")  # compared as bytes: CRLF line ends must survive
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert data == path.read_bytes(), f"output differs from {path} (UPDATE_GOLDEN=1 regenerates it)"


@pytest.fixture
def run():
    """Invoke the CLI in-process: run(args..., input=None, env=None) -> Result."""
    from timeline.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


def write(tmp_path: Path, text: str, name: str = "events.yaml") -> Path:
    """Write an events file into a temporary folder."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
