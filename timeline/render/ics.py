"""`timeline ics`: an RFC 5545 feed that every calendar client reads the same way.

One VEVENT per event, UID `<id>@<domain>` so edits update subscribers' events instead of
duplicating them; DTSTAMP fixed by the input so rebuilding gives byte-identical output;
day-precision events as all-day events (DTEND exclusive); timed events with TZID and a
VTIMEZONE made of yearly RRULEs (`timeline.vtimezone`); uncertain windows shown as what
they are (a transparent, tentative all-day span, or one day of the window on request).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, UTC
from functools import lru_cache

from .. import __version__
from ..dates import day_after
from ..labels import day_label
from ..errors import RequestError, quote
from ..model import Calendar as CalendarSettings
from ..model import Kind, Status
from ..repeats import Series
from ..analysis.placement import Placement, WindowMode, placements
from ..feedtext import CANCELLED, DUE, LAST_MARKER, OWNER_LINES, PRODID_PREFIX, TO_BE_SET, marker_title, window_title
from ..schedule import ResolvedEvent, Schedule, slip
from .text import printable
from .words import days

PRODID = f"{PRODID_PREFIX}timeline {__version__}//EN"




def feed_stamp(calendar: CalendarSettings, mtime: float | None, source_date_epoch: str | None, fallback: date) -> datetime:
    """DTSTAMP: `calendar.updated`, else `$SOURCE_DATE_EPOCH`, else the file's mtime, else `fallback`."""
    updated = calendar.updated
    if isinstance(updated, datetime):
        if updated.tzinfo is None:
            from zoneinfo import ZoneInfo

            updated = updated.replace(tzinfo=ZoneInfo(calendar.timezone))
        try:
            return updated.astimezone(UTC)
        except OverflowError:  # a local time in the first or last hours of the years 1 to 9999
            return (datetime.min if updated.year == 1 else datetime.max).replace(microsecond=0, tzinfo=UTC)
    if isinstance(updated, date):
        return datetime.combine(updated, time(), UTC)
    if source_date_epoch and source_date_epoch.strip().isdigit():
        try:
            return datetime.fromtimestamp(int(source_date_epoch), UTC)
        except (OverflowError, OSError, ValueError):
            raise RequestError(f"SOURCE_DATE_EPOCH={quote(source_date_epoch)}: expected seconds since "
                               "1970-01-01 that fall before the year 10000") from None
    if mtime is not None:
        return datetime.fromtimestamp(int(mtime), UTC)
    return datetime.combine(fallback, time(), UTC)


def schedule_stamp(schedule: Schedule, source_date_epoch: str | None) -> datetime:
    """The DTSTAMP of a schedule's feeds (see `feed_stamp`), its last day as the last resort."""
    return feed_stamp(schedule.calendar, schedule.mtime, source_date_epoch, latest_day(schedule.events))


def clean(text: str) -> str:
    """Text safe for a TEXT value: every line break a newline, other control characters
    (but tab) removed (`text.printable`)."""
    return printable(text)


def uid(e: ResolvedEvent, placement: Placement, domain: str) -> str:
    """`<id>@<domain>`, the same in every mode (the quiet mode's marker on the first day
    included); `<id>.end@<domain>` for the quiet mode's marker on the last day."""
    last = placement.marker in ("closes", "ends")
    return f"{escape_text(e.id)}{LAST_MARKER if last else ''}@{domain}"


def describe(e: ResolvedEvent, firm: bool) -> str:
    """DESCRIPTION: the window in words, status, dependencies, plan, notes and source.

    `firm` is the placement's (whether the date is set does not depend on `--windows`).
    """
    ev = e.event
    lines = [f"When: {e.label}" + ("" if firm else f" ({TO_BE_SET})")]
    if ev.owners:
        lines.append(OWNER_LINES[len(ev.owners) > 1] + ", ".join(ev.owners))
    lines.append(f"Status: {e.status.value}")
    # Other events are named by id, which never changes, so that editing one title
    # changes only that event's lines in the feed.
    if ev.after:
        lines.append("After: " + ", ".join(ev.after))
    if ev.before:
        lines.append("Before: " + ", ".join(ev.before))
    if ev.parent:
        lines.append(f"Part of: {ev.parent}")
    if e.projected_by is not None:
        lines.append(f"Projected: at least {days(e.projected_by)} late ({e.projection}); planned: {e.planned_label}")
    if e.at_risk is not None:
        lines.append(f"At risk: {e.at_risk}")
    if e.replanned:
        lines.append(f"Planned: {e.baseline_label} (baseline), re-planned: {e.planned_label}")
    elif e.actual_recorded:
        lines.append(f"Planned: {e.planned_label}")
    if e.actual_recorded and e.replanned:
        against = ((slip(e.baseline_start, e.start), "the baseline"), (e.slip_days, "the re-plan"))
        lines += [f"Slip: {days:+d} days against {plan}" for days, plan in against if days]
    elif e.actual_recorded and e.slip_days:
        lines.append(f"Slip: {e.slip_days:+d} days")
    if ev.note:
        lines.append(f"Note: {ev.note}")
    if ev.description:
        lines += ["", ev.description]
    if ev.source:
        lines += ["", f"Source: {ev.source}"]
    return clean("\n".join(lines))


