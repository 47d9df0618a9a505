"""Shared fixtures: test data files, golden-file comparison, and a CLI runner."""

from __future__ import annotations

import os
from datetime import date, datetime, UTC
from pathlib import Path

import pytest
from typer.testing import CliRunner

from timeline.days import DayArg
from timeline.pipeline import load_schedule
from timeline.schedule import ResolvedEvent, Schedule

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
DEFAULT_EVENTS = ROOT / "events.yaml"


NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
"""The instant tests load schedules at (a day after the default data's last actual)."""


def schedule_at(path: Path | str, day: date | None = None) -> Schedule:
    """The schedule of a file through the pipeline, as every command loads it: as of `day`,
    else as of today at `NOW`."""
    if day is None:
        return load_schedule(str(path), NOW)
    return load_schedule(str(path), NOW, DayArg(day.isoformat(), day))


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
def run(monkeypatch):
    """Invoke the CLI in-process with its clock at `NOW`: run(args..., input=None, env=None) -> Result."""
    from timeline import cli
    from timeline.cli import app_for

    monkeypatch.setattr(cli, "now_utc", lambda: NOW)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        # the app as `main` runs it: with only the named command (test_cli holds it to the whole app)
        return runner.invoke(app_for(list(args)), list(args), input=input, env=env, catch_exceptions=False)

    return invoke


def by_id(schedule: Schedule) -> dict[str, ResolvedEvent]:
    """A schedule's events by id."""
    return {e.id: e for e in schedule.events}


def write(tmp_path: Path, text: str, name: str = "events.yaml") -> Path:
    """Write an events file into a temporary folder."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
