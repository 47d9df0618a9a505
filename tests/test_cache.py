"""The schedule cache gives exactly the schedules and outputs computed without it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from timeline import cache
from timeline.errors import EventsFileError
from timeline.loader import Source, read_source
from timeline.resolve import schedule_from_source

from .conftest import DATA, DEFAULT_EVENTS, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import events_yaml  # noqa: E402


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder, used for every file size."""
    where = tmp_path / "cache"
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(where))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    return where


def _through_cache(source: Source, as_of: date | None, now: datetime | None, *, hit: bool | None = None):
    schedule, keep = cache.load(source, as_of, now)
    if hit is not None:
        assert (keep is None) == hit, "a hit" if hit else "a miss"
    if keep is not None:
        keep()
    return schedule


SOURCES = {
    "default": lambda: read_source(str(DEFAULT_EVENTS)),
    "stress": lambda: read_source(str(DATA / "stress.yaml")),
    "generated": lambda: Source("generated.yaml", events_yaml(400), 1_000_000.0),
}
DAYS = [None, date(2003, 1, 1), date(2004, 12, 1), date(2005, 3, 15), date(2005, 7, 1), date(2030, 1, 1)]


@pytest.mark.parametrize("name", SOURCES)
def test_cold_and_warm_schedules_equal_the_uncached_ones(folder: Path, name: str) -> None:
    source = SOURCES[name]()
    for as_of in DAYS:
        expected = schedule_from_source(source, as_of)
        for attempt in ("cold", "warm"):
            assert _through_cache(source, as_of, None, hit=True if attempt == "warm" else None) == expected, (as_of, attempt)
    now = datetime(2005, 2, 1, 23, 30, tzinfo=timezone.utc)  # already 2 February in Zurich
    assert _through_cache(source, None, now) == schedule_from_source(source, None, now)
    assert any(folder.iterdir())


def test_a_day_before_the_latest_actual_is_kept_apart(folder: Path) -> None:
    source = read_source(str(DEFAULT_EVENTS))
    assert cache.latest_actual(schedule_from_source(source)) is not None
    # a first run as of an early day keeps that day, and the kept form whose head leads to it
    _through_cache(source, date(2004, 12, 1), None, hit=False)
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and names[0].endswith("-2004-12-01.pickle") and names[1] == names[0][:64] + ".pickle"
    _through_cache(source, date(2004, 12, 1), None, hit=True)
    _through_cache(source, None, None, hit=True)
    _through_cache(source, date(2004, 12, 2), None, hit=False)  # another early day: its own entry
    assert len(list(folder.iterdir())) == 3


def test_a_changed_file_is_a_new_entry(folder: Path) -> None:
    source = read_source(str(DEFAULT_EVENTS))
    first = _through_cache(source, None, None)
    changed = Source(source.path, source.text.replace("WGIG timeline", "Another timeline"), source.mtime)
    second = _through_cache(changed, None, None)
    assert second.calendar.name.startswith("Another timeline") and first.calendar.name.startswith("WGIG timeline")
    assert len(list(folder.iterdir())) == 2


def test_the_modification_time_is_the_files_own(folder: Path) -> None:
    source = read_source(str(DEFAULT_EVENTS))
    _through_cache(source, None, None)
    later = Source(source.path, source.text, 2_000_000_000.0)
    assert _through_cache(later, None, None).mtime == 2_000_000_000.0


def test_a_damaged_entry_is_a_miss_and_goes(folder: Path) -> None:
    source = read_source(str(DEFAULT_EVENTS))
    _through_cache(source, None, None)
    (entry,) = folder.iterdir()
    entry.write_bytes(b"not a pickle")
    assert _through_cache(source, None, None) == schedule_from_source(source)
    assert entry.exists() and entry.read_bytes() != b"not a pickle"  # removed, then stored again


def test_a_folder_others_may_write_is_not_used(folder: Path) -> None:
    folder.mkdir(mode=0o777)
    os.chmod(folder, 0o777)
    source = read_source(str(DEFAULT_EVENTS))
    assert _through_cache(source, None, None) == schedule_from_source(source)
    assert list(folder.iterdir()) == []


def test_an_invalid_file_reports_as_without_a_cache(folder: Path) -> None:
    source = read_source(str(DATA / "bad" / "cycle.yaml"))
    with pytest.raises(EventsFileError) as cached:
        cache.load(source, date(2005, 1, 1), None)
    with pytest.raises(EventsFileError) as direct:
        schedule_from_source(source, date(2005, 1, 1))
    assert str(cached.value) == str(direct.value)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_at_most_max_entries_are_kept(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    source = read_source(str(DEFAULT_EVENTS))
    for n in range(5):
        _through_cache(Source(source.path, source.text + f"# {n}\n", source.mtime), None, None)
        time.sleep(0.01)
    assert len(list(folder.iterdir())) == 3


def test_small_files_and_an_empty_setting_write_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = read_source(str(DEFAULT_EVENTS))
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(tmp_path / "c"))
    assert len(source.text) < cache.MIN_BYTES and cache.load(source)[1] is None
    monkeypatch.setenv("TIMELINE_CACHE_DIR", "")
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    assert cache.load(source)[1] is None
    assert not (tmp_path / "c").exists()


def test_the_command_line_stores_after_its_output_and_reads_it_back(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(events_yaml(1500))
    assert big.stat().st_size >= cache.MIN_BYTES
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(tmp_path / "cache")}

    def run(*args: str) -> bytes:
        done = subprocess.run([sys.executable, "-m", "timeline", *args, "-f", str(big)], env=env,
                              capture_output=True, timeout=120, check=True)
        return done.stdout

    latest = cache.latest_actual(schedule_from_source(read_source(str(big))))
    assert latest is not None
    before = (latest - timedelta(days=1)).isoformat()  # an entry of its own, resolved as of that day
    cold = [run("list", "--format", "json")]
    cache.wait_for_writers(tmp_path / "cache")  # entries are stored by a detached child after the output
    cold.append(run("upcoming", "--as-of", before, "--json"))  # (a store finds the lock free: it is not waited for)
    cache.wait_for_writers(tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2
    used = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").glob("*.pickle")}
    time.sleep(0.05)
    warm = [run("list", "--format", "json"), run("upcoming", "--as-of", before, "--json")]
    assert warm == cold
    assert all(p.stat().st_mtime_ns > t for p, t in used.items())  # both entries were read (marked used)


def test_a_day_whose_kept_form_has_a_problem_is_still_kept(folder: Path) -> None:
    # counting the late actual of 'a' empties the window of 'b'; as of February it does not count yet
    source = Source("late.yaml", "events:\n  - {id: a, title: A, when: 2005-01, actual: 2005-06-01}\n"
                    "  - {id: b, title: B, when: 2005-03, after: a}\n", 1_000_000.0)
    with pytest.raises(EventsFileError, match="contradiction"):
        schedule_from_source(source)
    february = schedule_from_source(source, date(2005, 2, 1))
    assert _through_cache(source, date(2005, 2, 1), None, hit=False) == february  # stores without raising
    assert [p.name[64:] for p in folder.iterdir()] == ["-2005-02-01.pickle"]
