"""The one road from an events file to a resolved schedule.

    read (`source.read_source`) → validate (`loader.validate`) → the day judged by: today
    in the calendar's zone at `now`, or `--as-of` → resolve (`resolve.resolve_days`) →
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

from .days import DayArg, day_of
from .errors import EventsFileError, Problem
from .model import EventsFile
from .loader import validate
from .source import read_source, Source
from .schedule import Schedule
from .resolve import resolve_days


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


def load_days(path: str, now: datetime, day: DayArg | None = None) -> tuple[Schedule, Callable[[date], Schedule]]:
    """`load_schedule`, and the same file judged as of any other day, read, validated and
    planned once (`resolve.resolve_days`): for a backtest that replays many days."""
    source = read_source(path)
    events_file, problems, known = validate(source)
    today = _today(events_file, now, day)
    judged = _days(source, events_file, problems, known)
    return judged(today), judged


def schedule_from_source(
    source: Source, now: datetime, day: DayArg | None = None, *, root: yaml.Node | None = None,
) -> Schedule:
    """Validate and resolve already-read text (see `load_schedule`); `root` is its node tree
    when the caller composed it already (edits do)."""
    events_file, problems, known = validate(source, root)
    today = _today(events_file, now, day)
    return _days(source, events_file, problems, known)(today)


def _today(events_file: EventsFile, now: datetime, day: DayArg | None) -> date:
    """The day judged by: `day` (relative words counted from the calendar's today), else the
    calendar's today at `now`."""
    today = today_in(events_file.calendar.timezone, now)
    judged = day_of(day, today, "--as-of")
    return today if judged is None else judged


def _days(source: Source, events_file: EventsFile, problems: list[Problem], known: set[str]) -> Callable[[date], Schedule]:
    """Plan a validated file (`resolve.resolve_days`), raising every problem (the validator's
    and the resolver's) as one `EventsFileError`; the schedule as of any day."""
    more, on = resolve_days(events_file, known)
    problems = problems + [p for p in more if p not in problems]
    if problems:
        raise EventsFileError(problems)
    return lambda today: Schedule(source.path, events_file.calendar, on(today), today, events_file.mtime)
