"""The one road from an events file to a resolved schedule.

    read (`source.read_source`) → validate (`loader.validate`) → the day judged by: today
    in the calendar's zone at `now`, or `--as-of` → resolve (`resolve.resolve_events`) →
    `schedule.Schedule`

Every command, the web server, the static build and the edits get their schedule through
this module, and nothing else decides what day it is. `now` is the caller's: the CLI's
`now_utc`, the server's clock once per request.
"""

from __future__ import annotations

from collections.abc import Callable

from datetime import date, datetime, UTC
from zoneinfo import ZoneInfo

import yaml

from .days import DayArg
from .errors import DateSyntaxError, DayOptionError, EventsFileError
from .loader import validate
from .source import read_source, Source
from .schedule import Schedule
from .resolve import resolve_events


def today_in(zone_name: str, now: datetime) -> date:
    """The local date in a zone at an instant (naive instants are UTC)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(ZoneInfo(zone_name)).date()


def load_schedule(path: str, now: datetime, day: DayArg | None = None) -> Schedule:
    """Read, validate and resolve an events file; raise `EventsFileError` with every problem.

    Every command judges by one day: `day` (relative words count from the calendar's today
    at `now`), else the calendar's today. Actuals recorded after it are not yet known, and
    what happened by then projects what follows (`resolve`); only what is written can be
    a problem, so a file valid on one day is valid on every day.
    """
    return schedule_from_source(read_source(path), now, day)


def schedule_on(schedule: Schedule, path: str) -> Callable[[date], Schedule]:
    """The same file judged as of other days, read and validated once (`schedule` is it as
    of one day, so it is valid): for a backtest that replays many days."""
    events_file, _, known = validate(read_source(path))
    return lambda day: Schedule(schedule.path, events_file.calendar, resolve_events(events_file, day, known)[0], day,
                                events_file.mtime)


def schedule_from_source(
    source: Source, now: datetime, day: DayArg | None = None, *, root: yaml.Node | None = None,
) -> Schedule:
    """Validate and resolve already-read text (see `load_schedule`); `root` is its node tree
    when the caller composed it already (edits do)."""
    events_file, problems, known = validate(source, root)
    today = today_in(events_file.calendar.timezone, now)
    if day is not None:
        try:
            today = day.on(today)
        except DateSyntaxError as e:
            raise DayOptionError("--as-of", str(e)) from None
    events, more = resolve_events(events_file, today, known)
    problems = problems + [p for p in more if p not in problems]
    if problems:
        raise EventsFileError(problems)
    return Schedule(source.path, events_file.calendar, events, today, events_file.mtime)