def summary(e: ResolvedEvent, placement: Placement) -> str:
    """SUMMARY: the title, saying so when the date is not set yet or the event is cancelled."""
    title = clean(e.title).replace("\n", " ")
    if e.status == Status.CANCELLED:
        return title + CANCELLED
    if e.kind == Kind.DEADLINE and not e.done:
        return DUE + title
    if placement.marker:
        return marker_title(title, placement.marker, e.label, placement.marker in ("opens", "closes"))
    if not placement.firm:
        return window_title(title, e.label)
    return title


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character
    nor between a backslash and the character it escapes; lines end with CRLF.

    Cut by slicing the encoded line (a loop over characters was 40% of a 10,000-event feed).
    """
    if len(line) <= 75 and line.isascii():  # most lines: no encoding needed to know
        return line + "\r\n"
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts = []
    start, limit = 0, 75  # continuation lines start with a space: 74 octets after it
    while len(data) - start > limit:
        end = start + limit
        if data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            while data[end] & 0xC0 == 0x80:
                end -= 1
        elif data[end - 1] == 0x5C:  # an escape's backslash would end the line: move it to the next
            run = len(data[start:end]) - len(data[start:end].rstrip(b"\\"))
            if run % 2:  # an odd run ends with a backslash that escapes what follows
                end -= 1
        parts.append(data[start:end])
        start, limit = end, 74
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8") + "\r\n"


def _when(name: str, value: date | datetime, schedule: Schedule) -> str:
    """DTSTART/DTEND: a date as VALUE=DATE, a local time with TZID, any other in UTC."""
    if not isinstance(value, datetime):
        return f"{name};VALUE=DATE:{value.isoformat().replace('-', '')}"  # strftime is five times slower
    zone = _tzid(value)
    if zone is not None:
        return f"{name};TZID={zone}:{_stamp(value)}"
    return f"{name}:{_stamp(value.astimezone(UTC))}Z"


def _stamp(value: datetime) -> str:
    """`YYYYMMDDTHHMMSS` (strftime's %Y drops the zeros of years before 1000)."""
    return f"{value.year:04d}{value:%m%dT%H%M%S}"


def event_lines(e: ResolvedEvent, schedule: Schedule, mode: WindowMode, stamp: datetime) -> list[str]:
    """An event's VEVENTs as unfolded content lines (one, or two markers in the quiet mode).

    Written directly rather than through `icalendar`'s serialiser, which costs about a
    millisecond an event here (mostly in folding) and would make a 10,000-event feed miss
    its two-second target; `icalendar` still builds the VTIMEZONE and reads feeds back in
    the tests, and seven independent clients check the result.
    """
    if e.series is not None:
        return series_lines(e, schedule, stamp)
    return [line for placement in placements(e, mode) for line in _vevent(e, placement, schedule, stamp)]


def _vevent(e: ResolvedEvent, placement: Placement, schedule: Schedule, stamp: datetime) -> list[str]:
    """One VEVENT for one placement of an event."""
    cal = schedule.calendar
    ev = e.event
    if e.status == Status.CANCELLED:
        status = "CANCELLED"
    elif not placement.firm or e.status == Status.TENTATIVE:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    busy = placement.firm and ev.kind == Kind.MEETING and status != "CANCELLED"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid(e, placement, cal.domain)}",
        _dtstamp(stamp),
        _when("DTSTART", placement.start, schedule),
    ]
    if isinstance(placement.end, timedelta):
        lines.append(f"DURATION:P{placement.end.days}D")
    elif placement.end is not None:
        lines.append(_when("DTEND", placement.end, schedule))
    lines.append(f"SUMMARY:{escape_text(summary(e, placement))}")
    lines.append(f"DESCRIPTION:{escape_text(describe(e, placement.firm))}")
    if ev.location:
        lines.append(f"LOCATION:{escape_text(clean(ev.location).replace(chr(10), ' '))}")
    if ev.url:
        lines.append(f"URL:{clean(ev.url).strip().replace(chr(10), '')}")
    lines.append(categories(e))
    lines.append(f"STATUS:{status}")
    lines.append(f"TRANSP:{'OPAQUE' if busy else 'TRANSPARENT'}")
    if ev.kind == Kind.DEADLINE and not e.done and e.status != Status.CANCELLED and placement.marker not in ("opens", "starts"):
        warn = ev.warn or cal.warn
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(f'Due {e.label}: ' + clean(e.title).replace(chr(10), ' '))}",
            f"TRIGGER:-{warn.ical()}",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return lines


