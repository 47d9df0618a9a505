"""What each day of a month holds: the events as a subscriber's calendar shows them (the
feed's quiet placement, `analysis.placement`), for the month calendar (`render.month`)."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..model import Kind, Status
from ..repeats import shift
from ..schedule import ResolvedEvent, Schedule
from .placement import WindowMode, placements


@dataclass(frozen=True, slots=True)
class Entry:
    """One event on one day."""

    id: str
    """The event (an occurrence's series)."""
    title: str
    """Its title."""
    kind: Kind
    """Its kind."""
    what: str
    """How it is on this day: `day` (it happens on it), `possible` (a day of a short window
    of possible days), `opens`/`closes` (a long window's first and last possible day),
    `starts`/`ends` (a long phase's first and last day), `due` (a deadline's day)."""
    time: str | None = None
    """Its start, `HH:MM` in the calendar's zone, for a timed event starting that day."""
    cancelled: bool = False
    """True when it (or this occurrence) is cancelled."""


@dataclass(frozen=True)
class Month:
    """A month of days and what each holds."""

    first: date
    """Its first day."""
    days: dict[date, list[Entry]]
    """Each day of the month, with its entries in the schedule's order (timed ones by time)."""

    @property
    def weeks(self) -> list[list[date | None]]:
        """The month's weeks, Monday first; None for a day of another month."""
        cells: list[date | None] = [None] * self.first.weekday() + sorted(self.days)  # December 9999 too
        cells += [None] * (-len(cells) % 7)
        return [cells[i:i + 7] for i in range(0, len(cells), 7)]


def month_of(schedule: Schedule, first: date) -> Month:
    """What each day of the month starting on `first` holds."""
    last = first.replace(day=_calendar.monthrange(first.year, first.month)[1])
    return months_of(schedule, first, last, every=True)[0]


def months_of(schedule: Schedule, first: date, last: date, *, every: bool = False) -> list[Month]:
    """The months from `first`'s to `last`'s, in order (with `every`, each of them; else only
    those with something on a day), events read once."""
    zone = ZoneInfo(schedule.calendar.timezone)
    first = first.replace(day=1)
    last = last.replace(day=_calendar.monthrange(last.year, last.month)[1])
    found: dict[date, dict[date, list[Entry]]] = {}
    for e in schedule.events:
        for day, entry in _entries(e, first, last, zone):
            found.setdefault(day.replace(day=1), {}).setdefault(day, []).append(entry)
    out = []
    month: date | None = first
    while month is not None and month <= last:
        held = found.get(month, {})
        if every or held:
            size = _calendar.monthrange(month.year, month.month)[1]
            days = {month + timedelta(days=n): sorted(held.get(month + timedelta(days=n), []), key=lambda x: x.time or "")
                    for n in range(size)}  # stable: untimed first, in the schedule's order
            out.append(Month(month, days))
        month = (month + timedelta(days=32)).replace(day=1) if month.year < 9999 or month.month < 12 else None
    return out


def _entries(e: ResolvedEvent, first: date, last: date, zone: ZoneInfo) -> list[tuple[date, Entry]]:
    """The (day, entry) pairs of one event inside [first, last]."""
    cancelled = e.status == Status.CANCELLED
    out: list[tuple[date, Entry]] = []
    if e.series is not None:
        for o in e.series.occurrences(first, last):
            start = o.start.moment.astimezone(zone) if o.start.moment is not None else None
            day = start.date() if start is not None else o.start.earliest
            if day is not None and first <= day <= last:
                out.append((day, Entry(e.id, e.title, e.kind, "day", start.strftime("%H:%M") if start else None,
                                       cancelled or o.status == Status.CANCELLED)))
        return out
    for p in placements(e, WindowMode.QUIET):
        if isinstance(p.start, datetime):
            start = p.start.astimezone(zone)
            if first <= start.date() <= last:
                out.append((start.date(), Entry(e.id, e.title, e.kind, "day", start.strftime("%H:%M"), cancelled)))
            continue
        # the last day: before DTEND, or the length (a DURATION, where 9999-12-31 has no day after)
        final = p.end - timedelta(days=1) if isinstance(p.end, date) else shift(p.start, (p.end or timedelta(days=1)) - timedelta(days=1))
        what = p.marker or ("due" if e.kind == Kind.DEADLINE and not e.done else "day" if p.firm else "possible")
        for n in range((min(final, last) - max(p.start, first)).days + 1):
            out.append((max(p.start, first) + timedelta(days=n), Entry(e.id, e.title, e.kind, what, None, cancelled)))
    return out
