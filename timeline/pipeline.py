"""The one road from an events file to a resolved schedule.

    read (`loader.read_source`) → validate (`loader.validate`) → today, computed once from
    `now` in the calendar's zone → resolve (`resolve.resolve_events`) → `Schedule`

Every command, the web server, the static build and the edits reach a schedule through
this module; nothing else reads the events file or decides what "today" is. `now` is the
caller's: the CLI reads the clock once per command, the server once per request.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import yaml

from .dates import DayArg
from .errors import EventsFileError
from .loader import Source, read_source, validate
from .resolve import Schedule, resolve_events


def today_in(zone_name: str, now: datetime) -> date:
    """The local date in a zone at an instant (naive instants are UTC)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(ZoneInfo(zone_name)).date()


def load_schedule(path: str, now: datetime, day: DayArg | None = None, *, every_actual: bool = False) -> Schedule:
    """Read, validate and resolve an events file; raise `EventsFileError` with every problem.

    The schedule's `today` is `day` (relative words count from the calendar's today at
    `now`), else the calendar's today. Actuals recorded after `today` are ignored, unless
    `every_actual` (the plain schedule: `check`, `list`, `ics`).
    """
    return schedule_from_source(read_source(path), now, day, every_actual=every_actual)


def schedule_from_source(
    source: Source, now: datetime, day: DayArg | None = None, *, every_actual: bool = False,
    root: yaml.Node | None = None,
) -> Schedule:
    """Validate and resolve already-read text (see `load_schedule`); `root` is its node tree
    when the caller composed it already (edits do)."""
    events_file, problems, known = validate(source, root)
    today = today_in(events_file.calendar.timezone, now)
    if day is not None:
        today = day.on(today)
    as_of = None if every_actual else today
    events, more = resolve_events(events_file, as_of, known)
    problems = problems + [p for p in more if p not in problems]
    if problems:
        raise EventsFileError(problems)
    return Schedule(source.path, events_file.calendar, events, today, as_of, events_file.mtime)