def series_lines(e: ResolvedEvent, schedule: Schedule, stamp: datetime) -> list[str]:
    """A series as one VEVENT with RRULE and EXDATE (skipped and cancelled occurrences),
    and one VEVENT with RECURRENCE-ID for each moved occurrence, all with the series' UID."""
    series = e.series
    assert series is not None
    ev = e.event
    whole = Placement(series.first, None, True)
    uid_line = f"UID:{uid(e, whole, schedule.calendar.domain)}"
    cancelled = e.status == Status.CANCELLED
    status = "CANCELLED" if cancelled else "CONFIRMED"
    common = [
        categories(e),
        f"STATUS:{status}",
        f"TRANSP:{'TRANSPARENT' if cancelled else 'OPAQUE'}",
    ]
    if ev.location:
        common.insert(0, f"LOCATION:{escape_text(clean(ev.location).replace(chr(10), ' '))}")
    title = escape_text(summary(e, whole))

    def dates(naive: datetime) -> list[str]:
        """DTSTART and DTEND of the occurrence that starts at a naive wall-clock time."""
        start, end = series.window(naive), series.window(naive, "end")
        if start.moment is not None and end.moment is not None:
            return [_when("DTSTART", start.moment, schedule), _when("DTEND", end.moment, schedule)]
        last = end.latest
        assert start.earliest is not None and last is not None
        return [_when("DTSTART", start.earliest, schedule), _when("DTEND", day_after(last) or last, schedule)]

    lines = ["BEGIN:VEVENT", uid_line, _dtstamp(stamp), *dates(series.rrule()[0]), f"RRULE:{series.ical()}"]
    cancelled_days = {r.day for r in series.records if r.status == Status.CANCELLED}
    lines += [_exdate(series, day, schedule) for day in sorted(series.skipped | cancelled_days)]
    lines += [f"SUMMARY:{title}", f"DESCRIPTION:{escape_text(describe(e, True))}", *common, "END:VEVENT"]
    for record in series.records:
        if record.when is None or record.day in cancelled_days:
            continue
        start = series.moved_start(record.when)
        when = series.occurrence_label(series.occurrence(start, record, record.day))
        text = describe(e, True).replace(f"When: {e.label}", f"When: {when} (moved from {day_label(record.day)})", 1)
        lines += ["BEGIN:VEVENT", uid_line, _dtstamp(stamp), _exdate(series, record.day, schedule, "RECURRENCE-ID"),
                  *dates(start), f"SUMMARY:{title}", f"DESCRIPTION:{escape_text(text)}", *common, "END:VEVENT"]
    return lines


def _exdate(series: Series, day: date, schedule: Schedule, name: str = "EXDATE") -> str:
    """`EXDATE` (or `RECURRENCE-ID`) of the occurrence the rule gives on `day`: its start,
    written as DTSTART is."""
    if isinstance(series.first, datetime):
        naive = datetime.combine(day, series.first.replace(tzinfo=None).time())
        return _when(name, naive.replace(tzinfo=series.first.tzinfo), schedule)
    return _when(name, day, schedule)
def categories(e: ResolvedEvent) -> str:
    """CATEGORIES: the kind, the tags and the owners (ids and tags need no escaping; names do)."""
    return "CATEGORIES:" + ",".join((e.kind.value, *e.tags, *(escape_text(clean(o)) for o in e.owners)))


@lru_cache(maxsize=4)
def _dtstamp(stamp: datetime) -> str:
    """The DTSTAMP line (one per feed, so formatted once)."""
    return f"DTSTAMP:{_stamp(stamp.astimezone(UTC))}Z"


