"""A cache of resolved schedules: commands on an unchanged large events file start at once.

Reading, validating and resolving 10,000 events takes about 0.7 s here; loading the same
resolved schedule from a pickle takes 0.2 s. The cache holds, for one events file's exact
text and path (and this code, this Python and this time-zone database), the schedule
resolved with every actual counting, plus the first day of the latest actual: for any
`as_of` on or after that day the schedule is the same but for its `as_of`, since resolution
uses `as_of` only to ignore actuals that start after it.

Only files of at least `MIN_BYTES` are cached (smaller ones load faster than a pickle is
found). The folder is `$TIMELINE_CACHE_DIR`, else `$XDG_CACHE_HOME/timeline`, else
`~/.cache/timeline`; an empty `TIMELINE_CACHE_DIR` turns the cache off. It is created
private (0700), and used only while it is owned by the user and writable by nobody else,
because a pickle can run code when loaded. A file that fails to load counts as a miss.
It keeps at most `MAX_ENTRIES` schedules, dropping the least recently used.

An entry is two pickles in one file: a head (format, latest actual day, time zone) that
decides whether the schedule is usable for the day asked, then the schedule. A day before
the latest actual gets an entry of its own, resolved as of that day, found through the
kept form's head (which that day's first run also stores).
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from .errors import EventsFileError
from .loader import Source
from .resolve import Schedule, schedule_from_source, today_in

MIN_BYTES = 100_000
"""Smaller events files (about 1,000 events) are not cached."""
MAX_ENTRIES = 16
"""Schedules kept at most."""
FORMAT = 1
"""Bumped when what is stored changes shape."""


def cache_dir() -> Path | None:
    """The cache folder from the environment (None: turned off, and always without fork and uids)."""
    if not hasattr(os, "fork") or not hasattr(os, "getuid"):
        return None  # stored by a forked child, trusted by owner: neither exists on Windows
    if "TIMELINE_CACHE_DIR" in os.environ:
        value = os.environ["TIMELINE_CACHE_DIR"]
        return Path(value) if value else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "timeline"


def key(source: Source) -> str:
    """What a cached schedule depends on: the text and path, the code, Python, the zone data."""
    import hashlib  # this module's heavier imports wait until a file is large enough to cache

    digest = hashlib.sha256()
    for part in (str(FORMAT), sys.version, _code_fingerprint(), _zone_fingerprint(), source.path):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(source.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _code_fingerprint() -> str:
    """Size and modification time of every module of this package."""
    folder = Path(__file__).parent
    parts = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            st = os.stat(folder / name)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def _zone_fingerprint() -> str:
    """Where the time-zone data lives and when it last changed (local times resolve against it)."""
    import zoneinfo

    parts = []
    for folder in zoneinfo.TZPATH:
        for name in ("tzdata.zi", "."):
            try:
                st = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            parts.append(f"{folder}/{name}:{st.st_mtime_ns}")
            break
    return ";".join(parts)


def _usable(folder: Path) -> bool:
    """True when the folder is ours alone (owned by us, writable by nobody else)."""
    try:
        st = os.stat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def load(source: Source, as_of: date | None = None, now: datetime | None = None) -> tuple[Schedule, Callable[[], None] | None]:
    """The schedule of a source (as `resolve.schedule_from_source`), from the cache when it
    holds it; with it, when it was computed and is worth keeping, the function that stores it
    (the command line runs it after the output is out)."""
    folder = cache_dir()
    if folder is None or len(source.text) < MIN_BYTES:
        return schedule_from_source(source, as_of, now), None
    entry = key(source)
    base = folder / f"{entry}.pickle"
    head = _read_head(folder, base)
    if head is not None:
        latest, zone = head
        day = as_of if as_of is not None or now is None else today_in(zone, now)
        if day is None or latest is None or day >= latest:  # no actual is ignored: the kept form, dated
            kept = _read_schedule(base)
            if kept is not None:
                return replace(kept, as_of=day, mtime=source.mtime), None
        else:
            dated = folder / f"{entry}-{day.isoformat()}.pickle"
            kept = _read_schedule(dated) if _read_head(folder, dated) is not None else None
            if kept is not None:
                return replace(kept, mtime=source.mtime), None
    schedule = schedule_from_source(source, as_of, now)
    if all(e.done for e in schedule.events if e.event.actual is not None):
        # every actual counts: the same schedule serves any day from the latest actual on
        return schedule, lambda: _write(folder, base, replace(schedule, as_of=None), latest_actual(schedule))
    assert schedule.as_of is not None  # only a day can leave an actual out
    dated = folder / f"{entry}-{schedule.as_of.isoformat()}.pickle"

    def keep() -> None:
        _write(folder, dated, schedule, None)
        if _read_head(folder, base) is None:  # a dated entry is found through the kept form's head
            try:
                whole = schedule_from_source(source)
            except EventsFileError:  # with every actual counted the file has a problem: no kept form
                return
            _write(folder, base, replace(whole, as_of=None), latest_actual(whole))

    return schedule, keep


def latest_actual(schedule: Schedule) -> date | None:
    """The first day of the latest-starting actual (None: no actual has a first day)."""
    starts = [e.start.earliest for e in schedule.events if e.event.actual is not None and e.start.earliest is not None]
    return max(starts, default=None)


def _read_head(folder: Path, path: Path) -> tuple[date | None, str] | None:
    """The latest actual day and the zone stored at the head of an entry, or None."""
    import pickle

    if not _usable(folder):
        return None
    try:
        with open(path, "rb") as f:
            form, latest, zone = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign file: a miss, and it goes
        _remove(path)
        return None
    if form != FORMAT or not (latest is None or isinstance(latest, date)) or not isinstance(zone, str):
        _remove(path)
        return None
    return latest, zone


def _read_schedule(path: Path) -> Schedule | None:
    """The schedule after an entry's head (marking the entry recently used), or None."""
    import pickle

    try:
        with open(path, "rb") as f:
            pickle.load(f)
            schedule = pickle.load(f)
        os.utime(path)
    except FileNotFoundError:
        return None
    except Exception:
        _remove(path)
        return None
    if not isinstance(schedule, Schedule):
        _remove(path)
        return None
    return schedule


