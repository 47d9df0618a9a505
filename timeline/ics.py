"""`timeline ics`: an RFC 5545 feed that every calendar client reads the same way.

One VEVENT per event, UID `<id>@<domain>` so edits update subscribers' events instead of
duplicating them; DTSTAMP fixed by the input so rebuilding gives byte-identical output;
day-precision events as all-day events (DTEND exclusive); timed events with TZID and a
VTIMEZONE made of yearly RRULEs (`timeline.vtimezone`); uncertain windows shown as what
they are (a transparent, tentative all-day span, or one day of the window on request).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum

from icalendar import Alarm, Calendar, Event

from . import __version__
from .model import Calendar as CalendarSettings
from .model import Kind, Status
from .resolve import ResolvedEvent, Schedule

PRODID = f"-//timeline//timeline {__version__}//EN"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class WindowMode(str, Enum):
    """How an uncertain window becomes a calendar event (`--windows`)."""

    SPAN = "span"
    START = "start"
    END = "end"


def feed_stamp(calendar: CalendarSettings, mtime: float | None, source_date_epoch: str | None, fallback: date) -> datetime:
    """DTSTAMP: `calendar.updated`, else `$SOURCE_DATE_EPOCH`, else the file's mtime, else `fallback`."""
    updated = calendar.updated
    if isinstance(updated, datetime):
        if updated.tzinfo is None:
            from zoneinfo import ZoneInfo

            updated = updated.replace(tzinfo=ZoneInfo(calendar.timezone))
        return updated.astimezone(timezone.utc)
    if isinstance(updated, date):
        return datetime.combine(updated, time(), timezone.utc)
    if source_date_epoch and source_date_epoch.strip().isdigit():
        return datetime.fromtimestamp(int(source_date_epoch), timezone.utc)
    if mtime is not None:
        return datetime.fromtimestamp(int(mtime), timezone.utc)
    return datetime.combine(fallback, time(), timezone.utc)