def _tzid(value: datetime) -> str | None:
    """The zone a time is written in with TZID (the calendar's, or the event's own), or None
    to write it in UTC: a time written with Z or an offset, a time in UTC, or a wall-clock
    time repeated by a clock change. Clients disagree on which occurrence a repeated time
    means (RFC 5545 says the first; ical.js, node-ical, libical and khal take the second)."""
    key = getattr(value.tzinfo, "key", None)
    if key is None or key == "UTC":
        return None
    return key if value.replace(fold=0).utcoffset() == value.replace(fold=1).utcoffset() else None


def _zone_years(events: Sequence[ResolvedEvent]) -> dict[str, tuple[int, int]]:
    """Every zone times are written in with TZID, and its years (one more each side, within
    1 to 9999)."""
    years: dict[str, list[int]] = {}
    for e in events:
        for m in (e.start.moment, e.end.moment):
            if m is not None and (zone := _tzid(m)) is not None:
                years.setdefault(zone, []).append(m.year)
    return {zone: (max(min(ys) - 1, 1), min(max(ys) + 1, 9999)) for zone, ys in sorted(years.items())}


@dataclass(frozen=True)
class IcsOptions:
    """How to write a feed."""

    stamp: datetime
    """DTSTAMP of every event (`schedule_stamp`)."""
    windows: WindowMode = WindowMode.QUIET
    """How an uncertain window becomes an event."""
    name_suffix: str = ""
    """Added to the calendar's name (per-tag, per-kind and per-owner feeds)."""
    since: date | None = None
    """Leave out the events that ended before this day (`calendar.keep`, `--since`)."""
    source: str | None = None
    """Where this very feed is published (SOURCE, RFC 7986: a client refreshes it from there);
    None where that is not known (no SOURCE is better than another feed's address)."""


def feed_options(schedule: Schedule, stamp: datetime, windows: str | None = None, since: date | None = None,
                 name_suffix: str = "", source: str | None = None) -> IcsOptions:
    """A feed's options: `windows` (`--windows`) else `calendar.windows`; `since`
    (`--since`) else `calendar.keep` before the schedule's today (else every event)."""
    cal = schedule.calendar
    if since is None and cal.keep is not None:
        since = cal.keep.before(schedule.today)
    return IcsOptions(stamp, WindowMode(windows or cal.windows), name_suffix, since, source)


def render_ics(schedule: Schedule, options: IcsOptions) -> bytes:
    """The whole feed as bytes (CRLF lines, folded at 75 octets on character boundaries)."""
    return b"".join(ics_chunks(schedule, options))


def ics_chunks(schedule: Schedule, options: IcsOptions) -> Iterator[bytes]:
    """The feed of `render_ics` in pieces, an event at a time, for writing as it is made: a
    large feed is never held whole (100,000 events' feed is about 60 MB as text)."""
    settings, events, stamp, mode = schedule.calendar, schedule.events, options.stamp, options.windows
    name = escape_text(clean(settings.name + options.name_suffix).replace("\n", " "))
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{name}",
        f"X-WR-CALNAME:{name}",
    ]
    if settings.timezone_set:
        head.append(f"X-WR-TIMEZONE:{settings.timezone}")
    head.append(f"REFRESH-INTERVAL;VALUE=DURATION:{settings.refresh.ical()}")
    head.append(f"X-PUBLISHED-TTL:{settings.refresh.ical()}")
    if options.source:
        head.append(f"SOURCE;VALUE=URI:{clean(options.source).strip()}")
    yield "".join(map(fold, head)).encode("utf-8")
    zones = _zone_years(events)
    if zones:
        from .vtimezone import build_vtimezone

        for zone, years in zones.items():
            yield build_vtimezone(zone, *years).to_ical()
    for e in events:
        if options.since is not None and e.end.latest is not None and e.end.latest < options.since:
            continue  # ended before the feed's horizon (an event that never ends stays)
        yield "".join(map(fold, event_lines(e, schedule, mode, stamp))).encode("utf-8")
    yield b"END:VCALENDAR\r\n"


def latest_day(events: Sequence[ResolvedEvent]) -> date:
    """The last day any event may fall on (a deterministic DTSTAMP of last resort)."""
    days = [d for e in events for d in (e.start.earliest, e.start.latest, e.end.earliest, e.end.latest) if d]
    return max(days) if days else date(1970, 1, 1)