def _write(folder: Path, path: Path, schedule: Schedule, latest: date | None) -> None:
    """Store a schedule atomically; a cache that cannot be written is simply not used."""
    import pickle
    import tempfile

    head = pickle.dumps((FORMAT, latest, schedule.calendar.timezone), protocol=pickle.HIGHEST_PROTOCOL)
    data = pickle.dumps(replace(schedule, mtime=None), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _usable(folder):
            return
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(head)
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            _remove(Path(tmp))
            raise
        _prune(folder)
    except OSError:
        return


def writer_lock() -> int | None:
    """Take the cache folder's write lock without waiting: an open descriptor, or None when
    the cache is off or another process is storing. The command line takes it before forking
    the child that stores, which then holds it until done (see `wait_for_writers`)."""
    folder = cache_dir()
    if folder is None:
        return None
    import fcntl  # after the check: there is none where the cache is always off

    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _usable(folder):
            return None
        fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def wait_for_writers(folder: Path) -> None:
    """Block until no process is storing schedules in `folder` (for benchmarks and tests)."""
    import fcntl

    try:
        fd = os.open(folder / ".lock", os.O_RDWR)
    except FileNotFoundError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    finally:
        os.close(fd)


def _prune(folder: Path) -> None:
    """Drop the least recently used schedules beyond MAX_ENTRIES."""
    entries = []
    for path in folder.glob("*.pickle"):
        try:
            entries.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    for _, path in sorted(entries, reverse=True)[MAX_ENTRIES:]:
        _remove(path)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