def clean(text: str) -> str:
    """Text safe for a TEXT value: control characters (but newline and tab) removed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True)
class Placement:
    """Where an event lands in a calendar."""

    start: date | datetime
    """DTSTART: a date (all-day) or an aware date-time."""
    end: date | datetime | None
    """DTEND (exclusive for dates), or None for an instant."""
    firm: bool
    """False when the event only marks a window of possible days."""


def place(e: ResolvedEvent, mode: WindowMode) -> Placement:
    """Decide DTSTART/DTEND for an event: exact days, times, the due day, or the window by `mode`."""
    start, end = e.start, e.end
    if start.moment is not None and end.moment is not None:
        if end.moment > start.moment:
            return Placement(start.moment, end.moment, True)
        return Placement(start.moment, None, True)
    if e.kind == Kind.DEADLINE and not e.done and end.latest is not None:
        return _days(end.latest, end.latest, True)
    vague = start.approximate or start.uncertain or end.approximate or end.uncertain
    if start.is_day and end.is_day and not vague:
        return _days(start.earliest, end.latest, True)  # type: ignore[arg-type]
    first, last = start.earliest, end.latest
    if first is None or last is None:  # open-ended: one day at the known edge, never no DTSTART
        edge = first or last or start.latest or end.earliest
        assert edge is not None  # the date language has no window open on both sides
        return _days(edge, edge, False)
    if mode == WindowMode.START:
        return _days(first, first, False)
    if mode == WindowMode.END:
        return _days(last, last, False)
    return _days(first, last, False)


def _days(first: date, last: date, firm: bool) -> Placement:
    """An all-day placement from `first` to `last` inclusive (DTEND is the day after)."""
    return Placement(first, last + timedelta(days=1), firm)


def describe(e: ResolvedEvent) -> str:
    """DESCRIPTION: the window in words, status, dependencies, plan, notes and source."""
    lines = [f"When: {e.label}" + ("" if place(e, WindowMode.SPAN).firm else " (date to be set)")]
    lines.append(f"Status: {e.status.value}")
    # Other events are named by id, which never changes, so that editing one title
    # changes only that event's lines in the feed.
    if e.event.after:
        lines.append("After: " + ", ".join(e.event.after))
    if e.event.before:
        lines.append("Before: " + ", ".join(e.event.before))
    if e.event.parent:
        lines.append(f"Part of: {e.event.parent}")
    if e.done and e.event.actual is not None:
        lines.append(f"Planned: {e.planned_label}")
        if e.slip_days:
            lines.append(f"Slip: {e.slip_days:+d} days")
    if e.event.note:
        lines.append(f"Note: {e.event.note}")
    if e.event.description:
        lines += ["", e.event.description]
    if e.event.source:
        lines += ["", f"Source: {e.event.source}"]
    return clean("\n".join(lines))


def summary(e: ResolvedEvent, placement: Placement) -> str:
    """SUMMARY: the title, saying so when the date is not set yet or the event is cancelled."""
    title = clean(e.event.title).replace("\n", " ")
    if e.status == Status.CANCELLED:
        return f"{title} (cancelled)"
    if e.kind == Kind.DEADLINE and not e.done:
        return f"Due: {title}"
    if not placement.firm:
        return f"{title} ({e.label}, date to be set)"
    return title


def build_event(e: ResolvedEvent, schedule: Schedule, mode: WindowMode, stamp: datetime) -> Event:
    """One VEVENT."""
    cal = schedule.calendar
    placement = place(e, mode)
    ev = Event()
    ev.add("uid", f"{e.id}@{cal.domain}")
    ev.add("dtstamp", stamp)
    ev.add("summary", summary(e, placement))
    _add_time(ev, "dtstart", placement.start, schedule)
    if placement.end is not None:
        _add_time(ev, "dtend", placement.end, schedule)
    if e.status == Status.CANCELLED:
        status = "CANCELLED"
    elif not placement.firm or e.status == Status.TENTATIVE:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    ev.add("status", status)
    busy = placement.firm and e.kind == Kind.MEETING and status != "CANCELLED"
    ev.add("transp", "OPAQUE" if busy else "TRANSPARENT")
    ev.add("description", describe(e))
    if e.event.location:
        ev.add("location", clean(e.event.location).replace("\n", " "))
    if e.event.url:
        ev.add("url", clean(e.event.url).strip())
    ev.add("categories", [e.kind.value, *e.event.tags])
    if e.kind == Kind.DEADLINE and not e.done and e.status != Status.CANCELLED:
        warn = e.event.warn or cal.warn
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Due {e.label}: {clean(e.event.title)}")
        alarm.add("trigger", -warn.to_timedelta())
        ev.add_component(alarm)
    return ev


def _add_time(ev: Event, name: str, value: date | datetime, schedule: Schedule) -> None:
    """Add DTSTART/DTEND: dates as VALUE=DATE, local times with TZID, others in UTC."""
    if isinstance(value, datetime):
        if _local(value, schedule):
            ev.add(name, value)  # TZID=<calendar zone>
        else:
            ev.add(name, value.astimezone(timezone.utc))
    else:
        ev.add(name, value)


def _local(value: datetime, schedule: Schedule) -> bool:
    """True when a time is written with the calendar's TZID: it is in that zone, the zone is
    not UTC, and the wall-clock time is not repeated by a clock change. Clients disagree on
    which occurrence a repeated time means (RFC 5545 says the first; ical.js, node-ical,
    libical and khal take the second), so such a time is written in UTC instead."""
    zone = schedule.zone
    if schedule.calendar.timezone == "UTC" or getattr(value.tzinfo, "key", None) != zone.key:
        return False
    return value.replace(fold=0).utcoffset() == value.replace(fold=1).utcoffset()


def _zone_years(events: Sequence[ResolvedEvent], schedule: Schedule) -> tuple[int, int] | None:
    """First and last year of the events written in the calendar's zone (None: no such event)."""
    years = [
        m.year
        for e in events
        for m in (e.start.moment, e.end.moment)
        if m is not None and _local(m, schedule)
    ]
    return (min(years) - 1, max(years) + 1) if years else None


def render_ics(
    schedule: Schedule,
    events: Sequence[ResolvedEvent],
    stamp: datetime,
    mode: WindowMode = WindowMode.SPAN,
    name_suffix: str = "",
) -> bytes:
    """The whole feed as bytes (CRLF lines, folded at 75 octets on character boundaries)."""
    cal_settings = schedule.calendar
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = clean(cal_settings.name + name_suffix).replace("\n", " ")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    if cal_settings.timezone_set:
        cal.add("x-wr-timezone", cal_settings.timezone)
    cal.add("refresh-interval", cal_settings.refresh.to_timedelta(), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", cal_settings.refresh.ical())
    if cal_settings.url:
        cal.add("source", cal_settings.url, parameters={"VALUE": "URI"})
    if cal_settings.timezone != "UTC":
        years = _zone_years(events, schedule)
        if years is not None:
            from .vtimezone import build_vtimezone

            cal.add_component(build_vtimezone(cal_settings.timezone, *years))
    for e in events:
        cal.add_component(build_event(e, schedule, mode, stamp))
    return cal.to_ical()


def latest_day(events: Sequence[ResolvedEvent]) -> date:
    """The last day any event may fall on (a deterministic DTSTAMP of last resort)."""
    days = [d for e in events for d in (e.start.earliest, e.start.latest, e.end.earliest, e.end.latest) if d]
    return max(days) if days else date(1970, 1, 1)
